package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openimis-go/openimis"
)

// The rules particular to one register that need the database, called by name from the three
// points of a write so that a reader (or a call-graph tool) can follow a save into them.

// beforeSave checks and completes a record's values before they are written.
func beforeSave(ctx context.Context, tx *Tx, reg *imis.Register, before *Record, v imis.Values, s *saving) error {
	switch reg {
	case imis.Locations:
		return deriveLocation(ctx, tx, before, v, s)
	case imis.Roles:
		if err := keepSystemCode(ctx, tx, before, v, s); err != nil {
			return err
		}
		return checkRoleGrant(ctx, tx, before, v, s)
	case imis.Users:
		if err := keepPasswordHash(ctx, tx, before, v, s); err != nil {
			return err
		}
		return checkUserGrant(ctx, tx, before, v, s)
	case imis.Families:
		return deriveFamily(ctx, tx, before, v, s)
	case imis.Insurees:
		return deriveInsuree(ctx, tx, before, v, s)
	case imis.Policies:
		return preparePolicy(ctx, tx, before, v, s)
	case imis.Contributions:
		return prepareContribution(ctx, tx, before, v, s)
	}
	return nil
}

// afterSave writes what follows from a record just written: derived rows, other records.
func afterSave(ctx context.Context, tx *Tx, reg *imis.Register, r *Record, s *saving) error {
	switch reg {
	case imis.Locations:
		return moveLocationSubtree(ctx, tx, r, s)
	case imis.Officers:
		return saveLinkedLogin(ctx, tx, imis.Officers, imis.SystemRoleEnrolmentOfficer, r)
	case imis.ClaimAdmins:
		return saveLinkedLogin(ctx, tx, imis.ClaimAdmins, imis.SystemRoleClaimAdministrator, r)
	case imis.Families:
		return familySaved(ctx, tx, r, s)
	case imis.Insurees:
		return insureeSaved(ctx, tx, r, s)
	case imis.Policies:
		return coverPolicyMembers(ctx, tx, r, s)
	case imis.Contributions:
		return applyContribution(ctx, tx, r, s)
	}
	return nil
}

// beforeDelete refuses a deletion the register's rules forbid, or cleans up what hangs on it.
func beforeDelete(ctx context.Context, tx *Tx, reg *imis.Register, r *Record) error {
	switch reg {
	case imis.Locations:
		return refuseLocationWithChildren(ctx, tx, r)
	case imis.Roles:
		return refuseSystemRole(ctx, tx, r)
	case imis.Users:
		return endUserSessions(ctx, tx, r)
	case imis.Insurees:
		return insureeDeleting(ctx, tx, r)
	case imis.Policies:
		return refusePolicyInUse(ctx, tx, r)
	case imis.Contributions:
		return refuseLockedContribution(ctx, tx, r)
	}
	return nil
}

// saveOptions are what a command tells the rules of one save besides the record's values. The
// saves that hooks make of other records start from none.
type saveOptions struct {
	// computed are computed fields the command sets (a family's head, an insuree's photo): an
	// update otherwise keeps the stored ones.
	computed imis.Values
	// headOfNewFamily marks the head of the family the command has just inserted, whose first
	// version the head completes instead of adding a second one.
	headOfNewFamily bool
	// activate answers legacy's threshold prompt for a new member: cover them at once although
	// the contribution due grows beyond what was paid.
	activate bool
	// decision answers the payment prompt of a contribution that leaves its policy unpaid.
	decision imis.PaymentDecision
	// linkedRole is the system role of the login an officer or claim administrator is given: the
	// right to add those, not the editor's own rights, allows it.
	linkedRole imis.ID
}

// saving is one save as its hooks see it: the command's options, and what the hook before the
// write decides for the hook after it.
type saving struct {
	saveOptions
	children map[string][]imis.Values // the child rows being saved with the record
	effect   *imis.ContributionEffect // decided by prepareContribution, carried out by applyContribution
}

