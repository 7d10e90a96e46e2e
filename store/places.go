package store

import (
	"context"
	"database/sql"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// Place pickers find a location by the first letters of its name or code, or walk the tree one
// level at a time, always inside the user's districts, so that no screen has to send every
// village of the country. Both lookups are ranges of an index (migration 00005), so their cost
// follows the answer, not the size of the register.

// Place is a location as a picker shows it: what it is, and the names from its region down to it.
type Place struct {
	ID         imis.ID
	Code, Name string
	Type       string
	ParentID   imis.ID
	DistrictID imis.ID
	Path       []string
}

// PlaceLimit is how many places a search answers at most: a few more letters narrow it down.
const PlaceLimit = 20

// placeLevelLimit bounds one level of the tree as browsing lists it.
const placeLevelLimit = 500

// placeSelect reads a location with the names of up to three levels above it; the tree has four
// fixed levels, so explicit joins replace a recursive query.
const placeSelect = `SELECT t.id, t.code, t.name, t.type, t.parent_id, t.district_id, p1.name, p2.name, p3.name FROM locations t
	LEFT JOIN locations p1 ON p1.id = t.parent_id
	LEFT JOIN locations p2 ON p2.id = p1.parent_id
	LEFT JOIN locations p3 ON p3.id = p2.parent_id`

// nameKey is the form of a location's name that searches compare: lower case, as the typed text.
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// prefixEnd returns the smallest text above every text that begins with prefix, in byte order,
// so that "prefix <= key < prefixEnd(prefix)" selects exactly the keys with that prefix.
func prefixEnd(prefix string) string {
	r := []rune(prefix)
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] < unicode.MaxRune {
			r[i]++
			if r[i] == 0xD800 { // UTF-8 cannot hold the surrogates
				r[i] = 0xE000
			}
			return string(r[:i+1])
		}
	}
	return prefix + string(unicode.MaxRune)
}

