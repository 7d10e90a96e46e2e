package ui_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

// homeTile is one link of the home page with its figure.
var homeTile = regexp.MustCompile(`<li><a href="([^"]+)"><span class="n">([^<]+)</span> <span class="l">([^<]+)</span></a></li>`)

// homeSections returns the links of the work panel and of the totals, by address, with their figures.
func homeSections(t *testing.T, body string) (work, totals map[string]string) {
	t.Helper()
	workPart, totalsPart, ok := strings.Cut(body, `id="counts"`)
	if !ok {
		t.Fatalf("no totals on the home page: %s", webtest.Excerpt(body))
	}
	read := func(part string) map[string]string {
		out := map[string]string{}
		for _, m := range homeTile.FindAllStringSubmatch(part, -1) {
			out[strings.ReplaceAll(m[1], "&amp;", "&")] = m[2]
		}
		return out
	}
	return read(workPart), read(totalsPart)
}

// TestHomePage shows the user's work in their districts, linking to the lists that show it, and
// the registers' totals as they stood when last counted, for everyone at most once a minute.
func TestHomePage(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	ctx := imis.SystemContext(context.Background())
	if _, err := e.DB.InsertRenewals(ctx, e.DB.Today(), 0); err != nil {
		t.Fatal(err)
	}
	until := e.DB.Today().AddDays(30)
	renewals := "/renewals?until=" + until.String()
	idle := "/policies?status=" + strconv.Itoa(imis.PolicyIdle)
	e.AddUser(t, "clerk4", "clerk-four-pass", []string{"Clerk"}, []string{"R2D1"})

	for _, c := range []struct{ login, password string }{{"Admin", "admin123"}, {"clerk4", "clerk-four-pass"}} {
		t.Run(c.login, func(t *testing.T) {
			as := e.UserCtx(t, c.login)
			r := e.Login(t, c.login, c.password).Get(t, "/")
			counted := e.Clock.Now().In(e.DB.Zone).Format("15:04")
			webtest.Check(t, "home", r, http.StatusOK, "Your work", "Registers at a glance", "As of "+counted)
			work, totals := homeSections(t, r.Body)
			due, err := e.DB.CountRenewalsDue(as, until)
			if err != nil {
				t.Fatal(err)
			}
			waiting, err := e.DB.CountPoliciesAwaitingPayment(as)
			if err != nil {
				t.Fatal(err)
			}
			if work[renewals] != strconv.Itoa(due.N) || work[idle] != strconv.Itoa(waiting.N) {
				t.Errorf("work %v, want %d renewals due by %v and %d policies waiting", work, due.N, until, waiting.N)
			}
			// The lists the work links to count the same.
			listed := e.Login(t, c.login, c.password).Get(t, renewals)
			webtest.Check(t, "renewals list", listed, http.StatusOK, strconv.Itoa(due.N)+" renewals due")
			_, idleTotal := e.Records(t, as, imis.Policies, map[string]string{"status": strconv.Itoa(imis.PolicyIdle)})
			if idleTotal != waiting.N {
				t.Errorf("the policy search finds %d idle policies, the home page says %d", idleTotal, waiting.N)
			}
			u := imis.UserFromContext(as)
			for _, reg := range imis.AllRegisters {
				got, shown := totals["/registers/"+reg.Name]
				if shown != u.Can(reg.Rights.Search) {
					t.Errorf("%s: total shown %v to a user who may search it %v", reg.Name, shown, !shown)
				} else if _, want := e.Records(t, as, reg, nil); shown && got != strconv.Itoa(want) {
					t.Errorf("%s: the home page says %s, a search finds %d", reg.Name, got, want)
				}
			}
			if totals["/registers/insurees"] == "" || totals["/registers/insurees"] == "0" {
				t.Errorf("no insurees counted: %v", totals)
			}
		})
	}

	t.Run("totals of a minute ago", func(t *testing.T) {
		b := e.Login(t, "Admin", "admin123")
		before := e.CurrentCount(t, imis.Users)
		e.AddUser(t, "clerk5", "clerk-five-pass", []string{"Clerk"}, []string{"R1D1"})
		_, totals := homeSections(t, b.Get(t, "/").Body)
		if totals["/registers/users"] != strconv.Itoa(before) {
			t.Errorf("users counted again within the minute: %s, want %d", totals["/registers/users"], before)
		}
		e.Clock.Advance(store.TotalsMaxAge)
		// The first view after the minute serves the old totals and starts the recount; the
		// views after it show the new totals once the recount is done.
		asOf := "As of " + e.Clock.Now().In(e.DB.Zone).Format("15:04")
		r := b.Get(t, "/")
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(r.Body, asOf) && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			r = b.Get(t, "/")
		}
		webtest.Check(t, "recounted", r, http.StatusOK, asOf)
		if _, totals := homeSections(t, r.Body); totals["/registers/users"] != strconv.Itoa(before+1) {
			t.Errorf("after a minute: %s users, want %d", totals["/registers/users"], before+1)
		}
	})

	t.Run("no work to show", func(t *testing.T) {
		// A user who may search insurees only may open none of the work lists, so the panel is
		// left out.
		if _, err := e.DB.Create(ctx, imis.Roles, imis.Values{"name": "Insuree lookup", "blocked": false},
			map[string][]imis.Values{"rights": {{"right_id": int64(imis.RightInsureeSearch)}}}); err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "lookup9", "lookup-nine-pass", []string{"Insuree lookup"}, []string{"R1D1"})
		r := e.Login(t, "lookup9", "lookup-nine-pass").Get(t, "/")
		webtest.Check(t, "insuree lookup", r, http.StatusOK, "Registers at a glance", "/registers/insurees")
		if strings.Contains(r.Body, `id="work"`) {
			t.Errorf("a work panel without work: %s", webtest.Excerpt(r.Body))
		}
	})

	t.Run("no poll", func(t *testing.T) {
		b := e.Login(t, "Admin", "admin123")
		if strings.Contains(b.Get(t, "/").Body, "hx-trigger") {
			t.Error("the home page polls")
		}
		webtest.Check(t, "the old poll", b.Get(t, "/home/counts"), http.StatusNotFound)
	})
}
