package ui

import (
	"net/http"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// The home page shows the user's own work first, then the registers' totals. The totals come
// from the store's counts of a minute ago at most and cost a view no SQL; each work count is one
// query that stops past store.WorkCountCap. The page does not poll: a poll per open page would
// cost the session's and the work's queries every few seconds for every user.

// renewalWindowDays is how far ahead the home page looks for renewals due.
const renewalWindowDays = 30

type homeView struct {
	Work   []workCount
	Totals []homeCount
	AsOf   string // the time the totals were counted, in the scheme's zone
}

type homeCount struct {
	Label string
	Href  string
	Count int
}

// workCount is one kind of work waiting for the user, linking to the list that shows it.
type workCount struct {
	Label string
	Href  string
	Count store.CappedCount
}

// work counts what waits for the user in their districts, each kind only for a user who may
// open the list that shows it. Claims to review join here once claims are entered.
func (s *server) work(r *http.Request, p *page) ([]workCount, error) {
	ctx := r.Context()
	u := imis.UserFromContext(ctx)
	var out []workCount
	if u.Can(imis.RightPolicySearch, imis.RightPolicyRenew) {
		until := s.DB.Today().AddDays(renewalWindowDays)
		n, err := s.DB.CountRenewalsDue(ctx, until)
		if err != nil {
			return nil, err
		}
		out = append(out, workCount{Label: p.T("home.work.renewals_due", renewalWindowDays), Href: "/renewals?until=" + until.String(), Count: n})
	}
	if u.Can(imis.RightPolicySearch) {
		n, err := s.DB.CountPoliciesAwaitingPayment(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, workCount{Label: p.T("home.work.awaiting_payment"), Href: "/policies?status=" + itoa(imis.PolicyIdle), Count: n})
	}
	return out, nil
}

// totals returns, for every register the user may search, how many current records they see.
func (s *server) totals(r *http.Request) ([]homeCount, string, error) {
	all, err := s.DB.RegisterTotals(r.Context())
	if err != nil {
		return nil, "", err
	}
	u := imis.UserFromContext(r.Context())
	var out []homeCount
	for _, reg := range imis.AllRegisters {
		if u.Can(reg.Rights.Search) {
			out = append(out, homeCount{Label: "register." + reg.Name, Href: "/registers/" + reg.Name, Count: all.Visible(reg, u)})
		}
	}
	return out, all.At.In(s.DB.Zone).Format("15:04"), nil
}

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "home.title")
	var v homeView
	var err error
	if v.Work, err = s.work(r, p); err == nil {
		v.Totals, v.AsOf, err = s.totals(r)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "home", p)
}
