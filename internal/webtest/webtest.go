// Package webtest is the harness of the HTTP tests: a real server over a real database, reached
// through a real socket, with a settable clock, browsers that log in through the form, bearer
// tokens from the REST login, and the checks the tests of every interface share.
package webtest

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/app"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// Clock is a settable time source shared by the store and the server, so that lockouts, token
// expiry, rate limits and record versions can be tested without waiting. It is locked because
// the server reads it from its own goroutines.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// BaseTime is where every test's clock starts: a fixed instant keeps dates in assertions stable.
var BaseTime = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// Env is one real server over one real database, reached through a real socket.
type Env struct {
	DB     *store.DB
	DSN    string // the database's, for a test that reaches it besides the server
	Server *httptest.Server
	Clock  *Clock
	client *http.Client
	logs   *SyncBuffer
	// proxies are the server's trusted reverse proxies.
	proxies []netip.Prefix
}

// SyncBuffer is an output that a running server or command writes while the test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *SyncBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *SyncBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// NewEnv starts a server over a fresh database; withDemo fills it with the demo scheme first.
func NewEnv(t *testing.T, withDemo bool) *Env {
	t.Helper()
	db, dsn := testdb.OpenDSN(t)
	clk := &Clock{t: BaseTime}
	db.Now = clk.Now
	if withDemo {
		if _, err := demo.Build(imis.SystemContext(context.Background()), db, demo.Options{Seed: 1}); err != nil {
			t.Fatal(err)
		}
	}
	e := &Env{DB: db, DSN: dsn, Clock: clk}
	e.startServer(t)
	return e
}

// EnrolFamilies is the size of the enrolled population of the enrolment screens' tests: enough
// for every policy state and for existing receipts, small enough to build fast.
const EnrolFamilies = 30

// NewEnrolEnv starts a server over a demo scheme with products and enrolled families, whose
// insurance numbers follow the demo's rule (nine digits, mod-7 check digit).
func NewEnrolEnv(t *testing.T) *Env {
	t.Helper()
	db, dsn := testdb.OpenDSN(t)
	clk := &Clock{t: BaseTime}
	db.Now = clk.Now
	if _, err := demo.Build(imis.SystemContext(context.Background()), db, demo.Options{Seed: 1, Families: EnrolFamilies}); err != nil {
		t.Fatal(err)
	}
	e := &Env{DB: db, DSN: dsn, Clock: clk}
	e.startServer(t)
	return e
}

// NewRestEnv starts a server over a demo scheme with families enrolled in it.
func NewRestEnv(t *testing.T, families int) *Env {
	t.Helper()
	db, dsn := testdb.OpenDSN(t)
	clk := &Clock{t: BaseTime}
	db.Now = clk.Now
	if _, err := demo.Build(imis.SystemContext(context.Background()), db, demo.Options{Seed: 1, Families: families}); err != nil {
		t.Fatal(err)
	}
	e := &Env{DB: db, DSN: dsn, Clock: clk}
	e.startServer(t)
	return e
}

// NewProxyEnv starts a server over an empty scheme that believes the forwarding headers of the
// peers in trustedProxies, a list as --trusted-proxies takes it. The tests' own requests come from
// 127.0.0.1, so trusting it puts the tests in a reverse proxy's place.
func NewProxyEnv(t *testing.T, trustedProxies string) *Env {
	t.Helper()
	proxies, err := httpx.ParseTrustedProxies(trustedProxies)
	if err != nil {
		t.Fatal(err)
	}
	db, dsn := testdb.OpenDSN(t)
	clk := &Clock{t: BaseTime}
	db.Now = clk.Now
	e := &Env{DB: db, DSN: dsn, Clock: clk, proxies: proxies}
	e.startServer(t)
	return e
}

// startServer (re)starts the HTTP server over the env's database, with its own rate limiter.
func (e *Env) startServer(t *testing.T) {
	t.Helper()
	e.logs = &SyncBuffer{}
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	h, err := app.NewHandler(context.Background(), log, e.DB, app.HandlerConfig{Now: e.Clock.Now, TrustedProxies: e.proxies})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(func() {
		ts.Close()
		if t.Failed() {
			if l := e.logs.String(); l != "" {
				t.Logf("server log:\n%s", l)
			}
		}
	})
	e.Server = ts
	e.client = &http.Client{CheckRedirect: noRedirect, Timeout: 30 * time.Second}
}

