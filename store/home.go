package store

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// The home page's figures. Counting a whole register for every view made the home page the
// slowest page of a large scheme, so the registers are counted for everyone at once, at most
// once a minute, by the keys that district scoping reads; a view adds up its user's keys in Go
// and costs no SQL. The user's own work is counted by queries that stop at WorkCountCap, each
// served by an index. The cache lives in the store because the sum over keys must follow
// scopePredicate exactly, rule by rule, and is kept beside it.

// TotalsMaxAge is how old the register totals grow before a view starts a recount. Each server
// process keeps its own totals.
const TotalsMaxAge = time.Minute

// recountTimeout bounds a recount, so that one stuck query cannot stop every later recount.
const recountTimeout = 5 * time.Minute

// RegisterTotals are the current records of every register, counted by scope key at one moment.
type RegisterTotals struct {
	At      time.Time             // when the count began
	counts  map[string][]keyCount // by register name
	regions map[imis.ID]imis.ID   // the region of every district a user works in
}

// keyCount is how many current records of a register share one scope key.
type keyCount struct {
	// key is the scope column's value: a district, or for areas a region, a district or none;
	// for claim administrators their facility's district; for locations their district.
	key uuid.NullUUID
	// region is, for a region's own location row, its id.
	region uuid.NullUUID
	// districts are, for users, the districts each of the users counted works in.
	districts []imis.ID
	n         int
}

// Visible returns how many current records of reg u sees, by the rules of scopePredicate.
func (t *RegisterTotals) Visible(reg *imis.Register, u *imis.User) int {
	all := u != nil && !u.Scoped()
	districts, regions := map[imis.ID]bool{}, map[imis.ID]bool{}
	if u != nil {
		for _, d := range u.Districts {
			districts[d] = true
			if r, ok := t.regions[d]; ok {
				regions[r] = true
			}
		}
	}
	n := 0
	for _, c := range t.counts[reg.Name] {
		if all || c.visible(reg.Scope.Kind, districts, regions) {
			n += c.n
		}
	}
	return n
}

func (c keyCount) visible(kind imis.ScopeKind, districts, regions map[imis.ID]bool) bool {
	in := func(set map[imis.ID]bool, id uuid.NullUUID) bool { return id.Valid && set[id.UUID] }
	switch kind {
	case imis.ScopeDistrict, imis.ScopeViaHF:
		return in(districts, c.key)
	case imis.ScopeArea:
		return !c.key.Valid || in(districts, c.key) || in(regions, c.key)
	case imis.ScopeLocation:
		return in(districts, c.key) || in(regions, c.region)
	case imis.ScopeUser:
		return slices.ContainsFunc(c.districts, func(d imis.ID) bool { return districts[d] })
	}
	return true
}

// RegisterTotals returns the latest register totals. The first call counts and waits; later
// ones answer at once, and the first one after TotalsMaxAge starts a recount in the background
// that no other call repeats while it runs.
func (db *DB) RegisterTotals(ctx context.Context) (*RegisterTotals, error) {
	return db.totals.get(ctx, db.Now(), db.countTotals)
}

