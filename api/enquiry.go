package api

import (
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// apiEnquiry answers GET /api/enquiry/{chfid}?date=&item=&service= with the enquiry as JSON:
// amounts as exact decimal strings, dates as YYYY-MM-DD, quantities in whole units with two
// decimals; an unknown number (or one outside the user's districts) is 404.
func (s *server) apiEnquiry(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !imis.UserFromContext(ctx).Can(imis.RightInsureeEnquire) {
		s.apiFail(w, r, httpx.Forbidden())
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
	chfid := strings.TrimSpace(store.Searchable(r.PathValue("chfid")))
	e, err := s.DB.Enquire(ctx, chfid, at)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	out := s.enquiryJSON(e, s.Lang(r, imis.UserFromContext(ctx)))
	item, service := strings.TrimSpace(store.Searchable(q.Get("item"))), strings.TrimSpace(store.Searchable(q.Get("service")))
	if item != "" || service != "" {
		el, err := s.DB.Eligibility(ctx, chfid, at, item, service)
		if err != nil {
			s.apiFail(w, r, err)
			return
		}
		out["eligibility"] = eligibilityJSON(el)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// enquiryJSON is the enquiry as the JSON API returns it, in the registers API's conventions. Each
// policy carries the words the screens show for it, in the user's language, and the day its
// cover starts when that is still to come.
func (s *server) enquiryJSON(e *imis.Enquiry, lang string) map[string]any {
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
			"status": c.Status, "status_label": s.StandingText(lang, c.Standing), "covered_from": httpx.NullDate(c.Standing.CoveredFrom),
			"policy_status": c.PolicyStatus, "policy_value": c.PolicyValue.String(),
			"enroll_date": httpx.NullDate(c.EnrollDate), "start_date": httpx.NullDate(c.StartDate),
			"effective_date": httpx.NullDate(c.EffectiveDate), "expiry_date": httpx.NullDate(c.ExpiryDate),
			"ded_type": httpx.NullText(c.DedType), "deductible_1": moneyOrNil(c.Ded1), "deductible_2": moneyOrNil(c.Ded2),
			"ceiling_1": moneyOrNil(c.Ceiling1), "ceiling_2": moneyOrNil(c.Ceiling2),
			"claims_left": countsJSON(c.Left), "amounts_left": amountsJSON(c.AmountLeft),
		})
	}
	return map[string]any{
		"insuree_id": e.InsureeID, "chfid": e.CHFID, "last_name": e.LastName, "other_names": e.OtherNames,
		"dob": httpx.NullDate(e.DOB), "age": e.Age, "gender": httpx.NullText(e.Gender), "photo": photo, "photo_file": httpx.NullText(e.PhotoFile),
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
		return map[string]any{"code": l.Code, "category": httpx.NullText(l.Category), "covered": !l.NotCovered, "ok": l.OK,
			"min_date": httpx.NullDate(l.MinDate), "quantity_left": left}
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
	for _, cat := range imis.EnquiryCategories {
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
	for _, cat := range imis.EnquiryCategories {
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

func moneyOrNil(m *imis.Money) any {
	if m == nil {
		return nil
	}
	return m.String()
}
