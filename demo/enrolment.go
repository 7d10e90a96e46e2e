package demo

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// The enrolment stage writes its rows through the store's bulk loader, one run for the whole
// population, so these are the tables' columns exactly as the registers read them back, derived
// columns included.
var (
	familyColumns = []string{"id", "wire_id", "version", "validity_from", "search_text", "head_chfid", "head_name", "head_id",
		"location_id", "poverty", "family_type", "address", "confirmation_no", "confirmation_type", "is_offline",
		"district_id", "source", "source_version"}
	insureeColumns = []string{"id", "wire_id", "version", "validity_from", "search_text", "chfid", "last_name", "other_names",
		"family_id", "is_head", "dob", "gender", "marital", "type_of_id", "passport", "phone", "card_issued", "relationship",
		"profession", "education", "hf_id", "status", "status_date", "status_reason", "vulnerability", "is_offline",
		"district_id", "source", "source_version"}
	policyColumns = []string{"id", "wire_id", "version", "validity_from", "search_text", "head_chfid", "product_code",
		"family_id", "product_id", "officer_id", "enroll_date", "stage", "status", "value", "start_date", "effective_date",
		"expiry_date", "previous_id", "renewal_order", "is_offline", "district_id", "source", "source_version"}
	coverageColumns = []string{"id", "family_id", "insuree_id", "policy_id", "enrollment_date", "start_date", "effective_date",
		"expiry_date", "is_offline", "validity_from"}
	premiumColumns = []string{"id", "wire_id", "version", "validity_from", "search_text", "policy_id", "payer_id", "amount",
		"receipt", "pay_date", "pay_type", "is_photo_fee", "is_offline", "head_chfid", "district_id", "family_id", "product_id",
		"source", "source_version"}
)

// The demo scheme's insurance numbers: nine digits, the last the first eight mod 7.
const (
	settingCHFIDLength = "chfid_length"
	settingCHFIDModulo = "chfid_modulo"
)

// A scenario is the story of a family's cover, chosen so that the demo shows policies in every
// state: paid and in force, waiting for payment, suspended, lapsed, renewed and due for renewal.
type scenario int

const (
	scenarioActive        scenario = iota // paid, in force
	scenarioExpiring                      // paid, expires this month: due for renewal now
	scenarioIdleUnpaid                    // enrolled recently, nothing paid yet
	scenarioIdlePartial                   // enrolled recently, an instalment paid
	scenarioSuspended                     // paid in part, then late, and suspended
	scenarioExpiredPaid                   // paid, ran out before today and not renewed
	scenarioExpiredUnpaid                 // never paid, ran out before today
	scenarioRenewedActive                 // paid, ran out, renewed and the renewal paid
	scenarioRenewedIdle                   // paid, ran out, renewed and the renewal not yet paid
)

// scenarioShares are the percentages of families per scenario; the rest are scenarioActive.
var scenarioShares = []struct {
	s       scenario
	percent int
}{
	{scenarioExpiring, 5}, {scenarioIdleUnpaid, 5}, {scenarioIdlePartial, 5}, {scenarioSuspended, 6},
	{scenarioExpiredPaid, 7}, {scenarioExpiredUnpaid, 2}, {scenarioRenewedActive, 12}, {scenarioRenewedIdle, 3},
}

// familySizes weighs households of 1 to 7 members; the mean is about 4.
var familySizes = []int{8, 12, 18, 22, 18, 13, 9}

type member struct {
	id                             imis.ID
	chfid, last, other, gender     string
	dob                            imis.Date
	head                           bool
	relation                       int // 0 for the head
	marital, profession, education string
	phone, idType, idNumber        string
	card, vulnerable               bool
	status, reason                 string
	statusDate                     imis.Date
	hf                             imis.ID // first point of service
}

type family struct {
	id                    imis.ID
	village               *village
	district              *district
	officer               imis.ID
	members               []*member
	poverty               bool
	familyType            string
	confirmType, confirmN string
	policies              []*policy
}

