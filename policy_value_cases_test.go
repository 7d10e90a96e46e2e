package imis

import (
	"testing"
	"time"
)

// TestPolicyValueOthersAndThreshold works through insurance-domain §5.4 steps 2–8 for families
// with members of relation "Others" and with more members than the lump sum covers.
func TestPolicyValueOthersAndThreshold(t *testing.T) {
	lump := PolicyTerms{LumpSum: 20000, Threshold: 2, PremiumAdult: 30000, PremiumChild: 20000, RegistrationFee: 1000, AssemblyFee: 500, MaxMembers: 10}
	perMember := PolicyTerms{PremiumAdult: 10000, PremiumChild: 5000, RegistrationFee: 1000, AssemblyFee: 500, MaxMembers: 10}
	otherAdult, otherChild := Member{Adult: true, Relation: RelationOther}, Member{Relation: RelationOther}
	for _, tc := range []struct {
		name    string
		terms   PolicyTerms
		members []Member
		stage   string
		want    Money
	}{
		// XA = 0, XC = 0, OC = 1: 200 + 1×200 + 3×5 + 3×10.
		{"an other child pays the child premium on top of the lump sum", lump, members(2, 0, otherChild), StageNew, 20000 + 20000 + 1500 + 3000},
		// One lump-sum place stays free, yet the other child pays: 200 + 1×200 + 2×5 + 2×10.
		{"an other child does not take a free lump-sum place", lump, members(1, 0, otherChild), StageNew, 20000 + 20000 + 1000 + 2000},
		{"an other adult and child beside a full lump sum", lump, members(2, 0, otherAdult, otherChild), StageNew, 20000 + 30000 + 20000 + 2000 + 4000},
		// XA = 3 − 2 = 1, XC = max(0, 1 − (2 − 3 + 1)) = 1: 200 + 300 + 200 + 4×5 + 4×10.
		{"adults beyond the threshold leave no place for children", lump, members(3, 1), StageNew, 20000 + 30000 + 20000 + 2000 + 4000},
		// XA = 0, XC = max(0, 3 − (2 − 1 + 0)) = 2: 200 + 2×200 + 4×5 + 4×10.
		{"children beyond the free places pay", lump, members(1, 3), StageNew, 20000 + 40000 + 2000 + 4000},
		// Step 4 applies only when Threshold > 0: the lump sum then covers the whole family.
		{"threshold 0: the lump sum covers every member but others", PolicyTerms{LumpSum: 20000, PremiumAdult: 30000, PremiumChild: 20000, AssemblyFee: 500},
			members(2, 1, otherChild), StageNew, 20000 + 20000 + 4*500},
		// (A + OA) × adult premium + (C + OC) × child premium, fees on all four counts.
		{"per-member pricing charges others like anyone", perMember, members(1, 1, otherAdult, otherChild), StageNew, 2*10000 + 2*5000 + 4*500 + 4*1000},
		{"per-member renewal: others pay, no registration", perMember, members(0, 0, otherAdult, otherChild), StageRenewal, 10000 + 5000 + 2*500},
		{"assembly and registration lump sums ignore the member count", PolicyTerms{PremiumAdult: 10000, AssemblyLumpSum: 1300, AssemblyFee: 500, RegistrationLumpSum: 2500, RegistrationFee: 1000},
			members(1, 0, otherChild), StageNew, 10000 + 1300 + 2500},
		// Step 2: the maximum cuts in registration order, so the others listed last are not priced.
		{"others beyond the maximum are not priced", PolicyTerms{PremiumAdult: 100, PremiumChild: 50, AssemblyFee: 10, MaxMembers: 2},
			members(1, 1, otherAdult, otherChild), StageRenewal, 100 + 50 + 2*10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PolicyValue(tc.terms, tc.members, tc.stage, d("2021-01-01"), Date{}); got != tc.want {
				t.Fatalf("value %s, want %s", got, tc.want)
			}
		})
	}
}

