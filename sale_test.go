package imis

import "testing"

func TestProductOnSale(t *testing.T) {
	from, to := d("2024-01-01"), d("2024-12-31")
	for _, tc := range []struct {
		name string
		day  string
		want bool
	}{
		{"the day before the sale opens", "2023-12-31", false},
		{"the first day of sale", "2024-01-01", true},
		{"inside the window", "2024-06-15", true},
		{"the last day of sale", "2024-12-31", true},
		{"the day after the sale closes", "2025-01-01", false},
	} {
		if got := ProductOnSale(from, to, d(tc.day)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestProductOfferedIn(t *testing.T) {
	region, district, other := NewID(), NewID(), NewID()
	for _, tc := range []struct {
		name     string
		location ID
		want     bool
	}{
		{"a national product is offered everywhere", NilID, true},
		{"a product of the family's region", region, true},
		{"a product of the family's district", district, true},
		{"a product of another place", other, false},
	} {
		if got := ProductOfferedIn(tc.location, district, region); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOfficerWorksOn(t *testing.T) {
	for _, tc := range []struct {
		name, worksTo, day string
		want               bool
	}{
		{"no end date: still working", "", "2030-01-01", true},
		{"working before the last day", "2024-06-30", "2024-06-01", true},
		{"the last day is still worked", "2024-06-30", "2024-06-30", true},
		{"gone the day after", "2024-06-30", "2024-07-01", false},
	} {
		var worksTo Date
		if tc.worksTo != "" {
			worksTo = d(tc.worksTo)
		}
		if got := OfficerWorksOn(worksTo, d(tc.day)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
