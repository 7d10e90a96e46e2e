package imis

// Where and when a product may be sold, and by whom (insurance-domain §3.6, §5.3).

// ProductOnSale reports whether a product sold from `from` to `to`, both days included, can be
// bought on day d.
func ProductOnSale(from, to, d Date) bool { return !d.Before(from) && !d.After(to) }

// ProductOfferedIn reports whether a product kept at location (NilID: national) is offered to a
// family of district in region: a national product everywhere, a region's product in its region,
// a district's product in its district.
func ProductOfferedIn(location, district, region ID) bool {
	return location == NilID || location == district || location == region
}

// OfficerWorksOn reports whether an enrolment officer who works until worksTo (zero: with no end
// set) still works on day d.
func OfficerWorksOn(worksTo, d Date) bool { return worksTo.IsZero() || !worksTo.Before(d) }
