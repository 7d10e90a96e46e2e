package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/openimis-go/openimis/internal/testdb"
)

// TestMain removes the package's PostgreSQL template database once the tests are done. Each test
// starts its own demo server, whose login rate limit (ten attempts a minute from one address, the
// browser's and the API's together) the tests stay under; comments count the attempts.
func TestMain(m *testing.M) { testdb.Main(m) }

var recordPath = regexp.MustCompile(`^/registers/([a-z-]+)/([0-9a-f-]{36})$`)

const msgBadCredentials = "Wrong login name or password."

// TestLogin checks what a person sees at the door: a wrong password, the right one, and a login
// locked after five wrong passwords that then refuses even the right one, in the same words as a
// wrong password so that the page does not tell which logins exist.
func TestLogin(t *testing.T) {
	requireChromium(t)
	base := startServer(t)
	b := newTab(t, base)

	// Attempt 1: a wrong password keeps the person on the login page, told why, with the login
	// name kept (the administrator's failure count is reset by the next, right, attempt).
	if st := b.login("Admin", "not-the-password"); st != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", st)
	}
	if p := b.path(); p != "/login" {
		t.Errorf("wrong password: at %s, want /login", p)
	}
	if got := b.text(".form-error"); got != msgBadCredentials {
		t.Errorf("wrong password: message %q, want %q", got, msgBadCredentials)
	}
	if got := eval[string](b, `document.querySelector("#login").value`); got != "Admin" {
		t.Errorf("wrong password: login field holds %q, want Admin", got)
	}
	if b.count("#password") != 1 || b.text("h1") != "Log in" {
		t.Errorf("wrong password: not the login form (h1 %q)", b.text("h1"))
	}

	// Attempt 2: the right password leads home, with the registers' counts.
	if st := b.login("Admin", "admin123"); st != http.StatusOK {
		t.Fatalf("right password: status %d, want 200", st)
	}
	if p := b.path(); p != "/" {
		t.Errorf("right password: at %s, want /", p)
	}
	if got := b.text("h1"); got != "Home" {
		t.Errorf("home page h1 %q", got)
	}
	if got := b.text(".lead"); got != "Welcome, Demo Admin." {
		t.Errorf("welcome line %q", got)
	}
	counts := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll("#counts li")].map(
		li => [li.querySelector(".l").innerText.trim(), li.querySelector(".n").innerText.trim()]))`)
	for label, want := range map[string]string{"Health facilities": "18", "Medical items": "255", "Locations": "", "Users": ""} {
		got, ok := counts[label]
		if !ok || (want != "" && got != want) || got == "0" {
			t.Errorf("home count of %s = %q (present %v), want %s; all counts %v", label, got, ok, cmpOr(want, "> 0"), counts)
		}
	}
	if got := b.text("header .who"); got != "Admin" {
		t.Errorf("header shows user %q", got)
	}

	// Attempt 3: the administrator creates a user of its own for the lockout, so that the demo
	// logins are never locked.
	api := apiLogin(t, base, "Admin", "admin123")
	api.createUser("locktest", "lock-test-pass", []string{"Clerk"}, []string{"R1D1"})

	if st := b.click("form.logout button[type=submit]"); st != http.StatusOK {
		t.Errorf("log out: status %d", st)
	}
	if p := b.path(); !strings.HasPrefix(p, "/login") {
		t.Errorf("after log out at %s, want the login page", p)
	}
	if st := b.open("/"); st != http.StatusOK || !strings.HasPrefix(b.path(), "/login") {
		t.Errorf("after log out, / gave %d at %s, want the login page", st, b.path())
	}

	// Attempts 4 to 8: five wrong passwords.
	for i := range 5 {
		if st := b.login("locktest", fmt.Sprintf("wrong-%d-password", i)); st != http.StatusUnauthorized {
			t.Errorf("wrong password %d: status %d, want 401", i+1, st)
		}
		if got := b.text(".form-error"); got != msgBadCredentials {
			t.Errorf("wrong password %d: message %q, want %q", i+1, got, msgBadCredentials)
		}
	}
	// Attempt 9: the right password is refused now, as a wrong one is.
	if st := b.login("locktest", "lock-test-pass"); st != http.StatusUnauthorized {
		t.Errorf("locked login: status %d, want 401", st)
	}
	if got := b.text(".form-error"); got != msgBadCredentials {
		t.Errorf("locked login: message %q, want %q", got, msgBadCredentials)
	}
	if p := b.path(); p != "/login" {
		t.Errorf("locked login: at %s, want /login", p)
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// viewValues reads a record page's label/value pairs as a person reads them.
func viewValues(b *tab) map[string]string {
	b.t.Helper()
	return eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll("dl.values > div")].map(
		d => [d.querySelector("dt").innerText.trim(), d.querySelector("dd").innerText.trim()]))`)
}

