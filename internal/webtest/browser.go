package webtest

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
	"time"
)

// Browser is a logged-in browser: its own cookie jar and the session's CSRF token.
type Browser struct {
	e      *Env
	Client *http.Client
	CSRF   string
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// NewBrowser returns a browser with an empty cookie jar.
func (e *Env) NewBrowser(t *testing.T) *Browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &Browser{e: e, Client: &http.Client{Jar: jar, CheckRedirect: noRedirect, Timeout: 30 * time.Second}}
}

// LoginForm fetches the login page and returns its CSRF token (the matching cookie is in the jar).
func (b *Browser) LoginForm(t *testing.T) string {
	t.Helper()
	r := b.Get(t, "/login")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /login: %d", r.Status)
	}
	m := csrfInput.FindStringSubmatch(r.Body)
	if m == nil || m[1] == "" {
		t.Fatalf("login page has no csrf_token: %s", r.Body)
	}
	return m[1]
}

// Login logs the browser in through the form and keeps the session's CSRF token.
func (e *Env) Login(t *testing.T, login, password string) *Browser {
	t.Helper()
	e.Clock.Advance(7 * time.Second)
	b := e.NewBrowser(t)
	tok := b.LoginForm(t)
	r := b.Post(t, "/login", url.Values{"login": {login}, "password": {password}, "csrf_token": {tok}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("form login %s: status %d", login, r.Status)
	}
	home := b.Get(t, "/")
	m := csrfInput.FindStringSubmatch(home.Body)
	if home.Status != http.StatusOK || m == nil {
		t.Fatalf("home after login: %d", home.Status)
	}
	b.CSRF = m[1]
	return b
}

// FormLoginWith logs in through the form, sending headers with both requests as a reverse proxy
// in front of the server would, and returns the answer to the form. It carries the form's cookie
// itself, since a cookie jar keeps a Secure cookie away from plain HTTP.
func (e *Env) FormLoginWith(t *testing.T, headers map[string]string, login, password string) Response {
	t.Helper()
	page := e.Do(t, nil, http.MethodGet, "/login", headers, "")
	m := csrfInput.FindStringSubmatch(page.Body)
	if page.Status != http.StatusOK || m == nil {
		t.Fatalf("GET /login: %d", page.Status)
	}
	post := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for k, v := range headers {
		post[k] = v
	}
	for _, c := range page.Resp.Cookies() {
		if c.Name == "imis_login_csrf" {
			post["Cookie"] = c.Name + "=" + c.Value
		}
	}
	form := url.Values{"login": {login}, "password": {password}, "csrf_token": {m[1]}}
	return e.Do(t, nil, http.MethodPost, "/login", post, form.Encode())
}

// Get fetches a page with the browser's cookies.
func (b *Browser) Get(t *testing.T, path string) Response {
	t.Helper()
	return b.e.Do(t, b.Client, http.MethodGet, path, nil, "")
}

// Post sends a urlencoded form as is (no CSRF token is added).
func (b *Browser) Post(t *testing.T, path string, form url.Values) Response {
	t.Helper()
	return b.e.Do(t, b.Client, http.MethodPost, path, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, form.Encode())
}

// Submit sends a form with the session's CSRF token.
func (b *Browser) Submit(t *testing.T, path string, form url.Values) Response {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("csrf_token", b.CSRF)
	return b.Post(t, path, f)
}

// Step posts the wizard at step n with action.
func (b *Browser) Step(t *testing.T, n int, action string, form url.Values) Response {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("step", fmt.Sprint(n))
	f.Set("action", action)
	return b.Submit(t, "/enrol", f)
}

// Upload posts a CSV file to the diagnoses upload form.
func (b *Browser) Upload(t *testing.T, csrf, name, content string) Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if csrf != "" {
		_ = w.WriteField("csrf_token", csrf)
	}
	if name != "" {
		fw, err := w.CreateFormFile("file", name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	w.Close()
	return b.e.Do(t, b.Client, http.MethodPost, "/tools/diagnoses-upload", map[string]string{"Content-Type": w.FormDataContentType()}, buf.String())
}

// UploadPhoto posts a photo as a browser's multipart form does.
func (b *Browser) UploadPhoto(t *testing.T, path string, data []byte) Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("csrf_token", b.CSRF); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("photo", "face.png")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return b.e.Do(t, b.Client, http.MethodPost, path, map[string]string{"Content-Type": mw.FormDataContentType()}, body.String())
}
