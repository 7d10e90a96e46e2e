package imis

import "testing"

// TestContributionReasons: insurance-domain §6.2 asks WAIT / SUSPEND / ENFORCE when a short
// payment is the last allowed instalment (M) or comes after the last date for payment (L), and
// only OK / ENFORCE otherwise.
func TestContributionReasons(t *testing.T) {
	base := Contribution{PolicyStatus: PolicyIdle, PolicyValue: 10000, PolicyStart: d("2021-01-01"), PayDate: d("2021-01-10"),
		Amount: 2000, Installment: 1, MaxInstallments: 3, LastPayDate: d("2021-01-31"), Option: ActivateOnPayment}
	with := func(f func(*Contribution)) Contribution { c := base; f(&c); return c }
	for _, tc := range []struct {
		name string
		in   Contribution
		ask  string
	}{
		{"a first short instalment", base, "underpaid"},
		{"the instalment before the last", with(func(c *Contribution) { c.Installment = 2 }), "underpaid"},
		{"the last instalment", with(func(c *Contribution) { c.Installment = 3 }), "installments"},
		{"an instalment beyond the maximum", with(func(c *Contribution) { c.Installment = 4 }), "installments"},
		{"no maximum of instalments", with(func(c *Contribution) { c.Installment = 9; c.MaxInstallments = 0 }), "underpaid"},
		{"paid on the last date for payment", with(func(c *Contribution) { c.PayDate = d("2021-01-31") }), "underpaid"},
		{"paid the day after it", with(func(c *Contribution) { c.PayDate = d("2021-02-01") }), "late"},
		{"no last date for payment", with(func(c *Contribution) { c.PayDate = d("2025-01-01"); c.LastPayDate = Date{} }), "underpaid"},
		{"last instalment and late", with(func(c *Contribution) { c.Installment = 3; c.PayDate = d("2021-02-01") }), "installments"},
		{"one cent short", with(func(c *Contribution) { c.Amount = 3999; c.PaidBefore = 6000 }), "underpaid"},
	} {
		if got := ApplyContribution(tc.in); got != (ContributionEffect{Status: PolicyIdle, Ask: tc.ask}) {
			t.Errorf("%s: %+v, want a question %q", tc.name, got, tc.ask)
		}
	}
}

// TestContributionOutsideIdle: on a policy that is not Idle a payment never changes the status
// (insurance-domain §6.2, "activate on a non-Idle policy"); once the contributions reach the
// value, a policy never in force is dated from the later of pay date and start.
func TestContributionOutsideIdle(t *testing.T) {
	suspended := Contribution{PolicyStatus: PolicySuspended, PolicyValue: 10000, PolicyStart: d("2021-01-01"), PayDate: d("2021-02-10"),
		PaidBefore: 6000, Installment: 2, MaxInstallments: 2, LastPayDate: d("2021-01-31"), Option: ActivateOnPayment}
	for _, tc := range []struct {
		name      string
		amount    Money
		effective string
	}{
		{"paying the balance exactly dates it", 4000, "2021-02-10"},
		{"paying more dates it too", 5000, "2021-02-10"},
		{"one cent short leaves it undated", 3999, ""},
	} {
		c := suspended
		c.Amount = tc.amount
		got := ApplyContribution(c)
		if got.Status != PolicySuspended || got.Effective.String() != tc.effective || got.Ask != "" || got.CoverNew {
			t.Errorf("%s: %+v, want still suspended, effective %q", tc.name, got, tc.effective)
		}
	}
}
