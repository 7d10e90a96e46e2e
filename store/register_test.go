package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// tree is a small location tree: one region, two districts, a ward and a village in each.
type tree struct {
	region, d1, d2, w1, w2, v1, v2 imis.ID
}

func mustCreate(t *testing.T, ctx context.Context, db *store.DB, reg *imis.Register, raw map[string]string, children map[string][]imis.Values) *store.Record {
	t.Helper()
	v, p := reg.Parse(raw, true)
	if err := p.Err(); err != nil {
		t.Fatalf("parse %s: %v", reg.Name, err)
	}
	r, err := db.Create(ctx, reg, v, children)
	if err != nil {
		t.Fatalf("create %s: %v", reg.Name, err)
	}
	return r
}

func location(t *testing.T, ctx context.Context, db *store.DB, code, typ string, parent imis.ID) imis.ID {
	raw := map[string]string{"code": code, "name": "Place " + code, "type": typ}
	if parent != imis.NilID {
		raw["parent_id"] = parent.String()
	}
	return mustCreate(t, ctx, db, imis.Locations, raw, nil).ID
}

func makeTree(t *testing.T, ctx context.Context, db *store.DB) tree {
	var tr tree
	tr.region = location(t, ctx, db, "R1", "R", imis.NilID)
	tr.d1 = location(t, ctx, db, "D1", "D", tr.region)
	tr.d2 = location(t, ctx, db, "D2", "D", tr.region)
	tr.w1 = location(t, ctx, db, "W1", "W", tr.d1)
	tr.w2 = location(t, ctx, db, "W2", "W", tr.d2)
	tr.v1 = location(t, ctx, db, "V1", "V", tr.w1)
	tr.v2 = location(t, ctx, db, "V2", "V", tr.w2)
	return tr
}

func hfRaw(code string, district imis.ID) map[string]string {
	return map[string]string{"code": code, "name": "Facility " + code, "legal_form": "G", "level": "H",
		"location_id": district.String(), "care_type": "B"}
}

