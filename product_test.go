package imis

import "testing"

func productRaw() map[string]string {
	return map[string]string{"code": "BASIC", "name": "Basic cover", "date_from": "2026-01-01", "date_to": "2026-12-31",
		"insurance_period": "12", "max_members": "6", "premium_adult": "100.00", "ceiling_type": "P", "max_policy": "5000.00"}
}

func TestProductRules(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  map[string]string
		field string
		key   string
	}{
		{"valid", nil, "", ""},
		{"sale window reversed", map[string]string{"date_to": "2025-12-31"}, "date_to", "error.end_before_start"},
		{"malformed cycle", map[string]string{"start_cycle_1": "31-2"}, "start_cycle_1", "error.cycle"},
		{"cycles out of order", map[string]string{"start_cycle_1": "01-07", "start_cycle_2": "01-01"}, "start_cycle_2", "error.cycle_order"},
		{"ceiling of another type", map[string]string{"max_insuree": "100.00"}, "max_insuree", "error.ceiling_type_mismatch"},
		{"general and split together", map[string]string{"max_ip_policy": "100.00"}, "max_policy", "error.ceiling_general_and_split"},
		{"threshold above the maximum", map[string]string{"threshold": "7"}, "threshold", "error.threshold_above_max"},
		{"weights not 100", map[string]string{"weight_population": "50"}, "weight_population", "error.weights_sum"},
		{"no members", map[string]string{"max_members": "0"}, "max_members", "error.min"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := productRaw()
			for k, v := range tc.edit {
				raw[k] = v
			}
			v, p := Products.Parse(raw, true)
			if tc.field == "" {
				if len(p) != 0 {
					t.Fatalf("valid product refused: %v", p)
				}
				if terms := TermsOf(v); terms.InsurancePeriod != 12 || terms.PremiumAdult != 10000 || terms.MaxMembers != 6 {
					t.Fatalf("terms %+v", terms)
				}
				return
			}
			if p[tc.field].Key != tc.key {
				t.Fatalf("problems %v, want %s on %s", p, tc.key, tc.field)
			}
		})
	}
}

func TestCoverLineDefaultsAndLimits(t *testing.T) {
	items, _ := Products.Child("items")
	p := Problems{}
	rows := items.ParseChildren([]map[string]string{{"item_id": NewID().String()}, {"item_id": NewID().String(), "limit_adult": "120"}}, p)
	if rows[0]["price_origin"] != "P" || rows[0]["limitation_type"] != "C" || rows[0]["limit_adult"] != int64(10000) {
		t.Fatalf("defaults not applied: %v", rows[0])
	}
	if p[ChildKey("items", 1, "limit_adult")].Key != "error.max" {
		t.Fatalf("co-insurance above 100%% accepted: %v", p)
	}
}
