package imis_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openimis-go/openimis"
)

func TestRefsByRegister(t *testing.T) {
	hf, role1, role2, district := imis.NewID(), imis.NewID(), imis.NewID(), imis.NewID()
	v := imis.Values{"login": "clerk", "hf_id": hf}
	children := map[string][]imis.Values{
		"roles":     {{"role_id": role1}, {"role_id": role2}},
		"districts": {{"location_id": district}, {"location_id": nil}},
	}
	all := func(*imis.Register) bool { return true }
	want := map[string][]imis.ID{"health-facilities": {hf}, "roles": {role1, role2}, "locations": {district}}
	if diff := cmp.Diff(want, imis.Users.RefsByRegister(v, children, all)); diff != "" {
		t.Errorf("every reference (-want +got):\n%s", diff)
	}
	onlyRoles := func(r *imis.Register) bool { return r == imis.Roles }
	if diff := cmp.Diff(map[string][]imis.ID{"roles": {role1, role2}}, imis.Users.RefsByRegister(v, children, onlyRoles)); diff != "" {
		t.Errorf("references kept by the filter (-want +got):\n%s", diff)
	}
}
