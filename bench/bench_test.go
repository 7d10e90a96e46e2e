// Package bench measures the latency of the operations users wait for, on the engine under test
// (SQLite by default, PostgreSQL when IMIS_TEST_DSN is set). It holds benchmarks only; see
// docs/benchmarks.md for the results and how they were taken.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/app"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// ExtraItems is how many items the benchmarks add to the demo's 255.
const ExtraItems = 10000

type fixture struct {
	db     *store.DB
	server *httptest.Server
	token  string
}

var (
	once sync.Once
	fix  fixture
)

// scheme builds the demo scheme plus 10,000 items once per run.
func scheme(b *testing.B) fixture {
	once.Do(func() {
		ctx := imis.SystemContext(context.Background())
		db := testdb.Open(&keepTB{TB: b})
		if _, err := demo.Build(ctx, db, demo.Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
		rows := make([]imis.Values, ExtraItems)
		for i := range rows {
			v, p := imis.Items.Parse(map[string]string{"code": fmt.Sprintf("B%05d", i), "name": fmt.Sprintf("Bench medicine %d mg", i*5),
				"type": "D", "price": fmt.Sprintf("%d.%02d", 100+i%900, i%100), "care_type": "B"}, true)
			if err := p.Err(); err != nil {
				b.Fatal(err)
			}
			rows[i] = v
		}
		if _, _, err := db.UpsertByCode(ctx, imis.Items, rows); err != nil {
			b.Fatal(err)
		}
		srv, err := app.NewHandler(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), db, app.HandlerConfig{})
		if err != nil {
			b.Fatal(err)
		}
		fix = fixture{db: db, server: httptest.NewServer(srv)}
		fix.token = restLogin(b, http.DefaultClient, fix.server.URL, "Admin", "admin123")
	})
	return fix
}

// keepTB keeps the shared database alive for the whole run instead of one benchmark.
type keepTB struct{ testing.TB }

func (k *keepTB) Cleanup(func()) {}

func restLogin(b *testing.B, c *http.Client, url, login, password string) string {
	resp, err := c.Post(url+"/rest/api/login", "application/json", strings.NewReader(fmt.Sprintf(`{"UserName":%q,"Password":%q}`, login, password)))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Token string `json:"access_token"`
	}
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&body) != nil {
		b.Fatalf("login: %s", resp.Status)
	}
	return body.Token
}

// BenchmarkLoginStore is one password check with its lockout bookkeeping (argon2id dominates).
func BenchmarkLoginStore(b *testing.B) {
	f := scheme(b)
	ctx := context.Background()
	for b.Loop() {
		if _, err := f.db.Authenticate(ctx, "Admin", "admin123", auth.VerifyPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoginHTTP is the mobile login over loopback. Each request comes from its own
// loopback address, so the per-address rate limit does not interfere.
func BenchmarkLoginHTTP(b *testing.B) {
	f := scheme(b)
	n := 0
	for b.Loop() {
		n++
		local := &net.TCPAddr{IP: net.IPv4(127, byte(1+n/60000%250), byte(n/250%250), byte(1+n%250))}
		c := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}}
		restLogin(b, c, f.server.URL, "Admin", "admin123")
		c.CloseIdleConnections()
	}
}

func benchSearch(b *testing.B, reg *imis.Register, filter store.Filter, want int) {
	f := scheme(b)
	ctx := imis.SystemContext(context.Background())
	for b.Loop() {
		recs, total, err := f.db.Find(ctx, reg, filter)
		if err != nil || total < want || len(recs) == 0 {
			b.Fatalf("search: %d rows, total %d, %v", len(recs), total, err)
		}
	}
}

// BenchmarkItemSearchStore is a name search over 10,255 items, first page of 20, with the count.
func BenchmarkItemSearchStore(b *testing.B) {
	benchSearch(b, imis.Items, store.Filter{Text: "medicine 12"}, 1)
}

// BenchmarkFacilitySearchStore is a facility search by name fragment and level.
func BenchmarkFacilitySearchStore(b *testing.B) {
	benchSearch(b, imis.HealthFacilities, store.Filter{Fields: map[string]string{"level": "H"}}, 6)
}

func benchGet(b *testing.B, path string) {
	f := scheme(b)
	req, _ := http.NewRequest("GET", f.server.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+f.token)
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %s", path, resp.Status)
		}
	}
}

// BenchmarkItemSearchHTTP is the same item search through the JSON API over loopback.
func BenchmarkItemSearchHTTP(b *testing.B) { benchGet(b, "/api/registers/items?q=medicine+12") }

// BenchmarkFacilitySearchHTTP is the facility search through the JSON API over loopback.
func BenchmarkFacilitySearchHTTP(b *testing.B) {
	benchGet(b, "/api/registers/health-facilities?level=H")
}
