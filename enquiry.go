package imis

import (
	"cmp"
	"slices"
)

// AgeOfMajority is the age from which an insuree counts as an adult (openIMIS's core setting
// age_of_majority); enquiry and pricing compare it with the exact age at the date in question.
const AgeOfMajority = 18

// Adult reports whether a person born on dob is an adult on day at.
func Adult(dob, at Date) bool { return AgeAt(dob, at) >= AgeOfMajority }

// QtyScale is the number of stored units in one unit of quantity: claim-line quantities are exact
// two-place decimals kept as hundredths, while product limits count whole units.
const QtyScale = 100

// Coverage status letters of the enquiry (insurance-domain §8.1).
const (
	CoverIdle      = "I"
	CoverExpired   = "E"
	CoverActive    = "A"
	CoverSuspended = "S"
	CoverReady     = "R"
)

// CoverageStatus returns the enquiry's status letter for one coverage row on day today. The row
// decides first, because coverage belongs to the insuree-policy row and not to the policy: a
// member not yet paid for (no effective date) or not yet covered is Idle, one outside the row's
// period Expired; otherwise the policy status names the letter.
func CoverageStatus(effective, expiry Date, policyStatus int, today Date) string {
	if effective.IsZero() || today.Before(effective) {
		return CoverIdle
	}
	if !expiry.IsZero() && today.After(expiry) {
		return CoverExpired
	}
	switch policyStatus {
	case PolicyIdle:
		return CoverIdle
	case PolicyActive:
		return CoverActive
	case PolicySuspended:
		return CoverSuspended
	case PolicyReady:
		return CoverReady
	}
	return CoverExpired
}

// Claim categories (insurance-domain §3.3); a claim without a category counts as a visit.
const (
	CategorySurgery         = "S"
	CategoryDelivery        = "D"
	CategoryAntenatal       = "A"
	CategoryHospitalization = "H"
	CategoryConsultation    = "C"
	CategoryOther           = "O"
	CategoryVisit           = "V"
)

// Split is an amount in its three forms: general (G), hospital (IP) and non-hospital (OP). A nil
// part is a limit the product does not have.
type Split struct{ G, IP, OP *Money }

// CategoryCounts holds a number per claim category with a count limit; nil means no limit.
type CategoryCounts struct {
	Hospitalization, Visit, Consultation, Surgery, Delivery, Antenatal *int64
}

// Of returns the count of the category with the given letter, nil for categories without one.
func (c CategoryCounts) Of(category string) *int64 {
	switch category {
	case CategoryHospitalization:
		return c.Hospitalization
	case CategoryVisit:
		return c.Visit
	case CategoryConsultation:
		return c.Consultation
	case CategorySurgery:
		return c.Surgery
	case CategoryDelivery:
		return c.Delivery
	case CategoryAntenatal:
		return c.Antenatal
	}
	return nil
}

// CategoryAmounts holds an amount per claim category with an amount ceiling; nil means none.
type CategoryAmounts struct {
	Hospitalization, Consultation, Surgery, Delivery, Antenatal *Money
}

// Of returns the amount of the category with the given letter, nil for categories without one.
func (a CategoryAmounts) Of(category string) *Money {
	switch category {
	case CategoryHospitalization:
		return a.Hospitalization
	case CategoryConsultation:
		return a.Consultation
	case CategorySurgery:
		return a.Surgery
	case CategoryDelivery:
		return a.Delivery
	case CategoryAntenatal:
		return a.Antenatal
	}
	return nil
}

// ProductLimits are the deductibles, ceilings and per-category limits of a product that the
// enquiry reports on. Only positive values are limits: the claims engine applies a deductible,
// a ceiling or a category limit only when it is above zero, so a zero is shown as no limit.
type ProductLimits struct {
	DedInsuree, DedTreatment, DedPolicy Split
	MaxInsuree, MaxTreatment, MaxPolicy Split
	MaxPolicyExtraMember                Split // added to the policy ceiling per member above Threshold
	MaxCeilingPolicy                    Split // cap of the enlarged policy ceiling
	Threshold                           int
	MaxMembers                          int
	MaxNo                               CategoryCounts
	MaxAmount                           CategoryAmounts
}

