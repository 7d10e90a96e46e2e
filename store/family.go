package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// init adds the family and insuree rules to the hook table.
func init() {
	hooks[imis.Families.Name] = registerHooks{beforeSave: deriveFamily, afterSave: familySaved}
	hooks[imis.Insurees.Name] = registerHooks{beforeSave: deriveInsuree, afterSave: insureeSaved, beforeDelete: insureeDeleting}
}

// Settings keys of the insurance number rule (insurance-domain §4.5); empty means no check.
const (
	settingCHFIDLength = "chfid_length"
	settingCHFIDModulo = "chfid_modulo"
)

// computedKey carries the computed fields a command of this file sets (a family's head, an
// insuree's photo): the register's update always takes computed fields from the stored record,
// so the hook applies them instead.
type computedKey struct{}

type computedSet struct {
	reg    *imis.Register
	values imis.Values
}

func withComputed(ctx context.Context, reg *imis.Register, v imis.Values) context.Context {
	return context.WithValue(ctx, computedKey{}, computedSet{reg, v})
}

func computedFor(ctx context.Context, reg *imis.Register) imis.Values {
	s, _ := ctx.Value(computedKey{}).(computedSet)
	if s.reg != reg {
		return nil
	}
	return s.values
}

// activateKey carries the user's "activate anyway" answer of legacy's threshold prompt to the
// insuree hook that attaches a new member to the family's policies.
type activateKey struct{}

func withActivate(ctx context.Context, activate bool) context.Context {
	return context.WithValue(ctx, activateKey{}, activate)
}

func activateFrom(ctx context.Context) bool { a, _ := ctx.Value(activateKey{}).(bool); return a }

// freshFamilyKey marks the family that CreateFamily has just inserted in the same transaction,
// whose first version the head completes instead of adding a second one.
type freshFamilyKey struct{}

func freshFamily(ctx context.Context) imis.ID {
	id, _ := ctx.Value(freshFamilyKey{}).(imis.ID)
	return id
}

// nested drops this file's per-command values, so the saves a hook makes of other records do not
// inherit them.
func nested(ctx context.Context) context.Context {
	ctx = context.WithValue(ctx, computedKey{}, nil)
	ctx = context.WithValue(ctx, freshFamilyKey{}, nil)
	return context.WithValue(ctx, activateKey{}, nil)
}

func headName(last, other string) string { return strings.TrimSpace(last + " " + other) }

// deriveFamily stores the district of the family's village, which scoping reads, and the head's
// number and name, which name the family in lists and on policies.
func deriveFamily(ctx context.Context, tx *Tx, before *Record, v imis.Values) error {
	loc, ok := v["location_id"].(imis.ID)
	if !ok {
		return fieldError("location_id", "error.required")
	}
	var district uuid.NullUUID
	err := tx.QueryRowContext(ctx, "SELECT district_id FROM locations WHERE id = $1 AND validity_to IS NULL", loc).Scan(&district)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !district.Valid {
		return fieldError("location_id", "error.reference_missing")
	} else if err != nil {
		return err
	}
	v["district_id"] = district.UUID
	var head any
	if before != nil {
		head = before.Values["head_id"]
		v["head_chfid"], v["head_name"] = before.Values["head_chfid"], before.Values["head_name"]
	}
	if o := computedFor(ctx, imis.Families); o != nil {
		if h, set := o["head_id"]; set {
			head = h
		}
	}
	v["head_id"] = head
	if head == nil {
		v["head_chfid"], v["head_name"] = nil, nil
		return nil
	}
	var chfid, last, other string
	var family imis.ID
	err = tx.QueryRowContext(ctx, "SELECT chfid, last_name, other_names, family_id FROM insurees WHERE id = $1 AND validity_to IS NULL", head).
		Scan(&chfid, &last, &other, &family)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the head is being deleted with the family: keep the names it had
	} else if err != nil {
		return err
	}
	if before == nil || family != before.ID {
		return imis.Errorf(imis.EINVALID, "error.not_member", chfid)
	}
	v["head_chfid"], v["head_name"] = chfid, headName(last, other)
	return nil
}

