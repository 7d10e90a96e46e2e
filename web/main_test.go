package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
	"github.com/openimis-go/openimis/web"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// clock is a settable time source shared by the store and the server, so that lockouts, token
// expiry, rate limits and record versions can be tested without waiting. It is locked because
// the server reads it from its own goroutines.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// baseTime is where every test's clock starts: a fixed instant keeps dates in assertions stable.
var baseTime = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// env is one real server over one real database, reached through a real socket.
type env struct {
	db     *store.DB
	srv    *web.Server
	ts     *httptest.Server
	clk    *clock
	client *http.Client
	logs   *lockedBuffer
}

// lockedBuffer collects the server's log lines, which handlers write concurrently.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newEnv starts a server over a fresh database; withDemo fills it with the demo scheme first.
func newEnv(t *testing.T, withDemo bool) *env {
	t.Helper()
	db := testdb.Open(t)
	clk := &clock{t: baseTime}
	db.Now = clk.Now
	if withDemo {
		if _, err := demo.Build(imis.SystemContext(context.Background()), db, demo.Options{Seed: 1}); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{db: db, clk: clk}
	e.startServer(t)
	return e
}

// startServer (re)starts the HTTP server over the env's database, with its own rate limiter.
func (e *env) startServer(t *testing.T) {
	t.Helper()
	e.logs = &lockedBuffer{}
	log := slog.New(slog.NewTextHandler(e.logs, nil))
	srv, err := web.NewServer(context.Background(), log, e.db, web.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Now = e.clk.Now
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		ts.Close()
		if t.Failed() {
			if l := e.logs.String(); l != "" {
				t.Logf("server log:\n%s", l)
			}
		}
	})
	e.srv, e.ts = srv, ts
	e.client = &http.Client{CheckRedirect: noRedirect, Timeout: 30 * time.Second}
}

// noRedirect lets tests see redirects instead of following them.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// response is what a request came back with.
type response struct {
	status int
	header http.Header
	body   string
	resp   *http.Response
}

// do sends a request with the given headers; body may be empty.
func (e *env) do(t *testing.T, c *http.Client, method, path string, headers map[string]string, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
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
	return response{status: res.StatusCode, header: res.Header, body: string(b), resp: res}
}

// api calls the JSON API with a bearer token.
func (e *env) api(t *testing.T, token, method, path, body string) response {
	t.Helper()
	h := map[string]string{"Authorization": "bearer " + token, "Accept": "application/json"}
	if body != "" {
		h["Content-Type"] = "application/json"
	}
	return e.do(t, nil, method, path, h, body)
}

// restLogin posts the REST v3 login body and returns the response.
func (e *env) restLogin(t *testing.T, body string) response {
	t.Helper()
	return e.do(t, nil, http.MethodPost, "/rest/api/login", map[string]string{"Content-Type": "application/json"}, body)
}

// token logs in through the REST API and returns the bearer token. It moves the clock on a
// little first, so that the logins a test makes never reach the per-address rate limit.
func (e *env) token(t *testing.T, login, password string) string {
	t.Helper()
	e.clk.Advance(7 * time.Second)
	r := e.restLogin(t, `{"UserName":`+quote(login)+`,"Password":`+quote(password)+`}`)
	if r.status != http.StatusOK {
		t.Fatalf("login %s: status %d body %q", login, r.status, r.body)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil || out.AccessToken == "" {
		t.Fatalf("login %s: body %q", login, r.body)
	}
	return out.AccessToken
}

// quote renders s as a JSON string.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// browser is a logged-in browser: its own cookie jar and the session's CSRF token.
type browser struct {
	e    *env
	c    *http.Client
	csrf string
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// newBrowser returns a browser with an empty cookie jar.
func (e *env) newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: noRedirect, Timeout: 30 * time.Second}}
}

// loginForm fetches the login page and returns its CSRF token (the matching cookie is in the jar).
func (b *browser) loginForm(t *testing.T) string {
	t.Helper()
	r := b.get(t, "/login")
	if r.status != http.StatusOK {
		t.Fatalf("GET /login: %d", r.status)
	}
	m := csrfInput.FindStringSubmatch(r.body)
	if m == nil || m[1] == "" {
		t.Fatalf("login page has no csrf_token: %s", r.body)
	}
	return m[1]
}

