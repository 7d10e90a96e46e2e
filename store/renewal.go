package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// maxChainHops bounds the walks along product conversions and officer substitutions, which
// wrong data could turn into loops (openIMIS stops after 20 as well).
const maxChainHops = 20

// conversionChain returns the products reached from id by following conversion_product_id,
// starting with id itself, stopping at a loop or after maxChainHops. current limits it to
// current products; otherwise the live row is read even when the product was deleted.
func (tx *Tx) conversionChain(ctx context.Context, id imis.ID, current bool) ([]imis.ChainProduct, error) {
	q := "SELECT conversion_product_id, date_from, date_to FROM products WHERE id = $1"
	if current {
		q += " AND validity_to IS NULL"
	}
	var out []imis.ChainProduct
	seen := map[imis.ID]bool{}
	for id != imis.NilID && !seen[id] && len(out) <= maxChainHops {
		seen[id] = true
		p := imis.ChainProduct{ID: id}
		var next uuid.NullUUID
		err := tx.QueryRowContext(ctx, q, id).Scan(&next, &p.From, &p.To)
		if errors.Is(err, sql.ErrNoRows) {
			break
		} else if err != nil {
			return nil, err
		}
		out = append(out, p)
		id = next.UUID
	}
	return out, nil
}

// renewalProduct returns the product that renews, on day at, a policy of product id, as
// imis.RenewalProduct chooses it along the current conversion chain; NilID when none is on sale.
func (tx *Tx) renewalProduct(ctx context.Context, id imis.ID, at imis.Date) (imis.ID, error) {
	chain, err := tx.conversionChain(ctx, id, true)
	if err != nil {
		return imis.NilID, err
	}
	product, _ := imis.RenewalProduct(chain, at)
	return product, nil
}

// Renewal is the renewal command (insurance-domain §5.5 renew), whoever asks for it.
type Renewal struct {
	Previous imis.ID // the policy renewed
	// Product starts the conversion chain that gives the renewal's product: the product asked
	// for, which must be the previous policy's or one it converts into, or NilID for the
	// previous policy's.
	Product imis.ID
	Enroll  imis.Date
	Officer *imis.ID // nil: the previous policy's officer
	// Contribution is the payment taken with the renewal (the contribution register's fields
	// without policy_id), nil when none; Decision answers the payment prompt.
	Contribution imis.Values
	Decision     imis.PaymentDecision
	// AnswerReminders marks the previous policy's open reminders, and Reminder, as renewed, as the
	// mobile app's renewal does; otherwise they are closed, as a renewal entered by hand closes
	// them. The app reads the difference: a reminder answered renewed makes a resent renewal
	// "already accepted", one closed "already requested".
	AnswerReminders bool
	Reminder        *imis.ID
	// AllowLate saves a renewal after the product's renewal grace period, which openIMIS asks
	// the user to confirm; otherwise it is refused.
	AllowLate bool
}

// RenewPolicy enrols a family again after its policy previous, entered by hand: the product is
// the first on previous's conversion chain that is on sale on the enrolment date, the officer
// defaults to the previous one, and the new Idle stage-R policy starts no earlier than the day
// after previous expires, with the renewal discount. late reports a renewal after the product's
// renewal grace. The reminders of the previous policy are closed.
func (db *DB) RenewPolicy(ctx context.Context, previousID imis.ID, enroll imis.Date, officerID *imis.ID) (r *Record, late bool, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		r, late, err = tx.renew(ctx, Renewal{Previous: previousID, Enroll: enroll, Officer: officerID, AllowLate: true})
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return r, late, nil
}