// familySaved moves the members' derived district with the family, so that they stay visible to
// the same users as their family.
func familySaved(ctx context.Context, tx *Tx, r *Record) error {
	return refreshFamilyCopies(ctx, tx, r.ID)
}

// refreshFamilyCopies brings the family's district and head number, which members, policies and
// contributions keep for scoping and search, in line with the family. They are derived copies,
// so they change in place, without history rows.
func refreshFamilyCopies(ctx context.Context, tx *Tx, familyID imis.ID) error {
	for _, stmt := range []string{
		`UPDATE insurees SET district_id = (SELECT f.district_id FROM families f WHERE f.id = insurees.family_id)
			WHERE family_id = $1 AND validity_to IS NULL`,
		`UPDATE policies SET district_id = (SELECT f.district_id FROM families f WHERE f.id = policies.family_id),
			head_chfid = (SELECT f.head_chfid FROM families f WHERE f.id = policies.family_id)
			WHERE family_id = $1 AND validity_to IS NULL`,
		`UPDATE policies SET search_text = lower(COALESCE(head_chfid, '') || ' ' || COALESCE(product_code, ''))
			WHERE family_id = $1 AND validity_to IS NULL`,
		`UPDATE premiums SET district_id = (SELECT f.district_id FROM families f WHERE f.id = premiums.family_id),
			head_chfid = (SELECT f.head_chfid FROM families f WHERE f.id = premiums.family_id)
			WHERE family_id = $1 AND validity_to IS NULL`,
		`UPDATE premiums SET search_text = lower(receipt || ' ' || COALESCE(head_chfid, ''))
			WHERE family_id = $1 AND validity_to IS NULL`,
	} {
		if _, err := tx.ExecContext(ctx, stmt, familyID); err != nil {
			return err
		}
	}
	return nil
}

// deriveInsuree applies the rules of an insuree that need the database: district and head
// status follow the family (insurance-domain §2.6, §4.7), the number obeys the scheme's rule
// (§4.5), the birth date is plausible and a status other than active says when and why.
func deriveInsuree(ctx context.Context, tx *Tx, before *Record, v imis.Values) error {
	famID, ok := v["family_id"].(imis.ID)
	if !ok {
		return fieldError("family_id", "error.required")
	}
	var district, head uuid.NullUUID
	err := tx.QueryRowContext(ctx, "SELECT district_id, head_id FROM families WHERE id = $1 AND validity_to IS NULL", famID).Scan(&district, &head)
	if errors.Is(err, sql.ErrNoRows) {
		return fieldError("family_id", "error.reference_missing")
	} else if err != nil {
		return err
	}
	v["district_id"] = nullID(district)
	if before == nil {
		// A family without a head (saved on its own) takes its first member as head.
		v["is_head"] = !head.Valid
	} else {
		moved := idOf(before.Values["family_id"]) != famID
		if moved {
			if isHead, err := tx.isFamilyHead(ctx, idOf(before.Values["family_id"]), before.ID); err != nil {
				return err
			} else if isHead {
				return imis.Errorf(imis.ECONFLICT, "error.head_move")
			}
		}
		v["is_head"] = (head.Valid && head.UUID == before.ID) || (!head.Valid && moved)
	}
	if o := computedFor(ctx, imis.Insurees); o != nil {
		for _, k := range []string{"photo_file", "photo_date"} {
			if val, set := o[k]; set {
				v[k] = val
			}
		}
	}
	if v["status"] == nil {
		v["status"] = imis.InsureeActive
	}
	p := imis.Problems{}
	chfid := textOf(v["chfid"])
	if before == nil || chfid != textOf(before.Values["chfid"]) {
		rule, err := numberRule(ctx, tx)
		if err != nil {
			return err
		}
		if key := rule.Check(chfid); key != "" {
			p.Add("chfid", key)
		}
	}
	dob := dateOf(v["dob"])
	switch {
	case dob.IsZero():
		p.Add("dob", "error.required")
	case before != nil && sameDate(dob, dateOf(before.Values["dob"])):
	case dob.After(tx.today()):
		p.Add("dob", "error.dob_future")
	case dob.Time().Year() < 1900:
		p.Add("dob", "error.date_range")
	}
	if textOf(v["status"]) != imis.InsureeActive {
		if v["status_date"] == nil {
			p.Add("status_date", "error.required")
		}
		if v["status_reason"] == nil {
			p.Add("status_reason", "error.required")
		}
	}
	return p.Err()
}

