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

func TestStandingOn(t *testing.T) {
	const day = "2026-12-07"
	for _, tc := range []struct {
		name                string
		status              int64
		effective, expiry   string
		want                int64
		letter, coveredFrom string
		unpaid              bool
	}{
		{"an unpaid policy is idle", PolicyIdle, "", "2027-12-06", PolicyIdle, CoverIdle, "", false},
		{"a paid policy covers", PolicyActive, "2026-06-01", "2027-05-31", PolicyActive, CoverActive, "", false},
		{"a policy paid before its start covers from the start", PolicyActive, "2027-01-07", "2028-01-06", PolicyActive, CoverIdle, "2027-01-07", false},
		{"the effective day is covered", PolicyActive, day, "2027-12-06", PolicyActive, CoverActive, "", false},
		{"a member not paid for is not covered by an active policy", PolicyActive, "", "2027-05-31", PolicyActive, CoverIdle, "", true},
		{"the expiry day is covered", PolicyActive, "2025-12-08", day, PolicyActive, CoverActive, "", false},
		{"a cover that ran out reads expired before the daily job", PolicyActive, "2025-12-07", "2026-12-06", PolicyExpired, CoverExpired, "", false},
		{"a suspended policy", PolicySuspended, "2026-06-01", "2027-05-31", PolicySuspended, CoverSuspended, "", false},
		{"a suspended policy that never covered", PolicySuspended, "", "2027-05-31", PolicySuspended, CoverIdle, "", false},
		{"an expired policy", PolicyExpired, "2025-06-01", "2026-05-31", PolicyExpired, CoverExpired, "", false},
		{"an expired policy that was never paid", PolicyExpired, "", "2026-05-31", PolicyExpired, CoverIdle, "", false},
		{"a ready policy", PolicyReady, "2026-06-01", "2027-05-31", PolicyReady, CoverReady, "", false},
		{"a ready policy whose cover starts later", PolicyReady, "2027-01-01", "2027-12-31", PolicyReady, CoverIdle, "2027-01-01", false},
	} {
		var eff Date
		if tc.effective != "" {
			eff = d(tc.effective)
		}
		got := StandingOn(tc.status, eff, d(tc.expiry), d(day))
		from := ""
		if !got.CoveredFrom.IsZero() {
			from = got.CoveredFrom.String()
		}
		if got.Status != tc.want || got.Letter != tc.letter || from != tc.coveredFrom || got.Unpaid != tc.unpaid {
			t.Errorf("%s: status %d letter %s covered from %q unpaid %v; want %d %s %q %v",
				tc.name, got.Status, got.Letter, from, got.Unpaid, tc.want, tc.letter, tc.coveredFrom, tc.unpaid)
		}
	}
}

// TestStandingWordsAgreeWithLetter checks every status against covers before, during and after
// the day: the letter the apps show never says something the words do not.
func TestStandingWordsAgreeWithLetter(t *testing.T) {
	day := d("2026-12-07")
	dates := []Date{{}, day.AddDays(-400), day.AddDays(-1), day, day.AddDays(1), day.AddDays(400)}
	for _, status := range []int64{PolicyIdle, PolicyActive, PolicySuspended, PolicyExpired, PolicyReady} {
		for _, eff := range dates {
			for _, exp := range dates[1:] {
				s := StandingOn(status, eff, exp, day)
				plain := s.CoveredFrom.IsZero() && !s.Unpaid
				var agree bool
				switch s.Letter {
				case CoverActive:
					agree = s.Status == PolicyActive && plain
				case CoverSuspended:
					agree = s.Status == PolicySuspended && plain
				case CoverReady:
					agree = s.Status == PolicyReady && plain
				case CoverExpired:
					agree = s.Status == PolicyExpired && plain
				case CoverIdle:
					agree = !((s.Status == PolicyActive || s.Status == PolicyReady) && plain)
				}
				if !agree {
					t.Errorf("status %d effective %s expiry %s: letter %s with %+v", status, eff, exp, s.Letter, s)
				}
			}
		}
	}
}
