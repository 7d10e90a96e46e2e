package store_test

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

func TestSearchWords(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"lower case, split at spaces", "123456789 Mwangi  Amani", []string{"123456789", "mwangi", "amani"}},
		{"accents of Latin letters come off", "Ólafsdóttir Ñandú Çelik", []string{"olafsdottir", "nandu", "celik"}},
		{"punctuation splits", "O'Brien-Smith, RC/12", []string{"o", "brien", "smith", "rc", "12"}},
		{"each word once", "Juma Juma juma", []string{"juma"}},
		{"Devanagari keeps its vowel signs", "सीता", []string{"सीता"}},
		{"an unreadable character stays in its word", "hf\uFFFD", []string{"hf\uFFFD"}},
		{"no words", " %_\\' ", nil},
	} {
		if got := store.SearchWords(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// searchEnv is a family scheme of two districts with names that share beginnings.
type searchEnv struct {
	*familyEnv
	c1, c2               context.Context // clerks of district 1 and 2
	juma, jumaHead       imis.ID         // "Juma Ali", district 1
	jumanne, jumanneHead imis.ID         // "Jumanne Said", district 1
	olafs, olafsHead     imis.ID         // "Ólafsdóttir Ñandú", district 1
	kombo                imis.ID         // "Kombo Said", district 2
	bakari               imis.ID         // "Juma Bakari", a member of Juma's family
	jumaNo, bakariNo     string
}

func newSearchEnv(t *testing.T) *searchEnv {
	e := &searchEnv{familyEnv: newFamilyEnv(t)}
	e.c1, e.c2 = e.clerk(t, "clerk_d1", e.tr.d1), e.clerk(t, "clerk_d2", e.tr.d2)
	e.jumaNo, e.bakariNo = number("30000001"), number("30000002")
	e.juma, e.jumaHead = e.family(t, e.c1, e.tr.v1, person(t, e.jumaNo, "Juma", "Ali", "1975-01-01"))
	e.bakari = e.member(t, e.c1, e.juma, person(t, e.bakariNo, "Juma", "Bakari", "2005-01-01"), false)
	e.jumanne, e.jumanneHead = e.family(t, e.c1, e.tr.v1, person(t, number("30000003"), "Jumanne", "Said", "1980-01-01"))
	e.olafs, e.olafsHead = e.family(t, e.c1, e.tr.v1, person(t, number("30000004"), "Ólafsdóttir", "Ñandú", "1982-01-01"))
	e.kombo, _ = e.family(t, e.c2, e.tr.v2, person(t, number("30000005"), "Kombo", "Said", "1977-01-01"))
	return e
}

// found returns the ids a search of reg finds for the user of ctx.
func (e *searchEnv) found(t *testing.T, ctx context.Context, reg *imis.Register, text string) []imis.ID {
	t.Helper()
	recs, total, err := e.db.Find(ctx, reg, store.Filter{Text: text})
	if err != nil {
		t.Fatalf("search %s %q: %v", reg.Name, text, err)
	}
	ids := make([]imis.ID, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	if total != len(ids) {
		t.Errorf("search %s %q: %d found, total %d", reg.Name, text, len(ids), total)
	}
	return ids
}

func (e *searchEnv) wantFound(t *testing.T, ctx context.Context, reg *imis.Register, text string, want ...imis.ID) {
	t.Helper()
	got := e.found(t, ctx, reg, text)
	if !sameIDs(got, want) {
		t.Errorf("search %s %q found %v, want %v", reg.Name, text, got, want)
	}
}

func sameIDs(a, b []imis.ID) bool {
	key := func(ids []imis.ID) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = id.String()
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(key(a), key(b))
}

// noDrift checks that search_words holds exactly the words of the current records.
func (e *searchEnv) noDrift(t *testing.T) {
	t.Helper()
	drift, err := store.SearchWordsDrift(e.ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(drift) > 0 {
		t.Errorf("search_words differs from the records:\n%s", strings.Join(drift, "\n"))
	}
}

func TestNameSearch(t *testing.T) {
	e := newSearchEnv(t)
	fam := imis.Families

	t.Run("WordPrefix", func(t *testing.T) {
		e.wantFound(t, e.ctx, fam, "jum", e.juma, e.jumanne)
		e.wantFound(t, e.ctx, fam, "Juma", e.juma, e.jumanne)
		e.wantFound(t, e.ctx, fam, "sai", e.jumanne, e.kombo)
		e.wantFound(t, e.ctx, fam, "jumanne", e.jumanne)
		// A word is found by its beginning only.
		e.wantFound(t, e.ctx, fam, "uma")
		e.wantFound(t, e.ctx, fam, "jumax")
	})
	t.Run("InsuranceNumber", func(t *testing.T) {
		e.wantFound(t, e.ctx, fam, e.jumaNo[:5], e.juma, e.jumanne, e.olafs, e.kombo)
		e.wantFound(t, e.ctx, fam, e.jumaNo, e.juma)
		e.wantFound(t, e.ctx, imis.Insurees, e.bakariNo, e.bakari)
	})
	t.Run("EveryWordMustMatch", func(t *testing.T) {
		e.wantFound(t, e.ctx, fam, "juma ali", e.juma)
		e.wantFound(t, e.ctx, fam, "ali juma", e.juma)
		e.wantFound(t, e.ctx, fam, "jum sa", e.jumanne)
		e.wantFound(t, e.ctx, fam, "juma said", e.jumanne)
		e.wantFound(t, e.ctx, fam, "juma kombo")
		e.wantFound(t, e.ctx, fam, "j jum juma", e.juma, e.jumanne)
	})
	t.Run("CaseAndAccents", func(t *testing.T) {
		for _, text := range []string{"olafs", "ÓLAFSDÓTTIR", "ñandu", "NANDU", "Ólafsdottir Ñandú"} {
			e.wantFound(t, e.ctx, fam, text, e.olafs)
		}
		e.wantFound(t, e.ctx, imis.Insurees, "olafsdottir", e.olafsHead)
	})
	t.Run("NoWord", func(t *testing.T) {
		for _, text := range []string{"%", "_", "'", "\\"} {
			e.wantFound(t, e.ctx, fam, text)
		}
	})
	t.Run("DistrictScoping", func(t *testing.T) {
		e.wantFound(t, e.c1, fam, "said", e.jumanne)
		e.wantFound(t, e.c2, fam, "said", e.kombo)
		e.wantFound(t, e.c2, fam, "juma")
		e.wantFound(t, e.c2, imis.Insurees, "juma")
	})
	t.Run("OtherRegisters", func(t *testing.T) {
		// Locations "Place V1", "Place V2" and the others of the tree.
		e.wantFound(t, e.ctx, imis.Locations, "v1", e.tr.v1)
		e.wantFound(t, e.ctx, imis.Locations, "place v", e.tr.v1, e.tr.v2)
	})
	t.Run("EditReplacesWords", func(t *testing.T) {
		ins := e.get(t, imis.Insurees, e.bakari)
		v := ins.Values
		v["last_name"] = "Mzee"
		if _, err := e.db.Update(e.c1, imis.Insurees, e.bakari, ins.Version, v, nil); err != nil {
			t.Fatal(err)
		}
		// The history version keeps the old name, which no longer finds the insuree.
		e.wantFound(t, e.ctx, imis.Insurees, "juma", e.jumaHead, e.jumanneHead)
		e.wantFound(t, e.ctx, imis.Insurees, "mzee", e.bakari)
		e.noDrift(t)
	})
	t.Run("NewHeadRenamesTheFamily", func(t *testing.T) {
		if err := e.db.SetHead(e.c1, e.juma, e.bakari); err != nil {
			t.Fatal(err)
		}
		e.wantFound(t, e.ctx, fam, "mzee", e.juma)
		e.wantFound(t, e.ctx, fam, "ali")
		e.wantFound(t, e.ctx, fam, e.bakariNo, e.juma)
		e.noDrift(t)
	})
	t.Run("DeleteRemovesWords", func(t *testing.T) {
		if err := e.db.DeleteInsuree(e.c1, e.jumaHead); err != nil {
			t.Fatal(err)
		}
		e.wantFound(t, e.ctx, imis.Insurees, "juma", e.jumanneHead)
		e.wantFound(t, e.ctx, imis.Insurees, e.jumaNo)
		e.noDrift(t)
	})
	t.Run("MigrationFillsTheSameWords", func(t *testing.T) {
		if err := store.RefillSearchWords(e.ctx, e.db); err != nil {
			t.Fatal(err)
		}
		e.noDrift(t)
		e.wantFound(t, e.ctx, fam, "jum", e.jumanne)
		e.wantFound(t, e.ctx, fam, "mzee", e.juma)
	})
}

// TestSearchFollowsTheFamilyHead finds a family's policies and contributions by its new head's
// number once the head changes: they copy the number, and their words with it.
func TestSearchFollowsTheFamilyHead(t *testing.T) {
	c := newCoverageEnv(t)
	e := &searchEnv{familyEnv: c.familyEnv}
	oldNo, newNo := number("30000001"), number("30000009")
	member := e.member(t, e.ctx, c.famID, person(t, newNo, "Heir", "Adult", "1985-01-01"), false)
	receipts := e.found(t, e.ctx, imis.Contributions, oldNo)
	if len(receipts) != 2 {
		t.Fatalf("%d contributions by the head's number", len(receipts))
	}
	if err := e.db.SetHead(e.ctx, c.famID, member); err != nil {
		t.Fatal(err)
	}
	e.wantFound(t, e.ctx, imis.Policies, newNo, c.policy.ID)
	e.wantFound(t, e.ctx, imis.Policies, oldNo)
	e.wantFound(t, e.ctx, imis.Contributions, newNo+" r", receipts...)
	e.wantFound(t, e.ctx, imis.Contributions, oldNo)
	e.noDrift(t)
}

// TestBulkRecordsSearchable loads a family through the bulk path, with a history version of it,
// and finds the current version only.
func TestBulkRecordsSearchable(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	tr := makeTree(t, ctx, db)
	cols := append(slices.Clone(bulkFamilyCols), "legacy_id", "validity_to")
	current, old := imis.NewID(), imis.NewID()
	_, counts, err := db.Bulk(ctx, "seed", nil, func(l *store.Loader) error {
		if err := l.Add("families", cols, current, 1, 2, l.Now(), "300000017 wanjiru achieng", "300000017", "Wanjiru Achieng",
			tr.v1, false, false, tr.d1, "seed", l.RunID(), nil, nil); err != nil {
			return err
		}
		return l.Add("families", cols, old, 2, 1, l.Now().AddDate(0, -1, 0), "300000017 otieno achieng", "300000017", "Otieno Achieng",
			tr.v1, false, false, tr.d1, "seed", l.RunID(), current, l.Now())
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts["families"] != 2 {
		t.Errorf("counts %v: the words are not the caller's rows", counts)
	}
	e := &searchEnv{familyEnv: &familyEnv{ctx: ctx, db: db, tr: tr}}
	e.wantFound(t, ctx, imis.Families, "wanj", current)
	e.wantFound(t, ctx, imis.Families, "achieng", current)
	e.wantFound(t, ctx, imis.Families, "otieno")
	e.noDrift(t)
}

// TestSearchPlans checks that the engine answers every register's search, its page and its count,
// from the word index, reading neither the register nor the words whole, for a national user and
// a district user.
func TestSearchPlans(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	if _, err := demo.Build(ctx, db, demo.Options{Seed: 1, Families: 40}); err != nil {
		t.Fatal(err)
	}
	district, err := db.IDByCode(ctx, imis.Locations, "R1D1")
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]*imis.User{"national": imis.System, "district": clerkIn(t, ctx, db, "searchclerk", district)}
	if err := store.Analyze(ctx, db); err != nil {
		t.Fatal(err)
	}
	wordScan := regexp.MustCompile(`Seq Scan on search_words|^\s*SCAN sw\b`)
	wordIndex := regexp.MustCompile(`search_words_pkey|SEARCH sw USING PRIMARY KEY`)
	// The register is read by the ids the words give, not walked in its order looking for them. A
	// district user's search may read the district's range of the register instead, which the
	// planner takes for fewer rows than a name's words when it has no statistics (SQLite) or few
	// records (this test's).
	byID := regexp.MustCompile(`Index Cond: \(id = |SEARCH t USING \w+ \w+ \(id=\?\)`)
	districtRange := regexp.MustCompile(`Index Cond: \(district_id = |SEARCH t USING (COVERING )?INDEX \w+ \(district_id=\?`)
	for _, reg := range []*imis.Register{imis.Families, imis.Insurees, imis.Policies, imis.Contributions, imis.Locations} {
		for who, u := range users {
			for _, text := range []string{"mw", "mwa 12"} {
				rows, count, err := store.SearchStatements(reg, u, store.Filter{Text: text}, "")
				if err != nil {
					t.Fatal(err)
				}
				for _, st := range []store.Statement{rows, count} {
					plan, err := store.QueryPlan(ctx, db, st.Text, st.Args...)
					if err != nil {
						t.Fatalf("%s %s %q: %v", reg.Name, who, text, err)
					}
					scans := store.FullScans(st.Text, plan)
					for _, step := range strings.Split(plan, "\n") {
						if wordScan.MatchString(step) {
							scans = append(scans, strings.TrimSpace(step))
						}
					}
					read := byID.MatchString(plan) || (who == "district" && districtRange.MatchString(plan))
					if len(scans) > 0 || !wordIndex.MatchString(plan) || !read {
						t.Errorf("search of %s by a %s user %q reads %v:\n%s\n%s", reg.Name, who, text, scans, st.Text, plan)
					}
				}
			}
		}
	}
}

// TestSearchWordsInTheStatement keeps the typed words out of the statement's parameters: a plan
// PostgreSQL makes once for any parameters would read the whole register for a rare name.
func TestSearchWordsInTheStatement(t *testing.T) {
	rows, count, err := store.SearchStatements(imis.Insurees, imis.System, store.Filter{Text: "Mwa O'Neil"}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []store.Statement{rows, count} {
		for _, w := range []string{"'mwa'", "'mwb'", "'o'", "'p'", "'neil'", "'neim'"} {
			if !strings.Contains(st.Text, w) {
				t.Errorf("%s is not in the statement %s", w, st.Text)
			}
		}
		for _, a := range st.Args {
			if s, ok := a.(string); ok {
				t.Errorf("parameter %q in %s", s, st.Text)
			}
		}
	}
}
