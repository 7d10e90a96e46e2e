// Command testsummary reads the `go test -json` streams of scripts/test.sh and tells, in a
// few lines, how the SQLite pass, the PostgreSQL pass and the browser tests went.
//
// Two modes:
//
//	testsummary -tee FILE -label NAME      copy the JSON on stdin to FILE, print package results live
//	testsummary -sqlite FILE -postgres FILE [-sqlite-wall S] [-postgres-wall S] [-sqlite-exit N] [-postgres-exit N]
//
// The second mode exits non-zero when anything failed, when a package did not build, when a
// pass ran no test, when no browser test passed (unless IMIS_ALLOW_NO_BROWSER=1), or, with
// CI=true, when any test was skipped: in CI a skip means a missing dependency.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// event is one line of `go test -json` (see `go doc test2json`), including the build events
// that cmd/go adds (Action "build-output"/"build-fail", keyed by ImportPath).
type event struct {
	Time        time.Time
	Action      string
	Package     string
	Test        string
	Output      string
	ImportPath  string
	FailedBuild string
}

func main() {
	tee := flag.String("tee", "", "copy stdin to this file and print package results (live mode)")
	label := flag.String("label", "", "prefix for the live lines")
	sqliteFile := flag.String("sqlite", "", "JSON stream of the SQLite pass")
	pgFile := flag.String("postgres", "", "JSON stream of the PostgreSQL pass")
	sqliteWall := flag.Float64("sqlite-wall", -1, "wall time of the SQLite pass, seconds")
	pgWall := flag.Float64("postgres-wall", -1, "wall time of the PostgreSQL pass, seconds")
	sqliteExit := flag.Int("sqlite-exit", 0, "exit status of go test in the SQLite pass")
	pgExit := flag.Int("postgres-exit", 0, "exit status of go test in the PostgreSQL pass")
	flag.Parse()

	if *tee != "" {
		if err := live(os.Stdin, *tee, *label); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(2)
		}
		return
	}
	if *sqliteFile == "" || *pgFile == "" {
		fmt.Fprintln(os.Stderr, "usage: testsummary -sqlite FILE -postgres FILE  (or -tee FILE)")
		os.Exit(2)
	}
	passes := []*pass{
		{name: "sqlite", file: *sqliteFile, wall: *sqliteWall, exit: *sqliteExit},
		{name: "postgres", file: *pgFile, wall: *pgWall, exit: *pgExit},
	}
	for _, p := range passes {
		if err := p.read(); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(2)
		}
	}
	os.Exit(report(os.Stdout, passes))
}

// live copies the stream to file and prints the lines a person watches for: package results,
// failing tests, build errors and anything that is not JSON (go's own stderr).
func live(in io.Reader, file, label string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	prefix := ""
	if label != "" {
		prefix = "[" + label + "] "
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if _, err := f.Write(append(line, '\n')); err != nil {
			return err
		}
		var e event
		if json.Unmarshal(line, &e) != nil || e.Action == "" {
			fmt.Printf("%s%s\n", prefix, line)
			continue
		}
		out := strings.TrimRight(e.Output, "\n")
		switch {
		case e.Action == "build-output":
			fmt.Printf("%s%s\n", prefix, out)
		case e.Action != "output" || out == "":
		case e.Test == "" && (strings.HasPrefix(out, "ok ") || strings.HasPrefix(out, "FAIL\t") ||
			strings.HasPrefix(out, "?   ")):
			fmt.Printf("%s%s\n", prefix, out)
		case strings.Contains(out, "--- FAIL:") || strings.HasPrefix(out, "panic:"):
			fmt.Printf("%s%s\n", prefix, strings.TrimSpace(out))
		}
	}
	return sc.Err()
}

// testKey names one test (or subtest) of one package.
type testKey struct{ pkg, test string }

type pass struct {
	name string
	file string
	wall float64 // seconds; negative when the caller did not measure it
	exit int     // exit status of go test

	passed, failed, skipped int
	browser                 int // passed tests in an .../e2e package

	failedTests   []testKey
	skippedTests  []testKey
	output        map[testKey][]string // output lines per test; test "" is the package itself
	brokenPkgs    []string             // packages that failed without a failing test: build, setup, panic, timeout
	buildOutput   map[string][]string  // compiler output per import path
	stray         []string             // lines that were not JSON
	first, last   time.Time
	packageFailed map[string]bool
	packageTested map[string]bool // a test of the package failed, explaining its fail
	buildBroken   map[string]bool // go test named a package that did not build
}

