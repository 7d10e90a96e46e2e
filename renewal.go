package imis

import "slices"

// Renewing a policy (insurance-domain §5.5): from when, until when on time, and with which
// product.

// RenewalDate is the day a policy expiring on expiry is renewed from: the day after.
func RenewalDate(expiry Date) Date { return expiry.AddDays(1) }

// LastDateForRenewal is the last day a renewal is on time: the day after the previous policy's
// expiry plus the product's renewal grace.
func LastDateForRenewal(t PolicyTerms, prevExpiry Date) Date {
	return RenewalDate(prevExpiry).AddMonths(t.GracePeriodRenewal)
}

// LateRenewal reports whether a renewal enrolled on enrol comes after the previous policy's
// renewal grace, which openIMIS asks the user to confirm.
func LateRenewal(t PolicyTerms, enrol, prevExpiry Date) bool {
	return enrol.After(LastDateForRenewal(t, prevExpiry))
}

// ChainProduct is one product of a conversion chain (a product, the product it converts into,
// and so on) with its sale window.
type ChainProduct struct {
	ID       ID
	From, To Date
}

// RenewsAs reports whether a policy of the chain's first product may be renewed as product: the
// product itself or one it converts into, directly or further along. Any other product would
// bring its own grace period and prices to a family that never held it.
func RenewsAs(chain []ChainProduct, product ID) bool {
	return slices.ContainsFunc(chain, func(p ChainProduct) bool { return p.ID == product })
}

// RenewalProduct returns the product that renews, on day at, a policy of the chain's first
// product: the first product of the chain on sale that day, so that a product withdrawn from
// sale renews as its successor. ok is false when none is on sale.
func RenewalProduct(chain []ChainProduct, at Date) (id ID, ok bool) {
	for _, p := range chain {
		if ProductOnSale(p.From, p.To, at) {
			return p.ID, true
		}
	}
	return NilID, false
}