func nullID(id uuid.NullUUID) any {
	if !id.Valid {
		return nil
	}
	return id.UUID
}

func (tx *Tx) isFamilyHead(ctx context.Context, familyID, insureeID imis.ID) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM families WHERE id = $1 AND head_id = $2 AND validity_to IS NULL", familyID, insureeID).Scan(&n)
	return n > 0, err
}

// insureeSaved carries out what a saved insuree changes elsewhere: the family's head columns,
// and coverage (insurance-domain §4.6 as §10 #17 corrects it): a new, reactivated or moved active
// member joins the family's policies with room, an inactive or dead one loses cover from the
// status date, and any other save leaves coverage alone.
func insureeSaved(ctx context.Context, tx *Tx, r *Record) error {
	famID := idOf(r.Values["family_id"])
	if r.Values["is_head"] == true {
		if err := tx.syncFamilyHead(nested(ctx), famID, r.ID, freshFamily(ctx) == famID); err != nil {
			return err
		}
	}
	created := r.Version == 1
	prevFamily, prevStatus := famID, textOf(r.Values["status"])
	if !created {
		// The history row the update has just written holds the previous state.
		err := tx.QueryRowContext(ctx, "SELECT family_id, status FROM insurees WHERE legacy_id = $1 ORDER BY version DESC LIMIT 1", r.ID).
			Scan(&prevFamily, &prevStatus)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	switch textOf(r.Values["status"]) {
	case imis.InsureeInactive, imis.InsureeDead:
		if !created {
			return tx.endCoverage(ctx, r.ID, dateOf(r.Values["status_date"]))
		}
	case imis.InsureeActive:
		if created || prevStatus != imis.InsureeActive || prevFamily != famID {
			return tx.attachToFamilyPolicies(ctx, r.ID, famID, activateFrom(ctx))
		}
	}
	return nil
}

// syncFamilyHead makes insuree headID the family's head and copies its number and name onto the
// family. A family inserted by this very command (fresh) is completed in place, since a history
// row that lasted no time would only confuse as-of look-ups.
func (tx *Tx) syncFamilyHead(ctx context.Context, familyID, headID imis.ID, fresh bool) error {
	fam, err := tx.db.findByID(ctx, tx, imis.Families, familyID, true)
	if err != nil {
		return err
	}
	var chfid, last, other string
	if err := tx.QueryRowContext(ctx, "SELECT chfid, last_name, other_names FROM insurees WHERE id = $1 AND validity_to IS NULL", headID).
		Scan(&chfid, &last, &other); err != nil {
		return err
	}
	name := headName(last, other)
	if idOf(fam.Values["head_id"]) == headID && textOf(fam.Values["head_chfid"]) == chfid && textOf(fam.Values["head_name"]) == name {
		return nil
	}
	if !fresh {
		_, err := tx.update(withComputed(ctx, imis.Families, imis.Values{"head_id": headID}), imis.Families, familyID, fam.Version, maps.Clone(fam.Values), nil)
		return err
	}
	after := &Record{ID: fam.ID, WireID: fam.WireID, Version: fam.Version, ValidFrom: fam.ValidFrom, Values: maps.Clone(fam.Values)}
	after.Values["head_id"], after.Values["head_chfid"], after.Values["head_name"] = headID, chfid, name
	after.Values["search_text"] = searchText(imis.Families, after.Values)
	if _, err := tx.ExecContext(ctx, "UPDATE families SET head_id = $1, head_chfid = $2, head_name = $3, search_text = $4 WHERE id = $5 AND validity_to IS NULL",
		headID, chfid, name, after.Values["search_text"], familyID); err != nil {
		return err
	}
	return tx.audit(ctx, "update", imis.Families, familyID, fam, after)
}

// insureeDeleting refuses to delete the head of a current family and ends the insuree's
// coverage rows with it.
func insureeDeleting(ctx context.Context, tx *Tx, r *Record) error {
	if isHead, err := tx.isFamilyHead(ctx, idOf(r.Values["family_id"]), r.ID); err != nil {
		return err
	} else if isHead {
		return imis.Errorf(imis.ECONFLICT, "error.head_delete")
	}
	_, err := tx.ExecContext(ctx, "UPDATE insuree_policies SET validity_to = $1 WHERE insuree_id = $2 AND validity_to IS NULL", tx.now, r.ID)
	return err
}

// NumberRule returns the scheme's insurance number rule.
func (db *DB) NumberRule(ctx context.Context) (imis.InsuranceNumberRule, error) {
	r, err := numberRule(ctx, db.read)
	return r, mapError(err)
}

func numberRule(ctx context.Context, q queryer) (imis.InsuranceNumberRule, error) {
	var r imis.InsuranceNumberRule
	rows, err := q.QueryContext(ctx, "SELECT key, value FROM settings WHERE key IN ($1, $2)", settingCHFIDLength, settingCHFIDModulo)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return r, err
		}
		n := 0
		if value = strings.TrimSpace(value); value != "" {
			if n, err = strconv.Atoi(value); err != nil {
				return r, fmt.Errorf("setting %s is not a number: %q", key, value)
			}
		}
		if key == settingCHFIDLength {
			r.Length = n
		} else {
			r.Modulo = n
		}
	}
	return r, rows.Err()
}