func TestRegisterLifecycle(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makeTree(t, ctx, db)

	t.Run("DerivedDistrict", func(t *testing.T) {
		r, err := db.FindByID(ctx, imis.Locations, tr.v1)
		if err != nil {
			t.Fatal(err)
		}
		if r.Values["district_id"] != tr.d1 || r.Values["region_id"] != tr.region {
			t.Fatalf("village derived district %v region %v", r.Values["district_id"], r.Values["region_id"])
		}
	})

	hf := mustCreate(t, ctx, db, imis.HealthFacilities, hfRaw("HF1", tr.d1),
		map[string][]imis.Values{"catchments": {{"location_id": tr.v1, "catchment": int64(80)}}})

	t.Run("DuplicateCodeNamesTheCode", func(t *testing.T) {
		v, _ := imis.HealthFacilities.Parse(hfRaw("HF1", tr.d2), true)
		_, err := db.Create(ctx, imis.HealthFacilities, v, nil)
		if imis.ErrorCode(err) != imis.ECONFLICT || imis.ErrorMessage(err) != "error.duplicate" {
			t.Fatalf("got %v", err)
		}
		if e := err.(*imis.Error); e.Fields["code"].Args[0] != "HF1" {
			t.Fatalf("conflict does not name the code: %v", e)
		}
	})

	t.Run("WrongLevelReference", func(t *testing.T) {
		v, _ := imis.HealthFacilities.Parse(hfRaw("HF9", tr.v1), true)
		_, err := db.Create(ctx, imis.HealthFacilities, v, nil)
		if e, ok := err.(*imis.Error); !ok || e.Fields["location_id"].Key != "error.location_level" {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("UpdateKeepsHistoryAndAsOf", func(t *testing.T) {
		day1 := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		day2 := day1.AddDate(0, 0, 5)
		clock := day1
		db.Now = func() time.Time { return clock }
		defer func() { db.Now = time.Now }()
		hf := mustCreate(t, ctx, db, imis.HealthFacilities, hfRaw("HF2", tr.d1),
			map[string][]imis.Values{"catchments": {{"location_id": tr.v1, "catchment": int64(80)}}})
		clock = day2
		raw := hfRaw("HF2", tr.d1)
		raw["name"] = "Renamed"
		v, _ := imis.HealthFacilities.Parse(raw, true)
		cur, _ := db.FindByID(ctx, imis.HealthFacilities, hf.ID)
		up, err := db.Update(ctx, imis.HealthFacilities, hf.ID, cur.Version, v, map[string][]imis.Values{})
		if err != nil {
			t.Fatal(err)
		}
		if up.Version != cur.Version+1 {
			t.Fatalf("version %d", up.Version)
		}
		hist, err := db.History(ctx, imis.HealthFacilities, hf.ID)
		if err != nil || len(hist) != 2 {
			t.Fatalf("history %d %v", len(hist), err)
		}
		old, err := db.FindAsOf(ctx, imis.HealthFacilities, hf.ID, imis.DateOf(day1.In(db.Zone)))
		if err != nil {
			t.Fatal(err)
		}
		if old.Values["name"] != "Facility HF2" || len(old.Children["catchments"]) != 1 {
			t.Fatalf("as-of before the edit: %v %v", old.Values["name"], old.Children)
		}
		now, err := db.FindAsOf(ctx, imis.HealthFacilities, hf.ID, imis.DateOf(day2.In(db.Zone)))
		if err != nil || now.Values["name"] != "Renamed" || len(now.Children["catchments"]) != 0 {
			t.Fatalf("as-of after the edit: %v %v", now, err)
		}
		if _, err := db.Update(ctx, imis.HealthFacilities, hf.ID, cur.Version, v, nil); imis.ErrorCode(err) != imis.ECONFLICT {
			t.Fatalf("stale version accepted: %v", err)
		}
	})

	t.Run("DeleteInUseRefused", func(t *testing.T) {
		r, _ := db.FindByID(ctx, imis.Locations, tr.d1)
		err := db.Delete(ctx, imis.Locations, tr.d1, r.Version)
		if imis.ErrorCode(err) != imis.ECONFLICT {
			t.Fatalf("got %v", err)
		}
	})

	t.Run("DeleteClosesRecord", func(t *testing.T) {
		r, _ := db.FindByID(ctx, imis.HealthFacilities, hf.ID)
		if err := db.Delete(ctx, imis.HealthFacilities, hf.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindByID(ctx, imis.HealthFacilities, hf.ID); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Fatalf("deleted record still current: %v", err)
		}
		// The code is free again once the record is deleted.
		mustCreate(t, ctx, db, imis.HealthFacilities, hfRaw("HF1", tr.d1), nil)
	})
}

func TestDistrictScoping(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makeTree(t, ctx, db)
	mustCreate(t, ctx, db, imis.HealthFacilities, hfRaw("IN1", tr.d1), nil)
	other := mustCreate(t, ctx, db, imis.HealthFacilities, hfRaw("OUT2", tr.d2), nil)
	roles, err := db.RoleIDs(ctx, []string{"Scheme Administrator"})
	if err != nil {
		t.Fatal(err)
	}
	clerk := mustCreate(t, ctx, db, imis.Users, map[string]string{"login": "clerk1", "last_name": "C", "other_names": "K"},
		map[string][]imis.Values{"roles": {{"role_id": roles[0]}}, "districts": {{"location_id": tr.d1}}})
	u, err := db.LoadUser(ctx, clerk.ID)
	if err != nil {
		t.Fatal(err)
	}
	if u.Admin || !u.Can(imis.RightHFSearch) {
		t.Fatalf("scheme administrator rights wrong: %+v", u)
	}
	uctx := imis.NewContextWithUser(ctx, u)

	recs, total, err := db.Find(uctx, imis.HealthFacilities, store.Filter{})
	if err != nil || total != 1 || recs[0].Values["code"] != "IN1" {
		t.Fatalf("scoped search: %d %v", total, err)
	}
	if _, err := db.FindByID(uctx, imis.HealthFacilities, other.ID); imis.ErrorCode(err) != imis.ENOTFOUND {
		t.Fatalf("other district's facility visible: %v", err)
	}
	v, _ := imis.HealthFacilities.Parse(hfRaw("NEW2", tr.d2), true)
	if _, err := db.Create(uctx, imis.HealthFacilities, v, nil); imis.ErrorCode(err) != imis.EINVALID {
		t.Fatalf("created outside own district: %v", err)
	}
	locs, _, err := db.Find(uctx, imis.Locations, store.Filter{Page: imis.Page{Size: 100}})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[any]bool{}
	for _, l := range locs {
		seen[l.Values["code"]] = true
	}
	if !seen["R1"] || !seen["D1"] || !seen["V1"] || seen["D2"] || seen["V2"] {
		t.Fatalf("scoped locations: %v", seen)
	}
}

func TestLoginLockout(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	v, _ := imis.Users.Parse(map[string]string{"login": "lock1", "last_name": "L", "other_names": "K"}, true)
	v["password_hash"] = "right"
	tr := makeTree(t, ctx, db)
	if _, err := db.Create(ctx, imis.Users, v, map[string][]imis.Values{"districts": {{"location_id": tr.d1}}}); err != nil {
		t.Fatal(err)
	}
	verify := func(hash, pw string) bool { return hash == pw }
	clock := time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return clock }
	for i := range store.MaxFailedLogins {
		if _, err := db.Authenticate(ctx, "lock1", "wrong", verify); imis.ErrorCode(err) != imis.EUNAUTHORIZED {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if _, err := db.Authenticate(ctx, "lock1", "right", verify); imis.ErrorCode(err) != imis.ELOCKED {
		t.Fatalf("right password after 5 failures: %v, want locked", err)
	}
	clock = clock.Add(store.LockoutWindow + time.Minute)
	if _, err := db.Authenticate(ctx, "lock1", "right", verify); err != nil {
		t.Fatalf("after the lockout: %v", err)
	}
	// Failures spread over more than the window do not lock.
	for range store.MaxFailedLogins - 1 {
		_, _ = db.Authenticate(ctx, "lock1", "wrong", verify)
	}
	clock = clock.Add(store.LockoutWindow + time.Minute)
	_, _ = db.Authenticate(ctx, "lock1", "wrong", verify)
	if _, err := db.Authenticate(ctx, "lock1", "right", verify); err != nil {
		t.Fatalf("old failures locked the login: %v", err)
	}
}
