package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// Record is one version of a register record with its child rows.
type Record struct {
	ID        imis.ID
	WireID    int64
	Version   int
	ValidFrom time.Time
	ValidTo   *time.Time
	LegacyID  *imis.ID
	Values    imis.Values
	Children  map[string][]imis.Values
}

// columns returns the stored field columns of reg plus the columns derived from them.
func columns(reg *imis.Register) []string {
	cols := make([]string, 0, len(reg.Fields)+2)
	for _, f := range reg.Fields {
		cols = append(cols, f.Name)
	}
	return append(append(cols, derivedColumns[reg.Name]...), "search_text")
}

// derivedColumns are stored beside a register's fields and kept by the store, never entered.
var derivedColumns = map[string][]string{
	imis.Locations.Name:     {"region_id", "district_id", "name_key"},
	imis.Roles.Name:         {"system_code"},
	imis.Users.Name:         {"password_hash"},
	imis.Families.Name:      {"district_id", "source", "source_version"},
	imis.Insurees.Name:      {"district_id", "source", "source_version"},
	imis.Policies.Name:      {"district_id", "source", "source_version"},
	imis.Contributions.Name: {"district_id", "family_id", "product_id", "source", "source_version"},
}

// secretColumns are never copied into history rows.
var secretColumns = map[string]bool{"password_hash": true}

func meta(reg *imis.Register) string {
	m := "t.id, t.version, t.validity_from, t.validity_to, t.legacy_id"
	if reg.WireID {
		m += ", t.wire_id"
	}
	return m
}

func selectList(reg *imis.Register) string {
	cols := columns(reg)
	for i, c := range cols {
		cols[i] = "t." + c
	}
	return meta(reg) + ", " + strings.Join(cols, ", ")
}

// scanRecord reads one row of selectList(reg), followed by any extra columns into extra.
func scanRecord(rows interface{ Scan(...any) error }, reg *imis.Register, extra ...any) (*Record, error) {
	r := &Record{Values: imis.Values{}}
	var validTo sql.NullTime
	var legacy uuid.NullUUID
	var wire sql.NullInt64
	dest := []any{&r.ID, &r.Version, &r.ValidFrom, &validTo, &legacy}
	if reg.WireID {
		dest = append(dest, &wire)
	}
	cols := columns(reg)
	holders := make([]any, len(cols))
	for i, c := range cols {
		f, ok := reg.Field(c)
		if !ok {
			f = imis.Field{Name: c, Kind: derivedKind(c)}
		}
		holders[i] = holderFor(f.Kind)
	}
	if err := rows.Scan(append(append(dest, holders...), extra...)...); err != nil {
		return nil, err
	}
	r.ValidFrom = r.ValidFrom.UTC()
	if validTo.Valid {
		t := validTo.Time.UTC()
		r.ValidTo = &t
	}
	if legacy.Valid {
		r.LegacyID = &legacy.UUID
	}
	r.WireID = wire.Int64
	for i, c := range cols {
		r.Values[c] = holderValue(holders[i])
	}
	return r, nil
}

func derivedKind(col string) imis.FieldKind {
	switch col {
	case "system_code":
		return imis.FieldInt
	case "password_hash", "search_text", "name_key", "source", "source_version":
		return imis.FieldText
	}
	return imis.FieldRef
}

func holderFor(k imis.FieldKind) any {
	switch k {
	case imis.FieldInt, imis.FieldDecimal, imis.FieldMoney, imis.FieldMask, imis.FieldRight:
		return new(sql.NullInt64)
	case imis.FieldDate:
		return new(imis.Date)
	case imis.FieldBool:
		return new(sql.NullBool)
	case imis.FieldRef:
		return new(uuid.NullUUID)
	}
	return new(sql.NullString)
}

func holderValue(h any) any {
	switch x := h.(type) {
	case *sql.NullInt64:
		if x.Valid {
			return x.Int64
		}
	case *imis.Date:
		if !x.IsZero() {
			return *x
		}
	case *sql.NullBool:
		return x.Valid && x.Bool
	case *uuid.NullUUID:
		if x.Valid {
			return x.UUID
		}
	case *sql.NullString:
		if x.Valid {
			return x.String
		}
	}
	return nil
}

