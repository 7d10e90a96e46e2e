package imis

import "testing"

// TestUserRights: a right check passes for the administrator, for a holder of any of the rights
// asked (OR) or of all of them (AND), and never for nobody.
func TestUserRights(t *testing.T) {
	var nobody *User
	clerk := &User{Rights: []Right{RightPolicySearch, RightPolicyAdd}}
	admin := &User{Admin: true}
	for _, tc := range []struct {
		name      string
		got, want bool
	}{
		{"nobody holds no right", nobody.Can(RightPolicySearch), false},
		{"nobody holds all of no rights", nobody.CanAll(), false},
		{"nobody is scoped", nobody.Scoped(), true},
		{"the administrator holds every right", admin.Can(RightProductDelete), true},
		{"the administrator is not scoped", admin.Scoped(), false},
		{"any of the rights asked", clerk.Can(RightProductAdd, RightPolicyAdd), true},
		{"none of the rights asked", clerk.Can(RightProductAdd, RightProductEdit), false},
		{"all of the rights asked", clerk.CanAll(RightPolicySearch, RightPolicyAdd), true},
		{"all but one of the rights asked", clerk.CanAll(RightPolicySearch, RightPolicyEdit), false},
		{"a user is scoped", clerk.Scoped(), true},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
}

// TestKnownRightsNameEntityAndAction: a right code MMSSAA names its entity by MMSS and its action by AA.
func TestKnownRightsNameEntityAndAction(t *testing.T) {
	want := map[Right]RightInfo{
		RightProductAdd:   {RightProductAdd, "right.entity.product", "right.action.02"},
		RightPolicySearch: {RightPolicySearch, "right.entity.policy", "right.action.01"},
		RightFamilyDelete: {RightFamilyDelete, "right.entity.family", "right.action.04"},
	}
	for _, info := range KnownRights() {
		if w, ok := want[info.Code]; ok {
			if info != w {
				t.Errorf("%d: %+v, want %+v", info.Code, info, w)
			}
			delete(want, info.Code)
		}
	}
	if len(want) != 0 {
		t.Errorf("rights not listed: %v", want)
	}
}

// TestPageBounds: pages count from 1 and hold 1 to 500 rows, 20 when unset.
func TestPageBounds(t *testing.T) {
	for _, tc := range []struct {
		name       string
		in         Page
		want       Page
		wantOffset int
	}{
		{"unset", Page{}, Page{Number: 1, Size: 20}, 0},
		{"negative", Page{Number: -2, Size: -5}, Page{Number: 1, Size: 20}, 0},
		{"one row a page", Page{Number: 3, Size: 1}, Page{Number: 3, Size: 1}, 2},
		{"the largest page", Page{Number: 2, Size: 500}, Page{Number: 2, Size: 500}, 500},
		{"too large a page", Page{Number: 2, Size: 501}, Page{Number: 2, Size: 500}, 500},
		{"fourth page of 25", Page{Number: 4, Size: 25}, Page{Number: 4, Size: 25}, 75},
	} {
		if got := tc.in.Normal(); got != tc.want || tc.in.Offset() != tc.wantOffset {
			t.Errorf("%s: %+v offset %d, want %+v offset %d", tc.name, got, tc.in.Offset(), tc.want, tc.wantOffset)
		}
	}
}
