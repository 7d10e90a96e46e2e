package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migrate applies the embedded migrations of the engine that have not run yet, each in its own
// transaction, recording them in schema_migrations. Two processes migrating at once cannot both
// apply a file: the second one's insert of the version collides and its transaction rolls back.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	dir := path.Join("migrations", db.Engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		version, err := strconv.ParseInt(strings.SplitN(e.Name(), "_", 2)[0], 10, 64)
		if err != nil {
			return fmt.Errorf("store: migration %s has no numeric prefix", e.Name())
		}
		var n int
		if err := db.write.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
			return fmt.Errorf("store: read schema_migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		if err := db.applyMigration(ctx, version, e.Name(), string(body)); err != nil {
			return fmt.Errorf("store: migration %s: %w", e.Name(), err)
		}
	}
	if err := db.fillNameKeys(ctx); err != nil {
		return fmt.Errorf("store: fill the locations' name keys: %w", err)
	}
	return db.seedPlatform(ctx)
}

// migrationFills write, in the transaction of the migration with their version, the rows its
// SQL cannot compute because the store derives them in Go.
var migrationFills = map[int64]func(ctx context.Context, tx *sql.Tx) error{
	8: fillSearchWords,
}

func (db *DB) applyMigration(ctx context.Context, version int64, name, body string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, stmt := range splitStatements(body) {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%w\n%s", err, stmt)
		}
	}
	if fill := migrationFills[version]; fill != nil {
		if err := fill(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		version, name, db.now().Format("2006-01-02T15:04:05Z")); err != nil {
		return err
	}
	return tx.Commit()
}

// splitStatements splits a migration at semicolons that end a line; our DDL has no semicolons
// inside strings or bodies.
func splitStatements(body string) []string {
	var out []string
	var cur strings.Builder
	for line := range strings.SplitSeq(body, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") || trimmed == "" {
			continue
		}
		cur.WriteString(line + "\n")
		if strings.HasSuffix(trimmed, ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}
