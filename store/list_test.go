package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// pageThrough follows a search's Next cursors from its first page to its last, then its Prev
// cursors back, and returns the records in the order the pages showed them going forward.
func pageThrough(t *testing.T, ctx context.Context, db *store.DB, reg *imis.Register, f store.Filter) []*store.Record {
	t.Helper()
	var all []*store.Record
	var pages [][]imis.ID
	for number := 1; ; number++ {
		found, err := db.Search(ctx, reg, f)
		if err != nil {
			t.Fatalf("page %d: %v", number, err)
		}
		if found.Page.Number != number || found.First != (number == 1) || (found.Prev == imis.NilID) != (number == 1) {
			t.Fatalf("page %d read as number %d, first %v, previous %v", number, found.Page.Number, found.First, found.Prev)
		}
		var ids []imis.ID
		for _, r := range found.Records {
			ids = append(ids, r.ID)
		}
		all, pages = append(all, found.Records...), append(pages, ids)
		if found.Next == imis.NilID {
			break
		}
		if len(found.Records) != f.Page.Size || found.Next != ids[len(ids)-1] {
			t.Fatalf("page %d holds %d records and continues after %v", number, len(found.Records), found.Next)
		}
		f.After, f.Page.Number = found.Next.String(), number+1
	}
	// Back from the last page, each previous page is the one shown before it.
	f.After = ""
	for i := len(pages) - 1; i > 0; i-- {
		f.Before, f.Page.Number = pages[i][0].String(), i
		found, err := db.Search(ctx, reg, f)
		if err != nil {
			t.Fatalf("page before %d: %v", i+1, err)
		}
		var ids []imis.ID
		for _, r := range found.Records {
			ids = append(ids, r.ID)
		}
		if !slices.Equal(ids, pages[i-1]) || found.Next != pages[i-1][len(pages[i-1])-1] || found.First != (i == 1) {
			t.Fatalf("page before %d: %v (first %v, next %v), want %v", i+1, ids, found.First, found.Next, pages[i-1])
		}
	}
	return all
}

// listEnv is a demo scheme with a clerk of one district and one of two.
type listEnv struct {
	ctx, clerk, clerk2 context.Context
	db                 *store.DB
}