func (f *family) head() *member { return f.members[0] }

type policy struct {
	imis.PolicyFigures // stage, dates and value as entered
	id                 imis.ID
	fam                *family
	prod               *product
	enrol, effective   imis.Date
	lastPay            imis.Date
	prevExpiry         imis.Date
	status             int
	prev               *policy
	premiums           []*premium
}

type premium struct {
	id      imis.ID
	amount  imis.Money
	receipt string
	payDate imis.Date
	payType string
	photo   bool
	payer   imis.ID
}

// payerRef is a payer with the place it pays for (nil: national).
type payerRef struct {
	id       imis.ID
	location any
	place    imis.Place
}

// enrolGen holds what the generator draws from while it invents the population.
type enrolGen struct {
	b        *builder
	rng      *rand.Rand // people and where they live
	prng     *rand.Rand // policies and payments, which depend on the build date
	today    imis.Date
	villages []*village
	weights  []int64 // cumulative families per village
	district map[*village]*district
	officer  map[*village]imis.ID
	payers   []payerRef
	numbers  chfidSequence
	receipts map[*product]int
}

// enrolment invents Options.Families families with their members, policies, coverage rows and
// contributions, and writes them in one bulk run. Dates, values and statuses come from the pure
// rules the server applies (imis.PolicyPeriod, imis.PolicyValue, imis.ApplyContribution), so
// every row is what entering the same data by hand would have stored.
func (b *builder) enrolment() error {
	n := b.opts.Families
	if n <= 0 {
		return nil
	}
	for key, value := range map[string]string{settingCHFIDLength: strconv.Itoa(imis.DemoNumberRule.Length),
		settingCHFIDModulo: strconv.Itoa(imis.DemoNumberRule.Modulo)} {
		if err := b.db.SetSetting(b.ctx, key, value); err != nil {
			return fmt.Errorf("demo: setting %s: %w", key, err)
		}
	}
	g, err := b.newEnrolGen()
	if err != nil {
		return err
	}
	families := g.families(n)
	b.progress(0, n)
	params := map[string]any{"stage": "enrolment", "seed": b.opts.Seed, "families": n, "today": g.today.String()}
	_, counts, err := b.db.Bulk(b.ctx, "demo", params, func(l *store.Loader) error {
		return g.write(l, families)
	})
	if err != nil {
		return fmt.Errorf("demo: enrolment: %w", err)
	}
	b.sum.Families += counts["families"]
	b.sum.Insurees += counts["insurees"]
	b.sum.Policies += counts["policies"]
	b.sum.Contributions += counts["premiums"]
	for _, f := range families {
		for _, p := range f.policies {
			b.sum.PoliciesByStatus[p.status]++
		}
	}
	b.progress(n, n)
	return nil
}

func (b *builder) newEnrolGen() (*enrolGen, error) {
	g := &enrolGen{b: b, rng: b.rng, prng: stageRand(b.opts.Seed, "enrolment policies"), today: b.db.Today(),
		district: map[*village]*district{}, officer: map[*village]imis.ID{}, receipts: map[*product]int{}}
	var total int64
	for _, d := range b.districts {
		// The officers split their district's villages as the officers stage did, the first
		// taking the first half, so each family's policies are sold by its village's officer.
		ids := make([]imis.ID, len(d.officer))
		for k, code := range d.officer {
			id, err := b.db.IDByCode(b.ctx, imis.Officers, code)
			if err != nil {
				return nil, fmt.Errorf("demo: officer %s: %w", code, err)
			}
			ids[k] = id
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("demo: district %s has no officer", d.name)
		}
		villages := d.villages()
		half := (len(villages) + 1) / 2
		for i, v := range villages {
			g.villages = append(g.villages, v)
			total += max(1, v.pop.families)
			g.weights = append(g.weights, total)
			g.district[v] = d
			g.officer[v] = ids[min(i/half, len(ids)-1)]
		}
	}
	recs, _, err := b.db.Find(b.ctx, imis.Payers, store.Filter{Page: imis.Page{Size: 500}})
	if err != nil {
		return nil, fmt.Errorf("demo: payers: %w", err)
	}
	places := map[imis.ID]imis.Place{}
	for _, d := range b.districts {
		places[d.id], places[d.region.id] = d.place(), d.region.place()
	}
	for _, r := range recs {
		g.payers = append(g.payers, payerRef{id: r.ID, location: r.Values["location_id"], place: places[r.Values.ID("location_id")]})
	}
	g.numbers = newCHFIDSequence(g.rng)
	return g, nil
}

