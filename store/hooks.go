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
		return keepSystemCode(ctx, tx, before, v, s)
	case imis.Users:
		return keepPasswordHash(ctx, tx, before, v, s)
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
}

// saving is one save as its hooks see it: the command's options, and what the hook before the
// write decides for the hook after it.
type saving struct {
	saveOptions
	effect *imis.ContributionEffect // decided by prepareContribution, carried out by applyContribution
}

// deriveLocation checks that a location hangs under the level above its own, and stores the
// region and district it belongs to, which scoping reads without walking the tree.
func deriveLocation(ctx context.Context, tx *Tx, before *Record, v imis.Values, _ *saving) error {
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
		_, err = tx.create(ctx, imis.Users, v, children, saveOptions{})
		return err
	} else if err != nil {
		return err
	}
	_, err = tx.update(ctx, imis.Users, existing, version, v, children, saveOptions{})
	return err
}
