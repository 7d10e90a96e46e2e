package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis/internal/webtest"
)

// TestPlatform covers what every deployment relies on before any register: the health check,
// the security headers on every kind of response, unknown paths and the static files.
func TestPlatform(t *testing.T) {
	e := webtest.NewEnv(t, false)
	e.AddUser(t, "Admin", "admin123", []string{"IMIS Administrator"}, nil)
	b := e.Login(t, "Admin", "admin123")
	tok := e.Token(t, "Admin", "admin123")
	auth := map[string]string{"Authorization": "Bearer " + tok}

	cases := []struct {
		name    string
		client  *http.Client
		method  string
		path    string
		headers map[string]string
		status  int
		body    string // a substring the body must hold
		ctype   string // a prefix the Content-Type must have
	}{
		{"health check", nil, "GET", "/healthz", nil, 200, "ok", ""},
		{"login page", nil, "GET", "/login", nil, 200, `name="csrf_token"`, "text/html"},
		{"home without session redirects", nil, "GET", "/", nil, 303, "", ""},
		{"unknown page", nil, "GET", "/no-such-page", nil, 404, "", ""},
		{"unknown page when logged in", b.Client, "GET", "/no-such-page", nil, 404, "", ""},
		{"unknown register page", b.Client, "GET", "/registers/no-such-register", nil, 404, "Not found", "text/html"},
		{"unknown api register", nil, "GET", "/api/registers/no-such-register", auth, 404, `"not_found"`, "application/json"},
		{"api without credentials", nil, "GET", "/api/registers/items", nil, 401, `"unauthorized"`, "application/json"},
		{"unknown rest endpoint", nil, "GET", "/rest/api/no-such-thing", nil, 404, `"error_occured":true`, "application/json"},
		{"stylesheet", nil, "GET", "/static/app.css", nil, 200, "", "text/css"},
		{"script", nil, "GET", "/static/htmx.min.js", nil, 200, "htmx", "text/javascript"},
		{"missing static file", nil, "GET", "/static/no-such-file.js", nil, 404, "", ""},
		{"static path escape", nil, "GET", "/static/..%2Ftemplates%2Flogin.html", nil, 404, "", ""},
		{"home page", b.Client, "GET", "/", nil, 200, "Admin", "text/html"},
		{"register list", b.Client, "GET", "/registers/locations", nil, 200, "<table", "text/html"},
		{"api list", nil, "GET", "/api/registers/locations", auth, 200, `"items"`, "application/json"},
		{"wrong method", nil, "DELETE", "/healthz", nil, 405, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.Do(t, c.client, c.method, c.path, c.headers, "")
			webtest.Check(t, c.name, r, c.status, c.body)
			if c.ctype != "" && !strings.HasPrefix(r.Header.Get("Content-Type"), c.ctype) {
				t.Errorf("Content-Type %q, want %s", r.Header.Get("Content-Type"), c.ctype)
			}
			checkSecurityHeaders(t, r.Header)
		})
	}

	t.Run("redirect keeps the requested page", func(t *testing.T) {
		r := e.Do(t, nil, "GET", "/registers/health-facilities?q=x", nil, "")
		webtest.Check(t, "redirect", r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/login?next="+url.QueryEscape("/registers/health-facilities?q=x") {
			t.Errorf("Location %q", loc)
		}
	})

	// The CSP forbids inline script and style, so the pages must not rely on either.
	t.Run("pages carry no inline script or style", func(t *testing.T) {
		inlineScript := regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>|<script(?:(?:\s[^>]*)?)>\s*</script>`)
		for _, path := range []string{"/", "/registers/locations", "/registers/health-facilities/new", "/tools/diagnoses-upload"} {
			r := b.Get(t, path)
			if r.Status != 200 {
				t.Fatalf("%s: %d", path, r.Status)
			}
			for _, s := range regexp.MustCompile(`<script[^>]*>`).FindAllString(r.Body, -1) {
				if !strings.Contains(s, "src=") {
					t.Errorf("%s: inline script %s", path, s)
				}
			}
			if m := inlineScript.FindString(r.Body); m != "" && !strings.Contains(m, "src=") {
				t.Errorf("%s: inline script %q", path, m)
			}
			if strings.Contains(r.Body, "<style") || regexp.MustCompile(`\sstyle="`).MatchString(r.Body) {
				t.Errorf("%s: inline style", path)
			}
			if regexp.MustCompile(`\son[a-z]+="`).MatchString(r.Body) {
				t.Errorf("%s: inline event handler", path)
			}
		}
	})
}

