package store_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// familyToday is the business date of the family tests: a fixed clock keeps ages, cut-offs and
// "not in the future" checks deterministic.
var familyToday = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

type familyEnv struct {
	ctx context.Context
	db  *store.DB
	tr  tree
}

func newFamilyEnv(t *testing.T) *familyEnv {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	// Each transaction is a second later than the last, so versions keep their order.
	var mu sync.Mutex
	clock := familyToday
	db.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		clock = clock.Add(time.Second)
		return clock
	}
	db.Zone = time.UTC
	e := &familyEnv{ctx: ctx, db: db, tr: makeTree(t, ctx, db)}
	if err := db.SetSchemeSettings(ctx, store.SchemeSettings{NumberRule: imis.DemoNumberRule, ActivationOption: imis.ActivateOnPayment}); err != nil {
		t.Fatal(err)
	}
	return e
}

// number completes an 8-digit body with the demo check digit.
func number(body string) string { return body + imis.DemoNumberRule.CheckDigit(body) }

func person(t *testing.T, chfid, last, other, dob string) imis.Values {
	t.Helper()
	v, p := imis.Insurees.Parse(map[string]string{"chfid": chfid, "last_name": last, "other_names": other, "dob": dob, "gender": "F"}, true)
	delete(p, "family_id") // the family commands set it
	if err := p.Err(); err != nil {
		t.Fatalf("parse insuree: %v", err)
	}
	return v
}

func familyValues(t *testing.T, village imis.ID) imis.Values {
	t.Helper()
	v, p := imis.Families.Parse(map[string]string{"location_id": village.String(), "family_type": "H"}, true)
	if err := p.Err(); err != nil {
		t.Fatalf("parse family: %v", err)
	}
	return v
}

func (e *familyEnv) family(t *testing.T, ctx context.Context, village imis.ID, head imis.Values) (imis.ID, imis.ID) {
	t.Helper()
	f, h, err := e.db.CreateFamily(ctx, familyValues(t, village), head)
	if err != nil {
		t.Fatalf("create family: %v", err)
	}
	return f, h
}

func (e *familyEnv) member(t *testing.T, ctx context.Context, family imis.ID, v imis.Values, activate bool) imis.ID {
	t.Helper()
	id, err := e.db.AddMember(ctx, family, v, activate)
	if err != nil {
		t.Fatalf("add member: %v", err)
	}
	return id
}

func (e *familyEnv) get(t *testing.T, reg *imis.Register, id imis.ID) *store.Record {
	t.Helper()
	r, err := e.db.FindByID(e.ctx, reg, id)
	if err != nil {
		t.Fatalf("find %s: %v", reg.Name, err)
	}
	return r
}

