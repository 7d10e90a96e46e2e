package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/openimis-go/openimis"
)

// Bulk loading limits. A buffered table is written once it holds flushRows rows; on SQLite one
// INSERT carries at most sqliteRowsPerInsert rows and never more than sqliteMaxVariables
// parameters (SQLite's compiled-in limit).
const (
	flushRows           = 5000
	sqliteRowsPerInsert = 500
	sqliteMaxVariables  = 32766
)

// ActionBulkRun is the audit action of a bulk run.
const ActionBulkRun = "bulk-run"

// Bulk loads many rows in one transaction, the one engine-specific write path the contract
// allows: COPY through pgx on PostgreSQL, multi-row INSERT on SQLite. fill adds the rows through
// the Loader; everything it adds commits together with a single audit record (register = kind,
// action "bulk-run", after = params plus the row counts under "counts", record and run id = the
// run's id, so AuditTrail(runID) finds it), or nothing is written at all.
//
// Rows are written as they are given: no register rules, hooks or history run (the store only
// adds the records' search words), so the caller computes derived columns itself and stamps the
// rows with RunID (source_version) so that they can be traced to the run. Tables are written in
// the order of their first row, so parents must be added before the children that refer to them.
// On SQLite fill must not write through db itself: the run holds the only write connection until
// it ends.
func (db *DB) Bulk(ctx context.Context, kind string, params map[string]any, fill func(l *Loader) error) (runID imis.ID, counts map[string]int, err error) {
	l := &Loader{ctx: ctx, db: db, runID: imis.NewID(), now: db.now(), user: imis.UserFromContext(ctx),
		tables: map[string]*bulkTable{}, counts: map[string]int{}}
	if db.Engine == Postgres {
		err = l.runPostgres(kind, params, fill)
	} else {
		err = l.runSQLite(kind, params, fill)
	}
	if err != nil {
		return imis.NilID, nil, err
	}
	return l.runID, l.counts, nil
}

// Loader buffers the rows of one bulk run and writes them table by table.
type Loader struct {
	ctx   context.Context
	db    *DB
	runID imis.ID
	now   time.Time
	user  *imis.User

	tables map[string]*bulkTable
	order  []*bulkTable // tables in the order of their first row: parents before children
	counts map[string]int
	words  []searchWord // the search words of the rows added, not yet buffered

	sqlTx *sql.Tx // SQLite
	pgTx  pgx.Tx  // PostgreSQL
}

// bulkTable is the buffer of one table.
type bulkTable struct {
	name    string
	columns []string
	rows    [][]any
	stmt    *sql.Stmt // SQLite: the prepared full-size INSERT for columns
	stmtN   int       // rows per statement of stmt
}

// RunID is the id of the run, which the audit record carries and the rows should too.
func (l *Loader) RunID() imis.ID { return l.runID }

// Now is the time of the run, the same for every row, as a command's transaction time is.
func (l *Loader) Now() time.Time { return l.now }

// Counts returns the rows added so far per table, buffered or written.
func (l *Loader) Counts() map[string]int { return maps.Clone(l.counts) }

// Add buffers one row of table. Values may be imis.ID (or uuid.NullUUID), imis.Date, imis.Money,
// integers, strings, bools, time.Time and nil; each is converted to what the engine's bulk path
// needs. A table's buffer is written when it reaches 5,000 rows, after the buffers of the tables
// that got their first row before it. A current row of a register also adds its search words.
func (l *Loader) Add(table string, columns []string, row ...any) error {
	vals, err := l.buffer(table, columns, row)
	if err != nil {
		return err
	}
	l.counts[table]++
	return l.holdSearchWords(table, columns, vals)
}

