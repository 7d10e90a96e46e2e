package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
)

// TestRESTLogin covers the mobile apps' login as openIMIS's REST v3 API answers it.
func TestRESTLogin(t *testing.T) {
	e := newEnv(t, true)
	jsonCT := map[string]string{"Content-Type": "application/json"}

	cases := []struct {
		name   string
		path   string
		body   string
		status int
		want   []string // body substrings
		empty  bool     // the body must be empty
		token  bool     // a token must come back
	}{
		{"documented keys", "/rest/api/login", `{"UserName":"Admin","Password":"admin123"}`, 200, nil, false, true},
		{"keys in lower case", "/rest/api/login", `{"username":"Admin","password":"admin123"}`, 200, nil, false, true},
		{"keys in odd case", "/rest/api/login", `{"USERNAME":"Admin","pAsSwOrD":"admin123"}`, 200, nil, false, true},
		{"path in mixed case with slash", "/rest/api/Login/", `{"UserName":"Admin","Password":"admin123"}`, 200, nil, false, true},
		{"whole path in upper case", "/REST/API/LOGIN", `{"UserName":"Admin","Password":"admin123"}`, 200, nil, false, true},
		{"wrong password", "/rest/api/login", `{"UserName":"Admin","Password":"nope"}`, 401, nil, true, false},
		{"unknown user", "/rest/api/login", `{"UserName":"Nobody","Password":"admin123"}`, 401, nil, true, false},
		{"malformed JSON", "/rest/api/login", `{"UserName":"Admin",`, 400, []string{`"error_occured":true`, `"error_message":"`}, false, false},
		{"not an object", "/rest/api/login", `["Admin","admin123"]`, 400, []string{`"error_occured":true`}, false, false},
		{"missing password", "/rest/api/login", `{"UserName":"Admin"}`, 400, []string{`"error_occured":true`, "Password"}, false, false},
		{"missing user name", "/rest/api/login", `{"Password":"admin123"}`, 400, []string{`"error_occured":true`, "UserName"}, false, false},
		{"password not a string", "/rest/api/login", `{"UserName":"Admin","Password":123}`, 400, []string{"Password"}, false, false},
		{"null body", "/rest/api/login", `null`, 400, []string{`"error_occured":true`}, false, false},
		{"NUL in the user name", "/rest/api/login", `{"UserName":"Ad\u0000min","Password":"admin123"}`, 401, nil, true, false},
		{"bytes that are not UTF-8", "/rest/api/login", "{\"UserName\":\"Admin\",\"Password\":\"admin\xff123\"}", 401, nil, true, false},
	}
	var tokens []string
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.clk.Advance(7 * time.Second) // stay under the login rate limit
			r := e.do(t, nil, http.MethodPost, c.path, jsonCT, c.body)
			check(t, c.name, r, c.status, c.want...)
			if c.empty && r.body != "" {
				t.Errorf("body %q, want empty", r.body)
			}
			if c.status == 400 && !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
			}
			if !c.token || r.status != 200 {
				return
			}
			m := object(t, r.body)
			tok, _ := m["access_token"].(string)
			if strings.Count(tok, ".") != 2 {
				t.Fatalf("access_token %q is not a JWT", tok)
			}
			raw, _ := m["expires_on"].(string)
			if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$`).MatchString(raw) {
				t.Errorf("expires_on %q is not ISO 8601 with a numeric offset", raw)
			}
			exp, err := time.Parse(time.RFC3339, raw)
			if err != nil {
				t.Fatalf("expires_on %q: %v", raw, err)
			}
			want := e.clk.Now().Add(auth.TokenLifetime)
			if d := exp.Sub(want); d < -time.Second || d > time.Second {
				t.Errorf("expires_on %v, want %v (five days ahead)", exp, want)
			}
			tokens = append(tokens, tok)
		})
	}
	if len(tokens) == 0 {
		t.Fatal("no token issued")
	}
	tok := tokens[0]

	auths := []struct {
		name   string
		header string
		status int
	}{
		{"bearer in lower case", "bearer " + tok, 200},
		{"Bearer as documented", "Bearer " + tok, 200},
		{"BEARER with extra spaces", "BEARER   " + tok + "  ", 200},
		{"no scheme", tok, 401},
		{"other scheme", "Basic " + tok, 401},
		{"garbage token", "bearer not.a.token", 401},
		{"tampered token", "bearer " + tok[:len(tok)-3] + "abc", 401},
		{"empty token", "bearer ", 401},
	}
	for _, a := range auths {
		t.Run(a.name, func(t *testing.T) {
			r := e.do(t, nil, "GET", "/api/registers/items", map[string]string{"Authorization": a.header}, "")
			check(t, a.name, r, a.status)
			if a.status == 200 && !strings.Contains(r.body, `"I0001"`) {
				t.Errorf("items list lacks I0001: %.300s", r.body)
			}
		})
	}

	t.Run("expired token", func(t *testing.T) {
		e.clk.Advance(auth.TokenLifetime + time.Minute)
		r := e.do(t, nil, "GET", "/api/registers/items", map[string]string{"Authorization": "bearer " + tok}, "")
		check(t, "expired", r, 401)
	})
	t.Run("token of a deleted user", func(t *testing.T) {
		id := e.addUser(t, "ShortLived", "password-1", []string{"Clerk"}, []string{"R1D1"})
		utok := e.token(t, "ShortLived", "password-1")
		admin := e.token(t, "Admin", "admin123")
		if r := e.api(t, utok, "GET", "/api/registers/users/"+id.String(), ""); r.status != 403 {
			t.Errorf("clerk reading users: %d", r.status)
		}
		r := e.api(t, admin, "GET", "/api/registers/users/"+id.String(), "")
		check(t, "get user", r, 200)
		v := object(t, r.body)["version"].(interface{ String() string }).String()
		check(t, "delete user", e.api(t, admin, "DELETE", "/api/registers/users/"+id.String()+"?version="+v, ""), 204)
		// A user loaded for a token is reused for a few seconds; after that the token is refused.
		e.clk.Advance(6 * time.Second)
		check(t, "token after delete", e.api(t, utok, "GET", "/api/registers/items", ""), 401)
		check(t, "login after delete", e.restLogin(t, `{"UserName":"ShortLived","Password":"password-1"}`), 401)
	})
}

// TestLockout checks that five wrong passwords lock a login on every interface until the
// lockout window has passed.
func TestLockout(t *testing.T) {
	e := newEnv(t, false)
	e.addUser(t, "Locky", "right-password", []string{"Clerk"}, nil)
	e.addUser(t, "Other", "other-password", []string{"Clerk"}, nil)
	wrong := `{"UserName":"Locky","Password":"wrong-password"}`
	right := `{"UserName":"Locky","Password":"right-password"}`

	for i := 1; i <= 5; i++ {
		e.clk.Advance(7 * time.Second)
		check(t, "wrong password "+strconv.Itoa(i), e.restLogin(t, wrong), 401)
	}
	e.clk.Advance(7 * time.Second)
	r := e.restLogin(t, right)
	check(t, "right password while locked (REST)", r, 401)
	if r.body != "" {
		t.Errorf("locked REST login body %q, want empty", r.body)
	}

	e.clk.Advance(7 * time.Second)
	b := e.newBrowser(t)
	tok := b.loginForm(t)
	r = b.post(t, "/login", url.Values{"login": {"Locky"}, "password": {"right-password"}, "csrf_token": {tok}})
	check(t, "right password while locked (form)", r, 401, "locked")
	if hasCookie(r, "imis_session") {
		t.Error("a locked login got a session")
	}

	// The lockout is the login's, not the address's: another user still logs in.
	e.token(t, "Other", "other-password")

	e.clk.Advance(10 * time.Minute)
	check(t, "still locked after 10 minutes", e.restLogin(t, right), 401)

	e.clk.Advance(6 * time.Minute)
	e.token(t, "Locky", "right-password")
	e.login(t, "Locky", "right-password")

	// A success clears the count: four more wrong passwords do not lock again.
	for i := 1; i <= 4; i++ {
		e.clk.Advance(7 * time.Second)
		check(t, "wrong again "+strconv.Itoa(i), e.restLogin(t, wrong), 401)
	}
	e.token(t, "Locky", "right-password")
}

// hasCookie reports whether the response sets a live cookie of that name.
func hasCookie(r response, name string) bool {
	for _, c := range r.resp.Cookies() {
		if c.Name == name && c.Value != "" && c.MaxAge >= 0 {
			return true
		}
	}
	return false
}

// TestLoginRateLimit checks the per-address limit of ten login attempts a minute, shared by the
// REST and the form login.
func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, false)
	e.addUser(t, "Limited", "right-password", []string{"Clerk"}, nil)
	body := `{"UserName":"Nobody","Password":"whatever"}`
	for i := 1; i <= 10; i++ {
		e.clk.Advance(time.Second)
		check(t, "attempt "+strconv.Itoa(i), e.restLogin(t, body), 401)
	}
	e.clk.Advance(time.Second)
	r := e.restLogin(t, `{"UserName":"Limited","Password":"right-password"}`)
	check(t, "11th attempt", r, http.StatusTooManyRequests)
	ra, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 61 {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}

	b := e.newBrowser(t)
	tok := b.loginForm(t)
	r = b.post(t, "/login", url.Values{"login": {"Limited"}, "password": {"right-password"}, "csrf_token": {tok}})
	check(t, "form login over the limit", r, http.StatusTooManyRequests)
	if r.header.Get("Retry-After") == "" {
		t.Error("form login 429 without Retry-After")
	}
	if hasCookie(r, "imis_session") {
		t.Error("rate-limited login got a session")
	}

	// The first attempt leaves the window 60 s after it was made.
	e.clk.Advance(time.Duration(ra) * time.Second)
	r = e.restLogin(t, `{"UserName":"Limited","Password":"right-password"}`)
	check(t, "after Retry-After", r, 200, "access_token")
}

// TestBrowserSession covers the form login, the session cookie, CSRF checks and logout.
func TestBrowserSession(t *testing.T) {
	e := newEnv(t, true)

	t.Run("login sets a safe session cookie", func(t *testing.T) {
		e.clk.Advance(7 * time.Second)
		b := e.newBrowser(t)
		tok := b.loginForm(t)
		r := b.post(t, "/login", url.Values{"login": {"Admin"}, "password": {"admin123"}, "csrf_token": {tok}})
		check(t, "login", r, http.StatusSeeOther)
		if loc := r.header.Get("Location"); loc != "/" {
			t.Errorf("Location %q, want /", loc)
		}
		var found bool
		for _, c := range r.resp.Cookies() {
			if c.Name != "imis_session" {
				continue
			}
			found = true
			if !c.HttpOnly {
				t.Error("session cookie is not HttpOnly")
			}
			if c.SameSite != http.SameSiteLaxMode {
				t.Errorf("session cookie SameSite %v, want Lax", c.SameSite)
			}
			if c.Path != "/" || len(c.Value) < 32 {
				t.Errorf("session cookie path %q value length %d", c.Path, len(c.Value))
			}
		}
		if !found {
			t.Fatal("no imis_session cookie")
		}
		check(t, "home", b.get(t, "/"), 200, "Admin")
	})

	csrfCases := []struct {
		name  string
		token func(good string) string
	}{
		{"no csrf token", func(string) string { return "" }},
		{"wrong csrf token", func(good string) string { return strings.Repeat("0", len(good)) }},
		{"token of another browser", func(string) string { return e.newBrowser(t).loginForm(t) }},
	}
	for _, c := range csrfCases {
		t.Run("login with "+c.name, func(t *testing.T) {
			b := e.newBrowser(t)
			good := b.loginForm(t)
			form := url.Values{"login": {"Admin"}, "password": {"admin123"}}
			if tok := c.token(good); tok != "" {
				form.Set("csrf_token", tok)
			}
			r := b.post(t, "/login", form)
			check(t, c.name, r, http.StatusForbidden)
			if hasCookie(r, "imis_session") {
				t.Error("session cookie set despite the CSRF failure")
			}
			if r := b.get(t, "/"); r.status != http.StatusSeeOther {
				t.Errorf("home after refused login: %d", r.status)
			}
		})
	}

	t.Run("odd bytes in the login form", func(t *testing.T) {
		for _, login := range []string{"Ad\x00min", "Ad\xffmin"} {
			e.clk.Advance(7 * time.Second)
			b := e.newBrowser(t)
			tok := b.loginForm(t)
			r := b.post(t, "/login", url.Values{"login": {login}, "password": {"admin123"}, "csrf_token": {tok}})
			check(t, "login "+quote(login), r, http.StatusUnauthorized, "Wrong login name or password")
		}
	})

	t.Run("login form without the cookie", func(t *testing.T) {
		tok := e.newBrowser(t).loginForm(t)
		r := e.do(t, nil, "POST", "/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			url.Values{"login": {"Admin"}, "password": {"admin123"}, "csrf_token": {tok}}.Encode())
		check(t, "no cookie", r, http.StatusForbidden)
	})

	t.Run("wrong password on the form", func(t *testing.T) {
		e.clk.Advance(7 * time.Second)
		b := e.newBrowser(t)
		tok := b.loginForm(t)
		r := b.post(t, "/login", url.Values{"login": {"Admin"}, "password": {"wrong"}, "csrf_token": {tok}})
		check(t, "wrong password", r, http.StatusUnauthorized, "Wrong login name or password", `value="Admin"`)
		if strings.Contains(r.body, "wrong") {
			t.Error("the page echoes the password")
		}
	})

	t.Run("next is followed only on this site", func(t *testing.T) {
		for next, want := range map[string]string{
			"/registers/items?q=a": "/registers/items?q=a",
			"https://evil.example": "/",
			"//evil.example":       "/",
			"/\\evil.example":      "/",
			"/\t/evil.example":     "/",
			"/\n/evil.example":     "/",
			"/%09/evil.example":    "/%09/evil.example",
		} {
			e.clk.Advance(7 * time.Second)
			b := e.newBrowser(t)
			tok := b.loginForm(t)
			r := b.post(t, "/login", url.Values{"login": {"Clerk"}, "password": {"demo123"}, "csrf_token": {tok}, "next": {next}})
			check(t, "next "+next, r, http.StatusSeeOther)
			if loc := r.header.Get("Location"); loc != want {
				t.Errorf("next %q: Location %q, want %q", next, loc, want)
			}
		}
	})

	admin := e.login(t, "Admin", "admin123")
	facilities := func() int { return e.total(t, e.token(t, "Admin", "admin123"), "health-facilities") }
	before := facilities()
	form := url.Values{"code": {"CSRF01"}, "name": {"Forged"}, "legal_form": {"G"}, "level": {"D"},
		"location_id": {e.idOf(t, imis.Locations, "R1D1").String()}, "care_type": {"O"}, "status": {"AC"}}

	t.Run("unsafe request without csrf token", func(t *testing.T) {
		check(t, "no token", admin.post(t, "/registers/health-facilities", form), http.StatusForbidden)
		f := url.Values{"csrf_token": {"forged"}}
		for k, v := range form {
			f[k] = v
		}
		check(t, "wrong token", admin.post(t, "/registers/health-facilities", f), http.StatusForbidden)
		r := e.do(t, admin.c, "POST", "/api/registers/health-facilities", map[string]string{"Content-Type": "application/json"},
			`{"code":"CSRF02","name":"Forged","legal_form":"G","level":"D","location_id":"R1D1","care_type":"O"}`)
		check(t, "api with cookie and no header", r, http.StatusForbidden)
		if n := facilities(); n != before {
			t.Errorf("facilities %d, want %d: a forged request created one", n, before)
		}
	})

	t.Run("cross-site request with a valid token", func(t *testing.T) {
		f := url.Values{"csrf_token": {admin.csrf}}
		for k, v := range form {
			f[k] = v
		}
		r := e.do(t, admin.c, "POST", "/registers/health-facilities", map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}, f.Encode())
		check(t, "cross-site", r, http.StatusForbidden)
		if n := facilities(); n != before {
			t.Errorf("facilities %d, want %d", n, before)
		}
	})

	t.Run("api with cookie and csrf header", func(t *testing.T) {
		r := e.do(t, admin.c, "POST", "/api/registers/health-facilities", map[string]string{
			"Content-Type": "application/json", "X-CSRF-Token": admin.csrf},
			`{"code":"CSRF03","name":"Header","legal_form":"G","level":"D","location_id":"R1D1","care_type":"O"}`)
		check(t, "api with header", r, http.StatusCreated, `"CSRF03"`)
	})

	t.Run("logout ends the session", func(t *testing.T) {
		b := e.login(t, "Clerk", "demo123")
		cookie := ""
		u := e.ts.URL + "/"
		req, _ := http.NewRequest("GET", u, nil)
		for _, c := range b.c.Jar.Cookies(req.URL) {
			if c.Name == "imis_session" {
				cookie = c.Value
			}
		}
		if cookie == "" {
			t.Fatal("no session cookie in the jar")
		}
		check(t, "logout without token", b.post(t, "/logout", nil), http.StatusForbidden)
		check(t, "still logged in", b.get(t, "/"), 200)
		r := b.submit(t, "/logout", nil)
		check(t, "logout", r, http.StatusSeeOther)
		if loc := r.header.Get("Location"); loc != "/login" {
			t.Errorf("Location %q", loc)
		}
		old := map[string]string{"Cookie": "imis_session=" + cookie}
		check(t, "old cookie on a page", e.do(t, nil, "GET", "/", old, ""), http.StatusSeeOther)
		check(t, "old cookie on the api", e.do(t, nil, "GET", "/api/registers/items", old, ""), http.StatusUnauthorized)
	})

	t.Run("session expires", func(t *testing.T) {
		b := e.login(t, "Clerk", "demo123")
		e.clk.Advance(13 * time.Hour)
		check(t, "after 13 hours", b.get(t, "/"), http.StatusSeeOther)
	})
}
