package store_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// placeTree is a region with two districts, each with one ward of named villages.
type placeTree struct {
	region, d1, d2, w1, w2 imis.ID
}

func namedPlace(t *testing.T, ctx context.Context, db *store.DB, code, name, typ string, parent imis.ID) imis.ID {
	t.Helper()
	raw := map[string]string{"code": code, "name": name, "type": typ}
	if parent != imis.NilID {
		raw["parent_id"] = parent.String()
	}
	return mustCreate(t, ctx, db, imis.Locations, raw, nil).ID
}

func makePlaceTree(t *testing.T, ctx context.Context, db *store.DB) placeTree {
	t.Helper()
	var p placeTree
	p.region = namedPlace(t, ctx, db, "R1", "Mwangaza", imis.LocationRegion, imis.NilID)
	p.d1 = namedPlace(t, ctx, db, "R1D1", "Kilundeni", imis.LocationDistrict, p.region)
	p.d2 = namedPlace(t, ctx, db, "R1D2", "Nyasengo", imis.LocationDistrict, p.region)
	p.w1 = namedPlace(t, ctx, db, "R1D1W1", "Luvanga", imis.LocationWard, p.d1)
	p.w2 = namedPlace(t, ctx, db, "R1D2W1", "Rwamkoba", imis.LocationWard, p.d2)
	for i, name := range []string{"Kasisimbi", "Kalembwe", "Luvanga Juu", "Ölberg"} {
		namedPlace(t, ctx, db, fmt.Sprintf("R1D1W1V%d", i+1), name, imis.LocationVillage, p.w1)
	}
	for i, name := range []string{"Kagoshe", "Kasinde"} {
		namedPlace(t, ctx, db, fmt.Sprintf("R1D2W1V%d", i+1), name, imis.LocationVillage, p.w2)
	}
	return p
}

// userIn returns the context of a new user with the role in the districts.
func userIn(t *testing.T, ctx context.Context, db *store.DB, login, role string, districts ...imis.ID) context.Context {
	t.Helper()
	roles, err := db.RoleIDs(ctx, []string{role})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]imis.Values{"roles": {{"role_id": roles[0]}}}
	for _, d := range districts {
		rows["districts"] = append(rows["districts"], imis.Values{"location_id": d})
	}
	r := mustCreate(t, ctx, db, imis.Users, map[string]string{"login": login, "last_name": login, "other_names": "Test"}, rows)
	u, err := db.LoadUser(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	return imis.NewContextWithUser(ctx, u)
}

func placeNames(places []store.Place) []string {
	out := []string{}
	for _, p := range places {
		out = append(out, p.Name)
	}
	return out
}

