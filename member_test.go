package imis

import "testing"

func TestCoverChangeOnSave(t *testing.T) {
	for _, tc := range []struct {
		name               string
		created            bool
		prevStatus, status string
		moved              bool
		want               CoverChange
	}{
		{"a new active member joins", true, "", InsureeActive, false, CoverJoin},
		{"a new inactive member changes nothing", true, "", InsureeInactive, false, CoverKept},
		{"a reactivated member joins", false, InsureeInactive, InsureeActive, false, CoverJoin},
		{"a member moved to another family joins it", false, InsureeActive, InsureeActive, true, CoverJoin},
		{"an edited active member keeps cover", false, InsureeActive, InsureeActive, false, CoverKept},
		{"a member becoming inactive loses cover", false, InsureeActive, InsureeInactive, false, CoverEnd},
		{"a member who died loses cover", false, InsureeActive, InsureeDead, false, CoverEnd},
		{"an inactive member edited again loses cover again", false, InsureeInactive, InsureeInactive, false, CoverEnd},
	} {
		if got := CoverChangeOnSave(tc.created, tc.prevStatus, tc.status, tc.moved); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNewMemberCover(t *testing.T) {
	today := d("2024-05-10")
	active := MemberPolicy{Status: PolicyActive, Expiry: d("2024-12-31"), Effective: d("2024-01-01"), MaxMembers: 4, Covered: 2,
		Value: 30000, ValueWithMember: 30000, Paid: 30000}
	with := func(f func(*MemberPolicy)) MemberPolicy { p := active; f(&p); return p }
	for _, tc := range []struct {
		name      string
		policy    MemberPolicy
		activate  bool
		join      bool
		effective string
	}{
		{"joins a policy in force from its effective date", active, false, true, "2024-01-01"},
		{"not an expired policy", with(func(p *MemberPolicy) { p.Status = PolicyExpired }), false, false, ""},
		{"not a policy that ended yesterday", with(func(p *MemberPolicy) { p.Expiry = d("2024-05-09") }), false, false, ""},
		{"a policy ending today", with(func(p *MemberPolicy) { p.Expiry = today }), false, true, "2024-01-01"},
		{"not when already covered to the policy's end", with(func(p *MemberPolicy) { p.CoveredTo = p.Expiry }), false, false, ""},
		{"again when the own cover was cut short", with(func(p *MemberPolicy) { p.CoveredTo = d("2024-03-01") }), false, true, "2024-01-01"},
		{"not a policy at its maximum", with(func(p *MemberPolicy) { p.Covered = 4 }), false, false, ""},
		{"one place left", with(func(p *MemberPolicy) { p.Covered = 3 }), false, true, "2024-01-01"},
		{"no maximum", with(func(p *MemberPolicy) { p.MaxMembers, p.Covered = 0, 40 }), false, true, "2024-01-01"},
		{"an idle policy: waits for payment", with(func(p *MemberPolicy) { p.Status = PolicyIdle }), true, true, ""},
		{"a ready policy: waits for activation", with(func(p *MemberPolicy) { p.Status = PolicyReady }), true, true, ""},
		{"never in force: no effective date", with(func(p *MemberPolicy) { p.Effective = Date{} }), false, true, ""},
		{"raises the value beyond what was paid: waits", with(func(p *MemberPolicy) { p.ValueWithMember = 40000 }), false, true, ""},
		{"raises the value, activated anyway", with(func(p *MemberPolicy) { p.ValueWithMember = 40000 }), true, true, "2024-01-01"},
		{"raises the value, already paid", with(func(p *MemberPolicy) { p.ValueWithMember, p.Paid = 40000, 40000 }), false, true, "2024-01-01"},
		{"an unchanged value needs no payment", with(func(p *MemberPolicy) { p.Paid = 10000 }), false, true, "2024-01-01"},
	} {
		join, eff := NewMemberCover(tc.policy, today, tc.activate)
		if join != tc.join || eff.String() != tc.effective {
			t.Errorf("%s: %v %q, want %v %q", tc.name, join, eff, tc.join, tc.effective)
		}
	}
}