// LimitsOf reads the limits of a stored product.
func LimitsOf(v Values) ProductLimits {
	amount := func(k string) *Money {
		if n, ok := v[k].(int64); ok && n > 0 {
			m := Money(n)
			return &m
		}
		return nil
	}
	number := func(k string) *int64 {
		if n, ok := v[k].(int64); ok && n > 0 {
			return &n
		}
		return nil
	}
	split := func(kind, group string) Split {
		return Split{amount(kind + "_" + group), amount(kind + "_ip_" + group), amount(kind + "_op_" + group)}
	}
	whole := func(k string) int { n, _ := v[k].(int64); return int(n) }
	return ProductLimits{
		DedInsuree: split("ded", "insuree"), DedTreatment: split("ded", "treatment"), DedPolicy: split("ded", "policy"),
		MaxInsuree: split("max", "insuree"), MaxTreatment: split("max", "treatment"), MaxPolicy: split("max", "policy"),
		MaxPolicyExtraMember: Split{amount("max_policy_extra_member"), amount("max_policy_extra_member_ip"), amount("max_policy_extra_member_op")},
		MaxCeilingPolicy:     Split{amount("max_ceiling_policy"), amount("max_ceiling_policy_ip"), amount("max_ceiling_policy_op")},
		Threshold:            whole("threshold"),
		MaxMembers:           whole("max_members"),
		MaxNo: CategoryCounts{
			Hospitalization: number("max_no_hospitalization"), Visit: number("max_no_visits"),
			Consultation: number("max_no_consultation"), Surgery: number("max_no_surgery"),
			Delivery: number("max_no_delivery"), Antenatal: number("max_no_antenatal"),
		},
		MaxAmount: CategoryAmounts{
			Hospitalization: amount("max_amount_hospitalization"), Consultation: amount("max_amount_consultation"),
			Surgery: amount("max_amount_surgery"), Delivery: amount("max_amount_delivery"), Antenatal: amount("max_amount_antenatal"),
		},
	}
}

// Consumption is what the deductible and remuneration ledger (claim_ded_rem) records on a policy,
// summed over one insuree's claims or over the whole family's.
type Consumption struct {
	DedG, DedIP, DedOP Money
	RemG, RemIP, RemOP Money
}

// Add adds one ledger entry's amounts.
func (c *Consumption) Add(e Consumption) {
	c.DedG, c.DedIP, c.DedOP = c.DedG+e.DedG, c.DedIP+e.DedIP, c.DedOP+e.DedOP
	c.RemG, c.RemIP, c.RemOP = c.RemG+e.RemG, c.RemIP+e.RemIP, c.RemOP+e.RemOP
}

// DedRem is the ledger of one policy: the enquired insuree's part and the family's total.
type DedRem struct{ Insuree, Family Consumption }

// Display kinds of the deductible and ceiling amounts (openIMIS's DedType).
const (
	DedTypeGeneral = "1"   // one amount for all care: the second value repeats the first
	DedTypeSplit   = "1.1" // first value hospital (IP), second non-hospital (OP)
)

// Balances are the deductible and ceiling amounts still open on a policy, as the enquiry shows
// them. Nil amounts are limits the product does not have.
type Balances struct {
	DedType            string
	Ded1, Ded2         *Money
	Ceiling1, Ceiling2 *Money
}