// FindByID returns the current record with its child rows, if the acting user may see it.
func (db *DB) FindByID(ctx context.Context, reg *imis.Register, id imis.ID) (*Record, error) {
	return db.findByID(ctx, db.read, reg, id, false)
}

func (db *DB) findByID(ctx context.Context, qr queryer, reg *imis.Register, id imis.ID, writing bool) (*Record, error) {
	var q query
	q.WriteString("SELECT " + selectList(reg) + " FROM " + reg.Table + " t WHERE t.id = " + q.arg(id) +
		" AND t.validity_to IS NULL AND " + scopePredicate(&q, reg, imis.UserFromContext(ctx), writing))
	r, err := scanRecord(qr.QueryRowContext(ctx, q.String(), q.args...), reg)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
		}
		return nil, mapError(err)
	}
	if r.Children, err = loadChildren(ctx, qr, reg, r.ID, nil); err != nil {
		return nil, err
	}
	return r, nil
}

// dayBounds returns the instants that begin day d and the day after it in the scheme's zone.
func (db *DB) dayBounds(d imis.Date) (time.Time, time.Time) {
	zone := db.Zone
	if zone == nil {
		zone = time.Local
	}
	start := time.Date(d.Time().Year(), d.Time().Month(), d.Time().Day(), 0, 0, 0, 0, zone)
	return start.UTC(), start.AddDate(0, 0, 1).UTC()
}

// FindAsOf returns the version of a record that was valid on day d, with the child rows valid
// then: the claim check needs prices and price lists as they were on the service date.
func (db *DB) FindAsOf(ctx context.Context, reg *imis.Register, id imis.ID, d imis.Date) (*Record, error) {
	if _, err := db.FindByID(ctx, reg, id); err != nil && imis.ErrorCode(err) != imis.ENOTFOUND {
		return nil, err
	}
	start, next := db.dayBounds(d)
	var q query
	q.WriteString("SELECT " + selectList(reg) + " FROM " + reg.Table + " t WHERE (t.id = " + q.arg(id) + " OR t.legacy_id = " + q.arg(id) +
		") AND t.validity_from < " + q.arg(next) + " AND (t.validity_to IS NULL OR t.validity_to >= " + q.arg(start) + ")" +
		" AND " + scopePredicate(&q, reg, imis.UserFromContext(ctx), false) + " ORDER BY t.validity_from DESC LIMIT 1")
	r, err := scanRecord(db.read.QueryRowContext(ctx, q.String(), q.args...), reg)
	if err != nil {
		return nil, mapError(err)
	}
	r.Children, err = loadChildren(ctx, db.read, reg, id, &[2]time.Time{start, next})
	return r, err
}

// History returns every version of a record, newest first.
func (db *DB) History(ctx context.Context, reg *imis.Register, id imis.ID) ([]*Record, error) {
	var q query
	q.WriteString("SELECT " + selectList(reg) + " FROM " + reg.Table + " t WHERE (t.id = " + q.arg(id) + " OR t.legacy_id = " + q.arg(id) +
		") AND " + scopePredicate(&q, reg, imis.UserFromContext(ctx), false) + " ORDER BY t.validity_from DESC, t.validity_to DESC")
	return db.readRecords(ctx, reg, &q)
}

// loadChildren reads the child rows of owner: the current ones, or those in force at the end of a
// day, so that a list edited during the day is read as it was left.
func loadChildren(ctx context.Context, qr queryer, reg *imis.Register, owner imis.ID, day *[2]time.Time) (map[string][]imis.Values, error) {
	out := map[string][]imis.Values{}
	for _, c := range reg.Children {
		var q query
		cols := make([]string, len(c.Fields))
		for i, f := range c.Fields {
			cols[i] = f.Name
		}
		q.WriteString("SELECT " + strings.Join(cols, ", ") + " FROM " + c.Table + " WHERE owner_id = " + q.arg(owner))
		if day == nil {
			q.WriteString(" AND validity_to IS NULL")
		} else {
			next := q.arg(day[1])
			q.WriteString(" AND validity_from < " + next + " AND (validity_to IS NULL OR validity_to >= " + next + ")")
		}
		q.WriteString(" ORDER BY validity_from, id")
		rows, err := qr.QueryContext(ctx, q.String(), q.args...)
		if err != nil {
			return nil, mapError(err)
		}
		for rows.Next() {
			holders := make([]any, len(c.Fields))
			for i, f := range c.Fields {
				holders[i] = holderFor(f.Kind)
			}
			if err := rows.Scan(holders...); err != nil {
				rows.Close()
				return nil, mapError(err)
			}
			v := imis.Values{}
			for i, f := range c.Fields {
				v[f.Name] = holderValue(holders[i])
			}
			out[c.Name] = append(out[c.Name], v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapError(err)
		}
	}
	return out, nil
}

// Create stores a new record after checking references, uniqueness and the user's scope.
func (db *DB) Create(ctx context.Context, reg *imis.Register, v imis.Values, children map[string][]imis.Values) (*Record, error) {
	var out *Record
	err := db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.create(ctx, reg, v, children, saveOptions{})
		out = r
		return err
	})
	return out, err
}

