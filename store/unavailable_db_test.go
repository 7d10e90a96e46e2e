package store_test

import (
	"context"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// TestWriteRunsAgainWhenItsConnectionIsLostBeforeCommit ends the writer's own connection in the
// middle of its first transaction, as a restart of PostgreSQL would: the server rolled that
// transaction back, so the write runs once more on a fresh connection and is saved exactly once.
// SQLite has no server to lose; there the same write is saved once as well.
func TestWriteRunsAgainWhenItsConnectionIsLostBeforeCommit(t *testing.T) {
	db, dsn := testdb.OpenDSN(t)
	ctx := imis.SystemContext(context.Background())
	if testdb.Engine() == store.Postgres {
		// The sequence is not transactional, so only the first insert ends its connection.
		testdb.Exec(t, dsn, "CREATE SEQUENCE inserts_seen",
			`CREATE FUNCTION end_first_connection() RETURNS trigger LANGUAGE plpgsql AS
			'BEGIN IF nextval(''inserts_seen'') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF; RETURN NULL; END'`,
			`CREATE TRIGGER end_first_connection AFTER INSERT ON locations FOR EACH ROW EXECUTE FUNCTION end_first_connection()`)
	}
	if _, err := db.Create(ctx, imis.Locations, imis.Values{"code": "RL", "name": "Lost Region", "type": imis.LocationRegion}, nil); err != nil {
		t.Fatalf("create after losing the connection: %v", err)
	}
	recs, total, err := db.Find(ctx, imis.Locations, store.Filter{Fields: map[string]string{"code": "RL"}, Page: imis.Page{Size: 10}})
	if err != nil || total != 1 || len(recs) != 1 {
		t.Fatalf("%d locations coded RL (%v), want 1", total, err)
	}
	if testdb.Engine() == store.Postgres {
		testdb.Exec(t, dsn, `DO 'BEGIN IF (SELECT last_value FROM inserts_seen) <> 2 THEN
			RAISE EXCEPTION ''the insert ran % times, want twice'', (SELECT last_value FROM inserts_seen); END IF; END'`)
	}
}
