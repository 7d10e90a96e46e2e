package ui_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

var (
	nextLink  = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	prevLink  = regexp.MustCompile(`<a href="([^"]+)" rel="prev">`)
	firstLink = regexp.MustCompile(`<a href="([^"]+)">First page</a>`)
	pageRange = regexp.MustCompile(`<nav class="pager"[^>]*>[\s\S]*?<span>([^<]+)</span>`)
)

// link returns the address of the link re finds in a page, or "".
func link(re *regexp.Regexp, body string) string {
	if m := re.FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// walk follows the links that re finds from the page at path to the end, returning each page's
// rows (what rows finds) and range text.
func walk(t *testing.T, b *webtest.Browser, path string, link func(string) string, rows *regexp.Regexp) (pages [][]string, ranges []string) {
	t.Helper()
	for path != "" {
		r := b.Get(t, path)
		webtest.Check(t, path, r, http.StatusOK)
		var page []string
		for _, m := range rows.FindAllStringSubmatch(r.Body, -1) {
			page = append(page, m[1])
		}
		pages = append(pages, page)
		if m := pageRange.FindStringSubmatch(r.Body); m != nil {
			ranges = append(ranges, m[1])
		}
		path = link(r.Body)
		if len(pages) > 100 {
			t.Fatalf("more than 100 pages from %s", path)
		}
	}
	return pages, ranges
}

// TestListPagesFollowOn pages through the insurees by their Next links, which continue from the
// last record shown, and back by Previous: every insuree once, in number order, the rows
// numbered; First returns to the start; a bad cursor or a page number past the count's limit is
// refused with the parameter named. A register's list, filtered, pages the same way.
func TestListPagesFollowOn(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	_, total := e.Records(t, imis.SystemContext(t.Context()), imis.Insurees, nil)
	number := regexp.MustCompile(`/members/[^"]+">(\d+)</a>`)

	pages, ranges := walk(t, b, "/insurees?size=7", func(body string) string { return link(nextLink, body) }, number)
	var all []string
	for _, p := range pages {
		all = append(all, p...)
	}
	if len(all) != total || !slices.IsSorted(all) || len(slices.Compact(slices.Clone(all))) != total {
		t.Fatalf("paged through %d insurees in %d pages (%v), want all %d once in number order", len(all), len(pages), all, total)
	}
	if ranges[0] != "1–7 of "+strconv.Itoa(total) || ranges[1] != "8–14 of "+strconv.Itoa(total) {
		t.Errorf("ranges %q", ranges)
	}
	if last := ranges[len(ranges)-1]; !strings.HasSuffix(last, "–"+strconv.Itoa(total)+" of "+strconv.Itoa(total)) {
		t.Errorf("last page shows %q", last)
	}

	// Back from the last page by Previous, then to the start by First.
	lastPage := b.Get(t, "/insurees?size=7")
	for next := link(nextLink, lastPage.Body); next != ""; next = link(nextLink, lastPage.Body) {
		lastPage = b.Get(t, next)
	}
	back, _ := walk(t, b, link(prevLink, lastPage.Body), func(body string) string { return link(prevLink, body) }, number)
	if len(back) != len(pages)-1 || !slices.Equal(back[0], pages[len(pages)-2]) || !slices.Equal(back[len(back)-1], pages[0]) {
		t.Errorf("previous pages %v, want %v backwards", back, pages[:len(pages)-1])
	}
	first := link(firstLink, lastPage.Body)
	if first != "/insurees?size=7" {
		t.Errorf("first page link %q", first)
	}
	if r := b.Get(t, "/insurees?size=7"); link(firstLink, r.Body) != "" || link(prevLink, r.Body) != "" {
		t.Errorf("the first page offers a way back")
	}

	webtest.Check(t, "bad cursor", b.Get(t, "/insurees?after=nope"), http.StatusUnprocessableEntity, "No record of this list to continue from.")
	webtest.Check(t, "unknown cursor", b.Get(t, "/insurees?before="+imis.NewID().String()), http.StatusUnprocessableEntity,
		"No record of this list to continue from.")
	webtest.Check(t, "page past the limit", b.Get(t, "/registers/insurees?page=600"), http.StatusUnprocessableEntity,
		"Page numbers reach the first 10000 records only")
	webtest.Check(t, "last page by number", b.Get(t, "/registers/insurees?page=501"), http.StatusOK, "Nothing found.")

	// A register's list, filtered, pages the same way.
	drugs, drugCount := e.Records(t, imis.SystemContext(t.Context()), imis.Items, map[string]string{"type": "D"})
	code := regexp.MustCompile(`<td><a href="/registers/items/[^"]+">([^<]+)</a>`)
	itemPages, _ := walk(t, b, "/registers/items?type=D&size=50", func(body string) string { return link(nextLink, body) }, code)
	var got []string
	for _, p := range itemPages {
		got = append(got, p...)
	}
	var codes []string
	for _, r := range drugs {
		codes = append(codes, r.Values.Text("code"))
	}
	if drugCount <= 50 || !slices.Equal(got, codes) {
		t.Errorf("paged through items %v, want the %d drugs %v", got, drugCount, codes)
	}
}
