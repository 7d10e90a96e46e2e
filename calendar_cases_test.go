package imis

import "testing"

// TestRoundDivHalfAwayFromZero pins the rounding of insurance-domain §5.4 step 9 on both signs:
// SQL Server rounds a decimal half away from zero when it drops places.
func TestRoundDivHalfAwayFromZero(t *testing.T) {
	for _, tc := range []struct {
		n, d, want int64
	}{
		{4950, 100, 50},
		{4949, 100, 49},
		{5049, 100, 50},
		{0, 100, 0},
		{-4950, 100, -50},
		{-4949, 100, -49},
		{-5050, 100, -51},
		{-1, 2, -1},
		{7, 1, 7},
	} {
		if got := RoundDiv(tc.n, tc.d); got != tc.want {
			t.Errorf("RoundDiv(%d, %d) = %d, want %d", tc.n, tc.d, got, tc.want)
		}
	}
}

// TestAdultFromTheBirthday: insurance-domain §1.5 counts full years, so the 18th birthday itself
// makes an adult and the day before does not.
func TestAdultFromTheBirthday(t *testing.T) {
	for _, tc := range []struct {
		dob, at string
		want    bool
	}{
		{"2000-06-15", "2018-06-14", false},
		{"2000-06-15", "2018-06-15", true},
		{"2000-06-15", "2030-01-01", true},
		{"2018-06-15", "2018-06-15", false},
		{"2000-02-29", "2018-02-28", false},
		{"2000-02-29", "2018-03-01", true},
	} {
		if got := Adult(d(tc.dob), d(tc.at)); got != tc.want {
			t.Errorf("born %s, adult on %s: %v, want %v", tc.dob, tc.at, got, tc.want)
		}
	}
}

// TestAddMonthsAcrossYears adds and subtracts months over year ends, where the month number
// wraps, and keeps the month-end clamp of DATEADD.
func TestAddMonthsAcrossYears(t *testing.T) {
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2021-11-30", 2, "2022-01-30"},
		{"2021-12-31", 2, "2022-02-28"},
		{"2021-01-31", 13, "2022-02-28"},
		{"2021-01-15", -1, "2020-12-15"},
		{"2021-02-28", -12, "2020-02-28"},
		{"2021-03-31", -13, "2020-02-29"},
		{"2021-01-01", -24, "2019-01-01"},
		{"2021-06-30", 0, "2021-06-30"},
		{"2021-05-31", -3, "2021-02-28"},
	} {
		if got := d(tc.from).AddMonths(tc.n).String(); got != tc.want {
			t.Errorf("%s %+d months = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
}