// TestPolicyValueDiscountNeedsRateAndPeriod: insurance-domain §5.4 step 9 applies a discount only
// when both its percentage and its period are set, up to and including the day period months
// before the base.
func TestPolicyValueDiscountNeedsRateAndPeriod(t *testing.T) {
	for _, tc := range []struct {
		name         string
		terms        PolicyTerms
		stage, enrol string
		want         Money
	}{
		{"renewal discount without a period", PolicyTerms{PremiumAdult: 10000, RenewalDiscountPct: 10}, StageRenewal, "2021-01-01", 10000},
		{"renewal discount without a rate", PolicyTerms{PremiumAdult: 10000, RenewalDiscountMon: 2}, StageRenewal, "2021-01-01", 10000},
		{"renewal discount on the last day", PolicyTerms{PremiumAdult: 10000, RenewalDiscountPct: 10, RenewalDiscountMon: 2}, StageRenewal, "2021-05-01", 9000},
		{"renewal discount missed by a day", PolicyTerms{PremiumAdult: 10000, RenewalDiscountPct: 10, RenewalDiscountMon: 2}, StageRenewal, "2021-05-02", 10000},
		{"no renewal discount on a new policy", PolicyTerms{PremiumAdult: 10000, RenewalDiscountPct: 10, RenewalDiscountMon: 2}, StageNew, "2021-01-01", 10000},
		{"enrolment discount without a period", PolicyTerms{PremiumAdult: 10000, StartCycles: []string{"01-07"}, EnrolmentDiscountPct: 10}, StageNew, "2021-01-01", 10000},
		{"no enrolment discount on a renewal", PolicyTerms{PremiumAdult: 10000, StartCycles: []string{"01-07"}, EnrolmentDiscountPct: 10, EnrolmentDiscountMon: 1}, StageRenewal, "2021-01-01", 10000},
		// 12345 × 10 % = 1234.5, rounded half away from zero to 1235.
		{"a discount of half a cent rounds up", PolicyTerms{PremiumAdult: 12345, RenewalDiscountPct: 10, RenewalDiscountMon: 1}, StageRenewal, "2021-01-01", 12345 - 1235},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := PolicyValue(tc.terms, members(1, 0), tc.stage, d(tc.enrol), d("2021-07-01")); got != tc.want {
				t.Fatalf("value %s, want %s", got, tc.want)
			}
		})
	}
}

// TestParseCycle checks the "dd-mm" cycle starts of insurance-domain §3.2: any real day of the
// year, 29 February included since cycles recur in leap years.
func TestParseCycle(t *testing.T) {
	for _, tc := range []struct {
		in    string
		day   int
		month time.Month
		ok    bool
	}{
		{"01-01", 1, time.January, true},
		{"31-12", 31, time.December, true},
		{" 1-7 ", 1, time.July, true},
		{"29-02", 29, time.February, true},
		{"30-04", 30, time.April, true},
		{"30-02", 0, 0, false},
		{"31-04", 0, 0, false},
		{"00-01", 0, 0, false},
		{"01-00", 0, 0, false},
		{"01-13", 0, 0, false},
		{"0107", 0, 0, false},
		{"aa-01", 0, 0, false},
		{"01-bb", 0, 0, false},
	} {
		day, month, err := ParseCycle(tc.in)
		if day != tc.day || month != tc.month || (err == nil) != tc.ok {
			t.Errorf("ParseCycle(%q) = %d, %v, %v; want %d, %v, ok %v", tc.in, day, month, err, tc.day, tc.month, tc.ok)
		}
	}
}

// TestPolicyPeriodCycles adds cycle cases to the worked examples of insurance-domain §5.3.
func TestPolicyPeriodCycles(t *testing.T) {
	for _, tc := range []struct {
		name          string
		terms         PolicyTerms
		enrol, stage  string
		start, expiry string
	}{
		{"a December cycle", PolicyTerms{InsurancePeriod: 12, StartCycles: []string{"01-12"}}, "2021-03-10", StageNew, "2021-12-01", "2022-11-30"},
		{"past the last cycle: the first one next year", PolicyTerms{InsurancePeriod: 12, StartCycles: []string{"01-03", "01-09"}}, "2021-09-02", StageNew, "2022-03-01", "2023-02-28"},
		{"enrolled on the cycle day", PolicyTerms{InsurancePeriod: 6, StartCycles: []string{"01-03", "01-09"}}, "2021-09-01", StageNew, "2021-09-01", "2022-02-28"},
		{"blank cycles are skipped", PolicyTerms{InsurancePeriod: 12, StartCycles: []string{"", "15-06", " "}}, "2021-02-01", StageNew, "2021-06-15", "2022-06-14"},
		{"the renewal grace does not serve new policies", PolicyTerms{InsurancePeriod: 12, GracePeriodRenewal: 3, StartCycles: []string{"01-01"}}, "2021-02-01", StageNew, "2022-01-01", "2022-12-31"},
		{"the administration period never delays a renewal", PolicyTerms{InsurancePeriod: 12, AdministrationPeriod: 3, StartCycles: []string{"01-01", "01-04"}}, "2021-03-15", StageRenewal, "2021-04-01", "2022-03-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start, expiry, err := PolicyPeriod(tc.terms, d(tc.enrol), tc.stage, Date{})
			if err != nil {
				t.Fatal(err)
			}
			if start.String() != tc.start || expiry.String() != tc.expiry {
				t.Fatalf("got %s..%s, want %s..%s", start, expiry, tc.start, tc.expiry)
			}
		})
	}
}
