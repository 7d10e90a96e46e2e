package imis

import "testing"

func TestRenewalDate(t *testing.T) {
	for _, tc := range []struct{ name, expiry, want string }{
		{"the day after the expiry", "2024-03-30", "2024-03-31"},
		{"across a month end", "2024-03-31", "2024-04-01"},
		{"across a year end", "2024-12-31", "2025-01-01"},
	} {
		if got := RenewalDate(d(tc.expiry)).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestLateRenewal(t *testing.T) {
	terms := PolicyTerms{GracePeriodRenewal: 2}
	expiry := d("2024-03-31")
	if got := LastDateForRenewal(terms, expiry).String(); got != "2024-06-01" {
		t.Fatalf("last day on time %s, want 2024-06-01", got)
	}
	for _, tc := range []struct {
		name  string
		terms PolicyTerms
		enrol string
		want  bool
	}{
		{"renewed before the expiry", terms, "2024-03-15", false},
		{"renewed on the last day of the grace", terms, "2024-06-01", false},
		{"renewed the day after the grace", terms, "2024-06-02", true},
		{"without grace, the day after the expiry is on time", PolicyTerms{}, "2024-04-01", false},
		{"without grace, two days after is late", PolicyTerms{}, "2024-04-02", true},
	} {
		if got := LateRenewal(tc.terms, d(tc.enrol), expiry); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestRenewalProduct(t *testing.T) {
	old, successor, last := NewID(), NewID(), NewID()
	chain := []ChainProduct{
		{ID: old, From: d("2020-01-01"), To: d("2023-12-31")},
		{ID: successor, From: d("2024-01-01"), To: d("2024-12-31")},
		{ID: last, From: d("2024-06-01"), To: d("2026-12-31")},
	}
	for _, tc := range []struct {
		name  string
		chain []ChainProduct
		at    string
		want  ID
		ok    bool
	}{
		{"the product itself while on sale", chain, "2023-12-31", old, true},
		{"a withdrawn product renews as its successor", chain, "2024-01-01", successor, true},
		{"the first on sale wins when two are", chain, "2024-07-01", successor, true},
		{"further along the chain", chain, "2025-01-01", last, true},
		{"none on sale", chain, "2027-01-01", NilID, false},
		{"no chain", nil, "2024-01-01", NilID, false},
	} {
		got, ok := RenewalProduct(tc.chain, d(tc.at))
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: %v %v, want %v %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRenewsAs(t *testing.T) {
	old, successor, last, other := NewID(), NewID(), NewID(), NewID()
	chain := []ChainProduct{{ID: old}, {ID: successor}, {ID: last}}
	for _, tc := range []struct {
		name    string
		chain   []ChainProduct
		product ID
		want    bool
	}{
		{"the renewed product", chain, old, true},
		{"the product it converts into", chain, successor, true},
		{"further along the conversions", chain, last, true},
		{"an unrelated product, whatever its grace", chain, other, false},
		{"a product that converts into the renewed one", chain[1:], old, false},
		{"no chain: the product is gone", nil, old, false},
	} {
		if got := RenewsAs(tc.chain, tc.product); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