// fieldError returns the error shown for a form field and checks that it sits beside the field,
// in the same field box, and that the field points at it for screen readers.
func fieldError(t *testing.T, b *tab, id string) string {
	t.Helper()
	res := eval[map[string]any](b, fmt.Sprintf(`(() => {
		const f = document.getElementById(%[1]s), e = document.getElementById(%[1]s + "-err");
		if (!f || !e) return {found: !!f, msg: ""};
		const box = f.closest(".field, td");
		return {found: true, msg: e.innerText.trim(), beside: !!box && box.contains(e),
			invalid: f.getAttribute("aria-invalid"), described: (f.getAttribute("aria-describedby") || "").split(" ").includes(e.id)};
	})()`, js(id)))
	if res["found"] != true {
		t.Errorf("no field #%s on the form", id)
		return ""
	}
	msg, _ := res["msg"].(string)
	if msg != "" && (res["beside"] != true || res["invalid"] != "true" || res["described"] != true) {
		t.Errorf("error of #%s %q: beside %v, aria-invalid %v, described-by %v", id, msg, res["beside"], res["invalid"], res["described"])
	}
	return msg
}

// TestFacilityWithPriceList creates an item price list and a facility priced by it through the
// forms, finds the facility again, and checks that a wrong form is refused field by field with
// nothing saved.
func TestFacilityWithPriceList(t *testing.T) {
	requireChromium(t)
	base := startServer(t)
	b := newTab(t, base)
	if st := b.login("Admin", "admin123"); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}

	// The price list, with two items typed by code and one overriding price.
	if st := b.open("/registers/item-pricelists/new"); st != http.StatusOK {
		t.Fatalf("new price list form: %d", st)
	}
	const plName = "E2E item prices"
	b.typeText("#f-name", plName)
	b.setValue("#f-date", "2026-03-01")
	b.pickPlace("#f-location_id", "R1D1", "Kilundeni")
	b.typeText(`[id="f-details.0.item_id"]`, "I0001")
	b.typeText(`[id="f-details.1.item_id"]`, "I0002")
	b.typeText(`[id="f-details.1.price_overrule"]`, "12.50")
	b.screenshot("pricelist-filled")
	if st := b.click("form.record .actions button.primary"); st != http.StatusOK {
		t.Fatalf("saving the price list: status %d; errors %v", st, b.texts(".error"))
	}
	if m := recordPath.FindStringSubmatch(b.path()); m == nil || m[1] != "item-pricelists" {
		t.Fatalf("after saving the price list at %s, want its page", b.path())
	}
	if got := b.text("h1"); got != plName {
		t.Errorf("price list page h1 %q, want %q", got, plName)
	}
	lines := b.texts("section.child tbody tr")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "I0001") || !strings.HasPrefix(lines[1], "I0002") || !strings.Contains(lines[1], "12.50") {
		t.Errorf("price list lines %q, want I0001 and I0002 with 12.50", lines)
	}

	// The facility, with every required field and that price list.
	if st := b.open("/registers/health-facilities/new"); st != http.StatusOK {
		t.Fatalf("new facility form: %d", st)
	}
	b.typeText("#f-code", "HFE2E1")
	b.typeText("#f-name", "E2E Test Clinic")
	b.choose("#f-legal_form", "Private organization")
	b.choose("#f-level", "Dispensary")
	b.pickPlace("#f-location_id", "R1D1", "Kilundeni")
	b.typeText("#f-email", "clinic@example.org")
	b.choose("#f-care_type", "Out-patient")
	b.choose("#f-items_pricelist_id", plName)
	b.choose("#f-status", "Active")
	if st := b.click("form.record .actions button.primary"); st != http.StatusOK {
		t.Fatalf("saving the facility: status %d; errors %v", st, b.texts(".error"))
	}
	m := recordPath.FindStringSubmatch(b.path())
	if m == nil || m[1] != "health-facilities" {
		t.Fatalf("after saving the facility at %s, want its page", b.path())
	}
	facilityPath := b.path()
	if got := b.text("h1"); got != "HFE2E1 E2E Test Clinic" {
		t.Errorf("facility page h1 %q", got)
	}
	vals := viewValues(b)
	for label, want := range map[string]string{"Code": "HFE2E1", "Name": "E2E Test Clinic", "Legal form": "Private organization",
		"Level": "Dispensary", "Care type": "Out-patient", "Status": "Active", "Item price list": plName, "E-mail": "clinic@example.org"} {
		if vals[label] != want {
			t.Errorf("facility page %s = %q, want %q", label, vals[label], want)
		}
	}
	if !strings.HasPrefix(vals["District"], "R1D1 ") {
		t.Errorf("facility page District = %q, want R1D1 …", vals["District"])
	}

	// The list finds it by its code.
	if st := b.open("/registers/health-facilities"); st != http.StatusOK {
		t.Fatalf("facility list: %d", st)
	}
	if got := b.text("#results .total"); got != "19 found" {
		t.Errorf("facility list total %q, want 19 found (18 demo + 1)", got)
	}
	b.typeText("#f-q", "HFE2E1")
	b.waitFor("the search to show one facility", `document.querySelector("#results .total")?.innerText.trim() === "1 found"`)
	if rows := b.texts("#results tbody tr"); len(rows) != 1 || !strings.HasPrefix(rows[0], "HFE2E1") {
		t.Errorf("search for HFE2E1 lists %q", rows)
	}
	if href := eval[string](b, `document.querySelector("#results tbody a")?.getAttribute("href") ?? ""`); href != facilityPath {
		t.Errorf("search result links to %q, want %q", href, facilityPath)
	}

	// A wrong form: an e-mail that is not one, and a code that is taken. The field checks come
	// first; the taken code is found once the fields are right.
	if st := b.open("/registers/health-facilities/new"); st != http.StatusOK {
		t.Fatalf("new facility form: %d", st)
	}
	b.typeText("#f-code", "HF0101")
	b.typeText("#f-name", "E2E Duplicate Clinic")
	b.choose("#f-legal_form", "Government")
	b.choose("#f-level", "Health centre")
	b.pickPlace("#f-location_id", "R1D1", "Kilundeni")
	b.typeText("#f-email", "not-an-email")
	b.choose("#f-care_type", "Both")
	if st := b.click("form.record .actions button.primary"); st != http.StatusUnprocessableEntity {
		t.Errorf("bad e-mail: status %d, want 422", st)
	}
	if got := fieldError(t, b, "f-email"); got != "Not a valid e-mail address." {
		t.Errorf("e-mail error %q", got)
	}
	if got := b.text(".form-error"); got != "Please correct the fields marked below." {
		t.Errorf("form message %q", got)
	}
	if got := eval[string](b, `document.querySelector("#f-name").value`); got != "E2E Duplicate Clinic" {
		t.Errorf("the refused form lost the typed name: %q", got)
	}
	b.typeText("#f-email", "duplicate@example.org")
	if st := b.click("form.record .actions button.primary"); st != http.StatusConflict {
		t.Errorf("taken code: status %d, want 409", st)
	}
	if got := fieldError(t, b, "f-code"); got != "HF0101 is already used." {
		t.Errorf("code error %q", got)
	}
	if got := fieldError(t, b, "f-email"); got != "" {
		t.Errorf("the corrected e-mail still shows %q", got)
	}
	if st := b.open("/registers/health-facilities?q=" + url.QueryEscape("E2E Duplicate")); st != http.StatusOK {
		t.Fatalf("facility search: %d", st)
	}
	if got := b.text("#results .total"); got != "0 found" {
		t.Errorf("the refused facility was saved: %q", got)
	}
	if st := b.open("/registers/health-facilities"); st != http.StatusOK || b.text("#results .total") != "19 found" {
		t.Errorf("facility count after the refused forms: %q", b.text("#results .total"))
	}
}