// buffer converts and buffers one row of table, writing the buffers up to it once it is full,
// and returns the converted row.
func (l *Loader) buffer(table string, columns []string, row []any) ([]any, error) {
	if len(row) != len(columns) {
		return nil, fmt.Errorf("store: bulk row of %s has %d values for %d columns", table, len(row), len(columns))
	}
	t := l.tables[table]
	if t == nil || !sameColumns(t.columns, columns) {
		if !identifier(table) {
			return nil, fmt.Errorf("store: bulk table name %q", table)
		}
		for _, c := range columns {
			if !identifier(c) {
				return nil, fmt.Errorf("store: bulk column name %q of %s", c, table)
			}
		}
	}
	if t == nil {
		t = &bulkTable{name: table, columns: append([]string(nil), columns...)}
		l.tables[table] = t
		l.order = append(l.order, t)
	} else if !sameColumns(t.columns, columns) {
		// Another column list for the same table: write what is buffered under the old one.
		if err := l.flushUpTo(t); err != nil {
			return nil, err
		}
		if t.stmt != nil {
			t.stmt.Close()
			t.stmt = nil
		}
		t.columns = append([]string(nil), columns...)
	}
	vals := make([]any, len(row))
	for i, v := range row {
		c, err := l.convert(v)
		if err != nil {
			return nil, fmt.Errorf("store: bulk %s.%s: %w", table, columns[i], err)
		}
		vals[i] = c
	}
	t.rows = append(t.rows, vals)
	if len(t.rows) >= flushRows {
		return vals, l.flushUpTo(t)
	}
	return vals, nil
}

// AddValues buffers one row of table given by column name, as the builders of derived rows give
// them (imis.CoverageRow, imis.PolicyFigures.Values, ...); a column missing from v is NULL.
func (l *Loader) AddValues(table string, columns []string, v imis.Values) error {
	row := make([]any, len(columns))
	for i, c := range columns {
		row[i] = v[c]
	}
	return l.Add(table, columns, row...)
}

// convert turns a Go value into what the engine's bulk path encodes. Ids become their text,
// which pgx's binary COPY encodes into UUID and TEXT columns alike (a [16]byte fits UUID only)
// and which is how SQLite stores them; dates become time.Time for PostgreSQL's DATE columns and
// YYYY-MM-DD text on SQLite; Money and other integer types become int64.
func (l *Loader) convert(v any) (any, error) {
	pg := l.db.Engine == Postgres
	switch x := v.(type) {
	case nil:
		return nil, nil
	case uuid.UUID:
		return x.String(), nil
	case *uuid.UUID:
		if x == nil {
			return nil, nil
		}
		return l.convert(*x)
	case uuid.NullUUID:
		if !x.Valid {
			return nil, nil
		}
		return l.convert(x.UUID)
	case imis.Date:
		if x.IsZero() {
			return nil, nil
		}
		if pg {
			return x.Time(), nil
		}
		return x.String(), nil
	case *imis.Date:
		if x == nil {
			return nil, nil
		}
		return l.convert(*x)
	case imis.Money:
		return int64(x), nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64, string, bool, float64, []byte:
		return x, nil
	case time.Time:
		return x.UTC().Truncate(time.Microsecond), nil
	case *string:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	case *int64:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	}
	return nil, fmt.Errorf("unsupported value of type %T", v)
}

// flushUpTo writes the buffers of every table that got its first row no later than t, in that
// order, so a child row is never written before the parent row it refers to.
func (l *Loader) flushUpTo(t *bulkTable) error {
	for _, o := range l.order {
		if err := l.flush(o); err != nil {
			return err
		}
		if o == t {
			return nil
		}
	}
	return nil
}

func (l *Loader) flush(t *bulkTable) error {
	if len(t.rows) == 0 {
		return nil
	}
	var err error
	if l.pgTx != nil {
		_, err = l.pgTx.CopyFrom(l.ctx, pgx.Identifier{t.name}, t.columns, pgx.CopyFromRows(t.rows))
	} else {
		err = l.insertSQLite(t)
	}
	if err != nil {
		return fmt.Errorf("store: bulk %s: %w", t.name, mapError(err))
	}
	clear(t.rows)
	t.rows = t.rows[:0]
	return nil
}

