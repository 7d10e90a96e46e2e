package imis

import (
	"testing"
)

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2021-01-31", 1, "2021-02-28"},
		{"2020-01-31", 1, "2020-02-29"},
		{"2020-02-29", 12, "2021-02-28"},
		{"2021-03-31", -1, "2021-02-28"},
		{"2021-01-10", -13, "2019-12-10"},
		{"2021-12-15", 1, "2022-01-15"},
	} {
		if got := d(tc.from).AddMonths(tc.n).String(); got != tc.want {
			t.Errorf("%s %+d months = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}

// TestPolicyPeriod uses the worked examples of openIMIS's own tests (insurance-domain §5.3).
func TestPolicyPeriod(t *testing.T) {
	cycles := []string{"01-01", "01-06"}
	for _, tc := range []struct {
		name          string
		terms         PolicyTerms
		enrol, stage  string
		prev          string
		start, expiry string
	}{
		{"no cycles", PolicyTerms{InsurancePeriod: 12}, "2020-11-10", StageNew, "", "2020-11-10", "2021-11-09"},
		{"cycles: next cycle", PolicyTerms{InsurancePeriod: 12, GracePeriod: 1, StartCycles: cycles}, "2020-11-10", StageNew, "", "2021-01-01", "2021-12-31"},
		{"cycles: inside grace", PolicyTerms{InsurancePeriod: 12, GracePeriod: 1, StartCycles: cycles}, "2021-01-11", StageNew, "", "2021-01-01", "2021-12-31"},
		{"admin period, second cycle", PolicyTerms{InsurancePeriod: 6, AdministrationPeriod: 1, GracePeriod: 1, StartCycles: cycles}, "2021-01-10", StageNew, "", "2021-06-01", "2021-11-30"},
		{"admin period, next year", PolicyTerms{InsurancePeriod: 6, AdministrationPeriod: 1, GracePeriod: 1, StartCycles: cycles}, "2021-12-11", StageNew, "", "2022-01-01", "2022-06-30"},
		{"grace boundary day joins the cycle", PolicyTerms{InsurancePeriod: 12, GracePeriod: 1, StartCycles: cycles}, "2021-02-01", StageNew, "", "2021-01-01", "2021-12-31"},
		{"renewal ignores the administration period", PolicyTerms{InsurancePeriod: 12, AdministrationPeriod: 2}, "2021-03-05", StageRenewal, "", "2021-03-05", "2022-03-04"},
		{"renewal uses the renewal grace", PolicyTerms{InsurancePeriod: 12, GracePeriod: 0, GracePeriodRenewal: 2, StartCycles: cycles}, "2021-02-20", StageRenewal, "", "2021-01-01", "2021-12-31"},
		{"renewal never starts before the previous expiry", PolicyTerms{InsurancePeriod: 12}, "2021-10-01", StageRenewal, "2021-11-09", "2021-11-10", "2022-11-09"},
		{"29 February cycle in a common year", PolicyTerms{InsurancePeriod: 12, StartCycles: []string{"29-02"}}, "2021-01-05", StageNew, "", "2021-02-28", "2022-02-27"},
		{"whole years from 29 February", PolicyTerms{InsurancePeriod: 12}, "2020-02-29", StageNew, "", "2020-02-29", "2021-02-27"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var prev Date
			if tc.prev != "" {
				prev = d(tc.prev)
			}
			start, expiry, err := PolicyPeriod(tc.terms, d(tc.enrol), tc.stage, prev)
			if err != nil {
				t.Fatal(err)
			}
			if start.String() != tc.start || expiry.String() != tc.expiry {
				t.Fatalf("got %s..%s, want %s..%s", start, expiry, tc.start, tc.expiry)
			}
		})
	}
	if _, _, err := PolicyPeriod(PolicyTerms{StartCycles: []string{"1st July"}}, d("2021-01-01"), StageNew, Date{}); err == nil {
		t.Fatal("a malformed cycle start was accepted")
	}
}

func members(adults, children int, others ...Member) []Member {
	var out []Member
	for range adults {
		out = append(out, Member{Adult: true, Relation: 8})
	}
	for range children {
		out = append(out, Member{Adult: false, Relation: 4})
	}
	return append(out, others...)
}

// TestPolicyValue uses the worked examples of insurance-domain §5.4 and the discount and
// maximum-members rules.
func TestPolicyValue(t *testing.T) {
	perMember := PolicyTerms{PremiumAdult: 30000, PremiumChild: 20000, RegistrationLumpSum: 25000, AssemblyLumpSum: 13000, MaxMembers: 10}
	lump := PolicyTerms{LumpSum: 20000, Threshold: 2, PremiumAdult: 30000, PremiumChild: 20000, RegistrationFee: 1000, AssemblyFee: 500, MaxMembers: 10}
	cyc := PolicyTerms{PremiumAdult: 10000, StartCycles: []string{"01-07"}, EnrolmentDiscountPct: 10, EnrolmentDiscountMon: 1, RenewalDiscountPct: 15, RenewalDiscountMon: 2, MaxMembers: 10}
	for _, tc := range []struct {
		name    string
		terms   PolicyTerms
		members []Member
		stage   string
		enrol   string
		base    string
		want    Money
	}{
		{"2 adults per member", perMember, members(2, 0), StageNew, "2021-01-01", "", 98000},
		{"2 adults and a child per member", perMember, members(2, 1), StageNew, "2021-01-01", "", 118000},
		{"renewal has no registration", perMember, members(2, 1), StageRenewal, "2021-01-01", "", 93000},
		{"lump sum covers 2 adults", lump, members(2, 0), StageNew, "2021-01-01", "", 23000},
		{"child beyond the threshold", lump, members(2, 1), StageNew, "2021-01-01", "", 44500},
		{"children fill free lump-sum places", lump, members(1, 2), StageNew, "2021-01-01", "", 20000 + 20000 + 3000 + 1500},
		{"others never in the lump sum", lump, members(1, 0, Member{Adult: true, Relation: RelationOther}), StageNew, "2021-01-01", "", 20000 + 30000 + 2000 + 1000},
		{"members above the maximum are not counted", PolicyTerms{PremiumAdult: 100, MaxMembers: 2}, members(3, 0), StageNew, "2021-01-01", "", 200},
		{"early enrolment discount", cyc, members(1, 0), StageNew, "2021-05-31", "2021-07-01", 9000},
		{"enrolment discount boundary day", cyc, members(1, 0), StageNew, "2021-06-01", "2021-07-01", 9000},
		{"too late for the enrolment discount", cyc, members(1, 0), StageNew, "2021-06-02", "2021-07-01", 10000},
		{"no enrolment discount without cycles", PolicyTerms{PremiumAdult: 10000, EnrolmentDiscountPct: 10, EnrolmentDiscountMon: 1}, members(1, 0), StageNew, "2021-01-01", "2021-07-01", 10000},
		{"early renewal discount", cyc, members(1, 0), StageRenewal, "2021-04-30", "2021-07-01", 8500},
		{"discount rounds half away from zero", PolicyTerms{PremiumAdult: 333, RenewalDiscountPct: 15, RenewalDiscountMon: 1}, members(1, 0), StageRenewal, "2021-01-01", "2021-03-01", 333 - 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var base Date
			if tc.base != "" {
				base = d(tc.base)
			}
			if got := PolicyValue(tc.terms, tc.members, tc.stage, d(tc.enrol), base); got != tc.want {
				t.Fatalf("value %s, want %s", got, tc.want)
			}
		})
	}
}

func TestLastDateForPayment(t *testing.T) {
	cyc := PolicyTerms{StartCycles: []string{"01-01"}, GracePeriod: 2, GracePeriodRenewal: 1}
	free := PolicyTerms{GracePeriodPayment: 3}
	for _, tc := range []struct {
		name                     string
		terms                    PolicyTerms
		stage, enrol, start, prv string
		want                     string
	}{
		{"cycles, new", cyc, StageNew, "2020-12-01", "2021-01-01", "", "2021-02-28"},
		{"cycles, renewal", cyc, StageRenewal, "2020-12-01", "2021-01-01", "2020-12-31", "2021-01-31"},
		{"free cycle, new", free, StageNew, "2021-01-15", "2021-01-15", "", "2021-04-14"},
		{"free cycle, renewal", free, StageRenewal, "2021-01-15", "2021-02-01", "2021-01-31", "2021-04-30"},
	} {
		var prev Date
		if tc.prv != "" {
			prev = d(tc.prv)
		}
		if got := LastDateForPayment(tc.terms, tc.stage, d(tc.enrol), d(tc.start), prev).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestInsuranceNumberRule(t *testing.T) {
	for _, tc := range []struct {
		rule   InsuranceNumberRule
		number string
		want   string
	}{
		{DemoNumberRule, "123456782", ""}, // 12345678 mod 7 = 2
		{DemoNumberRule, "123456785", "error.chfid_checksum"},
		{DemoNumberRule, "12345678", "error.chfid_length"},
		{DemoNumberRule, "12345678A", "error.chfid_digits"},
		{DemoNumberRule, "000000000", "error.chfid_checksum"},
		{DemoNumberRule, "", "error.chfid_required"},
		{InsuranceNumberRule{Modulo: 10}, "79927398713", ""},
		{InsuranceNumberRule{Modulo: 10}, "79927398710", "error.chfid_checksum"},
		{InsuranceNumberRule{}, "any-thing", ""},
		{InsuranceNumberRule{Length: 4}, "abc", "error.chfid_length"},
	} {
		if got := tc.rule.Check(tc.number); got != tc.want {
			t.Errorf("%+v %q: %q, want %q", tc.rule, tc.number, got, tc.want)
		}
	}
	if DemoNumberRule.CheckDigit("12345678") != "2" || (InsuranceNumberRule{Modulo: 10}).CheckDigit("7992739871") != "3" {
		t.Fatal("check digit generation disagrees with the check")
	}
}

func TestAgeAt(t *testing.T) {
	for _, tc := range []struct {
		dob, at string
		want    int
	}{
		{"2000-06-15", "2018-06-14", 17},
		{"2000-06-15", "2018-06-15", 18},
		{"2000-02-29", "2018-02-28", 17},
		{"2000-02-29", "2018-03-01", 18},
	} {
		if got := AgeAt(d(tc.dob), d(tc.at)); got != tc.want {
			t.Errorf("age of %s on %s: %d, want %d", tc.dob, tc.at, got, tc.want)
		}
	}
}

func TestDiscountBase(t *testing.T) {
	start, prev := d("2024-07-01"), d("2024-05-31")
	for _, tc := range []struct {
		name       string
		stage      string
		prevExpiry Date
		want       string
	}{
		{"a new policy counts from its start", StageNew, Date{}, "2024-07-01"},
		{"a new policy ignores any previous expiry", StageNew, prev, "2024-07-01"},
		{"a renewal counts from the day after the previous expiry", StageRenewal, prev, "2024-06-01"},
		{"a renewal without a previous expiry counts from its start", StageRenewal, Date{}, "2024-07-01"},
	} {
		if got := DiscountBase(tc.stage, start, tc.prevExpiry).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