// TestFindPlaces finds villages by the first letters of their name or code, whatever the case,
// within the user's districts only, at most PlaceLimit of them, each with its path.
func TestFindPlaces(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makePlaceTree(t, ctx, db)
	clerk := userIn(t, ctx, db, "clerk1", "Clerk", tr.d1)

	d2, err := db.Place(ctx, tr.d2)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, text, levels string
		ctx                context.Context
		under              *store.Place
		want               []string
	}{
		{"name prefix, in name order", "ka", "V", ctx, nil, []string{"Kagoshe", "Kalembwe", "Kasinde", "Kasisimbi"}},
		{"any case", "KAS", "V", ctx, nil, []string{"Kasinde", "Kasisimbi"}},
		{"the prefix of a later word does not match", "juu", "V", ctx, nil, []string{}},
		{"letters beyond ASCII", "öl", "V", ctx, nil, []string{"Ölberg"}},
		{"letters beyond ASCII, capital", "ÖL", "V", ctx, nil, []string{"Ölberg"}},
		{"code prefix, codes first", "r1d2", "V", ctx, nil, []string{"Kagoshe", "Kasinde"}},
		{"only the levels asked for", "k", "D", ctx, nil, []string{"Kilundeni"}},
		{"several levels", "r1d1", "DW", ctx, nil, []string{"Kilundeni", "Luvanga"}},
		{"inside one district", "ka", "V", ctx, d2, []string{"Kagoshe", "Kasinde"}},
		{"LIKE wildcards are letters", "%", "V", ctx, nil, []string{}},
		{"a clerk sees the own district's villages", "ka", "V", clerk, nil, []string{"Kalembwe", "Kasisimbi"}},
		{"a clerk finds no code of another district", "r1d2", "V", clerk, nil, []string{}},
		{"a clerk cannot find the other district", "nyas", "D", clerk, nil, []string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := db.FindPlaces(c.ctx, c.text, c.levels, c.under)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, placeNames(got)); d != "" {
				t.Errorf("FindPlaces(%q, %q) (-want +got):\n%s", c.text, c.levels, d)
			}
		})
	}

	t.Run("path from the region down", func(t *testing.T) {
		got, err := db.FindPlaces(ctx, "kasis", "V", nil)
		if err != nil || len(got) != 1 {
			t.Fatalf("got %v, %v", got, err)
		}
		p := got[0]
		if want := []string{"Mwangaza", "Kilundeni", "Luvanga", "Kasisimbi"}; !cmp.Equal(p.Path, want) || p.Code != "R1D1W1V1" ||
			p.Type != imis.LocationVillage || p.ParentID != tr.w1 || p.DistrictID != tr.d1 {
			t.Errorf("place %+v", p)
		}
	})

	t.Run("at most PlaceLimit", func(t *testing.T) {
		for i := range store.PlaceLimit + 5 {
			namedPlace(t, ctx, db, fmt.Sprintf("KJ%02d", i), fmt.Sprintf("Kijiji %02d", i), imis.LocationVillage, tr.w1)
		}
		got, err := db.FindPlaces(ctx, "kijiji", "V", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != store.PlaceLimit || got[0].Name != "Kijiji 00" || got[len(got)-1].Name != "Kijiji 19" {
			t.Errorf("%d places: %v", len(got), placeNames(got))
		}
	})

	t.Run("a renamed place is found by its new name only", func(t *testing.T) {
		id := namedPlace(t, ctx, db, "R1D2W1V9", "Old Name", imis.LocationVillage, tr.w2)
		rec, err := db.FindByID(ctx, imis.Locations, id)
		if err != nil {
			t.Fatal(err)
		}
		rec.Values["name"] = "Mpya"
		if _, err := db.Update(ctx, imis.Locations, id, rec.Version, rec.Values, nil); err != nil {
			t.Fatal(err)
		}
		for text, want := range map[string][]string{"old": {}, "mpy": {"Mpya"}} {
			if got, err := db.FindPlaces(ctx, text, "V", nil); err != nil || !cmp.Equal(placeNames(got), want) {
				t.Errorf("%q finds %v, %v; want %v", text, placeNames(got), err, want)
			}
		}
	})

	t.Run("the clerk cannot read the other district", func(t *testing.T) {
		if _, err := db.Place(clerk, tr.d2); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Errorf("Place of another district: %v", err)
		}
		if _, err := db.PlaceOf(clerk, "R1D2W1V1"); imis.ErrorCode(err) != imis.ENOTFOUND {
			t.Errorf("PlaceOf another district's code: %v", err)
		}
		if p, err := db.PlaceOf(clerk, "R1D1W1V1"); err != nil || p.Name != "Kasisimbi" {
			t.Errorf("PlaceOf the own district's code: %v, %v", p, err)
		}
	})
}

