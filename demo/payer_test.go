package demo

import (
	"context"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// TestDemoPayersMayFundTheirProducts checks the generated contributions against the store's
// own payer rule, since the generator writes them in bulk, past the register's checks.
func TestDemoPayersMayFundTheirProducts(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	if _, err := Build(ctx, db, Options{Seed: 3, Families: 300}); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for page := 1; ; page++ {
		recs, total, err := db.Find(ctx, imis.Contributions, store.Filter{Page: imis.Page{Number: page, Size: 500}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			payer, ok := r.Values["payer_id"].(imis.ID)
			if !ok {
				continue
			}
			pol, err := db.FindByID(ctx, imis.Policies, r.Values["policy_id"].(imis.ID))
			if err != nil {
				t.Fatal(err)
			}
			can, err := db.PayerCanFund(ctx, payer, pol.Values["product_id"].(imis.ID))
			if err != nil || !can {
				t.Fatalf("contribution %v: its payer may not fund product %v (%v)", r.Values["receipt"], pol.Values["product_code"], err)
			}
			checked++
		}
		if page*500 >= total {
			break
		}
	}
	if checked == 0 {
		t.Fatal("no contribution has a payer: the test checks nothing")
	}
}
