package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/openimis-go/openimis"
)

// Option is a record offered in a pick list, or named in a list of references.
type Option struct {
	ID    imis.ID
	Label string
}

func labelExpr(reg *imis.Register) string {
	if reg.Code == reg.Title {
		return "t." + reg.Code
	}
	return "t." + reg.Code + " || ' ' || t." + reg.Title
}

// Options returns the current records of reg that the user may see, as pick-list entries.
// Locations are not offered this way: place pickers look them up (FindPlaces, BrowsePlaces).
func (db *DB) Options(ctx context.Context, reg *imis.Register, limit int) ([]Option, error) {
	var q query
	q.WriteString("SELECT t.id, " + labelExpr(reg) + " FROM " + reg.Table + " t WHERE t.validity_to IS NULL AND " +
		scopePredicate(&q, reg, imis.UserFromContext(ctx), false))
	q.WriteString(" ORDER BY " + labelExpr(reg) + " LIMIT " + q.arg(limit))
	return db.options(ctx, &q)
}

// options runs a query of ids and labels.
func (db *DB) options(ctx context.Context, q *query) ([]Option, error) {
	rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []Option
	for rows.Next() {
		var o Option
		if err := rows.Scan(&o.ID, &o.Label); err != nil {
			return nil, mapError(err)
		}
		out = append(out, o)
	}
	return out, mapError(rows.Err())
}

// Labels names the given records of reg (current or not: history may point at closed ones).
func (db *DB) Labels(ctx context.Context, reg *imis.Register, ids []imis.ID) (map[imis.ID]string, error) {
	return db.names(ctx, reg, ids, labelExpr(reg))
}

// Codes returns the code of each given record of reg.
func (db *DB) Codes(ctx context.Context, reg *imis.Register, ids []imis.ID) (map[imis.ID]string, error) {
	return db.names(ctx, reg, ids, "t."+reg.Code)
}

func (db *DB) names(ctx context.Context, reg *imis.Register, ids []imis.ID, expr string) (map[imis.ID]string, error) {
	out := map[imis.ID]string{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		vals := make([]any, len(chunk))
		for i, id := range chunk {
			vals[i] = id
		}
		var q query
		q.WriteString("SELECT t.id, " + expr + " FROM " + reg.Table + " t WHERE t.id IN " + q.in(vals))
		rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
		if err != nil {
			return nil, mapError(err)
		}
		for rows.Next() {
			var id imis.ID
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, mapError(err)
			}
			out[id] = name
		}
		rows.Close()
	}
	return out, nil
}

// IDByCode returns the current record of reg with that code, if the user may see it.
func (db *DB) IDByCode(ctx context.Context, reg *imis.Register, code string) (imis.ID, error) {
	var q query
	q.WriteString("SELECT t.id FROM " + reg.Table + " t WHERE t." + reg.Code + " = " + q.arg(strings.TrimSpace(code)) +
		" AND t.validity_to IS NULL AND " + scopePredicate(&q, reg, imis.UserFromContext(ctx), false))
	var id imis.ID
	err := db.read.QueryRowContext(ctx, q.String(), q.args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return imis.NilID, imis.Errorf(imis.ENOTFOUND, "error.no_such_code", code)
	}
	return id, mapError(err)
}
