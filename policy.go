package imis

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Policy stages.
const (
	StageNew     = "N"
	StageRenewal = "R"
)

// Policy statuses, as openIMIS numbers them.
const (
	PolicyIdle      = 1
	PolicyActive    = 2
	PolicySuspended = 4
	PolicyExpired   = 8
	PolicyReady     = 16
)

// PolicyEditable reports whether a policy in status, and the contributions paid towards it, may
// still be changed or deleted: only while Idle, before a payment activated or suspended it.
func PolicyEditable(status int64) bool { return status == PolicyIdle }

// PolicySuspendable reports whether a policy in status may be suspended: an Idle or Active one.
func PolicySuspendable(status int64) bool { return status == PolicyIdle || status == PolicyActive }

// RenewableStatuses are the statuses of a policy that may be renewed: in force or expired.
func RenewableStatuses() []int64 { return []int64{PolicyActive, PolicyExpired} }

// Renewable reports whether a policy in status may be renewed (one of RenewableStatuses).
func Renewable(status int64) bool { return slices.Contains(RenewableStatuses(), status) }

// ExpiredBy reports whether a policy, or a member's cover under it, that runs to expiry has
// expired by day today. The expiry day itself is still covered.
func ExpiredBy(expiry, today Date) bool { return !expiry.After(LastExpiredDay(today)) }

// LastExpiredDay is the latest expiry of a policy expired by day today: queries select expired
// policies by an expiry on or before it, running ones by an expiry after it.
func LastExpiredDay(today Date) Date { return today.AddDays(-1) }

// PolicyStanding is how a policy, or one member's cover under it, reads on a day. Every screen
// and answer shows the same words from it, so that the reception's enquiry never contradicts the
// clerk's family page: the status as the clerk knows it, and why a paid policy does not cover
// yet. Letter is the enquiry's coverage letter (CoverageStatus), kept as the apps expect it.
type PolicyStanding struct {
	Status      int64  // the policy status the words name; Expired once the cover has run out
	Letter      string // the enquiry's letter for the same cover and day
	CoveredFrom Date   // an Active or Ready policy whose cover starts after the day: the first covered day
	Unpaid      bool   // an Active or Ready policy that does not cover this member until paid for
}

// StandingOn returns the standing on day of a policy in status whose cover runs from effective
// (zero: not paid for) to expiry, the policy's own dates or one member's coverage row. A cover
// that ran out reads Expired before the daily job marks the policy so, as the enquiry already
// says; otherwise the words keep the policy's status and add the day cover starts.
func StandingOn(status int64, effective, expiry, day Date) PolicyStanding {
	s := PolicyStanding{Status: status, Letter: CoverageStatus(effective, expiry, int(status), day)}
	if s.Letter == CoverExpired {
		s.Status = PolicyExpired
	}
	if s.Letter == CoverIdle && (status == PolicyActive || status == PolicyReady) {
		if effective.IsZero() {
			s.Unpaid = true
		} else {
			s.CoveredFrom = effective
		}
	}
	return s
}

// PolicyTerms are the product settings that decide a policy's dates and value. Amounts are in
// hundredths; periods in months; cycles are "dd-mm" day-month starts.
type PolicyTerms struct {
	InsurancePeriod      int
	AdministrationPeriod int
	GracePeriod          int // months after a cycle start during which a new enrolment still joins it
	GracePeriodRenewal   int
	GracePeriodPayment   int // openIMIS's WaitingPeriod column: payment grace for free-cycle products
	StartCycles          []string
	MaxMembers           int
	Threshold            int
	LumpSum              Money
	PremiumAdult         Money
	PremiumChild         Money
	RegistrationLumpSum  Money
	RegistrationFee      Money
	AssemblyLumpSum      Money
	AssemblyFee          Money
	EnrolmentDiscountPct int
	EnrolmentDiscountMon int
	RenewalDiscountPct   int
	RenewalDiscountMon   int
}

// HasCycles reports whether policies start on fixed cycle dates rather than on enrolment.
func (t PolicyTerms) HasCycles() bool {
	for _, c := range t.StartCycles {
		if strings.TrimSpace(c) != "" {
			return true
		}
	}
	return false
}

// ParseCycle reads a "dd-mm" cycle start.
func ParseCycle(s string) (day int, month time.Month, err error) {
	d, m, ok := strings.Cut(strings.TrimSpace(s), "-")
	dd, err1 := strconv.Atoi(d)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || mm < 1 || mm > 12 || dd < 1 || dd > daysIn(2024, time.Month(mm)) {
		return 0, 0, fmt.Errorf("cycle start %q is not a day-month such as 01-07", s)
	}
	return dd, time.Month(mm), nil
}

