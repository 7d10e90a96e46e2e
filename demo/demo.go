// Package demo fills an empty database with an invented district health insurance scheme, so that a
// fresh installation can be tried, shown and tested without any real data: locations with
// populations, a tariff of medicines and services, price lists, facilities, payers, officers,
// claim administrators, one user for each system role and, on request, insurance products with
// enrolled families, their policies and contributions.
package demo

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/store"
)

// Options control a demo build.
type Options struct {
	Seed     int64                               // same seed => same scheme (codes, names, prices, assignments)
	Progress func(stage string, done, total int) // may be nil; called as work advances, for a progress bar
	// ExtraItems adds that many synthetic medicines beyond the tariff, to measure searches over a
	// national-size list; they are in no price list.
	ExtraItems int
	// Families enrols that many families with their members, policies and contributions, after
	// creating the demo products they buy. Zero builds neither, so that tests of the registers
	// get a scheme without insurees; the demo command asks for DefaultFamilies.
	Families int
}

// DefaultFamilies is the size of the demo scheme's insured population: about 4,000 insurees,
// enough to page through and search, small enough to build in a few seconds.
const DefaultFamilies = 1000

// Summary counts what was built and lists the logins to print, so the person who asked for the demo
// knows how to log in.
type Summary struct {
	Regions, Districts, Wards, Villages, HealthFacilities, Items, Services, Diagnoses, PriceLists, Payers, Officers, ClaimAdmins, Users int
	Logins                                                                                                                              []Login
	// Products, families, insurees, policies and contributions (premiums) of the enrolment stages.
	Products, Families, Insurees, Policies, Contributions int
	// PoliciesByStatus counts the policies per status code (imis.PolicyIdle, ...).
	PoliciesByStatus map[int]int
}

// Login is one account of the demo scheme with its password, its role and the district(s) it is
// limited to (empty for the administrator, who is not district-scoped).
type Login struct{ Login, Password, Role, District string }

// ErrNotEmpty is returned by Build when the database already holds locations: the demo belongs in a
// fresh installation and must never mix with a scheme's real data.
var ErrNotEmpty = errors.New("demo: the database already has locations; the demo scheme is built only into an empty database")

// The demo passwords. They are deliberately simple, because the demo is for trying the program out.
const (
	adminPassword   = "admin123"
	userPassword    = "demo123"
	officerPassword = "officer123"
	claimsPassword  = "claims123"
)

// Build fills an empty, migrated database with the demo scheme. It refuses a database that already
// has locations. Every reference record goes through the registers' validation and the store's
// audit trail, acting as the system user, exactly as if it had been entered by hand; the enrolled
// population (Options.Families) is computed by the same rules and written in one bulk run, which
// the audit trail records once.
func Build(ctx context.Context, db *store.DB, opts Options) (*Summary, error) {
	ctx = imis.SystemContext(ctx)
	_, n, err := db.Find(ctx, imis.Locations, store.Filter{Page: imis.Page{Size: 1}})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if n > 0 {
		return nil, ErrNotEmpty
	}
	b := &builder{ctx: ctx, db: db, opts: opts, sum: &Summary{PoliciesByStatus: map[int]int{}}}
	// Hashing is the slowest single step (argon2id); each distinct password is hashed once, and
	// the hashes are computed while the locations and the tariff are written.
	hashes := hashPasswords(adminPassword, userPassword, officerPassword, claimsPassword)
	stages := []struct {
		name string
		run  func() error
	}{
		{"locations", b.locations},
		{"items", b.items},
		{"services", b.services},
		{"diagnoses", b.diagnoses},
		{"price lists", b.priceLists},
		{"facilities", b.facilities},
		{"payers", b.payers},
		{"officers", func() error { b.hashes = hashes(); return b.officers() }},
		{"claim administrators", b.claimAdmins},
		{"users", b.users},
		{"products", b.insuranceProducts},
		{"enrolment", b.enrolment},
		{"extra items", b.extraItems},
	}
	for _, s := range stages {
		b.stage = s.name
		b.rng = stageRand(opts.Seed, s.name)
		if err := s.run(); err != nil {
			return nil, err
		}
	}
	return b.sum, nil
}

