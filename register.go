package imis

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
)

// A Register is a kind of reference record the scheme maintains (locations, health facilities,
// medical items, price lists, ...). It is described by data so that storage, validation, forms,
// searches, JSON and the audit trail treat every register alike; rules particular to one register
// live in its Check function.
type Register struct {
	Name     string // URL segment and message-key prefix, e.g. "health-facilities"
	Table    string
	Rights   CRUDRights
	Fields   []Field
	Children []ChildSet
	Scope    Scope
	Code     string // field holding the human code, shown first and used in conflict messages
	Title    string // field naming the record in lists and references
	WireID   bool   // records carry the int64 id that the mobile REST API speaks
	Large    bool   // referenced by typing a code rather than choosing from a list
	Order    string // the fields searches sort by, separated by commas, each optionally followed by DESC
	Check    func(v Values, p Problems)
}

// ChildSet is a list of rows owned by a record and saved with it, such as a price list's prices
// or a facility's catchment villages.
type ChildSet struct {
	Name   string
	Table  string
	Fields []Field
	Unique string // field whose value may appear once per record
	// Check adds the problems of one row, keyed by field name.
	Check func(v Values, p Problems)
}

// FieldKind says how a field is entered, checked and stored.
type FieldKind int

// Field kinds.
const (
	FieldText    FieldKind = iota // free text
	FieldCode                     // short identifier without spaces
	FieldEmail                    // e-mail address
	FieldInt                      // whole number
	FieldDecimal                  // exact decimal with Scale fractional digits, stored as integer units
	FieldMoney                    // amount in hundredths
	FieldDate                     // calendar date
	FieldBool                     // yes / no
	FieldChoice                   // one code out of Choices
	FieldMask                     // sum of the bit values of the chosen Choices
	FieldRef                      // the ID of a record of register Ref
	FieldRight                    // a 6-digit right code
)

// Field is one attribute of a register record.
type Field struct {
	Name      string
	Kind      FieldKind
	Required  bool
	MaxLen    int
	Scale     int
	Min, Max  *int64
	Choices   []Choice
	Ref       string // referenced register
	Levels    string // for location references: the location types allowed
	Unique    bool   // unique among current records
	Listed    bool   // a column of search results
	Filter    bool   // offered as a search filter
	Default   any
	Immutable bool   // may be set on creation only
	Computed  bool   // set by the system's rules, never taken from input
	Section   string // catalogue key of the section (on the form and the record page) this field opens; the next fields follow it
}

// Choice is one permitted code of a choice or mask field; its label is a catalogue key.
type Choice struct {
	Code  string
	Label string
}

// ScopeKind tells how district scoping applies to a register's rows.
type ScopeKind int

// Scope kinds (contract: a user sees their districts and below, reads their regions' records,
// and sees national rows).
const (
	ScopeNational ScopeKind = iota // visible to every user with the right
	ScopeDistrict                  // Column holds a district: visible and writable inside the user's districts
	ScopeArea                      // Column holds a region, a district or nothing (national)
	ScopeLocation                  // the locations themselves
	ScopeViaHF                     // Column holds a health facility, scoped by the facility's district
	ScopeUser                      // users: scoped by the districts they are assigned to
)

// Scope is a register's scoping rule.
type Scope struct {
	Kind   ScopeKind
	Column string
}

// Values holds a record's field values, keyed by field name. A value is nil (empty), string,
// int64, Date, bool or ID depending on the field kind.
type Values map[string]any

// Field returns the register's field named name.
func (r *Register) Field(name string) (Field, bool) {
	i := slices.IndexFunc(r.Fields, func(f Field) bool { return f.Name == name })
	if i < 0 {
		return Field{}, false
	}
	return r.Fields[i], true
}

// Child returns the register's child set named name.
func (r *Register) Child(name string) (ChildSet, bool) {
	i := slices.IndexFunc(r.Children, func(c ChildSet) bool { return c.Name == name })
	if i < 0 {
		return ChildSet{}, false
	}
	return r.Children[i], true
}

