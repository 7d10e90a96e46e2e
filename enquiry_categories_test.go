package imis

import "testing"

// TestEnquiryCategoriesHaveALimit checks that every category an enquiry reports has a count limit
// of its own and, but for visits, an amount ceiling: a category without one would always show
// as unlimited.
func TestEnquiryCategoriesHaveALimit(t *testing.T) {
	n, m := int64(1), Money(1)
	counts := CategoryCounts{Hospitalization: &n, Visit: &n, Consultation: &n, Surgery: &n, Delivery: &n, Antenatal: &n}
	amounts := CategoryAmounts{Hospitalization: &m, Consultation: &m, Surgery: &m, Delivery: &m, Antenatal: &m}
	seen := map[string]bool{}
	for _, c := range EnquiryCategories {
		if seen[c] {
			t.Errorf("category %q listed twice", c)
		}
		seen[c] = true
		if counts.Of(c) == nil {
			t.Errorf("category %q has no count limit", c)
		}
		if got := amounts.Of(c) != nil; got != (c != CategoryVisit) {
			t.Errorf("category %q: amount ceiling %v", c, got)
		}
	}
	if len(EnquiryCategories) != 6 {
		t.Errorf("%d categories, want the six with limits", len(EnquiryCategories))
	}
}
