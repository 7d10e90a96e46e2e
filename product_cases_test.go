package imis

import (
	"reflect"
	"testing"
)

// TestProductRuleEdges adds the edges of the product rules (insurance-domain §3.1, §3.2, §3.6) to
// TestProductRules: cycles in calendar order, the threshold within the maximum, bounded periods
// and dates.
func TestProductRuleEdges(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  map[string]string
		field string // "" when the product is valid
		key   string
	}{
		{"cycles in calendar order", map[string]string{"start_cycle_1": "15-01", "start_cycle_2": "01-07"}, "", ""},
		{"two cycles in one month", map[string]string{"start_cycle_1": "01-01", "start_cycle_2": "15-01"}, "", ""},
		{"four cycles", map[string]string{"start_cycle_1": "01-01", "start_cycle_2": "01-04", "start_cycle_3": "01-07", "start_cycle_4": "31-12"}, "", ""},
		{"the same cycle twice", map[string]string{"start_cycle_1": "01-07", "start_cycle_2": "01-07"}, "start_cycle_2", "error.cycle_order"},
		{"a later day of an earlier month", map[string]string{"start_cycle_1": "01-07", "start_cycle_2": "30-06"}, "start_cycle_2", "error.cycle_order"},
		{"the fourth cycle out of order", map[string]string{"start_cycle_1": "01-07", "start_cycle_4": "01-01"}, "start_cycle_4", "error.cycle_order"},
		{"a malformed fourth cycle", map[string]string{"start_cycle_4": "31-02"}, "start_cycle_4", "error.cycle"},
		{"a threshold equal to the maximum", map[string]string{"threshold": "6"}, "", ""},
		{"no threshold", map[string]string{"threshold": "0"}, "", ""},
		{"a one-day sale window", map[string]string{"date_to": "2026-01-01"}, "", ""},
		{"the shortest insurance period", map[string]string{"insurance_period": "1"}, "", ""},
		{"the longest insurance period", map[string]string{"insurance_period": "240"}, "", ""},
		{"an insurance period of 0", map[string]string{"insurance_period": "0"}, "insurance_period", "error.min"},
		{"an insurance period beyond 20 years", map[string]string{"insurance_period": "241"}, "insurance_period", "error.max"},
		{"the earliest date", map[string]string{"date_from": "1900-01-01"}, "", ""},
		{"the latest date", map[string]string{"date_to": "2200-12-31"}, "", ""},
		{"a date before 1900", map[string]string{"date_from": "1899-12-31"}, "date_from", "error.date_range"},
		{"a date after 2200", map[string]string{"date_to": "2201-01-01"}, "date_to", "error.date_range"},
		{"a premium with a third decimal", map[string]string{"premium_adult": "100.005"}, "premium_adult", "error.decimal"},
		{"a negative premium", map[string]string{"premium_adult": "-0.01"}, "premium_adult", "error.min"},
		{"a free product", map[string]string{"premium_adult": "0"}, "", ""},
		{"an unknown ceiling interpretation", map[string]string{"ceiling_interpretation": "X"}, "ceiling_interpretation", "error.choice"},
		{"a region that is not a reference", map[string]string{"location_id": "north"}, "location_id", "error.reference"},
		{"a region", map[string]string{"location_id": "0190d5a6-63a4-7c1b-9b5e-3a4f0c2d1e8f"}, "", ""},
		{"weights adding up to 100", map[string]string{"weight_population": "40", "weight_number_families": "35.5", "weight_adjusted_amount": "24.5"}, "", ""},
		{"weights adding up to 100.01", map[string]string{"weight_population": "40", "weight_number_families": "60.01"}, "weight_population", "error.weights_sum"},
		{"a share of exactly 100 %", map[string]string{"share_contribution": "100"}, "", ""},
		{"a share above 100 %", map[string]string{"share_contribution": "100.01"}, "share_contribution", "error.max"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := productRaw()
			for k, v := range tc.edit {
				raw[k] = v
			}
			_, p := Products.Parse(raw, true)
			if tc.field == "" {
				if len(p) != 0 {
					t.Fatalf("valid product refused: %v", p)
				}
				return
			}
			if p[tc.field].Key != tc.key {
				t.Fatalf("problems %v, want %s on %s", p, tc.key, tc.field)
			}
		})
	}
}

