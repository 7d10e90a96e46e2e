package demo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// progressLog records what Build reported, to check that every stage runs to its end.
type progressLog struct {
	stages []string
	last   map[string][2]int
}

func build(t *testing.T, seed int64) (*store.DB, *demo.Summary, *progressLog) {
	t.Helper()
	db := testdb.Open(t)
	pl := &progressLog{last: map[string][2]int{}}
	start := time.Now()
	sum, err := demo.Build(context.Background(), db, demo.Options{Seed: seed, Progress: func(stage string, done, total int) {
		if n := len(pl.stages); n == 0 || pl.stages[n-1] != stage {
			pl.stages = append(pl.stages, stage)
		}
		pl.last[stage] = [2]int{done, total}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo build with seed %d on %s took %v", seed, testdb.Engine(), time.Since(start).Round(time.Millisecond))
	return db, sum, pl
}

// findAll returns every current record of reg, page by page.
func findAll(t *testing.T, ctx context.Context, db *store.DB, reg *imis.Register) []*store.Record {
	t.Helper()
	var out []*store.Record
	for page := 1; ; page++ {
		recs, total, err := db.Find(ctx, reg, store.Filter{Page: imis.Page{Number: page, Size: 500}})
		if err != nil {
			t.Fatalf("find %s: %v", reg.Name, err)
		}
		out = append(out, recs...)
		if len(out) >= total || len(recs) == 0 {
			return out
		}
	}
}

func byType(recs []*store.Record) map[string][]*store.Record {
	out := map[string][]*store.Record{}
	for _, r := range recs {
		typ := r.Values["type"].(string)
		out[typ] = append(out[typ], r)
	}
	return out
}

func TestBuild(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db, sum, pl := build(t, 1)

	t.Run("Counts", func(t *testing.T) {
		locs := byType(findAll(t, ctx, db, imis.Locations))
		itemLists := len(findAll(t, ctx, db, imis.ItemPriceLists))
		serviceLists := len(findAll(t, ctx, db, imis.ServicePriceLists))
		checks := []struct {
			name      string
			got, want int
			min       int
		}{
			{"regions", sum.Regions, len(locs["R"]), 2},
			{"districts", sum.Districts, len(locs["D"]), 6},
			{"wards", sum.Wards, len(locs["W"]), 12},
			{"villages", sum.Villages, len(locs["V"]), 20},
			{"health facilities", sum.HealthFacilities, len(findAll(t, ctx, db, imis.HealthFacilities)), 18},
			{"items", sum.Items, len(findAll(t, ctx, db, imis.Items)), 250},
			{"services", sum.Services, len(findAll(t, ctx, db, imis.Services)), 90},
			{"diagnoses", sum.Diagnoses, len(findAll(t, ctx, db, imis.Diagnoses)), 300},
			{"price lists", sum.PriceLists, itemLists + serviceLists, 14},
			{"payers", sum.Payers, len(findAll(t, ctx, db, imis.Payers)), 10},
			{"officers", sum.Officers, len(findAll(t, ctx, db, imis.Officers)), 12},
			{"claim administrators", sum.ClaimAdmins, len(findAll(t, ctx, db, imis.ClaimAdmins)), 18},
			{"users", sum.Users, len(findAll(t, ctx, db, imis.Users)), 12},
			{"logins", len(sum.Logins), sum.Users, 12},
		}
		for _, c := range checks {
			if c.got != c.want || c.got < c.min {
				t.Errorf("%s: summary %d, database %d, want at least %d", c.name, c.got, c.want, c.min)
			}
		}
		if sum.Districts != 6 || sum.HealthFacilities != 18 || sum.PriceLists != 14 || itemLists != 7 {
			t.Errorf("summary %+v", sum)
		}
		if sum.Logins[0].Login != "Admin" || sum.Logins[0].Password != "admin123" {
			t.Errorf("first login %+v", sum.Logins[0])
		}
		t.Logf("summary: %d regions, %d districts, %d wards, %d villages, %d facilities, %d items, %d services, %d diagnoses, %d price lists, %d payers, %d officers, %d claim administrators, %d users",
			sum.Regions, sum.Districts, sum.Wards, sum.Villages, sum.HealthFacilities, sum.Items, sum.Services, sum.Diagnoses,
			sum.PriceLists, sum.Payers, sum.Officers, sum.ClaimAdmins, sum.Users)
	})

	t.Run("Progress", func(t *testing.T) {
		want := []string{"locations", "items", "services", "diagnoses", "price lists", "facilities", "payers",
			"officers", "claim administrators", "users"}
		if !slices.Equal(pl.stages, want) {
			t.Fatalf("stages %v", pl.stages)
		}
		for _, s := range want {
			if l := pl.last[s]; l[0] != l[1] || l[1] == 0 {
				t.Errorf("stage %s ended at %d of %d", s, l[0], l[1])
			}
		}
	})

	t.Run("Populations", func(t *testing.T) {
		locs := findAll(t, ctx, db, imis.Locations)
		fields := []string{"male_population", "female_population", "other_population", "families"}
		sums := map[imis.ID][4]int64{}
		for _, l := range locs {
			if len(l.Values["code"].(string)) > 8 {
				t.Errorf("code %v too long", l.Values["code"])
			}
			if l.Values["type"] != "V" {
				continue
			}
			var s [4]int64
			for i, f := range fields {
				s[i] = l.Values[f].(int64)
			}
			if n := s[0] + s[1] + s[2]; n < 300 || n > 3000 || s[3] < n/6 || s[3] > n/4 {
				t.Errorf("village %v: %v", l.Values["code"], s)
			}
			sums[l.ID] = s
		}
		// Add villages into wards, then wards into districts, then districts into regions.
		for _, child := range []string{"V", "W", "D"} {
			for _, l := range locs {
				if l.Values["type"] != child {
					continue
				}
				p := l.Values["parent_id"].(imis.ID)
				s := sums[p]
				for i := range s {
					s[i] += sums[l.ID][i]
				}
				sums[p] = s
			}
		}
		for _, l := range locs {
			if l.Values["type"] == "V" {
				continue
			}
			for i, f := range fields {
				if l.Values[f] != sums[l.ID][i] {
					t.Errorf("%v %s = %v, villages sum to %d", l.Values["code"], f, l.Values[f], sums[l.ID][i])
				}
			}
		}
	})

	t.Run("PriceLists", func(t *testing.T) {
		for _, pair := range []struct {
			lists, tariff *imis.Register
			ref           string
		}{{imis.ItemPriceLists, imis.Items, "item_id"}, {imis.ServicePriceLists, imis.Services, "service_id"}} {
			prices := map[imis.ID]int64{}
			for _, r := range findAll(t, ctx, db, pair.tariff) {
				prices[r.ID] = r.Values["price"].(int64)
			}
			for _, l := range findAll(t, ctx, db, pair.lists) {
				full, err := db.FindByID(ctx, pair.lists, l.ID)
				if err != nil {
					t.Fatal(err)
				}
				details := full.Children["details"]
				if len(details) != len(prices) {
					t.Errorf("%v lists %d of %d", l.Values["name"], len(details), len(prices))
				}
				over := 0
				for _, d := range details {
					p, ok := d["price_overrule"].(int64)
					if !ok {
						continue
					}
					over++
					tariff := prices[d[pair.ref].(imis.ID)]
					if p%100 != 0 || p == tariff || p*100 < tariff*80 || p*100 > tariff*120 {
						t.Errorf("%v: override %d of tariff %d", l.Values["name"], p, tariff)
					}
				}
				national := l.Values["location_id"] == nil
				if national && over != 0 || !national && (over*100 < len(details)*8 || over*100 > len(details)*35) {
					t.Errorf("%v: %d overrides of %d lines", l.Values["name"], over, len(details))
				}
			}
		}
	})

	districtOf := map[imis.ID]any{}
	villagesOf := map[any]int{}
	for _, l := range findAll(t, ctx, db, imis.Locations) {
		districtOf[l.ID] = l.Values["district_id"]
		if l.Values["type"] == "V" {
			villagesOf[l.Values["district_id"]]++
		}
	}

	t.Run("Facilities", func(t *testing.T) {
		lists := map[imis.ID]any{}
		for _, r := range findAll(t, ctx, db, imis.ItemPriceLists) {
			lists[r.ID] = r.Values["location_id"]
		}
		for _, r := range findAll(t, ctx, db, imis.ServicePriceLists) {
			lists[r.ID] = r.Values["location_id"]
		}
		forms := map[string]int{}
		for _, f := range findAll(t, ctx, db, imis.HealthFacilities) {
			full, err := db.FindByID(ctx, imis.HealthFacilities, f.ID)
			if err != nil {
				t.Fatal(err)
			}
			d := f.Values["location_id"]
			forms[f.Values["legal_form"].(string)]++
			for _, pl := range []string{"items_pricelist_id", "services_pricelist_id"} {
				if id, ok := f.Values[pl].(imis.ID); !ok || lists[id] != d {
					t.Errorf("%v: %s not of its district", f.Values["code"], pl)
				}
			}
			c := full.Children["catchments"]
			if len(c) == 0 {
				t.Errorf("%v has no catchment", f.Values["code"])
			}
			for _, row := range c {
				n := row["catchment"].(int64)
				if districtOf[row["location_id"].(imis.ID)] != d || n < 0 || n > 100 {
					t.Errorf("%v: catchment %v", f.Values["code"], row)
				}
				if lvl := f.Values["level"]; lvl == "D" && n != 100 || lvl == "H" && (n < 10 || n > 30) || lvl == "C" && (n < 50 || n > 80) {
					t.Errorf("%v (%v): catchment %d", f.Values["code"], lvl, n)
				}
			}
		}
		if forms["G"] < 9 {
			t.Errorf("legal forms %v", forms)
		}
	})

	t.Run("Officers", func(t *testing.T) {
		perDistrict := map[any][]any{}
		for _, o := range findAll(t, ctx, db, imis.Officers) {
			full, err := db.FindByID(ctx, imis.Officers, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			d := o.Values["location_id"]
			for _, v := range full.Children["villages"] {
				if districtOf[v["location_id"].(imis.ID)] != d {
					t.Errorf("%v covers a village of another district", o.Values["code"])
				}
				perDistrict[d] = append(perDistrict[d], v["location_id"])
			}
		}
		for d, vs := range perDistrict {
			distinct := map[any]bool{}
			for _, v := range vs {
				distinct[v] = true
			}
			if len(vs) != villagesOf[d] || len(distinct) != len(vs) {
				t.Errorf("district %v: officers cover %d villages (%d distinct) of %d", d, len(vs), len(distinct), villagesOf[d])
			}
		}
		if len(perDistrict) != 6 {
			t.Errorf("officers in %d districts", len(perDistrict))
		}
	})

	t.Run("Logins", func(t *testing.T) {
		u, err := db.Authenticate(ctx, "Admin", "admin123", auth.VerifyPassword)
		if err != nil || !u.Admin {
			t.Fatalf("admin: %+v %v", u, err)
		}
		u, err = db.Authenticate(ctx, "Clerk", "demo123", auth.VerifyPassword)
		if err != nil || u.Admin || len(u.Districts) != 1 || !u.Can(imis.RightFamilySearch) {
			t.Fatalf("clerk: %+v %v", u, err)
		}
		u, err = db.Authenticate(ctx, "SchemeAdmin", "demo123", auth.VerifyPassword)
		if err != nil || u.Admin || len(u.Districts) != 6 {
			t.Fatalf("scheme administrator: %+v %v", u, err)
		}
		var officer, claims string
		for _, l := range sum.Logins {
			if l.Role == "Enrolment Officer" && strings.HasPrefix(l.Login, "EO") && officer == "" {
				officer = l.Login
			}
			if l.Role == "Claim Administrator" && strings.HasPrefix(l.Login, "CA") && claims == "" {
				claims = l.Login
			}
		}
		u, err = db.Authenticate(ctx, officer, "officer123", auth.VerifyPassword)
		if err != nil || u.Admin || !u.Can(imis.RightFamilySearch) || len(u.Districts) != 1 {
			t.Fatalf("officer %q: %+v %v", officer, u, err)
		}
		u, err = db.Authenticate(ctx, claims, "claims123", auth.VerifyPassword)
		if err != nil || u.Admin || !u.Can(111001) || len(u.Districts) != 1 {
			t.Fatalf("claim administrator %q: %+v %v", claims, u, err)
		}
		for _, l := range sum.Logins {
			if _, err := db.UserIDByLogin(ctx, l.Login); err != nil {
				t.Errorf("login %s: %v", l.Login, err)
			}
		}
	})

	t.Run("SecondBuildRefused", func(t *testing.T) {
		_, err := demo.Build(context.Background(), db, demo.Options{Seed: 1})
		if !errors.Is(err, demo.ErrNotEmpty) {
			t.Fatalf("second build: %v", err)
		}
	})
}

// dump renders the whole scheme as sorted text lines without database ids: references show the
// code or name of what they point at, so two builds compare equal when they built the same scheme.
func dump(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	regs := []*imis.Register{imis.Locations, imis.Items, imis.Services, imis.Diagnoses, imis.ItemPriceLists, imis.ServicePriceLists,
		imis.HealthFacilities, imis.Payers, imis.Officers, imis.ClaimAdmins, imis.Users, imis.Roles}
	labels := map[imis.ID]string{}
	recs := map[*imis.Register][]*store.Record{}
	for _, reg := range regs {
		recs[reg] = findAll(t, ctx, db, reg)
		for _, r := range recs[reg] {
			labels[r.ID] = reg.Name + ":" + fmt.Sprint(r.Values[reg.Code])
		}
	}
	format := func(fields []imis.Field, v imis.Values) string {
		var b strings.Builder
		for _, f := range fields {
			s := f.Format(v[f.Name])
			if id, ok := v[f.Name].(imis.ID); ok {
				s = labels[id]
			}
			fmt.Fprintf(&b, " %s=%s", f.Name, s)
		}
		return b.String()
	}
	var lines []string
	for _, reg := range regs {
		for _, r := range recs[reg] {
			line := reg.Name + format(reg.Fields, r.Values)
			if len(reg.Children) > 0 {
				full, err := db.FindByID(ctx, reg, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range reg.Children {
					var kids []string
					for _, row := range full.Children[c.Name] {
						kids = append(kids, "{"+strings.TrimSpace(format(c.Fields, row))+"}")
					}
					sort.Strings(kids)
					line += " " + c.Name + "=[" + strings.Join(kids, " ") + "]"
				}
			}
			lines = append(lines, line)
		}
	}
	sort.Strings(lines)
	return lines
}

func TestDeterministic(t *testing.T) {
	dbA, _, _ := build(t, 42)
	dbB, _, _ := build(t, 42)
	dbC, _, _ := build(t, 43)
	a, b, c := dump(t, dbA), dump(t, dbB), dump(t, dbC)
	if !slices.Equal(a, b) {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("same seed, different schemes at line %d:\n%s\n%s", i, a[i], b[i])
			}
		}
		t.Fatalf("same seed, %d and %d lines", len(a), len(b))
	}
	if slices.Equal(a, c) {
		t.Fatal("a different seed built the same scheme")
	}
	if len(a) < 800 {
		t.Fatalf("dump has only %d lines", len(a))
	}
}
