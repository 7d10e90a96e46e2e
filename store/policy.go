package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// today is the scheme's business date at the transaction's time.
func (tx *Tx) today() imis.Date {
	zone := tx.db.Zone
	if zone == nil {
		zone = time.Local
	}
	return imis.DateOf(tx.now.In(zone))
}

func sameDate(a, b imis.Date) bool { return !a.Before(b) && !a.After(b) }

// productAt returns the current version of a product, which decides whether it is on sale and
// where, and the version that was valid on day d, whose terms price a policy enrolled that day.
// A product created after d has no such version; its current terms are then the only ones.
func (tx *Tx) productAt(ctx context.Context, id imis.ID, d imis.Date) (cur *Record, terms imis.PolicyTerms, err error) {
	cur, err = scanRecord(tx.QueryRowContext(ctx, "SELECT "+selectList(imis.Products)+" FROM products t WHERE t.id = $1 AND t.validity_to IS NULL", id), imis.Products)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, terms, fieldError("product_id", "error.reference_missing")
	} else if err != nil {
		return nil, terms, err
	}
	_, next := tx.db.dayBounds(d)
	asOf, err := scanRecord(tx.QueryRowContext(ctx, "SELECT "+selectList(imis.Products)+
		" FROM products t WHERE (t.id = $1 OR t.legacy_id = $1) AND t.validity_from < $2 ORDER BY t.validity_from DESC LIMIT 1", id, next), imis.Products)
	if errors.Is(err, sql.ErrNoRows) {
		asOf = cur
	} else if err != nil {
		return nil, terms, err
	}
	return cur, imis.TermsOf(asOf.Values), nil
}

// familyFacts are what a policy takes from its family: where it lives, for scoping and product
// availability, and its head, who names the policy and receives renewal reminders.
type familyFacts struct {
	district, region imis.ID
	headID           imis.ID
	headCHFID        string
}

func (tx *Tx) familyFacts(ctx context.Context, familyID imis.ID) (familyFacts, error) {
	var f familyFacts
	var district, region, head uuid.NullUUID
	var chfid sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(f.district_id, l.district_id), l.region_id, f.head_id, f.head_chfid
		FROM families f JOIN locations l ON l.id = f.location_id WHERE f.id = $1 AND f.validity_to IS NULL`, familyID).
		Scan(&district, &region, &head, &chfid)
	if errors.Is(err, sql.ErrNoRows) {
		return f, fieldError("family_id", "error.reference_missing")
	} else if err != nil {
		return f, err
	}
	f.district, f.region, f.headID, f.headCHFID = district.UUID, region.UUID, head.UUID, chfid.String
	if f.headID == imis.NilID || f.headCHFID == "" {
		// A family saved before its head was known: the member marked as head stands in.
		err := tx.QueryRowContext(ctx, "SELECT id, chfid FROM insurees WHERE family_id = $1 AND is_head = $2 AND validity_to IS NULL ORDER BY id LIMIT 1",
			familyID, true).Scan(&head, &chfid)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return f, err
		}
		if f.headID == imis.NilID {
			f.headID = head.UUID
		}
		if f.headCHFID == "" {
			f.headCHFID = chfid.String
		}
	}
	return f, nil
}

// policyMembers returns the current active members of a family in registration order (openIMIS
// orders by the integer insuree id, which the wire id keeps; UUIDv7 ids break ties in creation
// order), by id and as pricing sees them on day at. Inactive and dead members are neither priced
// nor covered, as they lose their cover when their status changes.
func (tx *Tx) policyMembers(ctx context.Context, familyID imis.ID, at imis.Date) (ids []imis.ID, members []imis.Member, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, dob, relationship FROM insurees WHERE family_id = $1 AND validity_to IS NULL
		AND (status IS NULL OR status = $2) ORDER BY CASE WHEN wire_id IS NULL THEN 1 ELSE 0 END, wire_id, id`, familyID, imis.InsureeActive)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id imis.ID
		var dob imis.Date
		var rel sql.NullString
		if err := rows.Scan(&id, &dob, &rel); err != nil {
			return nil, nil, err
		}
		relation, _ := strconv.Atoi(rel.String)
		ids, members = append(ids, id), append(members, imis.Member{Adult: imis.Adult(dob, at), Relation: relation})
	}
	return ids, members, rows.Err()
}

