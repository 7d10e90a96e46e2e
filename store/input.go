package store

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/openimis-go/openimis"
)

// Input is what a user sent for a record, as text: the fields and the rows of each child set.
// Forms, JSON and CSV all arrive in this shape, so they are checked by the same code.
type Input struct {
	Raw  map[string]string
	Rows map[string][]map[string]string
}

// Parsed is a record's input after checking.
type Parsed struct {
	Values   imis.Values
	Children map[string][]imis.Values
	Problems imis.Problems
}

// ParseInput turns text input into values for a new record (self = NilID) or for record self:
// references may be given by code, which are resolved first; every problem is reported against
// its field, and a duplicate code is reported together with the other problems.
func (db *DB) ParseInput(ctx context.Context, reg *imis.Register, in Input, self imis.ID) Parsed {
	creating := self == imis.NilID
	resolved := imis.Problems{}
	resolve := func(f imis.Field, raw string, key string) string {
		raw = strings.TrimSpace(raw)
		if !StorableText(raw) {
			resolved.Add(key, "error.invalid")
			return ""
		}
		if f.Kind != imis.FieldRef || raw == "" {
			return raw
		}
		if _, err := imis.ParseID(raw); err == nil {
			return raw
		}
		id, err := db.IDByCode(ctx, imis.RegisterByName(f.Ref), raw)
		if err != nil {
			resolved.Add(key, "error.no_such_code", raw)
			return ""
		}
		return id.String()
	}
	raw := map[string]string{}
	for k, v := range in.Raw {
		raw[k] = v
	}
	for _, f := range reg.Fields {
		if v, ok := raw[f.Name]; ok {
			raw[f.Name] = resolve(f, v, f.Name)
		}
	}
	values, problems := reg.Parse(raw, creating)
	out := Parsed{Values: values, Problems: problems, Children: map[string][]imis.Values{}}
	for _, c := range reg.Children {
		rows := imis.CompactRows(in.Rows[c.Name])
		for i, row := range rows {
			copied := map[string]string{}
			for _, f := range c.Fields {
				copied[f.Name] = resolve(f, row[f.Name], imis.ChildKey(c.Name, i, f.Name))
			}
			rows[i] = copied
		}
		out.Children[c.Name] = c.ParseChildren(rows, problems)
	}
	for k, v := range resolved {
		problems[k] = v
	}
	if len(problems) > 0 {
		if dup, err := db.Duplicates(ctx, reg, self, values); err == nil {
			for k, v := range dup {
				problems.Add(k, v.Key, v.Args...)
			}
		}
	}
	return out
}

// RecordInput renders a stored record back into text, for an edit form or a partial update;
// references to large registers are shown by code, since they are typed as codes.
func (db *DB) RecordInput(ctx context.Context, reg *imis.Register, rec *Record) Input {
	in := Input{Raw: map[string]string{}, Rows: map[string][]map[string]string{}}
	codes := db.refCodes(ctx, reg, rec)
	show := func(f imis.Field, v any) string {
		if id, ok := v.(imis.ID); ok && f.Kind == imis.FieldRef && imis.RegisterByName(f.Ref).Large {
			return codes[id]
		}
		return f.Format(v)
	}
	for _, f := range reg.Fields {
		in.Raw[f.Name] = show(f, rec.Values[f.Name])
	}
	for _, c := range reg.Children {
		in.Rows[c.Name] = []map[string]string{}
		for _, row := range rec.Children[c.Name] {
			out := map[string]string{}
			for _, f := range c.Fields {
				out[f.Name] = show(f, row[f.Name])
			}
			in.Rows[c.Name] = append(in.Rows[c.Name], out)
		}
	}
	return in
}

// refCodes looks up the codes of the large-register records a record refers to.
func (db *DB) refCodes(ctx context.Context, reg *imis.Register, rec *Record) map[imis.ID]string {
	ids := reg.RefsByRegister(rec.Values, rec.Children, func(ref *imis.Register) bool { return ref.Large })
	out := map[imis.ID]string{}
	for name, list := range ids {
		codes, err := db.Codes(ctx, imis.RegisterByName(name), list)
		if err == nil {
			for k, v := range codes {
				out[k] = v
			}
		}
	}
	return out
}

// StorableText reports whether text can be stored on both engines: PostgreSQL refuses NUL
// characters and invalid UTF-8 in text columns, which would otherwise fail as internal errors.
func StorableText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// Searchable replaces what PostgreSQL cannot compare as text (NUL, invalid UTF-8) with U+FFFD,
// which matches nothing stored, instead of failing the search.
func Searchable(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
}
