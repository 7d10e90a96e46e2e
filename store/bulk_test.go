package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

var (
	bulkFamilyCols = []string{"id", "wire_id", "version", "validity_from", "search_text", "head_chfid", "head_name",
		"location_id", "poverty", "is_offline", "district_id", "source", "source_version"}
	bulkInsureeCols = []string{"id", "wire_id", "version", "validity_from", "search_text", "chfid", "last_name", "other_names",
		"family_id", "is_head", "dob", "gender", "card_issued", "status", "vulnerability", "is_offline", "district_id", "source", "source_version"}
	bulkPolicyCols = []string{"id", "wire_id", "version", "validity_from", "search_text", "head_chfid", "product_code", "family_id",
		"product_id", "officer_id", "enroll_date", "stage", "status", "value", "start_date", "effective_date", "expiry_date",
		"previous_id", "is_offline", "district_id", "source", "source_version"}
	bulkPremiumCols = []string{"id", "wire_id", "version", "validity_from", "search_text", "policy_id", "amount", "receipt",
		"pay_date", "pay_type", "is_photo_fee", "is_offline", "head_chfid", "district_id", "family_id", "product_id", "source", "source_version"}
)

// rawDB opens a plain connection to the test database, to count rows no register exposes.
func rawDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	driver := "sqlite"
	if store.IsPostgres(dsn) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func count(t *testing.T, raw *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := raw.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// addFamilies adds n families, each with its head, interleaved so that both tables reach the
// flush size while the other still holds rows.
func addFamilies(l *store.Loader, base, n int, village, district imis.ID, ids []imis.ID) error {
	src := l.RunID().String()
	for i := range n {
		fam, ins := ids[2*i], ids[2*i+1]
		chfid := fmt.Sprintf("%09d", base+i+1)
		if err := l.Add("families", bulkFamilyCols, fam, base+i+1, 1, l.Now(), chfid+" tester", chfid, "Tester Bulk",
			village, i%5 == 0, false, district, "seed", src); err != nil {
			return err
		}
		if err := l.Add("insurees", bulkInsureeCols, ins, int64(base+i+1), 1, l.Now(), chfid+" tester", chfid, "Tester", "Bulk",
			fam, true, imis.NewDate(1980, 1, 1).AddDays(i%9000), "F", false, imis.InsureeActive, false, false, district, "seed", src); err != nil {
			return err
		}
	}
	return nil
}

func newIDs(n int) []imis.ID {
	out := make([]imis.ID, n)
	for i := range out {
		out[i] = imis.NewID()
	}
	return out
}

func TestBulk(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db, dsn := testdb.OpenDSN(t)
	raw := rawDB(t, dsn)
	tr := makeTree(t, ctx, db)
	product := mustCreate(t, ctx, db, imis.Products, map[string]string{"code": "BULK", "name": "Bulk", "date_from": "2026-01-01",
		"date_to": "2026-12-31", "insurance_period": "12", "max_members": "6", "premium_adult": "100.00"}, nil)
	officer := mustCreate(t, ctx, db, imis.Officers, map[string]string{"code": "EO1", "last_name": "Officer", "other_names": "One",
		"location_id": tr.d1.String()}, nil)
	auditBefore := count(t, raw, "SELECT COUNT(*) FROM audit_log")

	t.Run("Load", func(t *testing.T) {
		const n = 12000
		ids := newIDs(2 * n)
		pol, renewal, prem := imis.NewID(), imis.NewID(), imis.NewID()
		start := time.Now()
		runID, counts, err := db.Bulk(ctx, "seed", map[string]any{"families": n, "seed": 7}, func(l *store.Loader) error {
			if err := addFamilies(l, 0, n, tr.v1, tr.d1, ids); err != nil {
				return err
			}
			src := l.RunID().String()
			enrol := imis.NewDate(2026, 2, 3)
			if err := l.Add("policies", bulkPolicyCols, pol, 1, 1, l.Now(), "000000001 bulk", "000000001", "BULK", ids[0], product.ID,
				officer.ID, enrol, imis.StageNew, imis.PolicyActive, imis.Money(123456), enrol, enrol, imis.NewDate(2027, 2, 2),
				nil, false, tr.d1, "seed", src); err != nil {
				return err
			}
			// A renewal refers to a policy of the same batch.
			if err := l.Add("policies", bulkPolicyCols, renewal, 2, 1, l.Now(), "000000001 bulk", "000000001", "BULK", ids[0], product.ID,
				officer.ID, imis.NewDate(2027, 2, 1), imis.StageRenewal, imis.PolicyIdle, imis.Money(100000), imis.NewDate(2027, 2, 3), imis.Date{},
				imis.NewDate(2028, 2, 2), pol, false, tr.d1, "seed", src); err != nil {
				return err
			}
			// A row by column name; the run id goes into a TEXT column.
			return l.AddValues("premiums", bulkPremiumCols, imis.Values{"id": prem, "wire_id": int64(1), "version": 1, "validity_from": l.Now(),
				"search_text": "rc-1 000000001", "policy_id": pol, "amount": imis.Money(123456), "receipt": "RC-1", "pay_date": enrol,
				"pay_type": "C", "is_photo_fee": false, "is_offline": false, "head_chfid": "000000001", "district_id": tr.d1,
				"family_id": ids[0], "product_id": product.ID, "source": "seed", "source_version": l.RunID()})
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("bulk load of %d rows on %s took %v", 2*n+3, db.Engine, time.Since(start).Round(time.Millisecond))
		want := map[string]int{"families": n, "insurees": n, "policies": 2, "premiums": 1}
		for table, c := range want {
			if counts[table] != c {
				t.Errorf("counts[%s] = %d, want %d", table, counts[table], c)
			}
			if got := count(t, raw, "SELECT COUNT(*) FROM "+table+" WHERE source_version = $1", runID.String()); got != c {
				t.Errorf("%s: %d rows carry the run id, want %d", table, got, c)
			}
		}
		if len(counts) != len(want) {
			t.Errorf("counts %v", counts)
		}
		if got := count(t, raw, "SELECT COUNT(*) FROM audit_log") - auditBefore; got != 1 {
			t.Errorf("%d audit records, want one", got)
		}
		trail, err := db.AuditTrail(ctx, runID)
		if err != nil || len(trail) != 1 {
			t.Fatalf("audit trail of the run: %v %v", trail, err)
		}
		e := trail[0]
		c, _ := e.After["counts"].(map[string]any)
		if e.Action != store.ActionBulkRun || e.Register != "seed" || e.UserLogin != "system" || e.After["families"] != float64(n) ||
			e.After["seed"] != float64(7) || c["insurees"] != float64(n) || c["policies"] != float64(2) {
			t.Errorf("audit entry %+v", e)
		}
		if got := count(t, raw, "SELECT COUNT(*) FROM audit_log WHERE run_id = $1", runID.String()); got != 1 {
			t.Errorf("audit run_id: %d", got)
		}

		// What the bulk path wrote reads back through the registers as if entered by hand.
		_, total, err := db.Find(ctx, imis.Insurees, store.Filter{Text: "000011999"})
		if err != nil || total != 1 {
			t.Fatalf("search of a loaded insuree: %d %v", total, err)
		}
		if got := count(t, raw, "SELECT COUNT(*) FROM families WHERE validity_to IS NULL"); got != n {
			t.Fatalf("families: %d", got)
		}
		ins, err := db.FindByID(ctx, imis.Insurees, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		if ins.Values["dob"] != imis.NewDate(1980, 1, 1) || ins.Values["is_head"] != true || ins.Values["family_id"] != ids[0] ||
			ins.WireID != 1 || ins.Version != 1 || !ins.ValidFrom.Equal(e.At) {
			t.Errorf("insuree read back as %+v (valid from %v, audit at %v)", ins.Values, ins.ValidFrom, e.At)
		}
		p, err := db.FindByID(ctx, imis.Policies, renewal)
		if err != nil {
			t.Fatal(err)
		}
		if p.Values["previous_id"] != pol || p.Values["value"] != int64(100000) || p.Values["effective_date"] != nil ||
			p.Values["start_date"] != imis.NewDate(2027, 2, 3) || p.Values["status"] != int64(imis.PolicyIdle) || p.Values["source"] != "seed" {
			t.Errorf("renewal read back as %+v", p.Values)
		}
		pr, err := db.FindByID(ctx, imis.Contributions, prem)
		if err != nil {
			t.Fatal(err)
		}
		if pr.Values["amount"] != int64(123456) || pr.Values["pay_date"] != imis.NewDate(2026, 2, 3) || pr.Values["is_photo_fee"] != false {
			t.Errorf("premium read back as %+v", pr.Values)
		}
	})

	t.Run("RollbackOnDuplicate", func(t *testing.T) {
		families := count(t, raw, "SELECT COUNT(*) FROM families")
		audits := count(t, raw, "SELECT COUNT(*) FROM audit_log")
		ids := newIDs(2 * 7000)
		// The duplicate comes after the first flush, so rows already written must go too.
		ids[2*6500] = ids[2*10]
		_, _, err := db.Bulk(ctx, "seed", map[string]any{"case": "duplicate"}, func(l *store.Loader) error {
			return addFamilies(l, 100000, 7000, tr.v2, tr.d2, ids)
		})
		if imis.ErrorCode(err) != imis.ECONFLICT || !strings.Contains(err.Error(), "families.id") && !strings.Contains(err.Error(), "families_pkey") {
			t.Fatalf("duplicate primary key: %v", err)
		}
		if got := count(t, raw, "SELECT COUNT(*) FROM families"); got != families {
			t.Errorf("families %d after a failed run, want %d", got, families)
		}
		if got := count(t, raw, "SELECT COUNT(*) FROM insurees WHERE district_id = $1", tr.d2.String()); got != 0 {
			t.Errorf("%d insurees of a failed run", got)
		}
		if got := count(t, raw, "SELECT COUNT(*) FROM audit_log"); got != audits {
			t.Errorf("audit records %d after a failed run, want %d", got, audits)
		}
	})

	t.Run("RollbackOnFillError", func(t *testing.T) {
		families := count(t, raw, "SELECT COUNT(*) FROM families")
		_, _, err := db.Bulk(ctx, "seed", nil, func(l *store.Loader) error {
			if err := addFamilies(l, 200000, 6000, tr.v2, tr.d2, newIDs(12000)); err != nil {
				return err
			}
			return fmt.Errorf("stop")
		})
		if err == nil || err.Error() != "stop" {
			t.Fatalf("fill error: %v", err)
		}
		if got := count(t, raw, "SELECT COUNT(*) FROM families"); got != families {
			t.Errorf("families %d after a failed run, want %d", got, families)
		}
	})

	t.Run("BadRows", func(t *testing.T) {
		_, _, err := db.Bulk(ctx, "seed", nil, func(l *store.Loader) error {
			return l.Add("families", []string{"id", "version"}, imis.NewID())
		})
		if err == nil {
			t.Error("a row with fewer values than columns was accepted")
		}
		_, _, err = db.Bulk(ctx, "seed", nil, func(l *store.Loader) error {
			return l.Add("families; DROP TABLE x", []string{"id"}, imis.NewID())
		})
		if err == nil {
			t.Error("a table name that is not an identifier was accepted")
		}
		_, _, err = db.Bulk(ctx, "seed", nil, func(l *store.Loader) error {
			return l.Add("families", []string{"id"}, struct{}{})
		})
		if err == nil {
			t.Error("a value of an unknown type was accepted")
		}
	})

	t.Run("ColumnsChange", func(t *testing.T) {
		short := []string{"id", "wire_id", "version", "validity_from", "search_text", "location_id", "poverty", "is_offline", "source"}
		_, counts, err := db.Bulk(ctx, "seed", nil, func(l *store.Loader) error {
			if err := addFamilies(l, 300000, 3, tr.v1, tr.d1, newIDs(6)); err != nil {
				return err
			}
			for i := range 2 {
				if err := l.Add("families", short, imis.NewID(), 400000+i, 1, l.Now(), "x", tr.v1, false, false, "seed"); err != nil {
					return err
				}
			}
			return addFamilies(l, 500000, 1, tr.v1, tr.d1, newIDs(2))
		})
		if err != nil || counts["families"] != 6 || counts["insurees"] != 4 {
			t.Fatalf("counts %v, %v", counts, err)
		}
		if n := count(t, raw, "SELECT COUNT(*) FROM families WHERE wire_id >= 300000 AND wire_id < 600000"); n != 6 {
			t.Errorf("%d families written", n)
		}
	})

	t.Run("Empty", func(t *testing.T) {
		audits := count(t, raw, "SELECT COUNT(*) FROM audit_log")
		runID, counts, err := db.Bulk(ctx, "import", map[string]any{"file": "none"}, func(*store.Loader) error { return nil })
		if err != nil || len(counts) != 0 || runID == imis.NilID {
			t.Fatalf("empty run: %v %v %v", runID, counts, err)
		}
		if got := count(t, raw, "SELECT COUNT(*) FROM audit_log") - audits; got != 1 {
			t.Errorf("an empty run wrote %d audit records, want one", got)
		}
	})
}
