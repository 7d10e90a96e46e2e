package ui

import (
	"net/http"
	"strconv"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// listPager is what the "listtotal" and "listpager" partials show of a search's page: how many
// records match, which of them the page shows, and the links to the first, previous and next
// pages. The next and previous pages continue from the page's last and first records, so that a
// deep page costs what the first does; the page number rides along only to number the rows.
type listPager struct {
	Total, From, To   int
	More              bool // more than Total records match
	First, Prev, Next string
}

// newListPager describes found, the page of the search at action that r asked for.
func newListPager(r *http.Request, action string, found *store.Found) listPager {
	g := listPager{Total: found.Total, More: found.More}
	if n := len(found.Records); n > 0 {
		g.From = (found.Page.Number-1)*found.Page.Size + 1
		g.To = g.From + n - 1
	}
	href := func(cursor, id string, number int) string {
		q := r.URL.Query()
		q.Del("after")
		q.Del("before")
		q.Del("page")
		if cursor != "" {
			q.Set(cursor, id)
			q.Set("page", strconv.Itoa(number))
		}
		if len(q) == 0 {
			return action
		}
		return action + "?" + q.Encode()
	}
	if !found.First {
		g.First = href("", "", 0)
	}
	if found.Prev != imis.NilID {
		g.Prev = href("before", found.Prev.String(), max(found.Page.Number-1, 1))
	}
	if found.Next != imis.NilID {
		g.Next = href("after", found.Next.String(), found.Page.Number+1)
	}
	return g
}
