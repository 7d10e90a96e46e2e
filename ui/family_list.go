package ui

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
)

// The searches of the enrolment area that lead to the family page: families by their head's
// number or name and village; insurees by number or name; policies by status, product and
// officer with the status named rather than numbered; contributions by receipt and payer. All
// link to the family, where the work on a household is done, and none offers a pick list of
// every family or policy as a filter.

// searchView is a page of families or policies found.
type searchView struct {
	Action   string
	Query    url.Values
	Filters  []formField
	Pager    listPager
	Families []familyHit
	Policies []policyHit
	Insurees []insureeHit
	Contribs []contribHit
	CanAdd   bool
	Number   *numberRuleView // the rule of the insurance numbers the text box searches by
}

type insureeHit struct {
	MemberHref, FamilyHref, CHFID, LastName, OtherNames, Family, DOB, Gender, Status string
	Head                                                                             bool
}

type contribHit struct {
	FamilyHref, RecordHref, Receipt, Head, Product, Amount, PayDate, PayType, Payer string
	PhotoFee                                                                        bool
}

type familyHit struct {
	Href, CHFID, Name, Village, Type string
	Poverty                          bool
}

type policyHit struct {
	FamilyHref, PolicyHref, Head, HeadName, Product, ProductName, Officer, Stage, StatusLabel, Enroll, Start, Expiry, Value string
	Status                                                                                                                  int64
}

