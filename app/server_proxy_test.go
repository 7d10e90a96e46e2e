package app_test

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// restLoginFrom posts the REST login with extra headers, as a reverse proxy forwards it.
func restLoginFrom(t *testing.T, e *webtest.Env, headers map[string]string, login, password string) webtest.Response {
	t.Helper()
	h := map[string]string{"Content-Type": "application/json"}
	for k, v := range headers {
		h[k] = v
	}
	return e.Do(t, nil, http.MethodPost, "/rest/api/login", h, `{"UserName":`+webtest.Quote(login)+`,"Password":`+webtest.Quote(password)+`}`)
}

func xff(addr string) map[string]string { return map[string]string{"X-Forwarded-For": addr} }

// TestSuccessfulLoginsNotLimited checks that a busy office behind one address is not held to
// ten logins a minute: only failed attempts use up the budget, on every login path.
func TestSuccessfulLoginsNotLimited(t *testing.T) {
	e := webtest.NewEnv(t, false)
	e.AddUser(t, "Busy", "right-password", []string{"Clerk"}, nil)
	for i := range 10 {
		webtest.Check(t, fmt.Sprintf("REST login %d", i+1), restLoginFrom(t, e, nil, "Busy", "right-password"), http.StatusOK, "access_token")
		webtest.Check(t, fmt.Sprintf("form login %d", i+1), e.FormLoginWith(t, nil, "Busy", "right-password"), http.StatusSeeOther)
		r := e.Rest(t, "", http.MethodPost, "/rest/api/validate/credentials", `{"UserID":"Busy","Password":"right-password"}`)
		webtest.Check(t, fmt.Sprintf("credentials check %d", i+1), r, http.StatusOK, `"success":true`)
	}
	// The failures' budget is still whole.
	for i := range 10 {
		webtest.Check(t, fmt.Sprintf("failure %d", i+1), restLoginFrom(t, e, nil, "Busy", "wrong-password"), http.StatusUnauthorized)
	}
	webtest.Check(t, "11th failure", restLoginFrom(t, e, nil, "Busy", "right-password"), http.StatusTooManyRequests)
}

// TestFailedLoginsLimitedPerAddressAndLogin checks, behind a trusted proxy, that failed attempts
// count against the client address the proxy names, so one client's failures do not lock out the
// others, and against the login name, so spreading guesses over addresses does not help.
func TestFailedLoginsLimitedPerAddressAndLogin(t *testing.T) {
	e := webtest.NewProxyEnv(t, "127.0.0.1, ::1")
	e.AddUser(t, "Target", "right-password", []string{"Clerk"}, nil)
	e.AddUser(t, "Other", "right-password", []string{"Clerk"}, nil)

	for i := range 10 {
		r := restLoginFrom(t, e, xff("198.51.100.7"), "Nobody"+strconv.Itoa(i), "guess")
		webtest.Check(t, fmt.Sprintf("failure %d from one address", i+1), r, http.StatusUnauthorized)
	}
	r := restLoginFrom(t, e, xff("198.51.100.7"), "Other", "right-password")
	webtest.Check(t, "11th attempt from that address", r, http.StatusTooManyRequests)
	if ra, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || ra < 1 || ra > 61 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	webtest.Check(t, "form login from that address", e.FormLoginWith(t, xff("198.51.100.7"), "Other", "right-password"), http.StatusTooManyRequests)
	// A client's own X-Forwarded-For entry, left of the one the proxy appended, changes nothing.
	webtest.Check(t, "spoofed entry", restLoginFrom(t, e, xff("192.0.2.99, 198.51.100.7"), "Other", "right-password"), http.StatusTooManyRequests)
	webtest.Check(t, "another address", restLoginFrom(t, e, xff("198.51.100.8"), "Other", "right-password"), http.StatusOK, "access_token")

	for i := range 10 {
		r := restLoginFrom(t, e, xff("203.0.113."+strconv.Itoa(i+1)), "Target", "guess")
		webtest.Check(t, fmt.Sprintf("failure %d against one login", i+1), r, http.StatusUnauthorized)
	}
	webtest.Check(t, "11th attempt against that login", restLoginFrom(t, e, xff("203.0.113.11"), "target", "guess"), http.StatusTooManyRequests)
	r = e.Rest(t, "", http.MethodPost, "/rest/api/validate/credentials", `{"UserID":"Target","Password":"guess"}`)
	webtest.Check(t, "credentials check of that login", r, http.StatusTooManyRequests)
	webtest.Check(t, "another login from a fresh address", restLoginFrom(t, e, xff("203.0.113.12"), "Other", "right-password"), http.StatusOK)

	// The Forwarded header names the same client as X-Forwarded-For does.
	fwd := map[string]string{"Forwarded": `for="[2001:db8:5::9]:4711";proto=https`}
	for i := range 10 {
		webtest.Check(t, fmt.Sprintf("Forwarded failure %d", i+1), restLoginFrom(t, e, fwd, "Nobody"+strconv.Itoa(i), "guess"), http.StatusUnauthorized)
	}
	webtest.Check(t, "same client by X-Forwarded-For", restLoginFrom(t, e, xff("2001:db8:5::9"), "Other", "right-password"), http.StatusTooManyRequests)
}

