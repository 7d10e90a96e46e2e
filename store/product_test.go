package store_test

import (
	"context"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
)

func TestProductWithCoverLines(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makeTree(t, ctx, db)
	item := mustCreate(t, ctx, db, imis.Items, map[string]string{"code": "I1", "name": "Paracetamol", "type": "D", "price": "1.50", "care_type": "B"}, nil)
	raw := map[string]string{"code": "BASIC", "name": "Basic", "location_id": tr.region.String(), "date_from": "2026-01-01", "date_to": "2026-12-31",
		"insurance_period": "12", "max_members": "6", "premium_adult": "100.00", "start_cycle_1": "01-01", "start_cycle_2": "01-07"}
	items, _ := imis.Products.Child("items")
	p := imis.Problems{}
	lines := items.ParseChildren([]map[string]string{{"item_id": item.ID.String(), "limitation_type": "F", "limit_adult": "1.00", "waiting_period_adult": "3"}}, p)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	prod := mustCreate(t, ctx, db, imis.Products, raw, map[string][]imis.Values{"items": lines})
	got, err := db.FindByID(ctx, imis.Products, prod.ID)
	if err != nil {
		t.Fatal(err)
	}
	line := got.Children["items"][0]
	if line["price_origin"] != "P" || line["limitation_type"] != "F" || line["limit_adult"] != int64(100) || line["waiting_period_adult"] != int64(3) {
		t.Fatalf("cover line stored as %v", line)
	}
	terms := imis.TermsOf(got.Values)
	if len(terms.StartCycles) != 2 || terms.PremiumAdult != 10000 {
		t.Fatalf("terms %+v", terms)
	}
	if err := db.Delete(ctx, imis.Items, item.ID, item.Version); imis.ErrorCode(err) != imis.ECONFLICT {
		t.Fatalf("item covered by a product was deleted: %v", err)
	}
}