// checkSecurityHeaders asserts the headers that every response must carry.
func checkSecurityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			directives[f[0]] = strings.Join(f[1:], " ")
		}
	}
	if directives["script-src"] != "'self'" {
		t.Errorf("CSP script-src %q, want 'self' only (CSP %q)", directives["script-src"], csp)
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows unsafe sources: %q", csp)
	}
	if directives["frame-ancestors"] != "'none'" {
		t.Errorf("CSP frame-ancestors %q, want 'none'", directives["frame-ancestors"])
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", h.Get("X-Content-Type-Options"))
	}
	if h.Get("Referrer-Policy") == "" || h.Get("Referrer-Policy") == "unsafe-url" {
		t.Errorf("Referrer-Policy %q", h.Get("Referrer-Policy"))
	}
}

// TestNoStoreOnAuthenticatedAnswers checks that no answer holding a user's data may be kept by a
// browser or a shared cache, while the static files keep theirs.
func TestNoStoreOnAuthenticatedAnswers(t *testing.T) {
	e := webtest.NewEnv(t, false)
	e.AddUser(t, "Admin", "admin123", []string{"IMIS Administrator"}, nil)
	b := e.Login(t, "Admin", "admin123")
	tok := e.Token(t, "Admin", "admin123")
	e.Clock.Advance(7 * time.Second)
	login := e.RestLogin(t, `{"UserName":"Admin","Password":"admin123"}`)
	for _, c := range []struct {
		name string
		r    webtest.Response
	}{
		{"home page", b.Get(t, "/")},
		{"register page", b.Get(t, "/registers/locations")},
		{"JSON API with a session", b.Get(t, "/api/registers/locations")},
		{"JSON API with a token", e.API(t, tok, "GET", "/api/registers/locations", "")},
		{"REST v3 login", login},
		{"REST v3 after login", e.Rest(t, tok, "POST", "/rest/api/userinfo", "")},
	} {
		if c.r.Status != http.StatusOK || c.r.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d Cache-Control %q, want no-store", c.name, c.r.Status, c.r.Header.Get("Cache-Control"))
		}
	}
	if cc := e.Do(t, nil, "GET", "/static/app.css", nil, "").Header.Get("Cache-Control"); cc != "public, max-age=3600" {
		t.Errorf("static file Cache-Control %q", cc)
	}
}

// TestAPICrossOrigin checks that the JSON API refuses a session's unsafe request that the
// browser marks as coming from another site, as the forms do, even with the CSRF header; a
// bearer token is no browser credential and is not affected.
func TestAPICrossOrigin(t *testing.T) {
	e := webtest.NewEnv(t, false)
	e.AddUser(t, "Admin", "admin123", []string{"IMIS Administrator"}, nil)
	b := e.Login(t, "Admin", "admin123")
	tok := e.Token(t, "Admin", "admin123")
	body := `{"code":"XO1","name":"Cross","type":"R"}`
	session := func(extra map[string]string) webtest.Response {
		h := map[string]string{"X-CSRF-Token": b.CSRF, "Content-Type": "application/json"}
		for k, v := range extra {
			h[k] = v
		}
		return e.Do(t, b.Client, "POST", "/api/registers/locations", h, body)
	}
	webtest.Check(t, "cross-site fetch", session(map[string]string{"Sec-Fetch-Site": "cross-site"}), http.StatusForbidden, `"forbidden"`)
	webtest.Check(t, "foreign origin", session(map[string]string{"Origin": "https://evil.example"}), http.StatusForbidden, `"forbidden"`)
	webtest.Check(t, "bearer from anywhere", e.Do(t, nil, "POST", "/api/registers/locations",
		map[string]string{"Authorization": "Bearer " + tok, "Sec-Fetch-Site": "cross-site"}, body), http.StatusCreated)
	webtest.Check(t, "same origin", session(map[string]string{"Sec-Fetch-Site": "same-origin"}), http.StatusConflict)
}
