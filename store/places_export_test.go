package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/openimis-go/openimis"
)

// PlaceSearchPlan returns the engine's plan of the place search on key column col (0: code,
// 1: name) as the user would run it, so that a test can see which index answers it. PostgreSQL is
// told to avoid full scans, which it rightly prefers for a test's handful of rows.
func PlaceSearchPlan(ctx context.Context, db *DB, u *imis.User, col int, text, levels string) (string, error) {
	q := placeSearch(u, placeKeys[col], text, placeTypes(levels), nil)
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
	rows, err := conn.QueryContext(ctx, explain+q.String(), q.args...)
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
		line := *(cells[len(cells)-1].(*any))
		plan = append(plan, fmt.Sprint(line))
	}
	return strings.Join(plan, "\n"), rows.Err()
}
