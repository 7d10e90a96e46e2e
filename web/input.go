package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/store"
)

// input is what a user sent for a record, as text: the fields and the rows of each child set.
// Forms, JSON and CSV all arrive in this shape, so they are checked by the same code.
type input struct {
	raw  map[string]string
	rows map[string][]map[string]string
}

// formInput reads a record form. A checkbox is sent after its hidden "false" twin, so the last
// value wins; a mask field's checked bits are joined.
func formInput(r *http.Request, reg *imis.Register) input {
	in := input{raw: map[string]string{}, rows: map[string][]map[string]string{}}
	for _, f := range reg.Fields {
		vals := r.PostForm[f.Name]
		switch {
		case len(vals) == 0:
			if f.Kind == imis.FieldMask {
				in.raw[f.Name] = "0"
			}
		case f.Kind == imis.FieldMask:
			in.raw[f.Name] = strings.Join(vals, ",")
		default:
			in.raw[f.Name] = vals[len(vals)-1]
		}
	}
	for _, c := range reg.Children {
		indexes := map[int]bool{}
		prefix := c.Name + "."
		for k := range r.PostForm {
			if rest, ok := strings.CutPrefix(k, prefix); ok {
				if i, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0]); err == nil && i >= 0 && i < 5000 {
					indexes[i] = true
				}
			}
		}
		order := make([]int, 0, len(indexes))
		for i := range indexes {
			order = append(order, i)
		}
		slices.Sort(order)
		for _, i := range order {
			row := map[string]string{}
			for _, f := range c.Fields {
				row[f.Name] = r.PostFormValue(imis.ChildKey(c.Name, i, f.Name))
			}
			in.rows[c.Name] = append(in.rows[c.Name], row)
		}
	}
	return in
}

// jsonInput reads a JSON object: field values may be strings, numbers or booleans; each child
// set is an array of objects.
func jsonInput(body map[string]json.RawMessage, reg *imis.Register) (input, error) {
	in := input{raw: map[string]string{}, rows: map[string][]map[string]string{}}
	for _, f := range reg.Fields {
		if v, ok := body[f.Name]; ok {
			s, err := jsonScalar(v)
			if err != nil {
				return in, fieldError(f.Name, "error.json_value")
			}
			in.raw[f.Name] = s
		}
	}
	for _, c := range reg.Children {
		v, ok := body[c.Name]
		if !ok {
			continue
		}
		var rows []map[string]json.RawMessage
		if err := json.Unmarshal(v, &rows); err != nil {
			return in, fieldError(c.Name, "error.json_rows")
		}
		in.rows[c.Name] = []map[string]string{}
		for i, row := range rows {
			out := map[string]string{}
			for _, f := range c.Fields {
				if rv, ok := row[f.Name]; ok {
					s, err := jsonScalar(rv)
					if err != nil {
						return in, fieldError(imis.ChildKey(c.Name, i, f.Name), "error.json_value")
					}
					out[f.Name] = s
				}
			}
			in.rows[c.Name] = append(in.rows[c.Name], out)
		}
	}
	return in, nil
}

func jsonScalar(v json.RawMessage) (string, error) {
	var x any
	dec := json.NewDecoder(strings.NewReader(string(v)))
	dec.UseNumber()
	if err := dec.Decode(&x); err != nil {
		return "", err
	}
	switch t := x.(type) {
	case nil:
		return "", nil
	case string:
		return t, nil
	case json.Number:
		return t.String(), nil
	case bool:
		return strconv.FormatBool(t), nil
	}
	return "", fmt.Errorf("not a scalar")
}

func fieldError(field, key string, args ...any) error {
	p := imis.Problems{}
	p.Add(field, key, args...)
	return p.Err()
}

// recordInput renders a stored record back into text, for an edit form or a partial update;
// references to large registers are shown by code, since they are typed as codes.
func (s *Server) recordInput(ctx context.Context, reg *imis.Register, rec *store.Record) input {
	in := input{raw: map[string]string{}, rows: map[string][]map[string]string{}}
	codes := s.refCodes(ctx, reg, rec)
	show := func(f imis.Field, v any) string {
		if id, ok := v.(imis.ID); ok && f.Kind == imis.FieldRef && imis.RegisterByName(f.Ref).Large {
			return codes[id]
		}
		return f.Format(v)
	}
	for _, f := range reg.Fields {
		in.raw[f.Name] = show(f, rec.Values[f.Name])
	}
	for _, c := range reg.Children {
		in.rows[c.Name] = []map[string]string{}
		for _, row := range rec.Children[c.Name] {
			out := map[string]string{}
			for _, f := range c.Fields {
				out[f.Name] = show(f, row[f.Name])
			}
			in.rows[c.Name] = append(in.rows[c.Name], out)
		}
	}
	return in
}