func (tx *Tx) create(ctx context.Context, reg *imis.Register, v imis.Values, children map[string][]imis.Values, opts saveOptions) (*Record, error) {
	if err := tx.checkRecord(ctx, reg, imis.NilID, v, children); err != nil {
		return nil, err
	}
	s := &saving{saveOptions: opts, children: children}
	// The hook runs first because it may derive the columns that scoping reads.
	if err := beforeSave(ctx, tx, reg, nil, v, s); err != nil {
		return nil, err
	}
	if err := checkWriteScope(ctx, tx, reg, tx.user, v); err != nil {
		return nil, err
	}
	id := imis.NewID()
	v["search_text"] = reg.SearchText(v)
	r := &Record{ID: id, Version: 1, ValidFrom: tx.now, Values: v, Children: children}
	var q query
	cols := columns(reg)
	ph := make([]string, len(cols))
	for i, c := range cols {
		ph[i] = q.arg(v[c])
	}
	names := "id, version, validity_from, audit_user_id"
	vals := q.arg(id) + ", 1, " + q.arg(tx.now) + ", " + q.arg(tx.auditUser())
	if reg.WireID {
		wire, err := tx.nextWireID(ctx, reg.Table)
		if err != nil {
			return nil, err
		}
		r.WireID = wire
		names += ", wire_id"
		vals += ", " + q.arg(wire)
	}
	q.WriteString("INSERT INTO " + reg.Table + " (" + names + ", " + strings.Join(cols, ", ") + ") VALUES (" + vals + ", " + strings.Join(ph, ", ") + ")")
	if _, err := tx.ExecContext(ctx, q.String(), q.args...); err != nil {
		return nil, tx.explainConflict(reg, v, err)
	}
	if err := tx.reindexWords(ctx, reg, id, "", v.Text("search_text")); err != nil {
		return nil, err
	}
	if err := tx.writeChildren(ctx, reg, id, children); err != nil {
		return nil, err
	}
	if err := afterSave(ctx, tx, reg, r, s); err != nil {
		return nil, err
	}
	return r, tx.audit(ctx, "create", reg, id, nil, r)
}

// nextWireID allocates the next integer id of a table inside the inserting transaction; the
// unique index catches a concurrent allocation, and the transaction is retried.
func (tx *Tx) nextWireID(ctx context.Context, table string) (int64, error) {
	var n int64
	err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(wire_id), 0) + 1 FROM "+table).Scan(&n)
	return n, err
}

func (tx *Tx) auditUser() any {
	if tx.user == nil || tx.user.ID == imis.NilID {
		return nil
	}
	return tx.user.ID
}

// Update replaces the values of a current record. version must be the one the user edited, so
// that two people editing the same record cannot overwrite each other unknowingly.
func (db *DB) Update(ctx context.Context, reg *imis.Register, id imis.ID, version int, v imis.Values, children map[string][]imis.Values) (*Record, error) {
	var out *Record
	err := db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.update(ctx, reg, id, version, v, children, saveOptions{})
		out = r
		return err
	})
	return out, err
}