// preparePolicy computes everything about a policy that the server decides (insurance-domain
// §5.3–§5.5): a client's dates, value and status are never trusted. A previous_id in v, which
// only a renewal sets, makes the policy a renewal of that one.
func preparePolicy(ctx context.Context, tx *Tx, before *Record, v imis.Values, _ *saving) error {
	if before != nil && !imis.PolicyEditable(before.Values.Int("status")) {
		return imis.Errorf(imis.ECONFLICT, "error.policy_not_idle")
	}
	familyID, productID, officerID := v.ID("family_id"), v.ID("product_id"), v.ID("officer_id")
	enroll := v.Date("enroll_date")
	p := imis.Problems{}
	if key := imis.FutureDate("enroll_date", enroll, tx.today()); key != "" {
		p.Add("enroll_date", key)
	}
	fam, err := tx.familyFacts(ctx, familyID)
	if err != nil {
		return err
	}
	prod, terms, err := tx.productAt(ctx, productID, enroll)
	if err != nil {
		return err
	}
	code := prod.Values.Text("code")
	if !imis.ProductOnSale(prod.Values.Date("date_from"), prod.Values.Date("date_to"), enroll) {
		p.Add("product_id", "error.product_not_on_sale", code, enroll)
	}
	if !imis.ProductOfferedIn(prod.Values.ID("location_id"), fam.district, fam.region) {
		p.Add("product_id", "error.product_not_available", code)
	}
	var worksTo imis.Date
	if err := tx.QueryRowContext(ctx, "SELECT works_to FROM officers WHERE id = $1 AND validity_to IS NULL", officerID).Scan(&worksTo); errors.Is(err, sql.ErrNoRows) {
		p.Add("officer_id", "error.reference_missing")
	} else if err != nil {
		return err
	} else if !imis.OfficerWorksOn(worksTo, enroll) {
		p.Add("officer_id", "error.officer_left", worksTo)
	}
	if err := p.Err(); err != nil {
		return err
	}

	stage, earlierRenewals := imis.StageNew, 0
	var prevExpiry imis.Date
	if prevID := v.ID("previous_id"); prevID != imis.NilID {
		stage = imis.StageRenewal
		var prevFamily imis.ID
		var prevStatus sql.NullInt64
		err := tx.QueryRowContext(ctx, "SELECT family_id, status, expiry_date FROM policies WHERE id = $1 AND validity_to IS NULL", prevID).
			Scan(&prevFamily, &prevStatus, &prevExpiry)
		if errors.Is(err, sql.ErrNoRows) {
			return imis.Errorf(imis.ENOTFOUND, "error.not_found")
		} else if err != nil {
			return err
		}
		if prevFamily != familyID {
			return imis.Errorf(imis.EINVALID, "error.previous_policy_family")
		}
		if before == nil && !imis.Renewable(prevStatus.Int64) {
			return imis.Errorf(imis.ECONFLICT, "error.policy_not_renewable")
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM policies WHERE family_id = $1 AND product_id = $2 AND stage = $3
			AND validity_to IS NULL AND id <> $4`, familyID, productID, imis.StageRenewal, selfID(before)).Scan(&earlierRenewals); err != nil {
			return err
		}
	}
	_, members, err := tx.policyMembers(ctx, familyID, enroll)
	if err != nil {
		return err
	}
	figures, err := imis.PricePolicy(terms, members, stage, enroll, prevExpiry, earlierRenewals)
	if err != nil {
		return fieldError("product_id", "error.cycle")
	}

	var dup int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM policies WHERE family_id = $1 AND product_id = $2 AND enroll_date = $3
		AND stage = $4 AND validity_to IS NULL AND id <> $5`, familyID, productID, enroll, stage, selfID(before)).Scan(&dup); err != nil {
		return err
	}
	if dup > 0 {
		return policyDuplicate(fam.headCHFID, code, enroll)
	}

	maps.Copy(v, figures.Values())
	maps.Copy(v, imis.PolicyCopies(fam.district, fam.headCHFID, code))
	return nil
}

func selfID(r *Record) imis.ID {
	if r == nil {
		return imis.NilID
	}
	return r.ID
}

func nilIfZero(id imis.ID) any {
	if id == imis.NilID {
		return nil
	}
	return id
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// policyDuplicate is the answer to a second upload of the same policy: the key (family, product,
// enrolment date, stage) is unique among current policies.
func policyDuplicate(headCHFID, productCode string, enroll imis.Date) error {
	return &imis.Error{Code: imis.ECONFLICT, Reason: imis.ReasonPolicyDuplicate, Message: "error.policy_duplicate", Args: []any{headCHFID, productCode, enroll}}
}

// receiptUsed is the answer to a receipt already used by a current contribution to a policy of
// the same product.
func receiptUsed(receipt any) error {
	return &imis.Error{Code: imis.ECONFLICT, Reason: imis.ReasonReceiptUsed, Message: "error.receipt_used", Args: []any{receipt},
		Fields: map[string]imis.FieldError{"receipt": {Key: "error.receipt_used", Args: []any{receipt}}}}
}

// explainIndexConflict turns a violation of an exactly-once index into the message of the check
// that normally catches the duplicate first; the index only fires when two writers race.
func explainIndexConflict(err error, v imis.Values) error {
	var c *conflictError
	if !errors.As(err, &c) {
		return err
	}
	switch {
	case strings.Contains(c.constraint, "policies_once") || strings.Contains(c.constraint, "policies.family_id"):
		return policyDuplicate(v.Text("head_chfid"), v.Text("product_code"), v.Date("enroll_date"))
	case strings.Contains(c.constraint, "premiums_receipt") || strings.Contains(c.constraint, "premiums.product_id"):
		return receiptUsed(v["receipt"])
	}
	return err
}

// coverPolicyMembers writes the coverage rows of a created or edited policy: one per current
// member in registration order, up to the product's maximum (legacy InsertPolicyInsuree), so the
// members beyond it are simply not covered. An edit closes the previous rows first.
func coverPolicyMembers(ctx context.Context, tx *Tx, r *Record, _ *saving) error {
	if err := tx.closeCoverage(ctx, r.ID); err != nil {
		return err
	}
	enroll := r.Values.Date("enroll_date")
	_, terms, err := tx.productAt(ctx, r.Values.ID("product_id"), enroll)
	if err != nil {
		return err
	}
	members, _, err := tx.policyMembers(ctx, r.Values.ID("family_id"), enroll)
	if err != nil {
		return err
	}
	for _, m := range imis.CoveredMembers(members, terms.MaxMembers) {
		if err := tx.writeCoverage(ctx, imis.CoverageRow(r.ID, r.Values, m, r.Values.Date("effective_date"))); err != nil {
			return err
		}
	}
	return nil
}

// writeCoverage inserts a coverage row built by imis.CoverageRow.
func (tx *Tx) writeCoverage(ctx context.Context, row imis.Values) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO insuree_policies (id, family_id, insuree_id, policy_id, enrollment_date, start_date,
		effective_date, expiry_date, is_offline, validity_from, audit_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		imis.NewID(), row["family_id"], row["insuree_id"], row["policy_id"], row["enrollment_date"], row["start_date"],
		row["effective_date"], row["expiry_date"], row["is_offline"], tx.now, tx.auditUser())
	return err
}

// closeCoverage ends every current coverage row of a policy.
func (tx *Tx) closeCoverage(ctx context.Context, policyID imis.ID) error {
	_, err := tx.ExecContext(ctx, "UPDATE insuree_policies SET validity_to = $1 WHERE policy_id = $2 AND validity_to IS NULL", tx.now, policyID)
	return err
}

// refusePolicyInUse allows deleting only an Idle policy that nothing has paid for or claimed
// against, and ends its coverage rows and renewal reminders with it.
func refusePolicyInUse(ctx context.Context, tx *Tx, r *Record) error {
	if !imis.PolicyEditable(r.Values.Int("status")) {
		return imis.Errorf(imis.ECONFLICT, "error.policy_not_idle")
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM premiums WHERE policy_id = $1 AND validity_to IS NULL", r.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return imis.Errorf(imis.ECONFLICT, "error.policy_has_contributions")
	}
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM claim_ded_rem WHERE policy_id = $1", r.ID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return imis.Errorf(imis.ECONFLICT, "error.policy_used_by_claims")
	}
	if err := tx.closeCoverage(ctx, r.ID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "UPDATE policy_renewals SET validity_to = $1 WHERE policy_id = $2 AND validity_to IS NULL", tx.now, r.ID)
	return err
}