// noRedirect lets tests see redirects instead of following them.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Response is what a request came back with.
type Response struct {
	Status int
	Header http.Header
	Body   string
	Resp   *http.Response
}

// Do sends a request with the given headers; body may be empty.
func (e *Env) Do(t *testing.T, c *http.Client, method, path string, headers map[string]string, body string) Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.Server.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if c == nil {
		c = e.client
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Response{Status: res.StatusCode, Header: res.Header, Body: string(b), Resp: res}
}

// API calls the JSON API with a bearer token.
func (e *Env) API(t *testing.T, token, method, path, body string) Response {
	t.Helper()
	h := map[string]string{"Authorization": "bearer " + token, "Accept": "application/json"}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return e.Do(t, nil, method, path, h, body)
}

// Rest sends a REST v3 request with the apps' headers; token may be empty.
func (e *Env) Rest(t *testing.T, token, method, path, body string) Response {
	t.Helper()
	h := map[string]string{"Accept": "application/json", "api-version": "3"}
	if token != "" {
		h["Authorization"] = "bearer " + token
	}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return e.Do(t, nil, method, path, h, body)
}

// RestLogin posts the REST v3 login body and returns the response.
func (e *Env) RestLogin(t *testing.T, body string) Response {
	t.Helper()
	return e.Do(t, nil, http.MethodPost, "/rest/api/login", map[string]string{"Content-Type": "application/json"}, body)
}

// Token logs in through the REST API and returns the bearer token. It moves the clock on a
// little first, so that the logins a test makes never reach the per-address rate limit.
func (e *Env) Token(t *testing.T, login, password string) string {
	t.Helper()
	e.Clock.Advance(7 * time.Second)
	r := e.RestLogin(t, `{"UserName":`+Quote(login)+`,"Password":`+Quote(password)+`}`)
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: status %d body %q", login, r.Status, r.Body)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil || out.AccessToken == "" {
		t.Fatalf("login %s: body %q", login, r.Body)
	}
	return out.AccessToken
}

// Quote renders s as a JSON string.
func Quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Object decodes a JSON object, keeping numbers as json.Number so their type can be checked.
func Object(t *testing.T, body string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("not a JSON object: %v: %q", err, body)
	}
	return m
}

// ErrorFields returns the error.fields of a JSON API error body.
func ErrorFields(t *testing.T, body string) map[string]any {
	t.Helper()
	e, _ := Object(t, body)["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error object: %s", body)
	}
	f, _ := e["fields"].(map[string]any)
	return f
}

// Num returns a JSON number as int64, failing when the value is not a number.
func Num(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%#v (%T) is not a JSON number", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// RowsOf returns a child set of a decoded record.
func RowsOf(t *testing.T, rec map[string]any, name string) []map[string]any {
	t.Helper()
	list, ok := rec[name].([]any)
	if !ok {
		t.Fatalf("%s is %T, not an array", name, rec[name])
	}
	out := make([]map[string]any, len(list))
	for i, r := range list {
		out[i] = r.(map[string]any)
	}
	return out
}

// Rows returns the objects of the array under key.
func Rows(t *testing.T, m map[string]any, key string) []map[string]any {
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

// Check reports a mismatch of a status and, when want is not empty, of a body substring.
func Check(t *testing.T, what string, r Response, status int, want ...string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d; body %.600s", what, r.Status, status, Excerpt(r.Body))
		return
	}
	for _, w := range want {
		if !strings.Contains(r.Body, w) {
			t.Errorf("%s: body lacks %q: %.1500s", what, w, Excerpt(r.Body))
		}
	}
}

// Excerpt skips the layout of an HTML page, whose main part is what a failure needs to show.
func Excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		return body[i:]
	}
	return body
}

// FieldError returns the text of the error element the form shows beside an input, or "".
func FieldError(body, name string) string {
	re := regexp.MustCompile(`<p class="error" id="f-` + regexp.QuoteMeta(name) + `-err">([^<]*)</p>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}
