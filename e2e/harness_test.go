package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/openimis-go/openimis/app"
	"github.com/openimis-go/openimis/internal/testdb"
)

// actionTimeout bounds every single browser step, so that a missing element or a page that never
// loads fails the test with a message instead of hanging it until the go test deadline.
const actionTimeout = 15 * time.Second

// require stops a test that lacks something it needs: a failure in CI, where everything must be
// installed, and a skip that says why on a developer's machine.
func require(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if ok {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg + " (the test fails instead when CI=true)")
}

// chromiumPath is the browser to drive: IMIS_CHROMIUM, else Debian's package.
func chromiumPath() string {
	if p := os.Getenv("IMIS_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// lockedBuffer collects a server's output from its goroutine while a test may read it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startServer builds the demo scheme in a fresh database of the test and serves it in-process on
// a free port, exactly as `openimis demo` would; it returns the base URL. The server stops, and
// its database is removed, when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	dsn := testdb.NewDSN(t)
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() {
		err := app.Run(ctx, []string{"demo", "--db", dsn, "--addr", "127.0.0.1:0"},
			func(string) string { return "" }, strings.NewReader(""), outW, &stderr)
		outW.Close()
		done <- err
	}()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			stdout.Write(append(sc.Bytes(), '\n'))
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(io.Discard, outR)
	}()
	stopped := false
	t.Cleanup(func() {
		cancel()
		if stopped {
			return
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with an error: %v\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Errorf("server did not stop within 30 s")
		}
	})
	var base string
	select {
	case base = <-urls:
	case err := <-done:
		stopped = true
		t.Fatalf("demo server exited before listening: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("demo server printed no address within 60 s\nstderr:\n%s", stderr.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/healthz did not answer 200 within 10 s: %v", base, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base
}

// requireChromium returns the browser's path, or stops the test before it starts a server for
// nothing.
func requireChromium(t *testing.T) string {
	t.Helper()
	exe := chromiumPath()
	_, err := exec.LookPath(exe)
	require(t, err == nil, "no Chromium at %s (set IMIS_CHROMIUM, or apt-get install chromium): %v", exe, err)
	return exe
}

// tab is one browser tab on one server, with the steps a person takes: open a page, type, choose,
// click, read. Every step fails the test on error.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
}

// newTab starts a headless Chromium of the test's own (half a second), so that tests share no
// cookies or state and every process is gone when the test ends.
func newTab(t *testing.T, base string) *tab {
	t.Helper()
	exe := requireChromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("password-store", "basic"),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	b := &tab{t: t, ctx: ctx, base: base}
	// The first run starts the browser; it must not carry a timeout, which would end the browser.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return b
}

// run runs one browser action under the step timeout.
func run[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v (page %s)", what, err, b.where())
	}
	return v
}

// where names the current page for failure messages, without failing itself.
func (b *tab) where() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}

// open loads a path of the server and returns the HTTP status of the document.
func (b *tab) open(path string) int {
	b.t.Helper()
	resp := run(b, "open "+path, chromedp.NavigateResponse(b.base+path))
	return int(resp.Status)
}

// click clicks an element that loads a page (a link or a submit button), waits for that page and
// returns its HTTP status.
func (b *tab) click(sel string) int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s: %v (page %s)", sel, err, b.where())
	}
	return int(resp.Status)
}

