// Package store is the only package that writes SQL. The same statements run on embedded
// SQLite and on PostgreSQL; the few differences in DDL live in the two migration directories.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations
var migrationFS embed.FS

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is the scheme's database. Reads go to a pool of connections; on SQLite writes go to a
// single connection, because SQLite allows one writer and queueing in Go beats busy retries.
type DB struct {
	Engine string
	read   reader
	write  *sql.DB
	pool   *pgxpool.Pool
	// prepared keeps the SQLite statements of queryPrepared, by their text.
	prepared sync.Map
	// limits keeps the product limits the enquiry has read, by product version.
	limits limitsCache
	// totals keeps the register totals of the home page (RegisterTotals).
	totals recounted[*RegisterTotals]

	// Now returns the current time; tests replace it to make time-dependent rules deterministic.
	Now func() time.Time
	// Zone is the scheme's time zone, in which business dates begin and end.
	Zone *time.Location
}

// IsPostgres reports whether dsn names a PostgreSQL database rather than a SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqliteReaders is how many connections read a SQLite file at once.
const sqliteReaders = 16

// Open connects to the database named by dsn: a postgres:// URL or a SQLite file path.
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	db := &DB{Now: time.Now, Zone: time.Local}
	if IsPostgres(dsn) {
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("store: bad PostgreSQL URL: %w", err)
		}
		if cfg.MaxConns < 8 {
			cfg.MaxConns = 8
		}
		cfg.AfterConnect = registerUUIDCodec
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		db.Engine, db.pool = Postgres, pool
		db.write = stdlib.OpenDBFromPool(pool)
		db.read = reader{DB: db.write, db: db}
	} else {
		path := strings.TrimPrefix(dsn, "file:")
		if path == "" {
			return nil, errors.New("store: empty database path")
		}
		base := "file:" + (&url.URL{Path: path}).EscapedPath() +
			"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
			"&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)&_time_format=sqlite"
		var err error
		if db.write, err = sql.Open("sqlite", base+"&_txlock=immediate"); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		db.write.SetMaxOpenConns(1)
		read, err := sql.Open("sqlite", base)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		db.read = reader{DB: read, db: db}
		db.read.SetMaxOpenConns(sqliteReaders)
		// database/sql keeps two idle connections by default and closes the others as they
		// come back: each reopening reads the schema again and loses the prepared statements,
		// which under load cost more than the queries.
		db.read.SetMaxIdleConns(sqliteReaders)
		db.Engine = SQLite
	}
	if err := db.read.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: cannot reach the database: %w", err)
	}
	return db, nil
}

// Close releases the connections.
func (db *DB) Close() error {
	var err error
	db.prepared.Range(func(_, stmt any) bool {
		err = errors.Join(err, stmt.(*sql.Stmt).Close())
		return true
	})
	err = errors.Join(err, db.read.Close())
	if db.write != db.read.DB {
		err = errors.Join(err, db.write.Close())
	}
	if db.pool != nil {
		db.pool.Close()
	}
	return err
}

// readRows are the rows of queryPrepared: pgx's own on PostgreSQL, database/sql's on SQLite.
type readRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// sqlRows gives database/sql's rows the Close of readRows; their Err reports what closing found.
type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

// queryPrepared runs a read whose text is one of a few, prepared once. On SQLite the statement
// is kept by its text, since SQLite compiles a statement on every call otherwise and the
// enquiry's takes longer to compile than to run. On PostgreSQL pgx already keeps each
// connection's statements prepared by text, and the read skips database/sql, whose conversion of
// every value through the driver interface cost the enquiry 41 of its 150 allocations.
//
// These reads take about a millisecond, so they are not cancelled with the request: a cancellable
// context makes database/sql start a goroutine per query to watch it, and pgx register a
// callback, work that a read this short never needs.
func (db *DB) queryPrepared(ctx context.Context, text string, args ...any) (readRows, error) {
	ctx = context.WithoutCancel(ctx)
	if db.Engine == Postgres {
		return db.pool.Query(ctx, text, args...)
	}
	stmt, ok := db.prepared.Load(text)
	if !ok {
		fresh, err := db.read.PrepareContext(ctx, text)
		if err != nil {
			return nil, err
		}
		if stmt, ok = db.prepared.LoadOrStore(text, fresh); ok {
			fresh.Close()
		}
	}
	rows, err := stmt.(*sql.Stmt).QueryContext(ctx, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// now returns the current time in UTC at microsecond precision, the finest both engines keep.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// Empty reports whether the database holds no scheme data (no locations and no users).
func (db *DB) Empty(ctx context.Context) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT (SELECT COUNT(*) FROM locations) + (SELECT COUNT(*) FROM users)").Scan(&n)
	return n == 0, mapError(err)
}

// DropAll removes every table, so that a demo database can be rebuilt from scratch. Callers
// must first make sure the database is one the demo built.
func (db *DB) DropAll(ctx context.Context) error {
	list := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if db.Engine == Postgres {
		list = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
	}
	rows, err := db.read.QueryContext(ctx, list)
	if err != nil {
		return mapError(err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return mapError(err)
		}
		tables = append(tables, t)
	}
	rows.Close()
	if db.Engine == SQLite {
		if _, err := db.write.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return mapError(err)
		}
		defer db.write.ExecContext(ctx, "PRAGMA foreign_keys = ON")
	}
	for _, t := range tables {
		stmt := "DROP TABLE IF EXISTS " + t
		if db.Engine == Postgres {
			stmt += " CASCADE"
		}
		if _, err := db.write.ExecContext(ctx, stmt); err != nil {
			return mapError(err)
		}
	}
	return nil
}
