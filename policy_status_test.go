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

func TestExpiredBy(t *testing.T) {
	for _, tc := range []struct {
		name          string
		expiry, today string
		expired       bool
	}{
		{"a policy that expired yesterday has expired", "2024-05-09", "2024-05-10", true},
		{"a policy covers its expiry day", "2024-05-10", "2024-05-10", false},
		{"a policy that expires tomorrow runs", "2024-05-11", "2024-05-10", false},
		{"the day before a month's first is the previous month's last", "2024-02-29", "2024-03-01", true},
		{"a leap day still covered on the leap day", "2024-02-29", "2024-02-29", false},
	} {
		if got := ExpiredBy(d(tc.expiry), d(tc.today)); got != tc.expired {
			t.Errorf("%s: expired %v", tc.name, got)
		}
	}
	for _, tc := range []struct{ today, last string }{
		{"2024-05-10", "2024-05-09"},
		{"2024-03-01", "2024-02-29"},
		{"2025-01-01", "2024-12-31"},
	} {
		if got := LastExpiredDay(d(tc.today)); got.String() != tc.last {
			t.Errorf("last expired day of %s: %s, want %s", tc.today, got, tc.last)
		}
	}
}