// TestForwardedHeadersOfUntrustedPeerIgnored checks that a client that is not a trusted proxy
// cannot escape the limit by naming other addresses.
func TestForwardedHeadersOfUntrustedPeerIgnored(t *testing.T) {
	e := webtest.NewProxyEnv(t, "192.0.2.1")
	e.AddUser(t, "Other", "right-password", []string{"Clerk"}, nil)
	for i := range 5 {
		webtest.Check(t, fmt.Sprintf("failure %d", i+1), restLoginFrom(t, e, xff("198.51.100."+strconv.Itoa(i+1)), "Nobody"+strconv.Itoa(i), "guess"), http.StatusUnauthorized)
		fwd := map[string]string{"Forwarded": "for=203.0.113." + strconv.Itoa(i+1)}
		webtest.Check(t, fmt.Sprintf("Forwarded failure %d", i+1), restLoginFrom(t, e, fwd, "Nobody"+strconv.Itoa(i+5), "guess"), http.StatusUnauthorized)
	}
	webtest.Check(t, "11th attempt from the peer", restLoginFrom(t, e, xff("198.51.100.200"), "Other", "right-password"), http.StatusTooManyRequests)
}

// TestSecureCookieBehindHTTPSProxy checks that the session and login-form cookies are Secure when
// a trusted proxy says the browser spoke HTTPS, and only then.
func TestSecureCookieBehindHTTPSProxy(t *testing.T) {
	behind := webtest.NewProxyEnv(t, "127.0.0.0/8, ::1")
	behind.AddUser(t, "Clerk1", "right-password", []string{"Clerk"}, nil)
	direct := webtest.NewEnv(t, false)
	direct.AddUser(t, "Clerk1", "right-password", []string{"Clerk"}, nil)

	cases := []struct {
		name    string
		e       *webtest.Env
		headers map[string]string
		secure  bool
	}{
		{"trusted proxy, X-Forwarded-Proto https", behind, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}, true},
		{"trusted proxy, Forwarded proto=https", behind, map[string]string{"Forwarded": "for=198.51.100.1;proto=https"}, true},
		{"trusted proxy, plain http", behind, map[string]string{"X-Forwarded-Proto": "http", "X-Forwarded-For": "198.51.100.1"}, false},
		{"trusted proxy, no header", behind, nil, false},
		{"untrusted peer says https", direct, map[string]string{"X-Forwarded-Proto": "https"}, false},
	}
	for _, c := range cases {
		page := c.e.Do(t, nil, http.MethodGet, "/login", c.headers, "")
		if found, secure := cookieSecure(page, "imis_login_csrf"); !found || secure != c.secure {
			t.Errorf("%s: login form cookie found %v, Secure %v", c.name, found, secure)
		}
		r := c.e.FormLoginWith(t, c.headers, "Clerk1", "right-password")
		webtest.Check(t, c.name, r, http.StatusSeeOther)
		if found, secure := cookieSecure(r, "imis_session"); !found || secure != c.secure {
			t.Errorf("%s: session cookie found %v, Secure %v", c.name, found, secure)
		}
	}
}

// cookieSecure reports whether the response sets a live cookie of that name, and whether it is
// Secure.
func cookieSecure(r webtest.Response, name string) (found, secure bool) {
	for _, c := range r.Resp.Cookies() {
		if c.Name == name && c.Value != "" && c.MaxAge >= 0 {
			return true, c.Secure
		}
	}
	return false, false
}
