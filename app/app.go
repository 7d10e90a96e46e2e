// Package app is the openimis program: its commands, flags and wiring, callable in-process by tests.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/i18n"
	"github.com/openimis-go/openimis/internal/heapfloor"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/jobs"
	"github.com/openimis-go/openimis/store"
)

const usage = `openimis — social health insurance management

Usage:
  openimis serve   [--db DSN] [--addr HOST:PORT]   migrate, then serve the scheme
  openimis demo    [--db DSN] [--addr HOST:PORT]   build (or rebuild) the demo scheme, then serve it
  openimis migrate --db DSN                        apply database migrations
  openimis jobs run expire|renewals --db DSN       run a daily job once (the server also runs them at 00:30)
  openimis user add --db DSN --login L --password-stdin [--role NAME|CODE ...] [--district CODE ...]
  openimis user set-password --db DSN --login L --password-stdin
  openimis version                                 print the version

DSN is a SQLite file path or a postgres:// URL (env OPENIMIS_DB); the address defaults to
127.0.0.1:8080 (env OPENIMIS_ADDR). Behind a reverse proxy, serve and demo take
--trusted-proxies LIST (env OPENIMIS_TRUSTED_PROXIES): the proxies' addresses and CIDR ranges,
comma-separated, whose X-Forwarded-For and X-Forwarded-Proto headers are believed. Every command
accepts --help.
`

// Run is the whole program, with its environment passed in so tests can run it in-process.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version":
		fmt.Fprintln(stdout, "openimis", imis.Version)
		return nil
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr, false)
	case "demo":
		return serve(ctx, args[1:], getenv, stdout, stderr, true)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout, stderr)
	case "user":
		return userCommand(ctx, args[1:], getenv, stdin, stdout, stderr)
	case "jobs":
		return jobsCommand(ctx, args[1:], getenv, stdout, stderr)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// newFlags returns a flag set that prints its help to stdout and reports errors to stderr.
func newFlags(name, help string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: openimis %s\n\n%s\n\nFlags:\n", name, help)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	return fs
}

// parseFlags parses args; --help is a success that has already printed the help.
func parseFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	err = fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return true, nil
	}
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return false, err
}

