package imis

import "testing"

func TestPolicyStatusRules(t *testing.T) {
	for _, tc := range []struct {
		name                             string
		status                           int64
		editable, suspendable, renewable bool
	}{
		{"an idle policy may change and be suspended", PolicyIdle, true, true, false},
		{"a policy in force may be suspended or renewed", PolicyActive, false, true, true},
		{"a suspended policy is fixed", PolicySuspended, false, false, false},
		{"an expired policy may be renewed", PolicyExpired, false, false, true},
		{"a ready policy is fixed", PolicyReady, false, false, false},
	} {
		if got := PolicyEditable(tc.status); got != tc.editable {
			t.Errorf("%s: editable %v", tc.name, got)
		}
		if got := PolicySuspendable(tc.status); got != tc.suspendable {
			t.Errorf("%s: suspendable %v", tc.name, got)
		}
		if got := Renewable(tc.status); got != tc.renewable {
			t.Errorf("%s: renewable %v", tc.name, got)
		}
	}
}