// TestBrowsePlaces walks the tree one level at a time: a user limited to districts starts at
// theirs, a national user at the regions, and nobody sees below another district.
func TestBrowsePlaces(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makePlaceTree(t, ctx, db)
	clerk := userIn(t, ctx, db, "clerk1", "Clerk", tr.d1)

	place := func(ctx context.Context, id imis.ID) *store.Place {
		t.Helper()
		p, err := db.Place(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name   string
		ctx    context.Context
		levels string
		under  imis.ID
		want   []string
	}{
		{"a national user starts at the regions", ctx, "V", imis.NilID, []string{"Mwangaza"}},
		{"then the districts", ctx, "V", tr.region, []string{"Kilundeni", "Nyasengo"}},
		{"then the wards", ctx, "V", tr.d2, []string{"Rwamkoba"}},
		{"then the villages", ctx, "V", tr.w1, []string{"Kalembwe", "Kasisimbi", "Luvanga Juu", "Ölberg"}},
		{"nothing below the levels asked for", ctx, "D", tr.d1, []string{}},
		{"a clerk starts at the own district", clerk, "V", imis.NilID, []string{"Kilundeni"}},
		{"a clerk choosing a region starts at the own region", clerk, "RD", imis.NilID, []string{"Mwangaza"}},
		{"a clerk sees only the own district in the region", clerk, "RD", tr.region, []string{"Kilundeni"}},
		{"a clerk's villages", clerk, "V", tr.w1, []string{"Kalembwe", "Kasisimbi", "Luvanga Juu", "Ölberg"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var under *store.Place
			if c.under != imis.NilID {
				under = place(c.ctx, c.under)
			}
			got, err := db.BrowsePlaces(c.ctx, c.levels, under)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, placeNames(got)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}

	t.Run("back from a clerk's district is the first level", func(t *testing.T) {
		u := imis.UserFromContext(clerk)
		if got := store.PlaceBack(u, "V", place(clerk, tr.d1)); got != imis.NilID {
			t.Errorf("back from the district: %v", got)
		}
		if got := store.PlaceBack(u, "RD", place(clerk, tr.d1)); got != tr.region {
			t.Errorf("back from the district when regions may be chosen: %v", got)
		}
		if got := store.PlaceBack(u, "V", place(clerk, tr.w1)); got != tr.d1 {
			t.Errorf("back from the ward: %v", got)
		}
	})
}

// TestPlaceSearchUsesItsIndexes checks that a search is a range of one of the indexes of
// migration 00005, for a national user and for one limited to a district, so that its cost does
// not grow with the register.
func TestPlaceSearchUsesItsIndexes(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makePlaceTree(t, ctx, db)
	clerk := imis.UserFromContext(userIn(t, ctx, db, "clerk1", "Clerk", tr.d1))
	admin := imis.UserFromContext(userIn(t, ctx, db, "admin1", "IMIS Administrator", tr.d1))
	// A full scan reads as "SCAN t" on SQLite (of the table or of a whole index) and as "Seq
	// Scan" on PostgreSQL; a range of an index names the key column with its lower bound.
	fullScan := regexp.MustCompile(`(?m)^SCAN t\b|Seq Scan on locations t`)
	for _, c := range []struct {
		name    string
		user    *imis.User
		col     int
		key     string
		indexes string
	}{
		{"national, by code", admin, 0, "search_text", "locations_search_text"},
		{"national, by name", admin, 1, "name_key", "locations_name_key"},
		{"district, by code", clerk, 0, "search_text", "locations_(district_)?search_text"},
		{"district, by name", clerk, 1, "name_key", "locations_(district_)?name_key"},
	} {
		t.Run(c.name, func(t *testing.T) {
			plan, err := store.PlaceSearchPlan(ctx, db, c.user, c.col, "ka", "V")
			if err != nil {
				t.Fatal(err)
			}
			index := regexp.MustCompile(`\b(` + c.indexes + `)\b`)
			keyRange := regexp.MustCompile(`\b` + c.key + ` ?>`)
			if fullScan.MatchString(plan) || !index.MatchString(plan) || !keyRange.MatchString(plan) {
				t.Errorf("the search is not a range of %s on %s:\n%s", c.indexes, c.key, plan)
			}
		})
	}
}

// TestNameKeysFilledOnMigration gives locations saved before name keys existed their key.
func TestNameKeysFilledOnMigration(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db, dsn := testdb.OpenDSN(t)
	makePlaceTree(t, ctx, db)
	raw := rawDB(t, dsn)
	if _, err := raw.Exec("UPDATE locations SET name_key = NULL"); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.FindPlaces(ctx, "kas", "V", nil); len(got) != 0 {
		t.Fatalf("found %v without keys", placeNames(got))
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, raw, "SELECT COUNT(*) FROM locations WHERE name_key IS NULL"); n != 0 {
		t.Errorf("%d locations without a key", n)
	}
	got, err := db.FindPlaces(ctx, "ÖL", "V", nil)
	if err != nil || !cmp.Equal(placeNames(got), []string{"Ölberg"}) {
		t.Errorf("after filling: %v, %v", placeNames(got), err)
	}
}

// TestFacilityChoicesDistrictFirst lists the first point of service with the family's district's
// facilities first, then the user's own districts', then the others.
func TestFacilityChoicesDistrictFirst(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makePlaceTree(t, ctx, db)
	// By code alone, D1's facilities would come first.
	for code, d := range map[string]imis.ID{"HF1A": tr.d1, "HF1B": tr.d1, "HF2A": tr.d2, "HF2B": tr.d2} {
		mustCreate(t, ctx, db, imis.HealthFacilities, hfRaw(code, d), nil)
	}
	admin2 := userIn(t, ctx, db, "admin2", "IMIS Administrator", tr.d2)
	both := userIn(t, ctx, db, "clerk12", "Clerk", tr.d1, tr.d2)
	clerk1 := userIn(t, ctx, db, "clerk1", "Clerk", tr.d1)
	codes := func(ctx context.Context, district imis.ID) []string {
		t.Helper()
		opts, err := db.FacilityChoices(ctx, district, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range opts {
			out = append(out, strings.Fields(o.Label)[0])
		}
		return out
	}
	for _, c := range []struct {
		name     string
		ctx      context.Context
		district imis.ID
		want     []string
	}{
		{"by code without a district", ctx, imis.NilID, []string{"HF1A", "HF1B", "HF2A", "HF2B"}},
		{"the family's district first", ctx, tr.d2, []string{"HF2A", "HF2B", "HF1A", "HF1B"}},
		{"the user's district first", admin2, imis.NilID, []string{"HF2A", "HF2B", "HF1A", "HF1B"}},
		{"the family's district before the user's", admin2, tr.d1, []string{"HF1A", "HF1B", "HF2A", "HF2B"}},
		{"a user of two districts, family in the second", both, tr.d2, []string{"HF2A", "HF2B", "HF1A", "HF1B"}},
		{"a clerk sees the own district only", clerk1, tr.d2, []string{"HF1A", "HF1B"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := cmp.Diff(c.want, codes(c.ctx, c.district)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