// setPolicyState changes the status and effective date of a policy as a contribution decides,
// with a history row and an audit record like any edit. The register's update cannot do it,
// because it never takes computed fields from its caller.
func (tx *Tx) setPolicyState(ctx context.Context, before *Record, status int64, effective imis.Date) error {
	if err := tx.copyToHistory(ctx, imis.Policies, before.ID); err != nil {
		return err
	}
	var eff any
	if !effective.IsZero() {
		eff = effective
	}
	res, err := tx.ExecContext(ctx, `UPDATE policies SET version = version + 1, validity_from = $1, audit_user_id = $2, status = $3,
		effective_date = $4 WHERE id = $5 AND version = $6 AND validity_to IS NULL`, tx.now, tx.auditUser(), status, eff, before.ID, before.Version)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return imis.Errorf(imis.ECONFLICT, "error.stale_version")
	}
	after := &Record{ID: before.ID, WireID: before.WireID, Version: before.Version + 1, ValidFrom: tx.now, Values: imis.Values{}}
	for k, val := range before.Values {
		after.Values[k] = val
	}
	after.Values["status"], after.Values["effective_date"] = status, eff
	return tx.audit(ctx, "update", imis.Policies, before.ID, before, after)
}

// Coverage is one insuree's cover under a policy: covered on day d when the effective date is
// set and d lies between it and the expiry date.
type Coverage struct {
	ID             imis.ID
	InsureeID      imis.ID
	PolicyID       imis.ID
	EnrollmentDate imis.Date
	StartDate      imis.Date
	EffectiveDate  imis.Date // zero: on the policy but not yet paid for
	ExpiryDate     imis.Date
}

// PolicyCoverage returns the current coverage rows of a policy the user may see, in the order
// they were written.
func (db *DB) PolicyCoverage(ctx context.Context, policyID imis.ID) ([]Coverage, error) {
	if _, err := db.FindByID(ctx, imis.Policies, policyID); err != nil {
		return nil, err
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, insuree_id, policy_id, enrollment_date, start_date, effective_date, expiry_date
		FROM insuree_policies WHERE policy_id = $1 AND validity_to IS NULL ORDER BY validity_from, id`, policyID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []Coverage
	for rows.Next() {
		var c Coverage
		if err := rows.Scan(&c.ID, &c.InsureeID, &c.PolicyID, &c.EnrollmentDate, &c.StartDate, &c.EffectiveDate, &c.ExpiryDate); err != nil {
			return nil, mapError(err)
		}
		out = append(out, c)
	}
	return out, mapError(rows.Err())
}
