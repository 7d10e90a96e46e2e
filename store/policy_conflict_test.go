package store

import (
	"testing"

	"github.com/openimis-go/openimis"
)

// TestExplainIndexConflict checks that a race caught by an exactly-once index reads like the
// check that normally catches the duplicate, whichever way the engine names the index.
func TestExplainIndexConflict(t *testing.T) {
	v := imis.Values{"head_chfid": "100000011", "product_code": "LUMP", "enroll_date": imis.NewDate(2026, 3, 1), "receipt": "R1"}
	cases := []struct{ constraint, message string }{
		{"policies_once", "error.policy_duplicate"},
		{"UNIQUE constraint failed: policies.family_id, policies.product_id, policies.enroll_date, policies.stage", "error.policy_duplicate"},
		{"premiums_receipt", "error.receipt_used"},
		{"UNIQUE constraint failed: premiums.product_id, premiums.receipt", "error.receipt_used"},
		{"claims_code", "error.conflict"},
	}
	for _, c := range cases {
		err := explainIndexConflict(newConflict(c.constraint, nil), v)
		if imis.ErrorCode(err) != imis.ECONFLICT || imis.ErrorMessage(err) != c.message {
			t.Errorf("%s: %v, want %s", c.constraint, err, c.message)
		}
	}
}
