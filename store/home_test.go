package store_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// homeClock is a settable clock for the store, read from the recount's goroutine too.
type homeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *homeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *homeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// homeEnv is the demo scheme with a few enrolled families and users of different reach.
type homeEnv struct {
	ctx   context.Context // the system's
	db    *store.DB
	clock *homeClock
	today imis.Date
	users map[string]*imis.User
}

func newHomeEnv(t *testing.T) *homeEnv {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	clock := &homeClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	db.Now, db.Zone = clock.now, time.UTC
	if _, err := demo.Build(ctx, db, demo.Options{Seed: 1, Families: 40}); err != nil {
		t.Fatal(err)
	}
	e := &homeEnv{ctx: ctx, db: db, clock: clock, today: db.Today(), users: map[string]*imis.User{"national": imis.System}}
	district := func(code string) imis.ID {
		id, err := db.IDByCode(ctx, imis.Locations, code)
		if err != nil {
			t.Fatalf("district %s: %v", code, err)
		}
		return id
	}
	// Users of one district, of two districts in two regions, and of none: the last sees
	// national records only.
	for name, districts := range map[string][]imis.ID{
		"one district":  {district("R1D1")},
		"two regions":   {district("R1D2"), district("R2D1")},
		"no district":   nil,
		"same district": {district("R1D1")},
	} {
		login := strings.ReplaceAll(name, " ", "")
		e.users[name] = clerkIn(t, ctx, db, login, districts...)
	}
	return e
}

// clerkIn creates a user with the Clerk role in the districts.
func clerkIn(t *testing.T, ctx context.Context, db *store.DB, login string, districts ...imis.ID) *imis.User {
	t.Helper()
	return imis.UserFromContext(userIn(t, ctx, db, login, "Clerk", districts...))
}

func (e *homeEnv) as(name string) context.Context {
	return imis.NewContextWithUser(e.ctx, e.users[name])
}