func (p *pass) read() error {
	f, err := os.Open(p.file)
	if err != nil {
		return err
	}
	defer f.Close()
	p.output = map[testKey][]string{}
	p.buildOutput = map[string][]string{}
	p.packageFailed = map[string]bool{}
	p.packageTested = map[string]bool{}
	p.buildBroken = map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Action == "" {
			if s := strings.TrimSpace(sc.Text()); s != "" {
				p.stray = append(p.stray, s)
			}
			continue
		}
		if !e.Time.IsZero() {
			if p.first.IsZero() || e.Time.Before(p.first) {
				p.first = e.Time
			}
			if e.Time.After(p.last) {
				p.last = e.Time
			}
		}
		k := testKey{e.Package, e.Test}
		switch e.Action {
		case "build-output":
			p.buildOutput[e.ImportPath] = append(p.buildOutput[e.ImportPath], strings.TrimRight(e.Output, "\n"))
		case "output":
			p.output[k] = append(p.output[k], strings.TrimRight(e.Output, "\n"))
		case "pass", "fail", "skip":
			if e.Test == "" {
				if e.Action == "fail" {
					p.packageFailed[e.Package] = true
					if e.FailedBuild != "" {
						p.buildBroken[e.Package] = true
					}
				}
				continue
			}
			switch e.Action {
			case "pass":
				p.passed++
				if e.Package == "e2e" || strings.HasSuffix(e.Package, "/e2e") {
					p.browser++
				}
			case "fail":
				p.failed++
				p.failedTests = append(p.failedTests, k)
				p.packageTested[e.Package] = true
			case "skip":
				p.skipped++
				p.skippedTests = append(p.skippedTests, k)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", p.file, err)
	}
	for pkg := range p.packageFailed {
		if !p.packageTested[pkg] || p.buildFailed(pkg) {
			p.brokenPkgs = append(p.brokenPkgs, pkg)
		}
	}
	sort.Strings(p.brokenPkgs)
	return nil
}

// buildFailed tells whether go test said the package could not be built or set up.
func (p *pass) buildFailed(pkg string) bool {
	if p.buildBroken[pkg] {
		return true
	}
	for _, l := range p.output[testKey{pkg, ""}] {
		if strings.Contains(l, "[build failed]") || strings.Contains(l, "[setup failed]") {
			return true
		}
	}
	return false
}

// wallTime is the measured time of the pass, else the span of its event timestamps.
func (p *pass) wallTime() time.Duration {
	if p.wall >= 0 {
		return time.Duration(p.wall * float64(time.Second)).Round(100 * time.Millisecond)
	}
	return p.last.Sub(p.first).Round(100 * time.Millisecond)
}

// noise is the framework's own chatter, left out when showing why a test failed.
func noise(line string) bool {
	for _, p := range []string{"=== RUN", "=== PAUSE", "=== CONT", "=== NAME"} {
		if strings.HasPrefix(strings.TrimSpace(line), p) {
			return true
		}
	}
	return false
}

func report(w io.Writer, passes []*pass) int {
	var problems []string
	ci := os.Getenv("CI") == "true"
	for _, p := range passes {
		for _, k := range p.failedTests {
			fmt.Fprintf(w, "\n%s: FAIL %s %s\n", p.name, k.pkg, k.test)
			for _, l := range p.output[k] {
				if !noise(l) {
					fmt.Fprintf(w, "    %s\n", l)
				}
			}
		}
		for _, pkg := range p.brokenPkgs {
			fmt.Fprintf(w, "\n%s: FAIL package %s (build, setup, panic or timeout)\n", p.name, pkg)
			for _, l := range p.output[testKey{pkg, ""}] {
				if !noise(l) {
					fmt.Fprintf(w, "    %s\n", l)
				}
			}
			problems = append(problems, fmt.Sprintf("%s: package %s failed outside any test", p.name, pkg))
		}
		if len(p.buildOutput) > 0 {
			fmt.Fprintf(w, "\n%s: build output\n", p.name)
			paths := make([]string, 0, len(p.buildOutput))
			for path := range p.buildOutput {
				paths = append(paths, path)
			}
			sort.Strings(paths)
			for _, path := range paths {
				for _, l := range p.buildOutput[path] {
					fmt.Fprintf(w, "    %s\n", l)
				}
			}
		}
		if p.exit != 0 && p.failed == 0 && len(p.brokenPkgs) == 0 {
			// go test failed before running anything it reports in JSON (e.g. a package
			// pattern that does not load): its stderr is among the stray lines.
			fmt.Fprintf(w, "\n%s: go test exited with status %d\n", p.name, p.exit)
			for _, l := range p.stray {
				fmt.Fprintf(w, "    %s\n", l)
			}
			problems = append(problems, fmt.Sprintf("%s: go test exited with status %d", p.name, p.exit))
		}
		if ci && p.skipped > 0 {
			fmt.Fprintf(w, "\n%s: skipped tests (not allowed with CI=true):\n", p.name)
			for _, k := range p.skippedTests {
				fmt.Fprintf(w, "    %s %s\n", k.pkg, k.test)
				for _, l := range p.output[k] {
					if !noise(l) && !strings.HasPrefix(strings.TrimSpace(l), "--- SKIP") {
						fmt.Fprintf(w, "        %s\n", strings.TrimSpace(l))
					}
				}
			}
			problems = append(problems, fmt.Sprintf("%s: %d test(s) skipped with CI=true", p.name, p.skipped))
		}
	}

	fmt.Fprintln(w)
	var passed, failed, skipped, browser int
	for _, p := range passes {
		fmt.Fprintf(w, "%s: wall time %s\n", p.name, p.wallTime())
	}
	for _, p := range passes {
		fmt.Fprintf(w, "%s: %d passed, %d failed, %d skipped\n", p.name, p.passed, p.failed, p.skipped)
		passed += p.passed
		failed += p.failed
		skipped += p.skipped
		browser += p.browser
		if p.failed > 0 {
			problems = append(problems, fmt.Sprintf("%s: %d test(s) failed", p.name, p.failed))
		}
		if p.passed == 0 {
			problems = append(problems, fmt.Sprintf("%s: no test passed", p.name))
		}
	}
	fmt.Fprintf(w, "browser: %d passed\n", browser)
	if browser == 0 {
		if os.Getenv("IMIS_ALLOW_NO_BROWSER") == "1" {
			fmt.Fprintln(w, "(no browser test passed; allowed by IMIS_ALLOW_NO_BROWSER=1)")
		} else {
			problems = append(problems, "browser: no browser test passed (package ./e2e)")
		}
	}
	for _, s := range problems {
		fmt.Fprintf(w, "problem: %s\n", s)
	}
	total := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if skipped > 0 {
		total += fmt.Sprintf(", %d skipped", skipped)
	}
	fmt.Fprintln(w, total)
	if len(problems) > 0 {
		return 1
	}
	return 0
}