// clerk returns the context of a user with the Clerk role in one district.
func (e *familyEnv) clerk(t *testing.T, login string, district imis.ID) context.Context {
	t.Helper()
	roles, err := e.db.RoleIDs(e.ctx, []string{"Clerk"})
	if err != nil {
		t.Fatal(err)
	}
	r := mustCreate(t, e.ctx, e.db, imis.Users, map[string]string{"login": login, "last_name": "Clerk", "other_names": login},
		map[string][]imis.Values{"roles": {{"role_id": roles[0]}}, "districts": {{"location_id": district}}})
	u, err := e.db.LoadUser(e.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Admin || !u.Can(imis.RightInsureeAdd) {
		t.Fatalf("clerk rights: %+v", u)
	}
	return imis.NewContextWithUser(e.ctx, u)
}

func wantError(t *testing.T, err error, code, key string) *imis.Error {
	t.Helper()
	var e *imis.Error
	if !errors.As(err, &e) || e.Code != code || (key != "" && e.Message != key) {
		t.Fatalf("got %v, want %s %s", err, code, key)
	}
	return e
}

func wantFieldError(t *testing.T, err error, field, key string) {
	t.Helper()
	e := wantError(t, err, imis.EINVALID, "")
	if e.Fields[field].Key != key {
		t.Fatalf("got %v, want %s on %s", err, key, field)
	}
}

// counts are the rows a family command may write, history and audit included.
func (e *familyEnv) counts(t *testing.T) [3]int {
	return [3]int{store.FamilyTestCount(t, e.db, "families"), store.FamilyTestCount(t, e.db, "insurees"), store.FamilyTestCount(t, e.db, "audit_log")}
}

func TestFamilyCreatedWithHead(t *testing.T) {
	e := newFamilyEnv(t)
	if r, err := e.db.NumberRule(e.ctx); err != nil || r != imis.DemoNumberRule {
		t.Fatalf("number rule %+v %v", r, err)
	}
	famID, headID := e.family(t, e.ctx, e.tr.v1, person(t, number("10000001"), "Mwinyi", "Asha", "1980-05-01"))

	fam := e.get(t, imis.Families, famID)
	if fam.Values["head_id"] != headID || fam.Values["head_chfid"] != number("10000001") || fam.Values["head_name"] != "Mwinyi Asha" ||
		fam.Values["district_id"] != e.tr.d1 {
		t.Fatalf("family derived %v", fam.Values)
	}
	head := e.get(t, imis.Insurees, headID)
	if head.Values["is_head"] != true || head.Values["district_id"] != e.tr.d1 || head.Values["family_id"] != famID {
		t.Fatalf("head %v", head.Values)
	}
	// Linking the head back completes the family's first version instead of adding a second.
	if hist, err := e.db.History(e.ctx, imis.Families, famID); err != nil || len(hist) != 1 {
		t.Fatalf("family history %d %v", len(hist), err)
	}
	if trail, err := e.db.AuditTrail(e.ctx, famID); err != nil || len(trail) != 2 || trail[0].After["head_chfid"] != number("10000001") {
		t.Fatalf("family audit trail %+v %v", trail, err)
	}
	if recs, total, err := e.db.Find(e.ctx, imis.Families, store.Filter{Text: "mwinyi"}); err != nil || total != 1 || recs[0].ID != famID {
		t.Fatalf("family not found by its head's name: %d %v", total, err)
	}

	m1 := e.member(t, e.ctx, famID, person(t, number("10000002"), "Mwinyi", "Baraka", "2010-01-01"), false)
	m2 := e.member(t, e.ctx, famID, person(t, number("10000003"), "Mwinyi", "Chausiku", "2012-01-01"), false)
	if e.get(t, imis.Insurees, m1).Values["is_head"] != false {
		t.Fatal("a member is marked head")
	}
	members, err := e.db.FamilyMembers(e.ctx, famID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != 3 || members[0].ID != headID || members[1].ID != m1 || members[2].ID != m2 {
		t.Fatalf("members %v", members)
	}

	t.Run("HeadChangesNameTheFamily", func(t *testing.T) {
		h := e.get(t, imis.Insurees, headID)
		v := h.Values
		v["other_names"] = "Asha Bi"
		if _, err := e.db.Update(e.ctx, imis.Insurees, headID, h.Version, v, nil); err != nil {
			t.Fatal(err)
		}
		if got := e.get(t, imis.Families, famID).Values["head_name"]; got != "Mwinyi Asha Bi" {
			t.Fatalf("family head name %v", got)
		}
		if hist, err := e.db.History(e.ctx, imis.Families, famID); err != nil || len(hist) != 2 || hist[1].Values["head_name"] != "Mwinyi Asha" {
			t.Fatalf("family history after the head's edit: %d %v", len(hist), err)
		}
	})

	t.Run("SetHead", func(t *testing.T) {
		if err := e.db.SetHead(e.ctx, famID, m2); err != nil {
			t.Fatal(err)
		}
		fam := e.get(t, imis.Families, famID)
		if fam.Values["head_id"] != m2 || fam.Values["head_chfid"] != number("10000003") || fam.Values["head_name"] != "Mwinyi Chausiku" {
			t.Fatalf("family after set head %v", fam.Values)
		}
		if e.get(t, imis.Insurees, headID).Values["is_head"] != false || e.get(t, imis.Insurees, m2).Values["is_head"] != true {
			t.Fatal("is_head not moved")
		}
		for _, id := range []imis.ID{famID, headID, m2} {
			reg := imis.Insurees
			if id == famID {
				reg = imis.Families
			}
			if hist, err := e.db.History(e.ctx, reg, id); err != nil || len(hist) < 2 {
				t.Fatalf("%s %v has no history row: %d %v", reg.Name, id, len(hist), err)
			}
		}
		members, _ := e.db.FamilyMembers(e.ctx, famID)
		if members[0].ID != m2 || members[1].ID != headID || members[2].ID != m1 {
			t.Fatalf("members after set head: head first, then registration order: %v %v %v", members[0].ID, members[1].ID, members[2].ID)
		}
		other, otherHead := e.family(t, e.ctx, e.tr.v1, person(t, number("10000004"), "Other", "Head", "1970-01-01"))
		wantError(t, e.db.SetHead(e.ctx, famID, otherHead), imis.EINVALID, "error.not_member")
		// The head cannot leave through a plain edit either.
		h := e.get(t, imis.Insurees, m2)
		v := h.Values
		v["family_id"] = other
		_, err := e.db.Update(e.ctx, imis.Insurees, m2, h.Version, v, nil)
		wantError(t, err, imis.ECONFLICT, "error.head_move")
		wantError(t, e.db.MoveInsuree(e.ctx, m2, other, false), imis.ECONFLICT, "error.head_move")
	})
}

func TestFamilyInsuranceNumberRule(t *testing.T) {
	e := newFamilyEnv(t)
	before := e.counts(t)
	_, _, err := e.db.CreateFamily(e.ctx, familyValues(t, e.tr.v1), person(t, "12345", "Short", "Number", "1980-01-01"))
	wantFieldError(t, err, "chfid", "error.chfid_length")
	wrong := "100000012" // 10000001 mod 7 is 1
	if number("10000001") == wrong {
		t.Fatalf("%s has the right check digit", wrong)
	}
	_, _, err = e.db.CreateFamily(e.ctx, familyValues(t, e.tr.v1), person(t, wrong, "Wrong", "Digit", "1980-01-01"))
	wantFieldError(t, err, "chfid", "error.chfid_checksum")
	_, _, err = e.db.CreateFamily(e.ctx, familyValues(t, e.tr.v1), person(t, number("10000001"), "Future", "Born", "2027-01-01"))
	wantFieldError(t, err, "dob", "error.dob_future")
	old := person(t, number("10000001"), "Very", "Old", "1950-01-01")
	old["dob"] = imis.NewDate(1899, 12, 31)
	_, _, err = e.db.CreateFamily(e.ctx, familyValues(t, e.tr.v1), old)
	wantFieldError(t, err, "dob", "error.date_range")
	if after := e.counts(t); after != before {
		t.Fatalf("refused families wrote rows: %v -> %v", before, after)
	}

	famID, _ := e.family(t, e.ctx, e.tr.v1, person(t, number("10000001"), "Valid", "Number", "1980-01-01"))
	before = e.counts(t)
	_, _, err = e.db.CreateFamily(e.ctx, familyValues(t, e.tr.v1), person(t, number("10000001"), "Same", "Number", "1981-01-01"))
	if ce := wantError(t, err, imis.ECONFLICT, "error.duplicate"); ce.Fields["chfid"].Args[0] != number("10000001") {
		t.Fatalf("conflict does not name the number: %v", ce)
	}
	_, err = e.db.AddMember(e.ctx, famID, person(t, number("10000001"), "Same", "Number", "2001-01-01"), false)
	wantError(t, err, imis.ECONFLICT, "error.duplicate")
	if after := e.counts(t); after != before {
		t.Fatalf("duplicate numbers wrote rows: %v -> %v", before, after)
	}

	t.Run("RuleOff", func(t *testing.T) {
		setRule := func(r imis.InsuranceNumberRule) error {
			return e.db.SetSchemeSettings(e.ctx, store.SchemeSettings{NumberRule: r, ActivationOption: imis.ActivateOnPayment})
		}
		if err := setRule(imis.InsuranceNumberRule{}); err != nil {
			t.Fatal(err)
		}
		e.member(t, e.ctx, famID, person(t, "AB-12", "Free", "Form", "2001-01-01"), false)
		wantFieldError(t, setRule(imis.InsuranceNumberRule{Length: 9, Modulo: 11}), "chfid_modulo", "error.chfid_rule_modulo")
		wantFieldError(t, setRule(imis.InsuranceNumberRule{Length: 99}), "chfid_length", "error.chfid_rule_length")
	})
}

func TestFamilyDistrictScoping(t *testing.T) {
	e := newFamilyEnv(t)
	c1, c2 := e.clerk(t, "clerk_d1", e.tr.d1), e.clerk(t, "clerk_d2", e.tr.d2)
	famID, headID := e.family(t, c1, e.tr.v1, person(t, number("20000001"), "Juma", "Ali", "1975-01-01"))
	member := e.member(t, c1, famID, person(t, number("20000002"), "Juma", "Bakari", "2005-01-01"), false)
	fam2, _ := e.family(t, c2, e.tr.v2, person(t, number("20000003"), "Kombo", "Said", "1977-01-01"))

	if _, err := e.db.FindByID(c2, imis.Families, famID); imis.ErrorCode(err) != imis.ENOTFOUND {
		t.Fatalf("other district's family visible: %v", err)
	}
	if _, err := e.db.FamilyMembers(c2, famID); imis.ErrorCode(err) != imis.ENOTFOUND {
		t.Fatalf("other district's members listed: %v", err)
	}
	if _, err := e.db.FindByID(c2, imis.Insurees, headID); imis.ErrorCode(err) != imis.ENOTFOUND {
		t.Fatalf("other district's insuree visible: %v", err)
	}
	before := e.counts(t)
	_, err := e.db.AddMember(c2, famID, person(t, number("20000004"), "Intruder", "X", "2000-01-01"), false)
	wantError(t, err, imis.ENOTFOUND, "error.not_found")
	v := person(t, number("20000004"), "Intruder", "X", "2000-01-01")
	v["family_id"] = famID
	_, err = e.db.Create(c2, imis.Insurees, v, nil)
	wantFieldError(t, err, "family_id", "error.reference_missing")
	_, _, err = e.db.CreateFamily(c2, familyValues(t, e.tr.v1), person(t, number("20000004"), "Intruder", "X", "2000-01-01"))
	wantFieldError(t, err, "location_id", "error.reference_missing")
	wantError(t, e.db.SetHead(c2, famID, member), imis.ENOTFOUND, "")
	wantError(t, e.db.MoveInsuree(c2, member, fam2, true), imis.ENOTFOUND, "")
	wantError(t, e.db.DeleteInsuree(c2, member), imis.ENOTFOUND, "")
	wantError(t, e.db.DeleteFamily(c2, famID, true), imis.ENOTFOUND, "")
	if after := e.counts(t); after != before {
		t.Fatalf("refused commands wrote rows: %v -> %v", before, after)
	}
	// Nor can a district user pull another district's member into their family.
	wantError(t, e.db.MoveInsuree(c1, member, fam2, false), imis.ENOTFOUND, "")

	members, err := e.db.FamilyMembers(c1, famID)
	if err != nil || len(members) != 2 {
		t.Fatalf("own district's members: %d %v", len(members), err)
	}
}

// coverageEnv is a family with an active policy: product P1 (adult 100.00, child 50.00, at most
// four members) enrolled on 1 March 2026 for the head alone (value 100.00), paid 150.00 plus a
// photo fee of 100.00 that does not count.
type coverageEnv struct {
	*familyEnv
	product, officer imis.ID
	famID, headID    imis.ID
	policy           *store.Record
}

func newCoverageEnv(t *testing.T) *coverageEnv {
	e := &coverageEnv{familyEnv: newFamilyEnv(t)}
	e.product = mustCreate(t, e.ctx, e.db, imis.Products, map[string]string{"code": "P1", "name": "Family cover",
		"date_from": "2026-01-01", "date_to": "2026-12-31", "insurance_period": "12", "max_members": "4",
		"premium_adult": "100.00", "premium_child": "50.00"}, nil).ID
	e.officer = mustCreate(t, e.ctx, e.db, imis.Officers, map[string]string{"code": "O1", "last_name": "Officer", "other_names": "One",
		"location_id": e.tr.d1.String()}, nil).ID
	e.famID, e.headID = e.family(t, e.ctx, e.tr.v1, person(t, number("30000001"), "Head", "Adult", "1980-01-01"))
	e.policy = e.newPolicy(t, e.famID, "2026-03-01")
	e.pay(t, e.policy.ID, "R1", "150.00", false)
	e.pay(t, e.policy.ID, "R2", "100.00", true)
	e.policy = e.get(t, imis.Policies, e.policy.ID)
	if e.policy.Values["status"] != int64(imis.PolicyActive) || e.policy.Values["value"] != int64(10000) {
		t.Fatalf("policy not active at 100.00: %v", e.policy.Values)
	}
	return e
}

func (e *coverageEnv) newPolicy(t *testing.T, family imis.ID, enroll string) *store.Record {
	t.Helper()
	v, p := imis.Policies.Parse(map[string]string{"family_id": family.String(), "product_id": e.product.String(),
		"officer_id": e.officer.String(), "enroll_date": enroll}, true)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	r, err := e.db.Create(e.ctx, imis.Policies, v, nil)
	if err != nil {
		t.Fatalf("create policy: %v", err)
	}
	return r
}

func (e *coverageEnv) pay(t *testing.T, policy imis.ID, receipt, amount string, photoFee bool) {
	t.Helper()
	raw := map[string]string{"policy_id": policy.String(), "amount": amount, "receipt": receipt, "pay_date": "2026-03-02", "pay_type": "C"}
	if photoFee {
		raw["is_photo_fee"] = "true"
	}
	mustCreate(t, e.ctx, e.db, imis.Contributions, raw, nil)
}

// cover returns the current coverage rows of an insuree by policy.
func (e *coverageEnv) cover(t *testing.T, insuree imis.ID) map[imis.ID]store.FamilyTestCoverageRow {
	out := map[imis.ID]store.FamilyTestCoverageRow{}
	for _, r := range store.FamilyTestCoverage(t, e.db, insuree) {
		if r.Current {
			out[r.PolicyID] = r
		}
	}
	return out
}

func TestFamilyAddMemberCoverage(t *testing.T) {
	e := newCoverageEnv(t)
	pol := e.policy.ID
	effective := e.policy.Values["effective_date"].(imis.Date)
	expiry := e.policy.Values["expiry_date"].(imis.Date)
	if row, ok := e.cover(t, e.headID)[pol]; !ok || row.Effective != effective {
		t.Fatalf("head not covered: %+v", row)
	}

	// 17 on the enrolment date, 18 today: priced as a child, the value (150.00) is paid.
	child := e.member(t, e.ctx, e.famID, person(t, number("30000002"), "Head", "Child", "2008-03-05"), false)
	if row, ok := e.cover(t, child)[pol]; !ok || row.Effective != effective || row.Expiry != expiry {
		t.Fatalf("child coverage %+v, want effective %v", row, effective)
	}
	// An adult makes it 250.00, more than the 150.00 paid (the photo fee does not count).
	adult := e.member(t, e.ctx, e.famID, person(t, number("30000003"), "Head", "Adult Two", "1990-01-01"), false)
	if row, ok := e.cover(t, adult)[pol]; !ok || !row.Effective.IsZero() {
		t.Fatalf("unpaid adult coverage %+v, want no effective date", row)
	}
	activated := e.member(t, e.ctx, e.famID, person(t, number("30000004"), "Head", "Adult Three", "1991-01-01"), true)
	if row, ok := e.cover(t, activated)[pol]; !ok || row.Effective != effective {
		t.Fatalf("activated adult coverage %+v", row)
	}
	// Four members are on the policy: the fifth is not attached.
	fifth := e.member(t, e.ctx, e.famID, person(t, number("30000005"), "Head", "Adult Four", "1992-01-01"), true)
	if rows := store.FamilyTestCoverage(t, e.db, fifth); len(rows) != 0 {
		t.Fatalf("member beyond the maximum covered: %+v", rows)
	}
	cov, err := e.db.PolicyCoverage(e.ctx, pol)
	if err != nil || len(cov) != 4 {
		t.Fatalf("policy coverage %d %v", len(cov), err)
	}

	t.Run("SaveWithoutStatusChangeKeepsCoverage", func(t *testing.T) {
		before := store.FamilyTestCount(t, e.db, "insuree_policies")
		r := e.get(t, imis.Insurees, child)
		v := r.Values
		v["phone"] = "+255 700 000 000"
		if _, err := e.db.Update(e.ctx, imis.Insurees, child, r.Version, v, nil); err != nil {
			t.Fatal(err)
		}
		if after := store.FamilyTestCount(t, e.db, "insuree_policies"); after != before {
			t.Fatalf("saving an active insuree added coverage rows: %d -> %d", before, after)
		}
	})

	t.Run("InactiveEndsCoverage", func(t *testing.T) {
		r := e.get(t, imis.Insurees, activated)
		v := r.Values
		v["status"], v["status_date"], v["status_reason"] = imis.InsureeInactive, imis.NewDate(2026, 4, 15), "Moved abroad"
		if _, err := e.db.Update(e.ctx, imis.Insurees, activated, r.Version, v, nil); err != nil {
			t.Fatal(err)
		}
		if row := e.cover(t, activated)[pol]; row.Expiry != imis.NewDate(2026, 4, 15) {
			t.Fatalf("coverage of an inactive insuree ends %v", row.Expiry)
		}
		if row := e.cover(t, child)[pol]; row.Expiry != expiry {
			t.Fatalf("another member's coverage changed: %v", row.Expiry)
		}
		r = e.get(t, imis.Insurees, activated)
		v = r.Values
		v["status"], v["status_reason"] = imis.InsureeDead, nil
		_, err := e.db.Update(e.ctx, imis.Insurees, activated, r.Version, v, nil)
		wantFieldError(t, err, "status_reason", "error.required")

		// Reactivated: the cut-short row is replaced by one to the policy's end, which waits for
		// payment since the family now costs more than was paid.
		r = e.get(t, imis.Insurees, activated)
		v = r.Values
		v["status"], v["status_date"], v["status_reason"] = imis.InsureeActive, nil, nil
		if _, err := e.db.Update(e.ctx, imis.Insurees, activated, r.Version, v, nil); err != nil {
			t.Fatal(err)
		}
		rows := store.FamilyTestCoverage(t, e.db, activated)
		if len(rows) != 2 || rows[0].Current || !rows[1].Current || rows[1].Expiry != expiry || !rows[1].Effective.IsZero() {
			t.Fatalf("reactivated coverage %+v", rows)
		}
	})

	t.Run("Move", func(t *testing.T) {
		other, otherHead := e.family(t, e.ctx, e.tr.v1, person(t, number("30000006"), "Other", "Head", "1970-01-01"))
		otherPolicy := e.newPolicy(t, other, "2026-03-05")
		if err := e.db.MoveInsuree(e.ctx, adult, other, true); err != nil {
			t.Fatal(err)
		}
		moved := e.get(t, imis.Insurees, adult)
		if moved.Values["family_id"] != other || moved.Values["is_head"] != false || moved.Values["district_id"] != e.tr.d1 {
			t.Fatalf("moved insuree %v", moved.Values)
		}
		rows := e.cover(t, adult)
		if rows[pol].Expiry != imis.DateOf(familyToday) {
			t.Fatalf("cancelled coverage ends %v, want today", rows[pol].Expiry)
		}
		if row, ok := rows[otherPolicy.ID]; !ok || !row.Effective.IsZero() {
			t.Fatalf("moved insuree not on the new family's idle policy: %+v", rows)
		}
		if err := e.db.MoveInsuree(e.ctx, child, other, false); err != nil {
			t.Fatal(err)
		}
		rows = e.cover(t, child)
		if rows[pol].Expiry != expiry || rows[pol].Effective != effective {
			t.Fatalf("coverage kept without cancel changed: %+v", rows[pol])
		}
		if _, ok := rows[otherPolicy.ID]; !ok {
			t.Fatalf("child not on the new family's policy: %+v", rows)
		}
		members, _ := e.db.FamilyMembers(e.ctx, other)
		if len(members) != 3 || members[0].ID != otherHead {
			t.Fatalf("new family's members %d", len(members))
		}
		wantError(t, e.db.DeleteFamily(e.ctx, other, true), imis.ECONFLICT, "error.family_has_policies")
	})

	t.Run("DeleteMemberEndsCoverage", func(t *testing.T) {
		if err := e.db.DeleteInsuree(e.ctx, activated); err != nil {
			t.Fatal(err)
		}
		if rows := e.cover(t, activated); len(rows) != 0 {
			t.Fatalf("deleted insuree still covered: %+v", rows)
		}
		if _, err := e.db.FindByID(e.ctx, imis.Insurees, activated); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Fatalf("deleted insuree current: %v", err)
		}
	})
}

func TestFamilyDeleteRules(t *testing.T) {
	e := newCoverageEnv(t)
	famID, headID := e.family(t, e.ctx, e.tr.v1, person(t, number("40000001"), "Delete", "Head", "1970-01-01"))
	member := e.member(t, e.ctx, famID, person(t, number("40000002"), "Delete", "Member", "2000-01-01"), false)

	wantError(t, e.db.DeleteInsuree(e.ctx, headID), imis.ECONFLICT, "error.head_delete")
	h := e.get(t, imis.Insurees, headID)
	if err := e.db.Delete(e.ctx, imis.Insurees, headID, h.Version); imis.ErrorCode(err) != imis.ECONFLICT {
		t.Fatalf("plain delete of the head: %v", err)
	}
	wantError(t, e.db.DeleteFamily(e.ctx, famID, false), imis.ECONFLICT, "error.family_has_members")
	if ce := wantError(t, e.db.DeleteFamily(e.ctx, e.famID, true), imis.ECONFLICT, "error.family_has_policies"); ce.Args[0] != "P1" {
		t.Fatalf("refusal does not name the policy: %v", ce)
	}

	if err := e.db.DeleteInsuree(e.ctx, member); err != nil {
		t.Fatal(err)
	}
	if hist, err := e.db.History(e.ctx, imis.Insurees, member); err != nil || len(hist) != 2 {
		t.Fatalf("deleted member history %d %v", len(hist), err)
	}
	if err := e.db.DeleteFamily(e.ctx, famID, false); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		reg *imis.Register
		id  imis.ID
	}{{imis.Families, famID}, {imis.Insurees, headID}} {
		if _, err := e.db.FindByID(e.ctx, c.reg, c.id); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Fatalf("%s still current after the family was deleted: %v", c.reg.Name, err)
		}
	}
	// The head's number is free again.
	e.family(t, e.ctx, e.tr.v1, person(t, number("40000001"), "New", "Head", "1970-01-01"))

	big, bigHead := e.family(t, e.ctx, e.tr.v1, person(t, number("40000003"), "Big", "Head", "1970-01-01"))
	m1 := e.member(t, e.ctx, big, person(t, number("40000004"), "Big", "One", "2001-01-01"), false)
	m2 := e.member(t, e.ctx, big, person(t, number("40000005"), "Big", "Two", "2002-01-01"), false)
	if err := e.db.DeleteFamily(e.ctx, big, true); err != nil {
		t.Fatal(err)
	}
	for _, id := range []imis.ID{bigHead, m1, m2} {
		if _, err := e.db.FindByID(e.ctx, imis.Insurees, id); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Fatalf("member of a deleted family still current: %v", err)
		}
	}
	if n := store.FamilyTestCount(t, e.db, "insurees WHERE family_id = $1 AND validity_to IS NULL", big); n != 0 {
		t.Fatalf("%d current members left", n)
	}
}

