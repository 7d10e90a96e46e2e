package imis

import (
	"context"
	"slices"
	"time"
)

// User is an interactive user: a person who logs in to the UI or the mobile apps.
type User struct {
	ID         ID
	WireID     int64
	Login      string
	LastName   string
	OtherNames string
	Email      string
	Phone      string
	Language   string
	HFID       *ID // binds the user to one health facility (its staff)
	Roles      []Role
	Districts  []ID
	Rights     []Right
	Admin      bool // holds the IMIS Administrator role: every right, no district scope
	LastLogin  *time.Time
}

// Role is a named set of rights; system roles carry openIMIS's IsSystem bit code.
type Role struct {
	ID         ID
	Name       string
	AltName    string
	SystemCode int
	Blocked    bool
	Rights     []Right
}

// Can reports whether the user holds any of the rights (openIMIS's OR semantics).
func (u *User) Can(rights ...Right) bool {
	if u == nil {
		return false
	}
	if u.Admin {
		return true
	}
	for _, r := range rights {
		if slices.Contains(u.Rights, r) {
			return true
		}
	}
	return false
}

// CanAll reports whether the user holds every one of the rights (the REST API's AND semantics).
func (u *User) CanAll(rights ...Right) bool {
	for _, r := range rights {
		if !u.Can(r) {
			return false
		}
	}
	return u != nil
}

// Scoped reports whether the user's view is limited to their districts.
func (u *User) Scoped() bool { return u == nil || !u.Admin }

// MissingRights returns the rights among those given that u does not hold, each once and in
// their order. Nobody may hand out, in a role or through a user's roles, a right they could not
// use themselves, so any answer but none refuses the grant.
func (u *User) MissingRights(rights []Right) []Right {
	var missing []Right
	for _, r := range rights {
		if !u.Can(r) && !slices.Contains(missing, r) {
			missing = append(missing, r)
		}
	}
	return missing
}

// HoldsDistrict reports whether u works in district d and so may give it to another user; an
// administrator is bound to no district and may give any.
func (u *User) HoldsDistrict(d ID) bool {
	return u != nil && (u.Admin || slices.Contains(u.Districts, d))
}

type userKey struct{}

// NewContextWithUser returns ctx carrying the acting user.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFromContext returns the acting user, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// System acts for the program itself (migrations, seeding, command-line tools): unscoped, with
// every right, and audited as "system".
var System = &User{Login: "system", Admin: true}

// SystemContext returns ctx acting as System.
func SystemContext(ctx context.Context) context.Context { return NewContextWithUser(ctx, System) }