// RefsByRegister gathers the ids a record and its child rows refer to, by the register they
// belong to, for the registers keep accepts.
func (r *Register) RefsByRegister(v Values, children map[string][]Values, keep func(ref *Register) bool) map[string][]ID {
	ids := map[string][]ID{}
	collect := func(f Field, value any) {
		if id, ok := value.(ID); ok && f.Kind == FieldRef && keep(RegisterByName(f.Ref)) {
			ids[f.Ref] = append(ids[f.Ref], id)
		}
	}
	for _, f := range r.Fields {
		collect(f, v[f.Name])
	}
	for _, c := range r.Children {
		for _, row := range children[c.Name] {
			for _, f := range c.Fields {
				collect(f, row[f.Name])
			}
		}
	}
	return ids
}

// Parse converts raw input into field values: missing keys become defaults on creation, every
// problem is reported against its field, and the register's own Check runs last.
func (r *Register) Parse(raw map[string]string, creating bool) (Values, Problems) {
	v, p := Values{}, Problems{}
	for _, f := range r.Fields {
		if f.Computed {
			continue
		}
		s, present := raw[f.Name]
		if !present && creating && f.Default != nil {
			v[f.Name] = f.Default
			continue
		}
		val, fe := f.Parse(s)
		if fe != nil {
			p[f.Name] = *fe
			continue
		}
		v[f.Name] = val
	}
	if r.Check != nil {
		r.Check(v, p)
	}
	return v, p
}

// CompactRows drops the fully blank rows a form sends for unused lines.
func CompactRows(rows []map[string]string) []map[string]string {
	var out []map[string]string
	for _, raw := range rows {
		if !blank(raw) {
			out = append(out, raw)
		}
	}
	return out
}

// ParseChildren converts the raw rows of a child set (blank rows dropped first); problems are
// keyed by ChildKey.
func (c ChildSet) ParseChildren(rows []map[string]string, p Problems) []Values {
	var out []Values
	seen := map[any]bool{}
	for i, raw := range CompactRows(rows) {
		v := Values{}
		for _, f := range c.Fields {
			if strings.TrimSpace(raw[f.Name]) == "" && f.Default != nil {
				v[f.Name] = f.Default
				continue
			}
			val, fe := f.Parse(raw[f.Name])
			if fe != nil {
				p[ChildKey(c.Name, i, f.Name)] = *fe
				continue
			}
			v[f.Name] = val
		}
		if c.Check != nil {
			rowProblems := Problems{}
			c.Check(v, rowProblems)
			for k, fe := range rowProblems {
				p.Add(ChildKey(c.Name, i, k), fe.Key, fe.Args...)
			}
		}
		if c.Unique != "" && v[c.Unique] != nil {
			if seen[v[c.Unique]] {
				p.Add(ChildKey(c.Name, i, c.Unique), "error.duplicate_in_list")
			}
			seen[v[c.Unique]] = true
		}
		out = append(out, v)
	}
	return out
}

// ChildKey names field f of row i of child set c in problem maps and form inputs.
func ChildKey(c string, i int, f string) string { return fmt.Sprintf("%s.%d.%s", c, i, f) }

