package app_test

import (
	"bufio"
	"context"
	"errors"
	"html"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/app"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/i18n"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// noEnv is an empty environment, so that a developer's OPENIMIS_* variables cannot change a test.
func noEnv(string) string { return "" }

// run runs the program to completion with the given standard input.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut webtest.SyncBuffer
	err = app.Run(context.Background(), args, noEnv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestVersionAndHelp checks the commands that only print, and that mistakes are errors, not silence.
func TestVersionAndHelp(t *testing.T) {
	out, _, err := run(t, "", "version")
	if err != nil || strings.TrimSpace(out) != "openimis "+imis.Version {
		t.Errorf("version: %q, %v", out, err)
	}
	helps := [][]string{
		{"--help"}, {"-h"}, {"help"},
		{"serve", "--help"}, {"demo", "--help"}, {"migrate", "--help"}, {"migrate", "-h"},
		{"user", "--help"}, {"user", "add", "--help"}, {"user", "set-password", "--help"},
	}
	for _, args := range helps {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errOut, err := run(t, "", args...)
			if err != nil {
				t.Errorf("error %v", err)
			}
			if !strings.Contains(out, "Usage") {
				t.Errorf("stdout %q lacks the usage", out)
			}
			if errOut != "" {
				t.Errorf("stderr %q, want nothing", errOut)
			}
		})
	}
	for _, args := range [][]string{{"serve", "--help"}, {"user", "add", "--help"}} {
		out, _, _ := run(t, "", args...)
		if !strings.Contains(out, "-db") {
			t.Errorf("%v: help %q does not list the flags", args, out)
		}
	}
	out, _, _ = run(t, "", "user", "add", "--help")
	if !strings.Contains(out, "-role") || !strings.Contains(out, "-district") {
		t.Errorf("user add help %q lacks --role/--district", out)
	}

	bad := []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"frobnicate"}, `"frobnicate"`},
		{[]string{"user"}, "usage"},
		{[]string{"user", "remove"}, "usage"},
		{[]string{"migrate"}, "--db"},
		{[]string{"migrate", "--no-such-flag"}, "no-such-flag"},
		{[]string{"migrate", "--db", "x.db", "extra"}, `"extra"`},
		{[]string{"user", "add", "--db", "x.db", "--login", "a"}, "--password-stdin"},
	}
	for _, c := range bad {
		_, _, err := run(t, "", c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one mentioning %s", c.args, err, c.want)
		}
	}
}

