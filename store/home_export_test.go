package store

import "github.com/openimis-go/openimis"

// Statement is a query's text with its arguments, as the store runs it.
type Statement struct {
	Text string
	Args []any
}

// HomeWorkStatements returns the home page's counts of u's work, renewals due by until, by name.
func HomeWorkStatements(u *imis.User, until imis.Date) map[string]Statement {
	out := map[string]Statement{}
	for name, q := range map[string]*query{"renewals due": renewalsDueQuery(u, until), "awaiting payment": awaitingPaymentQuery(u)} {
		text := capped(q)
		out[name] = Statement{Text: text, Args: q.args}
	}
	return out
}

// AwaitRecount waits for the recount of the register totals in flight, if one runs.
func AwaitRecount(db *DB) { db.totals.awaitRecount() }
