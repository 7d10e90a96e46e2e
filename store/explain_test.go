package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// QueryPlan returns the plan the engine chooses for the statement text with its args, one line
// per step. PostgreSQL is told to avoid sequential scans, which it rightly prefers for a test's
// handful of rows: a plan that still has one had no index it could use. SQLite plans without
// statistics, by the indexes alone.
func QueryPlan(ctx context.Context, db *DB, text string, args ...any) (string, error) {
	conn, err := db.read.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	explain := "EXPLAIN QUERY PLAN "
	if db.Engine == Postgres {
		if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
			return "", err
		}
		defer conn.ExecContext(ctx, "RESET enable_seqscan")
		explain = "EXPLAIN "
	}
	rows, err := conn.QueryContext(ctx, explain+text, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var plan []string
	for rows.Next() {
		cells := make([]any, len(cols))
		for i := range cells {
			cells[i] = new(any)
		}
		if err := rows.Scan(cells...); err != nil {
			return "", err
		}
		// PostgreSQL gives one column of text; SQLite's step is its last column, "detail".
		plan = append(plan, fmt.Sprint(*(cells[len(cells)-1].(*any))))
	}
	return strings.Join(plan, "\n"), rows.Err()
}

// Analyze gives PostgreSQL's planner the row counts of the test's data, as autovacuum does in
// production; without them it takes every table for a few rows and may walk a whole index where
// a lookup serves. SQLite plans without statistics, as it does in production, where the store
// never runs ANALYZE.
func Analyze(ctx context.Context, db *DB) error {
	if db.Engine != Postgres {
		return nil
	}
	_, err := db.write.ExecContext(ctx, "ANALYZE")
	return err
}

// growingTables are the tables that grow with the scheme's population, which no query a page
// runs may read whole.
const growingTables = `insurees|families|policies|premiums|policy_renewals`

var (
	pgFullScan     = regexp.MustCompile(`Seq Scan on (` + growingTables + `)\b`)
	tableAlias     = regexp.MustCompile(`(?i)\b(` + growingTables + `)(?:\s+AS)?\s+([a-z_]\w*)`)
	sqliteFullScan = regexp.MustCompile(`^\s*SCAN (\w+)$`)
	notAlias       = map[string]bool{"where": true, "join": true, "left": true, "inner": true, "on": true, "group": true,
		"order": true, "limit": true, "set": true, "using": true, "union": true, "values": true}
)

// FullScans returns the steps of plan, the plan of the statement text, that read the whole of a
// table that grows with the scheme: a Seq Scan on PostgreSQL, a SCAN of the table on SQLite,
// which names it by its alias in text when it has one. A walk along a whole index is not one: it
// is how a list ordered by an index reads its first page, and PostgreSQL, told to avoid
// sequential scans, also takes it for the join of a test's handful of rows. A test that must rule
// it out checks that the plan names the index it expects.
func FullScans(text, plan string) []string {
	var out []string
	names := map[string]bool{}
	for _, t := range strings.Split(growingTables, "|") {
		names[t] = true
	}
	for _, m := range tableAlias.FindAllStringSubmatch(text, -1) {
		if alias := strings.ToLower(m[2]); !notAlias[alias] {
			names[alias] = true
		}
	}
	for _, step := range strings.Split(plan, "\n") {
		m := sqliteFullScan.FindStringSubmatch(step)
		if pgFullScan.MatchString(step) || (m != nil && names[strings.ToLower(m[1])]) {
			out = append(out, strings.TrimSpace(step))
		}
	}
	return out
}