func (tx *Tx) update(ctx context.Context, reg *imis.Register, id imis.ID, version int, v imis.Values, children map[string][]imis.Values, opts saveOptions) (*Record, error) {
	before, err := tx.db.findByID(ctx, tx, reg, id, true)
	if err != nil {
		return nil, err
	}
	if before.Version != version {
		return nil, imis.Errorf(imis.ECONFLICT, "error.stale_version")
	}
	for _, f := range reg.Fields {
		if f.Immutable || f.Computed {
			v[f.Name] = before.Values[f.Name]
		}
	}
	for _, c := range derivedColumns[reg.Name] {
		if _, set := v[c]; !set {
			v[c] = before.Values[c]
		}
	}
	if children == nil {
		children = before.Children
	}
	if err := tx.checkRecord(ctx, reg, id, v, children); err != nil {
		return nil, err
	}
	s := &saving{saveOptions: opts, children: children}
	if err := beforeSave(ctx, tx, reg, before, v, s); err != nil {
		return nil, err
	}
	if err := checkWriteScope(ctx, tx, reg, tx.user, v); err != nil {
		return nil, err
	}
	if err := tx.copyToHistory(ctx, reg, id); err != nil {
		return nil, err
	}
	v["search_text"] = reg.SearchText(v)
	var q query
	sets := make([]string, 0, len(columns(reg)))
	for _, c := range columns(reg) {
		sets = append(sets, c+" = "+q.arg(v[c]))
	}
	q.WriteString("UPDATE " + reg.Table + " SET version = version + 1, validity_from = " + q.arg(tx.now) + ", audit_user_id = " +
		q.arg(tx.auditUser()) + ", " + strings.Join(sets, ", ") + " WHERE id = " + q.arg(id) + " AND version = " + q.arg(version) + " AND validity_to IS NULL")
	res, err := tx.ExecContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, tx.explainConflict(reg, v, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, imis.Errorf(imis.ECONFLICT, "error.stale_version")
	}
	if err := tx.reindexWords(ctx, reg, id, before.Values.Text("search_text"), v.Text("search_text")); err != nil {
		return nil, err
	}
	if !sameChildren(before.Children, children) {
		if err := tx.closeChildren(ctx, reg, id); err != nil {
			return nil, err
		}
		if err := tx.writeChildren(ctx, reg, id, children); err != nil {
			return nil, err
		}
	}
	after := &Record{ID: id, WireID: before.WireID, Version: version + 1, ValidFrom: tx.now, Values: v, Children: children}
	if err := afterSave(ctx, tx, reg, after, s); err != nil {
		return nil, err
	}
	return after, tx.audit(ctx, "update", reg, id, before, after)
}

// copyToHistory keeps the current state of a record as a history row pointing back at it.
func (tx *Tx) copyToHistory(ctx context.Context, reg *imis.Register, id imis.ID) error {
	var kept []string
	for _, c := range columns(reg) {
		if !secretColumns[c] {
			kept = append(kept, c)
		}
	}
	cols := strings.Join(kept, ", ")
	_, err := tx.ExecContext(ctx, "INSERT INTO "+reg.Table+" (id, legacy_id, version, validity_from, validity_to, audit_user_id, "+cols+
		") SELECT $1, id, version, validity_from, $2, audit_user_id, "+cols+" FROM "+reg.Table+" WHERE id = $3", imis.NewID(), tx.now, id)
	return err
}

// Delete closes a current record after checking that nothing current still refers to it.
func (db *DB) Delete(ctx context.Context, reg *imis.Register, id imis.ID, version int) error {
	return db.inTx(ctx, func(tx *Tx) error {
		before, err := tx.db.findByID(ctx, tx, reg, id, true)
		if err != nil {
			return err
		}
		if before.Version != version {
			return imis.Errorf(imis.ECONFLICT, "error.stale_version")
		}
		return tx.deleteRecord(ctx, reg, before, true)
	})
}

// deleteRecord closes a current record inside a command's transaction: history row, closed live
// row, closed child rows, audit record. checkUse asks whether current records still referring
// to it should stop the delete.
func (tx *Tx) deleteRecord(ctx context.Context, reg *imis.Register, before *Record, checkUse bool) error {
	if checkUse {
		if err := tx.checkUnused(ctx, reg, before.ID); err != nil {
			return err
		}
	}
	if err := beforeDelete(ctx, tx, reg, before); err != nil {
		return err
	}
	if err := tx.copyToHistory(ctx, reg, before.ID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+reg.Table+" SET version = version + 1, validity_from = $1, validity_to = $1, audit_user_id = $2 WHERE id = $3",
		tx.now, tx.auditUser(), before.ID); err != nil {
		return err
	}
	if err := tx.reindexWords(ctx, reg, before.ID, before.Values.Text("search_text"), ""); err != nil {
		return err
	}
	if err := tx.closeChildren(ctx, reg, before.ID); err != nil {
		return err
	}
	return tx.audit(ctx, "delete", reg, before.ID, before, nil)
}

