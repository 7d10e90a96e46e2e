package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// enrolFixture writes families, insurees, policies, coverage rows, contributions, claims and
// ledger rows with plain SQL through a connection of its own, so that the enquiry can be tested
// independently of the enrolment and claim commands.
type enrolFixture struct {
	t    *testing.T
	raw  *sql.DB
	now  time.Time
	wire int64
}

func openEnrolFixture(t *testing.T, dsn string) *enrolFixture {
	t.Helper()
	driver, source := "pgx", dsn
	if !store.IsPostgres(dsn) {
		driver, source = "sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_time_format=sqlite"
	}
	raw, err := sql.Open(driver, source)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &enrolFixture{t: t, raw: raw, now: time.Now().UTC().Truncate(time.Second)}
}

// insert adds one row; values maps column to value.
func (f *enrolFixture) insert(table string, values map[string]any) imis.ID {
	f.t.Helper()
	id := imis.NewID()
	cols, ph, args := []string{"id"}, []string{"$1"}, []any{id}
	for c, v := range values {
		args = append(args, v)
		cols = append(cols, c)
		ph = append(ph, "$"+strconv.Itoa(len(args)))
	}
	if _, err := f.raw.Exec("INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+strings.Join(ph, ", ")+")", args...); err != nil {
		f.t.Fatalf("insert into %s: %v", table, err)
	}
	return id
}