// insertSQLite writes the buffer of t with as few INSERT statements as the limits allow; the
// statement for a full batch is prepared once per table.
func (l *Loader) insertSQLite(t *bulkTable) error {
	per := max(1, min(sqliteRowsPerInsert, sqliteMaxVariables/len(t.columns)))
	rows := t.rows
	for len(rows) > 0 {
		n := min(per, len(rows))
		args := make([]any, 0, n*len(t.columns))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		var err error
		if n == per {
			if t.stmt == nil || t.stmtN != per {
				if t.stmt, err = l.sqlTx.PrepareContext(l.ctx, insertSQL(t.name, t.columns, per)); err != nil {
					return err
				}
				t.stmtN = per
			}
			_, err = t.stmt.ExecContext(l.ctx, args...)
		} else {
			_, err = l.sqlTx.ExecContext(l.ctx, insertSQL(t.name, t.columns, n), args...)
		}
		if err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// insertSQL is a multi-row INSERT of n rows with ? placeholders.
func insertSQL(table string, columns []string, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(columns)), ", ") + ")"
	var b strings.Builder
	b.Grow(len(table) + 32 + 12*len(columns) + n*(len(one)+2))
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// finish writes what is still buffered or held, in table order.
func (l *Loader) finish() error {
	if err := l.writeSearchWords(); err != nil {
		return err
	}
	for _, t := range l.order {
		if err := l.flush(t); err != nil {
			return err
		}
	}
	return nil
}

func (l *Loader) closeStatements() {
	for _, t := range l.order {
		if t.stmt != nil {
			t.stmt.Close()
			t.stmt = nil
		}
	}
}

// auditRecord returns the values of the run's audit row: the run is the record, so the run's
// entry is found by its id like any record's.
func (l *Loader) auditRecord(kind string, params map[string]any) (login string, user any, after string, err error) {
	doc := maps.Clone(params)
	if doc == nil {
		doc = map[string]any{}
	}
	doc["counts"] = l.counts
	j, err := json.Marshal(doc)
	if err != nil {
		return "", nil, "", fmt.Errorf("store: bulk run parameters: %w", err)
	}
	login = "system"
	if l.user != nil {
		login = l.user.Login
		if l.user.ID != imis.NilID {
			user = l.user.ID
		}
	}
	return login, user, string(j), nil
}

const bulkAuditSQL = `INSERT INTO audit_log (id, at, user_id, user_login, action, register, record_id, before_json, after_json, run_id)
	VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $7)`

func (l *Loader) runSQLite(kind string, params map[string]any, fill func(l *Loader) error) error {
	tx, err := l.db.write.BeginTx(l.ctx, nil)
	if err != nil {
		return mapError(err)
	}
	l.sqlTx = tx
	defer l.closeStatements()
	err = fill(l)
	if err == nil {
		err = l.finish()
	}
	var login, after string
	var user any
	if err == nil {
		login, user, after, err = l.auditRecord(kind, params)
	}
	if err == nil {
		_, err = tx.ExecContext(l.ctx, bulkAuditSQL, imis.NewID().String(), l.now, userText(user), login, ActionBulkRun, kind, l.runID.String(), after)
		err = mapError(err)
	}
	if err != nil {
		l.closeStatements()
		_ = tx.Rollback()
		return err
	}
	l.closeStatements()
	return mapError(tx.Commit())
}

func userText(u any) any {
	if id, ok := u.(imis.ID); ok {
		return id.String()
	}
	return nil
}

func (l *Loader) runPostgres(kind string, params map[string]any, fill func(l *Loader) error) error {
	if l.db.pool == nil {
		return errors.New("store: bulk run without a PostgreSQL pool")
	}
	conn, err := l.db.pool.Acquire(l.ctx)
	if err != nil {
		return mapError(err)
	}
	defer conn.Release()
	tx, err := conn.Begin(l.ctx)
	if err != nil {
		return mapError(err)
	}
	l.pgTx = tx
	err = fill(l)
	if err == nil {
		err = l.finish()
	}
	var login, after string
	var user any
	if err == nil {
		login, user, after, err = l.auditRecord(kind, params)
	}
	if err == nil {
		_, err = tx.Exec(l.ctx, bulkAuditSQL, imis.NewID(), l.now, user, login, ActionBulkRun, kind, l.runID, after)
		err = mapError(err)
	}
	if err != nil {
		// A cancelled context must not keep the rollback from reaching the server.
		_ = tx.Rollback(context.WithoutCancel(l.ctx))
		return err
	}
	return mapError(tx.Commit(l.ctx))
}

// identifier accepts the plain lower-case SQL names the schema uses, since table and column
// names are written into the statements.
func identifier(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

func sameColumns(a, b []string) bool { return slices.Equal(a, b) }
