package app_test

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
	"github.com/openimis-go/openimis/internal/webtest"
)

// TestRESTLogin covers the mobile apps' login as openIMIS's REST v3 API answers it.
func TestRESTLogin(t *testing.T) {
	e := webtest.NewEnv(t, true)
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
			e.Clock.Advance(7 * time.Second) // stay under the login rate limit
			r := e.Do(t, nil, http.MethodPost, c.path, jsonCT, c.body)
			webtest.Check(t, c.name, r, c.status, c.want...)
			if c.empty && r.Body != "" {
				t.Errorf("body %q, want empty", r.Body)
			}
			if c.status == 400 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", r.Header.Get("Content-Type"))
			}
			if !c.token || r.Status != 200 {
				return
			}
			m := webtest.Object(t, r.Body)
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
			want := e.Clock.Now().Add(auth.TokenLifetime)
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
			r := e.Do(t, nil, "GET", "/api/registers/items", map[string]string{"Authorization": a.header}, "")
			webtest.Check(t, a.name, r, a.status)
			if a.status == 200 && !strings.Contains(r.Body, `"I0001"`) {
				t.Errorf("items list lacks I0001: %.300s", r.Body)
			}
		})
	}

	t.Run("expired token", func(t *testing.T) {
		e.Clock.Advance(auth.TokenLifetime + time.Minute)
		r := e.Do(t, nil, "GET", "/api/registers/items", map[string]string{"Authorization": "bearer " + tok}, "")
		webtest.Check(t, "expired", r, 401)
	})
	t.Run("token of a deleted user", func(t *testing.T) {
		id := e.AddUser(t, "ShortLived", "password-1", []string{"Clerk"}, []string{"R1D1"})
		utok := e.Token(t, "ShortLived", "password-1")
		admin := e.Token(t, "Admin", "admin123")
		if r := e.API(t, utok, "GET", "/api/registers/users/"+id.String(), ""); r.Status != 403 {
			t.Errorf("clerk reading users: %d", r.Status)
		}
		r := e.API(t, admin, "GET", "/api/registers/users/"+id.String(), "")
		webtest.Check(t, "get user", r, 200)
		v := webtest.Object(t, r.Body)["version"].(interface{ String() string }).String()
		webtest.Check(t, "delete user", e.API(t, admin, "DELETE", "/api/registers/users/"+id.String()+"?version="+v, ""), 204)
		// A user loaded for a token is reused for a few seconds; after that the token is refused.
		e.Clock.Advance(6 * time.Second)
		webtest.Check(t, "token after delete", e.API(t, utok, "GET", "/api/registers/items", ""), 401)
		webtest.Check(t, "login after delete", e.RestLogin(t, `{"UserName":"ShortLived","Password":"password-1"}`), 401)
	})
}

// TestLockout checks that five wrong passwords lock a login on every interface until the
// lockout window has passed.
func TestLockout(t *testing.T) {
	e := webtest.NewEnv(t, false)
	e.AddUser(t, "Locky", "right-password", []string{"Clerk"}, nil)
	e.AddUser(t, "Other", "other-password", []string{"Clerk"}, nil)
	wrong := `{"UserName":"Locky","Password":"wrong-password"}`
	right := `{"UserName":"Locky","Password":"right-password"}`

	for i := 1; i <= 5; i++ {
		e.Clock.Advance(7 * time.Second)
		webtest.Check(t, "wrong password "+strconv.Itoa(i), e.RestLogin(t, wrong), 401)
	}
	e.Clock.Advance(7 * time.Second)
	r := e.RestLogin(t, right)
	webtest.Check(t, "right password while locked (REST)", r, 401)
	if r.Body != "" {
		t.Errorf("locked REST login body %q, want empty", r.Body)
	}

	e.Clock.Advance(7 * time.Second)
	b := e.NewBrowser(t)
	tok := b.LoginForm(t)
	r = b.Post(t, "/login", url.Values{"login": {"Locky"}, "password": {"right-password"}, "csrf_token": {tok}})
	webtest.Check(t, "right password while locked (form)", r, 401, "Wrong login name or password.")
	if hasCookie(r, "imis_session") {
		t.Error("a locked login got a session")
	}

	// The lockout is the login's, not the address's: another user still logs in.
	e.Token(t, "Other", "other-password")

	e.Clock.Advance(10 * time.Minute)
	webtest.Check(t, "still locked after 10 minutes", e.RestLogin(t, right), 401)

	e.Clock.Advance(6 * time.Minute)
	e.Token(t, "Locky", "right-password")
	e.Login(t, "Locky", "right-password")

	// A success clears the count: four more wrong passwords do not lock again.
	for i := 1; i <= 4; i++ {
		e.Clock.Advance(7 * time.Second)
		webtest.Check(t, "wrong again "+strconv.Itoa(i), e.RestLogin(t, wrong), 401)
	}
	e.Token(t, "Locky", "right-password")
}

