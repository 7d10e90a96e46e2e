package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
)

// A search reads one page of a register in the register's order, from an index on that order:
// the next and previous pages continue from a record of the page shown (keyset paging), so the
// thousandth page costs what the first does. Matches are counted only up to CountLimit, so no
// page reads a whole register to count it.

// CountLimit is how many matching records a search counts at most; past it a list says "more
// than".
const CountLimit = 10_000

// MaxOffset is how many records a page asked for by number may skip. Skipping reads every record
// skipped, so further pages are reached from a record of the page before (Filter.After); the
// bound is the count's, so that every record the count reports has a page number.
const MaxOffset = CountLimit

// Filter selects records in a search. Fields maps a filterable field to the value wanted: text
// matches anywhere, case-insensitively; choices and references match exactly.
type Filter struct {
	Text   string
	Fields map[string]string
	// Page is the page's size and, without a cursor, its number; with one, the number is only
	// carried along for the caller to show.
	Page imis.Page
	// After and Before are cursors, the id of a record of the page shown: the page wanted is the
	// one after the record, or the one before it.
	After, Before string
}

// Found is one page of a search.
type Found struct {
	Records []*Record
	Total   int  // the records that match, counted up to CountLimit
	More    bool // more than CountLimit records match; Total is then CountLimit
	// Page is the page read; its number is 1 on the first page. A page before that would not be
	// full is shown as the first page.
	Page  imis.Page
	First bool    // the page is the first
	Next  imis.ID // the cursor of the next page (After), NilID on the last page
	Prev  imis.ID // the cursor of the previous page (Before), NilID on the first or an empty one
}

// orderKey is one key of a register's order: a column, which sorts as "" when it may be empty,
// and the direction.
type orderKey struct {
	col      string
	nullable bool
	desc     bool
	kind     imis.FieldKind
}

// expr is the key of the row the alias names, as the lists sort and index it.
func (k orderKey) expr(alias string) string {
	if k.nullable {
		return "COALESCE(" + alias + "." + k.col + ", '')"
	}
	return alias + "." + k.col
}

// listOrder returns the keys a register's searches sort by: the fields of its Order, then the
// record id so that records with the same values keep one order, unless the only field is unique.
// A field that may be empty sorts as "" so that no key is NULL: the engines put NULLs at opposite
// ends, and a cursor could not be compared with one. The indexes of migration 00007 index these
// very expressions.
func listOrder(reg *imis.Register) []orderKey {
	var keys []orderKey
	unique := false
	for part := range strings.SplitSeq(reg.Order, ",") {
		name, dir, _ := strings.Cut(strings.TrimSpace(part), " ")
		f, _ := reg.Field(name)
		keys = append(keys, orderKey{col: name, nullable: !f.Required, desc: strings.EqualFold(dir, "DESC"), kind: f.Kind})
		unique = f.Unique && f.Required
	}
	if len(keys) > 1 || !unique {
		keys = append(keys, orderKey{col: "id", kind: imis.FieldRef})
	}
	return keys
}

// orderBy renders the keys of the rows alias names as an ORDER BY clause, reversed when backward.
func orderBy(keys []orderKey, alias string, backward bool) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k.expr(alias)
		if k.desc != backward {
			parts[i] += " DESC"
		}
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}

// keyset returns the condition for the rows that come after a row whose keys hold vals (before
// it when backward): a bound on the first key, which an index on the order seeks to, and the
// exact comparison, which settles the rows with the same first key.
func keyset(q *query, keys []orderKey, vals []any, backward bool) string {
	ops := make([]string, len(keys))
	ph := make([]string, len(keys))
	for i, k := range keys {
		ops[i] = ">"
		if k.desc != backward {
			ops[i] = "<"
		}
		ph[i] = q.arg(vals[i])
	}
	last := len(keys) - 1
	cond := keys[last].expr("t") + " " + ops[last] + " " + ph[last]
	for i := last - 1; i >= 0; i-- {
		e := keys[i].expr("t")
		cond = "(" + e + " " + ops[i] + " " + ph[i] + " OR (" + e + " = " + ph[i] + " AND " + cond + "))"
	}
	if last == 0 {
		return cond
	}
	return keys[0].expr("t") + " " + ops[0] + "= " + ph[0] + " AND " + cond
}

// cursor is where a page by cursor starts: the order keys of the record named, and whether the
// page wanted comes before it.
type cursor struct {
	vals     []any
	backward bool
}

// searchQueries are the statements of one page of a search.
type searchQueries struct {
	rows  *query // the page's records, one more than the page holds to tell whether another follows
	count *query // the number of matching records, up to one past CountLimit
	page  imis.Page
	from  *cursor // nil for a page by number
}

