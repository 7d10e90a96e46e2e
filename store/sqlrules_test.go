package store_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The store's SQL must run unchanged on SQLite, PostgreSQL and, later, Citus (architecture
// §B.3). These checks read the source rather than run it, so that a construct one engine accepts
// cannot slip in because the tests only ran on the other.

// queryRule is a construct the store's statements must not use, and why.
type queryRule struct {
	pattern *regexp.Regexp
	why     string
}

var queryRules = []queryRule{
	{regexp.MustCompile(`\w::\w`), "a :: cast (write CAST(x AS t))"},
	{regexp.MustCompile(`(?i)\b(now|random|clock_timestamp|statement_timestamp|gen_random_uuid)\s*\(`), "a volatile function (pass the time or id from Go)"},
	{regexp.MustCompile(`(?i)\bcurrent_(timestamp|date|time)\b`), "the database's clock (pass the time from Go)"},
	{regexp.MustCompile(`\bFOR (UPDATE|SHARE)\b`), "row locks (use the version column)"},
	{regexp.MustCompile(`\bLOCK TABLE\b|(?i)\bpg_(try_)?advisory`), "table or advisory locks (use a lease row)"},
	{regexp.MustCompile(`\b(LISTEN|NOTIFY)\s`), "LISTEN/NOTIFY"},
	{regexp.MustCompile(`\bWITH RECURSIVE\b`), "a recursive CTE (the location tree has fixed levels)"},
	{regexp.MustCompile(`\b(GROUPING SETS|ROLLUP|CUBE)\s*\(`), "grouping sets (sum subtotals in Go)"},
	{regexp.MustCompile(`(?i)\bjsonb\b|\bjson_\w+\s*\(|->>`), "JSON in SQL"},
	{regexp.MustCompile(`(?i)\bILIKE\b`), "ILIKE, which SQLite lacks"},
}

// sqlStatement recognises a string that holds a statement or part of one.
var sqlStatement = regexp.MustCompile(`\b(SELECT|INSERT INTO|UPDATE|DELETE FROM|WHERE|JOIN)\b`)

// questionPlaceholder is SQLite's own placeholder style, which PostgreSQL rejects.
var questionPlaceholder = regexp.MustCompile(`\?\d*\b|\s\?($|[\s,)])`)

// checkQueryText reports the rules a statement's text breaks.
func checkQueryText(text string) []string {
	var broken []string
	for _, r := range queryRules {
		if r.pattern.MatchString(text) {
			broken = append(broken, r.why)
		}
	}
	if sqlStatement.MatchString(text) && questionPlaceholder.MatchString(text) {
		broken = append(broken, "a ? placeholder (write $N)")
	}
	return broken
}

// ddlRules are constructs the migrations must not use.
var ddlRules = []queryRule{
	{regexp.MustCompile(`(?i)\bCREATE\s+(OR\s+REPLACE\s+)?(TRIGGER|RULE|FUNCTION|PROCEDURE)\b`), "triggers, rules and stored code"},
	{regexp.MustCompile(`(?i)\bGENERATED\s+ALWAYS\s+AS\s*\(`), "generated columns"},
	{regexp.MustCompile(`(?i)\bINHERITS\b`), "table inheritance"},
	{regexp.MustCompile(`(?i)\bDEFERRABLE\b`), "deferrable constraints"},
	{regexp.MustCompile(`(?i)\bEXCLUDE\s+USING\b`), "exclusion constraints"},
	{regexp.MustCompile(`(?i)\bjsonb?\b`), "JSON columns"},
	{regexp.MustCompile(`(?i)\b(now|random)\s*\(`), "a volatile function"},
}

// checkMigration reports the rules a migration file breaks, by statement.
func checkMigration(text string) []string {
	var broken []string
	for _, r := range ddlRules {
		if r.pattern.MatchString(text) {
			broken = append(broken, r.why)
		}
	}
	for _, stmt := range strings.Split(text, ";") {
		stmt = strings.TrimSpace(stripSQLComments(stmt))
		if strings.HasPrefix(strings.ToUpper(stmt), "ALTER TABLE") && topLevelComma(stmt) {
			broken = append(broken, "an ALTER TABLE with several sub-commands: "+firstLine(stmt))
		}
	}
	return broken
}

func stripSQLComments(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func topLevelComma(s string) bool {
	depth := 0
	for _, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				return true
			}
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func TestSQLRulesCatchWhatTheyName(t *testing.T) {
	bad := []string{
		"SELECT id::text FROM insurees",
		"UPDATE policies SET validity_to = now() WHERE id = $1",
		"SELECT * FROM claims WHERE date_from < CURRENT_DATE",
		"SELECT id FROM policies WHERE id = $1 FOR UPDATE",
		"SELECT pg_advisory_lock(1)",
		"WITH RECURSIVE up AS (SELECT 1) SELECT * FROM up",
		"SELECT region, SUM(x) FROM t GROUP BY ROLLUP (region)",
		"SELECT data->>'name' FROM t",
		"SELECT id FROM insurees WHERE chfid = ?",
		"SELECT id FROM insurees WHERE last_name ILIKE $1",
	}
	for _, q := range bad {
		if len(checkQueryText(q)) == 0 {
			t.Errorf("no rule caught %q", q)
		}
	}
	good := []string{
		"SELECT CAST(COUNT(*) AS BIGINT) FROM insurees WHERE chfid = $1 AND validity_to IS NULL",
		"UPDATE policies SET version = version + 1, validity_from = $1 WHERE id = $2 AND version = $3",
		"is it a number?", // a message, not a statement
	}
	for _, q := range good {
		if broken := checkQueryText(q); len(broken) > 0 {
			t.Errorf("%q wrongly breaks %v", q, broken)
		}
	}
	if len(checkMigration("ALTER TABLE policies ADD COLUMN a INTEGER, ADD COLUMN b INTEGER;")) == 0 {
		t.Error("an ALTER TABLE with two sub-commands passed")
	}
	if len(checkMigration("CREATE TRIGGER t AFTER INSERT ON policies FOR EACH ROW EXECUTE FUNCTION f();")) == 0 {
		t.Error("a trigger passed")
	}
	if broken := checkMigration("ALTER TABLE policies ADD COLUMN a NUMERIC(18, 2) NULL;\n-- a, b\n"); len(broken) > 0 {
		t.Errorf("a single sub-command with a precision wrongly breaks %v", broken)
	}
}

// TestStoreSQLFollowsTheEngineRules reads every string literal of the store's code and every
// migration of both engines.
func TestStoreSQLFollowsTheEngineRules(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.ImportSpec:
				return false
			case *ast.Field:
				return false // struct tags and parameters hold no SQL
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			text, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			checked++
			for _, why := range checkQueryText(text) {
				t.Errorf("%s: %s in %q", fset.Position(lit.Pos()), why, text)
			}
			return true
		})
	}
	if checked < 100 {
		t.Fatalf("only %d string literals read: is the test in the store's directory?", checked)
	}
	migrations, err := filepath.Glob(filepath.Join("migrations", "*", "*.sql"))
	if err != nil || len(migrations) < 2 {
		t.Fatalf("migrations: %v %v", migrations, err)
	}
	for _, name := range migrations {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, why := range checkMigration(string(b)) {
			t.Errorf("%s: %s", name, why)
		}
	}
}
