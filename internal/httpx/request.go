package httpx

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// RegisterOf returns the register named by the path's {reg} and checks that the user holds the
// right on it that right selects.
func RegisterOf(r *http.Request, right func(imis.CRUDRights) imis.Right) (*imis.Register, error) {
	reg := imis.RegisterByName(r.PathValue("reg"))
	if reg == nil {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	if !imis.UserFromContext(r.Context()).Can(right(reg.Rights)) {
		return nil, Forbidden()
	}
	return reg, nil
}

// SearchRight selects the right to search a register, for RegisterOf.
func SearchRight(c imis.CRUDRights) imis.Right { return c.Search }

// AddRight selects the right to add to a register.
func AddRight(c imis.CRUDRights) imis.Right { return c.Add }

// EditRight selects the right to change a register's records.
func EditRight(c imis.CRUDRights) imis.Right { return c.Edit }

// DeleteRight selects the right to delete a register's records.
func DeleteRight(c imis.CRUDRights) imis.Right { return c.Delete }

// PathID returns the record id of the path's {id}; one that is no id is not found.
func PathID(r *http.Request) (imis.ID, error) {
	id, err := imis.ParseID(r.PathValue("id"))
	if err != nil {
		return imis.NilID, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	return id, nil
}

// FilterFrom reads a register search from a query string: SearchFrom's and the register's
// filter fields.
func FilterFrom(q url.Values, reg *imis.Register) store.Filter {
	f := SearchFrom(q)
	for _, fld := range reg.Fields {
		if fld.Filter {
			f.Fields[fld.Name] = store.Searchable(q.Get(fld.Name))
		}
	}
	return f
}

// SearchFrom reads what every search's query string holds: the free text "q", the page, and the
// record a page continues from ("after" or "before" it).
func SearchFrom(q url.Values) store.Filter {
	return store.Filter{Text: store.Searchable(q.Get("q")), Fields: map[string]string{}, Page: PageFrom(q),
		After: q.Get("after"), Before: q.Get("before")}
}

// PageFrom reads the "page" and "size" of a search, bounded as every search's are.
func PageFrom(q url.Values) imis.Page {
	var p imis.Page
	p.Number, _ = strconv.Atoi(q.Get("page"))
	p.Size, _ = strconv.Atoi(q.Get("size"))
	p = p.Normal()
	// Atoi saturates out-of-range numbers, and a page near MaxInt would overflow the offset
	// into a negative one, which PostgreSQL rejects.
	p.Number = min(p.Number, maxPageNumber)
	return p
}

// maxPageNumber bounds the page asked for, far beyond any register's size.
const maxPageNumber = 1_000_000

// SafeNext keeps a post-login redirect on this site. Browsers drop tabs and newlines from a
// Location and read a backslash as a slash, so "/\t/host" would leave the site: any control
// character is refused along with the "//" and "/\\" prefixes.
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.IndexFunc(next, unicode.IsControl) >= 0 {
		return "/"
	}
	return next
}
