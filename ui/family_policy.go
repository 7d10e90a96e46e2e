package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The family's policies and payments: a new policy shown with the dates and value the server
// computes, a contribution with openIMIS's question when it leaves the policy unpaid, and a
// renewal with its late warning.

// offer is what a family may buy: the products on sale on a date where it lives, and the
// officers of its district.
type offer struct {
	Products []store.Option
	Product  map[imis.ID]*store.Record
	Officers []store.Option
}

// offerFor lists the products a family of village may buy on day at (national ones, its
// region's and its district's, on sale that day) and the enrolment officers of its district.
func (s *server) offerFor(ctx context.Context, village imis.ID, at imis.Date) (offer, error) {
	o := offer{Product: map[imis.ID]*store.Record{}}
	loc, err := s.DB.FindByID(ctx, imis.Locations, village)
	if err != nil {
		return o, err
	}
	district, region := loc.Values.ID("district_id"), loc.Values.ID("region_id")
	prods, _, err := s.DB.Find(ctx, imis.Products, store.Filter{Page: imis.Page{Size: 500}})
	if err != nil {
		return o, err
	}
	for _, pr := range prods {
		if !imis.ProductOfferedIn(pr.Values.ID("location_id"), district, region) ||
			!imis.ProductOnSale(pr.Values.Date("date_from"), pr.Values.Date("date_to"), at) {
			continue
		}
		o.Products = append(o.Products, store.Option{ID: pr.ID, Label: pr.Values.Text("code") + " " + pr.Values.Text("name")})
		o.Product[pr.ID] = pr
	}
	officers, _, err := s.DB.Find(ctx, imis.Officers, store.Filter{Fields: map[string]string{"location_id": district.String()}, Page: imis.Page{Size: 500}})
	if err != nil {
		return o, err
	}
	today := s.DB.Today()
	for _, of := range officers {
		if !imis.OfficerWorksOn(of.Values.Date("works_to"), today) {
			continue
		}
		o.Officers = append(o.Officers, store.Option{ID: of.ID,
			Label: of.Values.Text("code") + " " + of.Values.Text("last_name") + " " + of.Values.Text("other_names")})
	}
	return o, nil
}

// ownOfficer is the officer record of the acting user (an officer's login is their code), the
// natural default seller of a policy.
func ownOfficer(u *imis.User, officers []store.Option) string {
	if u == nil {
		return ""
	}
	for _, o := range officers {
		if code, _, _ := strings.Cut(o.Label, " "); strings.EqualFold(code, u.Login) {
			return o.ID.String()
		}
	}
	return ""
}

// quote computes a policy's dates and value before it is saved, with a note when the family has
// more members than the product covers (they are neither priced nor covered).
func (s *server) quote(ctx context.Context, p *page, prod *store.Record, enroll imis.Date, members []imis.Member, names []string) (*quoteView, error) {
	q, err := s.DB.QuotePolicy(ctx, prod.ID, enroll, members)
	if err != nil {
		return nil, err
	}
	v := &quoteView{Product: prod.Values.Text("code") + " " + prod.Values.Text("name"),
		Start: q.Start.String(), Expiry: q.Expiry.String(), Value: q.Value.String()}
	maxMembers, _ := prod.Values["max_members"].(int64)
	if maxMembers > 0 && int64(len(members)) > maxMembers {
		left := names[maxMembers:]
		v.Notes = append(v.Notes, p.T("enrol.over_max_members", prod.Values.Text("code"), maxMembers, len(members), strings.Join(left, ", ")))
	}
	return v, nil
}

// policyForm holds what the add-policy form was sent.
type policyForm struct{ product, officer, enroll string }

// familyPolicyNew shows the add-policy form.
func (s *server) familyPolicyNew(w http.ResponseWriter, r *http.Request) {
	fam, err := s.familyFor(r, imis.RightPolicyAdd)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showPolicyForm(w, r, http.StatusOK, fam, policyForm{enroll: s.DB.Today().String()}, nil, false)
}

