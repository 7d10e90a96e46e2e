package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/openimis-go/openimis"
)

// AuditEntry is one change in the audit trail: who did what to which record, with the record's
// state before and after.
type AuditEntry struct {
	ID        imis.ID
	At        time.Time
	UserLogin string
	Action    string
	Register  string
	RecordID  *imis.ID
	Before    map[string]any
	After     map[string]any
}

// snapshot renders a record as plain JSON-able values for the audit trail.
func snapshot(reg *imis.Register, r *Record) map[string]any {
	if r == nil {
		return nil
	}
	out := map[string]any{}
	for _, f := range reg.Fields {
		out[f.Name] = f.Format(r.Values[f.Name])
	}
	for _, c := range reg.Children {
		var rows []map[string]string
		for _, row := range r.Children[c.Name] {
			m := map[string]string{}
			for _, f := range c.Fields {
				m[f.Name] = f.Format(row[f.Name])
			}
			rows = append(rows, m)
		}
		out[c.Name] = rows
	}
	return out
}

func (tx *Tx) audit(ctx context.Context, action string, reg *imis.Register, id imis.ID, before, after *Record) error {
	return tx.auditRaw(ctx, action, reg.Name, &id, snapshot(reg, before), snapshot(reg, after))
}

func (tx *Tx) auditRaw(ctx context.Context, action, register string, id *imis.ID, before, after map[string]any) error {
	var b, a any
	if before != nil {
		j, _ := json.Marshal(before)
		b = string(j)
	}
	if after != nil {
		j, _ := json.Marshal(after)
		a = string(j)
	}
	login := "system"
	if tx.user != nil {
		login = tx.user.Login
	}
	var rid any
	if id != nil {
		rid = *id
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, at, user_id, user_login, action, register, record_id, before_json, after_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, imis.NewID(), tx.now, tx.auditUser(), login, action, register, rid, b, a)
	return err
}

// AuditTrail returns the audit entries of one record, newest first.
func (db *DB) AuditTrail(ctx context.Context, id imis.ID) ([]AuditEntry, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, user_login, action, register, before_json, after_json
		FROM audit_log WHERE record_id = $1 ORDER BY at DESC, id DESC`, id)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var before, after *string
		if err := rows.Scan(&e.ID, &e.At, &e.UserLogin, &e.Action, &e.Register, &before, &after); err != nil {
			return nil, mapError(err)
		}
		e.RecordID = &id
		if before != nil {
			_ = json.Unmarshal([]byte(*before), &e.Before)
		}
		if after != nil {
			_ = json.Unmarshal([]byte(*after), &e.After)
		}
		out = append(out, e)
	}
	return out, mapError(rows.Err())
}
