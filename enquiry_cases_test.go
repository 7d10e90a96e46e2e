package imis

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPolicyBalancesEdges adds the edges of insurance-domain §8.1 steps 2–4 to TestPolicyBalances.
func TestPolicyBalancesEdges(t *testing.T) {
	for _, tc := range []struct {
		name    string
		limits  ProductLimits
		members int
		insuree Consumption
		family  Consumption
		want    Balances
	}{
		{
			// No maximum to cut at: 6 members, threshold 4, 2 extra × 300.00 on 1000.00; a
			// ceiling without a deductible is still of the general type.
			name: "a ceiling alone, every member counted without a maximum",
			limits: ProductLimits{MaxPolicy: Split{G: amountOf("1000.00")}, MaxPolicyExtraMember: Split{G: amountOf("300.00")},
				Threshold: 4},
			members: 6,
			want:    Balances{DedType: DedTypeGeneral, Ceiling1: amountOf("1600.00"), Ceiling2: amountOf("1600.00")},
		},
		{
			// As many members as the threshold: nothing extra.
			name: "members exactly at the threshold",
			limits: ProductLimits{MaxPolicy: Split{G: amountOf("1000.00")}, MaxPolicyExtraMember: Split{G: amountOf("300.00")},
				Threshold: 4, MaxMembers: 6},
			members: 4,
			want:    Balances{DedType: DedTypeGeneral, Ceiling1: amountOf("1000.00"), Ceiling2: amountOf("1000.00")},
		},
		{
			// 100.00 − 150.00 consumed by the family is shown as 0.00.
			name:    "a deductible consumed beyond its amount shows zero",
			limits:  ProductLimits{DedPolicy: Split{G: amountOf("100.00")}, MaxMembers: 6},
			members: 2,
			family:  Consumption{DedG: 15000},
			want:    Balances{DedType: DedTypeGeneral, Ded1: amountOf("0.00"), Ded2: amountOf("0.00")},
		},
		{
			// The insuree's limit wins over the policy's, both general.
			name:    "the per-insuree ceiling wins over the per-policy one",
			limits:  ProductLimits{MaxInsuree: Split{G: amountOf("500.00")}, MaxPolicy: Split{G: amountOf("2000.00")}, MaxMembers: 6},
			members: 2,
			insuree: Consumption{RemG: 10000},
			family:  Consumption{RemG: 30000},
			want:    Balances{DedType: DedTypeGeneral, Ceiling1: amountOf("400.00"), Ceiling2: amountOf("400.00")},
		},
		{
			name:    "a split deductible alone",
			limits:  ProductLimits{DedInsuree: Split{IP: amountOf("50.00")}, MaxMembers: 6},
			members: 1,
			insuree: Consumption{DedIP: 2000},
			want:    Balances{DedType: DedTypeSplit, Ded1: amountOf("30.00")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := PolicyBalances(tc.limits, tc.members, tc.insuree, tc.family)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("balances (-want +got):\n%s", diff)
			}
		})
	}
}