// familyPolicyCreate calculates the value (action "quote") or saves the policy; the server
// computes its dates, value and status either way.
func (s *server) familyPolicyCreate(w http.ResponseWriter, r *http.Request) {
	fam, err := s.familyFor(r, imis.RightPolicyAdd)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := policyForm{product: r.PostFormValue("product_id"), officer: r.PostFormValue("officer_id"), enroll: r.PostFormValue("enroll_date")}
	values, problems := imis.Policies.Parse(map[string]string{"family_id": fam.ID.String(), "product_id": in.product,
		"officer_id": in.officer, "enroll_date": in.enroll}, true)
	if err := problems.Err(); err != nil {
		s.showPolicyForm(w, r, http.StatusUnprocessableEntity, fam, in, err, false)
		return
	}
	if r.PostFormValue("action") == "quote" {
		s.showPolicyForm(w, r, http.StatusOK, fam, in, nil, true)
		return
	}
	pol, err := s.DB.Create(r.Context(), imis.Policies, values, nil)
	if err != nil {
		if httpx.Status(err) < 500 {
			s.showPolicyForm(w, r, httpx.Status(err), fam, in, err, true)
			return
		}
		s.fail(w, r, err)
		return
	}
	redirectDone(w, r, "/families/"+fam.ID.String(), "policy_added", url.Values{"policy": {pol.ID.String()}})
}

// showPolicyForm draws the add-policy form with the products the family may buy; withQuote
// adds the dates and value the server computes for the chosen product and date.
func (s *server) showPolicyForm(w http.ResponseWriter, r *http.Request, code int, fam *store.Record, in policyForm, err error, withQuote bool) {
	ctx := r.Context()
	p := s.newPage(r, "family.add_policy", familyCrumbs(fam, crumb{Label: "family.add_policy"})...)
	enroll, derr := imis.ParseDate(in.enroll)
	at := enroll
	if derr != nil {
		at = s.DB.Today()
	}
	o, oerr := s.offerFor(ctx, fam.Values.ID("location_id"), at)
	if oerr != nil {
		s.fail(w, r, oerr)
		return
	}
	if in.officer == "" {
		in.officer = ownOfficer(p.User, o.Officers)
	}
	problems := fieldProblems(err)
	f := actionForm{Action: "/families/" + fam.ID.String() + "/policies", Submit: p.T("family.save_policy"),
		Cancel: "/families/" + fam.ID.String(), Intro: []string{p.T("family.add_policy_intro", familyName(fam))},
		Extra: []formButton{{Name: "action", Value: "quote", Label: p.T("enrol.calculate")}}}
	if err != nil {
		f.Error = p.formMessage(err)
	}
	product := requiredField(p.inputField(imis.Policies, "product_id", "product_id", in.product, problems, "product_id"))
	product.Options = o.Products
	if len(o.Products) == 0 {
		product.Hint = p.T("enrol.no_products")
	}
	officer := requiredField(p.inputField(imis.Policies, "officer_id", "officer_id", in.officer, problems, "officer_id"))
	officer.Options = o.Officers
	f.Fields = []formField{product, officer, requiredField(p.inputField(imis.Policies, "enroll_date", "enroll_date", in.enroll, problems, "enroll_date"))}
	if prod := o.Product[parseIDOrNil(in.product)]; withQuote && prod != nil && derr == nil {
		members, merr := s.DB.FamilyMembers(ctx, fam.ID)
		if merr != nil {
			s.fail(w, r, merr)
			return
		}
		active := activeMembers(members)
		names := make([]string, len(active))
		for i, m := range active {
			names[i] = m.Values.Text("other_names") + " " + m.Values.Text("last_name")
		}
		q, qerr := s.quote(ctx, p, prod, enroll, pricedMembers(active, enroll), names)
		if qerr == nil {
			f.Quote = q
		} else if httpx.Status(qerr) >= 500 {
			s.fail(w, r, qerr)
			return
		}
	} else if withQuote && in.product != "" && prod == nil && problems["product_id"].Key == "" {
		product.Error = p.T("error.product_not_offered")
		f.Fields[0] = product
	}
	s.showActionForm(w, r, code, p, f)
}

