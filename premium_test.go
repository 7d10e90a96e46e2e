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
