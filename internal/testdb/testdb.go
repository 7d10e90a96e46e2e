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