// deriveLocation checks that a location hangs under the level above its own, and stores the
// region and district it belongs to, which scoping reads without walking the tree, and the key
// that place pickers find it by.
func deriveLocation(ctx context.Context, tx *Tx, before *Record, v imis.Values, _ *saving) error {
	v["name_key"] = nameKey(v.Text("name"))
	typ := v.Text("type")
	if typ == imis.LocationRegion {
		v["region_id"], v["district_id"] = nil, nil
		if before != nil {
			v["region_id"] = before.ID
		}
		return nil
	}
	var parentType string
	var region, district *imis.ID
	err := tx.QueryRowContext(ctx, "SELECT type, region_id, district_id FROM locations WHERE id = $1 AND validity_to IS NULL", v["parent_id"]).
		Scan(&parentType, &region, &district)
	if err != nil {
		return fieldError("parent_id", "error.reference_missing")
	}
	if parentType != imis.ParentLevel(typ) {
		return fieldError("parent_id", "error.location_level", imis.ParentLevel(typ))
	}
	parent := v.ID("parent_id")
	switch typ {
	case imis.LocationDistrict:
		v["region_id"], v["district_id"] = parent, nil
		if before != nil {
			v["district_id"] = before.ID
		}
	case imis.LocationWard:
		v["region_id"], v["district_id"] = deref(region), parent
	case imis.LocationVillage:
		v["region_id"], v["district_id"] = deref(region), deref(district)
	}
	return nil
}

func deref(id *imis.ID) any {
	if id == nil {
		return nil
	}
	return *id
}