// checkNumberRule refuses a length the insurance-number column cannot hold and a modulus no
// check digit uses.
func checkNumberRule(p imis.Problems, r imis.InsuranceNumberRule) {
	maxLen := 0
	if f, ok := imis.Insurees.Field("chfid"); ok {
		maxLen = f.MaxLen
	}
	if r.Length < 0 || maxLen > 0 && r.Length > maxLen {
		p.Add(settingCHFIDLength, "error.chfid_rule_length", maxLen)
	}
	if r.Modulo < 0 || r.Modulo == 1 || r.Modulo > 10 {
		p.Add(settingCHFIDModulo, "error.chfid_rule_modulo")
	}
}

// putNumberRule writes the rule's two settings; zero is kept as no setting.
func (tx *Tx) putNumberRule(ctx context.Context, r imis.InsuranceNumberRule) error {
	for key, n := range map[string]int{settingCHFIDLength: r.Length, settingCHFIDModulo: r.Modulo} {
		text := ""
		if n != 0 {
			text = strconv.Itoa(n)
		}
		if err := tx.putSetting(ctx, key, text); err != nil {
			return err
		}
	}
	return nil
}

// CreateFamily registers a family with its head in one transaction: the family first, then the
// head as its first member, who becomes the head and names the family.
func (db *DB) CreateFamily(ctx context.Context, family, head imis.Values) (familyID, headID imis.ID, err error) {
	if head == nil {
		return imis.NilID, imis.NilID, imis.Errorf(imis.EINVALID, "error.head_required")
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.enrol(ctx, Enrolment{Family: family, Head: head})
		if err != nil {
			return err
		}
		familyID, headID = r.Family.ID, r.Head.ID
		return nil
	})
	if err != nil {
		return imis.NilID, imis.NilID, err
	}
	return familyID, headID, nil
}

