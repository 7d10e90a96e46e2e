package imis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func amountOf(s string) *Money {
	v, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return &v
}

func countOf(v int64) *int64 { return &v }

func TestCoverageStatus(t *testing.T) {
	eff, exp := d("2026-01-01"), d("2026-12-31")
	for _, tc := range []struct {
		name           string
		effective, exp Date
		status         int
		today          string
		want           string
	}{
		{"member not paid for", Date{}, exp, PolicyActive, "2026-03-01", CoverIdle},
		{"before the row's effective date", eff, exp, PolicyActive, "2025-12-31", CoverIdle},
		{"first day", eff, exp, PolicyActive, "2026-01-01", CoverActive},
		{"last day", eff, exp, PolicyActive, "2026-12-31", CoverActive},
		{"after the row's expiry", eff, exp, PolicyActive, "2027-01-01", CoverExpired},
		{"idle policy", eff, exp, PolicyIdle, "2026-03-01", CoverIdle},
		{"suspended policy", eff, exp, PolicySuspended, "2026-03-01", CoverSuspended},
		{"ready policy", eff, exp, PolicyReady, "2026-03-01", CoverReady},
		{"expired policy inside the row's dates", eff, exp, PolicyExpired, "2026-03-01", CoverExpired},
	} {
		if got := CoverageStatus(tc.effective, tc.exp, tc.status, d(tc.today)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestLimitsOfTakesPositiveValuesOnly(t *testing.T) {
	l := LimitsOf(Values{"ded_insuree": int64(50000), "max_ip_policy": int64(0), "max_no_surgery": int64(2),
		"max_no_visits": int64(0), "max_amount_delivery": int64(5500), "threshold": int64(4), "max_members": int64(6)})
	if l.DedInsuree.G == nil || *l.DedInsuree.G != 50000 || l.MaxPolicy.IP != nil || l.DedInsuree.IP != nil {
		t.Errorf("ded/max: %+v", l)
	}
	if l.MaxNo.Surgery == nil || *l.MaxNo.Surgery != 2 || l.MaxNo.Visit != nil || *l.MaxAmount.Delivery != 5500 {
		t.Errorf("categories: %+v %+v", l.MaxNo, l.MaxAmount)
	}
	if l.Threshold != 4 || l.MaxMembers != 6 {
		t.Errorf("members: %+v", l)
	}
}

// TestPolicyBalances checks the display amounts of insurance-domain §8.1 on hand-computed cases.
func TestPolicyBalances(t *testing.T) {
	for _, tc := range []struct {
		name     string
		limits   ProductLimits
		members  int
		insuree  Consumption
		family   Consumption
		want     Balances
		wantNote string
	}{
		{
			// 500.00 − 120.00 = 380.00; 10000.00 − 2500.50 = 7499.50; the family's consumption
			// does not touch per-insuree limits.
			name:    "per-insuree deductible partly consumed",
			limits:  ProductLimits{DedInsuree: Split{G: amountOf("500.00")}, MaxInsuree: Split{G: amountOf("10000.00")}, MaxMembers: 6},
			members: 3,
			insuree: Consumption{DedG: 12000, RemG: 250050},
			family:  Consumption{DedG: 30000, RemG: 900000},
			want:    Balances{DedType: DedTypeGeneral, Ded1: amountOf("380.00"), Ded2: amountOf("380.00"), Ceiling1: amountOf("7499.50"), Ceiling2: amountOf("7499.50")},
		},
		{
			// 6 members, threshold 4: 2 extra × 300.00 = 600.00; 1000.00 + 600.00 = 1600.00,
			// capped at 1500.00; minus the family's 200.00 remunerated = 1300.00. Deductible
			// 100.00 − family's 30.00 = 70.00 (the insuree's own 10.00 is part of the family's).
			name: "policy ceiling enlarged by two extra members and capped",
			limits: ProductLimits{DedPolicy: Split{G: amountOf("100.00")}, MaxPolicy: Split{G: amountOf("1000.00")},
				MaxPolicyExtraMember: Split{G: amountOf("300.00")}, MaxCeilingPolicy: Split{G: amountOf("1500.00")}, Threshold: 4, MaxMembers: 6},
			members: 6,
			insuree: Consumption{DedG: 1000, RemG: 5000},
			family:  Consumption{DedG: 3000, RemG: 20000},
			want:    Balances{DedType: DedTypeGeneral, Ded1: amountOf("70.00"), Ded2: amountOf("70.00"), Ceiling1: amountOf("1300.00"), Ceiling2: amountOf("1300.00")},
		},
		{
			// 8 members but the product covers 6: still 2 extra; cap 2000.00 not reached:
			// 1600.00 − 200.00 = 1400.00.
			name: "extra members limited by the product's maximum, cap not reached",
			limits: ProductLimits{MaxPolicy: Split{G: amountOf("1000.00")}, MaxPolicyExtraMember: Split{G: amountOf("300.00")},
				MaxCeilingPolicy: Split{G: amountOf("2000.00")}, Threshold: 4, MaxMembers: 6},
			members: 8,
			family:  Consumption{RemG: 20000},
			want:    Balances{DedType: DedTypeGeneral, Ceiling1: amountOf("1400.00"), Ceiling2: amountOf("1400.00")},
		},
		{
			// 3 members under a threshold of 4: no extra; 1000.00 − 200.00 = 800.00.
			name: "no extra members below the threshold",
			limits: ProductLimits{MaxPolicy: Split{G: amountOf("1000.00")}, MaxPolicyExtraMember: Split{G: amountOf("300.00")},
				MaxCeilingPolicy: Split{G: amountOf("1500.00")}, Threshold: 4, MaxMembers: 6},
			members: 3,
			family:  Consumption{RemG: 20000},
			want:    Balances{DedType: DedTypeGeneral, Ceiling1: amountOf("800.00"), Ceiling2: amountOf("800.00")},
		},
		{
			// IP 200.00 − 80.00 = 120.00, OP 50.00 − 50.00 = 0.00; ceilings IP 5000.00 − 1000.00
			// = 4000.00, OP 1000.00 − 1200.00 shown as 0.00.
			name: "IP/OP split gives DedType 1.1",
			limits: ProductLimits{DedInsuree: Split{IP: amountOf("200.00"), OP: amountOf("50.00")},
				MaxInsuree: Split{IP: amountOf("5000.00"), OP: amountOf("1000.00")}, MaxMembers: 4},
			members: 2,
			insuree: Consumption{DedG: 13000, DedIP: 8000, DedOP: 5000, RemG: 220000, RemIP: 100000, RemOP: 120000},
			want:    Balances{DedType: DedTypeSplit, Ded1: amountOf("120.00"), Ded2: amountOf("0.00"), Ceiling1: amountOf("4000.00"), Ceiling2: amountOf("0.00")},
		},
		{
			// Threshold 2, 3 members: IP 2000.00 + 500.00 = 2500.00, no IP cap, − 100.00 =
			// 2400.00; OP has no extra-member amount: 400.00. The general deductible repeats.
			name: "general deductible with split policy ceilings",
			limits: ProductLimits{DedPolicy: Split{G: amountOf("100.00")}, MaxPolicy: Split{IP: amountOf("2000.00"), OP: amountOf("400.00")},
				MaxPolicyExtraMember: Split{IP: amountOf("500.00")}, Threshold: 2, MaxMembers: 5},
			members: 3,
			family:  Consumption{RemIP: 10000},
			want:    Balances{DedType: DedTypeSplit, Ded1: amountOf("100.00"), Ded2: amountOf("100.00"), Ceiling1: amountOf("2400.00"), Ceiling2: amountOf("400.00")},
		},
		{
			name:    "per-treatment amounts are shown unchanged",
			limits:  ProductLimits{DedTreatment: Split{G: amountOf("20.00")}, MaxTreatment: Split{G: amountOf("300.00")}, MaxMembers: 5},
			members: 1,
			insuree: Consumption{DedG: 2000, RemG: 30000},
			family:  Consumption{DedG: 2000, RemG: 30000},
			want:    Balances{DedType: DedTypeGeneral, Ded1: amountOf("20.00"), Ded2: amountOf("20.00"), Ceiling1: amountOf("300.00"), Ceiling2: amountOf("300.00")},
		},
		{
			name:    "no limits, no balances",
			limits:  ProductLimits{MaxMembers: 5},
			members: 2,
			insuree: Consumption{DedG: 100},
			want:    Balances{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PolicyBalances(tc.limits, tc.members, tc.insuree, tc.family)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("balances (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCategoriesLeft(t *testing.T) {
	maxNo := CategoryCounts{Surgery: countOf(2), Consultation: countOf(3), Visit: countOf(4)}
	for _, tc := range []struct {
		name string
		used ClaimsUsed
		want CategoryCounts
	}{
		{"nothing used", ClaimsUsed{}, maxNo},
		{"some used", ClaimsUsed{Surgery: 1, Consultation: 3}, CategoryCounts{Surgery: countOf(1), Consultation: countOf(0), Visit: countOf(4)}},
		{"more used than allowed", ClaimsUsed{Visit: 6}, CategoryCounts{Surgery: countOf(2), Consultation: countOf(3), Visit: countOf(0)}},
		{"unlimited categories stay unlimited", ClaimsUsed{Delivery: 5, Antenatal: 1}, maxNo},
	} {
		if diff := cmp.Diff(tc.want, CategoriesLeft(maxNo, tc.used)); diff != "" {
			t.Errorf("%s: left (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestCheckLine(t *testing.T) {
	at := d("2026-03-15")
	row := func(eff string, waitAdult, waitChild int, limitAdult *int64, used int64) LineCover {
		return LineCover{PolicyStatus: PolicyActive, ProductCode: "P", Effective: d(eff), Expiry: d(eff).AddMonths(12).AddDays(-1),
			WaitingAdult: waitAdult, WaitingChild: waitChild, LimitNoAdult: limitAdult, LimitNoChild: limitAdult, Used: used}
	}
	for _, tc := range []struct {
		name       string
		rows       []LineCover
		adult      bool
		notCovered bool
		minDate    string
		left       *int64
		ok         bool
	}{
		// 2026-01-01 + 3 months = 2026-04-01, after 2026-03-15.
		{"waiting period not over", []LineCover{row("2026-01-01", 3, 0, nil, 0)}, true, false, "2026-04-01", nil, false},
		// A child's waiting period of 1 month ended on 2026-02-01.
		{"child's waiting period over", []LineCover{row("2026-01-01", 3, 1, nil, 0)}, false, false, "2026-02-01", nil, true},
		// Limit 2 units = 200 hundredths, 2.00 used.
		{"quantity limit reached", []LineCover{row("2026-01-01", 0, 0, countOf(2), 200)}, true, false, "2026-01-01", countOf(0), false},
		// Limit 5, 1.50 used: 3.50 left.
		{"quantity partly used", []LineCover{row("2026-01-01", 0, 0, countOf(5), 150)}, true, false, "2026-01-01", countOf(350), true},
		{"over-used shows zero", []LineCover{row("2026-01-01", 0, 0, countOf(1), 300)}, true, false, "2026-01-01", countOf(0), false},
		{"unlimited (0)", []LineCover{row("2026-01-01", 0, 0, countOf(0), 900)}, true, false, "2026-01-01", nil, true},
		{"unlimited (none)", []LineCover{row("2026-01-01", 0, 0, nil, 900)}, true, false, "2026-01-01", nil, true},
		{"not covered: no rows", nil, true, true, "", nil, false},
		{"not covered: idle, unpaid and expired rows", []LineCover{
			{PolicyStatus: PolicyIdle, Effective: d("2026-01-01"), Expiry: d("2026-12-31")},
			{PolicyStatus: PolicyActive, Expiry: d("2026-12-31")},
			{PolicyStatus: PolicyActive, Effective: d("2025-01-01"), Expiry: d("2025-12-31")},
		}, true, true, "", nil, false},
		// Only the first row has reached its date: its 0 left decides although the second,
		// still waiting, has 5 left.
		{"reached row decides", []LineCover{row("2026-01-01", 0, 0, countOf(2), 200), row("2026-03-01", 1, 1, countOf(5), 0)}, true, false, "2026-01-01", countOf(0), false},
		// Two reached rows: the largest left wins; the earliest date is the smaller reached one.
		{"largest left among reached rows", []LineCover{row("2026-02-01", 0, 0, countOf(2), 200), row("2026-01-01", 1, 1, countOf(3), 0)}, true, false, "2026-02-01", countOf(300), true},
		{"an unlimited reached row makes it unlimited", []LineCover{row("2026-01-01", 0, 0, countOf(2), 200), row("2026-01-10", 0, 0, nil, 0)}, true, false, "2026-01-01", nil, true},
		// A renewal that starts next month: covered, but only from its start.
		{"future cover gives the earliest date", []LineCover{row("2026-04-01", 0, 0, countOf(2), 0)}, true, false, "2026-04-01", countOf(200), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckLine("X1", tc.rows, tc.adult, at)
			if got.NotCovered != tc.notCovered || got.MinDate.String() != tc.minDate || got.OK != tc.ok || !cmp.Equal(got.Left, tc.left) {
				left := "nil"
				if got.Left != nil {
					left = FormatFixed(*got.Left, 2)
				}
				t.Errorf("got notCovered=%v minDate=%s left=%s ok=%v", got.NotCovered, got.MinDate, left, got.OK)
			}
		})
	}
}

func TestQuantityUsedCountsThePeriodOnly(t *testing.T) {
	uses := []LineUse{{d("2025-12-31"), 100}, {d("2026-01-01"), 150}, {d("2026-12-31"), 200}, {d("2027-01-01"), 400}}
	if got := QuantityUsed(uses, d("2026-01-01"), d("2026-12-31")); got != 350 {
		t.Errorf("used %d, want 350", got)
	}
	if got := QuantityUsed(uses, Date{}, d("2026-12-31")); got != 0 {
		t.Errorf("unpaid row used %d", got)
	}
}

func TestCountClaims(t *testing.T) {
	claims := []ClaimDay{
		{d("2025-12-31"), CategorySurgery}, // before the period
		{d("2026-01-01"), CategorySurgery},
		{d("2026-02-10"), ""}, // no category: a visit
		{d("2026-03-01"), CategoryVisit},
		{d("2026-04-01"), CategoryHospitalization},
		{d("2026-05-01"), CategoryConsultation},
		{d("2026-06-01"), CategoryDelivery},
		{d("2026-07-01"), CategoryAntenatal},
		{d("2026-08-01"), CategoryOther}, // a category without a limit
		{d("2026-12-31"), CategorySurgery},
		{d("2027-01-01"), CategoryAntenatal}, // after the period
	}
	for _, tc := range []struct {
		name     string
		from, to Date
		want     ClaimsUsed
	}{
		{"the period's days, both ends included", d("2026-01-01"), d("2026-12-31"),
			ClaimsUsed{Hospitalization: 1, Visit: 2, Consultation: 1, Surgery: 2, Delivery: 1, Antenatal: 1}},
		{"open-ended period", d("2026-06-01"), Date{}, ClaimsUsed{Delivery: 1, Antenatal: 2, Surgery: 1}},
		{"one day", d("2026-02-10"), d("2026-02-10"), ClaimsUsed{Visit: 1}},
		{"unpaid row: no start", Date{}, d("2026-12-31"), ClaimsUsed{}},
		{"period without claims", d("2028-01-01"), d("2028-12-31"), ClaimsUsed{}},
	} {
		if diff := cmp.Diff(tc.want, CountClaims(claims, tc.from, tc.to)); diff != "" {
			t.Errorf("%s: used (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestConsumptionAdd(t *testing.T) {
	c := Consumption{DedG: 100, RemIP: 5}
	c.Add(Consumption{DedG: 50, DedIP: 1, DedOP: 2, RemG: 3, RemIP: 4, RemOP: 6})
	if want := (Consumption{DedG: 150, DedIP: 1, DedOP: 2, RemG: 3, RemIP: 9, RemOP: 6}); c != want {
		t.Errorf("sum %+v, want %+v", c, want)
	}
}

func TestApplyServiceCategory(t *testing.T) {
	ok := func() LineEligibility { return LineEligibility{OK: true, MinDate: d("2026-01-01")} }
	e := ok()
	e.ApplyServiceCategory(CategorySurgery, CategoryCounts{Surgery: countOf(0)}, CategoryAmounts{})
	if e.OK || e.Category != CategorySurgery {
		t.Errorf("no surgery left but OK: %+v", e)
	}
	e = ok()
	e.ApplyServiceCategory(CategoryDelivery, CategoryCounts{Delivery: countOf(1)}, CategoryAmounts{Delivery: amountOf("0.00")})
	if e.OK {
		t.Errorf("delivery amount 0 but OK")
	}
	e = ok()
	e.ApplyServiceCategory(CategoryAntenatal, CategoryCounts{Antenatal: countOf(0)}, CategoryAmounts{})
	if !e.OK {
		t.Errorf("antenatal counters do not decide the verdict")
	}
	e = ok()
	e.ApplyServiceCategory(CategoryConsultation, CategoryCounts{Consultation: countOf(1)}, CategoryAmounts{Consultation: amountOf("50.00")})
	if !e.OK {
		t.Errorf("consultation left but not OK")
	}
}

func TestReduceCovers(t *testing.T) {
	today := d("2026-06-01")
	cover := func(code, status, expiry string) PolicyCover {
		return PolicyCover{CoverFacts: CoverFacts{ProductCode: code, ExpiryDate: d(expiry)}, Status: status}
	}
	codes := func(cs []PolicyCover) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ProductCode+":"+c.ExpiryDate.String())
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		covers []PolicyCover
		want   []string
	}{
		{"active covers only", []PolicyCover{
			cover("OLD", CoverExpired, "2025-12-31"), cover("B", CoverActive, "2026-12-31"), cover("A", CoverActive, "2026-12-31"),
			cover("C", CoverActive, "2027-03-31"), cover("IDL", CoverIdle, "2027-05-31"),
		}, []string{"C:2027-03-31", "A:2026-12-31", "B:2026-12-31"}},
		// 2026 − 2024 = 2 years: kept; 2026 − 2023 = 3: dropped.
		{"no active cover: expiry within two years", []PolicyCover{
			cover("X", CoverExpired, "2023-12-31"), cover("Y", CoverExpired, "2024-01-01"), cover("Z", CoverSuspended, "2026-12-31"),
		}, []string{"Z:2026-12-31", "Y:2024-01-01"}},
		{"only old covers: all", []PolicyCover{cover("X", CoverExpired, "2021-12-31"), cover("Y", CoverExpired, "2022-12-31")},
			[]string{"Y:2022-12-31", "X:2021-12-31"}},
		{"none", nil, nil},
	} {
		if got := codes(ReduceCovers(tc.covers, today)); !cmp.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestCovers runs the whole enquiry on two coverage rows: an Active one with consumption and a
// category limit, and an expired one that the reduction drops.
func TestCovers(t *testing.T) {
	active, expired := NewID(), NewID()
	limits := ProductLimits{DedInsuree: Split{G: amountOf("500.00")}, MaxInsuree: Split{G: amountOf("10000.00")}, MaxMembers: 6,
		MaxNo: CategoryCounts{Surgery: countOf(2)}, MaxAmount: CategoryAmounts{Surgery: amountOf("3000.00")}}
	facts := []CoverFacts{
		{PolicyID: expired, ProductCode: "BASIC", PolicyStatus: PolicyExpired, EffectiveDate: d("2025-01-01"), ExpiryDate: d("2025-12-31"), Limits: limits,
			Ledger: DedRem{Insuree: Consumption{DedG: 50000}}, Used: ClaimsUsed{Surgery: 1}},
		{PolicyID: active, ProductCode: "BASIC", PolicyStatus: PolicyActive, EffectiveDate: d("2026-01-01"), ExpiryDate: d("2026-12-31"), Limits: limits,
			Ledger: DedRem{Insuree: Consumption{DedG: 12000, RemG: 250050}, Family: Consumption{DedG: 17000, RemG: 350050}}, Used: ClaimsUsed{Surgery: 1}},
	}
	got := Covers(facts, 3, d("2026-03-15"))
	if len(got) != 1 || got[0].PolicyID != active || got[0].Status != CoverActive {
		t.Fatalf("covers %+v", got)
	}
	c := got[0]
	if *c.Ded1 != 38000 || *c.Ceiling1 != 749950 || *c.Left.Surgery != 1 || *c.AmountLeft.Surgery != 300000 {
		t.Errorf("cover: ded %v ceiling %v surgeries %v amount %v", *c.Ded1, *c.Ceiling1, *c.Left.Surgery, *c.AmountLeft.Surgery)
	}
	if tc := TotalsCover(got); tc == nil || tc.PolicyID != active {
		t.Errorf("totals cover %+v", tc)
	}
	if TotalsCover([]PolicyCover{{Status: CoverExpired}}) != nil {
		t.Error("an expired cover gave the totals")
	}
}