// PolicyBalances computes what remains of a product's deductibles and ceilings for one insuree
// on one policy (insurance-domain §8.1 steps 2–4): per-insuree limits less the insuree's
// consumption, per-policy limits less the family's, per-treatment limits unchanged; the policy
// ceiling grows per member above the threshold (members counted up to the product's maximum) and
// is capped by MaxCeilingPolicy; general values win over the IP/OP split, and per insuree over
// per treatment over per policy; nothing is shown below zero.
//
// DedType is "1.1" when the deductible or the ceiling is split, else "1" when any value exists.
// A general value fills both positions even beside a split one, where openIMIS lets the
// ceiling's type overwrite the deductible's and loses its second value.
func PolicyBalances(l ProductLimits, familyMembers int, insuree, family Consumption) Balances {
	n := familyMembers
	if l.MaxMembers > 0 && l.MaxMembers < n {
		n = l.MaxMembers
	}
	extra := Money(max(0, n-l.Threshold))
	enlarge := func(base, per, limit *Money) *Money {
		if base == nil {
			return nil
		}
		v := *base
		if per != nil {
			v += extra * *per
		}
		if limit != nil && v > *limit {
			v = *limit
		}
		return &v
	}
	maxPolicy := Split{
		G:  enlarge(l.MaxPolicy.G, l.MaxPolicyExtraMember.G, l.MaxCeilingPolicy.G),
		IP: enlarge(l.MaxPolicy.IP, l.MaxPolicyExtraMember.IP, l.MaxCeilingPolicy.IP),
		OP: enlarge(l.MaxPolicy.OP, l.MaxPolicyExtraMember.OP, l.MaxCeilingPolicy.OP),
	}
	less := func(s Split, g, ip, op Money) Split { return Split{left(s.G, g), left(s.IP, ip), left(s.OP, op)} }
	ded := []Split{
		less(l.DedInsuree, insuree.DedG, insuree.DedIP, insuree.DedOP),
		less(l.DedTreatment, 0, 0, 0),
		less(l.DedPolicy, family.DedG, family.DedIP, family.DedOP),
	}
	ceiling := []Split{
		less(l.MaxInsuree, insuree.RemG, insuree.RemIP, insuree.RemOP),
		less(l.MaxTreatment, 0, 0, 0),
		less(maxPolicy, family.RemG, family.RemIP, family.RemOP),
	}
	var b Balances
	var dedSplit, ceilSplit bool
	b.Ded1, b.Ded2, dedSplit = display(ded)
	b.Ceiling1, b.Ceiling2, ceilSplit = display(ceiling)
	switch {
	case dedSplit || ceilSplit:
		b.DedType = DedTypeSplit
	case b.Ded1 != nil || b.Ceiling1 != nil:
		b.DedType = DedTypeGeneral
	}
	return b
}

// left returns limit − used, never below zero, or nil when there is no limit.
func left(limit *Money, used Money) *Money {
	if limit == nil {
		return nil
	}
	v := max(0, *limit-used)
	return &v
}

// display picks the amounts shown for one kind (deductible or ceiling) from the per-insuree,
// per-treatment and per-policy values, in that order of precedence.
func display(s []Split) (first, second *Money, split bool) {
	pick := func(get func(Split) *Money) *Money {
		for _, x := range s {
			if v := get(x); v != nil {
				return v
			}
		}
		return nil
	}
	if g := pick(func(x Split) *Money { return x.G }); g != nil {
		v := *g
		return g, &v, false
	}
	ip, op := pick(func(x Split) *Money { return x.IP }), pick(func(x Split) *Money { return x.OP })
	return ip, op, ip != nil || op != nil
}

// ClaimsUsed counts the insuree's claims of each category in one coverage period: those checked,
// processed or valuated (status above 2) whose target date (date to, else date from) falls in the
// period, a claim without a category counting as a visit. Counting per coverage period is the
// claims check's rule (the limits are per insuree per insurance period), so enquiry and check
// agree; openIMIS's enquiry counts every claim ever made except for hospital admissions. A period
// that never started (no effective date) has used nothing.
type ClaimsUsed struct{ Hospitalization, Visit, Consultation, Surgery, Delivery, Antenatal int64 }