// openStore opens a DSN the program has used, to check what it stored.
func openStore(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// authenticates reports whether the login and password are accepted, failing on any other error.
func authenticates(t *testing.T, db *store.DB, login, password string) bool {
	t.Helper()
	_, err := db.Authenticate(context.Background(), login, password, auth.VerifyPassword)
	if err != nil && imis.ErrorCode(err) != imis.EUNAUTHORIZED {
		t.Fatalf("authenticate %s: %v", login, err)
	}
	return err == nil
}

// TestMigrateAndUsers covers the administrative commands an operator runs before the first login.
func TestMigrateAndUsers(t *testing.T) {
	dsn := testdb.NewDSN(t)
	out, _, err := run(t, "", "migrate", "--db", dsn)
	if err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	if _, _, err := run(t, "", "migrate", "--db", dsn); err != nil {
		t.Fatalf("second migrate: %v", err)
	}

	out, _, err = run(t, "secret-password\n", "user", "add", "--db", dsn, "--login", "ops1", "--password-stdin", "--role", "IMIS Administrator")
	if err != nil || !strings.Contains(out, "ops1") {
		t.Fatalf("user add: %q %v", out, err)
	}
	db := openStore(t, dsn)
	if !authenticates(t, db, "ops1", "secret-password") {
		t.Fatal("ops1 cannot log in with the password given on stdin")
	}
	if authenticates(t, db, "ops1", "secret-password\n") {
		t.Error("the trailing newline was kept")
	}
	id, err := db.UserIDByLogin(context.Background(), "ops1")
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.LoadUser(context.Background(), id)
	if err != nil || !u.Admin {
		t.Errorf("ops1 is not an administrator: %+v %v", u, err)
	}

	passwords := []struct {
		login, stdin, password, not string
	}{
		{"ops2", "windows-password\r\n", "windows-password", "windows-password\r"},
		{"ops3", "  spaced password \t\n", "  spaced password \t", "spaced password"},
		{"ops4", "two-newlines\n\n", "two-newlines\n", "two-newlines"},
		{"ops5", "no-newline-at-all", "no-newline-at-all", ""},
	}
	for _, p := range passwords {
		if _, _, err := run(t, p.stdin, "user", "add", "--db", dsn, "--login", p.login, "--password-stdin", "--role", "clerk"); err != nil {
			t.Errorf("%s: %v", p.login, err)
			continue
		}
		if !authenticates(t, db, p.login, p.password) {
			t.Errorf("%s: %q does not log in", p.login, p.password)
		}
		if p.not != "" && authenticates(t, db, p.login, p.not) {
			t.Errorf("%s: %q logs in too", p.login, p.not)
		}
	}

	out, _, err = run(t, "brand-new-password\n", "user", "set-password", "--db", dsn, "--login", "ops1", "--password-stdin")
	if err != nil || !strings.Contains(out, "ops1") {
		t.Fatalf("set-password: %q %v", out, err)
	}
	if !authenticates(t, db, "ops1", "brand-new-password") || authenticates(t, db, "ops1", "secret-password") {
		t.Error("set-password did not replace the password")
	}

	failures := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"unknown role", "secret-password\n", []string{"user", "add", "--login", "ops9", "--role", "Emperor"}, "No role Emperor"},
		{"duplicate login", "secret-password\n", []string{"user", "add", "--login", "ops1"}, "ops1 is already used"},
		{"unknown district", "secret-password\n", []string{"user", "add", "--login", "ops9", "--district", "NOWHERE"}, "NOWHERE"},
		{"short password", "short\n", []string{"user", "add", "--login", "ops9"}, "at least 8"},
		{"login with a space", "secret-password\n", []string{"user", "add", "--login", "ops 9"}, "spaces"},
		{"set-password of nobody", "secret-password\n", []string{"user", "set-password", "--login", "nobody"}, "No user with login nobody"},
	}
	for _, f := range failures {
		args := append(append([]string{}, f.args...), "--db", dsn, "--password-stdin")
		_, _, err := run(t, f.stdin, args...)
		if err == nil || !strings.Contains(err.Error(), f.want) {
			t.Errorf("%s: error %v, want one saying %q", f.name, err, f.want)
		}
		if err != nil && strings.Contains(err.Error(), "error.") {
			t.Errorf("%s: error %q shows a message key", f.name, err)
		}
	}
	if authenticates(t, db, "ops9", "secret-password") {
		t.Error("a refused user add created ops9")
	}
}

// serving runs a serving command in the background until stop is called.
type serving struct {
	out, errOut webtest.SyncBuffer
	cancel      context.CancelFunc
	done        chan error
}

// start runs a serving command in a goroutine; the test's cleanup stops it.
func start(t *testing.T, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serving{cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- app.Run(ctx, args, noEnv, strings.NewReader(""), &s.out, &s.errOut) }()
	t.Cleanup(func() { cancel(); <-s.done })
	return s
}

var listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// url waits for the "listening on" line and returns the address; err is the command's early exit.
func (s *serving) url(t *testing.T) (string, error) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		if m := listening.FindStringSubmatch(s.out.String()); m != nil {
			return m[1], nil
		}
		select {
		case err := <-s.done:
			s.done <- err
			if err == nil {
				err = errors.New("exited without an error before listening")
			}
			return "", err
		case <-deadline:
			t.Fatalf("not listening after 30 s; stdout %q stderr %q", s.out.String(), s.errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// stop cancels the command and returns what Run returned.
func (s *serving) stop(t *testing.T) error {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		s.done <- err
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop within 30 s of cancellation")
	}
	return nil
}

// get fetches a URL and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// demoBanner is the banner text that marks a demo server's pages, as the page escapes it.
func demoBanner(t *testing.T) string {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return html.EscapeString(cat.T(i18n.Default, "app.demo_banner"))
}

// TestServe starts the real server on a free port and stops it by cancelling its context, as a
// signal would.
func TestServe(t *testing.T) {
	dsn := testdb.NewDSN(t)
	s := start(t, "serve", "--addr", "127.0.0.1:0", "--db", dsn)
	u, err := s.url(t)
	if err != nil {
		t.Fatalf("serve: %v; stderr %s", err, s.errOut.String())
	}
	if code, body := get(t, u+"/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, u+"/login"); code != 200 || strings.Contains(body, demoBanner(t)) {
		t.Errorf("/login: %d, or it shows the demo banner", code)
	}
	if err := s.stop(t); err != nil {
		t.Errorf("Run after cancel: %v", err)
	}
	if !strings.Contains(s.out.String(), "stopped") {
		t.Errorf("stdout %q lacks the stop", s.out.String())
	}
	if _, err := http.Get(u + "/healthz"); err == nil {
		t.Error("still answering after stop")
	}

	t.Run("address in use", func(t *testing.T) {
		other := start(t, "serve", "--addr", "127.0.0.1:0", "--db", dsn)
		u, err := other.url(t)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = run(t, "", "serve", "--addr", strings.TrimPrefix(u, "http://"), "--db", dsn)
		if err == nil {
			t.Error("a second server on a busy address did not fail")
		}
		if err := other.stop(t); err != nil {
			t.Error(err)
		}
	})
	t.Run("bad database", func(t *testing.T) {
		_, _, err := run(t, "", "serve", "--addr", "127.0.0.1:0", "--db", t.TempDir()+"/no/such/dir/x.db")
		if err == nil {
			t.Error("serve on an impossible database path did not fail")
		}
	})
}

// TestDemo checks that the demo never wipes real data and always rebuilds its own database.
func TestDemo(t *testing.T) {
	t.Run("refuses a database it did not build", func(t *testing.T) {
		dsn := testdb.NewDSN(t)
		if _, _, err := run(t, "secret-password\n", "user", "add", "--db", dsn, "--login", "realuser", "--password-stdin"); err != nil {
			t.Fatal(err)
		}
		s := start(t, "demo", "--addr", "127.0.0.1:0", "--db", dsn)
		_, err := s.url(t)
		if err == nil || !strings.Contains(err.Error(), "refusing") {
			t.Fatalf("demo over real data: %v", err)
		}
		db := openStore(t, dsn)
		if !authenticates(t, db, "realuser", "secret-password") {
			t.Error("the refused demo changed the database")
		}
	})

	t.Run("rebuilds its own database", func(t *testing.T) {
		dsn := testdb.NewDSN(t)
		var token string
		for round := 1; round <= 2; round++ {
			s := start(t, "demo", "--addr", "127.0.0.1:0", "--db", dsn)
			u, err := s.url(t)
			if err != nil {
				t.Fatalf("round %d: %v; stderr %s", round, err, s.errOut.String())
			}
			if !strings.Contains(s.out.String(), "Admin") || !strings.Contains(s.out.String(), "admin123") {
				t.Errorf("round %d: the demo logins are not printed: %q", round, s.out.String())
			}
			res, err := http.Post(u+"/rest/api/login", "application/json", strings.NewReader(`{"UserName":"Admin","Password":"admin123"}`))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(bufio.NewReader(res.Body))
			res.Body.Close()
			if res.StatusCode != 200 {
				t.Errorf("round %d: login %d %s", round, res.StatusCode, body)
			}
			if round == 1 {
				token = string(body)
			} else if string(body) == token {
				t.Error("the rebuilt demo issued the same token")
			}
			if code, body := get(t, u+"/login"); code != 200 || !strings.Contains(body, demoBanner(t)) {
				t.Errorf("round %d: login page %d without the demo banner", round, code)
			}
			if err := s.stop(t); err != nil {
				t.Errorf("round %d: Run after cancel: %v", round, err)
			}
		}
		db := openStore(t, dsn)
		if !authenticates(t, db, "Admin", "admin123") {
			t.Error("no demo administrator after the rebuild")
		}
		ctx := imis.SystemContext(context.Background())
		_, n, err := db.Find(ctx, imis.HealthFacilities, store.Filter{Page: imis.Page{Size: 1}})
		if err != nil || n != 18 {
			t.Errorf("facilities after the rebuild: %d %v, want 18 (built once, not twice)", n, err)
		}
	})
}