// TestLockedLoginLooksLikeWrongPassword checks that a locked login answers exactly as a wrong
// password does, on the form and the REST login, so that nobody can tell which logins exist or are
// locked; the lockout still holds against the right password.
func TestLockedLoginLooksLikeWrongPassword(t *testing.T) {
	e := webtest.NewEnv(t, false)
	e.AddUser(t, "Locky", "right-password", []string{"Clerk"}, nil)
	b := e.NewBrowser(t)
	csrf := regexp.MustCompile(`name="csrf_token" value="[^"]*"`)
	form := func(password string) (int, string) {
		e.Clock.Advance(7 * time.Second)
		tok := b.LoginForm(t)
		r := b.Post(t, "/login", url.Values{"login": {"Locky"}, "password": {password}, "csrf_token": {tok}})
		if hasCookie(r, "imis_session") {
			t.Fatalf("login with %q got a session", password)
		}
		return r.Status, csrf.ReplaceAllString(r.Body, "")
	}
	wrongStatus, wrongBody := form("wrong-password")
	e.Clock.Advance(7 * time.Second)
	wrongREST := e.RestLogin(t, `{"UserName":"Locky","Password":"wrong-password"}`)
	for i := 0; i < 3; i++ {
		form("wrong-password")
	}
	lockedStatus, lockedBody := form("right-password")
	if lockedStatus != wrongStatus || lockedBody != wrongBody {
		t.Errorf("locked form login answers %d, a wrong password %d; bodies differ: %v", lockedStatus, wrongStatus, lockedBody != wrongBody)
	}
	e.Clock.Advance(7 * time.Second)
	lockedREST := e.RestLogin(t, `{"UserName":"Locky","Password":"right-password"}`)
	if lockedREST.Status != wrongREST.Status || lockedREST.Body != wrongREST.Body {
		t.Errorf("locked REST login answers %d %q, a wrong password %d %q", lockedREST.Status, lockedREST.Body, wrongREST.Status, wrongREST.Body)
	}
}

// hasCookie reports whether the response sets a live cookie of that name.
func hasCookie(r webtest.Response, name string) bool {
	for _, c := range r.Resp.Cookies() {
		if c.Name == name && c.Value != "" && c.MaxAge >= 0 {
			return true
		}
	}
	return false
}

// TestLoginRateLimit checks the per-address limit of ten login attempts a minute, shared by the
// REST and the form login.
func TestLoginRateLimit(t *testing.T) {
	e := webtest.NewEnv(t, false)
	e.AddUser(t, "Limited", "right-password", []string{"Clerk"}, nil)
	body := `{"UserName":"Nobody","Password":"whatever"}`
	for i := 1; i <= 10; i++ {
		e.Clock.Advance(time.Second)
		webtest.Check(t, "attempt "+strconv.Itoa(i), e.RestLogin(t, body), 401)
	}
	e.Clock.Advance(time.Second)
	r := e.RestLogin(t, `{"UserName":"Limited","Password":"right-password"}`)
	webtest.Check(t, "11th attempt", r, http.StatusTooManyRequests)
	ra, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > 61 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}

	b := e.NewBrowser(t)
	tok := b.LoginForm(t)
	r = b.Post(t, "/login", url.Values{"login": {"Limited"}, "password": {"right-password"}, "csrf_token": {tok}})
	webtest.Check(t, "form login over the limit", r, http.StatusTooManyRequests)
	if r.Header.Get("Retry-After") == "" {
		t.Error("form login 429 without Retry-After")
	}
	if hasCookie(r, "imis_session") {
		t.Error("rate-limited login got a session")
	}

	// The first attempt leaves the window 60 s after it was made.
	e.Clock.Advance(time.Duration(ra) * time.Second)
	r = e.RestLogin(t, `{"UserName":"Limited","Password":"right-password"}`)
	webtest.Check(t, "after Retry-After", r, 200, "access_token")
}