// TestItemSearchPaging pages through the items and narrows them with the live search, which
// replaces the results in place and keeps the address shareable.
func TestItemSearchPaging(t *testing.T) {
	requireChromium(t)
	base := startServer(t)
	b := newTab(t, base)
	if st := b.login("Admin", "admin123"); st != http.StatusOK { // attempt 1
		t.Fatalf("login: %d", st)
	}
	if st := b.open("/registers/items"); st != http.StatusOK {
		t.Fatalf("items: %d", st)
	}
	if got := b.text("#results .total"); got != "255 found" {
		t.Errorf("items total %q, want 255 found", got)
	}
	page1 := b.texts("#results tbody tr td:first-child")
	if len(page1) != 20 {
		t.Errorf("page 1 has %d rows, want 20", len(page1))
	}
	if got := b.text(".pager span"); got != "1–20 of 255" {
		t.Errorf("pager %q, want 1–20 of 255", got)
	}
	if b.count(".pager a[rel=prev]") != 0 {
		t.Errorf("page 1 offers a previous page")
	}
	if st := b.click(".pager a[rel=next]"); st != http.StatusOK {
		t.Fatalf("next page: %d", st)
	}
	if q := b.path(); !strings.Contains(q, "page=2") || !strings.Contains(q, "after=") {
		t.Errorf("next page address %s does not continue after page 1 as page 2", q)
	}
	if got := b.text(".pager span"); got != "21–40 of 255" {
		t.Errorf("pager %q, want 21–40 of 255", got)
	}
	page2 := b.texts("#results tbody tr td:first-child")
	if len(page2) != 20 {
		t.Errorf("page 2 has %d rows, want 20", len(page2))
	}
	for _, c := range page2 {
		if slices.Contains(page1, c) {
			t.Errorf("%s is on page 1 and page 2", c)
		}
	}
	if len(page1) > 0 && len(page2) > 0 && page2[0] <= page1[len(page1)-1] {
		t.Errorf("page 2 starts at %s, not after page 1's last %s", page2[0], page1[len(page1)-1])
	}

	// Narrow by a word of an item's name, as a person looking for a medicine would.
	name := b.text("#results tbody tr:nth-child(3) td:nth-child(2)")
	word := strings.Fields(name)[0]
	api := apiLogin(t, base, "Admin", "admin123") // attempt 2
	want := api.list("items", "q="+url.QueryEscape(word)).Total
	if want < 1 || want >= 255 {
		t.Fatalf("the word %q of %q finds %d items; the test needs a narrowing word", word, name, want)
	}
	b.typeText("#f-q", word)
	wantTotal := fmt.Sprintf("%d found", want)
	b.waitFor("the live search to show "+wantTotal, fmt.Sprintf(`document.querySelector("#results .total")?.innerText.trim() === %s`, js(wantTotal)))
	b.waitFor("the address to carry the search", fmt.Sprintf(`new URLSearchParams(location.search).get("q") === %s`, js(word)))
	if q := b.path(); strings.Contains(q, "page=2") {
		t.Errorf("a new search stays on page 2: %s", q)
	}
	rows := b.texts("#results tbody tr")
	if len(rows) != min(want, 20) {
		t.Errorf("search %q shows %d rows, want %d", word, len(rows), min(want, 20))
	}
	for _, r := range rows {
		if !strings.Contains(strings.ToLower(r), strings.ToLower(word)) {
			t.Errorf("search %q shows the unrelated row %q", word, r)
		}
	}
	if b.count("#results") != 1 || b.count("form.filters") != 1 {
		t.Errorf("the live search nested the page: %d results sections, %d search forms", b.count("#results"), b.count("form.filters"))
	}
	// The address is shareable: loading it shows the same results.
	addr := b.path()
	if st := b.open(addr); st != http.StatusOK || b.text("#results .total") != wantTotal {
		t.Errorf("reloading %s shows %q, want %q", addr, b.text("#results .total"), wantTotal)
	}
	if got := eval[string](b, `document.querySelector("#f-q").value`); got != word {
		t.Errorf("reloaded search box holds %q, want %q", got, word)
	}
}