// Search returns one page of the current records of reg that match f and that the acting user
// may see, in the register's order.
func (db *DB) Search(ctx context.Context, reg *imis.Register, f Filter) (*Found, error) {
	u := imis.UserFromContext(ctx)
	fields, err := db.filterIDs(ctx, reg, f.Fields)
	if err != nil {
		return nil, err
	}
	f.Fields = fields
	from, err := db.cursorOf(ctx, reg, u, f)
	if err != nil {
		return nil, err
	}
	sq, err := searchStatements(reg, u, f, from)
	if err != nil {
		return nil, err
	}
	recs, err := db.readRecords(ctx, reg, sq.rows)
	if err != nil {
		return nil, err
	}
	size := sq.page.Size
	more := len(recs) > size
	recs = recs[:min(len(recs), size)]
	found := &Found{Records: recs, Page: sq.page}
	var hasPrev, hasNext bool
	switch {
	case from == nil:
		hasPrev, hasNext = sq.page.Offset() > 0, more
	case !from.backward:
		hasPrev, hasNext = true, more
	case !more && len(recs) < size:
		// The page before holds the first records but not a page of them: show the first page.
		f.After, f.Before, f.Page.Number = "", "", 1
		return db.Search(ctx, reg, f)
	default:
		slices.Reverse(recs)
		hasPrev, hasNext = more, true
	}
	if found.First = !hasPrev; found.First {
		found.Page.Number = 1
	}
	if len(recs) > 0 && hasNext {
		found.Next = recs[len(recs)-1].ID
	}
	if len(recs) > 0 && hasPrev {
		found.Prev = recs[0].ID
	}
	var n int
	if err := db.read.QueryRowContext(ctx, sq.count.String(), sq.count.args...).Scan(&n); err != nil {
		return nil, mapError(err)
	}
	found.Total, found.More = min(n, CountLimit), n > CountLimit
	return found, nil
}

// Find searches the current records of reg visible to the acting user, returning one page of
// them and their count up to CountLimit.
func (db *DB) Find(ctx context.Context, reg *imis.Register, f Filter) ([]*Record, int, error) {
	found, err := db.Search(ctx, reg, f)
	if err != nil {
		return nil, 0, err
	}
	return found.Records, found.Total, nil
}

// filterIDs returns the filters with the references given by the code of the record they name
// replaced by its id.
func (db *DB) filterIDs(ctx context.Context, reg *imis.Register, fields map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(fields))
	for name, raw := range fields {
		out[name] = raw
		fld, ok := reg.Field(name)
		raw = strings.TrimSpace(raw)
		if !ok || !fld.Filter || fld.Kind != imis.FieldRef || raw == "" {
			continue
		}
		if _, err := imis.ParseID(raw); err == nil {
			continue
		}
		id, err := db.IDByCode(ctx, imis.RegisterByName(fld.Ref), raw)
		if err != nil {
			return nil, fieldError(name, "error.no_such_code", raw)
		}
		out[name] = id.String()
	}
	return out, nil
}

// cursorOf reads the order keys of the record a page by cursor starts from. The record may since
// have been deleted, and the list still continues from where it stood, but it must be one the
// user may see.
func (db *DB) cursorOf(ctx context.Context, reg *imis.Register, u *imis.User, f Filter) (*cursor, error) {
	after, before := strings.TrimSpace(f.After), strings.TrimSpace(f.Before)
	field, raw := "after", after
	switch {
	case after != "" && before != "":
		return nil, pagingError("before", "error.cursor_both")
	case before != "":
		field, raw = "before", before
	case after == "":
		return nil, nil
	}
	id, err := imis.ParseID(raw)
	if err != nil {
		return nil, pagingError(field, "error.cursor")
	}
	keys := listOrder(reg)
	exprs := make([]string, len(keys))
	holders := make([]any, len(keys))
	for i, k := range keys {
		exprs[i], holders[i] = k.expr("t"), holderFor(k.kind)
	}
	var q query
	q.WriteString("SELECT " + strings.Join(exprs, ", ") + " FROM " + reg.Table + " t WHERE t.id = " + q.arg(id) +
		" AND " + scopePredicate(&q, reg, u, false))
	err = db.read.QueryRowContext(ctx, q.String(), q.args...).Scan(holders...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, pagingError(field, "error.cursor")
	} else if err != nil {
		return nil, mapError(err)
	}
	c := &cursor{vals: make([]any, len(keys)), backward: field == "before"}
	for i, h := range holders {
		c.vals[i] = holderValue(h)
	}
	return c, nil
}

