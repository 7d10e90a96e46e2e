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

// Settings keys of the insurance number rule (insurance-domain §4.5); empty means no check.
const (
	settingCHFIDLength = "chfid_length"
	settingCHFIDModulo = "chfid_modulo"
)

// deriveFamily stores the district of the family's village, which scoping reads, and the head's
// number and name, which name the family in lists and on policies.
func deriveFamily(ctx context.Context, tx *Tx, before *Record, v imis.Values, s *saving) error {
	loc := v.ID("location_id")
	if loc == imis.NilID {
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
	var head imis.ID
	if before != nil {
		head = before.Values.ID("head_id")
		v["head_chfid"], v["head_name"] = before.Values["head_chfid"], before.Values["head_name"]
	}
	if h, set := s.computed["head_id"]; set {
		head, _ = h.(imis.ID)
	}
	if head == imis.NilID {
		v["head_id"], v["head_chfid"], v["head_name"] = nil, nil, nil
		return nil
	}
	v["head_id"] = head
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
	maps.Copy(v, imis.FamilyHead(head, chfid, last, other))
	return nil
}

// familySaved moves the members' derived district with the family, so that they stay visible to
// the same users as their family.
func familySaved(ctx context.Context, tx *Tx, r *Record, _ *saving) error {
	return refreshFamilyCopies(ctx, tx, r.ID)
}

// refreshFamilyCopies brings what members, policies, contributions and renewal reminders copy
// from the family (its district and head's number, and the search texts made with them) in line
// with the family. They are derived copies, so they change in place, without history rows. Rows
// are read before any is written, since a transaction's connection serves one statement at a time.
func refreshFamilyCopies(ctx context.Context, tx *Tx, familyID imis.ID) error {
	var district uuid.NullUUID
	var headCHFID sql.NullString
	if err := tx.QueryRowContext(ctx, "SELECT district_id, head_chfid FROM families WHERE id = $1", familyID).Scan(&district, &headCHFID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE insurees SET district_id = $1 WHERE family_id = $2 AND validity_to IS NULL", nullID(district), familyID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE policy_renewals SET district_id = $1 WHERE family_id = $2 AND validity_to IS NULL", nullID(district), familyID); err != nil {
		return err
	}
	type copied struct {
		id   imis.ID
		v    imis.Values
		text string // the search text before the change
	}
	var policies []copied
	rows, err := tx.QueryContext(ctx, "SELECT id, product_code, search_text FROM policies WHERE family_id = $1 AND validity_to IS NULL", familyID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p copied
		var code sql.NullString
		if err := rows.Scan(&p.id, &code, &p.text); err != nil {
			rows.Close()
			return err
		}
		p.v = imis.PolicyCopies(district.UUID, headCHFID.String, code.String)
		policies = append(policies, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range policies {
		text := imis.Policies.SearchText(p.v)
		if _, err := tx.ExecContext(ctx, "UPDATE policies SET district_id = $1, head_chfid = $2, search_text = $3 WHERE id = $4",
			p.v["district_id"], p.v["head_chfid"], text, p.id); err != nil {
			return err
		}
		if err := tx.reindexWords(ctx, imis.Policies, p.id, p.text, text); err != nil {
			return err
		}
	}
	var premiums []copied
	rows, err = tx.QueryContext(ctx, `SELECT pr.id, pr.search_text, pr.receipt, p.product_id, p.family_id, p.district_id, p.head_chfid FROM premiums pr
		JOIN policies p ON p.id = pr.policy_id WHERE pr.family_id = $1 AND pr.validity_to IS NULL`, familyID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var c copied
		var receipt, chfid sql.NullString
		var product, family, district uuid.NullUUID
		if err := rows.Scan(&c.id, &c.text, &receipt, &product, &family, &district, &chfid); err != nil {
			rows.Close()
			return err
		}
		policy := imis.Values{"product_id": nullID(product), "family_id": nullID(family), "district_id": nullID(district), "head_chfid": nullText(chfid)}
		c.v = imis.ContributionCopies(policy)
		c.v["receipt"] = receipt.String
		premiums = append(premiums, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range premiums {
		text := imis.Contributions.SearchText(c.v)
		if _, err := tx.ExecContext(ctx, "UPDATE premiums SET district_id = $1, head_chfid = $2, search_text = $3 WHERE id = $4",
			c.v["district_id"], c.v["head_chfid"], text, c.id); err != nil {
			return err
		}
		if err := tx.reindexWords(ctx, imis.Contributions, c.id, c.text, text); err != nil {
			return err
		}
	}
	return nil
}

func nullText(s sql.NullString) any {
	if !s.Valid {
		return nil
	}
	return s.String
}

// deriveInsuree applies the rules of an insuree that need the database: district and head
// status follow the family (insurance-domain §2.6, §4.7), the number obeys the scheme's rule
// (§4.5), the birth date is plausible and a status other than active says when and why.
func deriveInsuree(ctx context.Context, tx *Tx, before *Record, v imis.Values, s *saving) error {
	famID := v.ID("family_id")
	if famID == imis.NilID {
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
		moved := before.Values.ID("family_id") != famID
		if moved {
			if isHead, err := tx.isFamilyHead(ctx, before.Values.ID("family_id"), before.ID); err != nil {
				return err
			} else if isHead {
				return imis.Errorf(imis.ECONFLICT, "error.head_move")
			}
		}
		v["is_head"] = (head.Valid && head.UUID == before.ID) || (!head.Valid && moved)
	}
	for _, k := range []string{"photo_file", "photo_date"} {
		if val, set := s.computed[k]; set {
			v[k] = val
		}
	}
	if v["status"] == nil {
		v["status"] = imis.InsureeActive
	}
	p := imis.Problems{}
	chfid := v.Text("chfid")
	if before == nil || chfid != before.Values.Text("chfid") {
		rule, err := numberRule(ctx, tx)
		if err != nil {
			return err
		}
		if key := rule.Check(chfid); key != "" {
			p.Add("chfid", key)
		}
	}
	// A birth date kept from before is not checked again: only what is entered now.
	if dob := v.Date("dob"); before == nil || dob.IsZero() || !sameDate(dob, before.Values.Date("dob")) {
		if key := imis.BirthDate(dob, tx.today()); key != "" {
			p.Add("dob", key)
		}
	}
	imis.CheckInsureeStatus(v, p)
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
// and coverage as imis.CoverChangeOnSave decides it.
func insureeSaved(ctx context.Context, tx *Tx, r *Record, s *saving) error {
	famID := r.Values.ID("family_id")
	if r.Values["is_head"] == true {
		if err := tx.syncFamilyHead(ctx, famID, r.ID, s.headOfNewFamily); err != nil {
			return err
		}
	}
	created := r.Version == 1
	prevFamily, prevStatus := famID, r.Values.Text("status")
	if !created {
		// The history row the update has just written holds the previous state.
		err := tx.QueryRowContext(ctx, "SELECT family_id, status FROM insurees WHERE legacy_id = $1 ORDER BY version DESC LIMIT 1", r.ID).
			Scan(&prevFamily, &prevStatus)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	switch imis.CoverChangeOnSave(created, prevStatus, r.Values.Text("status"), prevFamily != famID) {
	case imis.CoverEnd:
		return tx.endCoverage(ctx, r.ID, r.Values.Date("status_date"))
	case imis.CoverJoin:
		return tx.attachToFamilyPolicies(ctx, r.ID, famID, s.activate)
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
	head := imis.FamilyHead(headID, chfid, last, other)
	if fam.Values.ID("head_id") == headID && fam.Values.Text("head_chfid") == chfid && fam.Values.Text("head_name") == head.Text("head_name") {
		return nil
	}
	if !fresh {
		_, err := tx.update(ctx, imis.Families, familyID, fam.Version, maps.Clone(fam.Values), nil, saveOptions{computed: imis.Values{"head_id": headID}})
		return err
	}
	after := &Record{ID: fam.ID, WireID: fam.WireID, Version: fam.Version, ValidFrom: fam.ValidFrom, Values: maps.Clone(fam.Values)}
	maps.Copy(after.Values, head)
	after.Values["search_text"] = imis.Families.SearchText(after.Values)
	if _, err := tx.ExecContext(ctx, "UPDATE families SET head_id = $1, head_chfid = $2, head_name = $3, search_text = $4 WHERE id = $5 AND validity_to IS NULL",
		headID, chfid, head["head_name"], after.Values["search_text"], familyID); err != nil {
		return err
	}
	if err := tx.reindexWords(ctx, imis.Families, familyID, fam.Values.Text("search_text"), after.Values.Text("search_text")); err != nil {
		return err
	}
	return tx.audit(ctx, "update", imis.Families, familyID, fam, after)
}

// insureeDeleting refuses to delete the head of a current family and ends the insuree's
// coverage rows with it.
func insureeDeleting(ctx context.Context, tx *Tx, r *Record) error {
	if isHead, err := tx.isFamilyHead(ctx, r.Values.ID("family_id"), r.ID); err != nil {
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
		return imis.NilID, imis.NilID, withoutRegister(err)
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
		r, err := tx.create(ctx, imis.Insurees, m, nil, saveOptions{activate: activate})
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
		if ins.Values.ID("family_id") != familyID {
			return imis.Errorf(imis.EINVALID, "error.not_member", ins.Values["chfid"])
		}
		old := fam.Values.ID("head_id")
		if old == insureeID {
			return nil
		}
		if _, err := tx.update(ctx, imis.Families, familyID, fam.Version, maps.Clone(fam.Values), nil, saveOptions{computed: imis.Values{"head_id": insureeID}}); err != nil {
			return err
		}
		if old != imis.NilID {
			prev, err := tx.db.findByID(ctx, tx, imis.Insurees, old, true)
			if err != nil {
				return err
			}
			if _, err := tx.update(ctx, imis.Insurees, old, prev.Version, maps.Clone(prev.Values), nil, saveOptions{}); err != nil {
				return err
			}
		}
		_, err = tx.update(ctx, imis.Insurees, insureeID, ins.Version, maps.Clone(ins.Values), nil, saveOptions{})
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
		from := ins.Values.ID("family_id")
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
		_, err = tx.update(ctx, imis.Insurees, insureeID, ins.Version, v, nil, saveOptions{})
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
		if isHead, err := tx.isFamilyHead(ctx, ins.Values.ID("family_id"), insureeID); err != nil {
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
