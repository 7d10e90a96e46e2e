package ui

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// The family page: the household as the enrolment officer deals with it, with its members, its
// policies and what has been paid, and every action on them one click away.

// familyView is what the family page shows.
type familyView struct {
	Family    *store.Record
	Name      string
	Values    []shownValue
	Members   []memberRow
	Policies  []policyRow
	Contribs  []contribRow
	Notice    string
	Warning   string
	Can       familyRights
	PolicyCol bool // the user may see policies
	PaidCol   bool // the user may see contributions
}

// familyRights are the actions the page offers, each shown only to users holding its right.
type familyRights struct {
	EditFamily, AddMember, SetHead, EditMember, DeleteMember, AddPolicy, AddContribution, Renew bool
}

type memberRow struct {
	ID         string
	CHFID      string
	LastName   string
	OtherNames string
	DOB        string
	Age        int
	Gender     string
	Relation   string
	Status     string
	Active     bool
	Head       bool
	Photo      bool
}

type policyRow struct {
	ID          string
	Product     string
	ProductName string
	Officer     string
	Stage       string
	Status      int64
	StatusLabel string
	Enroll      string
	Start       string
	Effective   string
	Expiry      string
	Value       string
	Paid        string
	Balance     string
	Renewable   bool
	Payable     bool
	New         bool // the policy the last action created
}

type contribRow struct {
	Policy   string
	PayDate  string
	Receipt  string
	Amount   string
	PayType  string
	Payer    string
	PhotoFee bool
}

