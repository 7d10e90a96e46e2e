package store

import (
	"context"
	"testing"

	"github.com/openimis-go/openimis"
)

// FamilyTestCount counts rows, history included, of "table [WHERE ...]", so that a test can
// show that a refused command wrote nothing.
func FamilyTestCount(t testing.TB, db *DB, from string, args ...any) int {
	t.Helper()
	var n int
	if err := db.read.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM "+from, args...).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", from, err)
	}
	return n
}

// FamilyTestCoverageRow is one coverage row of an insuree, current or closed.
type FamilyTestCoverageRow struct {
	PolicyID  imis.ID
	Effective imis.Date
	Expiry    imis.Date
	Current   bool
}

// FamilyTestCoverage returns every coverage row of an insuree, oldest first.
func FamilyTestCoverage(t testing.TB, db *DB, insureeID imis.ID) []FamilyTestCoverageRow {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), `SELECT policy_id, effective_date, expiry_date,
		CASE WHEN validity_to IS NULL THEN 1 ELSE 0 END FROM insuree_policies WHERE insuree_id = $1 ORDER BY validity_from, id`, insureeID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []FamilyTestCoverageRow
	for rows.Next() {
		var r FamilyTestCoverageRow
		var current int
		if err := rows.Scan(&r.PolicyID, &r.Effective, &r.Expiry, &current); err != nil {
			t.Fatal(err)
		}
		r.Current = current == 1
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
