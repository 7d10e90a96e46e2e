package imis

import (
	"reflect"
	"testing"
)

func TestSearchText(t *testing.T) {
	for _, tc := range []struct {
		name string
		reg  *Register
		v    Values
		want string
	}{
		{"code and title, lower-cased", Insurees, Values{"chfid": "AB123", "last_name": "Mwangi"}, "ab123 mwangi"},
		{"a missing title leaves the space", Policies, Values{"head_chfid": "X1"}, "x1 "},
		{"a missing code leads with the space", Contributions, Values{"head_chfid": "X1"}, " x1"},
		{"letters beyond ASCII are lower-cased too", Families, Values{"head_chfid": "Ü9", "head_name": "ÇELIK Ana"}, "ü9 çelik ana"},
	} {
		if got := tc.reg.SearchText(tc.v); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := (&Register{Code: "code", Title: "code"}).SearchText(Values{"code": "ABC"}); got != "abc" {
		t.Errorf("a code that is the title is not repeated: %q", got)
	}
}

func TestFamilyHead(t *testing.T) {
	id := NewID()
	for _, tc := range []struct {
		name, last, other, want string
	}{
		{"last name, then other names", "Mwangi", "Amani Grace", "Mwangi Amani Grace"},
		{"no other names leaves no trailing space", "Mwangi", "", "Mwangi"},
	} {
		got := FamilyHead(id, "123", tc.last, tc.other)
		if want := (Values{"head_id": id, "head_chfid": "123", "head_name": tc.want}); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", tc.name, got, want)
		}
	}
}

func TestPolicyCopies(t *testing.T) {
	district := NewID()
	if got, want := PolicyCopies(district, "123", "P1"), (Values{"district_id": district, "head_chfid": "123", "product_code": "P1"}); !reflect.DeepEqual(got, want) {
		t.Errorf("copies of a family with district and head: %v, want %v", got, want)
	}
	if got, want := PolicyCopies(NilID, "", "P1"), (Values{"district_id": nil, "head_chfid": nil, "product_code": "P1"}); !reflect.DeepEqual(got, want) {
		t.Errorf("a family without district or head copies nothing: %v, want %v", got, want)
	}
}

func TestContributionCopies(t *testing.T) {
	product, family, district := NewID(), NewID(), NewID()
	policy := Values{"product_id": product, "family_id": family, "district_id": district, "head_chfid": "123", "value": int64(500)}
	want := Values{"product_id": product, "family_id": family, "district_id": district, "head_chfid": "123"}
	if got := ContributionCopies(policy); !reflect.DeepEqual(got, want) {
		t.Errorf("copies %v, want %v", got, want)
	}
}

func TestPricePolicy(t *testing.T) {
	terms := PolicyTerms{InsurancePeriod: 12, PremiumAdult: 10000, RegistrationFee: 500, RenewalDiscountPct: 10, RenewalDiscountMon: 1, MaxMembers: 2}
	for _, tc := range []struct {
		name          string
		stage         string
		enroll, prev  string
		earlier       int
		start, expiry string
		value         Money
		order         int
	}{
		{"a new policy runs a year from enrolment, registration included", StageNew, "2024-03-01", "", 3, "2024-03-01", "2025-02-28", 20000 + 1000, 0},
		{"a first renewal follows the previous expiry with the early discount", StageRenewal, "2024-01-15", "2024-02-29", 0, "2024-03-01", "2025-02-28", 18000, 1},
		{"a later renewal ranks after the earlier ones", StageRenewal, "2024-03-05", "2024-02-29", 2, "2024-03-05", "2025-03-04", 20000, 3},
	} {
		var prev Date
		if tc.prev != "" {
			prev = d(tc.prev)
		}
		f, err := PricePolicy(terms, members(3, 0), tc.stage, d(tc.enroll), prev, tc.earlier)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if f.Stage != tc.stage || f.Start.String() != tc.start || f.Expiry.String() != tc.expiry || f.Value != tc.value || f.RenewalOrder != tc.order {
			t.Errorf("%s: %+v", tc.name, f)
		}
	}
	if _, err := PricePolicy(PolicyTerms{StartCycles: []string{"99-99"}}, nil, StageNew, d("2024-01-01"), Date{}, 0); err == nil {
		t.Error("a malformed cycle was priced")
	}
}

func TestPolicyFiguresValues(t *testing.T) {
	start, expiry := d("2024-03-01"), d("2025-02-28")
	for _, tc := range []struct {
		name  string
		f     PolicyFigures
		order any
	}{
		{"a new policy has no renewal order", PolicyFigures{Stage: StageNew, Start: start, Expiry: expiry, Value: 500}, nil},
		{"a renewal carries its order", PolicyFigures{Stage: StageRenewal, Start: start, Expiry: expiry, Value: 500, RenewalOrder: 2}, int64(2)},
	} {
		want := Values{"stage": tc.f.Stage, "status": int64(PolicyIdle), "value": int64(500), "start_date": start, "expiry_date": expiry,
			"effective_date": nil, "renewal_order": tc.order}
		if got := tc.f.Values(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %v, want %v", tc.name, got, want)
		}
	}
}

func TestCoveredMembers(t *testing.T) {
	for _, tc := range []struct {
		name      string
		members   []int
		max, want int
	}{
		{"no maximum covers everybody", []int{1, 2, 3}, 0, 3},
		{"under the maximum covers everybody", []int{1, 2}, 3, 2},
		{"at the maximum covers everybody", []int{1, 2, 3}, 3, 3},
		{"beyond it the first registered are covered", []int{1, 2, 3, 4}, 3, 3},
	} {
		got := CoveredMembers(tc.members, tc.max)
		if len(got) != tc.want || !reflect.DeepEqual(got, tc.members[:tc.want]) {
			t.Errorf("%s: %v", tc.name, got)
		}
	}
}

func TestCoverageRow(t *testing.T) {
	policyID, family, insuree := NewID(), NewID(), NewID()
	policy := Values{"family_id": family, "enroll_date": d("2024-02-20"), "start_date": d("2024-03-01"), "expiry_date": d("2025-02-28"), "is_offline": true}
	want := Values{"family_id": family, "insuree_id": insuree, "policy_id": policyID, "enrollment_date": d("2024-02-20"),
		"start_date": d("2024-03-01"), "effective_date": d("2024-03-05"), "expiry_date": d("2025-02-28"), "is_offline": true}
	if got := CoverageRow(policyID, policy, insuree, d("2024-03-05")); !reflect.DeepEqual(got, want) {
		t.Errorf("row %v, want %v", got, want)
	}
	if got := CoverageRow(policyID, policy, insuree, Date{}); !got.Date("effective_date").IsZero() {
		t.Errorf("a member not yet paid for is covered from %v", got["effective_date"])
	}
}