// countTotals counts the current records of every register by scope key.
func (db *DB) countTotals(ctx context.Context) (*RegisterTotals, error) {
	t := &RegisterTotals{At: db.now(), counts: map[string][]keyCount{}, regions: map[imis.ID]imis.ID{}}
	rows, err := db.read.QueryContext(ctx, `SELECT rl.id, rl.parent_id FROM locations rl
		WHERE rl.parent_id IS NOT NULL AND rl.id IN (SELECT ud.location_id FROM user_districts ud WHERE ud.validity_to IS NULL)`)
	if err != nil {
		return nil, mapError(err)
	}
	for rows.Next() {
		var d, r imis.ID
		if err := rows.Scan(&d, &r); err != nil {
			rows.Close()
			return nil, mapError(err)
		}
		t.regions[d] = r
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	for _, reg := range imis.AllRegisters {
		var counts []keyCount
		if reg.Scope.Kind == imis.ScopeUser {
			counts, err = db.countUsers(ctx, reg)
		} else {
			counts, err = db.countByKey(ctx, reg)
		}
		if err != nil {
			return nil, err
		}
		t.counts[reg.Name] = counts
	}
	return t, nil
}

// countByKey counts the current records of reg grouped by the columns its scope reads.
func (db *DB) countByKey(ctx context.Context, reg *imis.Register) ([]keyCount, error) {
	from := " FROM " + reg.Table + " t WHERE t.validity_to IS NULL"
	var q string
	switch reg.Scope.Kind {
	case imis.ScopeDistrict, imis.ScopeArea:
		q = "SELECT t." + reg.Scope.Column + ", COUNT(*)" + from + " GROUP BY t." + reg.Scope.Column
	case imis.ScopeViaHF:
		q = "SELECT sh.location_id, COUNT(*) FROM " + reg.Table + " t LEFT JOIN health_facilities sh ON sh.id = t." + reg.Scope.Column +
			" WHERE t.validity_to IS NULL GROUP BY sh.location_id"
	case imis.ScopeLocation:
		region := "CASE WHEN t.type = 'R' THEN t.id END"
		q = "SELECT t.district_id, " + region + ", COUNT(*)" + from + " GROUP BY t.district_id, " + region
	default:
		q = "SELECT COUNT(*)" + from
	}
	rows, err := db.read.QueryContext(ctx, q)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []keyCount
	for rows.Next() {
		var c keyCount
		dest := []any{&c.n}
		switch reg.Scope.Kind {
		case imis.ScopeDistrict, imis.ScopeArea, imis.ScopeViaHF:
			dest = []any{&c.key, &c.n}
		case imis.ScopeLocation:
			dest = []any{&c.key, &c.region, &c.n}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, mapError(err)
		}
		out = append(out, c)
	}
	return out, mapError(rows.Err())
}

// countUsers counts the current users by the set of districts they work in: a user with two of
// a viewer's districts is one user, so users cannot be counted per district.
func (db *DB) countUsers(ctx context.Context, reg *imis.Register) ([]keyCount, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT t.id, su.location_id FROM "+reg.Table+
		" t LEFT JOIN user_districts su ON su.owner_id = t.id AND su.validity_to IS NULL WHERE t.validity_to IS NULL ORDER BY t.id")
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	bySet := map[string]*keyCount{}
	var user imis.ID
	var districts []imis.ID
	add := func() {
		slices.SortFunc(districts, func(a, b imis.ID) int { return strings.Compare(a.String(), b.String()) })
		var key strings.Builder
		for _, d := range districts {
			key.WriteString(d.String())
		}
		c := bySet[key.String()]
		if c == nil {
			c = &keyCount{districts: districts}
			bySet[key.String()] = c
		}
		c.n++
	}
	for rows.Next() {
		var id imis.ID
		var district uuid.NullUUID
		if err := rows.Scan(&id, &district); err != nil {
			return nil, mapError(err)
		}
		if id != user {
			if user != imis.NilID {
				add()
			}
			user, districts = id, nil
		}
		if district.Valid {
			districts = append(districts, district.UUID)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	if user != imis.NilID {
		add()
	}
	out := make([]keyCount, 0, len(bySet))
	for _, c := range bySet {
		out = append(out, *c)
	}
	return out, nil
}

// recounted keeps a value that is costly to compute and may be up to TotalsMaxAge old: a
// caller gets the value it holds, and the first caller after that age starts one recount in the
// background, which the callers arriving meanwhile share instead of starting their own. Only
// when it holds no value yet does a caller wait for the count.
type recounted[T any] struct {
	mu      sync.Mutex
	value   T
	have    bool
	began   time.Time     // when the latest count began, whether it succeeded or not
	running chan struct{} // closed when the count in flight ends; nil when none runs
	err     error         // why the latest count failed
}

func (c *recounted[T]) get(ctx context.Context, now time.Time, count func(context.Context) (T, error)) (T, error) {
	c.mu.Lock()
	if c.running == nil && (!c.have || now.Sub(c.began) >= TotalsMaxAge) {
		c.began, c.running = now, make(chan struct{})
		go c.recount(c.running, count)
	}
	value, have, running := c.value, c.have, c.running
	c.mu.Unlock()
	if have {
		return value, nil
	}
	select {
	case <-running:
	case <-ctx.Done():
		return value, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.have {
		return value, c.err
	}
	return c.value, nil
}

// recount runs one count and keeps its value; a failed count keeps the previous value, and the
// next is tried when that one is due. It does not run under the request that started it, which
// may end before the count does.
func (c *recounted[T]) recount(done chan struct{}, count func(context.Context) (T, error)) {
	ctx, cancel := context.WithTimeout(context.Background(), recountTimeout)
	defer cancel()
	v, err := count(ctx)
	c.mu.Lock()
	if err == nil {
		c.value, c.have = v, true
	}
	c.err, c.running = err, nil
	c.mu.Unlock()
	close(done)
}

// WorkCountCap bounds the counts of a user's work: past it the home page says "more than".
const WorkCountCap = 1000

// CappedCount is a count that stops past WorkCountCap.
type CappedCount struct {
	N    int  // the count, at most WorkCountCap
	More bool // there are more than N
}

// capped returns the statement that counts the rows q selects, reading no more than one past
// the cap.
func capped(q *query) string {
	return "SELECT COUNT(*) FROM (" + q.String() + " LIMIT " + q.arg(WorkCountCap+1) + ") x"
}

// cappedCount counts the rows q selects, up to one past the cap.
func (db *DB) cappedCount(ctx context.Context, q *query) (CappedCount, error) {
	var n int
	text := capped(q) // adds the limit to q.args, so it must run before they are read
	if err := db.read.QueryRowContext(ctx, text, q.args...).Scan(&n); err != nil {
		return CappedCount{}, mapError(err)
	}
	return CappedCount{N: min(n, WorkCountCap), More: n > WorkCountCap}, nil
}

// renewalsDueQuery selects the reminders of the renewals list (VisibleRenewals) that u sees and
// that fall due by until. For a district user the reminder's copy of its family's district
// makes them a range of the user's districts' reminders, which the list's own rule then checks.
func renewalsDueQuery(u *imis.User, until imis.Date) *query {
	q := &query{}
	q.WriteString("SELECT 1 FROM " + openRemindersFrom + " WHERE " + openRemindersWhere(q, u) + " AND r.renewal_date <= " + q.arg(until))
	if u.Scoped() {
		q.WriteString(" AND r.district_id IN " + districtsOf(q, u))
	}
	return q
}

// CountRenewalsDue counts the open renewal reminders of the families the acting user may see
// that fall due by until: the renewals list with that date as its limit.
func (db *DB) CountRenewalsDue(ctx context.Context, until imis.Date) (CappedCount, error) {
	return db.cappedCount(ctx, renewalsDueQuery(imis.UserFromContext(ctx), until))
}

// awaitingPaymentQuery selects the policies u sees that are sold and wait for their
// contributions: Idle ones, as the policy search by that status finds them.
func awaitingPaymentQuery(u *imis.User) *query {
	q := &query{}
	q.WriteString("SELECT 1 FROM policies t WHERE t.validity_to IS NULL AND t.status = " + q.arg(int64(imis.PolicyIdle)) +
		" AND " + scopePredicate(q, imis.Policies, u, false))
	return q
}

// CountPoliciesAwaitingPayment counts the Idle policies the acting user may see.
func (db *DB) CountPoliciesAwaitingPayment(ctx context.Context) (CappedCount, error) {
	return db.cappedCount(ctx, awaitingPaymentQuery(imis.UserFromContext(ctx)))
}