func newListEnv(t *testing.T) *listEnv {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	if _, err := demo.Build(ctx, db, demo.Options{Seed: 1, Families: 40}); err != nil {
		t.Fatal(err)
	}
	district := func(code string) imis.ID {
		id, err := db.IDByCode(ctx, imis.Locations, code)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	return &listEnv{ctx: ctx, db: db, clerk: imis.NewContextWithUser(ctx, clerkIn(t, ctx, db, "listclerk", district("R1D1"))),
		clerk2: imis.NewContextWithUser(ctx, clerkIn(t, ctx, db, "listclerk2", district("R1D1"), district("R2D1")))}
}

// TestSearchPagesThroughEveryRecordOnce pages through lists of each kind, nationally, in a
// district and in two, filtered or not, and in pages of several sizes: every record that matches comes
// once, in the register's order, and the previous pages are the pages seen before.
func TestSearchPagesThroughEveryRecordOnce(t *testing.T) {
	e := newListEnv(t)
	// A family without a head sorts by an empty number, first.
	village, err := e.db.IDByCode(e.ctx, imis.Locations, "R1D1W1V1")
	if err != nil {
		t.Fatal(err)
	}
	headless := mustCreate(t, e.ctx, e.db, imis.Families, map[string]string{"location_id": village.String()}, nil)

	// later reports whether b comes after a in the register's order, the record id settling ties.
	later := map[*imis.Register]func(a, b imis.Values, ida, idb imis.ID) bool{
		imis.Insurees: func(a, b imis.Values, _, _ imis.ID) bool { return b.Text("chfid") > a.Text("chfid") },
		imis.Families: func(a, b imis.Values, ida, idb imis.ID) bool {
			return b.Text("head_chfid") > a.Text("head_chfid") || b.Text("head_chfid") == a.Text("head_chfid") && idb.String() > ida.String()
		},
		imis.Policies: func(a, b imis.Values, ida, idb imis.ID) bool {
			d1, d2 := a.Date("enroll_date").String(), b.Date("enroll_date").String()
			return d1 > d2 || d1 == d2 && (b.Text("head_chfid") > a.Text("head_chfid") ||
				b.Text("head_chfid") == a.Text("head_chfid") && idb.String() > ida.String())
		},
		imis.Contributions: func(a, b imis.Values, ida, idb imis.ID) bool {
			d1, d2 := a.Date("pay_date").String(), b.Date("pay_date").String()
			return d1 > d2 || d1 == d2 && (b.Text("receipt") > a.Text("receipt") || b.Text("receipt") == a.Text("receipt") && idb.String() > ida.String())
		},
		imis.Items: func(a, b imis.Values, _, _ imis.ID) bool { return b.Text("code") > a.Text("code") },
	}
	type listCase struct {
		reg    *imis.Register
		fields map[string]string
	}
	cases := []listCase{
		{imis.Insurees, nil}, {imis.Insurees, map[string]string{"gender": "F"}},
		{imis.Families, nil}, {imis.Policies, nil}, {imis.Policies, map[string]string{"status": fmt.Sprint(imis.PolicyActive)}},
		{imis.Contributions, nil}, {imis.Items, map[string]string{"type": "D"}},
	}
	tied, seen := map[string]bool{}, map[string]int{}
	for who, ctx := range map[string]context.Context{"national": e.ctx, "district": e.clerk, "two districts": e.clerk2} {
		for _, c := range cases {
			all, total, err := e.db.Find(ctx, c.reg, store.Filter{Fields: c.fields, Page: imis.Page{Size: 500}})
			if err != nil || total < 3 || total != len(all) {
				t.Fatalf("%s %s %v: %d of %d (%v)", who, c.reg.Name, c.fields, len(all), total, err)
			}
			seen[who] += total
			for i := 1; i < len(all); i++ {
				if !later[c.reg](all[i-1].Values, all[i].Values, all[i-1].ID, all[i].ID) {
					t.Fatalf("%s %s: %v before %v", who, c.reg.Name, all[i-1].Values, all[i].Values)
				}
				if k := datedBy[c.reg]; k != "" && all[i-1].Values.Date(k).String() == all[i].Values.Date(k).String() {
					tied[c.reg.Name] = true
				}
			}
			if c.reg == imis.Families && all[0].ID != headless.ID {
				t.Errorf("%s families begin with %v, not the family without a head", who, all[0].Values)
			}
			for _, size := range []int{1, 3, 7} {
				got := pageThrough(t, ctx, e.db, c.reg, store.Filter{Fields: c.fields, Page: imis.Page{Size: size}})
				if !slices.EqualFunc(got, all, func(a, b *store.Record) bool { return a.ID == b.ID }) {
					t.Errorf("%s %s %v in pages of %d: %d records, want the %d of one page in its order", who, c.reg.Name, c.fields, size, len(got), len(all))
				}
			}
		}
	}
	if seen["two districts"] <= seen["district"] {
		t.Errorf("the second district adds no record: %v", seen)
	}
	for _, reg := range []string{"policies", "contributions"} {
		if !tied[reg] {
			t.Errorf("no two %s share the first key of their order: the test data no longer tests ties", reg)
		}
	}
}

// datedBy names the date that policies and contributions are listed by, newest first.
var datedBy = map[*imis.Register]string{imis.Policies: "enroll_date", imis.Contributions: "pay_date"}

// TestSearchCursors checks the pages around a cursor: a deleted record still marks its place, a
// page before the first full page shows the first page, and a cursor that is not one of the
// user's records, or two cursors, are refused with the parameter named.
func TestSearchCursors(t *testing.T) {
	e := newListEnv(t)
	page := func(ctx context.Context, f store.Filter) *store.Found {
		t.Helper()
		found, err := e.db.Search(ctx, imis.Diagnoses, f)
		if err != nil {
			t.Fatal(err)
		}
		return found
	}
	first := page(e.ctx, store.Filter{Page: imis.Page{Size: 5}})
	second := page(e.ctx, store.Filter{Page: imis.Page{Size: 5, Number: 2}, After: first.Next.String()})
	third := page(e.ctx, store.Filter{Page: imis.Page{Size: 5, Number: 3}, After: second.Next.String()})
	gone := second.Records[4]
	if err := e.db.Delete(e.ctx, imis.Diagnoses, gone.ID, gone.Version); err != nil {
		t.Fatal(err)
	}
	if again := page(e.ctx, store.Filter{Page: imis.Page{Size: 5}, After: gone.ID.String()}); again.Records[0].ID != third.Records[0].ID {
		t.Errorf("after a deleted record: %v, want %v", again.Records[0].Values, third.Records[0].Values)
	}
	// Two records before the third record of page 1 make no page: page 1 is shown instead.
	short := page(e.ctx, store.Filter{Page: imis.Page{Size: 5, Number: 7}, Before: first.Records[2].ID.String()})
	if !short.First || short.Page.Number != 1 || short.Records[0].ID != first.Records[0].ID || len(short.Records) != 5 || short.Prev != imis.NilID {
		t.Errorf("before the third record: first %v, number %d, %d records", short.First, short.Page.Number, len(short.Records))
	}
	// The end: no next page, and the page after the last record is empty, with a way back.
	last := page(e.ctx, store.Filter{Page: imis.Page{Size: 500}})
	end := page(e.ctx, store.Filter{Page: imis.Page{Size: 5}, After: last.Records[len(last.Records)-1].ID.String()})
	if len(end.Records) != 0 || end.Next != imis.NilID || end.First {
		t.Errorf("after the last record: %d records, next %v, first %v", len(end.Records), end.Next, end.First)
	}

	family, _, err := e.db.Find(e.ctx, imis.Families, store.Filter{Page: imis.Page{Size: 500}})
	if err != nil {
		t.Fatal(err)
	}
	var elsewhere imis.ID
	for _, f := range family {
		if _, err := e.db.FindByID(e.clerk, imis.Families, f.ID); imis.ErrorCode(err) == imis.ENOTFOUND {
			elsewhere = f.ID
		}
	}
	for name, c := range map[string]struct {
		ctx   context.Context
		reg   *imis.Register
		f     store.Filter
		field string
	}{
		"not an id":           {e.ctx, imis.Diagnoses, store.Filter{After: "nope"}, "after"},
		"no such record":      {e.ctx, imis.Diagnoses, store.Filter{Before: imis.NewID().String()}, "before"},
		"another register's":  {e.ctx, imis.Diagnoses, store.Filter{After: family[0].ID.String()}, "after"},
		"another district's":  {e.clerk, imis.Families, store.Filter{After: elsewhere.String()}, "after"},
		"both ways":           {e.ctx, imis.Diagnoses, store.Filter{After: first.Next.String(), Before: first.Next.String()}, "before"},
		"past the count":      {e.ctx, imis.Diagnoses, store.Filter{Page: imis.Page{Number: 502}}, "page"},
		"past it, large size": {e.ctx, imis.Diagnoses, store.Filter{Page: imis.Page{Number: 22, Size: 500}}, "page"},
	} {
		_, err := e.db.Search(c.ctx, c.reg, c.f)
		var ie *imis.Error
		if !errors.As(err, &ie) || ie.Code != imis.EINVALID || ie.Fields[c.field].Key == "" {
			t.Errorf("%s: %v, want a refusal of %s", name, err, c.field)
		}
	}
	if _, err := e.db.Search(e.ctx, imis.Diagnoses, store.Filter{Page: imis.Page{Number: 501}}); err != nil {
		t.Errorf("the last page the count reaches: %v", err)
	}
}

// TestSearchCountStopsAtTheLimit counts a register of more records than CountLimit: the count
// says "more", and every page by number up to the limit can still be read.
func TestSearchCountStopsAtTheLimit(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	cols := []string{"id", "version", "validity_from", "search_text", "code", "name"}
	_, _, err := db.Bulk(ctx, "seed", nil, func(l *store.Loader) error {
		for i := range store.CountLimit + 1 {
			code := fmt.Sprintf("Z%05d", i)
			if err := l.Add("diagnoses", cols, imis.NewID(), 1, l.Now(), code+" many", code, "Many"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	found, err := db.Search(ctx, imis.Diagnoses, store.Filter{})
	if err != nil || found.Total != store.CountLimit || !found.More {
		t.Fatalf("count past the limit: %d, more %v (%v)", found.Total, found.More, err)
	}
	found, err = db.Search(ctx, imis.Diagnoses, store.Filter{Page: imis.Page{Number: 501}})
	if err != nil || len(found.Records) != 1 || found.Records[0].Values.Text("code") != fmt.Sprintf("Z%05d", store.CountLimit) {
		t.Fatalf("the page at the limit: %v (%v)", found, err)
	}
	found, err = db.Search(ctx, imis.Diagnoses, store.Filter{Fields: map[string]string{"code": "Z0000"}})
	if err != nil || found.Total != 10 || found.More {
		t.Errorf("a narrower search counts exactly: %d, more %v (%v)", found.Total, found.More, err)
	}
}
