package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/openimis-go/openimis"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Tx is one unit of work. It captures the time once, so every row a command writes carries the
// same timestamp, and the acting user for the audit trail.
type Tx struct {
	*sql.Tx
	db   *DB
	now  time.Time
	user *imis.User
}

type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// inTx runs fn in a write transaction, retrying when the engine reports a serialization failure
// or deadlock, and commits when fn returns nil. A transaction that loses its connection before it
// commits runs once more on a fresh one: the server rolls back what a lost connection left
// unfinished. One that loses it while committing fails with ErrUnavailable, since whether it was
// written cannot be known.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	var err error
	reconnected := false
	for attempt := 0; attempt < 5; attempt++ {
		var committing bool
		committing, err = db.tryTx(ctx, fn)
		if connectionLost(err) && !committing && !reconnected {
			reconnected = true
			db.dropConnections()
			continue
		}
		if !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
	return err
}

// tryTx runs fn in one transaction; committing reports that err is the commit's.
func (db *DB) tryTx(ctx context.Context, fn func(tx *Tx) error) (committing bool, err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return false, mapError(err)
	}
	tx := &Tx{Tx: sqlTx, db: db, now: db.now(), user: imis.UserFromContext(ctx)}
	if err := fn(tx); err != nil {
		// A rule may read a failed statement as the user's mistake (a look-up that found nothing);
		// the rollback tells when the connection was lost instead.
		if rerr := sqlTx.Rollback(); connectionLost(rerr) {
			return false, mapError(rerr)
		}
		return false, mapError(err)
	}
	return true, mapError(sqlTx.Commit())
}

func retryable(err error) bool {
	var c *conflictError
	if errors.As(err, &c) {
		return c.wireID
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		c := sqErr.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

// mapError turns driver errors into domain errors: a unique violation is a conflict, a broken
// reference is invalid input, no rows is not found, a lost connection is ErrUnavailable. Other
// errors stay internal.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var e *imis.Error
	if errors.As(err, &e) || retryable(err) {
		return err
	}
	if connectionLost(err) {
		return &unavailableError{err: err}
	}
	if errors.Is(err, sql.ErrNoRows) {
		return imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return newConflict(pgErr.ConstraintName, err)
		case "23503":
			return imis.Errorf(imis.EINVALID, "error.reference")
		}
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return newConflict(sqErr.Error(), err)
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return imis.Errorf(imis.EINVALID, "error.reference")
		}
	}
	var internal *internalError
	if errors.As(err, &internal) {
		return err
	}
	return &internalError{err: err}
}

// internalError is a database failure that is not the user's doing; it is logged, never shown.
type internalError struct{ err error }

func (e *internalError) Error() string { return "store: " + e.err.Error() }

func (e *internalError) Unwrap() error { return e.err }

// conflictError is a unique-index violation that a caller may turn into a message naming the
// duplicate value; it reads as a conflict to everyone else.
type conflictError struct {
	constraint string
	wireID     bool // two transactions took the same wire id: retrying allocates another
	err        error
}

func newConflict(constraint string, err error) *conflictError {
	return &conflictError{constraint: constraint, err: err, wireID: strings.Contains(constraint, "wire_id")}
}

func (c *conflictError) Error() string { return "conflict: " + c.constraint }

func (c *conflictError) Unwrap() error { return imis.Errorf(imis.ECONFLICT, "error.conflict") }

// on reports whether the violated index is table's unique index on column: PostgreSQL names the
// index (table_column), SQLite the column (table.column).
func (c *conflictError) on(table, column string) bool {
	return strings.Contains(c.constraint, table+"_"+column) || strings.Contains(c.constraint, table+"."+column)
}