// TestDistrictScoping checks that a user limited to one district sees, in the pages and in the
// API, only that district's facilities, and no menu entries they hold no right for.
func TestDistrictScoping(t *testing.T) {
	requireChromium(t)
	base := startServer(t)
	admin := apiLogin(t, base, "Admin", "admin123") // attempt 1
	admin.createUser("scoped1", "scoped-pass-1", []string{"Scheme Administrator"}, []string{"R1D2"})
	own := admin.idOf("health-facilities", "HF0201")
	other := admin.idOf("health-facilities", "HF0101")

	b := newTab(t, base)
	if st := b.login("scoped1", "scoped-pass-1"); st != http.StatusOK { // attempt 2
		t.Fatalf("login as scoped1: %d (%s)", st, b.text(".form-error"))
	}
	if st := b.open("/registers/health-facilities"); st != http.StatusOK {
		t.Fatalf("facility list: %d", st)
	}
	codes := b.texts("#results tbody tr td:first-child")
	if got := b.text("#results .total"); got != "3 found" || len(codes) != 3 {
		t.Errorf("scoped list: %q with rows %q, want the 3 facilities of R1D2", got, codes)
	}
	for _, c := range codes {
		if !strings.HasPrefix(c, "HF02") {
			t.Errorf("scoped list shows %s of another district", c)
		}
	}
	b.typeText("#f-q", "HF0101")
	b.waitFor("the search for HF0101 to answer", `document.querySelector("#results .total")?.innerText.trim() === "0 found"`)

	if st := b.open("/registers/health-facilities/" + other); st != http.StatusNotFound {
		t.Errorf("another district's facility by address: status %d, want 404", st)
	}
	if got := b.text("main .error"); got != "Not found, or not in your districts." {
		t.Errorf("another district's facility shows %q", got)
	}
	if strings.Contains(eval[string](b, `document.body.innerText`), "HF0101") {
		t.Errorf("the not-found page names HF0101")
	}
	if st := b.open("/registers/health-facilities/" + own); st != http.StatusOK || !strings.HasPrefix(b.text("h1"), "HF0201") {
		t.Errorf("own district's facility: status %d, h1 %q", st, b.text("h1"))
	}

	// The menu offers what the role may do, and not users or roles.
	areas := b.texts("nav.menu summary")
	if !slices.Contains(areas, "Administration") {
		t.Errorf("menu areas %q lack Administration", areas)
	}
	entries := eval[[]string](b, `[...document.querySelectorAll("nav.menu a")].map(a => a.textContent.trim())`)
	for _, want := range []string{"Health facilities", "Item price lists", "Medical items", "Payers"} {
		if !slices.Contains(entries, want) {
			t.Errorf("menu entries %q lack %s", entries, want)
		}
	}
	for _, not := range []string{"Users", "Roles"} {
		if slices.Contains(entries, not) {
			t.Errorf("menu offers %s to a user without the right", not)
		}
	}
	if st := b.open("/registers/users"); st != http.StatusForbidden {
		t.Errorf("users list by address: status %d, want 403", st)
	}

	// The API answers the same.
	api := apiLogin(t, base, "scoped1", "scoped-pass-1") // attempt 3
	if st, body := api.call(http.MethodGet, "/api/registers/health-facilities/"+other, nil); st != http.StatusNotFound {
		t.Errorf("API, another district's facility: %d %s, want 404", st, body)
	}
	if st, body := api.call(http.MethodGet, "/api/registers/health-facilities/"+own, nil); st != http.StatusOK {
		t.Errorf("API, own facility: %d %s, want 200", st, body)
	}
	l := api.list("health-facilities", "")
	if l.Total != 3 || len(l.Items) != 3 {
		t.Errorf("API list: total %d with %d items, want 3", l.Total, len(l.Items))
	}
	for _, it := range l.Items {
		if c, _ := it["code"].(string); !strings.HasPrefix(c, "HF02") {
			t.Errorf("API list has %v of another district", it["code"])
		}
	}
}
