package imis

import "testing"

func TestApplyContribution(t *testing.T) {
	base := Contribution{PolicyStatus: PolicyIdle, PolicyValue: 10000, PolicyStart: d("2021-01-01"), PayDate: d("2020-12-15"),
		Installment: 1, MaxInstallments: 3, LastPayDate: d("2021-01-31"), Option: ActivateOnPayment}
	with := func(f func(*Contribution)) Contribution { c := base; f(&c); return c }
	for _, tc := range []struct {
		name string
		in   Contribution
		want ContributionEffect
	}{
		{"full payment before start activates from the start", with(func(c *Contribution) { c.Amount = 10000 }),
			ContributionEffect{Status: PolicyActive, Effective: d("2021-01-01"), CoverAll: true}},
		{"full payment after start activates from the pay date", with(func(c *Contribution) { c.Amount = 10000; c.PayDate = d("2021-01-20") }),
			ContributionEffect{Status: PolicyActive, Effective: d("2021-01-20"), CoverAll: true}},
		{"instalments add up", with(func(c *Contribution) { c.PaidBefore = 6000; c.Amount = 4000; c.Installment = 2 }),
			ContributionEffect{Status: PolicyActive, Effective: d("2021-01-01"), CoverAll: true}},
		{"overpayment activates", with(func(c *Contribution) { c.Amount = 15000 }),
			ContributionEffect{Status: PolicyActive, Effective: d("2021-01-01"), CoverAll: true}},
		{"ready option", with(func(c *Contribution) { c.Amount = 10000; c.Option = ActivateReady }),
			ContributionEffect{Status: PolicyReady, Effective: d("2021-01-01")}},
		{"underpaid asks", with(func(c *Contribution) { c.Amount = 5000 }),
			ContributionEffect{Status: PolicyIdle, Ask: "underpaid"}},
		{"underpaid wait", with(func(c *Contribution) { c.Amount = 5000; c.Decision = DecisionWait }),
			ContributionEffect{Status: PolicyIdle}},
		{"underpaid enforce", with(func(c *Contribution) { c.Amount = 5000; c.Decision = DecisionEnforce }),
			ContributionEffect{Status: PolicyActive, Effective: d("2021-01-01"), CoverAll: true}},
		{"underpaid cannot be suspended", with(func(c *Contribution) { c.Amount = 5000; c.Decision = DecisionSuspend }),
			ContributionEffect{Status: PolicyIdle, Ask: "underpaid"}},
		{"late asks", with(func(c *Contribution) { c.Amount = 5000; c.PayDate = d("2021-02-01") }),
			ContributionEffect{Status: PolicyIdle, Ask: "late"}},
		{"late suspend", with(func(c *Contribution) { c.Amount = 5000; c.PayDate = d("2021-02-01"); c.Decision = DecisionSuspend }),
			ContributionEffect{Status: PolicySuspended}},
		{"last instalment short asks", with(func(c *Contribution) { c.Amount = 1000; c.PaidBefore = 2000; c.Installment = 3 }),
			ContributionEffect{Status: PolicyIdle, Ask: "installments"}},
		{"photo fee never counts", with(func(c *Contribution) { c.Amount = 10000; c.PhotoFee = true }),
			ContributionEffect{Status: PolicyIdle}},
		{"active policy covers new members from the pay date", with(func(c *Contribution) {
			c.PolicyStatus, c.PolicyEffective, c.Amount = PolicyActive, d("2021-01-01"), 2000
		}), ContributionEffect{Status: PolicyActive, Effective: d("2021-01-01"), CoverNew: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ApplyContribution(tc.in); got != tc.want {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParsePaymentDecision(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     PaymentDecision
		ok       bool
	}{
		{"blank is no answer", "  ", DecisionNone, true},
		{"wait", "WAIT", DecisionWait, true},
		{"any case and spacing", " enforce ", DecisionEnforce, true},
		{"suspend", "Suspend", DecisionSuspend, true},
		{"anything else is refused", "LATER", DecisionNone, false},
	} {
		got, ok := ParsePaymentDecision(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %q = %q, %v; want %q, %v", tc.name, tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPayerFunds(t *testing.T) {
	region, other := NewID(), NewID()
	district, neighbour := Place{ID: NewID(), Type: LocationDistrict, Parent: region}, Place{ID: NewID(), Type: LocationDistrict, Parent: other}
	home, away := Place{ID: region, Type: LocationRegion}, Place{ID: other, Type: LocationRegion}
	for _, tc := range []struct {
		name           string
		product, payer Place
		want           bool
	}{
		{"a national product takes a national payer", Place{}, Place{}, true},
		{"a national product takes any payer", Place{}, district, true},
		{"a regional product takes its region's payer", home, home, true},
		{"a regional product takes a payer of its districts", home, district, true},
		{"a regional product refuses another region's district", home, neighbour, false},
		{"a regional product refuses another region", home, away, false},
		{"a regional product refuses a national payer", home, Place{}, false},
		{"a district product takes its district's payer", district, district, true},
		{"a district product takes its region's payer", district, home, true},
		{"a district product refuses another district", district, neighbour, false},
		{"a district product refuses another region", district, away, false},
		{"a district product refuses a national payer", district, Place{}, false},
	} {
		if got := PayerFunds(tc.product, tc.payer); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestEarlyPayDate(t *testing.T) {
	enroll, saleStart := d("2026-03-02"), d("2026-01-01")
	for _, tc := range []struct {
		name                string
		pay, enroll, onSale Date
		want                string
		limit               Date
	}{
		{"on the enrolment day", enroll, enroll, saleStart, "", Date{}},
		{"after the enrolment day", d("2026-04-01"), enroll, saleStart, "", Date{}},
		{"the day before the enrolment", d("2026-03-01"), enroll, saleStart, "error.pay_date_before_enrolment", enroll},
		{"years before the enrolment", d("1990-01-01"), enroll, saleStart, "error.pay_date_before_enrolment", enroll},
		{"on the first day of sale", saleStart, saleStart, saleStart, "", Date{}},
		{"the day before the sale starts", d("2025-12-31"), d("2025-12-01"), saleStart, "error.pay_date_before_sale", saleStart},
		{"before both names the enrolment", d("2025-12-31"), enroll, saleStart, "error.pay_date_before_enrolment", enroll},
	} {
		if key, limit := EarlyPayDate(tc.pay, tc.enroll, tc.onSale); key != tc.want || limit != tc.limit {
			t.Errorf("%s: %q %v, want %q %v", tc.name, key, limit, tc.want, tc.limit)
		}
	}
}