// TestBrowserSession covers the form login, the session cookie, CSRF checks and logout.
func TestBrowserSession(t *testing.T) {
	e := webtest.NewEnv(t, true)

	t.Run("login sets a safe session cookie", func(t *testing.T) {
		e.Clock.Advance(7 * time.Second)
		b := e.NewBrowser(t)
		tok := b.LoginForm(t)
		r := b.Post(t, "/login", url.Values{"login": {"Admin"}, "password": {"admin123"}, "csrf_token": {tok}})
		webtest.Check(t, "login", r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("Location %q, want /", loc)
		}
		var found bool
		for _, c := range r.Resp.Cookies() {
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
		webtest.Check(t, "home", b.Get(t, "/"), 200, "Admin")
	})

	csrfCases := []struct {
		name  string
		token func(good string) string
	}{
		{"no csrf token", func(string) string { return "" }},
		{"wrong csrf token", func(good string) string { return strings.Repeat("0", len(good)) }},
		{"token of another browser", func(string) string { return e.NewBrowser(t).LoginForm(t) }},
	}
	for _, c := range csrfCases {
		t.Run("login with "+c.name, func(t *testing.T) {
			b := e.NewBrowser(t)
			good := b.LoginForm(t)
			form := url.Values{"login": {"Admin"}, "password": {"admin123"}}
			if tok := c.token(good); tok != "" {
				form.Set("csrf_token", tok)
			}
			r := b.Post(t, "/login", form)
			webtest.Check(t, c.name, r, http.StatusForbidden)
			if hasCookie(r, "imis_session") {
				t.Error("session cookie set despite the CSRF failure")
			}
			if r := b.Get(t, "/"); r.Status != http.StatusSeeOther {
				t.Errorf("home after refused login: %d", r.Status)
			}
		})
	}

	t.Run("odd bytes in the login form", func(t *testing.T) {
		for _, login := range []string{"Ad\x00min", "Ad\xffmin"} {
			e.Clock.Advance(7 * time.Second)
			b := e.NewBrowser(t)
			tok := b.LoginForm(t)
			r := b.Post(t, "/login", url.Values{"login": {login}, "password": {"admin123"}, "csrf_token": {tok}})
			webtest.Check(t, "login "+webtest.Quote(login), r, http.StatusUnauthorized, "Wrong login name or password")
		}
	})

	t.Run("login form without the cookie", func(t *testing.T) {
		tok := e.NewBrowser(t).LoginForm(t)
		r := e.Do(t, nil, "POST", "/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			url.Values{"login": {"Admin"}, "password": {"admin123"}, "csrf_token": {tok}}.Encode())
		webtest.Check(t, "no cookie", r, http.StatusForbidden)
	})

	t.Run("wrong password on the form", func(t *testing.T) {
		e.Clock.Advance(7 * time.Second)
		b := e.NewBrowser(t)
		tok := b.LoginForm(t)
		r := b.Post(t, "/login", url.Values{"login": {"Admin"}, "password": {"wrong"}, "csrf_token": {tok}})
		webtest.Check(t, "wrong password", r, http.StatusUnauthorized, "Wrong login name or password", `value="Admin"`)
		if strings.Contains(r.Body, "wrong") {
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
			e.Clock.Advance(7 * time.Second)
			b := e.NewBrowser(t)
			tok := b.LoginForm(t)
			r := b.Post(t, "/login", url.Values{"login": {"Clerk"}, "password": {"demo123"}, "csrf_token": {tok}, "next": {next}})
			webtest.Check(t, "next "+next, r, http.StatusSeeOther)
			if loc := r.Header.Get("Location"); loc != want {
				t.Errorf("next %q: Location %q, want %q", next, loc, want)
			}
		}
	})

	admin := e.Login(t, "Admin", "admin123")
	facilities := func() int { return e.Total(t, e.Token(t, "Admin", "admin123"), "health-facilities") }
	before := facilities()
	form := url.Values{"code": {"CSRF01"}, "name": {"Forged"}, "legal_form": {"G"}, "level": {"D"},
		"location_id": {e.IDOf(t, imis.Locations, "R1D1").String()}, "care_type": {"O"}, "status": {"AC"}}

	t.Run("unsafe request without csrf token", func(t *testing.T) {
		webtest.Check(t, "no token", admin.Post(t, "/registers/health-facilities", form), http.StatusForbidden)
		f := url.Values{"csrf_token": {"forged"}}
		for k, v := range form {
			f[k] = v
		}
		webtest.Check(t, "wrong token", admin.Post(t, "/registers/health-facilities", f), http.StatusForbidden)
		r := e.Do(t, admin.Client, "POST", "/api/registers/health-facilities", map[string]string{"Content-Type": "application/json"},
			`{"code":"CSRF02","name":"Forged","legal_form":"G","level":"D","location_id":"R1D1","care_type":"O"}`)
		webtest.Check(t, "api with cookie and no header", r, http.StatusForbidden)
		if n := facilities(); n != before {
			t.Errorf("facilities %d, want %d: a forged request created one", n, before)
		}
	})

	t.Run("cross-site request with a valid token", func(t *testing.T) {
		f := url.Values{"csrf_token": {admin.CSRF}}
		for k, v := range form {
			f[k] = v
		}
		r := e.Do(t, admin.Client, "POST", "/registers/health-facilities", map[string]string{
			"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}, f.Encode())
		webtest.Check(t, "cross-site", r, http.StatusForbidden)
		if n := facilities(); n != before {
			t.Errorf("facilities %d, want %d", n, before)
		}
	})

	t.Run("api with cookie and csrf header", func(t *testing.T) {
		r := e.Do(t, admin.Client, "POST", "/api/registers/health-facilities", map[string]string{
			"Content-Type": "application/json", "X-CSRF-Token": admin.CSRF},
			`{"code":"CSRF03","name":"Header","legal_form":"G","level":"D","location_id":"R1D1","care_type":"O"}`)
		webtest.Check(t, "api with header", r, http.StatusCreated, `"CSRF03"`)
	})

	t.Run("logout ends the session", func(t *testing.T) {
		b := e.Login(t, "Clerk", "demo123")
		cookie := ""
		u := e.Server.URL + "/"
		req, _ := http.NewRequest("GET", u, nil)
		for _, c := range b.Client.Jar.Cookies(req.URL) {
			if c.Name == "imis_session" {
				cookie = c.Value
			}
		}
		if cookie == "" {
			t.Fatal("no session cookie in the jar")
		}
		webtest.Check(t, "logout without token", b.Post(t, "/logout", nil), http.StatusForbidden)
		webtest.Check(t, "still logged in", b.Get(t, "/"), 200)
		r := b.Submit(t, "/logout", nil)
		webtest.Check(t, "logout", r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/login" {
			t.Errorf("Location %q", loc)
		}
		old := map[string]string{"Cookie": "imis_session=" + cookie}
		webtest.Check(t, "old cookie on a page", e.Do(t, nil, "GET", "/", old, ""), http.StatusSeeOther)
		webtest.Check(t, "old cookie on the api", e.Do(t, nil, "GET", "/api/registers/items", old, ""), http.StatusUnauthorized)
	})

	t.Run("session expires", func(t *testing.T) {
		b := e.Login(t, "Clerk", "demo123")
		e.Clock.Advance(13 * time.Hour)
		webtest.Check(t, "after 13 hours", b.Get(t, "/"), http.StatusSeeOther)
	})
}
