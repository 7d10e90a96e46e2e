package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/openimis-go/openimis"
)

// ErrUnavailable is the error of a request the database could not serve because the connection
// to it was lost, or no new one could be made: the server restarted, shut down or cannot be
// reached. It is nobody's mistake, and the same request may succeed a few seconds later.
var ErrUnavailable = imis.Errorf(imis.EUNAVAILABLE, "error.unavailable")

// unavailableError is a lost connection: it reads as ErrUnavailable and keeps the driver's error
// for the log.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return "store: database unavailable: " + e.err.Error() }

func (e *unavailableError) Unwrap() []error { return []error{ErrUnavailable, e.err} }

// connectionLost reports whether err says that the connection to the database was lost or could
// not be made, rather than that a statement failed on a working one.
func connectionLost(err error) bool {
	if err == nil {
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true // whatever the server answered, no connection could be made
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 is a failed connection. 57P01-57P03 are the server ending sessions as it shuts
		// down (by an administrator, fast or immediately) or refusing them while it starts, and
		// 57P05 ending one that idled too long.
		switch pgErr.Code {
		case "57P01", "57P02", "57P03", "57P05":
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	var netErr *net.OpError
	if errors.As(err, &netErr) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, pgconn.ErrConnClosed) {
		return true
	}
	// The driver's own errors are the ones that can tell it retries safely; among them, an end of
	// input is the server closing the socket without a word.
	var fromDriver interface{ SafeToRetry() bool }
	return errors.As(err, &fromDriver) && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF))
}

// dropConnections closes every pooled connection, each as soon as it is no longer in use. A lost
// connection seldom comes alone: a restart ends them all, and the pool would otherwise hand out
// the dead ones one by one, to one request after another. SQLite has no connection to lose.
func (db *DB) dropConnections() {
	if db.pool != nil {
		db.pool.Reset()
	}
}

// retryRead runs read, and once more on fresh connections when it lost its connection: a read
// changed nothing, so running it again is safe.
func (db *DB) retryRead(read func() error) error {
	err := read()
	if connectionLost(err) {
		db.dropConnections()
		err = read()
	}
	return err
}

// reader is the pool that reads outside a transaction; its reads run again on a fresh connection
// when theirs was lost. A read is retried when its statement fails, not when a row further down
// its answer does: the driver reads the first row with the statement, and losing the connection
// later, in the middle of an answer, is rare enough to be answered as unavailable.
type reader struct {
	*sql.DB
	db *DB
}

func (r reader) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	var rows *sql.Rows
	err := r.db.retryRead(func() (err error) {
		rows, err = r.DB.QueryContext(ctx, query, args...)
		return err
	})
	return rows, err
}

func (r reader) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	var row *sql.Row
	_ = r.db.retryRead(func() error {
		row = r.DB.QueryRowContext(ctx, query, args...)
		return row.Err()
	})
	return row
}

// Ping reports whether the database answers, on a fresh connection when a pooled one was lost.
func (db *DB) Ping(ctx context.Context) error {
	return mapError(db.retryRead(func() error { return db.read.PingContext(ctx) }))
}
