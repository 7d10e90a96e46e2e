package store

import (
	"strconv"
	"strings"
)

// query builds one SQL statement with numbered placeholders, so that conditions can be added in
// any order while the text stays identical on both engines.
type query struct {
	strings.Builder
	args []any
}

// arg records a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// in returns a parenthesised placeholder list for the values.
func (q *query) in(values []any) string {
	ph := make([]string, len(values))
	for i, v := range values {
		ph[i] = q.arg(v)
	}
	return "(" + strings.Join(ph, ", ") + ")"
}

// likeEscape makes s a LIKE pattern matching s anywhere, with its own wildcards taken literally.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}