// checkUnused refuses to delete a record that a current record of any register still uses,
// naming one of them so the user knows where to look.
func (tx *Tx) checkUnused(ctx context.Context, reg *imis.Register, id imis.ID) error {
	for _, other := range imis.AllRegisters {
		for _, f := range other.Fields {
			if f.Kind != imis.FieldRef || f.Ref != reg.Name {
				continue
			}
			var label string
			err := tx.QueryRowContext(ctx, "SELECT "+other.Code+" FROM "+other.Table+" WHERE "+f.Name+" = $1 AND validity_to IS NULL AND id <> $1 ORDER BY "+other.Code+" LIMIT 1", id).Scan(&label)
			if err == nil {
				return imis.Errorf(imis.ECONFLICT, "error.in_use", "register."+other.Name, label)
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		for _, c := range other.Children {
			for _, f := range c.Fields {
				if f.Kind != imis.FieldRef || f.Ref != reg.Name {
					continue
				}
				var label string
				err := tx.QueryRowContext(ctx, "SELECT o."+other.Code+" FROM "+c.Table+" c JOIN "+other.Table+" o ON o.id = c.owner_id WHERE c."+f.Name+
					" = $1 AND c.validity_to IS NULL AND o.validity_to IS NULL ORDER BY o."+other.Code+" LIMIT 1", id).Scan(&label)
				if err == nil {
					return imis.Errorf(imis.ECONFLICT, "error.in_use", "register."+other.Name, label)
				} else if !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
		}
	}
	return nil
}

func (tx *Tx) closeChildren(ctx context.Context, reg *imis.Register, owner imis.ID) error {
	for _, c := range reg.Children {
		if _, err := tx.ExecContext(ctx, "UPDATE "+c.Table+" SET validity_to = $1 WHERE owner_id = $2 AND validity_to IS NULL", tx.now, owner); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) writeChildren(ctx context.Context, reg *imis.Register, owner imis.ID, children map[string][]imis.Values) error {
	for _, c := range reg.Children {
		for _, row := range children[c.Name] {
			var q query
			names := []string{"id", "owner_id", "validity_from", "audit_user_id"}
			vals := []string{q.arg(imis.NewID()), q.arg(owner), q.arg(tx.now), q.arg(tx.auditUser())}
			for _, f := range c.Fields {
				names = append(names, f.Name)
				vals = append(vals, q.arg(row[f.Name]))
			}
			q.WriteString("INSERT INTO " + c.Table + " (" + strings.Join(names, ", ") + ") VALUES (" + strings.Join(vals, ", ") + ")")
			if _, err := tx.ExecContext(ctx, q.String(), q.args...); err != nil {
				return err
			}
		}
	}
	return nil
}

func sameChildren(a, b map[string][]imis.Values) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// checkRecord verifies what the database must answer: unique fields are free and references
// point at current records of the right kind that the user may see.
func (tx *Tx) checkRecord(ctx context.Context, reg *imis.Register, self imis.ID, v imis.Values, children map[string][]imis.Values) error {
	p := imis.Problems{}
	for _, f := range reg.Fields {
		if f.Unique && v[f.Name] != nil {
			var n int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+reg.Table+" WHERE "+f.Name+" = $1 AND validity_to IS NULL AND id <> $2", v[f.Name], self).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return duplicateValue(f.Name, v[f.Name])
			}
		}
		if err := tx.checkRef(ctx, f, v[f.Name], self, f.Name, p); err != nil {
			return err
		}
	}
	for _, c := range reg.Children {
		for i, row := range children[c.Name] {
			for _, f := range c.Fields {
				if err := tx.checkRef(ctx, f, row[f.Name], self, imis.ChildKey(c.Name, i, f.Name), p); err != nil {
					return err
				}
			}
		}
	}
	return p.Err()
}

func (tx *Tx) checkRef(ctx context.Context, f imis.Field, v any, self imis.ID, key string, p imis.Problems) error {
	if f.Kind != imis.FieldRef || v == nil {
		return nil
	}
	target := imis.RegisterByName(f.Ref)
	if v == self {
		p.Add(key, "error.self_reference")
		return nil
	}
	// Only a location has a type, which a reference to one may restrict.
	typeColumn := "''"
	if target == imis.Locations {
		typeColumn = "t.type"
	}
	var q query
	q.WriteString("SELECT " + typeColumn + " FROM " + target.Table +
		" t WHERE t.id = " + q.arg(v) + " AND t.validity_to IS NULL AND " + scopePredicate(&q, target, tx.user, false))
	var typ string
	err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) {
		p.Add(key, "error.reference_missing")
		return nil
	} else if err != nil {
		return err
	}
	if f.Levels != "" && !strings.Contains(f.Levels, typ) {
		p.Add(key, "error.location_level", f.Levels)
	}
	return nil
}

// duplicateValue is the answer to a value of a unique field that another current record holds.
func duplicateValue(field string, value any) error {
	return &imis.Error{Code: imis.ECONFLICT, Reason: imis.ReasonDuplicate, Message: "error.duplicate", Args: []any{value},
		Fields: map[string]imis.FieldError{field: {Key: "error.duplicate", Args: []any{value}}}}
}

// explainConflict turns a unique-index violation into a message naming the duplicate value.
func (tx *Tx) explainConflict(reg *imis.Register, v imis.Values, err error) error {
	err = mapError(err)
	var c *conflictError
	if errors.As(err, &c) {
		for _, f := range reg.Fields {
			if f.Unique && c.on(reg.Table, f.Name) {
				return duplicateValue(f.Name, v[f.Name])
			}
		}
		return explainIndexConflict(err, v)
	}
	return err
}

// UpsertByCode saves many records in one transaction: each row whose code exists is updated
// when it differs, the others are created. Any failure leaves the database unchanged; the error
// names the 1-based row.
func (db *DB) UpsertByCode(ctx context.Context, reg *imis.Register, rows []imis.Values) (created, updated int, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		created, updated = 0, 0
		for i, v := range rows {
			var id imis.ID
			var version int
			qerr := tx.QueryRowContext(ctx, "SELECT id, version FROM "+reg.Table+" WHERE "+reg.Code+" = $1 AND validity_to IS NULL", v[reg.Code]).Scan(&id, &version)
			var err error
			switch {
			case errors.Is(qerr, sql.ErrNoRows):
				_, err = tx.create(ctx, reg, v, nil, saveOptions{})
				created++
			case qerr != nil:
				return qerr
			default:
				cur, ferr := tx.db.findByID(ctx, tx, reg, id, true)
				if ferr != nil {
					err = ferr
				} else if !sameValues(reg, cur.Values, v) {
					_, err = tx.update(ctx, reg, id, version, v, nil, saveOptions{})
					updated++
				}
			}
			if err != nil {
				return &imis.Error{Code: imis.ErrorCode(err), Reason: imis.ReasonOf(err), Message: "error.row", Args: []any{i + 1, imis.ErrorMessage(err)},
					Fields: rowFields(err)}
			}
		}
		return nil
	})
	return created, updated, err
}

func sameValues(reg *imis.Register, a, b imis.Values) bool {
	for _, f := range reg.Fields {
		if f.Format(a[f.Name]) != f.Format(b[f.Name]) {
			return false
		}
	}
	return true
}

func rowFields(err error) map[string]imis.FieldError {
	var e *imis.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Duplicates reports the unique fields of v already used by another current record, so a form
// can show them together with its other problems.
func (db *DB) Duplicates(ctx context.Context, reg *imis.Register, self imis.ID, v imis.Values) (imis.Problems, error) {
	p := imis.Problems{}
	for _, f := range reg.Fields {
		if !f.Unique || v[f.Name] == nil {
			continue
		}
		var n int
		if err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+reg.Table+" WHERE "+f.Name+" = $1 AND validity_to IS NULL AND id <> $2", v[f.Name], self).Scan(&n); err != nil {
			return nil, mapError(err)
		}
		if n > 0 {
			p.Add(f.Name, "error.duplicate", v[f.Name])
		}
	}
	return p, nil
}