func defaultString(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func openDB(ctx context.Context, dsn string) (*store.DB, error) {
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func migrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlags("migrate --db DSN", "Applies the database migrations and exits.", stdout, stderr)
	dsn := fs.String("db", getenv("OPENIMIS_DB"), "database: SQLite file path or postgres:// URL")
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	if *dsn == "" {
		return errors.New("--db is required")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, isDemo bool) error {
	name, help, defDB := "serve", "Migrates the database, then serves the scheme until SIGINT or SIGTERM.", "openimis.db"
	if isDemo {
		name, help, defDB = "demo", "Builds (or rebuilds) the synthetic demo scheme in the database, then serves it.\nIt refuses to wipe a database it did not build.", "openimis-demo.db"
	}
	fs := newFlags(name+" [--db DSN] [--addr HOST:PORT] [--trusted-proxies LIST]", help, stdout, stderr)
	dsn := fs.String("db", defaultString(getenv, "OPENIMIS_DB", defDB), "database: SQLite file path or postgres:// URL")
	addr := fs.String("addr", defaultString(getenv, "OPENIMIS_ADDR", "127.0.0.1:8080"), "address to listen on")
	proxyList := fs.String("trusted-proxies", getenv("OPENIMIS_TRUSTED_PROXIES"),
		"comma-separated addresses and CIDR ranges of reverse proxies whose X-Forwarded-For, Forwarded and X-Forwarded-Proto headers are believed")
	opts := demo.Options{Seed: 1}
	if isDemo {
		fs.Int64Var(&opts.Seed, "seed", 1, "seed of the demo scheme")
		fs.IntVar(&opts.Families, "families", demo.DefaultFamilies, "enrol this many families with their policies and contributions")
		fs.IntVar(&opts.ExtraItems, "extra-items", 0, "add this many synthetic medical items (for load tests)")
	}
	if done, err := parseFlags(fs, args); done || err != nil {
		return err
	}
	proxies, err := httpx.ParseTrustedProxies(*proxyList)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	floor := heapfloor.Reserve(getenv, heapfloor.DefaultSize)
	defer runtime.KeepAlive(floor)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	var db *store.DB
	var summary *demo.Summary
	if isDemo {
		db, summary, err = buildDemo(ctx, *dsn, opts, stderr)
	} else {
		db, err = openDB(ctx, *dsn)
	}
	if err != nil {
		return err
	}
	defer db.Close()
	srv, err := NewHandler(ctx, log, db, HandlerConfig{Demo: isDemo, TrustedProxies: proxies})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	// One write, so that whoever watches for the address also finds the demo logins with it.
	var banner strings.Builder
	fmt.Fprintln(&banner, "openimis", imis.Version, "listening on", url, "database", db.Engine)
	if summary != nil {
		fmt.Fprintln(&banner, "demo logins (login / password / role):")
		for _, l := range summary.Logins {
			fmt.Fprintf(&banner, "  %-14s %-12s %s\n", l.Login, l.Password, l.Role)
		}
	}
	io.WriteString(stdout, banner.String())
	sched := &jobs.Scheduler{DB: db, Log: log, Jobs: jobs.Daily}
	go sched.Loop(ctx)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// buildDemo wipes a database it built before (never another one), builds the demo scheme and
// marks the database as a demo.
func buildDemo(ctx context.Context, dsn string, opts demo.Options, stderr io.Writer) (*store.DB, *demo.Summary, error) {
	db, err := openDB(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	mark, err := db.Setting(ctx, "demo_built")
	if err == nil && mark == "" {
		var empty bool
		if empty, err = db.Empty(ctx); err == nil && !empty {
			err = errors.New("the database holds data the demo did not build; refusing to wipe it (use another --db)")
		}
	}
	if err == nil && mark != "" {
		if err = db.DropAll(ctx); err == nil {
			err = db.Migrate(ctx)
		}
	}
	// The mark goes on first, so that a build that fails halfway can still be rebuilt.
	if err == nil {
		err = db.SetSetting(ctx, "demo_built", time.Now().UTC().Format(time.RFC3339))
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	progress := newProgress(stderr)
	opts.Progress = progress.update
	summary, err := demo.Build(ctx, db, opts)
	progress.finish()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, summary, nil
}

// progress draws a one-line progress bar on a terminal and plain stage lines elsewhere.
type progress struct {
	w        io.Writer
	terminal bool
	stage    string
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.terminal = true
		}
	}
	return p
}

func (p *progress) update(stage string, done, total int) {
	if p.terminal {
		width := 30
		filled := 0
		if total > 0 {
			filled = done * width / total
		}
		fmt.Fprintf(p.w, "\r%-22s [%s%s] %d/%d", stage, strings.Repeat("#", filled), strings.Repeat(".", width-filled), done, total)
		return
	}
	if stage != p.stage {
		fmt.Fprintf(p.w, "%s: %d\n", stage, total)
		p.stage = stage
	}
}

func (p *progress) finish() {
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func userCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "set-password") {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprint(stdout, "Usage: openimis user add|set-password --db DSN --login L --password-stdin [flags]\n")
			return nil
		}
		return errors.New("usage: openimis user add|set-password --db DSN --login L --password-stdin")
	}
	adding := args[0] == "add"
	help := "Sets a user's password, read from standard input."
	if adding {
		help = "Creates a user whose password is read from standard input."
	}
	fs := newFlags("user "+args[0]+" --db DSN --login L --password-stdin", help, stdout, stderr)
	dsn := fs.String("db", getenv("OPENIMIS_DB"), "database: SQLite file path or postgres:// URL")
	login := fs.String("login", "", "login name")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	var roles, districts listFlag
	if adding {
		fs.Var(&roles, "role", "role name (case-insensitive) or system code; repeatable")
		fs.Var(&districts, "district", "district code the user is scoped to; repeatable")
	}
	if done, err := parseFlags(fs, args[1:]); done || err != nil {
		return err
	}
	if *dsn == "" || *login == "" || !*fromStdin {
		return errors.New("--db, --login and --password-stdin are required")
	}
	password, err := readPassword(stdin)
	if err != nil {
		return err
	}
	if len([]rune(password)) < auth.MinPasswordLength {
		return fmt.Errorf("the password must have at least %d characters", auth.MinPasswordLength)
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := imis.SystemContext(ctx)
	if !adding {
		if err := db.SetPassword(sys, *login, auth.HashPassword(password)); err != nil {
			return describe(err)
		}
		fmt.Fprintln(stdout, "password set for", *login)
		return nil
	}
	roleIDs, err := db.RoleIDs(sys, roles)
	if err != nil {
		return describe(err)
	}
	children := map[string][]imis.Values{"roles": {}, "districts": {}}
	for _, id := range roleIDs {
		children["roles"] = append(children["roles"], imis.Values{"role_id": id})
	}
	for _, code := range districts {
		id, err := db.IDByCode(sys, imis.Locations, code)
		if err != nil {
			return describe(err)
		}
		children["districts"] = append(children["districts"], imis.Values{"location_id": id})
	}
	v, problems := imis.Users.Parse(map[string]string{"login": *login, "last_name": *login, "other_names": *login}, true)
	if err := problems.Err(); err != nil {
		return describe(err)
	}
	v["password_hash"] = auth.HashPassword(password)
	if _, err := db.Create(sys, imis.Users, v, children); err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, "user", *login, "created")
	return nil
}

// readPassword reads standard input and strips one trailing newline (\n or \r\n), nothing else.
func readPassword(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return "", err
	}
	s := string(b)
	if strings.HasSuffix(s, "\r\n") {
		s = s[:len(s)-2]
	} else if strings.HasSuffix(s, "\n") {
		s = s[:len(s)-1]
	}
	return s, nil
}

