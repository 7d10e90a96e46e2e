package imis

// What saving a family member does to their cover (insurance-domain §4.6 as §10 #17 corrects it,
// and §4.8 "member added").

// CoverChange is what saving an insuree does to their cover.
type CoverChange int

// Cover changes.
const (
	CoverKept CoverChange = iota // the save leaves cover alone
	CoverJoin                    // the insuree joins the family's policies that have room
	CoverEnd                     // the insuree loses cover from the status date
)

// CoverChangeOnSave decides what saving an insuree does to their cover: a new, reactivated or
// moved active member joins the family's policies; a member already registered who becomes
// inactive or dies loses cover; any other save changes nothing.
func CoverChangeOnSave(created bool, prevStatus, status string, moved bool) CoverChange {
	switch status {
	case InsureeInactive, InsureeDead:
		if !created {
			return CoverEnd
		}
	case InsureeActive:
		if created || prevStatus != InsureeActive || moved {
			return CoverJoin
		}
	}
	return CoverKept
}

// PolicyTakesMembers reports whether a family's policy can still take a member who joins on day
// today: it has neither expired nor ended.
func PolicyTakesMembers(status int64, expiry, today Date) bool {
	return status != PolicyExpired && !ExpiredBy(expiry, today)
}

// MemberPolicy is a policy of the family as the member-added rule sees it.
type MemberPolicy struct {
	Status          int64
	Expiry          Date
	Effective       Date  // zero: never in force
	MaxMembers      int   // the product's maximum of members, 0: none
	Covered         int   // other members whose cover under the policy has not ended
	CoveredTo       Date  // the end of the member's own current cover under it; zero: none
	Value           Money // the policy's value
	ValueWithMember Money // its value priced with the member
	Paid            Money // what was paid towards it, photo fees aside
}

// NewMemberCover decides whether a member who joins the family on day today joins policy p and
// from when they are covered, as legacy uspAddInsureePolicy does. They do not join a policy that
// has ended, already covers them to its end, or covers its product's maximum. They are covered
// from the policy's effective date, unless it is not in force, or they raise its value above what
// was paid and the user did not choose to activate anyway: then they wait for payment (zero
// effective date).
func NewMemberCover(p MemberPolicy, today Date, activate bool) (join bool, effective Date) {
	switch {
	case !PolicyTakesMembers(p.Status, p.Expiry, today):
		return false, Date{}
	case !p.CoveredTo.IsZero() && !p.CoveredTo.Before(p.Expiry):
		return false, Date{}
	case p.MaxMembers > 0 && p.Covered >= p.MaxMembers:
		return false, Date{}
	case p.Status == PolicyIdle || p.Status == PolicyReady:
		return true, Date{}
	case !activate && p.ValueWithMember != p.Value && p.Paid < p.ValueWithMember:
		return true, Date{}
	}
	return true, p.Effective
}

// RoomWarning is what the member form warns about one of the family's policies before a member
// is added.
type RoomWarning int

// Room warnings.
const (
	RoomNone      RoomWarning = iota // nothing to say
	RoomFull                         // the product's maximum is reached: the newcomer will not be covered
	RoomThreshold                    // the threshold is reached: covering the newcomer raises the contribution due
)

// NewMemberRoom decides the warning about a family's policy of status status, whose product takes
// at most maxMembers (0: no maximum) and charges extra from threshold members (0: never), when
// the family already has members active members, as openIMIS warns before saving. An expired or
// suspended policy says nothing. It is a heads-up, not NewMemberCover's decision: it counts the
// family's active members rather than those the policy covers, and reads the status alone, not
// the expiry date, so a suspended policy NewMemberCover would still extend gets no warning.
func NewMemberRoom(status, maxMembers, threshold, members int64) RoomWarning {
	switch {
	case status == PolicyExpired || status == PolicySuspended:
		return RoomNone
	case maxMembers > 0 && members >= maxMembers:
		return RoomFull
	case threshold > 0 && members >= threshold:
		return RoomThreshold
	}
	return RoomNone
}