// searchStatements builds the statements of a search whose references are ids (filterIDs), from
// the cursor read by cursorOf, without reading anything.
func searchStatements(reg *imis.Register, u *imis.User, f Filter, from *cursor) (*searchQueries, error) {
	page := f.Page.Normal()
	if from == nil && page.Number-1 > MaxOffset/page.Size {
		return nil, pagingError("page", "error.page_too_deep", MaxOffset)
	}
	scope := func(q *query) string { return scopePredicate(q, reg, u, false) }
	districts, byDistrict := listDistricts(reg, u, f)
	if byDistrict {
		scope = func(q *query) string { return inDistricts(q, reg, districts) }
	}
	count := &query{}
	count.WriteString("SELECT COUNT(*) FROM (SELECT 1")
	matching(count, reg, f, scope)
	count.WriteString(" LIMIT " + count.arg(CountLimit+1) + ") x")

	keys := listOrder(reg)
	backward := from != nil && from.backward
	offset := 0
	if from == nil {
		offset = page.Offset()
	}
	// pageOf writes the SELECT of the first limit records that scope lets through, from the
	// cursor on, in the list's order. A page reads one record more than it holds, which tells
	// whether another follows.
	rows := &query{}
	pageOf := func(scope func(q *query) string, limit int) {
		rows.WriteString("SELECT " + selectList(reg))
		matching(rows, reg, f, scope)
		if from != nil {
			rows.WriteString(" AND " + keyset(rows, keys, from.vals, backward))
		}
		rows.WriteString(orderBy(keys, "t", backward) + " LIMIT " + rows.arg(limit))
	}
	if !byDistrict || len(districts) < 2 {
		pageOf(scope, page.Size+1)
	} else {
		// A user of several districts: each district's page is a range of the index led by the
		// district, and the pages are merged, where one range over all their districts would
		// have to be sorted whole.
		rows.WriteString("SELECT * FROM (")
		for i, d := range districts {
			if i > 0 {
				rows.WriteString(" UNION ALL ")
			}
			rows.WriteString("SELECT * FROM (")
			pageOf(func(q *query) string { return inDistricts(q, reg, []imis.ID{d}) }, offset+page.Size+1)
			rows.WriteString(") d" + strconv.Itoa(i))
		}
		rows.WriteString(") merged" + orderBy(keys, "merged", backward) + " LIMIT " + rows.arg(page.Size+1))
	}
	if offset > 0 {
		rows.WriteString(" OFFSET " + rows.arg(offset))
	}
	return &searchQueries{rows: rows, count: count, page: page, from: from}, nil
}

// matching writes the FROM and WHERE of the current records of reg that f selects among those
// the condition scope writes lets through.
func matching(where *query, reg *imis.Register, f Filter, scope func(q *query) string) {
	where.WriteString(" FROM " + reg.Table + " t WHERE t.validity_to IS NULL AND " + scope(where))
	if s := strings.TrimSpace(f.Text); s != "" {
		where.WriteString(" AND " + textPredicate(reg, s))
	}
	// The fields in their order, so that a search is always the same statement.
	for _, name := range slices.Sorted(maps.Keys(f.Fields)) {
		fld, ok := reg.Field(name)
		raw := strings.TrimSpace(f.Fields[name])
		if !ok || !fld.Filter || raw == "" {
			continue
		}
		switch fld.Kind {
		case imis.FieldText, imis.FieldCode, imis.FieldEmail:
			where.WriteString(" AND lower(t." + name + ") LIKE " + where.arg(likeEscape(raw)) + " ESCAPE '\\'")
		case imis.FieldRef:
			id, _ := imis.ParseID(raw) // filterIDs gave every reference as an id
			where.WriteString(" AND t." + name + " = " + where.arg(id))
		default:
			where.WriteString(" AND t." + name + " = " + where.arg(raw))
		}
	}
}

// listDistricts returns the districts a user limited to districts sees the records of a register
// scoped by district in, and whether the search names them. A list names the districts, where
// other statements read them from the user's rows (scopePredicate), so that a user of one district
// reads one range of an index led by the district, in the list's order, with nothing to sort:
// the planner cannot know that a subquery gives one district. They are the districts the user
// was loaded with at the start of the request. A text search keeps the subquery: its words'
// records lead it, and SQLite, which plans without statistics, would walk a named district
// instead.
func listDistricts(reg *imis.Register, u *imis.User, f Filter) ([]imis.ID, bool) {
	if reg.Scope.Kind != imis.ScopeDistrict || !u.Scoped() || strings.TrimSpace(f.Text) != "" {
		return nil, false
	}
	if u == nil {
		return nil, true
	}
	return u.Districts, true
}

// inDistricts is the condition that the record t of reg lies in one of the districts.
func inDistricts(q *query, reg *imis.Register, districts []imis.ID) string {
	col := "t." + reg.Scope.Column
	switch len(districts) {
	case 0:
		return "1 = 0"
	case 1:
		return col + " = " + q.arg(districts[0])
	}
	ids := make([]any, len(districts))
	for i, d := range districts {
		ids[i] = d
	}
	return col + " IN " + q.in(ids)
}

// readRecords runs a query of selectList rows.
func (db *DB) readRecords(ctx context.Context, reg *imis.Register, q *query) ([]*Record, error) {
	rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []*Record
	for rows.Next() {
		r, err := scanRecord(rows, reg)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, r)
	}
	return out, mapError(rows.Err())
}

// pagingError refuses the paging parameter field, named as a form's field is, with a message that
// also stands alone on a list page, which has no field to show it by.
func pagingError(field, key string, args ...any) error {
	return &imis.Error{Code: imis.EINVALID, Message: key, Args: args, Fields: map[string]imis.FieldError{field: {Key: key, Args: args}}}
}