// renew carries out a renewal: the product chosen along the conversion chain, the lateness, the
// renewal policy, its contribution and the reminders. A product asked for off the previous
// product's conversion chain is refused with imis.ReasonRenewalProduct.
func (tx *Tx) renew(ctx context.Context, r Renewal) (*Record, bool, error) {
	prev, err := tx.db.findByID(ctx, tx, imis.Policies, r.Previous, true)
	if err != nil {
		return nil, false, err
	}
	if !imis.Renewable(prev.Values.Int("status")) {
		return nil, false, imis.Errorf(imis.ECONFLICT, "error.policy_not_renewable")
	}
	from := prev.Values.ID("product_id")
	if r.Product != imis.NilID {
		// The whole chain, deleted products included: the previous product may have been
		// withdrawn since, and its successor is still the way to renew.
		chain, err := tx.conversionChain(ctx, from, false)
		if err != nil {
			return nil, false, err
		}
		if !imis.RenewsAs(chain, r.Product) {
			return nil, false, &imis.Error{Code: imis.EINVALID, Reason: imis.ReasonRenewalProduct, Message: "error.invalid_input",
				Fields: map[string]imis.FieldError{"product_id": {Key: "error.renewal_product_unrelated"}}}
		}
		from = r.Product
	}
	productID, err := tx.renewalProduct(ctx, from, r.Enroll)
	if err != nil {
		return nil, false, err
	}
	if productID == imis.NilID {
		return nil, false, fieldError("product_id", "error.no_renewal_product", r.Enroll)
	}
	_, terms, err := tx.productAt(ctx, productID, r.Enroll)
	if err != nil {
		return nil, false, err
	}
	late := imis.LateRenewal(terms, r.Enroll, prev.Values.Date("expiry_date"))
	if late && !r.AllowLate {
		return nil, late, refusal(imis.ReasonLateRenewal)
	}
	if r.Contribution != nil {
		// The receipt is checked before anything is written, so that a used one is the answer
		// rather than whatever the policy's rules would say.
		receipt := strings.TrimSpace(r.Contribution.Text("receipt"))
		var used int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM premiums WHERE product_id = $1 AND receipt = $2 AND validity_to IS NULL",
			productID, receipt).Scan(&used); err != nil {
			return nil, late, err
		}
		if used > 0 {
			return nil, late, receiptUsed(receipt)
		}
	}
	officer := prev.Values["officer_id"]
	if r.Officer != nil {
		officer = *r.Officer
	}
	v := imis.Values{"family_id": prev.Values["family_id"], "product_id": productID, "officer_id": officer,
		"enroll_date": r.Enroll, "previous_id": prev.ID, "is_offline": false}
	rec, err := tx.create(ctx, imis.Policies, v, nil, saveOptions{})
	if err != nil {
		return nil, late, explainIndexConflict(err, v)
	}
	if r.Contribution != nil {
		cv := maps.Clone(r.Contribution)
		cv["policy_id"] = rec.ID
		if _, err := tx.create(ctx, imis.Contributions, cv, nil, saveOptions{decision: r.Decision}); err != nil {
			return nil, late, explainIndexConflict(err, cv)
		}
	}
	if r.AnswerReminders {
		return rec, late, tx.answerReminders(ctx, prev.ID, reminderRenewed, r.Reminder)
	}
	_, err = tx.ExecContext(ctx, "UPDATE policy_renewals SET validity_to = $1 WHERE policy_id = $2 AND validity_to IS NULL", tx.now, prev.ID)
	return rec, late, err
}