func enqDate(s string) imis.Date {
	d, err := imis.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (f *enrolFixture) versioned(v map[string]any) map[string]any {
	f.wire++
	v["version"], v["validity_from"], v["search_text"], v["wire_id"] = 1, f.now, "", f.wire
	return v
}

func (f *enrolFixture) family(village, district imis.ID) imis.ID {
	return f.insert("families", f.versioned(map[string]any{"location_id": village, "district_id": district, "poverty": false, "is_offline": false}))
}

func (f *enrolFixture) insuree(family, district imis.ID, chfid, dob string, hf any) imis.ID {
	return f.insert("insurees", f.versioned(map[string]any{"chfid": chfid, "last_name": "Last " + chfid, "other_names": "Other", "family_id": family,
		"is_head": false, "dob": enqDate(dob), "gender": "F", "card_issued": false, "status": imis.InsureeActive, "vulnerability": false,
		"is_offline": false, "district_id": district, "hf_id": hf, "photo_file": nil}))
}

func (f *enrolFixture) policy(family, product, officer, district imis.ID, status int, enroll, start, effective, expiry string, value imis.Money) imis.ID {
	return f.insert("policies", f.versioned(map[string]any{"family_id": family, "product_id": product, "officer_id": officer,
		"enroll_date": enqDate(enroll), "start_date": enqDate(start), "effective_date": enqDate(effective), "expiry_date": enqDate(expiry),
		"stage": imis.StageNew, "status": status, "value": int64(value), "is_offline": false, "district_id": district}))
}

// cover links an insuree to a policy from effective ("" = not paid for) to expiry.
func (f *enrolFixture) cover(family, insuree, policy imis.ID, effective, expiry string) {
	var eff any
	if effective != "" {
		eff = enqDate(effective)
	}
	f.insert("insuree_policies", map[string]any{"family_id": family, "insuree_id": insuree, "policy_id": policy,
		"enrollment_date": enqDate(effective), "start_date": enqDate(expiry).AddMonths(-12).AddDays(1), "effective_date": eff,
		"expiry_date": enqDate(expiry), "is_offline": false, "validity_from": f.now})
}

func (f *enrolFixture) premium(policy, family, product, district imis.ID, amount imis.Money, receipt, paid string) {
	f.insert("premiums", f.versioned(map[string]any{"policy_id": policy, "amount": int64(amount), "receipt": receipt, "pay_date": enqDate(paid),
		"pay_type": "C", "is_photo_fee": false, "is_offline": false, "family_id": family, "product_id": product, "district_id": district}))
}

func (f *enrolFixture) claim(family, insuree, hf, icd imis.ID, code, from string, status int, category string) imis.ID {
	v := f.versioned(map[string]any{"family_id": family, "code": code, "insuree_id": insuree, "hf_id": hf,
		"date_from": enqDate(from), "date_claimed": enqDate(from), "icd_id": icd, "category": category, "status": status,
		"review_status": 1, "feedback_status": 1, "rejection_reason": 0})
	delete(v, "search_text")
	return f.insert("claims", v)
}

// line adds a claim line of an item or service; qty in hundredths.
func (f *enrolFixture) line(table, column string, family, claim, what imis.ID, status int, qty int64, approved any) {
	f.insert(table, map[string]any{"family_id": family, "claim_id": claim, column: what, "status": status, "qty_provided": qty,
		"qty_approved": approved, "price_asked": int64(100), "rejection_reason": 0, "validity_from": f.now})
}

func (f *enrolFixture) dedRem(family, policy, insuree, claim imis.ID, dedG, remG imis.Money) {
	f.insert("claim_ded_rem", map[string]any{"family_id": family, "policy_id": policy, "insuree_id": insuree, "claim_id": claim,
		"ded_g": int64(dedG), "rem_g": int64(remG), "validity_from": f.now})
}

func (f *enrolFixture) photo(insuree imis.ID, name string) {
	f.insert("photos", map[string]any{"insuree_id": insuree, "file_name": name, "content_type": "image/jpeg", "data": []byte{1},
		"thumbnail": []byte{1}, "photo_date": enqDate("2026-01-05"), "validity_from": f.now})
	if _, err := f.raw.Exec("UPDATE insurees SET photo_file = $1 WHERE id = $2", name, insuree); err != nil {
		f.t.Fatal(err)
	}
}

func wantMoney(t *testing.T, label string, got *imis.Money, want string) {
	t.Helper()
	if want == "" {
		if got != nil {
			t.Errorf("%s = %s, want none", label, got)
		}
		return
	}
	if got == nil || got.String() != want {
		t.Errorf("%s = %v, want %s", label, got, want)
	}
}

func wantCount(t *testing.T, label string, got *int64, want int64) {
	t.Helper()
	if want < 0 {
		if got != nil {
			t.Errorf("%s = %d, want none", label, *got)
		}
		return
	}
	switch {
	case got == nil:
		t.Errorf("%s = none, want %d", label, want)
	case *got != want:
		t.Errorf("%s = %d, want %d", label, *got, want)
	}
}

func enqLines(t *testing.T, set string, rows []map[string]string) []imis.Values {
	t.Helper()
	c, _ := imis.Products.Child(set)
	p := imis.Problems{}
	out := c.ParseChildren(rows, p)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestEnquireAndEligibility(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db, dsn := testdb.OpenDSN(t)
	tr := makeTree(t, ctx, db)
	f := openEnrolFixture(t, dsn)
	at := enqDate("2026-03-15")

	hf := mustCreate(t, ctx, db, imis.HealthFacilities, hfRaw("HF1", tr.d1), nil)
	officer := mustCreate(t, ctx, db, imis.Officers, map[string]string{"code": "EO1", "last_name": "Officer", "other_names": "One", "location_id": tr.d1.String()}, nil)
	icd := mustCreate(t, ctx, db, imis.Diagnoses, map[string]string{"code": "A00", "name": "Cholera"}, nil).ID
	item := func(code string) imis.ID {
		return mustCreate(t, ctx, db, imis.Items, map[string]string{"code": code, "name": "Item " + code, "type": "D", "price": "1.50", "care_type": "B"}, nil).ID
	}
	i1, i2 := item("I1"), item("I2")
	item("I3") // covered by no product
	s1 := mustCreate(t, ctx, db, imis.Services, map[string]string{"code": "S1", "name": "Appendectomy", "type": "P", "category": "S",
		"level": "H", "price": "300.00", "care_type": "B"}, nil).ID

	basic := mustCreate(t, ctx, db, imis.Products, map[string]string{"code": "BASIC", "name": "Basic cover", "date_from": "2020-01-01", "date_to": "2030-12-31",
		"insurance_period": "12", "max_members": "6", "ceiling_type": "I", "ded_insuree": "500.00", "max_insuree": "10000.00",
		"max_no_surgery": "2", "max_amount_surgery": "3000.00", "max_no_visits": "3"},
		map[string][]imis.Values{
			"items": enqLines(t, "items", []map[string]string{
				{"item_id": i1.String(), "limit_no_adult": "2", "limit_no_child": "1"},
				{"item_id": i2.String(), "waiting_period_adult": "6", "waiting_period_child": "6"},
			}),
			"services": enqLines(t, "services", []map[string]string{{"service_id": s1.String()}}),
		}).ID
	fam := mustCreate(t, ctx, db, imis.Products, map[string]string{"code": "FAM", "name": "Family ceiling", "date_from": "2020-01-01", "date_to": "2030-12-31",
		"insurance_period": "12", "max_members": "6", "threshold": "4", "ceiling_type": "P", "ded_policy": "100.00", "max_policy": "1000.00",
		"max_policy_extra_member": "300.00", "max_ceiling_policy": "1500.00"}, nil).ID

	// Family A: an Active policy with partly consumed limits, and last year's expired one.
	famA := f.family(tr.v1, tr.d1)
	a1 := f.insuree(famA, tr.d1, "A0001", "1990-05-20", hf.ID)
	a2 := f.insuree(famA, tr.d1, "A0002", "2015-01-01", nil)
	f.photo(a1, "A0001_20260105_00000000.jpg")
	pa1 := f.policy(famA, basic, officer.ID, tr.d1, imis.PolicyActive, "2025-12-20", "2026-01-01", "2026-01-01", "2026-12-31", 12000)
	pa0 := f.policy(famA, basic, officer.ID, tr.d1, imis.PolicyExpired, "2024-12-20", "2025-01-01", "2025-01-01", "2025-12-31", 12000)
	f.cover(famA, a1, pa1, "2026-01-01", "2026-12-31")
	f.cover(famA, a2, pa1, "2026-01-01", "2026-12-31")
	f.cover(famA, a1, pa0, "2025-01-01", "2025-12-31")
	f.premium(pa1, famA, basic, tr.d1, 12000, "R-1", "2025-12-20")
	// A processed surgery with two units of I1 (and a rejected line that does not count).
	cl1 := f.claim(famA, a1, hf.ID, icd, "CL1", "2026-02-10", 8, "S")
	f.line("claim_items", "item_id", famA, cl1, i1, 1, 200, nil)
	f.line("claim_items", "item_id", famA, cl1, i1, 2, 100, nil)
	f.dedRem(famA, pa1, a1, cl1, 12000, 250050)
	// An entered claim is not counted.
	cl2 := f.claim(famA, a1, hf.ID, icd, "CL2", "2026-03-01", 2, "S")
	f.line("claim_items", "item_id", famA, cl2, i1, 1, 100, nil)
	// The other member's consumption reduces family limits only.
	cl3 := f.claim(famA, a2, hf.ID, icd, "CL3", "2026-02-20", 16, "C")
	f.dedRem(famA, pa1, a2, cl3, 5000, 100000)
	// A visit from 30 December to 2 January counts in the period of its date to.
	clv := f.claim(famA, a1, hf.ID, icd, "CLV", "2025-12-30", 16, "V")
	if _, err := f.raw.Exec("UPDATE claims SET date_to = $1 WHERE id = $2", enqDate("2026-01-02"), clv); err != nil {
		t.Fatal(err)
	}
	// Last period's surgery and ledger belong to the expired policy.
	cl0 := f.claim(famA, a1, hf.ID, icd, "CL0", "2025-06-01", 16, "S")
	f.line("claim_items", "item_id", famA, cl0, i1, 1, 200, nil)
	f.dedRem(famA, pa0, a1, cl0, 50000, 0)
	// Next period's surgery is after this period's expiry.
	f.claim(famA, a1, hf.ID, icd, "CLN", "2027-01-05", 16, "S")

	// Family B: six members under a policy ceiling, expired last year, and an old policy.
	famB := f.family(tr.v1, tr.d1)
	var members []imis.ID
	for _, c := range []string{"B0001", "B0002", "B0003", "B0004", "B0005", "B0006"} {
		members = append(members, f.insuree(famB, tr.d1, c, "1985-01-01", nil))
	}
	pb := f.policy(famB, fam, officer.ID, tr.d1, imis.PolicyExpired, "2024-12-01", "2025-01-01", "2025-01-01", "2025-12-31", 30000)
	pbOld := f.policy(famB, fam, officer.ID, tr.d1, imis.PolicyExpired, "2020-12-01", "2021-01-01", "2021-01-01", "2021-12-31", 30000)
	for _, m := range members {
		f.cover(famB, m, pb, "2025-01-01", "2025-12-31")
	}
	f.cover(famB, members[0], pbOld, "2021-01-01", "2021-12-31")
	clb1 := f.claim(famB, members[0], hf.ID, icd, "CLB1", "2025-05-01", 16, "V")
	f.dedRem(famB, pb, members[0], clb1, 3000, 20000)
	clb2 := f.claim(famB, members[1], hf.ID, icd, "CLB2", "2025-06-01", 16, "V")
	f.dedRem(famB, pb, members[1], clb2, 2000, 10000)

	// Family C lives in the other district.
	famC := f.family(tr.v2, tr.d2)
	c1 := f.insuree(famC, tr.d2, "C0001", "1980-01-01", nil)
	pc := f.policy(famC, basic, officer.ID, tr.d2, imis.PolicyActive, "2026-01-01", "2026-01-01", "2026-01-01", "2026-12-31", 12000)
	f.cover(famC, c1, pc, "2026-01-01", "2026-12-31")

	t.Run("ActivePolicyWithConsumption", func(t *testing.T) {
		e, err := db.Enquire(ctx, "A0001", at)
		if err != nil {
			t.Fatal(err)
		}
		if e.InsureeID != a1 || e.WireID == 0 || e.CHFID != "A0001" || e.LastName != "Last A0001" || e.DOB != enqDate("1990-05-20") || e.Gender != "F" {
			t.Errorf("identity %+v", e)
		}
		if e.Age != 35 || e.At != at || e.FSPCode != "HF1" || e.FSPName != "Facility HF1" {
			t.Errorf("age %d at %s fsp %s %s", e.Age, e.At, e.FSPCode, e.FSPName)
		}
		if !e.HasPhoto || e.PhotoID == imis.NilID || e.PhotoFile != "A0001_20260105_00000000.jpg" {
			t.Errorf("photo %v %v %q", e.HasPhoto, e.PhotoID, e.PhotoFile)
		}
		// The expired policy is left out because an Active one exists.
		if len(e.Covers) != 1 {
			t.Fatalf("%d covers: %+v", len(e.Covers), e.Covers)
		}
		c := e.Covers[0]
		if c.PolicyID != pa1 || c.ProductID != basic || c.ProductCode != "BASIC" || c.ProductName != "Basic cover" || c.PolicyWireID == 0 {
			t.Errorf("cover identity %+v", c.CoverFacts)
		}
		if c.Status != imis.CoverActive || c.PolicyStatus != imis.PolicyActive || c.PolicyValue.String() != "120.00" {
			t.Errorf("status %s %d value %s", c.Status, c.PolicyStatus, c.PolicyValue)
		}
		if c.EnrollDate != enqDate("2025-12-20") || c.StartDate != enqDate("2026-01-01") || c.EffectiveDate != enqDate("2026-01-01") ||
			c.ExpiryDate != enqDate("2026-12-31") || c.PolicyEffective != enqDate("2026-01-01") {
			t.Errorf("dates %+v", c.CoverFacts)
		}
		// 500.00 − 120.00 of A0001's own deductions; 10000.00 − 2500.50 remunerated; A0002's
		// 50.00 and 1000.00 and last year's ledger do not count.
		if c.DedType != imis.DedTypeGeneral {
			t.Errorf("ded type %q", c.DedType)
		}
		wantMoney(t, "Ded1", c.Ded1, "380.00")
		wantMoney(t, "Ded2", c.Ded2, "380.00")
		wantMoney(t, "Ceiling1", c.Ceiling1, "7499.50")
		wantMoney(t, "Ceiling2", c.Ceiling2, "7499.50")
		// Two surgeries a period, one in this period (CL1; CL2 is only entered, CL0 was last year,
		// CLN is next year).
		wantCount(t, "surgeries left", c.Left.Surgery, 1)
		wantCount(t, "consultations left", c.Left.Consultation, -1)
		wantCount(t, "visits left", c.Left.Visit, 2)
		wantMoney(t, "surgery amount", c.AmountLeft.Surgery, "3000.00")
		wantMoney(t, "delivery amount", c.AmountLeft.Delivery, "")
	})

	t.Run("WithPhoto", func(t *testing.T) {
		e, data, err := db.EnquireWithPhoto(ctx, "A0001", at)
		if err != nil || !bytes.Equal(data, []byte{1}) || len(e.Covers) != 1 || e.Covers[0].PolicyID != pa1 {
			t.Fatalf("A0001: %v %v %+v", data, err, e)
		}
		if _, data, err := db.EnquireWithPhoto(ctx, "B0001", at); err != nil || data != nil {
			t.Fatalf("B0001 has no photo: %v %v", data, err)
		}
	})

	t.Run("ExpiredPolicyCeilingForSixMembers", func(t *testing.T) {
		e, err := db.Enquire(ctx, "B0001", at)
		if err != nil {
			t.Fatal(err)
		}
		// No Active cover: last year's policy is shown, the 2021 one is more than two years old.
		if len(e.Covers) != 1 || e.Covers[0].PolicyID != pb || e.Covers[0].Status != imis.CoverExpired {
			t.Fatalf("covers %+v", e.Covers)
		}
		c := e.Covers[0]
		// 6 members, threshold 4: 1000.00 + 2 × 300.00 = 1600.00, capped at 1500.00, less the
		// family's 200.00 + 100.00 = 1200.00; deductible 100.00 − (30.00 + 20.00) = 50.00.
		wantMoney(t, "Ded1", c.Ded1, "50.00")
		wantMoney(t, "Ceiling1", c.Ceiling1, "1200.00")
		wantMoney(t, "Ceiling2", c.Ceiling2, "1200.00")
		if e.HasPhoto || e.FSPCode != "" {
			t.Errorf("photo %v fsp %q", e.HasPhoto, e.FSPCode)
		}
	})

	t.Run("Eligibility", func(t *testing.T) {
		el, err := db.Eligibility(ctx, "A0001", at, "I1", "S1")
		if err != nil {
			t.Fatal(err)
		}
		if !el.Adult || el.Age != 35 || el.Cover == nil || el.Cover.PolicyID != pa1 {
			t.Fatalf("eligibility %+v", el)
		}
		wantCount(t, "surgeries left", el.Left.Surgery, 1)
		wantMoney(t, "surgery amount", el.AmountLeft.Surgery, "3000.00")
		// Limit 2 per period; CL1 used 2.00 (its rejected line and the entered CL2 do not count,
		// CL0 belongs to last period).
		it := el.Item
		if it == nil || it.NotCovered || it.OK || it.Left == nil || *it.Left != 0 || it.MinDate != enqDate("2026-01-01") || len(it.Rows) != 1 {
			t.Errorf("item I1 %+v", it)
		}
		sv := el.Service
		if sv == nil || sv.NotCovered || !sv.OK || sv.Left != nil || sv.Category != "S" || sv.MinDate != enqDate("2026-01-01") {
			t.Errorf("service S1 %+v", sv)
		}
	})

	t.Run("WaitingPeriod", func(t *testing.T) {
		el, err := db.Eligibility(ctx, "A0001", at, "I2", "")
		if err != nil {
			t.Fatal(err)
		}
		// 2026-01-01 + 6 months.
		if it := el.Item; it == nil || it.OK || it.NotCovered || it.MinDate != enqDate("2026-07-01") || it.Left != nil || el.Service != nil {
			t.Errorf("item I2 %+v", it)
		}
	})

	t.Run("ChildLimit", func(t *testing.T) {
		el, err := db.Eligibility(ctx, "A0002", at, "I1", "")
		if err != nil {
			t.Fatal(err)
		}
		// A0002 is 11: the child limit of 1 unit, nothing used yet.
		if it := el.Item; el.Adult || it == nil || !it.OK || it.Left == nil || *it.Left != 100 {
			t.Errorf("child I1 %+v", it)
		}
	})

	t.Run("NotCovered", func(t *testing.T) {
		el, err := db.Eligibility(ctx, "A0001", at, "I3", "")
		if err != nil {
			t.Fatal(err)
		}
		if it := el.Item; it == nil || !it.NotCovered || it.OK || !it.MinDate.IsZero() {
			t.Errorf("item I3 %+v", it)
		}
		// Family B's only policy expired: nothing is covered and no counters apply.
		el, err = db.Eligibility(ctx, "B0001", at, "", "S1")
		if err != nil {
			t.Fatal(err)
		}
		if el.Cover != nil || el.Service == nil || !el.Service.NotCovered || el.Service.OK {
			t.Errorf("expired family %+v %+v", el, el.Service)
		}
	})

	t.Run("UnknownCodes", func(t *testing.T) {
		_, err := db.Eligibility(ctx, "A0001", at, "NOPE", "NOPE2")
		e, ok := err.(*imis.Error)
		if !ok || e.Code != imis.EINVALID || e.Fields["item_code"].Key != "error.no_such_code" || e.Fields["service_code"].Key != "error.no_such_code" {
			t.Fatalf("got %v", err)
		}
		if _, err := db.Enquire(ctx, "NOPE", at); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Errorf("unknown number: %v", err)
		}
		if _, err := db.Enquire(ctx, " ", at); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Errorf("blank number: %v", err)
		}
	})

	t.Run("ScopedUser", func(t *testing.T) {
		roles, err := db.RoleIDs(ctx, []string{"Scheme Administrator"})
		if err != nil {
			t.Fatal(err)
		}
		clerk := mustCreate(t, ctx, db, imis.Users, map[string]string{"login": "enquirer", "last_name": "E", "other_names": "Q"},
			map[string][]imis.Values{"roles": {{"role_id": roles[0]}}, "districts": {{"location_id": tr.d1}}})
		u, err := db.LoadUser(ctx, clerk.ID)
		if err != nil {
			t.Fatal(err)
		}
		uctx := imis.NewContextWithUser(ctx, u)
		if _, err := db.Enquire(uctx, "C0001", at); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Errorf("other district's insuree: %v", err)
		}
		if _, err := db.Eligibility(uctx, "C0001", at, "I1", ""); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Errorf("other district's eligibility: %v", err)
		}
		if e, err := db.Enquire(uctx, "A0001", at); err != nil || len(e.Covers) != 1 {
			t.Errorf("own district: %v", err)
		}
		if e, err := db.Enquire(ctx, "C0001", at); err != nil || len(e.Covers) != 1 || e.Covers[0].Status != imis.CoverActive {
			t.Errorf("administrator: %v", err)
		}
	})

	t.Run("TodayByDefault", func(t *testing.T) {
		db.Now = func() time.Time { return time.Date(2026, 3, 15, 10, 0, 0, 0, db.Zone) }
		defer func() { db.Now = time.Now }()
		e, err := db.Enquire(ctx, "A0001", imis.Date{})
		if err != nil || e.At != at {
			t.Errorf("default date %v %v", e, err)
		}
	})

	// The enquiry keeps a product's limits by version: an edit shows in the next answer.
	t.Run("EditedProduct", func(t *testing.T) {
		cur, err := db.FindByID(ctx, imis.Products, basic)
		if err != nil {
			t.Fatal(err)
		}
		v := maps.Clone(cur.Values)
		v["ded_insuree"] = int64(60000)
		if _, err := db.Update(ctx, imis.Products, basic, cur.Version, v, cur.Children); err != nil {
			t.Fatal(err)
		}
		e, err := db.Enquire(ctx, "A0001", at)
		if err != nil || len(e.Covers) != 1 {
			t.Fatalf("%v %+v", err, e)
		}
		// 600.00 − 120.00 of A0001's own deductions.
		wantMoney(t, "Ded1", e.Covers[0].Ded1, "480.00")
	})
}