// Place returns the location with that id if the user may see it.
func (db *DB) Place(ctx context.Context, id imis.ID) (*Place, error) {
	var q query
	q.WriteString(placeSelect + " WHERE t.id = " + q.arg(id) + " AND t.validity_to IS NULL AND " +
		scopePredicate(&q, imis.Locations, imis.UserFromContext(ctx), false))
	places, err := db.places(ctx, &q)
	if err != nil {
		return nil, err
	}
	if len(places) == 0 {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	return &places[0], nil
}

// PlaceOf returns the location that text names, by id or by code, if the user may see it.
func (db *DB) PlaceOf(ctx context.Context, text string) (*Place, error) {
	text = strings.TrimSpace(text)
	id, err := imis.ParseID(text)
	if err != nil {
		if id, err = db.IDByCode(ctx, imis.Locations, text); err != nil {
			return nil, err
		}
	}
	return db.Place(ctx, id)
}

// FindPlaces returns up to PlaceLimit places of the given levels (location types, such as "V"
// or "RD") whose code or name begins with text, ignoring case: those found by code first, then by
// name, each in key order. under, when set, keeps the places inside that one.
func (db *DB) FindPlaces(ctx context.Context, text, levels string, under *Place) ([]Place, error) {
	if nameKey(text) == "" || levels == "" {
		return nil, nil
	}
	types := placeTypes(levels)
	u := imis.UserFromContext(ctx)
	var out []Place
	seen := map[imis.ID]bool{}
	for _, col := range placeKeys {
		found, err := db.places(ctx, placeSearch(u, col, text, types, under))
		if err != nil {
			return nil, err
		}
		for _, p := range found {
			if !seen[p.ID] && len(out) < PlaceLimit {
				seen[p.ID] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// placeTypes lists the location types of levels, as query arguments.
func placeTypes(levels string) []any {
	types := make([]any, 0, len(levels))
	for _, l := range levels {
		types = append(types, string(l))
	}
	return types
}

// placeKeys are the columns a search compares: search_text begins with the code in lower case,
// name_key is the name in lower case.
var placeKeys = []string{"t.search_text", "t.name_key"}

// placeSearch is the query of the places whose key column begins with text.
func placeSearch(u *imis.User, col, text string, types []any, under *Place) *query {
	var q query
	key := nameKey(text)
	q.WriteString(placeSelect + " WHERE t.validity_to IS NULL AND " + col + " >= " + q.arg(key) + " AND " + col + " < " + q.arg(prefixEnd(key)) +
		" AND t.type IN " + q.in(types) + " AND " + scopePredicate(&q, imis.Locations, u, false))
	if under != nil {
		q.WriteString(" AND " + insidePlace(&q, under))
	}
	q.WriteString(" ORDER BY " + col + ", t.id LIMIT " + q.arg(PlaceLimit))
	return &q
}

// insidePlace is the condition for a location below p, through the region, district or parent
// that every location carries.
func insidePlace(q *query, p *Place) string {
	col := ""
	switch p.Type {
	case imis.LocationRegion:
		col = "t.region_id"
	case imis.LocationDistrict:
		col = "t.district_id"
	case imis.LocationWard:
		col = "t.parent_id"
	default:
		return "1 = 0" // nothing lies below a village
	}
	id := q.arg(p.ID)
	return col + " = " + id + " AND t.id <> " + id
}

// BrowsePlaces lists, by name, the locations one level below under that lead to the given levels,
// or, when under is nil, the first level of the user's tree: their districts for a user limited to
// districts, unless regions may be chosen, and otherwise the regions.
func (db *DB) BrowsePlaces(ctx context.Context, levels string, under *Place) ([]Place, error) {
	u := imis.UserFromContext(ctx)
	var q query
	q.WriteString(placeSelect + " WHERE t.validity_to IS NULL AND " + scopePredicate(&q, imis.Locations, u, false))
	switch {
	case under != nil && !PlaceOpens(under.Type, levels):
		return nil, nil
	case under != nil:
		q.WriteString(" AND t.parent_id = " + q.arg(under.ID))
	case placeTopIsDistricts(u, levels):
		q.WriteString(" AND t.id IN " + districtsOf(&q, u))
	default:
		q.WriteString(" AND t.type = " + q.arg(imis.LocationRegion))
	}
	q.WriteString(" ORDER BY t.name_key, t.id LIMIT " + q.arg(placeLevelLimit))
	return db.places(ctx, &q)
}

// placeTopIsDistricts: browsing starts at the user's own districts when they are limited to
// them and no region is wanted.
func placeTopIsDistricts(u *imis.User, levels string) bool {
	return u.Scoped() && !strings.Contains(levels, imis.LocationRegion)
}

// PlaceOpens reports whether a location of type typ has, below it, locations of the given levels.
func PlaceOpens(typ, levels string) bool {
	depth := strings.Index(placeDepths, typ)
	for _, l := range levels {
		if strings.IndexRune(placeDepths, l) > depth {
			return true
		}
	}
	return false
}

// placeDepths lists the location types from the top of the tree down.
const placeDepths = imis.LocationRegion + imis.LocationDistrict + imis.LocationWard + imis.LocationVillage

// PlaceBack returns the location whose level browsing goes back to from p's, or NilID for the
// first level of the user's tree.
func PlaceBack(u *imis.User, levels string, p *Place) imis.ID {
	if p.Type == imis.LocationDistrict && placeTopIsDistricts(u, levels) {
		return imis.NilID
	}
	return p.ParentID
}

func (db *DB) places(ctx context.Context, q *query) ([]Place, error) {
	rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		var p Place
		var parent, district uuid.NullUUID
		var above [3]sql.NullString
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.Type, &parent, &district, &above[0], &above[1], &above[2]); err != nil {
			return nil, mapError(err)
		}
		p.ParentID, p.DistrictID = parent.UUID, district.UUID
		for i := len(above) - 1; i >= 0; i-- {
			if above[i].Valid {
				p.Path = append(p.Path, above[i].String)
			}
		}
		p.Path = append(p.Path, p.Name)
		out = append(out, p)
	}
	return out, mapError(rows.Err())
}

// fillNameKeys gives the locations saved before name keys existed their key; once done it finds
// nothing to fill. The key is computed here rather than in SQL, whose lower() differs between the
// engines outside ASCII.
func (db *DB) fillNameKeys(ctx context.Context) error {
	return db.inTx(imis.SystemContext(ctx), func(tx *Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id, name FROM locations WHERE name_key IS NULL")
		if err != nil {
			return err
		}
		keys := map[imis.ID]string{}
		for rows.Next() {
			var id imis.ID
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return err
			}
			keys[id] = nameKey(name)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for id, key := range keys {
			if _, err := tx.ExecContext(ctx, "UPDATE locations SET name_key = $1 WHERE id = $2", key, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// FacilityChoices lists the health facilities the user may choose as an insuree's first point of
// service: those in district first (the family's, when known), then those in the user's own
// districts, then the others, each group by code and name.
func (db *DB) FacilityChoices(ctx context.Context, district imis.ID, limit int) ([]Option, error) {
	reg := imis.HealthFacilities
	u := imis.UserFromContext(ctx)
	var q query
	q.WriteString("SELECT t.id, " + labelExpr(reg) + " FROM " + reg.Table + " t WHERE t.validity_to IS NULL AND " + scopePredicate(&q, reg, u, false) +
		" ORDER BY CASE WHEN t.location_id = " + q.arg(district) + " THEN 0 WHEN t.location_id IN " + districtsOf(&q, u) + " THEN 1 ELSE 2 END, " +
		labelExpr(reg) + " LIMIT " + q.arg(limit))
	return db.options(ctx, &q)
}