// AddMember registers a new member of a family and attaches them to the family's current
// policies that have room (legacy uspAddInsureePolicy). activate is the answer to the threshold
// prompt: cover the member at once although the contribution due grows beyond what was paid.
func (db *DB) AddMember(ctx context.Context, familyID imis.ID, member imis.Values, activate bool) (imis.ID, error) {
	var id imis.ID
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.db.findByID(ctx, tx, imis.Families, familyID, true); err != nil {
			return err
		}
		m := maps.Clone(member)
		if m == nil {
			m = imis.Values{}
		}
		m["family_id"] = familyID
		r, err := tx.create(withActivate(ctx, activate), imis.Insurees, m, nil)
		if err != nil {
			return err
		}
		id = r.ID
		return nil
	})
	if err != nil {
		return imis.NilID, err
	}
	return id, nil
}

// SetHead makes a member the head of their family; the family, the old head and the new head
// each get a history row.
func (db *DB) SetHead(ctx context.Context, familyID, insureeID imis.ID) error {
	return db.inTx(ctx, func(tx *Tx) error {
		fam, err := tx.db.findByID(ctx, tx, imis.Families, familyID, true)
		if err != nil {
			return err
		}
		ins, err := tx.db.findByID(ctx, tx, imis.Insurees, insureeID, true)
		if err != nil {
			return err
		}
		if idOf(ins.Values["family_id"]) != familyID {
			return imis.Errorf(imis.EINVALID, "error.not_member", ins.Values["chfid"])
		}
		old := idOf(fam.Values["head_id"])
		if old == insureeID {
			return nil
		}
		if _, err := tx.update(withComputed(ctx, imis.Families, imis.Values{"head_id": insureeID}), imis.Families, familyID, fam.Version, maps.Clone(fam.Values), nil); err != nil {
			return err
		}
		if old != imis.NilID {
			prev, err := tx.db.findByID(ctx, tx, imis.Insurees, old, true)
			if err != nil {
				return err
			}
			if _, err := tx.update(ctx, imis.Insurees, old, prev.Version, maps.Clone(prev.Values), nil); err != nil {
				return err
			}
		}
		_, err = tx.update(ctx, imis.Insurees, insureeID, ins.Version, maps.Clone(ins.Values), nil)
		return err
	})
}

// MoveInsuree moves a member (not the head) to another family. cancelPolicies ends their
// current cover today; either way they join the new family's policies that have room.
func (db *DB) MoveInsuree(ctx context.Context, insureeID, toFamilyID imis.ID, cancelPolicies bool) error {
	return db.inTx(ctx, func(tx *Tx) error {
		ins, err := tx.db.findByID(ctx, tx, imis.Insurees, insureeID, true)
		if err != nil {
			return err
		}
		from := idOf(ins.Values["family_id"])
		if from == toFamilyID {
			return nil
		}
		if isHead, err := tx.isFamilyHead(ctx, from, insureeID); err != nil {
			return err
		} else if isHead {
			return imis.Errorf(imis.ECONFLICT, "error.head_move")
		}
		if _, err := tx.db.findByID(ctx, tx, imis.Families, toFamilyID, true); err != nil {
			return err
		}
		if cancelPolicies {
			if err := tx.endCoverage(ctx, insureeID, tx.today()); err != nil {
				return err
			}
		}
		v := maps.Clone(ins.Values)
		v["family_id"] = toFamilyID
		_, err = tx.update(ctx, imis.Insurees, insureeID, ins.Version, v, nil)
		return err
	})
}

