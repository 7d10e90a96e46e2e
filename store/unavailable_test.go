package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/openimis-go/openimis"
)

// TestLostConnectionReadsAsUnavailable checks which driver errors say that the connection to the
// database was lost, or could not be made, and that the store reports them as ErrUnavailable with
// the driver's error kept for the log; failures of a working connection stay what they were.
func TestLostConnectionReadsAsUnavailable(t *testing.T) {
	lost := map[string]error{
		"ended by an administrator (57P01)":   &pgconn.PgError{Severity: "FATAL", Code: "57P01"},
		"crash shutdown (57P02)":              &pgconn.PgError{Severity: "FATAL", Code: "57P02"},
		"cannot connect now (57P03)":          &pgconn.PgError{Severity: "FATAL", Code: "57P03"},
		"idle session timeout (57P05)":        &pgconn.PgError{Severity: "FATAL", Code: "57P05"},
		"connection failure (08006)":          &pgconn.PgError{Severity: "FATAL", Code: "08006"},
		"connection refused by the server":    &pgconn.ConnectError{},
		"reset by the peer":                   &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET},
		"a bad connection for database/sql":   driver.ErrBadConn,
		"a connection the driver had closed":  fmt.Errorf("query: %w", pgconn.ErrConnClosed),
		"a statement wrapped around the loss": fmt.Errorf("find: %w", &pgconn.PgError{Code: "57P01"}),
	}
	for name, err := range lost {
		if !connectionLost(err) {
			t.Errorf("%s: not seen as a lost connection", name)
		}
		mapped := mapError(err)
		if !errors.Is(mapped, ErrUnavailable) || imis.ErrorCode(mapped) != imis.EUNAVAILABLE || !errors.Is(mapped, err) {
			t.Errorf("%s: mapped to %#v, want ErrUnavailable keeping the driver's error", name, mapped)
		}
	}
	working := map[string]error{
		"a unique violation":     &pgconn.PgError{Code: "23505"},
		"a serialization error":  &pgconn.PgError{Code: "40001"},
		"a statement timeout":    &pgconn.PgError{Code: "57014"},
		"no rows":                sql.ErrNoRows,
		"a cancelled request":    context.Canceled,
		"the end of a file read": io.EOF,
		"something else":         errors.New("disk full"),
	}
	for name, err := range working {
		if connectionLost(err) {
			t.Errorf("%s: seen as a lost connection", name)
		}
		if errors.Is(mapError(err), ErrUnavailable) {
			t.Errorf("%s: mapped to ErrUnavailable", name)
		}
	}
}

// TestReadRunsOnceMoreWhenItsConnectionIsLost checks that a read losing its connection runs once
// more, and only once, and that other failures are not retried.
func TestReadRunsOnceMoreWhenItsConnectionIsLost(t *testing.T) {
	db := &DB{Engine: SQLite}
	lost := &pgconn.PgError{Severity: "FATAL", Code: "57P01"}
	cases := []struct {
		name      string
		failures  []error // what the read returns on each run
		wantRuns  int
		wantError error
	}{
		{"lost once", []error{lost, nil}, 2, nil},
		{"lost twice", []error{lost, lost}, 2, lost},
		{"failed otherwise", []error{sql.ErrNoRows, nil}, 1, sql.ErrNoRows},
		{"succeeded", []error{nil}, 1, nil},
	}
	for _, c := range cases {
		runs := 0
		err := db.retryRead(func() error {
			runs++
			return c.failures[runs-1]
		})
		if runs != c.wantRuns || !errors.Is(err, c.wantError) || (c.wantError == nil) != (err == nil) {
			t.Errorf("%s: %d runs ending with %v, want %d ending with %v", c.name, runs, err, c.wantRuns, c.wantError)
		}
	}
}