// PolicyPeriod returns the start and expiry dates of a policy enrolled on enrol (openIMIS's
// modular algorithm): the administration period delays new policies; with cycles the policy
// starts at the first cycle on or after the enrolment date less the grace period; it lasts the
// insurance period. For a renewal, prevExpiry (if not zero) keeps the new policy from starting
// before the previous one ends, so coverage has neither gap nor overlap.
func PolicyPeriod(t PolicyTerms, enrol Date, stage string, prevExpiry Date) (start, expiry Date, err error) {
	ref := enrol
	if stage == StageNew && t.AdministrationPeriod > 0 {
		ref = ref.AddMonths(t.AdministrationPeriod)
	}
	start = ref
	if t.HasCycles() {
		grace := t.GracePeriod
		if stage == StageRenewal {
			grace = t.GracePeriodRenewal
		}
		pivot := ref.AddMonths(-grace)
		found := false
		var first Date
		for _, c := range t.StartCycles {
			if strings.TrimSpace(c) == "" {
				continue
			}
			day, month, perr := ParseCycle(c)
			if perr != nil {
				return Date{}, Date{}, perr
			}
			cand := ClampedDate(pivot.Time().Year(), month, day)
			if first.IsZero() {
				first = ClampedDate(pivot.Time().Year()+1, month, day)
			}
			if !cand.Before(pivot) {
				start, found = cand, true
				break
			}
		}
		if !found {
			start = first
		}
	}
	if stage == StageRenewal && !prevExpiry.IsZero() && start.Before(RenewalDate(prevExpiry)) {
		start = RenewalDate(prevExpiry)
	}
	return start, start.AddMonths(t.InsurancePeriod).AddDays(-1), nil
}

// Relation "Others": such members never count towards the lump sum.
const RelationOther = 7

// Member is what pricing needs to know of a family member.
type Member struct {
	Adult    bool
	Relation int
}

// PolicyValue computes the amount due for a policy (openIMIS's uspPolicyValue): members beyond
// the product's maximum are not counted; the lump sum covers up to Threshold members; "others"
// always pay the per-member premium; registration is charged on new policies only; the early
// enrolment or renewal discount applies to the whole value and is rounded half away from zero.
// discountBase is the policy start (new) or the previous expiry + 1 day (renewal).
func PolicyValue(t PolicyTerms, members []Member, stage string, enrol, discountBase Date) Money {
	members = CoveredMembers(members, t.MaxMembers)
	var a, c, oa, oc int64
	for _, m := range members {
		switch {
		case m.Relation == RelationOther && m.Adult:
			oa++
		case m.Relation == RelationOther:
			oc++
		case m.Adult:
			a++
		default:
			c++
		}
	}
	all := a + c + oa + oc
	var contrib Money
	if t.LumpSum > 0 {
		var xa, xc int64
		if th := int64(t.Threshold); th > 0 {
			xa = max(0, a-th)
			xc = max(0, c-(th-a+xa))
		}
		contrib = t.LumpSum + Money(xa+oa)*t.PremiumAdult + Money(xc+oc)*t.PremiumChild
	} else {
		contrib = Money(a+oa)*t.PremiumAdult + Money(c+oc)*t.PremiumChild
	}
	assembly := t.AssemblyLumpSum
	if assembly <= 0 {
		assembly = Money(all) * t.AssemblyFee
	}
	var registration Money
	if stage == StageNew {
		registration = t.RegistrationLumpSum
		if registration <= 0 {
			registration = Money(all) * t.RegistrationFee
		}
	}
	value := contrib + assembly + registration
	pct, months := t.RenewalDiscountPct, t.RenewalDiscountMon
	eligible := stage == StageRenewal
	if stage == StageNew {
		pct, months, eligible = t.EnrolmentDiscountPct, t.EnrolmentDiscountMon, t.HasCycles()
	}
	if eligible && pct > 0 && months > 0 && !discountBase.IsZero() && !enrol.After(discountBase.AddMonths(-months)) {
		value -= Money(RoundDiv(int64(value)*int64(pct), 100))
	}
	return value
}

// DiscountBase is the day the early enrolment or renewal discount counts back from: the start
// of a new policy, the day after the previous policy's expiry for a renewal.
func DiscountBase(stage string, start, prevExpiry Date) Date {
	if stage == StageRenewal && !prevExpiry.IsZero() {
		return RenewalDate(prevExpiry)
	}
	return start
}

// LastDateForPayment is the day after which an unpaid policy counts as paid late: with cycles,
// the start plus the (enrolment or renewal) grace; without, the enrolment date (new) or the day
// after the previous expiry (renewal) plus the payment grace; both less one day.
func LastDateForPayment(t PolicyTerms, stage string, enrol, start, prevExpiry Date) Date {
	if t.HasCycles() {
		grace := t.GracePeriod
		if stage == StageRenewal {
			grace = t.GracePeriodRenewal
		}
		return start.AddMonths(grace).AddDays(-1)
	}
	base := enrol
	if stage == StageRenewal && !prevExpiry.IsZero() {
		base = RenewalDate(prevExpiry)
	}
	return base.AddMonths(t.GracePeriodPayment).AddDays(-1)
}
