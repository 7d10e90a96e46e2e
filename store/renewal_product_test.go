package store_test

import (
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// TestRenewalProduct renews with the renewed policy's product or the one it converts into, under
// that product's grace; an upload naming another product is refused, even one whose own grace
// would still allow the renewal, and nothing is written.
func TestRenewalProduct(t *testing.T) {
	f := newPolFixture(t, "2025-03-15")
	successor := f.product("NEXT", nil)
	renewed := f.product("OLD", map[string]string{"conversion_product_id": successor.String()})
	f.product("LONG", map[string]string{"grace_period_renewal": "6"})
	refusedFam, _ := f.family()
	convertedFam, _ := f.family()
	for i, fam := range []imis.ID{refusedFam, convertedFam} {
		p := f.policy(fam, renewed, "2025-03-01")
		if _, err := f.pay(p.ID, "141.00", "RP-"+itoa(i), "2025-03-10", "", false); err != nil {
			t.Fatal(err)
		}
	}
	// Both expire on 28 February 2026: renewals are on time until 1 April under OLD and NEXT.
	f.at("2026-02-20")
	if _, err := f.db.InsertRenewals(f.ctx, polDate(t, "2026-02-20"), 14); err != nil {
		t.Fatal(err)
	}
	due, err := f.db.RenewalsDue(f.ctx, f.officer)
	if err != nil || len(due) != 2 {
		t.Fatalf("reminders: %+v %v", due, err)
	}
	reminder := map[imis.ID]store.RenewalDue{}
	for _, d := range due {
		reminder[d.FamilyID] = d
	}
	policies := func(fam imis.ID) []*store.Record {
		t.Helper()
		recs, _, err := f.db.Find(f.ctx, imis.Policies, store.Filter{Fields: map[string]string{"family_id": fam.String()}})
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	renew := func(fam imis.ID, code, day string) error {
		t.Helper()
		d := reminder[fam]
		return f.db.RenewalUpload(f.ctx, store.Upload{Kind: store.UploadRenewal, Hash: fam.String() + code + day, AcceptedResult: 3001},
			store.RenewalRequest{ReminderWireID: d.RenewalID, CHFID: d.CHFID, ProductCode: code, Date: polDate(t, day)})
	}

	f.at("2026-04-15")
	for _, c := range []struct {
		what, code string
		want       imis.Reason
	}{
		{"a product of its own, whose grace runs to 1 September", "LONG", imis.ReasonRenewalProduct},
		{"the renewed product, after its grace", "OLD", imis.ReasonLateRenewal},
		{"the product it converts into, after its grace", "NEXT", imis.ReasonLateRenewal},
	} {
		if err := renew(refusedFam, c.code, "2026-04-15"); imis.ReasonOf(err) != c.want {
			t.Errorf("%s: %v, want %s", c.what, err, c.want)
		}
	}
	if n := len(policies(refusedFam)); n != 1 {
		t.Errorf("refused renewals wrote policies: %d, want 1", n)
	}

	f.at("2026-03-20")
	if err := renew(refusedFam, "LONG", "2026-03-20"); imis.ReasonOf(err) != imis.ReasonRenewalProduct {
		t.Errorf("another product within the renewed product's grace: %v", err)
	}
	if err := renew(convertedFam, "NEXT", "2026-03-20"); err != nil {
		t.Fatalf("the product it converts into: %v", err)
	}
	if n := len(policies(refusedFam)); n != 1 {
		t.Errorf("refused renewals wrote policies: %d, want 1", n)
	}
	var products []any
	for _, p := range policies(convertedFam) {
		if p.Values["stage"] == imis.StageRenewal {
			products = append(products, p.Values["product_id"])
		}
	}
	if len(products) != 1 || products[0] != successor {
		t.Errorf("renewal products %v, want NEXT", products)
	}
}
