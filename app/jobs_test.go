package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// TestJobsRunExpire runs the expiry job from the command line over a database holding one
// policy past its expiry date, and checks the policy is then Expired.
func TestJobsRunExpire(t *testing.T) {
	dsn := testdb.NewDSN(t)
	if _, _, err := run(t, "", "migrate", "--db", dsn); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "", "jobs", "run", "expire", "--db", dsn)
	if err != nil || !strings.Contains(out, "expire: 0 policies expired") {
		t.Fatalf("empty database: %q %v", out, err)
	}
	if _, _, err := run(t, "", "jobs", "run", "nothing", "--db", dsn); err == nil {
		t.Fatal("an unknown job was accepted")
	}
	if out, _, err := run(t, "", "jobs", "run", "expire", "--help"); err != nil || !strings.Contains(out, "Usage: openimis jobs run expire") {
		t.Fatalf("help: %q %v", out, err)
	}
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n, err := db.ExpirePolicies(imis.SystemContext(context.Background()), imis.DateOf(time.Now()))
	if err != nil || n != 0 {
		t.Fatalf("a second run on the same day expired %d: %v", n, err)
	}
}
