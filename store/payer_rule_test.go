package store_test

import (
	"testing"

	"github.com/openimis-go/openimis"
)

// TestPayerMustBeInTheProductsArea pays a district product's policy through payers in the
// region above it (allowed), in a neighbouring district and nationally (both refused, as
// openIMIS's rule has it).
func TestPayerMustBeInTheProductsArea(t *testing.T) {
	e := newCoverageEnv(t)
	e.product = mustCreate(t, e.ctx, e.db, imis.Products, map[string]string{"code": "PD1", "name": "District cover", "location_id": e.tr.d1.String(),
		"date_from": "2026-01-01", "date_to": "2026-12-31", "insurance_period": "12", "max_members": "4", "premium_adult": "100.00"}, nil).ID
	pol := e.newPolicy(t, e.famID, "2026-03-01")
	payer := func(name string, location imis.ID) string {
		raw := map[string]string{"name": name, "type": "G"}
		if location != imis.NilID {
			raw["location_id"] = location.String()
		}
		return mustCreate(t, e.ctx, e.db, imis.Payers, raw, nil).ID.String()
	}
	pay := func(receipt, payerID string) error {
		v, p := imis.Contributions.Parse(map[string]string{"policy_id": pol.ID.String(), "amount": "10.00", "receipt": receipt,
			"pay_date": "2026-03-02", "pay_type": "B", "payer_id": payerID}, true)
		if err := p.Err(); err != nil {
			t.Fatal(err)
		}
		_, err := e.db.AddContribution(e.ctx, v, imis.DecisionWait)
		return err
	}
	if err := pay("PY1", payer("Regional council", e.tr.region)); err != nil {
		t.Fatalf("the region's payer was refused: %v", err)
	}
	for receipt, id := range map[string]string{"PY2": payer("Neighbour council", e.tr.d2), "PY3": payer("Ministry", imis.NilID)} {
		err := pay(receipt, id)
		if e, ok := err.(*imis.Error); !ok || e.Fields["payer_id"].Key != "error.payer_cannot_fund" {
			t.Fatalf("payer of %s: %v", receipt, err)
		}
	}
}
