// Package testdb gives tests a real, migrated database: a fresh SQLite file by default, or a
// PostgreSQL database cloned from a migrated template when IMIS_TEST_DSN names a server.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver for administrative statements
	"github.com/openimis-go/openimis/store"
)

// DSNEnv names the variable holding a PostgreSQL URL with the right to create databases.
const DSNEnv = "IMIS_TEST_DSN"

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// Open returns a migrated database of its own for the test, removed when the test ends.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	db, _ := OpenDSN(tb)
	return db
}

// OpenDSN is Open that also returns the DSN, for tests that start the whole program on it.
func OpenDSN(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	ctx := context.Background()
	dsn := NewDSN(tb)
	db, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if !store.IsPostgres(dsn) {
		if err := db.Migrate(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	return db, dsn
}

// Engine returns the engine the tests of this run use.
func Engine() string {
	if os.Getenv(DSNEnv) != "" {
		return store.Postgres
	}
	return store.SQLite
}

// NewDSN returns the DSN of an empty, migrated database for the test (SQLite: a path that
// Open migrates; PostgreSQL: a clone of the migrated template).
func NewDSN(tb testing.TB) string {
	tb.Helper()
	admin := os.Getenv(DSNEnv)
	if admin == "" {
		if os.Getenv("IMIS_TEST_ENGINE") == store.Postgres {
			tb.Fatalf("IMIS_TEST_ENGINE=postgres but %s is empty", DSNEnv)
		}
		return filepath.Join(tb.TempDir(), "test.db")
	}
	templateOnce.Do(func() { templateName, templateErr = makeTemplate(admin) })
	if templateErr != nil {
		tb.Fatal(templateErr)
	}
	name := "t_" + randomName()
	if err := adminExec(admin, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, templateName)); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = adminExec(admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return withDatabase(admin, name)
}

// EndConnections ends every connection to the PostgreSQL database of dsn, as a restart of the
// server does, from a connection to the server's own database, and returns how many it ended.
// SQLite has no server whose connections could end, so there it ends none.
func EndConnections(tb testing.TB, dsn string) int {
	tb.Helper()
	if !store.IsPostgres(dsn) {
		return 0
	}
	db, err := sql.Open("pgx", os.Getenv(DSNEnv))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", databaseName(dsn))
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var ended bool
		if err := rows.Scan(&ended); err != nil {
			tb.Fatal(err)
		}
		if ended {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return n
}

// AllowConnections makes the PostgreSQL database of dsn accept new connections, or refuse them
// all as a server does while it restarts. It does nothing on SQLite.
func AllowConnections(tb testing.TB, dsn string, allow bool) {
	tb.Helper()
	if !store.IsPostgres(dsn) {
		return
	}
	if err := adminExec(os.Getenv(DSNEnv), fmt.Sprintf("ALTER DATABASE %s WITH ALLOW_CONNECTIONS %t", databaseName(dsn), allow)); err != nil {
		tb.Fatal(err)
	}
}

// Exec runs statements on the PostgreSQL database of dsn over a connection of its own, for a test
// that makes the server behave as the store never asks it to.
func Exec(tb testing.TB, dsn string, stmts ...string) {
	tb.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			tb.Fatalf("%s: %v", s, err)
		}
	}
}

// makeTemplate creates and migrates one template database per test binary (package); each test
// then clones it, which is much faster than migrating every time.
func makeTemplate(admin string) (string, error) {
	name := "tmpl_" + randomName()
	if err := adminExec(admin, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	ctx := context.Background()
	db, err := store.Open(ctx, withDatabase(admin, name))
	if err != nil {
		return "", err
	}
	err = db.Migrate(ctx)
	db.Close()
	return name, err
}

// DropTemplate removes the package's template database; TestMain calls it after the tests.
func DropTemplate() {
	if admin := os.Getenv(DSNEnv); admin != "" && templateName != "" {
		_ = adminExec(admin, "DROP DATABASE IF EXISTS "+templateName+" WITH (FORCE)")
	}
}

func adminExec(admin, stmt string) error {
	db, err := sql.Open("pgx", admin)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(stmt)
	return err
}

func databaseName(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(u.Path, "/")
}

func withDatabase(dsn, name string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.Path = "/" + name
	return u.String()
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Main runs a package's tests and removes its template database afterwards.
func Main(m *testing.M) {
	code := m.Run()
	DropTemplate()
	os.Exit(code)
}