// chfidSequence hands out distinct eight-digit bodies in a shuffled order: i ↦ a·i + c modulo
// 90,000,000 is a permutation when a is coprime with the modulus, so numbers never repeat and
// do not betray the order of registration.
type chfidSequence struct{ a, c, i uint64 }

const chfidSpan = 90_000_000 // bodies 10000000 … 99999999

func newCHFIDSequence(rng *rand.Rand) chfidSequence {
	for {
		a := chfidSpan/3 + rng.Uint64N(chfidSpan/3)
		if a%2 != 0 && a%3 != 0 && a%5 != 0 {
			return chfidSequence{a: a, c: rng.Uint64N(chfidSpan)}
		}
	}
}

func (s *chfidSequence) next() string {
	body := strconv.FormatUint(10_000_000+(s.a*s.i+s.c)%chfidSpan, 10)
	s.i++
	return body + imis.DemoNumberRule.CheckDigit(body)
}

// between returns a day from lo to hi inclusive (lo when hi is before it).
func between(rng *rand.Rand, lo, hi imis.Date) imis.Date {
	if !hi.After(lo) {
		return lo
	}
	return lo.AddDays(rng.IntN(days(lo, hi) + 1))
}

func days(from, to imis.Date) int { return int(to.Time().Sub(from.Time()) / (24 * time.Hour)) }

func laterOf(a, b imis.Date) imis.Date {
	if a.After(b) {
		return a
	}
	return b
}

func earlierOf(a, b imis.Date) imis.Date {
	if a.Before(b) {
		return a
	}
	return b
}

