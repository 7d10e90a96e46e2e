package store

import (
	"context"

	"github.com/openimis-go/openimis"
)

// SuspendPolicy suspends a current Idle or Active policy (openIMIS's "suspend policies"): its
// members stay on it, but eligibility requires an active policy, so they are no longer covered.
func (db *DB) SuspendPolicy(ctx context.Context, policyID imis.ID, version int) error {
	return db.inTx(ctx, func(tx *Tx) error {
		pol, err := tx.db.findByID(ctx, tx, imis.Policies, policyID, true)
		if err != nil {
			return err
		}
		if pol.Version != version {
			return imis.Errorf(imis.ECONFLICT, "error.stale_version")
		}
		if !imis.PolicySuspendable(pol.Values.Int("status")) {
			return imis.Errorf(imis.ECONFLICT, "error.policy_not_suspendable")
		}
		return tx.setPolicyState(ctx, pol, imis.PolicySuspended, pol.Values.Date("effective_date"))
	})
}
