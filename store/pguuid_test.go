package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// TestUUIDsReadBack checks that UUIDs and NULLs come back right through the enquiry's read path,
// and that on PostgreSQL they are copied from the binary form rather than parsed from text.
func TestUUIDsReadBack(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	id := uuid.MustParse("0f3c9a52-7d1e-4b8a-9c2d-5e6f7a8b9c0d")
	a, none, b, err := store.ReadUUIDs(ctx, db, id)
	if err != nil {
		t.Fatal(err)
	}
	if a != id || none.Valid || !b.Valid || b.UUID != id {
		t.Errorf("read back %v, %v, %v; want %v, NULL, %v", a, none, b, id, id)
	}
	plans, err := store.UUIDScanPlans(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"store.scanBinaryUUID", "store.scanBinaryNullUUID"}; db.Engine == store.Postgres && !slices.Equal(plans, want) {
		t.Errorf("scan plans %v, want %v", plans, want)
	}
}