func TestFamilyPhotos(t *testing.T) {
	e := newFamilyEnv(t)
	c1, c2 := e.clerk(t, "clerk_d1", e.tr.d1), e.clerk(t, "clerk_d2", e.tr.d2)
	_, headID := e.family(t, c1, e.tr.v1, person(t, number("50000001"), "Photo", "Head", "1980-01-01"))
	first := []byte{0xff, 0xd8, 0x00, 0x01, 0x80, 0xfe, 0x00, 0xff, 0xd9}
	second := append(bytes.Repeat([]byte{0x89, 0x00, 0x50}, 1000), 0xff)
	thumb := []byte{0xff, 0xd8, 0x00, 0x7f, 0xff, 0xd9}
	if err := e.db.SavePhoto(c1, headID, "p_1.jpg", "image/jpeg", first, thumb, imis.NewDate(2026, 3, 1)); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SavePhoto(c1, headID, "p_2.png", "image/png", second, thumb, imis.Date{}); err != nil {
		t.Fatal(err)
	}
	if err := e.db.SavePhoto(c1, headID, "p_2.png", "image/png", second, thumb, imis.Date{}); err != nil {
		t.Fatal(err)
	}
	if n, cur := store.FamilyTestCount(t, e.db, "photos"), store.FamilyTestCount(t, e.db, "photos WHERE validity_to IS NULL"); n != 2 || cur != 1 {
		t.Fatalf("photo rows %d, current %d", n, cur)
	}
	ins := e.get(t, imis.Insurees, headID)
	if ins.Values["photo_file"] != "p_2.png" || ins.Values["photo_date"] != imis.DateOf(familyToday) {
		t.Fatalf("insuree photo %v %v", ins.Values["photo_file"], ins.Values["photo_date"])
	}
	hist, err := e.db.History(e.ctx, imis.Insurees, headID)
	if err != nil || len(hist) != 3 || hist[1].Values["photo_file"] != "p_1.jpg" {
		t.Fatalf("insuree history %d %v", len(hist), err)
	}
	for name, want := range map[string][]byte{"p_1.jpg": first, "p_2.png": second} {
		ct, data, err := e.db.PhotoByFileName(c1, name)
		if err != nil || !bytes.Equal(data, want) || ct == "" {
			t.Fatalf("photo %s: %q %d bytes %v", name, ct, len(data), err)
		}
	}
	if ct, data, err := e.db.Photo(c1, headID, false); err != nil || ct != "image/png" || !bytes.Equal(data, second) {
		t.Fatalf("current photo %q %v", ct, err)
	}
	if ct, data, err := e.db.Photo(c1, headID, true); err != nil || ct != "image/jpeg" || !bytes.Equal(data, thumb) {
		t.Fatalf("thumbnail %q %v", ct, err)
	}

	if _, _, err := e.db.PhotoByFileName(c2, "p_2.png"); imis.ErrorCode(err) != imis.ENOTFOUND {
		t.Fatalf("other district's photo by name: %v", err)
	}
	if _, _, err := e.db.Photo(c2, headID, false); imis.ErrorCode(err) != imis.ENOTFOUND {
		t.Fatalf("other district's photo: %v", err)
	}
	wantError(t, e.db.SavePhoto(c2, headID, "p_3.jpg", "image/jpeg", first, thumb, imis.Date{}), imis.ENOTFOUND, "")
	wantFieldError(t, e.db.SavePhoto(c1, headID, "p_4.jpg", "image/jpeg", nil, nil, imis.Date{}), "photo", "error.required")
	if _, _, err := e.db.PhotoByFileName(c1, "missing.jpg"); imis.ErrorCode(err) != imis.ENOTFOUND {
		t.Fatalf("missing photo: %v", err)
	}
}

// TestVillageMoveKeepsFamiliesInScope checks that moving a village to a ward of another district
// moves its families, members, policies and contributions with it for scoping.
func TestVillageMoveKeepsFamiliesInScope(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makeTree(t, ctx, db)
	famID, headID, err := db.CreateFamily(ctx, familyValues(t, tr.v1), person(t, number("11223344"), "Mover", "Head", "1980-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	village, err := db.FindByID(ctx, imis.Locations, tr.v1)
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]string{"code": "V1", "name": "Place V1", "type": "V", "parent_id": tr.w2.String()}
	v, p := imis.Locations.Parse(raw, false)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Update(ctx, imis.Locations, tr.v1, village.Version, v, nil); err != nil {
		t.Fatal(err)
	}
	fam, err := db.FindByID(ctx, imis.Families, famID)
	if err != nil {
		t.Fatal(err)
	}
	head, err := db.FindByID(ctx, imis.Insurees, headID)
	if err != nil {
		t.Fatal(err)
	}
	if fam.Values["district_id"] != tr.d2 || head.Values["district_id"] != tr.d2 {
		t.Fatalf("after the move the family is in %v and its head in %v, want %v", fam.Values["district_id"], head.Values["district_id"], tr.d2)
	}
}