// weighted returns an index into weights drawn in proportion to them.
func weighted(rng *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// scenarios deals the scenarios to n families: the shares are exact, the order shuffled.
func (g *enrolGen) scenarios(n int) []scenario {
	out := make([]scenario, 0, n)
	for _, s := range scenarioShares {
		k := max(1, n*s.percent/100)
		for range k {
			if len(out) < n {
				out = append(out, s.s)
			}
		}
	}
	for len(out) < n {
		out = append(out, scenarioActive)
	}
	g.prng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// families invents n families, each in a village drawn in proportion to its families.
func (g *enrolGen) families(n int) []*family {
	plan := g.scenarios(n)
	out := make([]*family, n)
	for i := range out {
		r := g.rng.Int64N(g.weights[len(g.weights)-1])
		vi, _ := slices.BinarySearch(g.weights, r+1)
		v := g.villages[vi]
		f := &family{id: imis.NewID(), village: v, district: g.district[v], officer: g.officer[v]}
		g.people(f)
		g.cover(f, plan[i])
		g.statuses(f)
		out[i] = f
	}
	return out
}

// people invents the members of a family: an adult head, often a spouse, then children and a
// few relatives, in the order they would be registered.
func (g *enrolGen) people(f *family) {
	rng := g.rng
	size := 1 + weighted(rng, familySizes)
	f.poverty = rng.IntN(100) < 15
	f.familyType = "H"
	switch n := rng.IntN(100); {
	case n < 3:
		f.familyType = "S"
	case n < 5:
		f.familyType = "T"
	case n < 8:
		f.familyType = "O"
	}
	if f.poverty {
		f.confirmType = pick(rng, []string{"A", "A", "B", "C"})
		f.confirmN = fmt.Sprintf("PV%06d", rng.IntN(1000000))
	}
	// The first point of service is usually the health centre or dispensary, not the hospital.
	var hf imis.ID
	if hfs := f.district.hfs; len(hfs) > 0 && rng.IntN(100) < 70 {
		hf = hfs[0].id
		if len(hfs) > 1 {
			hf = hfs[1+rng.IntN(len(hfs)-1)].id
		}
	}
	headMale := rng.IntN(100) < 70
	headAge := 20 + rng.IntN(30) + rng.IntN(26)
	last := pick(rng, catalogFamilyNames)
	head := g.person(last, headMale, headAge, 0)
	head.head = true
	members := []*member{head}
	youngestParent := headAge
	if size >= 2 && rng.IntN(100) < 80 {
		age := min(90, max(18, headAge-8+rng.IntN(12)))
		spouseLast := last
		if rng.IntN(100) < 40 {
			spouseLast = pick(rng, catalogFamilyNames)
		}
		members = append(members, g.person(spouseLast, !headMale, age, 8))
		youngestParent = min(youngestParent, age)
		head.marital = "M"
	} else {
		head.marital = pick(rng, []string{"S", "W", "D", "N"})
	}
	for len(members) < size {
		var m *member
		switch n := rng.IntN(100); {
		case n < 9:
			m = g.person(pick(rng, catalogFamilyNames), rng.IntN(2) == 0, 5+rng.IntN(70), imis.RelationOther)
		case n < 13 && headAge+20 <= 90:
			m = g.person(last, rng.IntN(2) == 0, headAge+20+rng.IntN(min(11, 91-headAge-20)), 2)
		case n < 16:
			m = g.person(last, rng.IntN(2) == 0, max(18, headAge-10+rng.IntN(20)), 1)
		case youngestParent-16 >= 1:
			m = g.person(last, rng.IntN(2) == 0, 1+rng.IntN(min(youngestParent-16, 28)), 4)
		default:
			m = g.person(pick(rng, catalogFamilyNames), rng.IntN(2) == 0, 5+rng.IntN(70), imis.RelationOther)
		}
		members = append(members, m)
	}
	for _, m := range members {
		m.hf = hf
	}
	f.members = members
}

// person invents one member of age years (on the build date, give or take a few months) with
// the attributes a registration form asks for. Everybody is at least 15 months old, so nobody
// was born after the family's earliest enrolment.
func (g *enrolGen) person(last string, male bool, age, relation int) *member {
	rng := g.rng
	given, gender := catalogGivenNamesFemale, "F"
	if male {
		given, gender = catalogGivenNamesMale, "M"
	}
	m := &member{id: imis.NewID(), chfid: g.numbers.next(), last: last, other: pick(rng, given), gender: gender,
		relation: relation, status: imis.InsureeActive,
		dob: g.today.AddMonths(-12*age - 3).AddDays(-rng.IntN(365))}
	if rng.IntN(100) < 40 && age >= 10 {
		m.other += " " + pick(rng, given) // a second given name
	}
	adult := age >= 18
	switch {
	case relation == 8:
		m.marital = "M"
	case adult && relation != 0:
		m.marital = pick(rng, []string{"S", "S", "M", "W", "N"})
	case !adult:
		m.marital = "N"
	}
	if adult {
		switch {
		case gender == "F" && (relation == 8 || relation == 0) && rng.IntN(100) < 45:
			m.profession = "1"
		default:
			m.profession = pick(rng, []string{"2", "3", "3", "4"})
		}
	}
	switch {
	case age < 4:
	case age < 7:
		m.education = "1"
	case age < 14:
		m.education = "2"
	case age < 19:
		m.education = pick(rng, []string{"2", "3", "3"})
	default:
		m.education = []string{"2", "3", "4", "5", "6", "7"}[weighted(rng, []int{40, 35, 12, 3, 1, 9})]
	}
	phoneShare := map[int]int{0: 85, 8: 60}[relation]
	if phoneShare == 0 && adult {
		phoneShare = 40
	}
	if rng.IntN(100) < phoneShare {
		m.phone = phone(rng)
	}
	if adult && rng.IntN(100) < 50 {
		m.idType = pick(rng, []string{"N", "N", "N", "V", "D", "P"})
		m.idNumber = fmt.Sprintf("%08d%04d", rng.IntN(100000000), rng.IntN(10000))
	}
	m.card = rng.IntN(100) < 75
	m.vulnerable = rng.IntN(100) < 3
	return m
}

// statuses marks a few members inactive (moved away) or dead, never the head, on a day after
// the family's last enrolment, so that every enrolment still counted them as members.
func (g *enrolGen) statuses(f *family) {
	last := imis.Date{}
	for _, p := range f.policies {
		last = laterOf(last, p.enrol)
	}
	if !last.Before(g.today) {
		return
	}
	for _, m := range f.members[1:] {
		switch n := g.prng.IntN(1000); {
		case n < 12:
			m.status, m.reason = imis.InsureeInactive, "Moved away"
		case n < 20:
			m.status, m.reason = imis.InsureeDead, "Deceased"
		default:
			continue
		}
		m.statusDate = between(g.prng, last.AddDays(1), g.today)
	}
}

// productsFor returns the products a family of district d may buy: national, its region's and
// its district's.
func (g *enrolGen) productsFor(d *district) []*product {
	var out []*product
	for _, p := range g.b.products {
		if p.availableIn(d) {
			out = append(out, p)
		}
	}
	return out
}

// chooseProduct prefers the local products, which are cheaper or cover families better: a
// district product where there is one, else often the regional one.
func (g *enrolGen) chooseProduct(d *district) *product {
	avail := g.productsFor(d)
	local := avail[len(avail)-1]
	if local.district != nil && g.prng.IntN(100) < 60 || local.region != nil && g.prng.IntN(100) < 50 {
		return local
	}
	return avail[0]
}

// cover gives a family its policies as its scenario tells.
func (g *enrolGen) cover(f *family, s scenario) {
	rng, today := g.prng, g.today
	back := func(lo, hi int) imis.Date { return today.AddDays(-(lo + rng.IntN(hi-lo+1))) }
	national := g.b.products[0]
	switch s {
	case scenarioExpiring:
		// A national policy (no cycles, no administration period) that runs out this month.
		end := imis.NewDate(today.Time().Year(), today.Time().Month(), 1).AddMonths(1).AddDays(-1)
		for try := 0; try < 40; try++ {
			expiry := between(rng, today, end)
			enrol := expiry.AddDays(1).AddMonths(-national.terms.InsurancePeriod)
			p := g.newPolicy(f, national, imis.StageNew, enrol, nil)
			if !p.Expiry.Before(today) && !p.Expiry.After(end) {
				g.payInFull(p)
				f.policies = append(f.policies, p)
				return
			}
		}
		fallthrough
	case scenarioActive:
		p := g.newPolicy(f, g.chooseProduct(f.district), imis.StageNew, back(7, 330), nil)
		g.payInFull(p)
		f.policies = append(f.policies, p)
	case scenarioIdleUnpaid, scenarioIdlePartial:
		p := g.newPolicy(f, g.chooseProduct(f.district), imis.StageNew, back(0, 60), nil)
		if s == scenarioIdlePartial {
			g.payPart(p)
		}
		g.settle(p)
		f.policies = append(f.policies, p)
	case scenarioSuspended:
		p := g.newPolicy(f, g.chooseProduct(f.district), imis.StageNew, back(120, 300), nil)
		g.payLateAndSuspend(p)
		f.policies = append(f.policies, p)
	case scenarioExpiredPaid, scenarioExpiredUnpaid, scenarioRenewedActive, scenarioRenewedIdle:
		prod := g.chooseProduct(f.district)
		p := g.newPolicy(f, prod, imis.StageNew, back(366, 425), nil)
		if s == scenarioExpiredUnpaid {
			g.settle(p)
		} else {
			g.payInFull(p)
		}
		f.policies = append(f.policies, p)
		if p.status != imis.PolicyExpired || s == scenarioExpiredPaid || s == scenarioExpiredUnpaid {
			return
		}
		// The renewal is entered around the previous expiry, at the latest today.
		enrol := between(rng, p.Expiry.AddDays(-45), earlierOf(today, p.Expiry.AddDays(20)))
		r := g.newPolicy(f, prod, imis.StageRenewal, enrol, p)
		if s == scenarioRenewedActive {
			g.payInFull(r)
		} else {
			if rng.IntN(2) == 0 {
				g.payPart(r)
			}
			g.settle(r)
		}
		f.policies = append(f.policies, r)
	}
}

// newPolicy prices and dates a policy as the server does when it is entered: members in
// registration order, adult by their exact age on the enrolment date.
func (g *enrolGen) newPolicy(f *family, prod *product, stage string, enrol imis.Date, prev *policy) *policy {
	p := &policy{id: imis.NewID(), fam: f, prod: prod, enrol: enrol, prev: prev, status: imis.PolicyIdle}
	earlierRenewals := 0
	if prev != nil {
		p.prevExpiry = prev.Expiry
		for _, q := range f.policies {
			if q.Stage == imis.StageRenewal && q.prod == prod {
				earlierRenewals++
			}
		}
	}
	members := make([]imis.Member, len(f.members))
	for i, m := range f.members {
		members[i] = imis.Member{Adult: imis.Adult(m.dob, enrol), Relation: m.relation}
	}
	figures, err := imis.PricePolicy(prod.terms, members, stage, enrol, p.prevExpiry, earlierRenewals)
	if err != nil {
		panic(fmt.Sprintf("demo: product %s: %v", prod.code, err)) // the demo's own cycles are valid
	}
	p.PolicyFigures = figures
	p.lastPay = imis.LastDateForPayment(prod.terms, stage, enrol, p.Start, p.prevExpiry)
	if stage == imis.StageNew && g.prng.IntN(100) < 4 {
		g.contribute(p, 50000, enrol, imis.DecisionNone, true)
	}
	return p
}

// payWindowEnd is the last day on which a payment is on time, but not after today.
func (g *enrolGen) payWindowEnd(p *policy) imis.Date {
	return earlierOf(g.today, laterOf(p.lastPay, p.enrol))
}

// payInFull pays the whole value in one to three instalments (at most the product's maximum),
// on time.
func (g *enrolGen) payInFull(p *policy) {
	k := 1 + weighted(g.prng, []int{60, 30, 10})
	if p.prod.maxInstallments > 0 {
		k = min(k, p.prod.maxInstallments)
	}
	dates := g.payDates(k, p.enrol, g.payWindowEnd(p))
	paid := imis.Money(0)
	for i, d := range dates {
		amount := (p.Value - paid) / imis.Money(k-i) / 100 * 100
		if i == k-1 || amount <= 0 {
			amount = p.Value - paid
		}
		g.contribute(p, amount, d, imis.DecisionWait, false)
		paid += amount
		if paid >= p.Value {
			break
		}
	}
	g.settle(p)
}

// payPart pays between a third and two thirds of the value, on time, and leaves the policy Idle.
func (g *enrolGen) payPart(p *policy) {
	amount := p.Value * imis.Money(33+g.prng.IntN(34)) / 100 / 100 * 100
	if amount <= 0 || amount >= p.Value {
		return
	}
	g.contribute(p, amount, between(g.prng, p.enrol, g.payWindowEnd(p)), imis.DecisionWait, false)
}

// payLateAndSuspend pays part of the value on time and another part too late (or as the last
// allowed instalment), after which the officer suspends the policy.
func (g *enrolGen) payLateAndSuspend(p *policy) {
	onTime := g.payWindowEnd(p)
	if p.lastPay.Before(g.today) {
		g.contribute(p, p.Value*30/100/100*100, between(g.prng, p.enrol, onTime), imis.DecisionWait, false)
		late := between(g.prng, laterOf(p.lastPay.AddDays(1), p.enrol), g.today)
		g.contribute(p, p.Value*20/100/100*100, late, imis.DecisionSuspend, false)
	} else {
		// Not late yet: the instalments run out instead.
		n := max(2, p.prod.maxInstallments)
		for i, d := range g.payDates(n, p.enrol, onTime) {
			amount, decision := p.Value*10/100/100*100, imis.DecisionWait
			if i == 0 {
				amount = p.Value * 30 / 100 / 100 * 100
			}
			if i == n-1 {
				decision = imis.DecisionSuspend
			}
			g.contribute(p, amount, d, decision, false)
		}
	}
	g.settle(p)
}

// payDates returns k ascending pay days from lo to hi.
func (g *enrolGen) payDates(k int, lo, hi imis.Date) []imis.Date {
	out := make([]imis.Date, k)
	for i := range out {
		out[i] = between(g.prng, lo, hi)
	}
	slices.SortFunc(out, func(a, b imis.Date) int { return a.Time().Compare(b.Time()) })
	return out
}

// contribute records one payment and lets the activation rule decide its effect, as a
// contribution entered on its pay date would (activation option 1).
func (g *enrolGen) contribute(p *policy, amount imis.Money, payDate imis.Date, decision imis.PaymentDecision, photo bool) {
	if amount <= 0 {
		return
	}
	var paid imis.Money
	installment := 1
	for _, c := range p.premiums {
		if !c.photo {
			paid += c.amount
			installment++
		}
	}
	effect := imis.ApplyContribution(imis.Contribution{
		PolicyStatus: p.status, PolicyValue: p.Value, PolicyStart: p.Start, PolicyEffective: p.effective,
		PaidBefore: paid, Amount: amount, PayDate: payDate, PhotoFee: photo, Installment: installment,
		MaxInstallments: p.prod.maxInstallments, LastPayDate: p.lastPay, Option: imis.ActivateOnPayment, Decision: decision,
	})
	p.status, p.effective = effect.Status, effect.Effective
	g.receipts[p.prod]++
	c := &premium{id: imis.NewID(), amount: amount, payDate: payDate, photo: photo, payType: "C",
		receipt: fmt.Sprintf("RC-%s-%06d", p.prod.code, g.receipts[p.prod])}
	switch n := g.prng.IntN(100); {
	case photo:
	case n < 10:
		if payers := g.payersFor(p); len(payers) > 0 {
			c.payer, c.payType = pick(g.prng, payers), "B"
		}
	case n < 20:
		c.payType = "B"
	case n < 32:
		c.payType = "M"
	}
	p.premiums = append(p.premiums, c)
}

// payersFor returns the payers that may pay for the policy's product (imis.PayerFunds); of
// those, the demo keeps the payers of the family's own district or region, as a scheme would.
func (g *enrolGen) payersFor(p *policy) []imis.ID {
	home := []any{p.fam.district.id, p.fam.district.region.id, nil}
	product := p.prod.place()
	var out []imis.ID
	for _, r := range g.payers {
		if imis.PayerFunds(product, r.place) && slices.Contains(home, r.location) {
			out = append(out, r.id)
		}
	}
	return out
}

// settle applies the nightly expiry: a policy whose expiry date has passed is Expired,
// whatever its status was.
func (g *enrolGen) settle(p *policy) {
	if imis.ExpiredBy(p.Expiry, g.today) {
		p.status = imis.PolicyExpired
	}
}

// write adds the population's rows to the bulk run: families, then members, policies, coverage
// rows and contributions, parents before the children that refer to them. The columns the store
// derives come from the same builders its rules use.
func (g *enrolGen) write(l *store.Loader, families []*family) error {
	now, src := l.Now(), l.RunID().String()
	row := func(id imis.ID, wire int64, fields imis.Values) imis.Values {
		fields["id"], fields["wire_id"], fields["version"], fields["validity_from"] = id, wire, 1, now
		fields["source"], fields["source_version"] = "demo", src
		return fields
	}
	var wireFamily, wireInsuree, wirePolicy, wirePremium int64
	for i, f := range families {
		head := f.head()
		wireFamily++
		fam := row(f.id, wireFamily, imis.Values{"location_id": f.village.id, "poverty": f.poverty, "family_type": nullText(f.familyType),
			"address": f.village.name + ", " + f.district.name, "confirmation_no": nullText(f.confirmN),
			"confirmation_type": nullText(f.confirmType), "is_offline": false, "district_id": f.district.id})
		maps.Copy(fam, imis.FamilyHead(head.id, head.chfid, head.last, head.other))
		fam["search_text"] = imis.Families.SearchText(fam)
		if err := l.AddValues("families", familyColumns, fam); err != nil {
			return err
		}
		for _, m := range f.members {
			wireInsuree++
			ins := row(m.id, wireInsuree, imis.Values{"chfid": m.chfid, "last_name": m.last, "other_names": m.other, "family_id": f.id,
				"is_head": m.head, "dob": m.dob, "gender": m.gender, "marital": nullText(m.marital), "type_of_id": nullText(m.idType),
				"passport": nullText(m.idNumber), "phone": nullText(m.phone), "card_issued": m.card, "profession": nullText(m.profession),
				"education": nullText(m.education), "status": m.status, "status_date": m.statusDate, "status_reason": nullText(m.reason),
				"vulnerability": m.vulnerable, "is_offline": false, "district_id": f.district.id})
			if m.relation != 0 {
				ins["relationship"] = strconv.Itoa(m.relation)
			}
			if m.hf != imis.NilID {
				ins["hf_id"] = m.hf
			}
			ins["search_text"] = imis.Insurees.SearchText(ins)
			if err := l.AddValues("insurees", insureeColumns, ins); err != nil {
				return err
			}
		}
		policies := make([]imis.Values, len(f.policies))
		for k, p := range f.policies {
			wirePolicy++
			pol := row(p.id, wirePolicy, p.PolicyFigures.Values())
			maps.Copy(pol, imis.PolicyCopies(f.district.id, head.chfid, p.prod.code))
			pol["family_id"], pol["product_id"], pol["officer_id"], pol["enroll_date"], pol["is_offline"] = f.id, p.prod.id, f.officer, p.enrol, false
			if p.prev != nil {
				pol["previous_id"] = p.prev.id
			}
			// The payments the generator made have moved the policy on from Idle.
			pol["status"], pol["effective_date"] = int64(p.status), p.effective
			pol["search_text"] = imis.Policies.SearchText(pol)
			if err := l.AddValues("policies", policyColumns, pol); err != nil {
				return err
			}
			policies[k] = pol
			for _, m := range imis.CoveredMembers(f.members, p.prod.terms.MaxMembers) {
				cover := imis.CoverageRow(p.id, pol, m.id, p.effective)
				cover["id"], cover["validity_from"] = imis.NewID(), now
				if err := l.AddValues("insuree_policies", coverageColumns, cover); err != nil {
					return err
				}
			}
		}
		for k, p := range f.policies {
			for _, c := range p.premiums {
				wirePremium++
				prem := row(c.id, wirePremium, imis.ContributionCopies(policies[k]))
				prem["policy_id"], prem["amount"], prem["receipt"], prem["pay_date"] = p.id, c.amount, c.receipt, c.payDate
				prem["pay_type"], prem["is_photo_fee"], prem["is_offline"] = c.payType, c.photo, false
				if c.payer != imis.NilID {
					prem["payer_id"] = c.payer
				}
				prem["search_text"] = imis.Contributions.SearchText(prem)
				if err := l.AddValues("premiums", premiumColumns, prem); err != nil {
					return err
				}
			}
		}
		if (i+1)%100 == 0 {
			g.b.progress(i+1, len(families))
		}
	}
	return nil
}

// nullText stores an empty text as NULL, as a form leaves an unanswered field.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}
