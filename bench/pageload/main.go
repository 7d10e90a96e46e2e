// Command pageload measures the screens' latency with concurrent users of a running server, the
// way the staff of a scheme use it: each user logs in through the login form and, for a fixed
// time, opens the home page, the lists and searches, deep pages, records and the enquiry, chosen
// at random in proportions that follow a working day. It prints a markdown table per page and
// user: p50, p95, p99 and max latency, requests and errors, with the time the page took alone.
//
// Usage: go run ./bench/pageload -url http://127.0.0.1:8080 [-users 20] [-duration 30s]
// scripts/bench-pages.sh builds the national-size demo, serves it and runs this.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	var c config
	flag.StringVar(&c.base, "url", "", "the server's loopback address, e.g. http://127.0.0.1:8080")
	flag.IntVar(&c.users, "users", 20, "concurrent users, each with its own session and connection")
	flag.DurationVar(&c.duration, "duration", 30*time.Second, "how long the mix runs")
	flag.DurationVar(&c.timeout, "timeout", 10*time.Second, "how long a user waits for a page before counting it failed")
	flag.StringVar(&c.admin, "admin", "Admin:admin123", "login:password of the administrator")
	flag.StringVar(&c.district, "district", "Clerk:demo123", `login:password of a user limited to districts, who takes every other session ("" for none)`)
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the users' choices")
	flag.Parse()
	if err := run(context.Background(), c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pageload:", err)
		os.Exit(1)
	}
}

type config struct {
	base            string
	users           int
	duration        time.Duration
	timeout         time.Duration
	admin, district string
	seed            uint64
}

// role is one kind of user: its account, the records it may see and the pages it may open.
type role struct {
	login, password string
	pages           []page
	insurees        int               // in the register, as the role sees it
	alone           map[string]result // each page with no other user: the better of two requests
}

// page is one screen of the mix; url picks the record or search term of each request.
type page struct {
	name   string // the path with its variable parts named, as the table shows it
	weight int    // how often users open it, relative to the other pages
	url    func(rng *rand.Rand) string
	htmx   bool // requested by htmx, as a part of a page
}

// result is one request's outcome.
type result struct {
	role, page int
	latency    time.Duration
	err        error
	timeout    bool
}

func run(ctx context.Context, c config, out io.Writer) error {
	base, err := url.Parse(strings.TrimRight(c.base, "/"))
	if err != nil || base.Host == "" {
		return fmt.Errorf("-url %q: not an address", c.base)
	}
	if ip := net.ParseIP(base.Hostname()); base.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-url %s: the load test only targets loopback", c.base)
	}
	if c.users < 1 || c.duration <= 0 || c.timeout <= 0 {
		return errors.New("-users, -duration and -timeout must be positive")
	}
	var roles []*role
	for _, acct := range []string{c.admin, c.district} {
		if acct == "" {
			continue
		}
		login, password, ok := strings.Cut(acct, ":")
		if !ok || login == "" {
			return fmt.Errorf("account %q: want login:password", acct)
		}
		roles = append(roles, &role{login: login, password: password, alone: map[string]result{}})
	}
	if len(roles) == 0 || c.users < len(roles) {
		return errors.New("every account needs a user at least")
	}

	// Every user logs in through the form, as a browser would, and keeps its own connection.
	clients := make([]*http.Client, c.users)
	for i := range clients {
		if clients[i], err = login(ctx, base.String(), roles[i%len(roles)]); err != nil {
			return err
		}
	}
	for k, r := range roles {
		if err := r.learn(ctx, clients[k], clients[0], base.String()); err != nil {
			return fmt.Errorf("%s: %w", r.login, err)
		}
	}

	results := make([][]result, c.users)
	start := time.Now()
	deadline := start.Add(c.duration)
	var wg sync.WaitGroup
	for i, client := range clients {
		k := i % len(roles)
		rng := rand.New(rand.NewPCG(c.seed, uint64(i)))
		wg.Go(func() {
			for time.Now().Before(deadline) {
				n := pick(rng, roles[k].pages)
				res := fetch(ctx, client, base.String(), roles[k].pages[n], rng, c.timeout)
				res.role, res.page = k, n
				results[i] = append(results[i], res)
			}
		})
	}
	wg.Wait()
	report(out, c, roles, slices.Concat(results...), time.Since(start))
	return nil
}

