package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestSQLiteKeepsItsReadConnections checks that the read connections a burst of requests opened
// stay open for the next burst: reopening a SQLite connection reads the schema again and
// prepares its statements anew.
func TestSQLiteKeepsItsReadConnections(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "pool.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const burst = 8
	for round := range 2 {
		var held []*sql.Conn
		for range burst {
			c, err := db.read.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
		}
		for _, c := range held {
			c.Close()
		}
		if s := db.read.Stats(); s.Idle != burst || s.OpenConnections != burst {
			t.Errorf("after burst %d of %d: %d connections open, %d idle; want all %d kept", round+1, burst, s.OpenConnections, s.Idle, burst)
		}
	}
}
