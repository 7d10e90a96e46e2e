package imis

import "strings"

// Activation options: what full payment does to an Idle policy (a scheme setting).
const (
	ActivateOnPayment     = 1 // full payment makes the policy Active (the default)
	ActivateLegacyMatched = 2 // as 1 for contributions; electronic payments match as in legacy openIMIS
	ActivateReady         = 3 // full payment makes the policy Ready; a matched payment activates it
)

// PaymentDecision is the answer to openIMIS's prompt when a contribution leaves a policy unpaid.
type PaymentDecision string

// Decisions: leave the policy as it is, activate it although it is not fully paid, or suspend it.
const (
	DecisionNone    PaymentDecision = ""
	DecisionWait    PaymentDecision = "WAIT"
	DecisionEnforce PaymentDecision = "ENFORCE"
	DecisionSuspend PaymentDecision = "SUSPEND"
)

// ParsePaymentDecision reads an answer to the payment prompt, in any case and spacing; blank is
// no answer. ok is false for anything else.
func ParsePaymentDecision(s string) (d PaymentDecision, ok bool) {
	d = PaymentDecision(strings.ToUpper(strings.TrimSpace(s)))
	switch d {
	case DecisionNone, DecisionWait, DecisionEnforce, DecisionSuspend:
		return d, true
	}
	return DecisionNone, false
}

// Place is a location as the payer rule sees it: the location, its level (Location*) and the
// location above it. The zero Place is national.
type Place struct {
	ID, Parent ID
	Type       string
}

// PayerFunds reports whether a payer at place payer may pay contributions for a product kept at
// place product (insurance-domain §6.4): a national product takes any payer; otherwise the payer
// sits at the product's own location, in a district of the product's region, or in the region of
// the product's district.
func PayerFunds(product, payer Place) bool {
	switch {
	case product.ID == NilID, product.ID == payer.ID:
		return true
	case product.Type == LocationRegion:
		return payer.Type == LocationDistrict && payer.Parent == product.ID
	case product.Type == LocationDistrict:
		return payer.Type == LocationRegion && product.Parent == payer.ID
	}
	return false
}

// Contribution is one payment towards a policy, with what the activation rule needs to know.
type Contribution struct {
	PolicyStatus    int
	PolicyValue     Money
	PolicyStart     Date
	PolicyEffective Date  // zero when the policy was never activated
	PaidBefore      Money // current non-photo-fee contributions already recorded
	Amount          Money
	PayDate         Date
	PhotoFee        bool
	Installment     int // this contribution's number among the policy's contributions, from 1
	MaxInstallments int // 0 = no limit
	LastPayDate     Date
	Option          int
	Decision        PaymentDecision
}

// ContributionEffect is what a contribution does to its policy and its members' coverage.
type ContributionEffect struct {
	Status    int
	Effective Date
	// Ask is set when the contribution leaves the policy unpaid and nobody decided what to do:
	// "underpaid" (WAIT or ENFORCE), or "late" / "installments" (WAIT, SUSPEND or ENFORCE).
	Ask string
	// CoverAll: the policy was activated now, so every member row takes the policy's dates.
	// CoverNew: the policy was already in force, so members not yet covered start on the pay date.
	CoverAll, CoverNew bool
}

// ApplyContribution decides a contribution's effect (insurance-domain §6.2, consolidated): photo
// fees never count; full payment activates an Idle policy from the later of pay date and start
// date; an underpaid, late or over-instalment payment follows the user's decision.
func ApplyContribution(c Contribution) ContributionEffect {
	e := ContributionEffect{Status: c.PolicyStatus, Effective: c.PolicyEffective}
	if c.PhotoFee {
		return e
	}
	total := c.PaidBefore + c.Amount
	effective := c.PayDate
	if c.PolicyStart.After(effective) {
		effective = c.PolicyStart
	}
	if c.PolicyStatus != PolicyIdle {
		if !c.PolicyEffective.IsZero() {
			e.CoverNew = true
		} else if total >= c.PolicyValue {
			e.Effective, e.CoverAll = effective, true
		}
		return e
	}
	activate := func() {
		e.Status = PolicyActive
		if c.Option == ActivateReady {
			e.Status = PolicyReady
		}
		e.Effective, e.CoverAll = effective, e.Status == PolicyActive
	}
	if total >= c.PolicyValue {
		activate()
		return e
	}
	reason := "underpaid"
	switch {
	case c.MaxInstallments > 0 && c.Installment >= c.MaxInstallments:
		reason = "installments"
	case !c.LastPayDate.IsZero() && c.PayDate.After(c.LastPayDate):
		reason = "late"
	}
	switch c.Decision {
	case DecisionEnforce:
		activate()
	case DecisionSuspend:
		if reason != "underpaid" {
			e.Status = PolicySuspended
		} else {
			e.Ask = reason
		}
	case DecisionWait:
	default:
		e.Ask = reason
	}
	return e
}

// EarlyPayDate returns the message refusing day pay as the pay date of a contribution to a policy
// enrolled on enroll under a product on sale from saleStart, with the day it may not precede; ""
// when pay is fine. Money paid before the enrolment, or before the product could be bought,
// cannot be for this policy.
func EarlyPayDate(pay, enroll, saleStart Date) (key string, limit Date) {
	switch {
	case pay.Before(enroll):
		return "error.pay_date_before_enrolment", enroll
	case pay.Before(saleStart):
		return "error.pay_date_before_sale", saleStart
	}
	return "", Date{}
}