// builder carries the state of one Build: what has been created so far, by the references later
// stages need.
type builder struct {
	ctx    context.Context
	db     *store.DB
	opts   Options
	sum    *Summary
	stage  string
	rng    *rand.Rand
	hashes map[string]string

	regions    []*region
	districts  []*district // all districts, region by region
	itemRefs   []tariffRef
	serviceRef []tariffRef
	hfs        []*facility
	products   []*product
}

// tariffRef is a created item or service with its own price, which price lists override.
type tariffRef struct {
	id    imis.ID
	price int64
}

// stageRand returns the random stream of one stage. Each stage has its own stream, so that a change
// in one catalogue does not reshuffle the names and assignments of every later stage.
func stageRand(seed int64, stage string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(stage))
	return rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
}

// progress reports the current stage's advance, if the caller asked for it.
func (b *builder) progress(done, total int) {
	if b.opts.Progress != nil {
		b.opts.Progress(b.stage, done, total)
	}
}

// hashPasswords starts hashing the passwords in parallel and returns a function that waits for the
// hashes, keyed by password.
func hashPasswords(passwords ...string) func() map[string]string {
	out := make([]string, len(passwords))
	var wg sync.WaitGroup
	for i, p := range passwords {
		wg.Go(func() { out[i] = auth.HashPassword(p) })
	}
	return func() map[string]string {
		wg.Wait()
		m := make(map[string]string, len(passwords))
		for i, p := range passwords {
			m[p] = out[i]
		}
		return m
	}
}

// rows are the raw child rows of a record, as a form would send them.
type rows = []map[string]string

// create parses raw input like a form submission, adds the values no form field carries (a password
// hash), and stores the record.
func (b *builder) create(reg *imis.Register, raw map[string]string, children map[string]rows, extra imis.Values) (imis.ID, error) {
	v, p := reg.Parse(raw, true)
	kids := map[string][]imis.Values{}
	for name, rs := range children {
		c, ok := reg.Child(name)
		if !ok {
			return imis.NilID, fmt.Errorf("demo: register %s has no child set %q", reg.Name, name)
		}
		kids[name] = c.ParseChildren(rs, p)
	}
	if err := p.Err(); err != nil {
		return imis.NilID, fmt.Errorf("demo: %s %q: %w", reg.Name, raw[reg.Code], err)
	}
	maps.Copy(v, extra)
	r, err := b.db.Create(b.ctx, reg, v, kids)
	if err != nil {
		return imis.NilID, fmt.Errorf("demo: %s %q: %w", reg.Name, raw[reg.Code], err)
	}
	return r.ID, nil
}

// money renders minor units as the decimal text a form carries.
func money(n int64) string { return imis.FormatFixed(n, 2) }

// pick returns a random element of s.
func pick[T any](rng *rand.Rand, s []T) T { return s[rng.IntN(len(s))] }

// phone returns an invented mobile number in a common East African layout.
func phone(rng *rand.Rand) string {
	return fmt.Sprintf("07%02d %03d %03d", 10+rng.IntN(90), rng.IntN(1000), rng.IntN(1000))
}

// emailFor turns a name into an address at example.org, the domain reserved for examples.
func emailFor(name string) string {
	var s strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			s.WriteRune(r)
			dash = false
		case !dash && s.Len() > 0:
			s.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(s.String(), "-") + "@example.org"
}

// person is an invented name with a date of birth.
type person struct {
	last, other string
	dob         imis.Date
}

// randomPerson draws a name from the catalogues and a date of birth between fromYear and toYear.
func randomPerson(rng *rand.Rand, fromYear, toYear int) person {
	given := catalogGivenNamesMale
	if rng.IntN(2) == 0 {
		given = catalogGivenNamesFemale
	}
	start := imis.NewDate(fromYear, 1, 1)
	days := int(imis.NewDate(toYear, 12, 31).Time().Sub(start.Time()).Hours() / 24)
	return person{last: pick(rng, catalogFamilyNames), other: pick(rng, given), dob: start.AddDays(rng.IntN(days + 1))}
}
