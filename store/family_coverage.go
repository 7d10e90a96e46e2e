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

// attachToFamilyPolicies puts a member on each current policy of the family that takes them, as
// imis.NewMemberCover decides. Policies are read before any row is written, since a transaction's
// connection serves one statement at a time.
func (tx *Tx) attachToFamilyPolicies(ctx context.Context, insureeID, familyID imis.ID, activate bool) error {
	rows, err := tx.QueryContext(ctx, "SELECT "+selectList(imis.Policies)+` FROM policies t WHERE t.family_id = $1 AND t.validity_to IS NULL
		ORDER BY t.enroll_date, t.id`, familyID)
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
		// The policies that ended are passed over before their facts are gathered.
		if !imis.PolicyTakesMembers(pol.Values.Int("status"), pol.Values.Date("expiry_date"), tx.today()) {
			continue
		}
		if err := tx.attachToPolicy(ctx, insureeID, pol, activate); err != nil {
			return err
		}
	}
	return nil
}

// attachToPolicy gathers what the member-added rule needs to know of one policy and writes the
// member's coverage row when the rule says they join it.
func (tx *Tx) attachToPolicy(ctx context.Context, insureeID imis.ID, pol *Record, activate bool) error {
	var existing imis.ID
	var existingExpiry imis.Date
	err := tx.QueryRowContext(ctx, `SELECT id, expiry_date FROM insuree_policies WHERE insuree_id = $1 AND policy_id = $2
		AND validity_to IS NULL ORDER BY validity_from DESC LIMIT 1`, insureeID, pol.ID).Scan(&existing, &existingExpiry)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	// Taking the policy's row lock first makes concurrent additions to one policy count its
	// members one after the other, so together they cannot exceed the maximum.
	if _, err := tx.ExecContext(ctx, "UPDATE policies SET version = version WHERE id = $1", pol.ID); err != nil {
		return err
	}
	_, terms, err := tx.productAt(ctx, pol.Values.ID("product_id"), pol.Values.Date("enroll_date"))
	if err != nil {
		return err
	}
	// Members on the policy whose cover has not ended take room; the insuree's own earlier row
	// does not.
	var covered int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(DISTINCT ip.insuree_id) FROM insuree_policies ip
		JOIN insurees i ON i.id = ip.insuree_id AND i.validity_to IS NULL
		WHERE ip.policy_id = $1 AND ip.validity_to IS NULL AND ip.expiry_date > $2 AND ip.insuree_id <> $3`,
		pol.ID, imis.LastExpiredDay(tx.today()), insureeID).Scan(&covered); err != nil {
		return err
	}
	withMember, err := tx.valueWithMembers(ctx, pol, terms)
	if err != nil {
		return err
	}
	var paid int64
	if err := tx.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM premiums
		WHERE policy_id = $1 AND is_photo_fee = $2 AND validity_to IS NULL`, pol.ID, false).Scan(&paid); err != nil {
		return err
	}
	join, effective := imis.NewMemberCover(imis.MemberPolicy{
		Status:          pol.Values.Int("status"),
		Expiry:          pol.Values.Date("expiry_date"),
		Effective:       pol.Values.Date("effective_date"),
		MaxMembers:      terms.MaxMembers,
		Covered:         covered,
		CoveredTo:       existingExpiry,
		Value:           pol.Values.Money("value"),
		ValueWithMember: withMember,
		Paid:            imis.Money(paid),
	}, tx.today(), activate)
	if !join {
		return nil
	}
	if existing != imis.NilID {
		// One current row per member and policy: the cut-short row of a reactivated member
		// is replaced, and kept as history.
		if _, err := tx.ExecContext(ctx, "UPDATE insuree_policies SET validity_to = $1 WHERE id = $2", tx.now, existing); err != nil {
			return err
		}
	}
	return tx.writeCoverage(ctx, imis.CoverageRow(pol.ID, pol.Values, insureeID, effective))
}

// valueWithMembers prices a policy with the family's current members (the new one included),
// classified by exact age on the enrolment date, as the policy itself was priced.
func (tx *Tx) valueWithMembers(ctx context.Context, pol *Record, terms imis.PolicyTerms) (imis.Money, error) {
	var prevExpiry imis.Date
	if prev := pol.Values.ID("previous_id"); prev != imis.NilID {
		err := tx.QueryRowContext(ctx, "SELECT expiry_date FROM policies WHERE id = $1", prev).Scan(&prevExpiry)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	enroll, stage := pol.Values.Date("enroll_date"), pol.Values.Text("stage")
	_, members, err := tx.policyMembers(ctx, pol.Values.ID("family_id"), enroll)
	if err != nil {
		return 0, err
	}
	return imis.PolicyValue(terms, members, stage, enroll, imis.DiscountBase(stage, pol.Values.Date("start_date"), prevExpiry)), nil
}