// TestRegisterTotalsFollowDistrictScoping compares the totals the home page shows with what a
// search of each register finds, for a national user, district users and a user of no district.
func TestRegisterTotalsFollowDistrictScoping(t *testing.T) {
	e := newHomeEnv(t)
	totals, err := e.db.RegisterTotals(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !totals.At.Equal(e.clock.now()) {
		t.Errorf("counted at %v, want %v", totals.At, e.clock.now())
	}
	seen := map[string]map[string]int{}
	for name, u := range e.users {
		seen[name] = map[string]int{}
		for _, reg := range imis.AllRegisters {
			_, want, err := e.db.Find(e.as(name), reg, store.Filter{Page: imis.Page{Size: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if got := totals.Visible(reg, u); got != want {
				t.Errorf("%s user, %s: total %d, a search finds %d", name, reg.Name, got, want)
			}
			seen[name][reg.Name] = want
		}
	}
	// The comparison means something only if the users see different parts of the registers.
	for _, reg := range []string{"insurees", "families", "policies", "contributions", "health-facilities", "claim-admins", "users", "locations"} {
		national, one, two, none := seen["national"][reg], seen["one district"][reg], seen["two regions"][reg], seen["no district"][reg]
		if one == 0 || two == 0 || one >= national || two >= national || none >= min(one, two) {
			t.Errorf("%s: national %d, one district %d, two regions %d, none %d: the fixture does not tell the scopes apart",
				reg, national, one, two, none)
		}
	}
	if n := totals.Visible(imis.Insurees, nil); n != 0 {
		t.Errorf("nobody sees %d insurees", n)
	}
}

// almostAMinute is a time within the totals' minute.
const almostAMinute = 59 * time.Second

// TestRegisterTotalsRecountAtMostOnceAMinute keeps the totals for a minute whatever is written
// meanwhile, then serves the old totals while it counts again in the background.
func TestRegisterTotalsRecountAtMostOnceAMinute(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	clock := &homeClock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)}
	db.Now = clock.now
	first, err := db.RegisterTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	regions := func(tt *store.RegisterTotals) int { return tt.Visible(imis.Locations, imis.System) }
	before := regions(first)
	location(t, ctx, db, "RX", imis.LocationRegion, imis.NilID)

	clock.advance(almostAMinute)
	store.AwaitRecount(db)
	if got, err := db.RegisterTotals(ctx); err != nil || got != first {
		t.Fatalf("within the minute: totals of %v (%v), want those of %v", got.At, err, first.At)
	}
	store.AwaitRecount(db)
	if got, _ := db.RegisterTotals(ctx); got != first {
		t.Fatalf("a recount ran within the minute: totals of %v", got.At)
	}

	clock.advance(store.TotalsMaxAge - almostAMinute)
	stale, err := db.RegisterTotals(ctx)
	if err != nil || stale != first {
		t.Fatalf("the first view after the minute waited for the recount: totals of %v (%v)", stale.At, err)
	}
	store.AwaitRecount(db)
	fresh, err := db.RegisterTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !fresh.At.Equal(clock.now()) || regions(fresh) != before+1 {
		t.Errorf("after the recount: counted at %v with %d locations, want %v and %d", fresh.At, regions(fresh), clock.now(), before+1)
	}
}

// TestHomeWorkCounts counts the renewals due and the policies waiting for their contributions as
// the lists the home page links to show them, for a national and for district users.
func TestHomeWorkCounts(t *testing.T) {
	e := newHomeEnv(t)
	if _, err := e.db.InsertRenewals(e.ctx, e.today, 0); err != nil {
		t.Fatal(err)
	}
	all, err := e.db.VisibleRenewals(e.ctx, imis.NilID)
	if err != nil || len(all) < 2 {
		t.Fatalf("%d reminders in the demo: %v", len(all), err)
	}
	// A date between the reminders, so that the limit matters.
	until := all[len(all)/2].RenewalDate
	for _, name := range []string{"national", "one district", "two regions", "no district"} {
		ctx := e.as(name)
		t.Run(name, func(t *testing.T) {
			listed, err := e.db.VisibleRenewals(ctx, imis.NilID)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, r := range listed {
				if !r.RenewalDate.After(until) {
					want++
				}
			}
			if got, err := e.db.CountRenewalsDue(ctx, until); err != nil || got != (store.CappedCount{N: want}) {
				t.Errorf("renewals due by %v: %+v (%v), the list shows %d", until, got, err, want)
			}
			if name != "no district" && want == 0 {
				t.Errorf("no renewal due by %v: the fixture tests nothing", until)
			}
			_, idle, err := e.db.Find(ctx, imis.Policies, store.Filter{Fields: map[string]string{"status": fmt.Sprint(imis.PolicyIdle)}, Page: imis.Page{Size: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := e.db.CountPoliciesAwaitingPayment(ctx); err != nil || got != (store.CappedCount{N: idle}) {
				t.Errorf("policies awaiting payment: %+v (%v), the search finds %d", got, err, idle)
			}
			if name != "no district" && idle == 0 {
				t.Errorf("no idle policy: the fixture tests nothing")
			}
		})
	}

	t.Run("a family moves", func(t *testing.T) {
		mine, err := e.db.VisibleRenewals(e.as("one district"), imis.NilID)
		if err != nil || len(mine) == 0 {
			t.Fatalf("no reminder in the district: %v", err)
		}
		fam, err := e.db.FindByID(e.ctx, imis.Families, mine[0].FamilyID)
		if err != nil {
			t.Fatal(err)
		}
		village, err := e.db.IDByCode(e.ctx, imis.Locations, "R2D1W1V1")
		if err != nil {
			t.Fatal(err)
		}
		v, p := imis.Families.Parse(map[string]string{"location_id": village.String(), "family_type": "H"}, false)
		if err := p.Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := e.db.Update(e.ctx, imis.Families, fam.ID, fam.Version, v, nil); err != nil {
			t.Fatal(err)
		}
		// Its reminder follows it from the one district's count into the other's.
		later := e.today.AddDays(3650)
		for name, want := range map[string]int{"one district": len(mine) - 1} {
			if got, err := e.db.CountRenewalsDue(e.as(name), later); err != nil || got.N != want {
				t.Errorf("%s after the move: %+v (%v), want %d", name, got, err, want)
			}
		}
		theirs, err := e.db.VisibleRenewals(e.as("two regions"), imis.NilID)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.db.CountRenewalsDue(e.as("two regions"), later); err != nil || got.N != len(theirs) || !slices.ContainsFunc(theirs,
			func(r store.RenewalReminder) bool { return r.FamilyID == fam.ID }) {
			t.Errorf("the district moved to counts %+v (%v), its list shows %d", got, err, len(theirs))
		}
	})

	t.Run("cap", func(t *testing.T) {
		pol, _, err := e.db.Find(e.as("one district"), imis.Policies, store.Filter{Page: imis.Page{Size: 1}})
		if err != nil || len(pol) == 0 {
			t.Fatalf("no policy in the district: %v", err)
		}
		v := pol[0].Values
		_, before, _ := e.db.Find(e.ctx, imis.Policies, store.Filter{Fields: map[string]string{"status": fmt.Sprint(imis.PolicyIdle)}, Page: imis.Page{Size: 1}})
		// As many more idle policies of one family as take the count past the cap, each enrolled
		// on a day of its own.
		_, _, err = e.db.Bulk(e.ctx, "test", nil, func(l *store.Loader) error {
			for i := range store.WorkCountCap {
				enrol := imis.NewDate(2020, 1, 1).AddDays(i)
				if err := l.Add("policies", bulkPolicyCols, imis.NewID(), int64(900000+i), 1, l.Now(), "idle", v.Text("head_chfid"), v.Text("product_code"),
					v.ID("family_id"), v.ID("product_id"), v.ID("officer_id"), enrol, imis.StageNew, imis.PolicyIdle, imis.Money(100), enrol, imis.Date{},
					enrol.AddDays(365), nil, false, v.ID("district_id"), "test", l.RunID().String()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := e.db.CountPoliciesAwaitingPayment(e.as("one district")); err != nil || got != (store.CappedCount{N: store.WorkCountCap, More: true}) {
			t.Errorf("past the cap in the district: %+v (%v)", got, err)
		}
		if got, err := e.db.CountPoliciesAwaitingPayment(e.ctx); err != nil || !got.More {
			t.Errorf("past the cap nationally (%d before): %+v (%v)", before, got, err)
		}
		// Exactly at the cap is not more than it.
		far, err := e.db.CountPoliciesAwaitingPayment(e.as("two regions"))
		if err != nil || far.More || far.N >= store.WorkCountCap {
			t.Errorf("another district's policies counted: %+v (%v)", far, err)
		}
	})
}

// TestHomeWorkQueriesUseIndexes is the guard of the home page: every count of a user's work,
// national or in districts, is answered through an index, never by reading the whole of a table
// that grows with the scheme.
func TestHomeWorkQueriesUseIndexes(t *testing.T) {
	e := newHomeEnv(t)
	if _, err := e.db.InsertRenewals(e.ctx, e.today, 0); err != nil {
		t.Fatal(err)
	}
	if err := store.Analyze(e.ctx, e.db); err != nil {
		t.Fatal(err)
	}
	// Either index of the reminders may serve a district user: PostgreSQL rightly walks the few
	// reminders of the test's data by date. Either index of the policies' status serves a count
	// by status.
	indexes := map[string]string{"renewals due": `policy_renewals_(district_)?due`, "awaiting payment": `policies_status\w*`}
	for _, who := range []string{"national", "one district", "two regions"} {
		for name, st := range store.HomeWorkStatements(e.users[who], e.today.AddDays(30)) {
			t.Run(who+"/"+name, func(t *testing.T) {
				plan, err := store.QueryPlan(e.ctx, e.db, st.Text, st.Args...)
				if err != nil {
					t.Fatal(err)
				}
				if scans := store.FullScans(st.Text, plan); len(scans) > 0 {
					t.Errorf("reads a whole table: %q\n%s\n%s", scans, st.Text, plan)
				}
				if !regexp.MustCompile(`\b` + indexes[name] + `\b`).MatchString(plan) {
					t.Errorf("does not use %s:\n%s", indexes[name], plan)
				}
			})
		}
	}
}

// TestFullScansNamesTheWholeReads checks the guard itself on plans of both engines.
func TestFullScansNamesTheWholeReads(t *testing.T) {
	text := "SELECT 1 FROM policies t JOIN families f ON f.id = t.family_id JOIN locations v ON v.id = f.location_id"
	for _, c := range []struct {
		plan string
		want int
	}{
		{"Nested Loop\n  ->  Seq Scan on policies t\n  ->  Index Scan using families_pkey on families f\n        Index Cond: (id = t.family_id)", 1},
		{"Nested Loop\n  ->  Index Scan using policies_status on policies t\n        Index Cond: (status = 1)\n  ->  Seq Scan on locations v", 0},
		{"SCAN t\nSEARCH f USING INDEX sqlite_autoindex_families_1 (id=?)", 1},
		{"SEARCH t USING INDEX policies_status (status=?)\nSCAN v", 0},
		{"SEARCH t USING INDEX policies_status (status=?)\nSCAN f", 1},
		{"SCAN t USING INDEX policies_once", 0},
	} {
		if got := store.FullScans(text, c.plan); len(got) != c.want {
			t.Errorf("%q: full scans %q, want %d", c.plan, got, c.want)
		}
	}
}