// login opens a session through the login form: its CSRF token is a double-submit cookie.
func login(ctx context.Context, base string, r *role) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	form, err := get(ctx, c, base+"/login", false)
	if err != nil {
		return nil, err
	}
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(form)
	if m == nil {
		return nil, errors.New("the login form has no CSRF token")
	}
	req, _ := http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(url.Values{
		"csrf_token": {string(m[1])}, "login": {r.login}, "password": {r.password}, "next": {"/"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	noFollow := *c
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login as %s: %s", r.login, resp.Status)
	}
	return c, nil
}

// get reads a page, failing on any status but 200 or an answer that is the login form.
func get(ctx context.Context, c *http.Client, u string, htmx bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	switch {
	case err != nil:
		return nil, err
	case resp.StatusCode != http.StatusOK:
		return nil, &statusError{resp.StatusCode}
	case resp.Request.URL.Path == "/login" && !strings.HasSuffix(u, "/login"):
		return nil, errors.New("sent to the login form: the session was lost")
	}
	return body, nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return "HTTP " + strconv.Itoa(e.code) }

// fetch times one page, giving up on it after timeout.
func fetch(ctx context.Context, c *http.Client, base string, p page, rng *rand.Rand, timeout time.Duration) result {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	from := time.Now()
	_, err := get(ctx, c, base+p.url(rng), p.htmx)
	return result{latency: time.Since(from), err: err, timeout: errors.Is(err, context.DeadlineExceeded)}
}

// pick chooses a page at random in the proportion of the weights.
func pick(rng *rand.Rand, pages []page) int {
	total := 0
	for _, p := range pages {
		total += p.weight
	}
	n := rng.IntN(total)
	for i, p := range pages {
		if n -= p.weight; n < 0 {
			return i
		}
	}
	panic("unreachable")
}

// records are the sample of records a user sees, from the JSON API, that the pages ask for.
type records struct {
	insurees      []map[string]any
	families      []map[string]any
	policies      []map[string]any
	contributions []map[string]any
	villages      []map[string]any
	insureePages  int    // of 20 rows, the insurees list's default
	poll          string // what the home page asks htmx to refresh on a timer, if anything
}

// pollOf finds the part of a page that htmx reloads on a timer while the page is open.
var pollOf = regexp.MustCompile(`hx-get="([^"]+)"[^>]*hx-trigger="every `)

// learn finds records the role may see and keeps the pages it may open, each timed alone. The
// names of its villages come from the first user when the role may not read the locations.
func (r *role) learn(ctx context.Context, c, first *http.Client, base string) error {
	list := func(reg string, query string) ([]map[string]any, int, error) {
		body, err := get(ctx, c, base+"/api/registers/"+reg+"?size=100"+query, false)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", reg, err)
		}
		var answer struct {
			Total int              `json:"total"`
			Items []map[string]any `json:"items"`
		}
		if err := json.Unmarshal(body, &answer); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", reg, err)
		}
		return answer.Items, answer.Total, nil
	}
	var s records
	home, err := get(ctx, c, base+"/", false)
	if err != nil {
		return fmt.Errorf("home page: %w", err)
	}
	if m := pollOf.FindSubmatch(home); m != nil {
		s.poll = html.UnescapeString(string(m[1]))
	}
	var total int
	if s.insurees, total, err = list("insurees", ""); err != nil {
		return err
	}
	if len(s.insurees) == 0 {
		return errors.New("sees no insuree: build the demo with families")
	}
	// A second sample from the middle of the register, so that searches do not all hit the first page.
	middle, _, err := list("insurees", "&page="+strconv.Itoa(max(1, total/200)))
	if err != nil {
		return err
	}
	s.insurees, s.insureePages, r.insurees = append(s.insurees, middle...), (total+19)/20, total
	if s.families, _, err = list("families", ""); err != nil {
		return err
	}
	if s.policies, _, err = list("policies", ""); err != nil {
		return err
	}
	if s.contributions, _, err = list("contributions", ""); err != nil {
		return err
	}
	for _, f := range s.families[:min(5, len(s.families))] {
		village := base + "/api/registers/locations/" + text(f, "location_id")
		body, err := get(ctx, c, village, false)
		if se := (*statusError)(nil); errors.As(err, &se) && se.code == http.StatusForbidden {
			body, err = get(ctx, first, village, false)
		}
		if err != nil {
			return fmt.Errorf("village: %w", err)
		}
		var v map[string]any
		if err := json.Unmarshal(body, &v); err != nil {
			return err
		}
		s.villages = append(s.villages, v)
	}
	// The first request of each page warms the caches, as a day's work would have.
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range s.mix() {
		first := fetch(ctx, c, base, p, rng, time.Hour)
		if se := (*statusError)(nil); errors.As(first.err, &se) && se.code == http.StatusForbidden {
			continue // not this user's page
		}
		r.pages = append(r.pages, p)
		r.alone[p.name] = first
	}
	for _, p := range r.pages {
		if res := fetch(ctx, c, base, p, rng, time.Hour); res.err == nil && res.latency < r.alone[p.name].latency {
			r.alone[p.name] = res
		}
	}
	return nil
}

