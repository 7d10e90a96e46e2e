package imis

import (
	"slices"
	"testing"
)

// TestMissingRights: a user may give only the rights they hold; the administrator holds every
// right, and nobody holds none.
func TestMissingRights(t *testing.T) {
	var nobody *User
	hfAdmin := &User{Rights: systemRights(SystemRoleHFAdministrator)}
	schemeAdmin := systemRights(SystemRoleSchemeAdministrator)
	for _, tc := range []struct {
		name   string
		editor *User
		given  []Right
		want   []Right
	}{
		{"the administrator gives anything", &User{Admin: true}, schemeAdmin, nil},
		{"the same role's rights", hfAdmin, systemRights(SystemRoleHFAdministrator), nil},
		{"a role with the same rights", hfAdmin, systemRights(SystemRoleOfflineAdministrator), nil},
		{"part of what is held", hfAdmin, []Right{RightUserSearch, RightUserAdd}, nil},
		{"no rights at all", hfAdmin, nil, nil},
		{"a role with more rights", hfAdmin, []Right{RightUserSearch, RightItemEdit, RightItemAdd}, []Right{RightItemEdit, RightItemAdd}},
		{"a right named twice is missing once", hfAdmin, []Right{RightItemEdit, RightItemEdit}, []Right{RightItemEdit}},
		{"the Scheme Administrator's rights", hfAdmin, schemeAdmin[:3], schemeAdmin[:3]},
		{"nobody gives any right", nobody, []Right{RightUserSearch}, []Right{RightUserSearch}},
	} {
		if got := tc.editor.MissingRights(tc.given); !slices.Equal(got, tc.want) {
			t.Errorf("%s: missing %v, want %v", tc.name, got, tc.want)
		}
	}
	if got := hfAdmin.MissingRights(schemeAdmin); len(got) == 0 {
		t.Error("an HF Administrator may give the Scheme Administrator's rights")
	}
}

// TestHoldsDistrict: a user gives only their own districts; the administrator gives any.
func TestHoldsDistrict(t *testing.T) {
	var nobody *User
	own, other := NewID(), NewID()
	scoped := &User{Districts: []ID{own}}
	for _, tc := range []struct {
		name      string
		got, want bool
	}{
		{"own district", scoped.HoldsDistrict(own), true},
		{"another district", scoped.HoldsDistrict(other), false},
		{"no district", scoped.HoldsDistrict(NilID), false},
		{"the administrator, any district", (&User{Admin: true}).HoldsDistrict(other), true},
		{"nobody, no district", nobody.HoldsDistrict(own), false},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

func systemRights(code int) []Right {
	for _, r := range SystemRoles {
		if r.Code == code {
			return r.Rights
		}
	}
	panic("no system role")
}