// familyPage shows one family.
func (s *server) familyPage(w http.ResponseWriter, r *http.Request) {
	fam, err := s.familyFor(r, imis.RightFamilySearch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	p := s.newPage(r, "family.title", familyCrumbs(fam)...)
	p.Title = p.T("family.title_of", familyName(fam))
	u := p.User
	v := familyView{Family: fam, Name: familyName(fam),
		PolicyCol: u.Can(imis.RightPolicySearch), PaidCol: u.Can(imis.RightContributionSearch),
		Can: familyRights{
			EditFamily: u.Can(imis.RightFamilyEdit), AddMember: u.Can(imis.RightInsureeAdd), SetHead: u.Can(imis.RightFamilyEdit),
			EditMember: u.Can(imis.RightInsureeEdit), DeleteMember: u.Can(imis.RightInsureeDelete),
			AddPolicy: u.Can(imis.RightPolicyAdd), AddContribution: u.Can(imis.RightContributionAdd), Renew: u.Can(imis.RightPolicyRenew),
		}}
	labels := s.refLabels(ctx, imis.Families, []*store.Record{fam})
	v.Values = append(v.Values, shownValue{Label: p.fieldLabel(imis.Families, "head_id"), Value: familyName(fam)})
	for _, name := range []string{"location_id", "poverty", "family_type", "address", "confirmation_type", "confirmation_no"} {
		f, _ := imis.Families.Field(name)
		if d := p.display(f, fam.Values[name], labels); d != "" {
			v.Values = append(v.Values, shownValue{Label: p.fieldLabel(imis.Families, name), Value: d})
		}
	}
	members, err := s.DB.FamilyMembers(ctx, fam.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.DB.Today()
	for _, m := range members {
		v.Members = append(v.Members, s.memberRow(p, m, today))
	}
	if v.PolicyCol {
		if err := s.familyPolicies(ctx, p, fam, &v, r.URL.Query().Get("policy")); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v.Notice, v.Warning = s.familyNotice(ctx, p, r)
	p.Data = v
	s.render(w, r, http.StatusOK, "family", p)
}

// memberRow shows one member as the family page and the member page list them.
func (s *server) memberRow(p *page, m *store.Record, today imis.Date) memberRow {
	show := func(name string) string {
		f, _ := imis.Insurees.Field(name)
		return p.display(f, m.Values[name], nil)
	}
	dob, _ := m.Values["dob"].(imis.Date)
	row := memberRow{ID: m.ID.String(), CHFID: show("chfid"), LastName: show("last_name"), OtherNames: show("other_names"),
		DOB: dob.String(), Gender: show("gender"), Relation: show("relationship"), Status: show("status"),
		Active: m.Values["status"] == imis.InsureeActive, Head: m.Values["is_head"] == true, Photo: m.Values["photo_file"] != nil}
	if !dob.IsZero() {
		row.Age = imis.AgeAt(dob, today)
	}
	return row
}

// familyPolicies fills in the family's policies and their contributions, with what each policy
// still needs to be paid in full; created names the policy the last action added.
func (s *server) familyPolicies(ctx context.Context, p *page, fam *store.Record, v *familyView, created string) error {
	pols, _, err := s.DB.Find(ctx, imis.Policies, store.Filter{Fields: map[string]string{"family_id": fam.ID.String()}, Page: imis.Page{Size: 100}})
	if err != nil {
		return err
	}
	labels := s.refLabels(ctx, imis.Policies, pols)
	stage, _ := imis.Policies.Field("stage")
	today := s.DB.Today()
	var contribs []*store.Record
	contribPolicy := map[imis.ID]string{}
	for _, pol := range pols {
		status, _ := pol.Values["status"].(int64)
		value, _ := pol.Values["value"].(int64)
		code, name := splitCode(labels[pol.Values.ID("product_id")])
		row := policyRow{ID: pol.ID.String(), Product: code, ProductName: name, Officer: labels[pol.Values.ID("officer_id")],
			Stage: p.display(stage, pol.Values["stage"], nil), Status: status, StatusLabel: p.policyStanding(pol.Values, today),
			Enroll: dateText(pol.Values["enroll_date"]), Start: dateText(pol.Values["start_date"]), Effective: dateText(pol.Values["effective_date"]),
			Expiry: dateText(pol.Values["expiry_date"]), Value: moneyText(value),
			Renewable: imis.Renewable(status),
			Payable:   status == imis.PolicyIdle || status == imis.PolicyActive || status == imis.PolicyReady,
			New:       pol.ID.String() == created}
		if v.PaidCol {
			paid, list, err := s.policyPayments(ctx, pol.ID)
			if err != nil {
				return err
			}
			row.Paid, row.Balance = moneyText(paid), moneyText(max(0, value-paid))
			contribs = append(contribs, list...)
			for _, c := range list {
				contribPolicy[c.ID] = row.Product + " · " + row.Enroll
			}
		}
		v.Policies = append(v.Policies, row)
	}
	payers := s.refLabels(ctx, imis.Contributions, contribs)
	payType, _ := imis.Contributions.Field("pay_type")
	slices.SortStableFunc(contribs, func(a, b *store.Record) int {
		return b.Values.Date("pay_date").Time().Compare(a.Values.Date("pay_date").Time())
	})
	for _, c := range contribs {
		v.Contribs = append(v.Contribs, contribRow{Policy: contribPolicy[c.ID], PayDate: dateText(c.Values["pay_date"]),
			Receipt: c.Values.Text("receipt"), Amount: moneyText(c.Values["amount"]), PayType: p.display(payType, c.Values["pay_type"], nil),
			Payer: payers[c.Values.ID("payer_id")], PhotoFee: c.Values["is_photo_fee"] == true})
	}
	return nil
}

// policyPayments returns what has been paid towards a policy (photo fees apart, as they never
// count towards its value) and its contributions.
func (s *server) policyPayments(ctx context.Context, policyID imis.ID) (int64, []*store.Record, error) {
	list, _, err := s.DB.Find(ctx, imis.Contributions, store.Filter{Fields: map[string]string{"policy_id": policyID.String()}, Page: imis.Page{Size: 100}})
	if err != nil {
		return 0, nil, err
	}
	var paid int64
	for _, c := range list {
		if c.Values["is_photo_fee"] != true {
			n, _ := c.Values["amount"].(int64)
			paid += n
		}
	}
	return paid, list, nil
}

// familyNotice says what the action that led to the page did; for a new policy it repeats the
// dates and value the server computed, and a late renewal is flagged as openIMIS flags it.
func (s *server) familyNotice(ctx context.Context, p *page, r *http.Request) (notice, warning string) {
	q := r.URL.Query()
	done := doneKey(q)
	if done == "" {
		return "", ""
	}
	notice = p.T("family.done." + done)
	if done == "policy_added" || done == "renewed" || done == "contribution_added" || done == "enrolled" {
		if id, err := imis.ParseID(q.Get("policy")); err == nil {
			if pol, err := s.DB.FindByID(ctx, imis.Policies, id); err == nil {
				notice += " " + p.T("family.policy_summary", pol.Values.Text("product_code"), dateText(pol.Values["start_date"]),
					dateText(pol.Values["expiry_date"]), moneyText(pol.Values["value"]), p.policyStanding(pol.Values, s.DB.Today()))
			}
		}
	}
	if done == "renewed" && q.Get("late") == "1" {
		warning = p.T("family.renewal_late")
	}
	return notice, warning
}

// splitCode splits a pick-list label ("NBC01 National Basic Cover") into its code and the rest,
// which narrow tables show on two lines.
func splitCode(label string) (code, rest string) {
	code, rest, _ = strings.Cut(label, " ")
	return code, rest
}

// familySetHead makes a member the head of the family.
func (s *server) familySetHead(w http.ResponseWriter, r *http.Request) {
	fam, err := s.familyFor(r, imis.RightFamilyEdit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	r.SetPathValue("member", r.PostFormValue("insuree_id"))
	ins, err := s.ofFamily(r, fam, "member", imis.Insurees)
	if err != nil {
		s.fail(w, r, imis.Errorf(imis.EINVALID, "error.not_member", r.PostFormValue("insuree_id")))
		return
	}
	if err := s.DB.SetHead(r.Context(), fam.ID, ins.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	redirectDone(w, r, "/families/"+fam.ID.String(), "head_set", nil)
}

// activeMembers returns the members that pricing and coverage count, the active ones, in
// registration order.
func activeMembers(members []*store.Record) []*store.Record {
	var out []*store.Record
	for _, m := range members {
		if m.Values["status"] == imis.InsureeActive {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b *store.Record) int { return cmpWire(a.WireID, b.WireID) })
	return out
}

// cmpWire orders records by their integer id, the registration order openIMIS prices members in;
// records without one come last.
func cmpWire(a, b int64) int {
	switch {
	case a == b:
		return 0
	case a == 0:
		return 1
	case b == 0:
		return -1
	case a < b:
		return -1
	}
	return 1
}

// pricedMembers classifies members for pricing on day at.
func pricedMembers(members []*store.Record, at imis.Date) []imis.Member {
	out := make([]imis.Member, 0, len(members))
	for _, m := range members {
		rel, _ := strconv.Atoi(m.Values.Text("relationship"))
		out = append(out, imis.Member{Adult: imis.Adult(m.Values.Date("dob"), at), Relation: rel})
	}
	return out
}
