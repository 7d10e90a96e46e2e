package ui

import (
	"context"
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The enquiry screen answers the reception desk's question, "is this person covered?", from one
// insurance number: typed, or scanned by a barcode reader that types the number and Enter. The
// answer replaces itself in place with htmx and is a plain GET page without JavaScript; the JSON
// API gives programs the same answer.

// enquiryView is the enquiry page: the question and, once asked, the answer.
type enquiryView struct {
	CHFID      string // the number asked about
	Date       string
	Item       string
	Service    string
	DateErr    string
	ItemErr    string
	ServiceErr string
	Asked      bool
	NotFound   bool
	FocusCheck bool            // the last question was about an item or service: keep the cursor there
	Number     *numberRuleView // the number's rule, stated and checked as it is typed
	Answer     *enquiryAnswer
	Lines      []*lineAnswer // the item's verdict, then the service's
}

type enquiryAnswer struct {
	InsureeID, CHFID, LastName, OtherNames, DOB, Gender, FSP, At string
	Age                                                          int
	HasPhoto                                                     bool
	Covers                                                       []coverAnswer
}

type coverAnswer struct {
	Product, Status, StatusLabel, Enroll, Start, Effective, Expiry, Value string
	Split                                                                 bool
	Ded1, Ded2, Ceiling1, Ceiling2                                        string
	Counts                                                                []counterAnswer
	Amounts                                                               []counterAnswer
}

type counterAnswer struct{ Label, Left string }

type lineAnswer struct {
	Code, Category, MinDate, Left, Verdict, VerdictLabel string
}

// enquiryPage answers GET /enquiry?chfid=&date=&item=&service=. An htmx request gets the answer
// block alone.
func (s *server) enquiryPage(w http.ResponseWriter, r *http.Request) {
	if !imis.UserFromContext(r.Context()).Can(imis.RightInsureeEnquire) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	q := r.URL.Query()
	v := enquiryView{CHFID: strings.TrimSpace(store.Searchable(q.Get("chfid"))), Date: strings.TrimSpace(q.Get("date")),
		Item: strings.TrimSpace(store.Searchable(q.Get("item"))), Service: strings.TrimSpace(store.Searchable(q.Get("service")))}
	p := s.newPage(r, "enquiry.title", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.insurees"}, crumb{Label: "enquiry.title"})
	v.Number = s.numberRuleView(r.Context(), p)
	code := http.StatusOK
	if v.CHFID != "" {
		v.Asked = true
		var err error
		code, err = s.answerEnquiry(r.Context(), p, &v)
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Data = v
	if r.Header.Get("HX-Request") == "true" {
		// htmx swaps successful answers only; "not found" is an answer too.
		s.renderBlock(w, http.StatusOK, "enquiry", "answer", p)
		return
	}
	s.render(w, r, code, "enquiry", p)
}

// answerEnquiry fills in the answer and returns the page's status: 404 for an unknown number,
// 422 for a bad date or code. Other errors are returned.
func (s *server) answerEnquiry(ctx context.Context, p *page, v *enquiryView) (int, error) {
	var at imis.Date
	if v.Date != "" {
		d, err := imis.ParseDate(v.Date)
		if err != nil {
			v.DateErr = p.T("error.date")
			return http.StatusUnprocessableEntity, nil
		}
		at = d
	}
	e, err := s.DB.Enquire(ctx, v.CHFID, at)
	if imis.ErrorCode(err) == imis.ENOTFOUND {
		v.NotFound = true
		return http.StatusNotFound, nil
	} else if err != nil {
		return 0, err
	}
	v.Answer = s.enquiryAnswer(p, e)
	if v.Item == "" && v.Service == "" {
		return http.StatusOK, nil
	}
	v.FocusCheck = true
	el, err := s.DB.Eligibility(ctx, v.CHFID, at, v.Item, v.Service)
	if e := httpx.AsError(err); e != nil && e.Code == imis.EINVALID {
		if fe, ok := e.Fields["item_code"]; ok {
			v.ItemErr = p.Err(fe)
		}
		if fe, ok := e.Fields["service_code"]; ok {
			v.ServiceErr = p.Err(fe)
		}
		return http.StatusUnprocessableEntity, nil
	} else if err != nil {
		return 0, err
	}
	for _, l := range []*imis.LineEligibility{el.Item, el.Service} {
		if a := p.lineAnswer(l); a != nil {
			v.Lines = append(v.Lines, a)
		}
	}
	return http.StatusOK, nil
}

// enquiryAnswer shows the enquiry's identity and covers in the user's language.
func (s *server) enquiryAnswer(p *page, e *imis.Enquiry) *enquiryAnswer {
	gender, _ := imis.Insurees.Field("gender")
	a := &enquiryAnswer{InsureeID: e.InsureeID.String(), CHFID: e.CHFID, LastName: e.LastName, OtherNames: e.OtherNames,
		DOB: e.DOB.String(), Age: e.Age, Gender: p.display(gender, e.Gender, nil), HasPhoto: e.HasPhoto, At: e.At.String(),
		FSP: strings.TrimSpace(e.FSPCode + " " + e.FSPName)}
	for _, c := range e.Covers {
		ca := coverAnswer{Product: strings.TrimSpace(c.ProductCode + " " + c.ProductName), Status: c.Status,
			StatusLabel: p.standingText(c.Standing), Enroll: c.EnrollDate.String(), Start: c.StartDate.String(),
			Effective: c.EffectiveDate.String(), Expiry: c.ExpiryDate.String(), Value: c.PolicyValue.String(),
			Split: c.DedType == imis.DedTypeSplit,
			Ded1:  optMoneyText(c.Ded1), Ded2: optMoneyText(c.Ded2), Ceiling1: optMoneyText(c.Ceiling1), Ceiling2: optMoneyText(c.Ceiling2)}
		for _, cat := range imis.EnquiryCategories {
			label := p.T("choice.service_category." + cat)
			if n := c.Left.Of(cat); n != nil {
				ca.Counts = append(ca.Counts, counterAnswer{Label: label, Left: itoa(*n)})
			}
			if m := c.AmountLeft.Of(cat); m != nil {
				ca.Amounts = append(ca.Amounts, counterAnswer{Label: label, Left: m.String()})
			}
		}
		a.Covers = append(a.Covers, ca)
	}
	return a
}

// lineAnswer shows the verdict on one item or service, nil when none was asked about.
func (p *page) lineAnswer(l *imis.LineEligibility) *lineAnswer {
	if l == nil {
		return nil
	}
	a := &lineAnswer{Code: l.Code, MinDate: l.MinDate.String(), Left: p.T("enquiry.unlimited")}
	if l.Category != "" {
		a.Category = p.T("choice.service_category." + l.Category)
	}
	if l.Left != nil {
		a.Left = imis.FormatFixed(*l.Left, 2)
	}
	switch {
	case l.NotCovered:
		a.Verdict, a.MinDate, a.Left = "none", "", ""
	case l.OK:
		a.Verdict = "ok"
	default:
		a.Verdict = "no"
	}
	a.VerdictLabel = p.T("enquiry.verdict." + a.Verdict)
	return a
}

func optMoneyText(m *imis.Money) string {
	if m == nil {
		return ""
	}
	return m.String()
}