// parseIDOrNil returns the id in s, or NilID.
func parseIDOrNil(s string) imis.ID {
	id, err := imis.ParseID(s)
	if err != nil {
		return imis.NilID
	}
	return id
}

// contributionFields are the inputs of a contribution, in the order of openIMIS's payment form.
var contributionFields = []string{"amount", "receipt", "pay_date", "pay_type", "payer_id", "is_photo_fee"}

// familyContributionNew shows the payment form of a policy, the amount set to what is still due.
func (s *server) familyContributionNew(w http.ResponseWriter, r *http.Request) {
	fam, pol, err := s.familyAndPolicy(r, imis.RightContributionAdd)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	paid, _, err := s.policyPayments(r.Context(), pol.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	value, _ := pol.Values["value"].(int64)
	raw := map[string]string{"pay_date": s.DB.Today().String(), "pay_type": "C"}
	if due := value - paid; due > 0 {
		raw["amount"] = imis.FormatFixed(due, 2)
	}
	s.showContributionForm(w, r, http.StatusOK, fam, pol, raw, imis.DecisionNone, nil)
}

// familyContributionCreate records a payment; when it leaves the policy unpaid the form comes
// back with the question openIMIS asks (wait, activate anyway or suspend) and nothing is saved
// until it is answered.
func (s *server) familyContributionCreate(w http.ResponseWriter, r *http.Request) {
	fam, pol, err := s.familyAndPolicy(r, imis.RightContributionAdd)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	raw := map[string]string{}
	for _, name := range contributionFields {
		raw[name] = lastValue(r, name)
	}
	// The answer goes to the store as posted: it reads it, and refuses one it does not know.
	decision := imis.PaymentDecision(r.PostFormValue("decision"))
	in := store.Input{Raw: map[string]string{"policy_id": pol.ID.String()}}
	for k, v := range raw {
		in.Raw[k] = v
	}
	parsed := s.DB.ParseInput(r.Context(), imis.Contributions, in, imis.NilID)
	if err := parsed.Problems.Err(); err != nil {
		s.showContributionForm(w, r, http.StatusUnprocessableEntity, fam, pol, raw, decision, err)
		return
	}
	if _, err := s.DB.AddContribution(r.Context(), parsed.Values, decision); err != nil {
		if httpx.Status(err) < 500 {
			s.showContributionForm(w, r, httpx.Status(err), fam, pol, raw, decision, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	redirectDone(w, r, "/families/"+fam.ID.String(), "contribution_added", url.Values{"policy": {pol.ID.String()}})
}

// showContributionForm draws the payment form with the policy's value and balance and, when the
// store asked, its question about the unpaid policy.
func (s *server) showContributionForm(w http.ResponseWriter, r *http.Request, code int, fam *store.Record, pol *store.Record, raw map[string]string, decision imis.PaymentDecision, err error) {
	ctx := r.Context()
	p := s.newPage(r, "family.add_contribution", familyCrumbs(fam, crumb{Label: "family.add_contribution"})...)
	paid, _, perr := s.policyPayments(ctx, pol.ID)
	if perr != nil {
		s.fail(w, r, perr)
		return
	}
	value, _ := pol.Values["value"].(int64)
	f := actionForm{Action: "/families/" + fam.ID.String() + "/policies/" + pol.ID.String() + "/contributions",
		Submit: p.T("family.save_contribution"), Cancel: "/families/" + fam.ID.String(),
		Intro: []string{p.T("family.contribution_intro", pol.Values.Text("product_code"), dateText(pol.Values["enroll_date"]),
			p.policyStanding(pol.Values, s.DB.Today()), imis.FormatFixed(value, 2), imis.FormatFixed(paid, 2), imis.FormatFixed(max(0, value-paid), 2))}}
	problems := fieldProblems(err)
	if d := p.decisionFor(err, "decision", decision); d != nil {
		f.Decision = d
	} else if err != nil {
		f.Error = p.formMessage(err)
	}
	for _, name := range contributionFields {
		ff := p.inputField(imis.Contributions, name, name, raw[name], problems, name)
		if name == "payer_id" {
			ff.Options = s.options(ctx, imis.Payers)
		}
		f.Fields = append(f.Fields, ff)
	}
	s.showActionForm(w, r, code, p, f)
}

// familyRenewForm shows the renewal form of a policy, with the last day a renewal is on time.
func (s *server) familyRenewForm(w http.ResponseWriter, r *http.Request) {
	s.renewForm(w, r, false)
}

// familyRenew renews a policy: the server chooses the product along the conversion chain and
// computes the new policy; a renewal after the grace period is saved and flagged as late.
func (s *server) familyRenew(w http.ResponseWriter, r *http.Request) {
	s.renewForm(w, r, true)
}

// renewForm shows the renewal form or, when submit is set, renews the policy.
func (s *server) renewForm(w http.ResponseWriter, r *http.Request, submit bool) {
	fam, pol, err := s.familyAndPolicy(r, imis.RightPolicyRenew)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if st, _ := pol.Values["status"].(int64); !imis.Renewable(st) {
		s.fail(w, r, imis.Errorf(imis.ECONFLICT, "error.policy_not_renewable"))
		return
	}
	ctx := r.Context()
	enroll, officer := s.DB.Today().String(), pol.Values.ID("officer_id").String()
	code := http.StatusOK
	var formErr error
	if submit {
		enroll, officer = r.PostFormValue("enroll_date"), r.PostFormValue("officer_id")
		v, problems := imis.Policies.Parse(map[string]string{"family_id": fam.ID.String(), "product_id": pol.Values.ID("product_id").String(),
			"officer_id": officer, "enroll_date": enroll}, true)
		if v["officer_id"] == nil {
			problems.Add("officer_id", "error.required")
		}
		if formErr = problems.Err(); formErr == nil {
			officerID := v.ID("officer_id")
			rec, late, err := s.DB.RenewPolicy(ctx, pol.ID, v.Date("enroll_date"), &officerID)
			if err == nil {
				extra := url.Values{"policy": {rec.ID.String()}}
				if late {
					extra.Set("late", "1")
				}
				redirectDone(w, r, "/families/"+fam.ID.String(), "renewed", extra)
				return
			} else if httpx.Status(err) >= 500 {
				s.fail(w, r, err)
				return
			}
			formErr = err
		}
		code = httpx.Status(formErr)
	}
	p := s.newPage(r, "family.renew", familyCrumbs(fam, crumb{Label: "family.renew"})...)
	p.Title = p.T("family.renew_title", pol.Values.Text("product_code"))
	expiry := pol.Values.Date("expiry_date")
	f := actionForm{Action: r.URL.Path, Submit: p.T("family.renew"), Cancel: "/families/" + fam.ID.String(),
		Intro: []string{p.T("family.renew_intro", familyName(fam), pol.Values.Text("product_code"), expiry.String())}}
	if prod, err := s.DB.FindByID(ctx, imis.Products, pol.Values.ID("product_id")); err == nil {
		terms := imis.TermsOf(prod.Values)
		f.Notes = append(f.Notes, p.T("family.renew_on_time_until", imis.LastDateForRenewal(terms, expiry).String()))
	}
	if formErr != nil {
		f.Error = p.formMessage(formErr)
	}
	problems := fieldProblems(formErr)
	o, err := s.offerFor(ctx, fam.Values.ID("location_id"), s.DB.Today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	of := requiredField(p.inputField(imis.Policies, "officer_id", "officer_id", officer, problems, "officer_id"))
	of.Options = o.Officers
	if id := pol.Values.ID("officer_id"); id != imis.NilID && !slices.ContainsFunc(o.Officers, func(x store.Option) bool { return x.ID == id }) {
		if labels, err := s.DB.Labels(ctx, imis.Officers, []imis.ID{id}); err == nil {
			of.Options = append([]store.Option{{ID: id, Label: labels[id]}}, of.Options...)
		}
	}
	f.Fields = []formField{requiredField(p.inputField(imis.Policies, "enroll_date", "enroll_date", enroll, problems, "enroll_date")), of}
	s.showActionForm(w, r, code, p, f)
}
