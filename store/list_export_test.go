package store

import "github.com/openimis-go/openimis"

// SearchStatements returns the statements of a search of reg by u as Search runs them, without
// reading anything: the page's and the count's. from is "" for a page by number, or "after" or
// "before" for a page that continues from a record, whose order keys are made up.
func SearchStatements(reg *imis.Register, u *imis.User, f Filter, from string) (rows, count Statement, err error) {
	var c *cursor
	if from != "" {
		c = &cursor{backward: from == "before"}
		for _, k := range listOrder(reg) {
			var v any = "m"
			switch k.kind {
			case imis.FieldDate:
				v = imis.NewDate(2026, 1, 15)
			case imis.FieldRef:
				v = imis.NewID()
			}
			c.vals = append(c.vals, v)
		}
	}
	sq, err := searchStatements(reg, u, f, c)
	if err != nil {
		return Statement{}, Statement{}, err
	}
	return Statement{Text: sq.rows.String(), Args: sq.rows.args}, Statement{Text: sq.count.String(), Args: sq.count.args}, nil
}
