package imis

import (
	"reflect"
	"testing"
)

// TestFieldParseKinds covers the field kinds the register tests leave out: masks (an item's or
// service's patient categories, insurance-domain §3.4), whole numbers with a fixed set of codes,
// and e-mail addresses.
func TestFieldParseKinds(t *testing.T) {
	category, _ := Items.Field("patient_category")
	status, _ := Policies.Field("status")
	mail, _ := Users.Field("email")
	for _, tc := range []struct {
		name  string
		field Field
		in    string
		want  any
		key   string // "" when accepted
	}{
		{"every category as a total", category, "15", int64(15), ""},
		{"chosen bits", category, "1, 8", int64(9), ""},
		{"a bit chosen twice counts once", category, "4,4,2", int64(6), ""},
		{"no category", category, "0", int64(0), ""},
		{"a bit no category has", category, "16", nil, "error.mask"},
		{"a negative part", category, "1,-2", nil, "error.mask"},
		{"not a number", category, "adult", nil, "error.mask"},
		{"a policy status code", status, "16", int64(16), ""},
		{"a number that is no status", status, "3", nil, "error.choice"},
		{"a plain address", mail, "amani@example.org", "amani@example.org", ""},
		{"an address with a display name", mail, "Amani <amani@example.org>", nil, "error.email"},
		{"not an address", mail, "amani", nil, "error.email"},
	} {
		got, fe := tc.field.Parse(tc.in)
		key := ""
		if fe != nil {
			key = fe.Key
		}
		if key != tc.key || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %q gives %v, %q; want %v, %q", tc.name, tc.in, got, key, tc.want, tc.key)
		}
	}
}

// TestHasBit tells a form which patient categories a mask holds.
func TestHasBit(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		code string
		want bool
	}{
		{"a bit in the mask", int64(12), "4", true},
		{"a bit not in it", int64(12), "1", false},
		{"the code 0 is no bit", int64(12), "0", false},
		{"an empty mask", nil, "4", false},
	} {
		if got := HasBit(tc.v, tc.code); got != tc.want {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}

// TestRegisterLookups finds registers, fields and child sets by name and reports the missing ones.
func TestRegisterLookups(t *testing.T) {
	if r := RegisterByName("products"); r != Products {
		t.Errorf("products register: %v", r)
	}
	if r := RegisterByName("claims"); r != nil {
		t.Errorf("unknown register found: %v", r.Name)
	}
	if f, ok := Products.Field("threshold"); !ok || f.Name != "threshold" {
		t.Errorf("threshold field: %v %v", f.Name, ok)
	}
	if f, ok := Products.Field("code"); !ok || f.Name != "code" {
		t.Errorf("the first field: %v %v", f.Name, ok)
	}
	if _, ok := Products.Field("colour"); ok {
		t.Error("unknown field found")
	}
	if _, ok := Products.Child("drugs"); ok {
		t.Error("unknown child set found")
	}
}

// TestLocationParents: a region hangs under nothing; districts, wards and villages need a parent.
func TestLocationParents(t *testing.T) {
	parent := NewID().String()
	for _, tc := range []struct {
		name, typ, parent string
		key               string
	}{
		{"a region", LocationRegion, "", ""},
		{"a region under another location", LocationRegion, parent, "error.region_has_no_parent"},
		{"a district under a region", LocationDistrict, parent, ""},
		{"a district without a parent", LocationDistrict, "", "error.required"},
		{"a village without a parent", LocationVillage, "", "error.required"},
	} {
		_, p := Locations.Parse(map[string]string{"code": "L1", "name": "Place", "type": tc.typ, "parent_id": tc.parent}, true)
		if p["parent_id"].Key != tc.key {
			t.Errorf("%s: problems %v, want %q on parent_id", tc.name, p, tc.key)
		}
	}
	if _, p := Locations.Parse(map[string]string{"code": "L1", "name": "Place"}, true); p["parent_id"].Key != "" || p["type"].Key != "error.required" {
		t.Errorf("a location without a type: %v", p)
	}
}