// moveLocationSubtree keeps the derived region and district of descendants right after a
// location is created (a region or district points at itself) or moved.
func moveLocationSubtree(ctx context.Context, tx *Tx, r *Record, _ *saving) error {
	switch r.Values["type"] {
	case imis.LocationRegion:
		if r.Values["region_id"] == nil {
			r.Values["region_id"] = r.ID
			_, err := tx.ExecContext(ctx, "UPDATE locations SET region_id = $1 WHERE id = $1", r.ID)
			return err
		}
	case imis.LocationDistrict:
		if r.Values["district_id"] == nil {
			r.Values["district_id"] = r.ID
			if _, err := tx.ExecContext(ctx, "UPDATE locations SET district_id = $1 WHERE id = $1", r.ID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, "UPDATE locations SET region_id = $1 WHERE district_id = $2 AND validity_to IS NULL", r.Values["region_id"], r.ID)
		return err
	case imis.LocationWard:
		if _, err := tx.ExecContext(ctx, "UPDATE locations SET region_id = $1, district_id = $2 WHERE parent_id = $3 AND validity_to IS NULL",
			r.Values["region_id"], r.Values["district_id"], r.ID); err != nil {
			return err
		}
		return refreshVillageFamilies(ctx, tx, "SELECT id FROM locations WHERE parent_id = $1", r.ID)
	case imis.LocationVillage:
		return refreshVillageFamilies(ctx, tx, "$1", r.ID)
	}
	return nil
}

// refreshVillageFamilies keeps the district that families (and through them their members,
// policies and contributions) carry for scoping right when their villages move.
func refreshVillageFamilies(ctx context.Context, tx *Tx, villages string, arg imis.ID) error {
	rows, err := tx.QueryContext(ctx, `SELECT f.id FROM families f WHERE f.validity_to IS NULL AND f.location_id IN (`+villages+`)
		AND (f.district_id IS NULL OR f.district_id <> (SELECT l.district_id FROM locations l WHERE l.id = f.location_id))`, arg)
	if err != nil {
		return err
	}
	var moved []imis.ID
	for rows.Next() {
		var id imis.ID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		moved = append(moved, id)
	}
	rows.Close()
	for _, id := range moved {
		if _, err := tx.ExecContext(ctx, "UPDATE families SET district_id = (SELECT l.district_id FROM locations l WHERE l.id = families.location_id) WHERE id = $1", id); err != nil {
			return err
		}
		if err := refreshFamilyCopies(ctx, tx, id); err != nil {
			return err
		}
	}
	return rows.Err()
}

func refuseLocationWithChildren(ctx context.Context, tx *Tx, r *Record) error {
	var code string
	err := tx.QueryRowContext(ctx, "SELECT code FROM locations WHERE parent_id = $1 AND validity_to IS NULL ORDER BY code LIMIT 1", r.ID).Scan(&code)
	if err == nil {
		return imis.Errorf(imis.ECONFLICT, "error.in_use", "register.locations", code)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	var login string
	err = tx.QueryRowContext(ctx, `SELECT u.login FROM user_districts d JOIN users u ON u.id = d.owner_id
		WHERE d.location_id = $1 AND d.validity_to IS NULL AND u.validity_to IS NULL ORDER BY u.login LIMIT 1`, r.ID).Scan(&login)
	if err == nil {
		return imis.Errorf(imis.ECONFLICT, "error.in_use", "register.users", login)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

func keepSystemCode(_ context.Context, _ *Tx, before *Record, v imis.Values, _ *saving) error {
	v["system_code"] = int64(0)
	if before != nil {
		v["system_code"] = before.Values["system_code"]
	}
	return nil
}

func refuseSystemRole(_ context.Context, _ *Tx, r *Record) error {
	if r.Values.Int("system_code") != 0 {
		return imis.Errorf(imis.ECONFLICT, "error.system_role")
	}
	return nil
}

func keepPasswordHash(_ context.Context, _ *Tx, before *Record, v imis.Values, _ *saving) error {
	if v["password_hash"] == nil && before != nil {
		v["password_hash"] = before.Values["password_hash"]
	}
	return nil
}

// checkUserGrant stops an editor who is not an administrator from making a user, themselves
// included, stronger than they are: every district must be one of theirs and every role one whose
// rights they all hold, the administrator role excepted, which only an administrator gives. The
// whole user is checked, not only what the save changes, because whoever may save a stronger user
// may also set its password and log in as it.
func checkUserGrant(ctx context.Context, tx *Tx, _ *Record, _ imis.Values, s *saving) error {
	u := tx.user
	if !u.Scoped() {
		return nil
	}
	p := imis.Problems{}
	districts := s.children["districts"]
	if len(districts) == 0 {
		p.Add("districts", "error.district_required")
	}
	for i, d := range districts {
		if !u.HoldsDistrict(d.ID("location_id")) {
			p.Add(imis.ChildKey("districts", i, "location_id"), "error.out_of_scope")
		}
	}
	for i, r := range s.children["roles"] {
		id := r.ID("role_id")
		if id == s.linkedRole {
			continue
		}
		code, rights, err := roleRights(ctx, tx, id)
		if err != nil {
			return err
		}
		key := imis.ChildKey("roles", i, "role_id")
		if code&imis.SystemRoleAdministrator != 0 {
			p.Add(key, "error.admin_role_reserved")
		} else if missing := u.MissingRights(rights); len(missing) > 0 {
			p.Add(key, "error.role_rights_not_held", len(missing), int(missing[0]))
		}
	}
	return p.Err()
}

// roleRights returns a role's system code and every right it lists, blocked or not: a blocked
// role given now would carry them the day it is unblocked.
func roleRights(ctx context.Context, tx *Tx, role imis.ID) (int64, []imis.Right, error) {
	var code int64
	if err := tx.QueryRowContext(ctx, "SELECT system_code FROM roles WHERE id = $1 AND validity_to IS NULL", role).Scan(&code); err != nil {
		return 0, nil, err
	}
	rows, err := tx.QueryContext(ctx, "SELECT right_id FROM role_rights WHERE owner_id = $1 AND validity_to IS NULL ORDER BY right_id", role)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var rights []imis.Right
	for rows.Next() {
		var r imis.Right
		if err := rows.Scan(&r); err != nil {
			return 0, nil, err
		}
		rights = append(rights, r)
	}
	return code, rights, rows.Err()
}

// checkRoleGrant stops an editor who is not an administrator from putting into force, through a
// role, a right they do not hold: one added to the role, or those it lists when it is unblocked.
// What a role already carries may stay, so anyone who edits roles may rename, block or trim it.
func checkRoleGrant(_ context.Context, tx *Tx, before *Record, v imis.Values, s *saving) error {
	u := tx.user
	if !u.Scoped() {
		return nil
	}
	listed := map[int64]bool{}
	unblocking := false
	if before != nil {
		for _, r := range before.Children["rights"] {
			listed[r.Int("right_id")] = true
		}
		unblocking = before.Values.Bool("blocked") && !v.Bool("blocked")
	}
	p := imis.Problems{}
	var revived []imis.Right
	for i, r := range s.children["rights"] {
		right := imis.Right(r.Int("right_id"))
		if u.Can(right) {
			continue
		}
		if !listed[int64(right)] {
			p.Add(imis.ChildKey("rights", i, "right_id"), "error.right_not_held")
		} else if unblocking {
			revived = append(revived, right)
		}
	}
	if len(revived) > 0 {
		p.Add("blocked", "error.role_rights_not_held", len(revived), int(revived[0]))
	}
	return p.Err()
}

func endUserSessions(ctx context.Context, tx *Tx, r *Record) error {
	if tx.user != nil && tx.user.ID == r.ID {
		return imis.Errorf(imis.ECONFLICT, "error.delete_self")
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1", r.ID)
	return err
}

// saveLinkedLogin gives an enrolment officer or claim administrator the interactive login that
// openIMIS pairs with them: the login is their code, the role the system role for their kind,
// the district theirs. It acts only when a password came with the save.
func saveLinkedLogin(ctx context.Context, tx *Tx, reg *imis.Register, systemRole int64, r *Record) error {
	hash := r.Values.Text("password_hash")
	if hash == "" || r.Values["has_login"] != true {
		return nil
	}
	district := r.Values["location_id"]
	var hf any
	if reg == imis.ClaimAdmins {
		hf = r.Values["hf_id"]
		if err := tx.QueryRowContext(ctx, "SELECT location_id FROM health_facilities WHERE id = $1", hf).Scan(&district); err != nil {
			return err
		}
	}
	var roleID imis.ID
	if err := tx.QueryRowContext(ctx, "SELECT id FROM roles WHERE system_code = $1 AND validity_to IS NULL", systemRole).Scan(&roleID); err != nil {
		return err
	}
	v := imis.Values{"login": r.Values["code"], "last_name": r.Values["last_name"], "other_names": r.Values["other_names"],
		"phone": r.Values["phone"], "email": r.Values["email"], "language": "en", "hf_id": hf, "password_hash": hash}
	children := map[string][]imis.Values{
		"roles":     {{"role_id": roleID}},
		"districts": {{"location_id": district}},
	}
	var existing imis.ID
	var version int
	err := tx.QueryRowContext(ctx, "SELECT id, version FROM users WHERE login = $1 AND validity_to IS NULL", r.Values["code"]).Scan(&existing, &version)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = tx.create(ctx, imis.Users, v, children, saveOptions{linkedRole: roleID})
		return err
	} else if err != nil {
		return err
	}
	// Only the officer's own login may be refreshed: any other account of that name would lose its
	// roles and get a password its owner does not know.
	var otherRoles int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM user_roles WHERE owner_id = $1 AND role_id <> $2 AND validity_to IS NULL",
		existing, roleID).Scan(&otherRoles); err != nil {
		return err
	}
	if otherRoles > 0 {
		return fieldError("code", "error.login_taken", r.Values["code"])
	}
	_, err = tx.update(ctx, imis.Users, existing, version, v, children, saveOptions{linkedRole: roleID})
	return err
}