// describe makes a domain error readable on a terminal: the catalogue's message in the default
// language rather than its key, with the problem of each field when there are any.
func describe(err error) error {
	var e *imis.Error
	if !errors.As(err, &e) {
		return err
	}
	cat, cerr := i18n.Load()
	if cerr != nil {
		return err
	}
	tr := func(key string, args []any) string {
		out := make([]any, len(args))
		for i, a := range args {
			if s, ok := a.(string); ok && (strings.HasPrefix(s, "error.") || strings.HasPrefix(s, "register.")) {
				a = cat.T(i18n.Default, s)
			}
			out[i] = a
		}
		return cat.T(i18n.Default, key, out...)
	}
	if len(e.Fields) == 0 {
		return errors.New(tr(e.Message, e.Args))
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		parts = append(parts, k+": "+tr(e.Fields[k].Key, e.Fields[k].Args))
	}
	return errors.New(strings.Join(parts, "; "))
}

func jobsCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
		fmt.Fprintln(stdout, "Usage: openimis jobs run expire|renewals --db DSN")
		return nil
	}
	if len(args) < 2 || args[0] != "run" {
		return errors.New("usage: openimis jobs run expire|renewals --db DSN")
	}
	job, ok := jobs.ByName(args[1])
	if !ok {
		return fmt.Errorf("unknown job %q (expire or renewals)", args[1])
	}
	fs := newFlags("jobs run "+job.Name+" --db DSN", "Runs the "+job.Name+" job once, for today, and exits.", stdout, stderr)
	dsn := fs.String("db", getenv("OPENIMIS_DB"), "database: SQLite file path or postgres:// URL")
	if done, err := parseFlags(fs, args[2:]); done || err != nil {
		return err
	}
	if *dsn == "" {
		return errors.New("--db is required")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	summary, err := job.Run(imis.SystemContext(ctx), db, db.Today())
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, job.Name+":", summary)
	return nil
}