// login logs the browser in through the form and keeps the session's CSRF token.
func (e *env) login(t *testing.T, login, password string) *browser {
	t.Helper()
	e.clk.Advance(7 * time.Second)
	b := e.newBrowser(t)
	tok := b.loginForm(t)
	r := b.post(t, "/login", url.Values{"login": {login}, "password": {password}, "csrf_token": {tok}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("form login %s: status %d", login, r.status)
	}
	home := b.get(t, "/")
	m := csrfInput.FindStringSubmatch(home.body)
	if home.status != http.StatusOK || m == nil {
		t.Fatalf("home after login: %d", home.status)
	}
	b.csrf = m[1]
	return b
}

// get fetches a page with the browser's cookies.
func (b *browser) get(t *testing.T, path string) response {
	t.Helper()
	return b.e.do(t, b.c, http.MethodGet, path, nil, "")
}

// post sends a urlencoded form as is (no CSRF token is added).
func (b *browser) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	return b.e.do(t, b.c, http.MethodPost, path, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form.Encode())
}

// submit sends a form with the session's CSRF token.
func (b *browser) submit(t *testing.T, path string, form url.Values) response {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf_token", b.csrf)
	return b.post(t, path, f)
}

// object decodes a JSON object, keeping numbers as json.Number so their type can be checked.
func object(t *testing.T, body string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("not a JSON object: %v: %q", err, body)
	}
	return m
}

// errorFields returns the error.fields of a JSON API error body.
func errorFields(t *testing.T, body string) map[string]any {
	t.Helper()
	e, _ := object(t, body)["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error object: %s", body)
	}
	f, _ := e["fields"].(map[string]any)
	return f
}

// total returns how many current records of a register the token's user sees.
func (e *env) total(t *testing.T, token, reg string) int {
	t.Helper()
	r := e.api(t, token, http.MethodGet, "/api/registers/"+reg+"?size=1", "")
	if r.status != http.StatusOK {
		t.Fatalf("count %s: %d %s", reg, r.status, r.body)
	}
	n, err := object(t, r.body)["total"].(json.Number).Int64()
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// idOf returns the id of the current record with the given code, as the system sees it.
func (e *env) idOf(t *testing.T, reg *imis.Register, code string) imis.ID {
	t.Helper()
	id, err := e.db.IDByCode(imis.SystemContext(context.Background()), reg, code)
	if err != nil {
		t.Fatalf("%s %s: %v", reg.Name, code, err)
	}
	return id
}

// addUser creates a user directly in the store, with roles by name and districts by code.
func (e *env) addUser(t *testing.T, login, password string, roles []string, districts []string) imis.ID {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	ids, err := e.db.RoleIDs(ctx, roles)
	if err != nil {
		t.Fatal(err)
	}
	children := map[string][]imis.Values{"roles": {}, "districts": {}}
	for _, id := range ids {
		children["roles"] = append(children["roles"], imis.Values{"role_id": id})
	}
	for _, d := range districts {
		children["districts"] = append(children["districts"], imis.Values{"location_id": e.idOf(t, imis.Locations, d)})
	}
	v, p := imis.Users.Parse(map[string]string{"login": login, "last_name": login, "other_names": "Test"}, true)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	v["password_hash"] = auth.HashPassword(password)
	rec, err := e.db.Create(ctx, imis.Users, v, children)
	if err != nil {
		t.Fatal(err)
	}
	return rec.ID
}

// check reports a mismatch of a status and, when want is not empty, of a body substring.
func check(t *testing.T, what string, r response, status int, want ...string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d; body %.600s", what, r.status, status, excerpt(r.body))
		return
	}
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Errorf("%s: body lacks %q: %.1500s", what, w, excerpt(r.body))
		}
	}
}

// excerpt skips the layout of an HTML page, whose main part is what a failure needs to show.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		return body[i:]
	}
	return body
}