// text is a record's field as text.
func text(rec map[string]any, field string) string {
	switch v := rec[field].(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// having keeps the records whose field is set.
func having(recs []map[string]any, field string) []map[string]any {
	return slices.DeleteFunc(slices.Clone(recs), func(r map[string]any) bool { return text(r, field) == "" })
}

// mix is the pages users open and how often. The home page comes back between tasks and polls
// its counts while open; lists and searches by name or number are the daily work; records
// follow from them; the administration registers are opened now and then.
func (s *records) mix() []page {
	one := func(recs []map[string]any, format string, fields ...string) func(*rand.Rand) string {
		if len(recs) == 0 {
			return nil // no such record to open: the page is left out
		}
		return func(rng *rand.Rand) string {
			rec := recs[rng.IntN(len(recs))]
			args := make([]any, len(fields))
			for i, f := range fields {
				args[i] = url.QueryEscape(text(rec, f))
			}
			return fmt.Sprintf(format, args...)
		}
	}
	fixed := func(u string) func(*rand.Rand) string { return func(*rand.Rand) string { return u } }
	var prefix func(*rand.Rand) string // what the type-ahead is sent as a village name is typed
	if len(s.villages) > 0 {
		prefix = func(rng *rand.Rand) string {
			name := []rune(text(s.villages[rng.IntN(len(s.villages))], "name"))
			return "/api/places?type=V&q=" + url.QueryEscape(string(name[:min(3, len(name))]))
		}
	}
	deep := min(500, max(1, s.insureePages))
	pages := []page{
		{"/", 8, fixed("/"), false},
		{"/families", 3, fixed("/families"), false},
		{"/families?q={head's last name}", 2, one(s.insurees, "/families?q=%s", "last_name"), false},
		{"/families?q={insurance number}", 2, one(s.insurees, "/families?q=%s", "chfid"), false},
		{"/families?location_id={village}", 2, one(s.families, "/families?location_id=%s", "location_id"), false},
		{"/api/places?type=V&q={3 letters} (type-ahead)", 2, prefix, false},
		{"/insurees", 4, fixed("/insurees"), false},
		{"/insurees?q={last name}", 3, one(s.insurees, "/insurees?q=%s", "last_name"), false},
		{"/insurees?q={insurance number}", 3, one(s.insurees, "/insurees?q=%s", "chfid"), false},
		{"/insurees?gender=F&status=AC", 2, fixed("/insurees?gender=F&status=AC"), false},
		{"/insurees?page=" + strconv.Itoa(deep), 1, fixed("/insurees?page=" + strconv.Itoa(deep)), false},
		{"/policies", 3, fixed("/policies"), false},
		{"/policies?status=2", 2, fixed("/policies?status=2"), false},
		{"/policies?product_id={product}", 1, one(s.policies, "/policies?product_id=%s", "product_id"), false},
		{"/contributions", 2, fixed("/contributions"), false},
		{"/contributions?q={receipt}", 1, one(s.contributions, "/contributions?q=%s", "receipt"), false},
		{"/contributions?payer_id={payer}", 1, one(having(s.contributions, "payer_id"), "/contributions?payer_id=%s", "payer_id"), false},
		{"/renewals", 2, fixed("/renewals"), false},
		{"/enquiry?chfid={insurance number}", 4, one(s.insurees, "/enquiry?chfid=%s", "chfid"), false},
		{"/families/{id}", 3, one(s.families, "/families/%s", "id"), false},
		{"/families/{id}/members/{id}", 3, one(s.insurees, "/families/%s/members/%s", "family_id", "id"), false},
		{"/registers/policies/{id}", 2, one(s.policies, "/registers/policies/%s", "id"), false},
		{"/registers/contributions/{id}", 1, one(s.contributions, "/registers/contributions/%s", "id"), false},
	}
	for _, reg := range []string{"locations", "health-facilities", "item-pricelists", "service-pricelists", "items", "services",
		"diagnoses", "products", "payers", "officers", "claim-admins", "users", "roles"} {
		pages = append(pages, page{"/registers/" + reg, 1, fixed("/registers/" + reg), false})
	}
	for _, u := range []string{"/registers/locations?type=V", "/registers/items?q=para", "/registers/diagnoses?q=malaria"} {
		pages = append(pages, page{u, 1, fixed(u), false})
	}
	if s.poll != "" {
		pages = slices.Insert(pages, 1, page{s.poll + " (htmx poll of /)", 4, fixed(s.poll), true})
	}
	return slices.DeleteFunc(pages, func(p page) bool { return p.url == nil })
}

// report prints the table: one row per page and user, in the order of the mix.
func report(out io.Writer, c config, roles []*role, results []result, elapsed time.Duration) {
	type key struct{ role, page int }
	byPage := map[key][]result{}
	var ok, failed, timeouts int
	for _, r := range results {
		byPage[key{r.role, r.page}] = append(byPage[key{r.role, r.page}], r)
		switch {
		case r.timeout:
			timeouts++
			failed++
		case r.err != nil:
			failed++
		default:
			ok++
		}
	}
	var logins []string
	for k, r := range roles {
		logins = append(logins, fmt.Sprintf("%d as %s, who sees %d insurees", (c.users+len(roles)-1-k)/len(roles), r.login, r.insurees))
	}
	fmt.Fprintf(out, "%d users (%s), %v, a page not answered within %v counts as an error.\n\n",
		c.users, strings.Join(logins, ", "), c.duration, c.timeout)
	fmt.Fprintln(out, "| page | user | requests | errors | p50 ms | p95 ms | p99 ms | max ms | alone ms |")
	fmt.Fprintln(out, "|---|---|--:|--:|--:|--:|--:|--:|--:|")
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64)
	}
	// A request given up on took the timeout at least, whatever the server did after.
	measured := func(d time.Duration) string {
		if d >= c.timeout {
			return "≥" + strconv.FormatInt(c.timeout.Milliseconds(), 10)
		}
		return ms(d)
	}
	var firstErrs []string
	row := func(name, user string, rs []result, alone string) {
		lat := make([]time.Duration, len(rs))
		errs := 0
		for i, res := range rs {
			lat[i] = res.latency
			if res.err != nil {
				// A page too slow to answer says so in its latency; other failures are listed.
				if errs == 0 && !res.timeout {
					firstErrs = append(firstErrs, fmt.Sprintf("%s as %s: %v", name, user, res.err))
				}
				errs++
			}
		}
		slices.Sort(lat)
		at := func(q float64) string {
			if len(lat) == 0 {
				return "–"
			}
			return measured(lat[max(0, int(math.Ceil(q*float64(len(lat))))-1)])
		}
		fmt.Fprintf(out, "| %s | %s | %d | %d | %s | %s | %s | %s | %s |\n", name, user, len(rs), errs,
			at(0.50), at(0.95), at(0.99), at(1), alone)
	}
	for k, r := range roles {
		var all []result
		for n, p := range r.pages {
			alone := r.alone[p.name]
			aloneText := ms(alone.latency)
			if alone.err != nil {
				aloneText = "error"
				firstErrs = append(firstErrs, fmt.Sprintf("%s as %s alone: %v", p.name, r.login, alone.err))
			}
			rs := byPage[key{k, n}]
			all = append(all, rs...)
			row("`"+p.name+"`", r.login, rs, aloneText)
		}
		row("all pages", r.login, all, "")
	}
	fmt.Fprintf(out, "\n%d requests in %.1f s: %.1f answered per second, %d errors (%d not answered within %v).\n",
		len(results), elapsed.Seconds(), float64(ok)/elapsed.Seconds(), failed, timeouts, c.timeout)
	for _, e := range firstErrs {
		fmt.Fprintln(out, "first error of", e)
	}
}
