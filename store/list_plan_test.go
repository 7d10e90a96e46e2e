package store_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// sampleFilter returns a value a list's filter on f may be given.
func sampleFilter(f imis.Field) string {
	switch {
	case f.Kind == imis.FieldRef:
		return imis.NewID().String()
	case len(f.Choices) > 0:
		return f.Choices[0].Code
	}
	return "ab"
}

// growing are the registers' tables that grow with the scheme's population.
var growing = map[string]bool{"families": true, "insurees": true, "policies": true, "premiums": true}

// exactFilter reports whether a filter on f asks for one value, which an index led by f finds.
func exactFilter(f imis.Field) bool {
	return f.Kind != imis.FieldText && f.Kind != imis.FieldCode && f.Kind != imis.FieldEmail
}

// seeks reports whether SQLite's plan finds the rows with a value of col through an index.
func seeks(plan, col string) bool {
	return regexp.MustCompile(`SEARCH \w+ USING .*\(.*\b` + col + `=\?`).MatchString(plan)
}

// TestListQueriesUseIndexes is the guard of the lists: every register's page and count, for a
// national user and users limited to one district and to two, unfiltered, with each filter the list offers,
// with a text search, by page number and from a record either way, is answered through an index
// and never by reading the whole of a table that grows with the scheme. On SQLite, which chooses
// among indexes by their columns alone, each exact filter of those tables must also be sought
// through an index; PostgreSQL's choice among indexes for a test's handful of rows says nothing
// of its choice for a scheme's.
func TestListQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t)
	if err := store.Analyze(ctx, db); err != nil {
		t.Fatal(err)
	}
	users := map[string]*imis.User{
		"national":  {ID: imis.NewID(), Admin: true},
		"district":  {ID: imis.NewID(), Districts: []imis.ID{imis.NewID()}},
		"districts": {ID: imis.NewID(), Districts: []imis.ID{imis.NewID(), imis.NewID()}},
	}
	for _, reg := range imis.AllRegisters {
		variants := map[string]store.Filter{
			"all":            {},
			"page 3":         {Page: imis.Page{Number: 3}},
			"text":           {Text: "mwa"},
			"text and field": {Text: "mwa", Fields: map[string]string{}},
		}
		for _, f := range reg.Fields {
			if f.Filter {
				variants[f.Name] = store.Filter{Fields: map[string]string{f.Name: sampleFilter(f)}}
				variants["text and field"].Fields[f.Name] = sampleFilter(f)
			}
		}
		for who, u := range users {
			for name, f := range variants {
				for _, from := range []string{"", "after", "before"} {
					if from != "" && f.Page.Number > 1 {
						continue
					}
					rows, count, err := store.SearchStatements(reg, u, f, from)
					if err != nil {
						t.Fatalf("%s %s %s: %v", reg.Name, name, from, err)
					}
					for kind, st := range map[string]store.Statement{"page": rows, "count": count} {
						plan, err := store.QueryPlan(ctx, db, st.Text, st.Args...)
						if err != nil {
							t.Fatalf("%s %s %s %s: %v\n%s", reg.Name, name, from, kind, err, st.Text)
						}
						if scans := store.FullScans(st.Text, plan); len(scans) > 0 {
							t.Errorf("%s, %s user, %s %s %s reads a whole table: %s\n%s\n%s", reg.Name, who, name, from, kind,
								strings.Join(scans, "; "), st.Text, plan)
						}
						if fld, ok := reg.Field(name); ok && db.Engine == store.SQLite && growing[reg.Table] && exactFilter(fld) && !seeks(plan, name) {
							t.Errorf("%s, %s user, %s %s %s: no index seeks the filter\n%s\n%s", reg.Name, who, name, from, kind, st.Text, plan)
						}
					}
				}
			}
		}
	}
}
