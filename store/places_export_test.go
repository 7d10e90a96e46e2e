package store

import (
	"context"

	"github.com/openimis-go/openimis"
)

// PlaceSearchPlan returns the engine's plan of the place search on key column col (0: code,
// 1: name) as the user would run it, so that a test can see which index answers it.
func PlaceSearchPlan(ctx context.Context, db *DB, u *imis.User, col int, text, levels string) (string, error) {
	q := placeSearch(u, placeKeys[col], text, placeTypes(levels), nil)
	return QueryPlan(ctx, db, q.String(), q.args...)
}