// DeleteInsuree deletes a member (not the head) and ends their coverage rows.
func (db *DB) DeleteInsuree(ctx context.Context, insureeID imis.ID) error {
	return db.inTx(ctx, func(tx *Tx) error {
		ins, err := tx.db.findByID(ctx, tx, imis.Insurees, insureeID, true)
		if err != nil {
			return err
		}
		if isHead, err := tx.isFamilyHead(ctx, idOf(ins.Values["family_id"]), insureeID); err != nil {
			return err
		} else if isHead {
			return imis.Errorf(imis.ECONFLICT, "error.head_delete")
		}
		return tx.logicalDelete(ctx, imis.Insurees, insureeID, true)
	})
}

// DeleteFamily deletes a family without current policies, with its head. Other members are
// deleted with it only when deleteMembers is set; otherwise they must be moved or deleted first.
func (db *DB) DeleteFamily(ctx context.Context, familyID imis.ID, deleteMembers bool) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.db.findByID(ctx, tx, imis.Families, familyID, true); err != nil {
			return err
		}
		var product string
		var enroll imis.Date
		err := tx.QueryRowContext(ctx, `SELECT pr.code, t.enroll_date FROM policies t JOIN products pr ON pr.id = t.product_id
			WHERE t.family_id = $1 AND t.validity_to IS NULL ORDER BY t.enroll_date, t.id LIMIT 1`, familyID).Scan(&product, &enroll)
		if err == nil {
			return imis.Errorf(imis.ECONFLICT, "error.family_has_policies", product, enroll)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		members, err := tx.memberIDs(ctx, familyID)
		if err != nil {
			return err
		}
		others := 0
		for _, m := range members {
			if !m.head {
				others++
			}
		}
		if others > 0 && !deleteMembers {
			return imis.Errorf(imis.ECONFLICT, "error.family_has_members", others)
		}
		// The family goes first, so that its head is no longer the head of a current family;
		// nothing else refers to it once its members are gone.
		if err := tx.logicalDelete(ctx, imis.Families, familyID, false); err != nil {
			return err
		}
		for _, m := range members {
			if err := tx.logicalDelete(ctx, imis.Insurees, m.id, true); err != nil {
				return err
			}
		}
		return nil
	})
}

type memberID struct {
	id   imis.ID
	head bool
}

func (tx *Tx) memberIDs(ctx context.Context, familyID imis.ID) ([]memberID, error) {
	rows, err := tx.QueryContext(ctx, "SELECT id, is_head FROM insurees WHERE family_id = $1 AND validity_to IS NULL ORDER BY id", familyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []memberID
	for rows.Next() {
		var m memberID
		if err := rows.Scan(&m.id, &m.head); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// logicalDelete closes a current record the way the register's Delete does, inside a command's
// transaction.
func (tx *Tx) logicalDelete(ctx context.Context, reg *imis.Register, id imis.ID, checkUse bool) error {
	before, err := tx.db.findByID(ctx, tx, reg, id, true)
	if err != nil {
		return err
	}
	return tx.deleteRecord(ctx, reg, before, checkUse)
}

// FamilyMembers returns the current members of a family the user may see: the head first, then
// in registration order.
func (db *DB) FamilyMembers(ctx context.Context, familyID imis.ID) ([]*Record, error) {
	if _, err := db.FindByID(ctx, imis.Families, familyID); err != nil {
		return nil, err
	}
	var q query
	q.WriteString("SELECT " + selectList(imis.Insurees) + " FROM insurees t WHERE t.family_id = " + q.arg(familyID) +
		" AND t.validity_to IS NULL AND " + scopePredicate(&q, imis.Insurees, imis.UserFromContext(ctx), false) +
		" ORDER BY CASE WHEN t.is_head THEN 0 ELSE 1 END, CASE WHEN t.wire_id IS NULL THEN 1 ELSE 0 END, t.wire_id, t.id")
	rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []*Record
	for rows.Next() {
		r, err := scanRecord(rows, imis.Insurees)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, r)
	}
	return out, mapError(rows.Err())
}