// ClaimDay is one of the insuree's claims as ClaimsUsed counts it: its target date and category.
type ClaimDay struct {
	Date     Date
	Category string // "" when the claim has none
}

// CountClaims counts, per category, the claims whose target date falls within [from, to] (to zero:
// open-ended), by the rule of ClaimsUsed; a period without a start has used nothing.
func CountClaims(claims []ClaimDay, from, to Date) ClaimsUsed {
	var n ClaimsUsed
	if from.IsZero() {
		return n
	}
	for _, c := range claims {
		if c.Date.Before(from) || (!to.IsZero() && c.Date.After(to)) {
			continue
		}
		switch c.Category {
		case CategoryHospitalization:
			n.Hospitalization++
		case CategoryVisit, "":
			n.Visit++
		case CategoryConsultation:
			n.Consultation++
		case CategorySurgery:
			n.Surgery++
		case CategoryDelivery:
			n.Delivery++
		case CategoryAntenatal:
			n.Antenatal++
		}
	}
	return n
}

// CategoriesLeft returns, per limited category, the number of claims still allowed: the limit
// minus the claims used, never below zero.
func CategoriesLeft(maxNo CategoryCounts, used ClaimsUsed) CategoryCounts {
	rest := func(limit *int64, used int64) *int64 {
		if limit == nil {
			return nil
		}
		v := max(0, *limit-used)
		return &v
	}
	return CategoryCounts{
		Hospitalization: rest(maxNo.Hospitalization, used.Hospitalization),
		Visit:           rest(maxNo.Visit, used.Visit),
		Consultation:    rest(maxNo.Consultation, used.Consultation),
		Surgery:         rest(maxNo.Surgery, used.Surgery),
		Delivery:        rest(maxNo.Delivery, used.Delivery),
		Antenatal:       rest(maxNo.Antenatal, used.Antenatal),
	}
}

// CoverFacts is what the store reads about one coverage row of the insuree: the row's own dates,
// its policy and the policy's product.
type CoverFacts struct {
	CoverID         ID // the insuree-policy row
	PolicyID        ID
	PolicyWireID    int64
	ProductID       ID
	ProductCode     string
	ProductName     string
	PolicyValue     Money
	PolicyStatus    int
	EnrollDate      Date // the policy's
	StartDate       Date // the policy's
	PolicyEffective Date // the policy's own effective date, which openIMIS's REST enquiry returns
	EffectiveDate   Date // the coverage row's: zero while the member is not paid for
	ExpiryDate      Date // the coverage row's
	Limits          ProductLimits
	Ledger          DedRem     // what the policy's claims consumed, by the insuree and by the family
	Used            ClaimsUsed // the insuree's claims in this coverage period
}

// PolicyCover is one line of the enquiry: a coverage row with its status and open balances.
type PolicyCover struct {
	CoverFacts
	Status   string         // CoverageStatus letter
	Standing PolicyStanding // the words every screen shows for this cover, with the same letter
	Balances
	Left       CategoryCounts  // claims still allowed per category (TotalXLeft)
	AmountLeft CategoryAmounts // the product's per-claim category ceilings, unchanged (XAmountLeft)
}

// Enquiry is the answer to "is this person covered?": the insuree's identity and photo, their
// first point of service, their age on the enquiry date and their covers.
type Enquiry struct {
	InsureeID  ID
	WireID     int64
	CHFID      string
	LastName   string
	OtherNames string
	DOB        Date
	Gender     string
	PhotoFile  string
	PhotoID    ID // the current photo; NilID when HasPhoto is false
	HasPhoto   bool
	FSPCode    string // first point of service (the insuree's health facility)
	FSPName    string
	At         Date
	Age        int
	Covers     []PolicyCover
}