// refCodes looks up the codes of the large-register records a record refers to.
func (s *Server) refCodes(ctx context.Context, reg *imis.Register, rec *store.Record) map[imis.ID]string {
	ids := map[string][]imis.ID{}
	collect := func(f imis.Field, v any) {
		if id, ok := v.(imis.ID); ok && f.Kind == imis.FieldRef && imis.RegisterByName(f.Ref).Large {
			ids[f.Ref] = append(ids[f.Ref], id)
		}
	}
	for _, f := range reg.Fields {
		collect(f, rec.Values[f.Name])
	}
	for _, c := range reg.Children {
		for _, row := range rec.Children[c.Name] {
			for _, f := range c.Fields {
				collect(f, row[f.Name])
			}
		}
	}
	out := map[imis.ID]string{}
	for name, list := range ids {
		codes, err := s.db.Codes(ctx, imis.RegisterByName(name), list)
		if err == nil {
			for k, v := range codes {
				out[k] = v
			}
		}
	}
	return out
}

// parsed is a record's input after checking.
type parsed struct {
	values   imis.Values
	children map[string][]imis.Values
	problems imis.Problems
}

// parseInput turns text input into values for a new record (self = NilID) or for record self:
// references may be given by code, which are resolved first; every problem is reported against
// its field, and a duplicate code is reported together with the other problems.
func (s *Server) parseInput(ctx context.Context, reg *imis.Register, in input, self imis.ID) parsed {
	creating := self == imis.NilID
	resolved := imis.Problems{}
	resolve := func(f imis.Field, raw string, key string) string {
		raw = strings.TrimSpace(raw)
		if !storableText(raw) {
			resolved.Add(key, "error.invalid")
			return ""
		}
		if f.Kind != imis.FieldRef || raw == "" {
			return raw
		}
		if _, err := imis.ParseID(raw); err == nil {
			return raw
		}
		id, err := s.db.IDByCode(ctx, imis.RegisterByName(f.Ref), raw)
		if err != nil {
			resolved.Add(key, "error.no_such_code", raw)
			return ""
		}
		return id.String()
	}
	raw := map[string]string{}
	for k, v := range in.raw {
		raw[k] = v
	}
	for _, f := range reg.Fields {
		if v, ok := raw[f.Name]; ok {
			raw[f.Name] = resolve(f, v, f.Name)
		}
	}
	values, problems := reg.Parse(raw, creating)
	out := parsed{values: values, problems: problems, children: map[string][]imis.Values{}}
	for _, c := range reg.Children {
		rows := imis.CompactRows(in.rows[c.Name])
		for i, row := range rows {
			copied := map[string]string{}
			for _, f := range c.Fields {
				copied[f.Name] = resolve(f, row[f.Name], imis.ChildKey(c.Name, i, f.Name))
			}
			rows[i] = copied
		}
		out.children[c.Name] = c.ParseChildren(rows, problems)
	}
	for k, v := range resolved {
		problems[k] = v
	}
	if len(problems) > 0 {
		if dup, err := s.db.Duplicates(ctx, reg, self, values); err == nil {
			for k, v := range dup {
				problems.Add(k, v.Key, v.Args...)
			}
		}
	}
	return out
}

// storableText reports whether text can be stored on both engines: PostgreSQL refuses NUL
// characters and invalid UTF-8 in text columns, which would otherwise fail as internal errors.
func storableText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// applyPassword checks the password fields of users, officers and claim administrators and puts
// its hash among the values, so the store saves it with the record.
func (s *Server) applyPassword(reg *imis.Register, pw, confirm string, creating bool, p parsed) {
	login := reg == imis.Users || p.values["has_login"] == true
	switch {
	case reg != imis.Users && reg != imis.Officers && reg != imis.ClaimAdmins:
		return
	case pw == "" && creating && login:
		p.problems.Add("password", "error.password_required")
	case pw == "":
	case len([]rune(pw)) < auth.MinPasswordLength:
		p.problems.Add("password", "error.password_short", auth.MinPasswordLength)
	case pw != confirm:
		p.problems.Add("password_confirm", "error.password_mismatch")
	default:
		p.values["password_hash"] = s.hashCost(pw)
	}
}