func blank(raw map[string]string) bool {
	for _, s := range raw {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

// Parse converts one raw input into the field's value, or reports why it cannot.
func (f Field) Parse(s string) (any, *FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		if f.Kind == FieldBool {
			return false, nil
		}
		if f.Required {
			return nil, &FieldError{Key: "error.required"}
		}
		return nil, nil
	}
	if f.MaxLen > 0 && len([]rune(s)) > f.MaxLen {
		return nil, &FieldError{Key: "error.too_long", Args: []any{f.MaxLen}}
	}
	switch f.Kind {
	case FieldText:
		return s, nil
	case FieldCode:
		if strings.ContainsAny(s, " \t\r\n") {
			return nil, &FieldError{Key: "error.code_spaces"}
		}
		return s, nil
	case FieldEmail:
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			return nil, &FieldError{Key: "error.email"}
		}
		return s, nil
	case FieldInt, FieldRight:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, &FieldError{Key: "error.integer"}
		}
		if len(f.Choices) > 0 && !slices.ContainsFunc(f.Choices, func(c Choice) bool { return c.Code == s }) {
			return nil, &FieldError{Key: "error.choice", Args: []any{f.choiceCodes()}}
		}
		return f.inRange(n)
	case FieldDecimal, FieldMoney:
		scale := f.Scale
		if f.Kind == FieldMoney {
			scale = 2
		}
		n, err := ParseFixed(s, scale)
		if err != nil {
			return nil, &FieldError{Key: "error.decimal", Args: []any{scale}}
		}
		return f.inRange(n)
	case FieldDate:
		d, err := ParseDate(s)
		if err != nil {
			return nil, &FieldError{Key: "error.date"}
		}
		if d.Time().Year() < 1900 || d.Time().Year() > 2200 {
			return nil, &FieldError{Key: "error.date_range"}
		}
		return d, nil
	case FieldBool:
		switch strings.ToLower(s) {
		case "1", "true", "on", "yes", "y":
			return true, nil
		case "0", "false", "off", "no", "n":
			return false, nil
		}
		return nil, &FieldError{Key: "error.boolean"}
	case FieldChoice:
		if !slices.ContainsFunc(f.Choices, func(c Choice) bool { return c.Code == s }) {
			return nil, &FieldError{Key: "error.choice", Args: []any{f.choiceCodes()}}
		}
		return s, nil
	case FieldMask:
		return f.parseMask(s)
	case FieldRef:
		id, err := ParseID(s)
		if err != nil {
			return nil, &FieldError{Key: "error.reference"}
		}
		return id, nil
	}
	return nil, &FieldError{Key: "error.invalid"}
}

func (f Field) inRange(n int64) (any, *FieldError) {
	if f.Min != nil && n < *f.Min {
		return nil, &FieldError{Key: "error.min", Args: []any{f.format(*f.Min)}}
	}
	if f.Max != nil && n > *f.Max {
		return nil, &FieldError{Key: "error.max", Args: []any{f.format(*f.Max)}}
	}
	return n, nil
}

// parseMask accepts either the total ("15") or the chosen bits separated by commas ("1,2,4").
func (f Field) parseMask(s string) (any, *FieldError) {
	var all, total int64
	for _, c := range f.Choices {
		b, _ := strconv.ParseInt(c.Code, 10, 64)
		all |= b
	}
	for part := range strings.SplitSeq(s, ",") {
		n, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
		if err != nil || n < 0 || n&^all != 0 {
			return nil, &FieldError{Key: "error.mask", Args: []any{all}}
		}
		total |= n
	}
	return total, nil
}

func (f Field) choiceCodes() string {
	codes := make([]string, len(f.Choices))
	for i, c := range f.Choices {
		codes[i] = c.Code
	}
	return strings.Join(codes, ", ")
}

// Format renders a value as the text a form or CSV shows for it.
func (f Field) Format(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return f.format(x)
	case bool:
		if x {
			return "true"
		}
		return "false"
	case fmt.Stringer:
		return x.String()
	case string:
		return x
	}
	return fmt.Sprint(v)
}

func (f Field) format(n int64) string {
	switch f.Kind {
	case FieldMoney:
		return FormatFixed(n, 2)
	case FieldDecimal:
		return FormatFixed(n, f.Scale)
	}
	return strconv.FormatInt(n, 10)
}

// checkPeriod refuses a period that ends before it starts; either end may be left open.
func checkPeriod(v Values, p Problems, from, to string) {
	start, end := v.Date(from), v.Date(to)
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		p.Add(to, "error.end_before_start")
	}
}

// HasBit reports whether mask value v includes the choice's bit; templates use it for checkboxes.
func HasBit(v any, code string) bool {
	n, _ := v.(int64)
	b, _ := strconv.ParseInt(code, 10, 64)
	return b != 0 && n&b == b
}

func ptr(n int64) *int64 { return &n }
