package ui

import (
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
)

// actionForm is one of the family page's small forms (add a member, a policy, a contribution,
// renew, move, remove): a few fields, what the server computed so far, and the question the
// store asks when a payment leaves a policy unpaid. One template draws them all alike.
type actionForm struct {
	Action    string
	Multipart bool
	Intro     []string
	Error     string
	Fields    []formField
	Quote     *quoteView
	Notes     []string
	Decision  *decisionView
	Submit    string
	Danger    bool
	Extra     []formButton
	Cancel    string
}

// formButton is a secondary submit button, such as "Calculate the value".
type formButton struct{ Name, Value, Label string }

// quoteView is a policy's dates and value as the server computes them before anything is saved.
type quoteView struct {
	Product string
	Start   string
	Expiry  string
	Value   string
	Notes   []string
}

// decisionView is openIMIS's question when a contribution does not pay its policy in full: the
// reason, and the answers the situation allows.
type decisionView struct {
	Name    string // input name
	Reason  string
	Options []decisionOption
}

type decisionOption struct {
	ID, Value, Label string
	Checked          bool
}

// decisionFor turns the store's question about an unpaid policy into the form's, or nil when err
// is something else. answer keeps the answer the user had ticked, as it was posted.
func (p *page) decisionFor(err error, name string, answer imis.PaymentDecision) *decisionView {
	e := httpx.AsError(err)
	if e == nil || e.Reason != imis.ReasonPaymentDecision {
		return nil
	}
	fe := e.Fields["decision"]
	answers := "WAIT, ENFORCE"
	if len(fe.Args) > 0 {
		if s, ok := fe.Args[0].(string); ok {
			answers = s
		}
	}
	chosen, _ := imis.ParsePaymentDecision(string(answer))
	d := &decisionView{Name: name, Reason: p.T(e.Message)}
	for a := range strings.SplitSeq(answers, ",") {
		a = strings.TrimSpace(a)
		d.Options = append(d.Options, decisionOption{ID: "decision-" + strings.ToLower(a), Value: a,
			Label: p.T("decision." + strings.ToLower(a)), Checked: imis.PaymentDecision(a) == chosen})
	}
	return d
}

// showActionForm draws an action form inside the layout.
func (s *server) showActionForm(w http.ResponseWriter, r *http.Request, status int, p *page, f actionForm) {
	p.Data = f
	s.render(w, r, status, "family_form", p)
}