// familyList searches families. A number that is no head's but a member's leads straight to the
// member's family, as a card scanned at the desk would.
func (s *server) familyList(w http.ResponseWriter, r *http.Request) {
	u := imis.UserFromContext(r.Context())
	if !u.Can(imis.RightFamilySearch) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	f := httpx.SearchFrom(q)
	village := strings.TrimSpace(q.Get("location_id"))
	var placeMissing bool
	if village != "" {
		// A place picked (its id) or typed (its code); one the user cannot see finds no family.
		chosen := imis.NilID
		if pl := s.placeOf(ctx, village); pl != nil {
			chosen = pl.ID
		}
		f.Fields["location_id"], placeMissing = chosen.String(), chosen == imis.NilID
	}
	found, err := s.DB.Search(ctx, imis.Families, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if found.Total == 0 && f.Text != "" && u.Can(imis.RightInsureeSearch) {
		if id, err := s.DB.IDByCode(ctx, imis.Insurees, f.Text); err == nil {
			if ins, err := s.DB.FindByID(ctx, imis.Insurees, id); err == nil {
				http.Redirect(w, r, "/families/"+ins.Values.ID("family_id").String(), http.StatusSeeOther)
				return
			}
		}
	}
	p := s.newPage(r, "register.families", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.insurees"}, crumb{Label: "register.families"})
	v := searchView{Action: "/families", Query: q, Pager: newListPager(r, "/families", found), CanAdd: u.Can(imis.RightFamilyAdd),
		Number: s.numberRuleView(ctx, p)}
	vf := p.inputField(imis.Families, "location_id", "location_id", village, nil, "")
	vf.Field.Required = false
	vf = s.placeField(ctx, p, vf)
	if placeMissing {
		vf.Error = p.Err(imis.FieldError{Key: "error.reference_missing"})
	}
	v.Filters = []formField{vf}
	labels := s.refLabels(ctx, imis.Families, found.Records)
	ftype, _ := imis.Families.Field("family_type")
	for _, fam := range found.Records {
		v.Families = append(v.Families, familyHit{Href: "/families/" + fam.ID.String(), CHFID: fam.Values.Text("head_chfid"),
			Name: fam.Values.Text("head_name"), Village: labels[fam.Values.ID("location_id")],
			Type: p.display(ftype, fam.Values["family_type"], nil), Poverty: fam.Values["poverty"] == true})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "family_list", p)
}

// familyPolicyList searches policies with their status by name.
func (s *server) familyPolicyList(w http.ResponseWriter, r *http.Request) {
	u := imis.UserFromContext(r.Context())
	if !u.Can(imis.RightPolicySearch) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	f := httpx.SearchFrom(q)
	raw := map[string]string{}
	for _, name := range []string{"product_id", "officer_id"} {
		if v := strings.TrimSpace(q.Get(name)); v != "" {
			if _, err := imis.ParseID(v); err == nil {
				f.Fields[name], raw[name] = v, v
			}
		}
	}
	if st := strings.TrimSpace(q.Get("status")); st != "" {
		if _, err := strconv.ParseInt(st, 10, 64); err == nil {
			f.Fields["status"], raw["status"] = st, st
		}
	}
	found, err := s.DB.Search(ctx, imis.Policies, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "register.policies", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.insurees"}, crumb{Label: "register.policies"})
	v := searchView{Action: "/policies", Query: q, Pager: newListPager(r, "/policies", found), Number: s.numberRuleView(ctx, p)}
	statusField := formField{Field: imis.Field{Name: "status", Kind: imis.FieldChoice, Choices: imis.PolicyStatuses}, Name: "status",
		ID: "f-status", Label: p.fieldLabel(imis.Policies, "status"), Value: raw["status"]}
	product := p.inputField(imis.Policies, "product_id", "product_id", raw["product_id"], nil, "")
	product.Field.Required, product.Options = false, s.options(ctx, imis.Products)
	officer := p.inputField(imis.Policies, "officer_id", "officer_id", raw["officer_id"], nil, "")
	officer.Field.Required, officer.Options = false, s.options(ctx, imis.Officers)
	v.Filters = []formField{statusField, product, officer}
	labels := s.refLabels(ctx, imis.Policies, found.Records)
	stage, _ := imis.Policies.Field("stage")
	today := s.DB.Today()
	for _, pol := range found.Records {
		status, _ := pol.Values["status"].(int64)
		fam := pol.Values.ID("family_id")
		_, head := splitCode(labels[fam])
		code, name := splitCode(labels[pol.Values.ID("product_id")])
		v.Policies = append(v.Policies, policyHit{FamilyHref: "/families/" + fam.String(), PolicyHref: "/registers/policies/" + pol.ID.String(),
			Head: pol.Values.Text("head_chfid"), HeadName: head, Product: code, ProductName: name, Officer: labels[pol.Values.ID("officer_id")],
			Stage: p.display(stage, pol.Values["stage"], nil), Status: status, StatusLabel: p.policyStanding(pol.Values, today),
			Enroll: dateText(pol.Values["enroll_date"]), Start: dateText(pol.Values["start_date"]), Expiry: dateText(pol.Values["expiry_date"]),
			Value: moneyText(pol.Values["value"])})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "family_policies", p)
}

// familyInsureeList searches insurees by number or last name, gender and status.
func (s *server) familyInsureeList(w http.ResponseWriter, r *http.Request) {
	u := imis.UserFromContext(r.Context())
	if !u.Can(imis.RightInsureeSearch) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	f := httpx.SearchFrom(q)
	p := s.newPage(r, "register.insurees", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.insurees"}, crumb{Label: "register.insurees"})
	v := searchView{Action: "/insurees", Query: q, Number: s.numberRuleView(ctx, p)}
	for _, name := range []string{"gender", "status"} {
		fld, _ := imis.Insurees.Field(name)
		val := strings.TrimSpace(q.Get(name))
		if _, fe := fld.Parse(val); fe != nil {
			val = ""
		}
		if val != "" {
			f.Fields[name] = val
		}
		ff := p.inputField(imis.Insurees, name, name, val, nil, "")
		ff.Field.Required = false
		v.Filters = append(v.Filters, ff)
	}
	found, err := s.DB.Search(ctx, imis.Insurees, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Pager = newListPager(r, "/insurees", found)
	labels := s.refLabels(ctx, imis.Insurees, found.Records)
	today := s.DB.Today()
	for _, rec := range found.Records {
		fam := rec.Values.ID("family_id")
		row := s.memberRow(p, rec, today)
		v.Insurees = append(v.Insurees, insureeHit{MemberHref: "/families/" + fam.String() + "/members/" + rec.ID.String(),
			FamilyHref: "/families/" + fam.String(), CHFID: row.CHFID, LastName: row.LastName, OtherNames: row.OtherNames,
			Family: labels[fam], DOB: row.DOB, Gender: row.Gender, Status: row.Status, Head: row.Head})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "family_insurees", p)
}

// familyContributionList searches contributions by receipt or head's number, and payer.
func (s *server) familyContributionList(w http.ResponseWriter, r *http.Request) {
	u := imis.UserFromContext(r.Context())
	if !u.Can(imis.RightContributionSearch) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	f := httpx.SearchFrom(q)
	payer := strings.TrimSpace(q.Get("payer_id"))
	if _, err := imis.ParseID(payer); err == nil {
		f.Fields["payer_id"] = payer
	} else {
		payer = ""
	}
	found, err := s.DB.Search(ctx, imis.Contributions, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "register.contributions", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.insurees"}, crumb{Label: "register.contributions"})
	v := searchView{Action: "/contributions", Query: q, Pager: newListPager(r, "/contributions", found), Number: s.numberRuleView(ctx, p)}
	pf := p.inputField(imis.Contributions, "payer_id", "payer_id", payer, nil, "")
	pf.Field.Required, pf.Options = false, s.options(ctx, imis.Payers)
	v.Filters = []formField{pf}
	labels := s.refLabels(ctx, imis.Contributions, found.Records)
	var products []imis.ID
	for _, rec := range found.Records {
		products = append(products, rec.Values.ID("product_id"))
	}
	productCodes, _ := s.DB.Codes(ctx, imis.Products, products)
	payType, _ := imis.Contributions.Field("pay_type")
	for _, rec := range found.Records {
		v.Contribs = append(v.Contribs, contribHit{FamilyHref: "/families/" + rec.Values.ID("family_id").String(),
			RecordHref: "/registers/contributions/" + rec.ID.String(), Receipt: rec.Values.Text("receipt"),
			Head: rec.Values.Text("head_chfid"), Product: productCodes[rec.Values.ID("product_id")],
			Amount: moneyText(rec.Values["amount"]), PayDate: dateText(rec.Values["pay_date"]),
			PayType: p.display(payType, rec.Values["pay_type"], nil), Payer: labels[rec.Values.ID("payer_id")],
			PhotoFee: rec.Values["is_photo_fee"] == true})
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "family_contributions", p)
}
