package store

import (
	"context"

	"github.com/openimis-go/openimis"
)

// The district-scoping rules of the contract, written as SQL so that the database enforces them
// in every query rather than the UI merely hiding rows.

// districtsOf returns the subquery of the user's current districts.
func districtsOf(q *query, u *imis.User) string {
	return "(SELECT ud.location_id FROM user_districts ud WHERE ud.owner_id = " + q.arg(userID(u)) + " AND ud.validity_to IS NULL)"
}

// regionsOf returns the subquery of the regions that hold the user's districts.
func regionsOf(q *query, u *imis.User) string {
	return "(SELECT rl.parent_id FROM locations rl WHERE rl.id IN " + districtsOf(q, u) + ")"
}

func userID(u *imis.User) imis.ID {
	if u == nil {
		return imis.NilID
	}
	return u.ID
}

// scopePredicate returns the condition that rows of reg (aliased t) must meet to be visible to
// u, or, when writing, to be changed by u. Unscoped users get a condition that always holds.
func scopePredicate(q *query, reg *imis.Register, u *imis.User, writing bool) string {
	if u != nil && !u.Scoped() {
		return "1 = 1"
	}
	col := "t." + reg.Scope.Column
	switch reg.Scope.Kind {
	case imis.ScopeDistrict:
		return col + " IN " + districtsOf(q, u)
	case imis.ScopeArea:
		if writing {
			return col + " IN " + districtsOf(q, u)
		}
		return "(" + col + " IS NULL OR " + col + " IN " + districtsOf(q, u) + " OR " + col + " IN " + regionsOf(q, u) + ")"
	case imis.ScopeLocation:
		if writing {
			return "t.district_id IN " + districtsOf(q, u)
		}
		return "(t.district_id IN " + districtsOf(q, u) + " OR (t.type = 'R' AND t.id IN " + regionsOf(q, u) + "))"
	case imis.ScopeViaHF:
		return col + " IN (SELECT sh.id FROM health_facilities sh WHERE sh.location_id IN " + districtsOf(q, u) + ")"
	case imis.ScopeUser:
		return "t.id IN (SELECT su.owner_id FROM user_districts su WHERE su.validity_to IS NULL AND su.location_id IN " + districtsOf(q, u) + ")"
	}
	if writing && u == nil {
		return "1 = 0"
	}
	return "1 = 1"
}

// checkWriteScope verifies that a record with values v would be inside u's write scope, so that a
// district user can neither create a record elsewhere nor move one out of reach.
func checkWriteScope(ctx context.Context, tx *Tx, reg *imis.Register, u *imis.User, v imis.Values) error {
	if u != nil && !u.Scoped() {
		return nil
	}
	var target any
	var q query
	switch reg.Scope.Kind {
	case imis.ScopeNational, imis.ScopeUser:
		// A user's districts are what checkUserGrant checks before the write.
		return nil
	case imis.ScopeDistrict, imis.ScopeArea:
		target = v[reg.Scope.Column]
		q.WriteString("SELECT COUNT(*) FROM locations t WHERE t.id = " + q.arg(target) + " AND t.id IN " + districtsOf(&q, u))
	case imis.ScopeLocation:
		target = v["parent_id"]
		q.WriteString("SELECT COUNT(*) FROM locations t WHERE t.id = " + q.arg(target) + " AND t.district_id IN " + districtsOf(&q, u))
	case imis.ScopeViaHF:
		target = v[reg.Scope.Column]
		q.WriteString("SELECT COUNT(*) FROM health_facilities t WHERE t.id = " + q.arg(target) + " AND t.location_id IN " + districtsOf(&q, u))
	}
	field := reg.Scope.Column
	if reg.Scope.Kind == imis.ScopeLocation {
		field = "parent_id"
	}
	if target == nil {
		return fieldError(field, "error.out_of_scope")
	}
	var n int
	if err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return fieldError(field, "error.out_of_scope")
	}
	return nil
}

func fieldError(field, key string, args ...any) error {
	p := imis.Problems{}
	p.Add(field, key, args...)
	return p.Err()
}
