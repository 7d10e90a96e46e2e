package demo_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// enrolled is a demo scheme built with families, with a plain connection for the tables no
// register exposes (coverage rows, the audit log).
type enrolled struct {
	db    *store.DB
	raw   *sql.DB
	sum   *demo.Summary
	took  time.Duration
	today imis.Date
	pl    *progressLog
}

func buildEnrolled(t *testing.T, seed int64, families int, now func() time.Time) *enrolled {
	t.Helper()
	db, dsn := testdb.OpenDSN(t)
	if now != nil {
		db.Now = now
	}
	driver := "sqlite"
	if store.IsPostgres(dsn) {
		driver = "pgx"
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	pl := &progressLog{last: map[string][2]int{}}
	start := time.Now()
	sum, err := demo.Build(context.Background(), db, demo.Options{Seed: seed, Families: families, Progress: func(stage string, done, total int) {
		if n := len(pl.stages); n == 0 || pl.stages[n-1] != stage {
			pl.stages = append(pl.stages, stage)
		}
		pl.last[stage] = [2]int{done, total}
	}})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("demo build with %d families on %s took %v", families, testdb.Engine(), took.Round(time.Millisecond))
	return &enrolled{db: db, raw: raw, sum: sum, took: took, today: db.Today(), pl: pl}
}

func (e *enrolled) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.raw.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// each runs q and hands every row's scanned values to fn.
func (e *enrolled) each(t *testing.T, q string, dest []any, fn func(), args ...any) {
	t.Helper()
	rows, err := e.raw.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		fn()
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

type dbPolicy struct {
	id, family, product, prev          string
	stage                              string
	enrol, start, expiry, eff, prevExp imis.Date
	value, status, paid, cover         int64
}

// policies reads every policy with its previous expiry and what was paid towards it.
func (e *enrolled) policies(t *testing.T) []*dbPolicy {
	t.Helper()
	var out []*dbPolicy
	var p dbPolicy
	var prev sql.NullString
	e.each(t, `SELECT p.id, p.family_id, p.product_id, p.previous_id, p.stage, p.enroll_date, p.start_date, p.expiry_date, p.effective_date,
			q.expiry_date, p.value, p.status,
			(SELECT CAST(COALESCE(SUM(c.amount), 0) AS BIGINT) FROM premiums c WHERE c.policy_id = p.id AND c.is_photo_fee = $1),
			(SELECT COUNT(*) FROM insuree_policies ip WHERE ip.policy_id = p.id)
		FROM policies p LEFT JOIN policies q ON q.id = p.previous_id ORDER BY p.wire_id`,
		[]any{&p.id, &p.family, &p.product, &prev, &p.stage, &p.enrol, &p.start, &p.expiry, &p.eff, &p.prevExp, &p.value, &p.status, &p.paid, &p.cover},
		func() {
			c := p
			c.prev = prev.String
			out = append(out, &c)
		}, false)
	return out
}

func TestEnrolment(t *testing.T) {
	checkEnrolment(t, buildEnrolled(t, 1, 200, nil), 200)
}

// TestEnrolmentOnOtherDays builds smaller populations on days where calendars bite: a leap day
// at a month's end, the first day of a year, the last day of a cycle.
func TestEnrolmentOnOtherDays(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three more populations")
	}
	for _, day := range []imis.Date{imis.NewDate(2028, 2, 29), imis.NewDate(2027, 1, 1), imis.NewDate(2026, 6, 30)} {
		t.Run(day.String(), func(t *testing.T) {
			at := time.Date(day.Time().Year(), day.Time().Month(), day.Time().Day(), 12, 0, 0, 0, time.Local)
			checkEnrolment(t, buildEnrolled(t, 3, 100, func() time.Time { return at }), 100)
		})
	}
}

func checkEnrolment(t *testing.T, e *enrolled, families int) {
	ctx := imis.SystemContext(context.Background())
	sum, today := e.sum, e.today

	t.Run("Counts", func(t *testing.T) {
		for _, c := range []struct {
			table string
			got   int
		}{{"products", sum.Products}, {"families", sum.Families}, {"insurees", sum.Insurees}, {"policies", sum.Policies}, {"premiums", sum.Contributions}} {
			if n := e.count(t, "SELECT COUNT(*) FROM "+c.table); n != c.got || n == 0 {
				t.Errorf("%s: summary %d, database %d", c.table, c.got, n)
			}
		}
		if sum.Families != families || sum.Products != 3 {
			t.Errorf("summary %+v", sum)
		}
		if mean := float64(sum.Insurees) / float64(sum.Families); mean < 3.4 || mean > 4.6 {
			t.Errorf("%.2f members per family", mean)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM (SELECT family_id FROM insurees GROUP BY family_id HAVING COUNT(*) > 7) x"); n != 0 {
			t.Errorf("%d families with more than 7 members", n)
		}
		byStatus := map[int]int{}
		var status, n int
		e.each(t, "SELECT status, COUNT(*) FROM policies GROUP BY status", []any{&status, &n}, func() { byStatus[status] = n })
		if fmt.Sprint(byStatus) != fmt.Sprint(sum.PoliciesByStatus) {
			t.Errorf("policies by status: summary %v, database %v", sum.PoliciesByStatus, byStatus)
		}
		for _, s := range []int{imis.PolicyIdle, imis.PolicyActive, imis.PolicySuspended, imis.PolicyExpired} {
			if byStatus[s] == 0 {
				t.Errorf("no policy of status %d: %v", s, byStatus)
			}
		}
		if byStatus[imis.PolicyReady] != 0 {
			t.Errorf("Ready policies under activation option 1: %v", byStatus)
		}
		renewals := e.count(t, "SELECT COUNT(*) FROM policies WHERE stage = 'R' AND previous_id IS NOT NULL AND renewal_order = 1")
		if renewals == 0 || renewals != e.count(t, "SELECT COUNT(*) FROM policies WHERE stage = 'R'") {
			t.Errorf("%d renewals with a previous policy", renewals)
		}
		t.Logf("%d families, %d insurees, %d policies %v, %d contributions, %d renewals", sum.Families, sum.Insurees, sum.Policies,
			sum.PoliciesByStatus, sum.Contributions, renewals)
	})

	t.Run("Products", func(t *testing.T) {
		recs := findAll(t, ctx, e.db, imis.Products)
		if len(recs) != 3 {
			t.Fatalf("%d products", len(recs))
		}
		codes := map[imis.ID]string{}
		locations := map[string]string{}
		for _, r := range recs {
			codes[r.ID] = r.Values["code"].(string)
		}
		for _, l := range findAll(t, ctx, e.db, imis.Locations) {
			for _, r := range recs {
				if r.Values["location_id"] == l.ID {
					locations[codes[r.ID]] = l.Values["code"].(string)
				}
			}
		}
		if fmt.Sprint(locations) != "map[DPC01:R2D1 RFC01:R1]" {
			t.Errorf("product locations %v", locations)
		}
		for _, r := range recs {
			full, err := e.db.FindByID(ctx, imis.Products, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			code := codes[r.ID]
			if conv, _ := full.Values["conversion_product_id"].(imis.ID); (code == "DPC01") != (codes[conv] == "NBC01") {
				t.Errorf("%s converts into %q", code, codes[conv])
			}
			lines := append(append([]imis.Values(nil), full.Children["items"]...), full.Children["services"]...)
			if len(full.Children["items"]) != sum.Items || len(full.Children["services"]) != sum.Services {
				t.Errorf("%s covers %d items and %d services of %d and %d", code, len(full.Children["items"]), len(full.Children["services"]), sum.Items, sum.Services)
			}
			var fixed, waiting, quantity int
			for _, l := range lines {
				if l["limitation_type"] == "F" {
					fixed++
				}
				if l["waiting_period_adult"] != nil || l["waiting_period_child"] != nil {
					waiting++
				}
				if l["limit_no_adult"] != nil {
					quantity++
				}
			}
			if fixed == 0 || waiting == 0 || quantity == 0 || waiting > len(lines)/3 {
				t.Errorf("%s: %d fixed-amount limits, %d waiting periods, %d quantity limits in %d lines", code, fixed, waiting, quantity, len(lines))
			}
			terms := imis.TermsOf(full.Values)
			if code == "RFC01" && (len(terms.StartCycles) != 2 || terms.LumpSum != 3000000 || terms.Threshold != 4) ||
				code == "NBC01" && (terms.PremiumAdult != 1000000 || terms.PremiumChild != 500000 || terms.MaxMembers != 8 || terms.HasCycles()) {
				t.Errorf("%s terms %+v", code, terms)
			}
		}
	})

	t.Run("InsuranceNumbers", func(t *testing.T) {
		seen := map[string]bool{}
		var chfid string
		e.each(t, "SELECT chfid FROM insurees", []any{&chfid}, func() {
			if k := imis.DemoNumberRule.Check(chfid); k != "" {
				t.Errorf("insurance number %q: %s", chfid, k)
			}
			if seen[chfid] {
				t.Errorf("insurance number %q twice", chfid)
			}
			seen[chfid] = true
		})
		if len(seen) != sum.Insurees {
			t.Errorf("%d numbers for %d insurees", len(seen), sum.Insurees)
		}
		for key, want := range map[string]string{"chfid_length": "9", "chfid_modulo": "7"} {
			if v, err := e.db.Setting(ctx, key); err != nil || v != want {
				t.Errorf("setting %s = %q (%v), want %s", key, v, err, want)
			}
		}
	})

	t.Run("DerivedColumns", func(t *testing.T) {
		checks := map[string]string{
			"family outside a village or its district": `SELECT COUNT(*) FROM families f JOIN locations l ON l.id = f.location_id
				WHERE l.type <> 'V' OR f.district_id IS NULL OR f.district_id <> l.district_id`,
			"family head": `SELECT COUNT(*) FROM families f LEFT JOIN insurees i ON i.id = f.head_id
				WHERE i.id IS NULL OR i.family_id <> f.id OR NOT i.is_head OR f.head_chfid <> i.chfid OR f.head_name <> i.last_name || ' ' || i.other_names`,
			"second head":       `SELECT COUNT(*) FROM insurees i JOIN families f ON f.id = i.family_id WHERE i.is_head AND i.id <> f.head_id`,
			"insuree district":  `SELECT COUNT(*) FROM insurees i JOIN families f ON f.id = i.family_id WHERE i.district_id <> f.district_id`,
			"insuree status":    `SELECT COUNT(*) FROM insurees WHERE status <> 'AC' AND (status_date IS NULL OR status_reason IS NULL OR is_head)`,
			"head relationship": `SELECT COUNT(*) FROM insurees WHERE is_head AND relationship IS NOT NULL OR NOT is_head AND relationship IS NULL`,
			"policy family": `SELECT COUNT(*) FROM policies p JOIN families f ON f.id = p.family_id JOIN products r ON r.id = p.product_id
				WHERE p.district_id <> f.district_id OR p.head_chfid <> f.head_chfid OR p.product_code <> r.code`,
			"product not sold there": `SELECT COUNT(*) FROM policies p JOIN families f ON f.id = p.family_id JOIN locations l ON l.id = f.district_id
				JOIN products r ON r.id = p.product_id WHERE r.location_id IS NOT NULL AND r.location_id <> l.id AND r.location_id <> l.region_id
				OR p.enroll_date < r.date_from OR p.enroll_date > r.date_to`,
			"officer of another district": `SELECT COUNT(*) FROM policies p JOIN officers o ON o.id = p.officer_id WHERE o.location_id <> p.district_id`,
			"officer of another village": `SELECT COUNT(*) FROM policies p JOIN families f ON f.id = p.family_id WHERE NOT EXISTS (SELECT 1
				FROM officer_villages v WHERE v.owner_id = p.officer_id AND v.location_id = f.location_id AND v.validity_to IS NULL)`,
			"contribution policy": `SELECT COUNT(*) FROM premiums c JOIN policies p ON p.id = c.policy_id
				WHERE c.family_id <> p.family_id OR c.product_id <> p.product_id OR c.district_id <> p.district_id OR c.head_chfid <> p.head_chfid`,
			"contribution in the future": `SELECT COUNT(*) FROM premiums c JOIN policies p ON p.id = c.policy_id WHERE c.pay_date < p.enroll_date OR c.pay_date > $1`,
			"enrolment in the future":    `SELECT COUNT(*) FROM policies WHERE enroll_date > $1 OR enroll_date < $2`,
			"coverage row":               `SELECT COUNT(*) FROM insuree_policies ip JOIN policies p ON p.id = ip.policy_id JOIN insurees i ON i.id = ip.insuree_id WHERE ip.family_id <> p.family_id OR i.family_id <> p.family_id OR ip.enrollment_date <> p.enroll_date OR ip.start_date <> p.start_date OR ip.expiry_date <> p.expiry_date OR (ip.effective_date IS NULL) <> (p.effective_date IS NULL) OR ip.effective_date <> p.effective_date`,
			"payer elsewhere": `SELECT COUNT(*) FROM premiums c JOIN payers y ON y.id = c.payer_id JOIN locations l ON l.id = c.district_id
				WHERE y.location_id IS NOT NULL AND y.location_id <> l.id AND y.location_id <> l.region_id`,
		}
		for name, q := range checks {
			var args []any
			switch name {
			case "contribution in the future":
				args = []any{today}
			case "enrolment in the future":
				args = []any{today, today.AddMonths(-14).AddDays(-1)}
			}
			if n := e.count(t, q, args...); n != 0 {
				t.Errorf("%s: %d rows", name, n)
			}
		}
		for _, c := range []struct{ table, text string }{
			{"families", "lower(head_chfid || ' ' || head_name)"}, {"insurees", "lower(chfid || ' ' || last_name)"},
			{"policies", "lower(head_chfid || ' ' || product_code)"}, {"premiums", "lower(receipt || ' ' || head_chfid)"},
		} {
			n := e.count(t, "SELECT COUNT(*) FROM "+c.table)
			if bad := e.count(t, "SELECT COUNT(*) FROM "+c.table+" WHERE search_text <> "+c.text); bad != 0 {
				t.Errorf("%s: %d rows with another search text", c.table, bad)
			}
			if d := e.count(t, "SELECT COUNT(DISTINCT wire_id) FROM "+c.table+" WHERE wire_id BETWEEN 1 AND $1", n); d != n {
				t.Errorf("%s: %d distinct wire ids 1..%d", c.table, d, n)
			}
			if bad := e.count(t, "SELECT COUNT(*) FROM "+c.table+" WHERE version <> 1 OR audit_user_id IS NOT NULL OR validity_to IS NOT NULL OR legacy_id IS NOT NULL"); bad != 0 {
				t.Errorf("%s: %d rows not as first saved", c.table, bad)
			}
		}
		if n := e.count(t, "SELECT COUNT(*) FROM premiums WHERE pay_type NOT IN ('C', 'B', 'M')"); n != 0 {
			t.Errorf("%d contributions with another pay type", n)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM premiums WHERE payer_id IS NOT NULL"); n == 0 {
			t.Error("no contribution has a payer")
		}
		if n := e.count(t, "SELECT COUNT(*) FROM premiums WHERE is_photo_fee = $1", true); n == 0 {
			t.Error("no photo fee")
		}
		if n := e.count(t, "SELECT COUNT(*) FROM (SELECT product_id, receipt FROM premiums GROUP BY product_id, receipt HAVING COUNT(*) > 1) x"); n != 0 {
			t.Errorf("%d receipts used twice within a product", n)
		}
	})

	t.Run("OneAuditRecord", func(t *testing.T) {
		var runID, after string
		n := 0
		e.each(t, "SELECT record_id, after_json FROM audit_log WHERE register = 'demo' AND action = $1", []any{&runID, &after}, func() { n++ }, store.ActionBulkRun)
		if n != 1 {
			t.Fatalf("%d bulk-run records", n)
		}
		var doc struct {
			Families int            `json:"families"`
			Counts   map[string]int `json:"counts"`
		}
		if err := json.Unmarshal([]byte(after), &doc); err != nil || doc.Families != families || doc.Counts["insurees"] != sum.Insurees ||
			doc.Counts["premiums"] != sum.Contributions || doc.Counts["insuree_policies"] == 0 {
			t.Errorf("audit after %s (%v)", after, err)
		}
		for table, c := range doc.Counts {
			// Coverage rows carry no source columns; every one of them comes from the run.
			where, args := "source = 'demo' AND source_version = $1", []any{runID}
			if table == "insuree_policies" {
				where, args = "1 = 1", nil
			}
			if got := e.count(t, "SELECT COUNT(*) FROM "+table+" WHERE "+where, args...); got != c {
				t.Errorf("%s: %d rows of the run, audit says %d", table, got, c)
			}
		}
	})

	t.Run("Values", func(t *testing.T) {
		type mem struct {
			dob imis.Date
			rel int
		}
		members := map[string][]mem{}
		var fam string
		var m mem
		var rel sql.NullString
		e.each(t, "SELECT family_id, dob, relationship FROM insurees ORDER BY wire_id", []any{&fam, &m.dob, &rel}, func() {
			m.rel, _ = strconv.Atoi(rel.String)
			members[fam] = append(members[fam], m)
		})
		terms := map[string]imis.PolicyTerms{}
		var renewalDiscounts, enrolmentDiscounts int
		for _, p := range e.policies(t) {
			tm, ok := terms[p.product]
			if !ok {
				id, _ := imis.ParseID(p.product)
				rec, err := e.db.FindByID(ctx, imis.Products, id)
				if err != nil {
					t.Fatal(err)
				}
				tm = imis.TermsOf(rec.Values)
				terms[p.product] = tm
			}
			start, expiry, err := imis.PolicyPeriod(tm, p.enrol, p.stage, p.prevExp)
			if err != nil || start != p.start || expiry != p.expiry {
				t.Errorf("policy %s enrolled %s: dates %s–%s, rules give %s–%s", p.id, p.enrol, p.start, p.expiry, start, expiry)
			}
			priced := make([]imis.Member, len(members[p.family]))
			for i, m := range members[p.family] {
				priced[i] = imis.Member{Adult: imis.AgeAt(m.dob, p.enrol) >= 18, Relation: m.rel}
			}
			base := p.start
			if p.stage == imis.StageRenewal {
				base = p.prevExp.AddDays(1)
				if p.prev == "" {
					t.Errorf("renewal %s without a previous policy", p.id)
				}
			}
			if want := imis.PolicyValue(tm, priced, p.stage, p.enrol, base); imis.Money(p.value) != want {
				t.Errorf("policy %s: value %d, rules give %d", p.id, p.value, want)
			}
			full := tm
			full.EnrolmentDiscountPct, full.RenewalDiscountPct = 0, 0
			if imis.PolicyValue(full, priced, p.stage, p.enrol, base) != imis.Money(p.value) {
				if p.stage == imis.StageNew {
					enrolmentDiscounts++
				} else {
					renewalDiscounts++
				}
			}
			if want := min(len(priced), tm.MaxMembers); p.cover != int64(want) {
				t.Errorf("policy %s: %d coverage rows for %d members, max %d", p.id, p.cover, len(priced), tm.MaxMembers)
			}
		}
		t.Logf("discounted: %d new, %d renewals", enrolmentDiscounts, renewalDiscounts)
	})

	t.Run("StatusesAndPayments", func(t *testing.T) {
		endOfMonth := imis.NewDate(today.Time().Year(), today.Time().Month(), 1).AddMonths(1).AddDays(-1)
		dueNow := 0
		for _, p := range e.policies(t) {
			switch p.status {
			case imis.PolicyActive:
				if p.paid < p.value || p.eff.IsZero() || p.expiry.Before(today) {
					t.Errorf("active policy %s: paid %d of %d, effective %s, expiry %s", p.id, p.paid, p.value, p.eff, p.expiry)
				}
				if p.eff.Before(p.start) {
					t.Errorf("active policy %s effective %s before its start %s", p.id, p.eff, p.start)
				}
				if !p.expiry.Before(today) && !p.expiry.After(endOfMonth) {
					dueNow++
				}
			case imis.PolicyIdle:
				if p.paid >= p.value || !p.eff.IsZero() || p.expiry.Before(today) {
					t.Errorf("idle policy %s: paid %d of %d, effective %s", p.id, p.paid, p.value, p.eff)
				}
			case imis.PolicySuspended:
				if p.paid >= p.value || p.paid == 0 {
					t.Errorf("suspended policy %s: paid %d of %d", p.id, p.paid, p.value)
				}
			case imis.PolicyExpired:
				if !p.expiry.Before(today) {
					t.Errorf("expired policy %s runs to %s", p.id, p.expiry)
				}
			default:
				t.Errorf("policy %s has status %d", p.id, p.status)
			}
		}
		if dueNow == 0 {
			t.Error("no active policy expires this month")
		}
		t.Logf("%d active policies expire by %s", dueNow, endOfMonth)
	})

	t.Run("ThroughTheRegisters", func(t *testing.T) {
		for _, c := range []struct {
			reg  *imis.Register
			want int
		}{{imis.Families, sum.Families}, {imis.Insurees, sum.Insurees}, {imis.Policies, sum.Policies}, {imis.Contributions, sum.Contributions}} {
			if _, n, err := e.db.Find(ctx, c.reg, store.Filter{Page: imis.Page{Size: 1}}); err != nil || n != c.want {
				t.Errorf("%s: %d found (%v), want %d", c.reg.Name, n, err, c.want)
			}
		}
		var chfid string
		if err := e.raw.QueryRow("SELECT chfid FROM insurees ORDER BY wire_id DESC LIMIT 1").Scan(&chfid); err != nil {
			t.Fatal(err)
		}
		recs, n, err := e.db.Find(ctx, imis.Insurees, store.Filter{Text: chfid})
		if err != nil || n != 1 {
			t.Fatalf("search %s: %d %v", chfid, n, err)
		}
		fam, err := e.db.FindByID(ctx, imis.Families, recs[0].Values["family_id"].(imis.ID))
		if err != nil || fam.Values["head_chfid"] == nil {
			t.Fatalf("family of %s: %v %v", chfid, fam, err)
		}
		if _, n, err := e.db.Find(ctx, imis.Policies, store.Filter{Text: fam.Values["head_chfid"].(string)}); err != nil || n == 0 {
			t.Errorf("policies of %v: %d %v", fam.Values["head_chfid"], n, err)
		}
	})

	t.Run("Progress", func(t *testing.T) {
		i := slices.Index(e.pl.stages, "users")
		if i < 0 || !slices.Equal(e.pl.stages[i+1:], []string{"products", "enrolment"}) {
			t.Fatalf("stages %v", e.pl.stages)
		}
		for _, s := range []string{"products", "enrolment"} {
			if l := e.pl.last[s]; l[0] != l[1] || l[1] == 0 {
				t.Errorf("stage %s ended at %d of %d", s, l[0], l[1])
			}
		}
	})
}

// enrolmentDump renders the enrolled population without database ids, so that two builds
// compare equal when they enrolled the same people with the same policies and payments.
func enrolmentDump(t *testing.T, e *enrolled) []string {
	t.Helper()
	var out []string
	var a, b, c, d, f, g string
	var d1, d2, d3, d4 imis.Date
	var n1, n2 int64
	var rel, payer sql.NullString
	var photo bool
	e.each(t, `SELECT i.chfid, i.last_name, i.other_names, i.dob, i.gender, i.relationship, i.status, i.status_date, f.head_chfid, l.code
		FROM insurees i JOIN families f ON f.id = i.family_id JOIN locations l ON l.id = f.location_id ORDER BY i.chfid`,
		[]any{&a, &b, &c, &d1, &d, &rel, &f, &d2, &g, &payer}, func() {
			out = append(out, fmt.Sprintf("insuree %s %s, %s %s %s rel=%s %s %s family=%s village=%s", a, b, c, d1, d, rel.String, f, d2, g, payer.String))
		})
	e.each(t, `SELECT p.head_chfid, p.product_code, p.stage, p.enroll_date, p.start_date, p.effective_date, p.expiry_date, p.value, p.status, o.code
		FROM policies p JOIN officers o ON o.id = p.officer_id ORDER BY p.head_chfid, p.enroll_date`,
		[]any{&a, &b, &c, &d1, &d2, &d3, &d4, &n1, &n2, &d}, func() {
			out = append(out, fmt.Sprintf("policy %s %s %s %s %s %s %s %d %d %s", a, b, c, d1, d2, d3, d4, n1, n2, d))
		})
	e.each(t, `SELECT c.receipt, c.head_chfid, c.amount, c.pay_date, c.pay_type, c.is_photo_fee, y.name
		FROM premiums c LEFT JOIN payers y ON y.id = c.payer_id ORDER BY c.receipt`,
		[]any{&a, &b, &n1, &d1, &c, &photo, &payer}, func() {
			out = append(out, fmt.Sprintf("contribution %s %s %d %s %s %v %s", a, b, n1, d1, c, photo, payer.String))
		})
	return out
}

func TestEnrolmentDeterministic(t *testing.T) {
	// A fixed clock, so that both builds enrol relative to the same day even across midnight.
	now := func() time.Time { return time.Date(2026, 3, 14, 9, 30, 0, 0, time.Local) }
	a := enrolmentDump(t, buildEnrolled(t, 7, 200, now))
	b := enrolmentDump(t, buildEnrolled(t, 7, 200, now))
	c := enrolmentDump(t, buildEnrolled(t, 8, 200, now))
	if !slices.Equal(a, b) {
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("same seed, different populations at line %d:\n%s\n%s", i, a[i], b[i])
			}
		}
		t.Fatalf("same seed, %d and %d lines", len(a), len(b))
	}
	if slices.Equal(a, c) {
		t.Fatal("a different seed enrolled the same population")
	}
	if len(a) < 1000 {
		t.Fatalf("dump has only %d lines", len(a))
	}
}

// TestEnrolmentDefaultSize builds the demo as the demo command does and times it: the target
// is about three seconds on SQLite.
func TestEnrolmentDefaultSize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the full demo population")
	}
	e := buildEnrolled(t, 1, demo.DefaultFamilies, nil)
	t.Logf("%d families, %d insurees, %d policies %v (%d renewals), %d coverage rows, %d contributions in %v on %s",
		e.sum.Families, e.sum.Insurees, e.sum.Policies, e.sum.PoliciesByStatus, e.count(t, "SELECT COUNT(*) FROM policies WHERE stage = 'R'"),
		e.count(t, "SELECT COUNT(*) FROM insuree_policies"), e.sum.Contributions, e.took.Round(time.Millisecond), testdb.Engine())
	if e.sum.Insurees < 3500 || e.sum.Insurees > 4500 {
		t.Errorf("%d insurees for %d families", e.sum.Insurees, e.sum.Families)
	}
	// Generous against loaded machines; the log above shows the real time.
	if testdb.Engine() == store.SQLite && e.took > 9*time.Second {
		t.Errorf("the demo took %v on SQLite, target about 3 s", e.took)
	}
}
