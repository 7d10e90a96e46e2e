package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The renewals screen lists the renewal reminders the nightly job wrote, for one officer or for
// every family the user may see, and renews a policy from its row: enrolled today, with the
// product the conversion chain leads to and the officer the reminder names.

// renewalsView is the renewals page.
type renewalsView struct {
	Officer  formField
	Until    formField
	Total    int
	Page     int
	Pages    int
	PrevHref string
	NextHref string
	Rows     []renewalRow
	CanRenew bool
	Notice   string
	Warning  string
	Family   string // link to the family of the renewal just made
	Query    string // the officer filter, kept by the renew buttons
}

type renewalRow struct {
	PolicyID, FamilyHref, CHFID, Name, Village, Product, Officer, OfficerID, RenewalDate string
	Warnings                                                                             []string
}

// renewalWarnings names the reminder's warning bits (store.InsertRenewals).
var renewalWarnings = []struct {
	bit int64
	key string
}{{1, "renewal.warning.product"}, {2, "renewal.warning.no_officer"}, {4, "renewal.warning.officer_left"}}

// renewalsPage lists the open reminders.
func (s *server) renewalsPage(w http.ResponseWriter, r *http.Request) {
	u := imis.UserFromContext(r.Context())
	if !u.Can(imis.RightPolicySearch, imis.RightPolicyRenew) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	officer := imis.NilID
	if id, err := imis.ParseID(q.Get("officer")); err == nil {
		if _, err := s.DB.FindByID(ctx, imis.Officers, id); err != nil {
			s.fail(w, r, err)
			return
		}
		officer = id
	}
	due, err := s.DB.VisibleRenewals(ctx, officer)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "renewal.title", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.insurees"}, crumb{Label: "renewal.title"})
	v := renewalsView{CanRenew: u.Can(imis.RightPolicyRenew)}
	v.Until = formField{Field: imis.Field{Name: "until", Kind: imis.FieldDate}, Name: "until", ID: "f-until", Label: p.T("renewal.until"),
		Value: strings.TrimSpace(q.Get("until"))}
	code := http.StatusOK
	if v.Until.Value != "" {
		if until, err := imis.ParseDate(v.Until.Value); err != nil {
			v.Until.Error, code = p.T("error.date"), http.StatusUnprocessableEntity
		} else {
			due = slices.DeleteFunc(due, func(d store.RenewalReminder) bool { return d.RenewalDate.After(until) })
		}
	}
	v.Total = len(due)
	due = v.paginate(r, due)
	if officer != imis.NilID {
		v.Query = officer.String()
	}
	v.Officer = formField{Field: imis.Field{Name: "officer", Kind: imis.FieldRef, Ref: "officers"}, Name: "officer", ID: "f-officer",
		Label: p.fieldLabel(imis.Policies, "officer_id"), Value: v.Query, Options: s.options(ctx, imis.Officers)}
	for _, d := range due {
		row := renewalRow{PolicyID: d.PolicyUUID.String(), FamilyHref: "/families/" + d.FamilyID.String(), CHFID: d.CHFID,
			Name: strings.TrimSpace(d.LastName + " " + d.OtherNames), Village: d.VillageName,
			Product: strings.TrimSpace(d.ProductCode + " " + d.ProductName), Officer: d.OfficerCode, RenewalDate: d.RenewalDate.String()}
		if d.OfficerUUID != imis.NilID {
			row.OfficerID = d.OfficerUUID.String()
		}
		for _, wb := range renewalWarnings {
			if d.Warnings&wb.bit != 0 {
				row.Warnings = append(row.Warnings, p.T(wb.key))
			}
		}
		v.Rows = append(v.Rows, row)
	}
	if doneKey(q) == "renewed" {
		v.Notice = p.T("family.done.renewed")
		if id, err := imis.ParseID(q.Get("policy")); err == nil {
			if pol, err := s.DB.FindByID(ctx, imis.Policies, id); err == nil {
				v.Notice += " " + p.T("renewal.summary", pol.Values.Text("head_chfid"), pol.Values.Text("product_code"),
					dateText(pol.Values["start_date"]), dateText(pol.Values["expiry_date"]), moneyText(pol.Values["value"]), p.policyStanding(pol.Values, s.DB.Today()))
				v.Family = "/families/" + pol.Values.ID("family_id").String()
			}
		}
		if q.Get("late") == "1" {
			v.Warning = p.T("family.renewal_late")
		}
	}
	p.Data = v
	s.render(w, r, code, "renewals", p)
}

// renewalsPerPage bounds the rows of one page: a district's reminders for a month run to
// hundreds.
const renewalsPerPage = 50

// paginate keeps the page of reminders the query asks for and sets the links to its neighbours.
func (v *renewalsView) paginate(r *http.Request, due []store.RenewalReminder) []store.RenewalReminder {
	v.Pages = max(1, (len(due)+renewalsPerPage-1)/renewalsPerPage)
	v.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	v.Page = min(max(v.Page, 1), v.Pages)
	href := func(n int) string {
		q := r.URL.Query()
		q.Del("done")
		q.Del("policy")
		q.Del("late")
		q.Set("page", strconv.Itoa(n))
		return "/renewals?" + q.Encode()
	}
	if v.Page > 1 {
		v.PrevHref = href(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.NextHref = href(v.Page + 1)
	}
	from := (v.Page - 1) * renewalsPerPage
	return due[from:min(len(due), from+renewalsPerPage)]
}

// renewalRenew renews the policy of a reminder, enrolled today.
func (s *server) renewalRenew(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !imis.UserFromContext(ctx).Can(imis.RightPolicyRenew) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	id, err := imis.ParseID(r.PathValue("policy"))
	if err != nil {
		s.fail(w, r, imis.Errorf(imis.ENOTFOUND, "error.not_found"))
		return
	}
	var officer *imis.ID
	if o, err := imis.ParseID(r.PostFormValue("officer_id")); err == nil {
		officer = &o
	}
	rec, late, err := s.DB.RenewPolicy(ctx, id, s.DB.Today(), officer)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	extra := url.Values{"policy": {rec.ID.String()}}
	if late {
		extra.Set("late", "1")
	}
	if f := r.PostFormValue("filter"); f != "" {
		if _, err := imis.ParseID(f); err == nil {
			extra.Set("officer", f)
		}
	}
	redirectDone(w, r, "/renewals", "renewed", extra)
}
