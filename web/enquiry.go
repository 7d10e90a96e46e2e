package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
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
	FocusCheck bool // the last question was about an item or service: keep the cursor there
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

// enquiryCategories are the claim categories whose counters and amounts the enquiry shows.
var enquiryCategories = []string{imis.CategoryHospitalization, imis.CategoryVisit, imis.CategoryConsultation,
	imis.CategorySurgery, imis.CategoryDelivery, imis.CategoryAntenatal}

// enquiryPage answers GET /enquiry?chfid=&date=&item=&service=. An htmx request gets the answer
// block alone.
func (s *Server) enquiryPage(w http.ResponseWriter, r *http.Request) {
	if !imis.UserFromContext(r.Context()).Can(imis.RightInsureeEnquire) {
		s.fail(w, r, forbidden())
		return
	}
	q := r.URL.Query()
	v := enquiryView{CHFID: strings.TrimSpace(searchable(q.Get("chfid"))), Date: strings.TrimSpace(q.Get("date")),
		Item: strings.TrimSpace(searchable(q.Get("item"))), Service: strings.TrimSpace(searchable(q.Get("service")))}
	p := s.newPage(r, "enquiry.title", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.insurees"}, crumb{Label: "enquiry.title"})
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
func (s *Server) answerEnquiry(ctx context.Context, p *page, v *enquiryView) (int, error) {
	var at imis.Date
	if v.Date != "" {
		d, err := imis.ParseDate(v.Date)
		if err != nil {
			v.DateErr = p.T("error.date")
			return http.StatusUnprocessableEntity, nil
		}
		at = d
	}
	e, err := s.db.Enquire(ctx, v.CHFID, at)
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
	el, err := s.db.Eligibility(ctx, v.CHFID, at, v.Item, v.Service)
	if e := asError(err); e != nil && e.Code == imis.EINVALID {
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
func (s *Server) enquiryAnswer(p *page, e *imis.Enquiry) *enquiryAnswer {
	gender, _ := imis.Insurees.Field("gender")
	a := &enquiryAnswer{InsureeID: e.InsureeID.String(), CHFID: e.CHFID, LastName: e.LastName, OtherNames: e.OtherNames,
		DOB: e.DOB.String(), Age: e.Age, Gender: p.display(gender, nullable(e.Gender), nil), HasPhoto: e.HasPhoto, At: e.At.String(),
		FSP: strings.TrimSpace(e.FSPCode + " " + e.FSPName)}
	for _, c := range e.Covers {
		ca := coverAnswer{Product: strings.TrimSpace(c.ProductCode + " " + c.ProductName), Status: c.Status,
			StatusLabel: p.T("enquiry.status." + c.Status), Enroll: c.EnrollDate.String(), Start: c.StartDate.String(),
			Effective: c.EffectiveDate.String(), Expiry: c.ExpiryDate.String(), Value: c.PolicyValue.String(),
			Split: c.DedType == imis.DedTypeSplit,
			Ded1:  optMoneyText(c.Ded1), Ded2: optMoneyText(c.Ded2), Ceiling1: optMoneyText(c.Ceiling1), Ceiling2: optMoneyText(c.Ceiling2)}
		for _, cat := range enquiryCategories {
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

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optMoneyText(m *imis.Money) string {
	if m == nil {
		return ""
	}
	return m.String()
}

// apiEnquiry answers GET /api/enquiry/{chfid}?date=&item=&service= with the enquiry as JSON:
// amounts as exact decimal strings, dates as YYYY-MM-DD, quantities in whole units with two
// decimals; an unknown number (or one outside the user's districts) is 404.
func (s *Server) apiEnquiry(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !imis.UserFromContext(ctx).Can(imis.RightInsureeEnquire) {
		s.apiFail(w, r, forbidden())
		return
	}
	q := r.URL.Query()
	var at imis.Date
	if d := strings.TrimSpace(q.Get("date")); d != "" {
		parsed, err := imis.ParseDate(d)
		if err != nil {
			s.apiFail(w, r, fieldError("date", "error.date"))
			return
		}
		at = parsed
	}
	chfid := strings.TrimSpace(searchable(r.PathValue("chfid")))
	e, err := s.db.Enquire(ctx, chfid, at)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := enquiryJSON(e)
	item, service := strings.TrimSpace(searchable(q.Get("item"))), strings.TrimSpace(searchable(q.Get("service")))
	if item != "" || service != "" {
		el, err := s.db.Eligibility(ctx, chfid, at, item, service)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		out["eligibility"] = eligibilityJSON(el)
	}
	writeJSON(w, http.StatusOK, out)
}

// enquiryJSON is the enquiry as the JSON API returns it, in the registers API's conventions.
func enquiryJSON(e *imis.Enquiry) map[string]any {
	var photo any
	if e.HasPhoto {
		photo = "/photos/" + e.InsureeID.String()
	}
	var fsp any
	if e.FSPCode != "" {
		fsp = map[string]any{"code": e.FSPCode, "name": e.FSPName}
	}
	covers := []map[string]any{}
	for _, c := range e.Covers {
		covers = append(covers, map[string]any{
			"policy_id": c.PolicyID, "product_code": c.ProductCode, "product_name": c.ProductName,
			"status": c.Status, "policy_status": c.PolicyStatus, "policy_value": c.PolicyValue.String(),
			"enroll_date": dateOrNil(c.EnrollDate), "start_date": dateOrNil(c.StartDate),
			"effective_date": dateOrNil(c.EffectiveDate), "expiry_date": dateOrNil(c.ExpiryDate),
			"ded_type": nullable(c.DedType), "deductible_1": moneyOrNil(c.Ded1), "deductible_2": moneyOrNil(c.Ded2),
			"ceiling_1": moneyOrNil(c.Ceiling1), "ceiling_2": moneyOrNil(c.Ceiling2),
			"claims_left": countsJSON(c.Left), "amounts_left": amountsJSON(c.AmountLeft),
		})
	}
	return map[string]any{
		"insuree_id": e.InsureeID, "chfid": e.CHFID, "last_name": e.LastName, "other_names": e.OtherNames,
		"dob": dateOrNil(e.DOB), "age": e.Age, "gender": nullable(e.Gender), "photo": photo, "photo_file": nullable(e.PhotoFile),
		"first_point_of_service": fsp, "date": e.At.String(), "policies": covers,
	}
}

// eligibilityJSON is the item and service verdicts as the JSON API returns them.
func eligibilityJSON(el *imis.Eligibility) map[string]any {
	line := func(l *imis.LineEligibility) any {
		if l == nil {
			return nil
		}
		var left any
		if l.Left != nil {
			left = imis.FormatFixed(*l.Left, 2)
		}
		return map[string]any{"code": l.Code, "category": nullable(l.Category), "covered": !l.NotCovered, "ok": l.OK,
			"min_date": dateOrNil(l.MinDate), "quantity_left": left}
	}
	return map[string]any{"date": el.At.String(), "age": el.Age, "adult": el.Adult,
		"claims_left": countsJSON(el.Left), "amounts_left": amountsJSON(el.AmountLeft),
		"item": line(el.Item), "service": line(el.Service)}
}

var categoryNames = map[string]string{imis.CategoryHospitalization: "hospitalization", imis.CategoryVisit: "visit",
	imis.CategoryConsultation: "consultation", imis.CategorySurgery: "surgery", imis.CategoryDelivery: "delivery",
	imis.CategoryAntenatal: "antenatal"}

// countsJSON lists the claims left per limited category; categories without a limit are null.
func countsJSON(c imis.CategoryCounts) map[string]any {
	out := map[string]any{}
	for _, cat := range enquiryCategories {
		var v any
		if n := c.Of(cat); n != nil {
			v = *n
		}
		out[categoryNames[cat]] = v
	}
	return out
}

// amountsJSON lists the per-category amount ceilings; categories without one are null.
func amountsJSON(a imis.CategoryAmounts) map[string]any {
	out := map[string]any{}
	for _, cat := range enquiryCategories {
		if cat == imis.CategoryVisit {
			continue
		}
		var v any
		if m := a.Of(cat); m != nil {
			v = m.String()
		}
		out[categoryNames[cat]] = v
	}
	return out
}

func dateOrNil(d imis.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

func moneyOrNil(m *imis.Money) any {
	if m == nil {
		return nil
	}
	return m.String()
}
