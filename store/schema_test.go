package store_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// sharedDir locates the reference data beside the repository; under CI its absence fails.
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "reference-data", "openimis-demo", "csv", "base"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("reference data missing: %v", err)
		}
		t.Skipf("reference data not found at %s", dir)
	}
	return dir
}

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

// TestSeededRoleRightsMatchOpenIMIS compares the seeded system roles and their rights with
// openIMIS's own base data, pair by pair.
func TestSeededRoleRightsMatchOpenIMIS(t *testing.T) {
	dir := sharedDir(t)
	codeOfRole := map[string]int{}
	for _, r := range readCSV(t, filepath.Join(dir, "tblRole.csv")) {
		codeOfRole[r["RoleID"]], _ = strconv.Atoi(r["IsSystem"])
	}
	want := map[int][]int{}
	for _, rr := range readCSV(t, filepath.Join(dir, "tblRoleRight.csv")) {
		if rr["ValidityTo"] != `\N` {
			continue
		}
		right, _ := strconv.Atoi(rr["RightID"])
		code := codeOfRole[rr["RoleID"]]
		want[code] = append(want[code], right)
	}
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	roles, _, err := db.Find(ctx, imis.Roles, store.Filter{Page: imis.Page{Size: 100}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int][]int{}
	for _, r := range roles {
		full, err := db.FindByID(ctx, imis.Roles, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		code := int(full.Values["system_code"].(int64))
		for _, rr := range full.Children["rights"] {
			got[code] = append(got[code], int(rr["right_id"].(int64)))
		}
	}
	for _, m := range []map[int][]int{want, got} {
		for k := range m {
			slices.Sort(m[k])
		}
	}
	if len(want) != 12 {
		t.Fatalf("reference data has %d system roles", len(want))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("seeded role rights differ from openIMIS (-want +got):\n%s", d)
	}
}

var createTable = regexp.MustCompile(`(?s)CREATE TABLE (\w+) \((.*?)\n\)[^;\n]*;`)

// migrationColumns reads table -> column names from one engine's migration files.
func migrationColumns(t *testing.T, engine string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", engine, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations for %s: %v", engine, err)
	}
	out := map[string][]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range createTable.FindAllStringSubmatch(string(b), -1) {
			for line := range strings.SplitSeq(m[2], "\n") {
				if fields := strings.Fields(line); len(fields) > 1 {
					out[m[1]] = append(out[m[1]], fields[0])
				}
			}
		}
	}
	return out
}

// TestEnginesHaveTheSameSchema keeps the two migration directories describing the same tables
// and columns, since only their types may differ.
func TestEnginesHaveTheSameSchema(t *testing.T) {
	if d := cmp.Diff(migrationColumns(t, store.SQLite), migrationColumns(t, store.Postgres)); d != "" {
		t.Fatalf("SQLite and PostgreSQL migrations differ (-sqlite +postgres):\n%s", d)
	}
}

// TestRegistersMatchSchema checks that every register field and child field has its column, in
// the migrated database of the engine under test.
func TestRegistersMatchSchema(t *testing.T) {
	cols := migrationColumns(t, testdb.Engine())
	for _, reg := range imis.AllRegisters {
		for _, f := range reg.Fields {
			if !slices.Contains(cols[reg.Table], f.Name) {
				t.Errorf("%s: no column %s", reg.Table, f.Name)
			}
		}
		for _, c := range reg.Children {
			for _, f := range c.Fields {
				if !slices.Contains(cols[c.Table], f.Name) {
					t.Errorf("%s: no column %s", c.Table, f.Name)
				}
			}
		}
	}
	db := testdb.Open(t)
	ctx := imis.SystemContext(context.Background())
	for _, reg := range imis.AllRegisters {
		if _, _, err := db.Find(ctx, reg, store.Filter{}); err != nil {
			t.Errorf("%s: search fails on the migrated database: %v", reg.Name, err)
		}
	}
}
