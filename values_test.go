package imis

import "testing"

func TestValuesReadTheirKind(t *testing.T) {
	id := NewID()
	day := NewDate(2024, 3, 1)
	v := Values{"ref": id, "name": "Amani", "dob": day, "count": int64(7), "amount": int64(1250), "flag": true, "empty": nil}
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"a reference reads as its id", v.ID("ref"), id},
		{"text reads as itself", v.Text("name"), "Amani"},
		{"a date reads as itself", v.Date("dob"), day},
		{"a whole number reads as itself", v.Int("count"), int64(7)},
		{"money reads as hundredths", v.Money("amount"), Money(1250)},
		{"a yes reads as true", v.Bool("flag"), true},
		{"a missing reference reads as no record", v.ID("missing"), NilID},
		{"an empty text reads as blank", v.Text("empty"), ""},
		{"a missing date reads as unset", v.Date("missing"), Date{}},
		{"a missing number reads as zero", v.Int("missing"), int64(0)},
		{"missing money reads as zero", v.Money("missing"), Money(0)},
		{"a missing yes/no reads as no", v.Bool("missing"), false},
		{"a value of another kind reads as zero", v.Int("name"), int64(0)},
		{"text is not a reference", v.ID("name"), NilID},
		{"a number is not a date", v.Date("count"), Date{}},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}
