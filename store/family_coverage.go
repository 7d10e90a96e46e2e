package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openimis-go/openimis"
)

// endCoverage ends an insuree's current cover on day until: coverage rows that run longer are
// cut short, rows that already end earlier stay as they are.
func (tx *Tx) endCoverage(ctx context.Context, insureeID imis.ID, until imis.Date) error {
	if until.IsZero() {
		return nil
	}
	_, err := tx.ExecContext(ctx, "UPDATE insuree_policies SET expiry_date = $1 WHERE insuree_id = $2 AND validity_to IS NULL AND expiry_date > $1",
		until, insureeID)
	return err
}

// attachToFamilyPolicies puts a member on each current policy of the family that has not ended
// (insurance-domain §4.8, "member added"). Policies are read before any row is written, since a
// transaction's connection serves one statement at a time.
func (tx *Tx) attachToFamilyPolicies(ctx context.Context, insureeID, familyID imis.ID, activate bool) error {
	rows, err := tx.QueryContext(ctx, "SELECT "+selectList(imis.Policies)+` FROM policies t WHERE t.family_id = $1 AND t.validity_to IS NULL
		AND t.expiry_date >= $2 AND t.status <> $3 ORDER BY t.enroll_date, t.id`, familyID, tx.today(), imis.PolicyExpired)
	if err != nil {
		return err
	}
	var policies []*Record
	for rows.Next() {
		pol, err := scanRecord(rows, imis.Policies)
		if err != nil {
			rows.Close()
			return err
		}
		policies = append(policies, pol)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, pol := range policies {
		if err := tx.attachToPolicy(ctx, insureeID, pol, activate); err != nil {
			return err
		}
	}
	return nil
}

// attachToPolicy writes one coverage row as legacy uspAddInsureePolicy does: no row when the
// policy already covers its product's maximum of members; the policy's dates; and its effective
// date, unless the policy is not in force or the member raises the value above what was paid
// and the user did not choose to activate anyway (then the member waits for payment).
func (tx *Tx) attachToPolicy(ctx context.Context, insureeID imis.ID, pol *Record, activate bool) error {
	expiry := dateOf(pol.Values["expiry_date"])
	var existing imis.ID
	var existingExpiry imis.Date
	err := tx.QueryRowContext(ctx, `SELECT id, expiry_date FROM insuree_policies WHERE insuree_id = $1 AND policy_id = $2
		AND validity_to IS NULL ORDER BY validity_from DESC LIMIT 1`, insureeID, pol.ID).Scan(&existing, &existingExpiry)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if found && !existingExpiry.Before(expiry) {
		return nil // still covered to the end of the policy
	}
	// Taking the policy's row lock first makes concurrent additions to one policy count its
	// members one after the other, so together they cannot exceed the maximum.
	if _, err := tx.ExecContext(ctx, "UPDATE policies SET version = version WHERE id = $1", pol.ID); err != nil {
		return err
	}
	enroll := dateOf(pol.Values["enroll_date"])
	_, terms, err := tx.productAt(ctx, idOf(pol.Values["product_id"]), enroll)
	if err != nil {
		return err
	}
	// Members on the policy whose cover has not ended take room; the insuree's own earlier row
	// does not.
	var covered int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT ip.insuree_id) FROM insuree_policies ip
		JOIN insurees i ON i.id = ip.insuree_id AND i.validity_to IS NULL
		WHERE ip.policy_id = $1 AND ip.validity_to IS NULL AND ip.expiry_date >= $2 AND ip.insuree_id <> $3`,
		pol.ID, tx.today(), insureeID).Scan(&covered); err != nil {
		return err
	}
	if terms.MaxMembers > 0 && covered >= terms.MaxMembers {
		return nil
	}
	var effective any
	if d := dateOf(pol.Values["effective_date"]); !d.IsZero() {
		effective = d
	}
	if status := intOf(pol.Values["status"]); status == imis.PolicyIdle || status == imis.PolicyReady {
		effective = nil
	}
	if effective != nil && !activate {
		value, err := tx.valueWithMembers(ctx, pol, terms)
		if err != nil {
			return err
		}
		if int64(value) != intOf(pol.Values["value"]) {
			var paid int64
			if err := tx.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM premiums
				WHERE policy_id = $1 AND is_photo_fee = $2 AND validity_to IS NULL`, pol.ID, false).Scan(&paid); err != nil {
				return err
			}
			if paid < int64(value) {
				effective = nil
			}
		}
	}
	if found {
		// One current row per member and policy: the cut-short row of a reactivated member
		// is replaced, and kept as history.
		if _, err := tx.ExecContext(ctx, "UPDATE insuree_policies SET validity_to = $1 WHERE id = $2", tx.now, existing); err != nil {
			return err
		}
	}
	return tx.writeCoverage(ctx, pol, insureeID, effective)
}

// valueWithMembers prices a policy with the family's current members (the new one included),
// classified by exact age on the enrolment date, as the policy itself was priced.
func (tx *Tx) valueWithMembers(ctx context.Context, pol *Record, terms imis.PolicyTerms) (imis.Money, error) {
	enroll := dateOf(pol.Values["enroll_date"])
	members, err := tx.policyMembers(ctx, idOf(pol.Values["family_id"]), enroll)
	if err != nil {
		return 0, err
	}
	priced := make([]imis.Member, len(members))
	for i, m := range members {
		priced[i] = m.Member
	}
	stage := textOf(pol.Values["stage"])
	discountBase := dateOf(pol.Values["start_date"])
	if prev := idOf(pol.Values["previous_id"]); stage == imis.StageRenewal && prev != imis.NilID {
		var prevExpiry imis.Date
		err := tx.QueryRowContext(ctx, "SELECT expiry_date FROM policies WHERE id = $1", prev).Scan(&prevExpiry)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
		if !prevExpiry.IsZero() {
			discountBase = prevExpiry.AddDays(1)
		}
	}
	return imis.PolicyValue(terms, priced, stage, enroll, discountBase), nil
}