// ExpirePolicies marks every current policy expired by today (imis.ExpiredBy) as Expired. A status
// change by the job is not an edit: rows change in place, without history rows, and the run
// writes one audit record with its date and count.
func (db *DB) ExpirePolicies(ctx context.Context, today imis.Date) (int, error) {
	var n int64
	err := db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE policies SET status = $1 WHERE validity_to IS NULL AND expiry_date <= $2
			AND (status IS NULL OR status <> $1)`, int64(imis.PolicyExpired), imis.LastExpiredDay(today))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return tx.auditRaw(ctx, "expire-run", imis.Policies.Name, nil, nil, map[string]any{"today": today.String(), "count": n})
	})
	return int(n), err
}

// renewalCandidate is a policy due for a renewal reminder.
type renewalCandidate struct {
	policy, family, product, officer imis.ID
	expiry                           imis.Date
}

// InsertRenewals writes the renewal reminders of policies that expire within intervalDays of
// today (openIMIS's uspPolicyRenewalInserts): current renewable policies without a
// current reminder, unless the family already holds a policy of the same or converted product
// starting on or after the renewal date. intervalDays <= 0 means any expiry date, as in
// openIMIS. Warnings: 1 the end of the product's conversion chain is not on sale on the renewal
// date, 2 the policy has no officer, 4 the officer (after following substitutes) no longer works
// then. One audit record covers the run.
func (db *DB) InsertRenewals(ctx context.Context, today imis.Date, intervalDays int) (int, error) {
	var inserted int
	err := db.inTx(ctx, func(tx *Tx) error {
		inserted = 0
		var q query
		q.WriteString(`SELECT p.id, p.family_id, p.product_id, p.officer_id, p.expiry_date FROM policies p
			WHERE p.validity_to IS NULL AND p.status IN ` + q.in(renewableStatuses()) + `
			AND p.expiry_date IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM policy_renewals r WHERE r.policy_id = p.id AND r.validity_to IS NULL)`)
		if intervalDays > 0 {
			q.WriteString(" AND p.expiry_date <= " + q.arg(today.AddDays(intervalDays)))
		}
		q.WriteString(" ORDER BY p.expiry_date, p.id")
		rows, err := tx.QueryContext(ctx, q.String(), q.args...)
		if err != nil {
			return err
		}
		var due []renewalCandidate
		for rows.Next() {
			var c renewalCandidate
			var officer uuid.NullUUID
			if err := rows.Scan(&c.policy, &c.family, &c.product, &officer, &c.expiry); err != nil {
				rows.Close()
				return err
			}
			c.officer = officer.UUID
			due = append(due, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range due {
			ok, err := tx.insertRenewal(ctx, c, today)
			if err != nil {
				return err
			}
			if ok {
				inserted++
			}
		}
		return tx.auditRaw(ctx, "renewal-run", imis.Policies.Name, nil, nil,
			map[string]any{"today": today.String(), "interval": intervalDays, "count": inserted})
	})
	return inserted, err
}

// insertRenewal writes the reminder of one policy, or reports false when none is due.
func (tx *Tx) insertRenewal(ctx context.Context, c renewalCandidate, today imis.Date) (bool, error) {
	renewal := imis.RenewalDate(c.expiry)
	var warnings int64
	chain, err := tx.conversionChain(ctx, c.product, false)
	if err != nil {
		return false, err
	}
	var newProduct any
	chainIDs := []any{c.product}
	if len(chain) > 0 {
		last := chain[len(chain)-1]
		newProduct = last.ID
		if !imis.ProductOnSale(last.From, last.To, renewal) {
			warnings |= 1
		}
		for _, p := range chain[1:] {
			chainIDs = append(chainIDs, p.ID)
		}
	} else {
		warnings |= 1
	}
	var newOfficer, phone any
	officer, worksTo, ph, found, err := tx.renewalOfficer(ctx, c.officer, renewal)
	if err != nil {
		return false, err
	}
	if !found {
		warnings |= 2
	} else {
		newOfficer, phone = officer, ph
		if !imis.OfficerWorksOn(worksTo, renewal) {
			warnings |= 4
		}
	}
	var q query
	q.WriteString("SELECT COUNT(*) FROM policies WHERE validity_to IS NULL AND family_id = " + q.arg(c.family) +
		" AND start_date >= " + q.arg(renewal) + " AND product_id IN " + q.in(chainIDs))
	var following int
	if err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&following); err != nil {
		return false, err
	}
	if following > 0 {
		return false, nil
	}
	fam, err := tx.familyFacts(ctx, c.family)
	var known *imis.Error
	if errors.As(err, &known) || (err == nil && fam.headID == imis.NilID) {
		// A family that is gone or has no head cannot be reminded: the reminder names the head.
		return false, nil
	} else if err != nil {
		return false, err
	}
	wire, err := tx.nextWireID(ctx, "policy_renewals")
	if err != nil {
		return false, err
	}
	// The reminder copies its family's district, which refreshFamilyCopies keeps in line.
	_, err = tx.ExecContext(ctx, `INSERT INTO policy_renewals (id, wire_id, family_id, policy_id, insuree_id, new_product_id, new_officer_id,
		prompt_date, renewal_date, phone, sms_status, warnings, response_status, validity_from, audit_user_id, district_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, 0, $12, $13, (SELECT f.district_id FROM families f WHERE f.id = $3))`,
		imis.NewID(), wire, c.family, c.policy, fam.headID, newProduct, newOfficer, today, renewal, phone, warnings, tx.now, tx.auditUser())
	return err == nil, err
}

// renewalOfficer returns the officer who should renew a policy sold by id: id itself, or, when
// id no longer works on the renewal date, the first substitute along the substitution chain who
// does (or the last one reached).
func (tx *Tx) renewalOfficer(ctx context.Context, id imis.ID, renewal imis.Date) (officer imis.ID, worksTo imis.Date, phone any, found bool, err error) {
	seen := map[imis.ID]bool{}
	for hops := 0; id != imis.NilID && !seen[id] && hops <= maxChainHops; hops++ {
		seen[id] = true
		var subst uuid.NullUUID
		var wt imis.Date
		var ph sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT substitution_id, works_to, phone FROM officers WHERE id = $1", id).Scan(&subst, &wt, &ph)
		if errors.Is(err, sql.ErrNoRows) {
			break
		} else if err != nil {
			return imis.NilID, imis.Date{}, nil, false, err
		}
		officer, worksTo, found = id, wt, true
		phone = nil
		if ph.Valid {
			phone = ph.String
		}
		if imis.OfficerWorksOn(wt, renewal) {
			break
		}
		id = subst.UUID
	}
	return officer, worksTo, phone, found, nil
}

// RenewalDue is one open renewal reminder of an officer, with the legacy ids the mobile app knows.
type RenewalDue struct {
	RenewalID      int64 // wire id
	RenewalUUID    imis.ID
	PolicyID       int64 // wire id of the policy to renew
	PolicyUUID     imis.ID
	OfficerID      int64 // wire id
	OfficerCode    string
	CHFID          string // the family head's insurance number
	LastName       string
	OtherNames     string
	ProductID      imis.ID // the product to renew with
	ProductCode    string
	ProductName    string
	FamilyID       imis.ID
	VillageName    string
	PromptDate     imis.Date
	RenewalDate    imis.Date
	Phone          string // the officer's phone
	Warnings       int64
	ResponseStatus int64
}

// RenewalsDue lists the open reminders for an officer, including those of the officers the
// officer substitutes for (as openIMIS's uspGetPolicyRenewals does), oldest renewal date first.
// Reminders the officer already answered are left out.
func (db *DB) RenewalsDue(ctx context.Context, officerID imis.ID) ([]RenewalDue, error) {
	officers := []any{officerID}
	seen := map[imis.ID]bool{officerID: true}
	frontier := []any{officerID}
	for hops := 0; len(frontier) > 0 && hops < maxChainHops; hops++ {
		var q query
		q.WriteString("SELECT id FROM officers WHERE validity_to IS NULL AND substitution_id IN " + q.in(frontier))
		rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
		if err != nil {
			return nil, mapError(err)
		}
		frontier = nil
		for rows.Next() {
			var id imis.ID
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, mapError(err)
			}
			if !seen[id] {
				seen[id] = true
				officers = append(officers, id)
				frontier = append(frontier, id)
			}
		}
		rows.Close()
	}
	var q query
	q.WriteString(`SELECT r.wire_id, r.id, p.wire_id, p.id, o.wire_id, o.code, i.chfid, i.last_name, i.other_names,
		r.new_product_id, pr.code, pr.name, r.family_id, v.name, r.prompt_date, r.renewal_date, o.phone, r.warnings, r.response_status
		FROM policy_renewals r
		JOIN policies p ON p.id = r.policy_id
		JOIN officers o ON o.id = r.new_officer_id
		JOIN insurees i ON i.id = r.insuree_id
		JOIN families f ON f.id = r.family_id
		JOIN locations v ON v.id = f.location_id
		LEFT JOIN products pr ON pr.id = r.new_product_id
		WHERE r.validity_to IS NULL AND r.response_status = 0 AND r.new_officer_id IN ` + q.in(officers) +
		" ORDER BY r.renewal_date, r.wire_id")
	rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []RenewalDue
	for rows.Next() {
		var d RenewalDue
		var rw, pw, ow sql.NullInt64
		var code, name, phone sql.NullString
		var product uuid.NullUUID
		if err := rows.Scan(&rw, &d.RenewalUUID, &pw, &d.PolicyUUID, &ow, &d.OfficerCode, &d.CHFID, &d.LastName, &d.OtherNames,
			&product, &code, &name, &d.FamilyID, &d.VillageName, &d.PromptDate, &d.RenewalDate, &phone, &d.Warnings, &d.ResponseStatus); err != nil {
			return nil, mapError(err)
		}
		d.RenewalID, d.PolicyID, d.OfficerID = rw.Int64, pw.Int64, ow.Int64
		d.ProductID, d.ProductCode, d.ProductName, d.Phone = product.UUID, code.String, name.String, phone.String
		out = append(out, d)
	}
	return out, mapError(rows.Err())
}

// JobRun is one run of a scheduled job, as its audit record tells it.
type JobRun struct {
	At     time.Time
	Params map[string]any
}

// JobRuns returns the runs of a job (its audit action, such as "expire-run"), newest first, so
// that a scheduler can tell when a job last ran and an operator what it did.
func (db *DB) JobRuns(ctx context.Context, action string) ([]JobRun, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT at, after_json FROM audit_log WHERE action = $1 AND record_id IS NULL ORDER BY at DESC, id DESC", action)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []JobRun
	for rows.Next() {
		var r JobRun
		var after sql.NullString
		if err := rows.Scan(&r.At, &after); err != nil {
			return nil, mapError(err)
		}
		r.At = r.At.UTC()
		if after.Valid {
			_ = json.Unmarshal([]byte(after.String), &r.Params)
		}
		out = append(out, r)
	}
	return out, mapError(rows.Err())
}

// renewableStatuses are imis.RenewableStatuses as query arguments.
func renewableStatuses() []any {
	var out []any
	for _, st := range imis.RenewableStatuses() {
		out = append(out, st)
	}
	return out
}