// Covers turns the insuree's coverage rows into the enquiry's lines on day today: status,
// balances from the policy's ledger, category counters from the claims used; then orders and
// reduces them as ReduceCovers does.
func Covers(facts []CoverFacts, familyMembers int, today Date) []PolicyCover {
	out := make([]PolicyCover, 0, len(facts))
	for _, f := range facts {
		standing := StandingOn(int64(f.PolicyStatus), f.EffectiveDate, f.ExpiryDate, today)
		out = append(out, PolicyCover{
			CoverFacts: f,
			Status:     standing.Letter,
			Standing:   standing,
			Balances:   PolicyBalances(f.Limits, familyMembers, f.Ledger.Insuree, f.Ledger.Family),
			Left:       CategoriesLeft(f.Limits.MaxNo, f.Used),
			AmountLeft: f.Limits.MaxAmount,
		})
	}
	return ReduceCovers(out, today)
}

// ReduceCovers orders covers by expiry (latest first), then product code, enrolment date (latest
// first) and policy, and keeps what openIMIS's enquiry shows (insurance-domain §8.1 step 5): the
// Active covers if there are any; otherwise those whose expiry year is at most two years before
// today's; otherwise all. openIMIS applies the two-year rule only when more than one cover
// passes it, which shows a single recent cover together with every old one; here one suffices.
func ReduceCovers(covers []PolicyCover, today Date) []PolicyCover {
	sorted := slices.Clone(covers)
	slices.SortStableFunc(sorted, func(a, b PolicyCover) int {
		return cmp.Or(
			b.ExpiryDate.Time().Compare(a.ExpiryDate.Time()),
			cmp.Compare(a.ProductCode, b.ProductCode),
			b.EnrollDate.Time().Compare(a.EnrollDate.Time()),
			cmp.Compare(b.PolicyWireID, a.PolicyWireID),
		)
	})
	var active, recent []PolicyCover
	for _, c := range sorted {
		if c.Status == CoverActive {
			active = append(active, c)
		}
		if !c.ExpiryDate.IsZero() && today.Time().Year()-c.ExpiryDate.Time().Year() <= 2 {
			recent = append(recent, c)
		}
	}
	switch {
	case len(active) > 0:
		return active
	case len(recent) > 0:
		return recent
	}
	return sorted
}

// TotalsCover returns the cover whose category counters an eligibility answer reports: the Active
// cover with the latest expiry (openIMIS takes the first product row; its modular version
// orders by latest expiry), or nil when none is Active.
func TotalsCover(covers []PolicyCover) *PolicyCover {
	var best *PolicyCover
	for i := range covers {
		c := &covers[i]
		if c.Status == CoverActive && (best == nil || c.ExpiryDate.After(best.ExpiryDate)) {
			best = c
		}
	}
	return best
}

// LineCover is one coverage row of the insuree whose product covers the item or service in
// question, with the product line's waiting periods and quantity limits, and the quantity of the
// item or service already used in the row's period (in hundredths, see QtyScale).
type LineCover struct {
	PolicyID     ID
	ProductCode  string
	PolicyStatus int
	Effective    Date
	Expiry       Date
	WaitingAdult int    // months after Effective
	WaitingChild int    // months after Effective
	LimitNoAdult *int64 // whole units per coverage period; nil or 0 = unlimited
	LimitNoChild *int64
	Used         int64
}

// LineRow is the verdict of one covering row.
type LineRow struct {
	LineCover
	MinDate Date   // first day the waiting period allows
	Left    *int64 // hundredths still allowed; nil = unlimited
}

// LineEligibility says whether one item or service is covered for the insuree on a date
// (insurance-domain §8.2).
type LineEligibility struct {
	Code       string
	Category   string // the service's category; "" for items
	NotCovered bool   // no Active coverage row whose product covers it runs on or after the date
	MinDate    Date   // earliest date it is covered; zero when not covered
	Left       *int64 // quantity still allowed, in hundredths; nil = unlimited or not covered
	OK         bool
	Rows       []LineRow
}

