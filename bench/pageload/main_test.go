package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/app"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// TestRunOpensEveryPage runs the load test briefly on a small demo, so that a screen that moves
// or a login form that changes breaks this test rather than the next measurement: both users log
// in, every page of the mix answers them, and the district user is kept out of the
// administration registers only.
func TestRunOpensEveryPage(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	if _, err := demo.Build(ctx, db, demo.Options{Seed: 1, Families: 60}); err != nil {
		t.Fatal(err)
	}
	h, err := app.NewHandler(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), db, app.HandlerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	var out strings.Builder
	c := config{base: srv.URL, users: 4, duration: 300 * time.Millisecond, timeout: 10 * time.Second,
		admin: "Admin:admin123", district: "Clerk:demo123", seed: 1}
	if err := run(t.Context(), c, &out); err != nil {
		t.Fatal(err)
	}
	table := out.String()
	if strings.Contains(table, "error") && !strings.Contains(table, " 0 errors (0 not answered") || strings.Contains(table, "first error") {
		t.Errorf("pages failed:\n%s", table)
	}
	rows := map[string]int{}
	for line := range strings.SplitSeq(table, "\n") {
		if cells := strings.Split(line, " | "); len(cells) > 2 && strings.HasPrefix(cells[0], "| `") {
			rows[cells[1]]++
		}
	}
	admin, clerk := rows["Admin"], rows["Clerk"]
	if admin < 35 || clerk < 20 || admin-clerk != 16 {
		t.Errorf("%d pages as Admin, %d as Clerk; want every page, and the 16 of the administration registers for Admin only:\n%s", admin, clerk, table)
	}
}
