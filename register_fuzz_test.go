package imis

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// inputFields lists every field a form, an API body or a CSV upload can fill, children included.
func inputFields() []Field {
	var out []Field
	for _, r := range AllRegisters {
		sets := [][]Field{r.Fields}
		for _, c := range r.Children {
			sets = append(sets, c.Fields)
		}
		for _, fields := range sets {
			for _, f := range fields {
				if !f.Computed {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// FuzzFieldParse feeds any text to every register field and checks that an accepted value has the
// field's type and honours its length, range, choices and date bounds, and that the text Format
// gives for it parses back to the same value, so what a form shows can be saved unchanged.
func FuzzFieldParse(f *testing.F) {
	fields := inputFields()
	seeds := []string{
		"", " ", "A00", "has space", "x@example.org", "Name <x@example.org>", "12", "-3", "0", "12.5", "12.345",
		"1,000.00", "99999999999999999999", "2021-02-28", "1899-12-31", "1900-01-01", "2200-12-31", "2201-01-01", "2021-02-30", "true", "Off", "maybe",
		"1,2,4", "15", "16", "0190d5a6-63a4-7c1b-9b5e-3a4f0c2d1e8f", "not-a-uuid", "101001",
		strings.Repeat("é", 120), "\x00", "\xff",
	}
	seen := map[FieldKind]bool{}
	for i, field := range fields {
		// Every seed for the first field of each kind; the others get their own choices and a number.
		texts := []string{"12"}
		if !seen[field.Kind] {
			texts, seen[field.Kind] = seeds, true
		}
		for _, c := range field.Choices {
			texts = append(texts, c.Code)
		}
		for _, s := range texts {
			f.Add(uint16(i), s)
		}
	}
	f.Fuzz(func(t *testing.T, index uint16, s string) {
		field := fields[int(index)%len(fields)]
		v, fe := field.Parse(s)
		if again, againErr := field.Parse(" " + s + "\t"); fmt.Sprint(again) != fmt.Sprint(v) || (againErr == nil) != (fe == nil) {
			t.Fatalf("%s %q: blanks around the text change the answer", field.Name, s)
		}
		if fe != nil {
			if v != nil || !strings.HasPrefix(fe.Key, "error.") {
				t.Fatalf("%s %q: value %v with problem %+v", field.Name, s, v, fe)
			}
			return
		}
		text := strings.TrimSpace(s)
		if text == "" && (v != nil && v != false || field.Required && field.Kind != FieldBool) {
			t.Fatalf("%s: blank input gives %v", field.Name, v)
		}
		if v == nil {
			return
		}
		if field.MaxLen > 0 && utf8.RuneCountInString(text) > field.MaxLen {
			t.Fatalf("%s accepts %d characters, more than %d", field.Name, utf8.RuneCountInString(text), field.MaxLen)
		}
		checkFieldValue(t, field, s, v)
		back, fe := field.Parse(field.Format(v))
		if fe != nil || fmt.Sprintf("%T %v", back, back) != fmt.Sprintf("%T %v", v, v) {
			t.Fatalf("%s: %q gives %v, formatted %q, which parses as %v, %+v", field.Name, s, v, field.Format(v), back, fe)
		}
	})
}

// checkFieldValue checks an accepted value against the declaration of its field.
func checkFieldValue(t *testing.T, field Field, s string, v any) {
	t.Helper()
	switch field.Kind {
	case FieldText, FieldCode, FieldEmail, FieldChoice:
		str, ok := v.(string)
		if !ok || str != strings.TrimSpace(s) {
			t.Fatalf("%s %q: value %#v", field.Name, s, v)
		}
		if field.Kind == FieldCode && strings.ContainsAny(str, " \t\r\n") {
			t.Fatalf("code %s accepts %q", field.Name, str)
		}
		if field.Kind == FieldChoice && !slices.ContainsFunc(field.Choices, func(c Choice) bool { return c.Code == str }) {
			t.Fatalf("choice %s accepts %q", field.Name, str)
		}
	case FieldInt, FieldRight, FieldDecimal, FieldMoney:
		n, ok := v.(int64)
		if !ok || field.Min != nil && n < *field.Min || field.Max != nil && n > *field.Max {
			t.Fatalf("%s %q: value %#v outside its range", field.Name, s, v)
		}
	case FieldMask:
		var all int64
		for _, c := range field.Choices {
			var b int64
			fmt.Sscan(c.Code, &b)
			all |= b
		}
		if n, ok := v.(int64); !ok || n < 0 || n&^all != 0 {
			t.Fatalf("mask %s %q: value %#v has bits no choice has", field.Name, s, v)
		}
	case FieldDate:
		d, ok := v.(Date)
		if !ok || d.Time().Year() < 1900 || d.Time().Year() > 2200 {
			t.Fatalf("%s %q: date %#v out of bounds", field.Name, s, v)
		}
	case FieldBool:
		if _, ok := v.(bool); !ok {
			t.Fatalf("%s %q: value %#v", field.Name, s, v)
		}
	case FieldRef:
		if _, ok := v.(ID); !ok {
			t.Fatalf("%s %q: value %#v", field.Name, s, v)
		}
	default:
		t.Fatalf("%s: kind %d accepted %#v", field.Name, field.Kind, v)
	}
}