// LineUse is the quantity (in hundredths) of an item or service on the insuree's claims of one
// target date.
type LineUse struct {
	Date Date
	Qty  int64
}

// QuantityUsed sums the quantities dated within [from, to]: the quantity limit of a product line
// counts per coverage period, as the claims check does.
func QuantityUsed(uses []LineUse, from, to Date) int64 {
	var n int64
	for _, u := range uses {
		if !from.IsZero() && !u.Date.Before(from) && (to.IsZero() || !u.Date.After(to)) {
			n += u.Qty
		}
	}
	return n
}

// CheckLine decides the eligibility of one item or service on day at (insurance-domain §8.2).
// Rows count when their policy is Active and they cover the insuree and have not expired by at;
// rows still in their waiting period count too, so that the answer can name the earliest date.
// As in openIMIS, the earliest date is the smallest one already reached, else the smallest one,
// and the quantity left is unlimited if a reached row is, else the largest left among reached
// rows (among all rows when none is reached). Where openIMIS answers OK when nothing covers the
// line, NotCovered is set and OK is false.
func CheckLine(code string, rows []LineCover, adult bool, at Date) LineEligibility {
	e := LineEligibility{Code: code}
	for _, r := range rows {
		if r.PolicyStatus != PolicyActive || r.Effective.IsZero() || (!r.Expiry.IsZero() && at.After(r.Expiry)) {
			continue
		}
		waiting, limit := r.WaitingChild, r.LimitNoChild
		if adult {
			waiting, limit = r.WaitingAdult, r.LimitNoAdult
		}
		row := LineRow{LineCover: r, MinDate: r.Effective.AddMonths(waiting)}
		if limit != nil && *limit > 0 {
			v := *limit*QtyScale - r.Used
			row.Left = &v
		}
		e.Rows = append(e.Rows, row)
	}
	if len(e.Rows) == 0 {
		e.NotCovered = true
		return e
	}
	var reached []LineRow
	for _, r := range e.Rows {
		if !r.MinDate.After(at) {
			reached = append(reached, r)
		}
	}
	considered := reached
	if len(considered) == 0 {
		considered = e.Rows
	}
	e.MinDate = considered[0].MinDate
	unlimited := false
	var best *int64
	for _, r := range considered {
		if r.MinDate.Before(e.MinDate) {
			e.MinDate = r.MinDate
		}
		switch {
		case r.Left == nil:
			unlimited = true
		case best == nil || *r.Left > *best:
			best = r.Left
		}
	}
	if !unlimited && best != nil {
		v := max(0, *best)
		e.Left = &v
	}
	e.OK = !e.MinDate.After(at) && (e.Left == nil || *e.Left > 0)
	return e
}

// ApplyServiceCategory adds the category verdict to a service's eligibility: a surgery,
// consultation or delivery is not OK when no claim of its category is left, or when the
// category's amount ceiling is not positive (openIMIS's uspServiceItemEnquiry). Other categories
// depend on the line's own limits only.
func (e *LineEligibility) ApplyServiceCategory(category string, left CategoryCounts, amounts CategoryAmounts) {
	e.Category = category
	switch category {
	case CategorySurgery, CategoryConsultation, CategoryDelivery:
		if n := left.Of(category); n != nil && *n <= 0 {
			e.OK = false
		}
		if a := amounts.Of(category); a != nil && *a <= 0 {
			e.OK = false
		}
	}
}

// Eligibility answers whether an insuree is covered on a date for one item and/or one service,
// with the category counters of the cover they would be claimed on.
type Eligibility struct {
	InsureeID  ID
	CHFID      string
	At         Date
	Age        int
	Adult      bool
	Cover      *PolicyCover // the cover the counters come from (see TotalsCover); nil when none is Active
	Left       CategoryCounts
	AmountLeft CategoryAmounts
	Item       *LineEligibility // nil when no item was asked about
	Service    *LineEligibility // nil when no service was asked about
}
