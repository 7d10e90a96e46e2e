package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// The helpers of the REST v3 contract tests: a demo scheme with an enrolled population, and
// requests sent as the mobile apps send them.

// restFamilies is the size of the enrolled population of the REST tests: every policy state
// occurs, and the build stays fast.
const restFamilies = 60

// officerLogin is the demo's enrolment officer of the first district, whose login is the
// officer's code (the openIMIS convention REST v3 relies on).
const (
	officerLogin    = "EO0101"
	officerPassword = "officer123"
)

// newRestEnv starts a server over a demo scheme with families enrolled in it.
func newRestEnv(t *testing.T, families int) *env {
	t.Helper()
	db := testdb.Open(t)
	clk := &clock{t: baseTime}
	db.Now = clk.Now
	if _, err := demo.Build(imis.SystemContext(context.Background()), db, demo.Options{Seed: 1, Families: families}); err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, clk: clk}
	e.startServer(t)
	return e
}

// rest sends a REST v3 request with the apps' headers; token may be empty.
func (e *env) rest(t *testing.T, token, method, path, body string) response {
	t.Helper()
	h := map[string]string{"Accept": "application/json", "api-version": "3"}
	if token != "" {
		h["Authorization"] = "bearer " + token
	}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return e.do(t, nil, method, path, h, body)
}

// userCtx is a context acting as the named user, to read the store as that user sees it.
func (e *env) userCtx(t *testing.T, login string) context.Context {
	t.Helper()
	ctx := context.Background()
	id, err := e.db.UserIDByLogin(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.db.LoadUser(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return imis.NewContextWithUser(ctx, u)
}

// records returns up to 500 current records of reg as ctx's user sees them, filtered.
func (e *env) records(t *testing.T, ctx context.Context, reg *imis.Register, fields map[string]string) ([]*store.Record, int) {
	t.Helper()
	recs, total, err := e.db.Find(ctx, reg, store.Filter{Fields: fields, Page: imis.Page{Size: 500}})
	if err != nil {
		t.Fatal(err)
	}
	return recs, total
}

// counts returns how many current families, insurees, policies and contributions exist.
func (e *env) counts(t *testing.T) [4]int {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	var out [4]int
	for i, reg := range []*imis.Register{imis.Families, imis.Insurees, imis.Policies, imis.Contributions} {
		_, n := e.records(t, ctx, reg, nil)
		out[i] = n
	}
	return out
}

// keysOf returns the sorted keys of a JSON object.
func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkKeys reports when a JSON object's keys are not exactly want.
func checkKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	w := slices.Clone(want)
	sort.Strings(w)
	if got := keysOf(m); !slices.Equal(got, w) {
		t.Errorf("%s keys\n got %v\nwant %v", what, got, w)
	}
}

// array decodes a JSON array of objects, numbers kept as json.Number.
func array(t *testing.T, body string) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var out []map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("not a JSON array of objects: %v: %.300q", err, body)
	}
	return out
}

// rows returns the objects of the array under key.
func rows(t *testing.T, m map[string]any, key string) []map[string]any {
	t.Helper()
	list, ok := m[key].([]any)
	if !ok {
		t.Fatalf("%s is not an array: %v", key, m[key])
	}
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		o, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s holds a non-object: %v", key, v)
		}
		out = append(out, o)
	}
	return out
}

// checkEmpty401 checks the REST v3 answer to a request without a valid token.
func checkEmpty401(t *testing.T, what string, r response) {
	t.Helper()
	if r.status != http.StatusUnauthorized || r.body != "" {
		t.Errorf("%s: status %d body %q, want 401 with an empty body", what, r.status, r.body)
	}
}

// checkEnvelope checks a REST v3 error envelope naming the field.
func checkEnvelope(t *testing.T, what string, r response, status int, field string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d; body %.300s", what, r.status, status, r.body)
		return
	}
	m := object(t, r.body)
	msg, _ := m["error_message"].(string)
	if m["error_occured"] != true || !strings.HasPrefix(msg, field+":") {
		t.Errorf("%s: body %s, want the error envelope naming %s", what, r.body, field)
	}
}
