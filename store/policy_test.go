package store_test

import (
	"context"
	"errors"
	"maps"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// polFixture is a scheme with a location tree, an enrolment officer and a clock the test moves.
type polFixture struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	tr      tree
	officer imis.ID
	now     time.Time
	seq     int
}

func newPolFixture(t *testing.T, day string) *polFixture {
	f := &polFixture{t: t, ctx: imis.SystemContext(context.Background()), db: testdb.Open(t)}
	f.db.Zone = time.UTC
	f.db.Now = func() time.Time { return f.now }
	f.at(day)
	f.tr = makeTree(t, f.ctx, f.db)
	f.officer = f.newOfficer("EO1", "")
	return f
}

// at moves the clock to mid-morning of day.
func (f *polFixture) at(day string) { f.now = polDate(f.t, day).Time().Add(10 * time.Hour) }

func polDate(t *testing.T, s string) imis.Date {
	t.Helper()
	d, err := imis.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (f *polFixture) newOfficer(code, worksTo string) imis.ID {
	raw := map[string]string{"code": code, "last_name": "Officer", "other_names": code, "location_id": f.tr.d1.String(), "phone": "0700" + code}
	if worksTo != "" {
		raw["works_to"] = worksTo
	}
	return mustCreate(f.t, f.ctx, f.db, imis.Officers, raw, nil).ID
}

// lumpProduct: lump sum 100.00 for up to 2 members, extra adult 30.00, extra child 20.00,
// registration 5.00 and assembly 2.00 per member; 12 months from enrolment; 10 % discount for
// renewing a month ahead; one month to pay.
func (f *polFixture) product(code string, extra map[string]string) imis.ID {
	raw := map[string]string{"code": code, "name": "Product " + code, "location_id": f.tr.region.String(),
		"date_from": "2025-01-01", "date_to": "2027-12-31", "insurance_period": "12", "max_members": "6",
		"lump_sum": "100.00", "threshold": "2", "premium_adult": "30.00", "premium_child": "20.00",
		"registration_fee": "5.00", "general_assembly_fee": "2.00",
		"renewal_discount_perc": "10", "renewal_discount_period": "1", "grace_period_renewal": "1", "grace_period_payment": "1"}
	maps.Copy(raw, extra)
	for k, v := range raw {
		if v == "" {
			delete(raw, k)
		}
	}
	return mustCreate(f.t, f.ctx, f.db, imis.Products, raw, nil).ID
}

// family creates a family in village V1 with a head born 1980, a spouse born 1985 and a child
// born 2015, and returns it with its members in registration order.
func (f *polFixture) family() (imis.ID, []imis.ID) {
	f.t.Helper()
	f.seq++
	base := 100000000 + f.seq*10
	head := itoa(base + 1)
	fv, p := imis.Families.Parse(map[string]string{"location_id": f.tr.v1.String()}, true)
	if err := p.Err(); err != nil {
		f.t.Fatal(err)
	}
	// What the family hooks derive, set here too so the fixture does not depend on them.
	fv["district_id"], fv["head_chfid"] = f.tr.d1, head
	fam, err := f.db.Create(f.ctx, imis.Families, fv, nil)
	if err != nil {
		f.t.Fatalf("create family: %v", err)
	}
	people := []struct{ dob, rel string }{{"1980-05-01", ""}, {"1985-07-01", "8"}, {"2015-02-01", "4"}}
	var ids []imis.ID
	for i, m := range people {
		iv, p := imis.Insurees.Parse(map[string]string{"chfid": itoa(base + 1 + i), "last_name": "Member", "other_names": itoa(i),
			"family_id": fam.ID.String(), "dob": m.dob, "gender": "F", "relationship": m.rel}, true)
		if err := p.Err(); err != nil {
			f.t.Fatal(err)
		}
		iv["is_head"], iv["district_id"] = i == 0, f.tr.d1
		r, err := f.db.Create(f.ctx, imis.Insurees, iv, nil)
		if err != nil {
			f.t.Fatalf("create insuree: %v", err)
		}
		ids = append(ids, r.ID)
	}
	return fam.ID, ids
}

func itoa(n int) string { return imis.FormatFixed(int64(n), 0) }

func (f *polFixture) policyValues(family, product, officer imis.ID, enroll string) imis.Values {
	f.t.Helper()
	v, p := imis.Policies.Parse(map[string]string{"family_id": family.String(), "product_id": product.String(),
		"officer_id": officer.String(), "enroll_date": enroll}, true)
	if err := p.Err(); err != nil {
		f.t.Fatal(err)
	}
	return v
}

func (f *polFixture) policy(family, product imis.ID, enroll string) *store.Record {
	f.t.Helper()
	r, err := f.db.Create(f.ctx, imis.Policies, f.policyValues(family, product, f.officer, enroll), nil)
	if err != nil {
		f.t.Fatalf("create policy: %v", err)
	}
	return r
}

func (f *polFixture) pay(policy imis.ID, amount, receipt, day, decision string, photo bool) (*store.Record, error) {
	f.t.Helper()
	raw := map[string]string{"policy_id": policy.String(), "amount": amount, "receipt": receipt, "pay_date": day}
	if photo {
		raw["is_photo_fee"] = "true"
	}
	v, p := imis.Contributions.Parse(raw, true)
	if err := p.Err(); err != nil {
		f.t.Fatal(err)
	}
	return f.db.AddContribution(f.ctx, v, imis.PaymentDecision(decision))
}

func (f *polFixture) get(id imis.ID) *store.Record {
	f.t.Helper()
	r, err := f.db.FindByID(f.ctx, imis.Policies, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func (f *polFixture) coverage(id imis.ID) []store.Coverage {
	f.t.Helper()
	c, err := f.db.PolicyCoverage(f.ctx, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *polFixture) contributions(policy imis.ID) int {
	f.t.Helper()
	_, n, err := f.db.Find(f.ctx, imis.Contributions, store.Filter{Fields: map[string]string{"policy_id": policy.String()}})
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *polFixture) historyLen(id imis.ID) int {
	f.t.Helper()
	h, err := f.db.History(f.ctx, imis.Policies, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(h)
}

func fieldKey(err error, field string) string {
	var e *imis.Error
	if errors.As(err, &e) {
		return e.Fields[field].Key
	}
	return ""
}

func wantDates(t *testing.T, r *store.Record, start, expiry string) {
	t.Helper()
	if got := r.Values["start_date"].(imis.Date).String(); got != start {
		t.Errorf("start %s, want %s", got, start)
	}
	if got := r.Values["expiry_date"].(imis.Date).String(); got != expiry {
		t.Errorf("expiry %s, want %s", got, expiry)
	}
}

func TestPolicyEnrolment(t *testing.T) {
	f := newPolFixture(t, "2026-03-15")
	lump := f.product("LUMP", nil)
	fam, members := f.family()

	var pol *store.Record
	t.Run("ComputedByTheServer", func(t *testing.T) {
		v := f.policyValues(fam, lump, f.officer, "2026-03-01")
		// A client's dates, value, status and stage are ignored.
		v["value"], v["start_date"], v["expiry_date"] = int64(100), polDate(t, "2020-01-01"), polDate(t, "2020-12-31")
		v["status"], v["stage"] = int64(imis.PolicyActive), imis.StageRenewal
		r, err := f.db.Create(f.ctx, imis.Policies, v, nil)
		if err != nil {
			t.Fatal(err)
		}
		pol = f.get(r.ID)
		// 2 adults + 1 child, threshold 2: lump 100 + the child beyond it 20 + registration
		// 3 × 5 + assembly 3 × 2 = 141.00.
		if pol.Values["value"] != int64(14100) {
			t.Errorf("value %v, want 14100", pol.Values["value"])
		}
		wantDates(t, pol, "2026-03-01", "2027-02-28")
		if pol.Values["status"] != int64(imis.PolicyIdle) || pol.Values["stage"] != imis.StageNew || pol.Values["effective_date"] != nil {
			t.Errorf("status %v stage %v effective %v", pol.Values["status"], pol.Values["stage"], pol.Values["effective_date"])
		}
		if pol.Values["district_id"] != f.tr.d1 || pol.Values["product_code"] != "LUMP" || pol.Values["head_chfid"] != "100000011" {
			t.Errorf("derived district %v product %v head %v", pol.Values["district_id"], pol.Values["product_code"], pol.Values["head_chfid"])
		}
		cov := f.coverage(pol.ID)
		if len(cov) != 3 {
			t.Fatalf("%d coverage rows, want 3", len(cov))
		}
		for i, c := range cov {
			if c.InsureeID != members[i] || !c.EffectiveDate.IsZero() || c.StartDate.String() != "2026-03-01" ||
				c.ExpiryDate.String() != "2027-02-28" || c.EnrollmentDate.String() != "2026-03-01" {
				t.Errorf("coverage row %d: %+v", i, c)
			}
		}
	})

	t.Run("DuplicateUploadIsOnePolicy", func(t *testing.T) {
		_, err := f.db.Create(f.ctx, imis.Policies, f.policyValues(fam, lump, f.officer, "2026-03-01"), nil)
		if imis.ErrorCode(err) != imis.ECONFLICT || imis.ErrorMessage(err) != "error.policy_duplicate" {
			t.Fatalf("duplicate policy: %v", err)
		}
		_, n, err := f.db.Find(f.ctx, imis.Policies, store.Filter{Fields: map[string]string{"family_id": fam.String()}})
		if err != nil || n != 1 {
			t.Fatalf("%d policies of the family (%v), want 1", n, err)
		}
	})

	t.Run("Refusals", func(t *testing.T) {
		elsewhere := f.product("D2ONLY", map[string]string{"location_id": f.tr.d2.String()})
		later := f.product("LATER", map[string]string{"date_from": "2026-06-01"})
		gone := f.newOfficer("EO9", "2026-01-31")
		cases := []struct {
			name, field, key string
			v                imis.Values
		}{
			{"FutureEnrolment", "enroll_date", "error.enroll_date_future", f.policyValues(fam, lump, f.officer, "2026-03-16")},
			{"ProductElsewhere", "product_id", "error.product_not_available", f.policyValues(fam, elsewhere, f.officer, "2026-03-01")},
			{"ProductNotOnSale", "product_id", "error.product_not_on_sale", f.policyValues(fam, later, f.officer, "2026-03-01")},
			{"OfficerLeft", "officer_id", "error.officer_left", f.policyValues(fam, lump, gone, "2026-03-02")},
		}
		for _, c := range cases {
			if _, err := f.db.Create(f.ctx, imis.Policies, c.v, nil); fieldKey(err, c.field) != c.key {
				t.Errorf("%s: %v, want %s on %s", c.name, err, c.key, c.field)
			}
		}
	})

	t.Run("IdleUpdateRecomputes", func(t *testing.T) {
		v := f.policyValues(fam, lump, f.officer, "2026-03-05")
		up, err := f.db.Update(f.ctx, imis.Policies, pol.ID, pol.Version, v, nil)
		if err != nil {
			t.Fatal(err)
		}
		pol = f.get(up.ID)
		wantDates(t, pol, "2026-03-05", "2027-03-04")
		if f.historyLen(pol.ID) != 2 {
			t.Errorf("history %d, want 2", f.historyLen(pol.ID))
		}
		cov := f.coverage(pol.ID)
		if len(cov) != 3 || cov[0].StartDate.String() != "2026-03-05" {
			t.Errorf("coverage after the edit: %+v", cov)
		}
	})

	t.Run("NotIdleUpdateRefused", func(t *testing.T) {
		if _, err := f.pay(pol.ID, "141.00", "E1", "2026-03-10", "", false); err != nil {
			t.Fatal(err)
		}
		pol = f.get(pol.ID)
		if pol.Values["status"] != int64(imis.PolicyActive) {
			t.Fatalf("status %v after full payment", pol.Values["status"])
		}
		_, err := f.db.Update(f.ctx, imis.Policies, pol.ID, pol.Version, f.policyValues(fam, lump, f.officer, "2026-03-06"), nil)
		if imis.ErrorMessage(err) != "error.policy_not_idle" {
			t.Fatalf("update of an active policy: %v", err)
		}
		if err := f.db.Delete(f.ctx, imis.Policies, pol.ID, pol.Version); imis.ErrorCode(err) != imis.ECONFLICT {
			t.Fatalf("delete of an active, paid policy: %v", err)
		}
	})

	t.Run("DeleteIdle", func(t *testing.T) {
		r := f.policy(fam, lump, "2026-03-07")
		if err := f.db.Delete(f.ctx, imis.Policies, r.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.FindByID(f.ctx, imis.Policies, r.ID); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Fatalf("deleted policy still current: %v", err)
		}
		// The key is free again once the policy is deleted.
		f.policy(fam, lump, "2026-03-07")
	})

	t.Run("InactiveMemberNotCovered", func(t *testing.T) {
		fam2, members2 := f.family()
		iv, p := imis.Insurees.Parse(map[string]string{"chfid": "100000099", "last_name": "Member", "other_names": "Gone",
			"family_id": fam2.String(), "dob": "1950-01-01", "gender": "M", "status": imis.InsureeInactive,
			"status_date": "2026-02-01", "status_reason": "Moved away"}, true)
		if err := p.Err(); err != nil {
			t.Fatal(err)
		}
		iv["is_head"], iv["district_id"] = false, f.tr.d1
		if _, err := f.db.Create(f.ctx, imis.Insurees, iv, nil); err != nil {
			t.Fatal(err)
		}
		r := f.policy(fam2, lump, "2026-03-01")
		if cov := f.coverage(r.ID); len(cov) != len(members2) || r.Values["value"] != int64(14100) {
			t.Fatalf("inactive member priced or covered: value %v, %d rows", r.Values["value"], len(cov))
		}
	})

	t.Run("MaxMembers", func(t *testing.T) {
		small := f.product("SMALL", map[string]string{"max_members": "2", "threshold": "", "lump_sum": "50.00",
			"registration_fee": "", "general_assembly_fee": ""})
		r := f.policy(fam, small, "2026-03-01")
		cov := f.coverage(r.ID)
		if len(cov) != 2 || cov[0].InsureeID != members[0] || cov[1].InsureeID != members[1] {
			t.Fatalf("coverage beyond max members: %+v", cov)
		}
		if r.Values["value"] != int64(5000) {
			t.Errorf("value %v, want 5000", r.Values["value"])
		}
	})
}

func TestContributionActivation(t *testing.T) {
	f := newPolFixture(t, "2026-03-15")
	// Cycles on 1 January and 1 July, no grace: enrolled in March, a policy starts on 1 July.
	cyc := f.product("CYC", map[string]string{"start_cycle_1": "01-01", "start_cycle_2": "01-07", "threshold": "",
		"registration_fee": "", "general_assembly_fee": "", "location_id": ""})
	lump := f.product("LUMP", nil)
	fam, _ := f.family()
	a := f.policy(fam, cyc, "2026-03-01")
	wantDates(t, a, "2026-07-01", "2027-06-30")
	if a.Values["value"] != int64(10000) {
		t.Fatalf("value %v, want 10000", a.Values["value"])
	}

	t.Run("PhotoFeeDoesNotActivate", func(t *testing.T) {
		if _, err := f.pay(a.ID, "100.00", "PH1", "2026-03-05", "", true); err != nil {
			t.Fatal(err)
		}
		if s := f.get(a.ID).Values["status"]; s != int64(imis.PolicyIdle) {
			t.Fatalf("status %v after a photo fee", s)
		}
	})

	t.Run("UnderpaidAsks", func(t *testing.T) {
		before := f.contributions(a.ID)
		_, err := f.pay(a.ID, "40.00", "R1", "2026-03-10", "", false)
		var e *imis.Error
		if !errors.As(err, &e) || e.Code != imis.EINVALID || e.Message != "error.payment_decision_underpaid" || e.Fields["decision"].Key == "" {
			t.Fatalf("underpaid without a decision: %v", err)
		}
		if n := f.contributions(a.ID); n != before {
			t.Fatalf("%d contributions after the refusal, want %d", n, before)
		}
		if _, err := f.pay(a.ID, "40.00", "R1", "2026-03-10", "WAIT", false); err != nil {
			t.Fatal(err)
		}
		if s := f.get(a.ID).Values["status"]; s != int64(imis.PolicyIdle) {
			t.Fatalf("status %v after WAIT", s)
		}
	})

	t.Run("FullPaymentActivates", func(t *testing.T) {
		hist := f.historyLen(a.ID)
		if _, err := f.pay(a.ID, "60.00", "R2", "2026-03-12", "", false); err != nil {
			t.Fatal(err)
		}
		p := f.get(a.ID)
		if p.Values["status"] != int64(imis.PolicyActive) || p.Values["effective_date"].(imis.Date).String() != "2026-07-01" {
			t.Fatalf("status %v effective %v, want 2 from the start date", p.Values["status"], p.Values["effective_date"])
		}
		if f.historyLen(a.ID) != hist+1 {
			t.Errorf("activation left no history row")
		}
		cov := f.coverage(a.ID)
		if len(cov) != 3 {
			t.Fatalf("%d coverage rows, want 3", len(cov))
		}
		for _, c := range cov {
			if c.EffectiveDate.String() != "2026-07-01" {
				t.Errorf("coverage row effective %s, want 2026-07-01", c.EffectiveDate)
			}
		}
	})

	t.Run("LockedOnceActive", func(t *testing.T) {
		recs, _, err := f.db.Find(f.ctx, imis.Contributions, store.Filter{Fields: map[string]string{"policy_id": a.ID.String()}})
		if err != nil || len(recs) == 0 {
			t.Fatal(err)
		}
		c := recs[0]
		if err := f.db.Delete(f.ctx, imis.Contributions, c.ID, c.Version); imis.ErrorMessage(err) != "error.contribution_locked" {
			t.Fatalf("delete of an active policy's contribution: %v", err)
		}
		v, _ := imis.Contributions.Parse(map[string]string{"policy_id": a.ID.String(), "amount": "1.00", "receipt": "R9", "pay_date": "2026-03-12"}, true)
		if _, err := f.db.Update(f.ctx, imis.Contributions, c.ID, c.Version, v, nil); imis.ErrorMessage(err) != "error.contribution_locked" {
			t.Fatalf("edit of an active policy's contribution: %v", err)
		}
	})

	t.Run("Enforce", func(t *testing.T) {
		b := f.policy(fam, cyc, "2026-03-02")
		if _, err := f.pay(b.ID, "10.00", "R3", "2026-03-10", "ENFORCE", false); err != nil {
			t.Fatal(err)
		}
		p := f.get(b.ID)
		if p.Values["status"] != int64(imis.PolicyActive) || p.Values["effective_date"].(imis.Date).String() != "2026-07-01" {
			t.Fatalf("enforced: status %v effective %v", p.Values["status"], p.Values["effective_date"])
		}
	})

	t.Run("ReceiptUniquePerProduct", func(t *testing.T) {
		b := f.policy(fam, cyc, "2026-03-03")
		_, err := f.pay(b.ID, "100.00", "R1", "2026-03-10", "", false)
		if fieldKey(err, "receipt") != "error.receipt_used" {
			t.Fatalf("receipt reused within the product: %v", err)
		}
		if n := f.contributions(b.ID); n != 0 {
			t.Fatalf("%d contributions written", n)
		}
		if s := f.get(b.ID).Values["status"]; s != int64(imis.PolicyIdle) {
			t.Fatalf("status %v after a refused contribution", s)
		}
	})

	t.Run("LateSuspend", func(t *testing.T) {
		// Free cycle, one month to pay: enrolled on 10 January, due by 9 February.
		c := f.policy(fam, lump, "2026-01-10")
		_, err := f.pay(c.ID, "10.00", "R1", "2026-03-01", "", false)
		if imis.ErrorMessage(err) != "error.payment_decision_late" {
			t.Fatalf("late payment without a decision: %v", err)
		}
		// The same receipt as under CYC is fine under another product.
		if _, err := f.pay(c.ID, "10.00", "R1", "2026-03-01", "SUSPEND", false); err != nil {
			t.Fatal(err)
		}
		if s := f.get(c.ID).Values["status"]; s != int64(imis.PolicySuspended) {
			t.Fatalf("status %v, want 4", s)
		}
	})

	t.Run("ReadyOption", func(t *testing.T) {
		set, err := f.db.SchemeSettings(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		set.ActivationOption = imis.ActivateReady
		if err := f.db.SetSchemeSettings(f.ctx, set); err != nil {
			t.Fatal(err)
		}
		defer func() {
			set.ActivationOption = imis.ActivateOnPayment
			if err := f.db.SetSchemeSettings(f.ctx, set); err != nil {
				t.Error(err)
			}
		}()
		if opt, err := f.db.ActivationOption(f.ctx); err != nil || opt != imis.ActivateReady {
			t.Fatalf("option %d %v", opt, err)
		}
		d := f.policy(fam, lump, "2026-03-04")
		if _, err := f.pay(d.ID, "141.00", "R4", "2026-03-10", "", false); err != nil {
			t.Fatal(err)
		}
		if s := f.get(d.ID).Values["status"]; s != int64(imis.PolicyReady) {
			t.Fatalf("status %v, want 16", s)
		}
		cov := f.coverage(d.ID)
		if len(cov) != 3 {
			t.Fatalf("%d coverage rows, want 3", len(cov))
		}
		for _, c := range cov {
			if !c.EffectiveDate.IsZero() {
				t.Errorf("a Ready policy covers from %s", c.EffectiveDate)
			}
		}
	})
}

func TestPolicyJobsAndRenewal(t *testing.T) {
	f := newPolFixture(t, "2025-03-15")
	lump := f.product("LUMP", nil)
	newp := f.product("NEWP", map[string]string{"date_to": "2025-12-31", "lump_sum": "50.00", "threshold": "", "registration_fee": "", "general_assembly_fee": ""})
	old := f.product("OLD", map[string]string{"date_to": "2026-12-31", "conversion_product_id": newp.String(), "lump_sum": "50.00",
		"threshold": "", "registration_fee": "", "general_assembly_fee": "", "grace_period_renewal": ""})
	leaving := f.newOfficer("EO2", "2026-01-31")
	fam, _ := f.family()
	p1 := f.policy(fam, lump, "2025-03-01")
	if _, err := f.pay(p1.ID, "141.00", "A1", "2025-03-10", "", false); err != nil {
		t.Fatal(err)
	}
	p2, err := f.db.Create(f.ctx, imis.Policies, f.policyValues(fam, old, leaving, "2025-03-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.pay(p2.ID, "50.00", "A2", "2025-03-10", "", false); err != nil {
		t.Fatal(err)
	}
	p1, p2 = f.get(p1.ID), f.get(p2.ID)

	f.at("2026-02-20")
	t.Run("RemindersOnce", func(t *testing.T) {
		n, err := f.db.InsertRenewals(f.ctx, polDate(t, "2026-02-20"), 14)
		if err != nil || n != 2 {
			t.Fatalf("first run inserted %d (%v), want 2", n, err)
		}
		if n, err := f.db.InsertRenewals(f.ctx, polDate(t, "2026-02-20"), 14); err != nil || n != 0 {
			t.Fatalf("second run inserted %d (%v), want 0", n, err)
		}
		runs, err := f.db.JobRuns(f.ctx, "renewal-run")
		if err != nil || len(runs) != 2 {
			t.Fatalf("%d audit records of renewal runs (%v), want 2", len(runs), err)
		}
		due, err := f.db.RenewalsDue(f.ctx, f.officer)
		if err != nil || len(due) != 1 {
			t.Fatalf("reminders of EO1: %+v %v", due, err)
		}
		d := due[0]
		if d.PolicyID != p1.WireID || d.PolicyUUID != p1.ID || d.OfficerCode != "EO1" || d.CHFID != "100000011" || d.LastName != "Member" ||
			d.ProductCode != "LUMP" || d.VillageName != "Place V1" || d.PromptDate.String() != "2026-02-20" ||
			d.RenewalDate.String() != "2026-03-01" || d.Phone != "0700EO1" || d.Warnings != 0 || d.RenewalID == 0 {
			t.Errorf("reminder %+v", d)
		}
		due, err = f.db.RenewalsDue(f.ctx, leaving)
		if err != nil || len(due) != 1 {
			t.Fatalf("reminders of EO2: %+v %v", due, err)
		}
		// NEWP, the end of OLD's conversion chain, is off sale on 1 March 2026 (1), and EO2 has
		// left by then (4).
		if due[0].Warnings != 5 || due[0].ProductCode != "NEWP" {
			t.Errorf("warnings %d product %s, want 5 NEWP", due[0].Warnings, due[0].ProductCode)
		}
	})

	var renewal *store.Record
	t.Run("RenewWithDiscount", func(t *testing.T) {
		r, late, err := f.db.RenewPolicy(f.ctx, p1.ID, polDate(t, "2026-01-25"), nil)
		if err != nil {
			t.Fatal(err)
		}
		renewal = f.get(r.ID)
		if late {
			t.Error("renewal a month ahead reported late")
		}
		wantDates(t, renewal, "2026-03-01", "2027-02-28")
		// No registration on a renewal: 100 + 20 + 3 × 2 = 126.00, less 10 % = 113.40.
		if renewal.Values["value"] != int64(11340) || renewal.Values["stage"] != imis.StageRenewal ||
			renewal.Values["previous_id"] != p1.ID || renewal.Values["status"] != int64(imis.PolicyIdle) ||
			renewal.Values["officer_id"] != f.officer || renewal.Values["renewal_order"] != int64(1) {
			t.Errorf("renewal %v", renewal.Values)
		}
		if len(f.coverage(renewal.ID)) != 3 {
			t.Errorf("renewal coverage rows: %d", len(f.coverage(renewal.ID)))
		}
		if due, err := f.db.RenewalsDue(f.ctx, f.officer); err != nil || len(due) != 0 {
			t.Errorf("reminder still open after the renewal: %+v %v", due, err)
		}
		if _, _, err := f.db.RenewPolicy(f.ctx, p1.ID, polDate(t, "2026-01-25"), nil); imis.ErrorMessage(err) != "error.policy_duplicate" {
			t.Errorf("second renewal on the same day: %v", err)
		}
		if _, _, err := f.db.RenewPolicy(f.ctx, renewal.ID, polDate(t, "2026-02-01"), nil); imis.ErrorMessage(err) != "error.policy_not_renewable" {
			t.Errorf("renewal of an idle policy: %v", err)
		}
	})

	f.at("2026-03-15")
	t.Run("ExpiryInPlace", func(t *testing.T) {
		h1, h2 := f.historyLen(p1.ID), f.historyLen(p2.ID)
		n, err := f.db.ExpirePolicies(f.ctx, polDate(t, "2026-03-15"))
		if err != nil || n != 2 {
			t.Fatalf("expired %d (%v), want 2", n, err)
		}
		for _, id := range []imis.ID{p1.ID, p2.ID} {
			if s := f.get(id).Values["status"]; s != int64(imis.PolicyExpired) {
				t.Errorf("status %v, want 8", s)
			}
		}
		if f.historyLen(p1.ID) != h1 || f.historyLen(p2.ID) != h2 {
			t.Errorf("the expiry job wrote history rows")
		}
		if s := f.get(renewal.ID).Values["status"]; s != int64(imis.PolicyIdle) {
			t.Errorf("renewal status %v", s)
		}
		runs, err := f.db.JobRuns(f.ctx, "expire-run")
		if err != nil || len(runs) != 1 || runs[0].Params["count"] != float64(2) || runs[0].Params["today"] != "2026-03-15" {
			t.Fatalf("expiry run audit: %+v %v", runs, err)
		}
		if n, err := f.db.ExpirePolicies(f.ctx, polDate(t, "2026-03-15")); err != nil || n != 0 {
			t.Fatalf("second run expired %d (%v)", n, err)
		}
		// P1 is renewed and P2 still has its reminder: nothing new is due.
		if n, err := f.db.InsertRenewals(f.ctx, polDate(t, "2026-03-15"), 14); err != nil || n != 0 {
			t.Fatalf("reminders after renewal: %d %v", n, err)
		}
	})

	t.Run("LateRenewalWithAnotherOfficer", func(t *testing.T) {
		r, late, err := f.db.RenewPolicy(f.ctx, p2.ID, polDate(t, "2026-03-15"), &f.officer)
		if err != nil {
			t.Fatal(err)
		}
		if !late {
			t.Error("renewal after the grace not reported late")
		}
		if r.Values["product_id"] != old || r.Values["officer_id"] != f.officer {
			t.Errorf("renewed with product %v officer %v", r.Values["product_id"], r.Values["officer_id"])
		}
		wantDates(t, r, "2026-03-15", "2027-03-14")
	})
}

// TestContributionPayDate refuses a payment dated before its policy's enrolment or before its
// product went on sale, names the pay date, and leaves the policy Idle.
func TestContributionPayDate(t *testing.T) {
	f := newPolFixture(t, "2026-03-15")
	prod := f.product("EARLY", nil)
	fam, _ := f.family()
	pol := f.policy(fam, prod, "2026-03-02")
	refused := func(day, want string) {
		t.Helper()
		_, err := f.pay(pol.ID, "141.00", "E-"+day, day, "", false)
		if imis.ErrorCode(err) != imis.EINVALID || fieldKey(err, "pay_date") != want {
			t.Errorf("paid on %s: %v, want pay_date %s", day, err, want)
		}
		if n := f.contributions(pol.ID); n != 0 {
			t.Fatalf("%d contributions written", n)
		}
		if s := f.get(pol.ID).Values["status"]; s != int64(imis.PolicyIdle) {
			t.Fatalf("status %v after a refused contribution", s)
		}
	}
	refused("1990-01-01", "error.pay_date_before_enrolment")
	refused("2026-03-01", "error.pay_date_before_enrolment")

	// The product's sale start moved past the enrolment: a payment before it is refused too.
	cur, err := f.db.FindByID(f.ctx, imis.Products, prod)
	if err != nil {
		t.Fatal(err)
	}
	v := maps.Clone(cur.Values)
	v["date_from"] = polDate(t, "2026-03-05")
	if _, err := f.db.Update(f.ctx, imis.Products, prod, cur.Version, v, nil); err != nil {
		t.Fatal(err)
	}
	refused("2026-03-04", "error.pay_date_before_sale")

	if _, err := f.pay(pol.ID, "141.00", "E-OK", "2026-03-05", "", false); err != nil {
		t.Fatalf("paid on the first day of sale: %v", err)
	}
	if s := f.get(pol.ID).Values["status"]; s != int64(imis.PolicyActive) {
		t.Fatalf("status %v after full payment", s)
	}
}