// typeText types into a text field as a keyboard would, after emptying it.
func (b *tab) typeText(sel, text string) {
	b.t.Helper()
	run(b, "clear "+sel, chromedp.Clear(chromedp.CSS(sel)))
	run(b, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

// js quotes a Go string as a JavaScript string literal.
func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	return run(b, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// choose picks the option of a select whose visible text is label (or, failing that, contains
// it), and fires the events a person's choice fires.
func (b *tab) choose(sel, label string) {
	b.t.Helper()
	problem := eval[string](b, fmt.Sprintf(`(() => {
		const s = document.querySelector(%s);
		if (!s) return "no such select";
		const opts = [...s.options];
		const o = opts.find(o => o.text.trim() === %[2]s) || opts.find(o => o.text.includes(%[2]s));
		if (!o) return "no option " + %[2]s + " among: " + opts.map(o => o.text.trim()).join(" | ");
		s.focus();
		s.value = o.value;
		s.dispatchEvent(new Event("input", {bubbles: true}));
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return "";
	})()`, js(sel), js(label)))
	if problem != "" {
		b.t.Fatalf("choose %q in %s: %s (page %s)", label, sel, problem, b.where())
	}
}

// setValue sets a field that has no sensible keyboard path, such as a date picker.
func (b *tab) setValue(sel, value string) {
	b.t.Helper()
	ok := eval[bool](b, fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (!e) return false;
		e.value = %s; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`,
		js(sel), js(value)))
	if !ok {
		b.t.Fatalf("set %s: no such element (page %s)", sel, b.where())
	}
}

// text is the visible text of the first element matching sel, or "" when there is none.
func (b *tab) text(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%s)?.innerText ?? "").trim()`, js(sel)))
}

// texts is the visible text of every element matching sel.
func (b *tab) texts(sel string) []string {
	b.t.Helper()
	return eval[[]string](b, fmt.Sprintf(`[...document.querySelectorAll(%s)].map(e => e.innerText.trim())`, js(sel)))
}

// count is how many elements match sel.
func (b *tab) count(sel string) int {
	b.t.Helper()
	return eval[int](b, fmt.Sprintf(`document.querySelectorAll(%s).length`, js(sel)))
}

// path is the current path and query, as the address bar shows them.
func (b *tab) path() string {
	b.t.Helper()
	return eval[string](b, `location.pathname + location.search`)
}

// waitFor polls a JavaScript condition from Go (the page's CSP forbids the browser-side
// polling helpers, which compile code at run time) and fails the test if it stays false.
func (b *tab) waitFor(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(actionTimeout)
	for {
		ok := eval[bool](b, "!!("+cond+")")
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited %s for %s (page %s)", actionTimeout, what, b.where())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// login fills the login form and returns the HTTP status of the page it leads to.
func (b *tab) login(login, password string) int {
	b.t.Helper()
	if st := b.open("/login"); st != http.StatusOK {
		b.t.Fatalf("GET /login answered %d", st)
	}
	b.typeText("#login", login)
	b.typeText("#password", password)
	return b.click("form[action='/login'] button[type=submit]")
}

// screenshot saves a full-page PNG when IMIS_E2E_SCREENSHOTS names a directory, for a person
// to judge the layout; without it nothing is written.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("IMIS_E2E_SCREENSHOTS")
	if dir == "" {
		return
	}
	png := run(b, "screenshot", chromedp.FullScreenshot(100))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// apiClient calls the JSON API with a bearer token, as a program integrating with the scheme
// would.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

// apiLogin logs in through the mobile REST login (one of the server's ten login attempts per
// minute) and returns a client holding the token.
func apiLogin(t *testing.T, base, login, password string) *apiClient {
	t.Helper()
	c := &apiClient{t: t, base: base}
	st, body := c.call(http.MethodPost, "/rest/api/login", map[string]string{"UserName": login, "Password": password})
	if st != http.StatusOK {
		t.Fatalf("REST login as %s: %d %s", login, st, body)
	}
	var out struct {
		Token string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Token == "" {
		t.Fatalf("REST login as %s: no access_token in %s (%v)", login, body, err)
	}
	c.token = out.Token
	return c
}

// call sends a JSON request and returns the status and the body.
func (c *apiClient) call(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil && !errors.Is(err, io.EOF) {
		c.t.Fatal(err)
	}
	return resp.StatusCode, out
}

// createUser creates a user through the API, with roles by name and districts by code.
func (c *apiClient) createUser(login, password string, roles, districts []string) {
	c.t.Helper()
	body := map[string]any{"login": login, "last_name": login, "other_names": "Test", "language": "en", "password": password}
	var rs, ds []map[string]string
	for _, r := range roles {
		rs = append(rs, map[string]string{"role_id": r})
	}
	for _, d := range districts {
		ds = append(ds, map[string]string{"location_id": d})
	}
	body["roles"], body["districts"] = rs, ds
	if st, out := c.call(http.MethodPost, "/api/registers/users", body); st != http.StatusCreated {
		c.t.Fatalf("creating user %s: %d %s", login, st, out)
	}
}

// listing is the JSON API's answer to a search.
type listing struct {
	Total int              `json:"total"`
	Items []map[string]any `json:"items"`
}

// list searches a register through the API.
func (c *apiClient) list(reg, query string) listing {
	c.t.Helper()
	st, body := c.call(http.MethodGet, "/api/registers/"+reg+"?"+query, nil)
	if st != http.StatusOK {
		c.t.Fatalf("GET /api/registers/%s?%s: %d %s", reg, query, st, body)
	}
	var l listing
	if err := json.Unmarshal(body, &l); err != nil {
		c.t.Fatalf("GET /api/registers/%s: %v in %s", reg, err, body)
	}
	return l
}

// idOf returns the id of the record of reg with the given code, looked up through the API.
func (c *apiClient) idOf(reg, code string) string {
	c.t.Helper()
	l := c.list(reg, "q="+code)
	for _, it := range l.Items {
		if it["code"] == code {
			if id, ok := it["id"].(string); ok {
				return id
			}
		}
	}
	c.t.Fatalf("no %s with code %s in %d results", reg, code, l.Total)
	return ""
}

// pickPlace types letters into a place picker, moves to the option that begins with place with the
// arrow keys and takes it with Enter, as a person at the keyboard would. It returns the id the
// field will post.
func (b *tab) pickPlace(sel, letters, place string) string {
	b.t.Helper()
	b.waitFor("the place picker "+sel, fmt.Sprintf(`document.querySelector(%s)?.getAttribute("role") === "combobox"`, js(sel)))
	b.retype(sel, letters)
	b.waitFor(place+" among the places offered", fmt.Sprintf(`%s.some(t => t.startsWith(%s))`, placeOptions(sel), js(place)))
	b.keyToOption(sel, place)
	run(b, "Enter on "+place, chromedp.SendKeys(sel, kb.Enter))
	b.waitFor("the list to close", fmt.Sprintf(`document.querySelector(%s).getAttribute("aria-expanded") === "false"`, js(sel)))
	return eval[string](b, fmt.Sprintf(`document.querySelector(%s).parentElement.querySelector("input[type=hidden]").value`, js(sel)))
}

// retype replaces the text of a box by keyboard: everything selected and deleted, then the new
// text typed. (chromedp.Clear resets the value attribute, which no longer shows once a person or a
// script has changed the box.)
func (b *tab) retype(sel, text string) {
	b.t.Helper()
	if eval[bool](b, fmt.Sprintf(`(() => { const e = document.querySelector(%s); e.focus(); e.select(); return e.value !== ""; })()`, js(sel))) {
		run(b, "delete the text of "+sel, chromedp.SendKeys(sel, kb.Backspace))
	}
	if text != "" {
		run(b, "type into "+sel, chromedp.SendKeys(sel, text))
	}
}

// keyToOption presses the down arrow until the active option of the open place list begins
// with text.
func (b *tab) keyToOption(sel, text string) {
	b.t.Helper()
	for range 30 {
		if strings.HasPrefix(b.activeOption(sel), text) {
			return
		}
		run(b, "arrow down", chromedp.SendKeys(sel, kb.ArrowDown))
	}
	b.t.Fatalf("no option %q in %q (page %s)", text, eval[[]string](b, placeOptions(sel)), b.where())
}

// activeOption is the text of the option a place picker's aria-activedescendant names.
func (b *tab) activeOption(sel string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(() => { const id = document.querySelector(%s).getAttribute("aria-activedescendant");
		return id ? document.getElementById(id).innerText.trim() : ""; })()`, js(sel)))
}

// placeOptions is a JavaScript expression: the texts of a place picker's options.
func placeOptions(sel string) string {
	return fmt.Sprintf(`[...document.getElementById(document.querySelector(%s).getAttribute("aria-controls")).querySelectorAll("[role=option]")].map(o => o.innerText.trim())`, js(sel))
}