// TestCoverLineCoInsurance: a co-insurance value is a percentage of 0..100 (insurance-domain
// §3.4); the referral (_r) and emergency (_e) limits follow the line's own limitation type when
// theirs is blank.
func TestCoverLineCoInsurance(t *testing.T) {
	items, _ := Products.Child("items")
	for _, tc := range []struct {
		name  string
		row   map[string]string
		field string // "" when the line is valid
	}{
		{"co-insurance of exactly 100 %", map[string]string{"limit_adult": "100", "limit_child": "100.00"}, ""},
		{"co-insurance of 100.01 %", map[string]string{"limit_child": "100.01"}, "limit_child"},
		{"a fixed amount above 100", map[string]string{"limitation_type": "F", "limit_adult": "250"}, ""},
		{"referral follows the line's co-insurance", map[string]string{"limitation_type": "C", "limit_adult_r": "120"}, "limit_adult_r"},
		{"emergency follows the default co-insurance", map[string]string{"limit_child_e": "100.50"}, "limit_child_e"},
		{"emergency follows the line's fixed amount", map[string]string{"limitation_type": "F", "limit_child_e": "120"}, ""},
		{"referral co-insurance of its own under a fixed line", map[string]string{"limitation_type": "F", "limitation_type_r": "C", "limit_child_r": "120"}, "limit_child_r"},
		{"a fixed emergency amount under a co-insurance line", map[string]string{"limitation_type": "C", "limitation_type_e": "F", "limit_adult_e": "500"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			row := map[string]string{"item_id": NewID().String()}
			for k, v := range tc.row {
				row[k] = v
			}
			p := Problems{}
			items.ParseChildren([]map[string]string{row}, p)
			if tc.field == "" {
				if len(p) != 0 {
					t.Fatalf("valid line refused: %v", p)
				}
				return
			}
			if key := ChildKey("items", 0, tc.field); p[key].Key != "error.max" || len(p) != 1 {
				t.Fatalf("problems %v, want error.max on %s", p, key)
			}
		})
	}
}

// TestCoverLinesOncePerItem: an item or service appears once in a product's list.
func TestCoverLinesOncePerItem(t *testing.T) {
	services, _ := Products.Child("services")
	one, other := NewID().String(), NewID().String()
	p := Problems{}
	services.ParseChildren([]map[string]string{{"service_id": one}, {"service_id": other}, {"service_id": one}}, p)
	if len(p) != 1 || p[ChildKey("services", 2, "service_id")].Key != "error.duplicate_in_list" {
		t.Fatalf("problems %v, want the third line refused as a duplicate", p)
	}
	p = Problems{}
	services.ParseChildren([]map[string]string{{"service_id": one, "limit_adult": "50"}, {"service_id": other, "limit_adult": "50"}}, p)
	if len(p) != 0 {
		t.Fatalf("distinct services refused: %v", p)
	}
}

// TestTermsOfReadsEverySetting reads a stored product into the policy terms: every setting, and
// the cycle starts in their order with the blank ones left out.
func TestTermsOfReadsEverySetting(t *testing.T) {
	v := Values{
		"insurance_period": int64(12), "administration_period": int64(1), "grace_period": int64(2), "grace_period_renewal": int64(3),
		"grace_period_payment": int64(4), "max_members": int64(6), "threshold": int64(4),
		"lump_sum": int64(20000), "premium_adult": int64(3000), "premium_child": int64(2000),
		"registration_lump_sum": int64(2500), "registration_fee": int64(100), "general_assembly_lump_sum": int64(1300), "general_assembly_fee": int64(50),
		"enrolment_discount_perc": int64(10), "enrolment_discount_period": int64(1), "renewal_discount_perc": int64(15), "renewal_discount_period": int64(2),
		"start_cycle_1": "01-01", "start_cycle_2": "01-04", "start_cycle_4": "01-10",
	}
	want := PolicyTerms{InsurancePeriod: 12, AdministrationPeriod: 1, GracePeriod: 2, GracePeriodRenewal: 3, GracePeriodPayment: 4,
		StartCycles: []string{"01-01", "01-04", "01-10"}, MaxMembers: 6, Threshold: 4,
		LumpSum: 20000, PremiumAdult: 3000, PremiumChild: 2000, RegistrationLumpSum: 2500, RegistrationFee: 100, AssemblyLumpSum: 1300, AssemblyFee: 50,
		EnrolmentDiscountPct: 10, EnrolmentDiscountMon: 1, RenewalDiscountPct: 15, RenewalDiscountMon: 2}
	if got := TermsOf(v); !reflect.DeepEqual(got, want) {
		t.Fatalf("terms\n%+v\nwant\n%+v", got, want)
	}
	if got := TermsOf(Values{"start_cycle_3": "01-07"}).StartCycles; !reflect.DeepEqual(got, []string{"01-07"}) {
		t.Fatalf("a lone third cycle read as %q", got)
	}
}
