package e2e

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// viewports are a common office laptop and a tablet held upright, the smallest screen the
// scheme's staff are expected to use.
var viewports = []struct{ w, h int64 }{{1366, 768}, {768, 1024}}

// axePath is axe-core's browser bundle: IMIS_AXE_JS, else the npm package at the repository root.
func axePath() string {
	if p := os.Getenv("IMIS_AXE_JS"); p != "" {
		return p
	}
	p, _ := filepath.Abs(filepath.Join("..", "node_modules", "axe-core", "axe.min.js"))
	return p
}

// axeViolation is one failed axe-core rule, as the report prints it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkPage fails the test if the current page scrolls sideways or has serious or critical
// accessibility violations, naming the elements at fault.
func checkPage(t *testing.T, b *tab, axeSource string) {
	t.Helper()
	wide := eval[map[string]any](b, `(() => {
		const vw = window.innerWidth, out = [];
		for (const e of document.body.querySelectorAll("*")) {
			if (e.closest(".table-wrap") && !e.classList.contains("table-wrap")) continue;
			const r = e.getBoundingClientRect();
			if (r.width > 0 && r.right > vw + 0.5) out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
				(e.className && typeof e.className === "string" ? "." + e.className.trim().split(/\s+/).join(".") : "") + " right=" + Math.round(r.right));
		}
		return {scroll: document.documentElement.scrollWidth, inner: vw, offenders: out.slice(0, 8)};
	})()`)
	if scroll, inner := wide["scroll"].(float64), wide["inner"].(float64); scroll > inner {
		t.Errorf("the page scrolls sideways: scrollWidth %v > innerWidth %v; too wide: %v", scroll, inner, wide["offenders"])
	}
	if !eval[bool](b, `typeof window.axe === "object"`) {
		run(b, "inject axe-core", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	violations := run(b, "axe.run", chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " "))})))`,
		chromedp.EvalAwaitPromise))
	for _, v := range violations {
		t.Errorf("axe %s (%s): %s\n\t%s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}

// TestLayoutAndAccessibility opens the main pages at each viewport and checks that none scrolls
// sideways (wide tables scroll inside their own box) and that axe-core finds no serious or
// critical accessibility problem.
func TestLayoutAndAccessibility(t *testing.T) {
	axeFile := axePath()
	src, err := os.ReadFile(axeFile)
	require(t, err == nil, "no axe-core at %s (set IMIS_AXE_JS, or npm install at the repository root): %v", axeFile, err)
	axeSource := string(src)
	requireChromium(t)

	base := startServer(t)
	b := newTab(t, base)

	type pageCase struct {
		name, path string
		status     int
		setup      func(b *tab) // for pages reached by acting, not by address
	}
	check := func(pc pageCase) {
		for _, vp := range viewports {
			t.Run(fmt.Sprintf("%s/%dx%d", pc.name, vp.w, vp.h), func(t *testing.T) {
				sb := b.with(t)
				run(sb, "set viewport", chromedp.EmulateViewport(vp.w, vp.h))
				if pc.setup != nil {
					pc.setup(sb)
				} else if st := sb.open(pc.path); st != pc.status {
					t.Fatalf("GET %s: status %d, want %d", pc.path, st, pc.status)
				}
				sb.screenshot(fmt.Sprintf("%s-%dx%d", pc.name, vp.w, vp.h))
				checkPage(t, sb, axeSource)
			})
		}
	}

	check(pageCase{name: "login", path: "/login", status: http.StatusOK})
	check(pageCase{name: "login-error", setup: func(b *tab) { // attempts 1 and 2
		if st := b.login("NoSuchUser", "wrong-password"); st != http.StatusUnauthorized {
			b.t.Fatalf("wrong login: status %d", st)
		}
	}})
	if st := b.login("Admin", "admin123"); st != http.StatusOK { // attempt 3
		t.Fatalf("login: %d", st)
	}
	check(pageCase{name: "home", path: "/", status: http.StatusOK})
	// An open menu must fit the narrow screen too, since its list is laid over the page.
	for _, vp := range viewports {
		t.Run(fmt.Sprintf("menus/%dx%d", vp.w, vp.h), func(t *testing.T) {
			sb := b.with(t)
			run(sb, "set viewport", chromedp.EmulateViewport(vp.w, vp.h))
			sb.open("/")
			n := sb.count("nav.menu details")
			if n == 0 {
				t.Fatal("no menu areas")
			}
			for i := range n {
				sel := fmt.Sprintf("nav.menu details:nth-of-type(%d)", i+1)
				run(sb, "open menu", chromedp.Click(chromedp.CSS(sel+" > summary")))
				sb.waitFor("the menu to open", fmt.Sprintf(`document.querySelector(%s).open`, js(sel)))
				offenders := eval[[]string](sb, fmt.Sprintf(`[...document.querySelectorAll(%s + " li a")].filter(
					a => { const r = a.getBoundingClientRect(); return r.right > window.innerWidth + 0.5 || r.left < -0.5; }).map(a => a.innerText)`, js(sel)))
				if len(offenders) > 0 || eval[bool](sb, `document.documentElement.scrollWidth > window.innerWidth`) {
					t.Errorf("menu %q sticks out of the screen: %q", sb.text(sel+" > summary"), offenders)
				}
				sb.screenshot(fmt.Sprintf("menu%d-%dx%d", i+1, vp.w, vp.h))
				run(sb, "close menu", chromedp.Click(chromedp.CSS(sel+" > summary")))
			}
		})
	}
	check(pageCase{name: "facilities", path: "/registers/health-facilities", status: http.StatusOK})
	facility := eval[string](b, `document.querySelector("#results tbody a")?.getAttribute("href") ?? ""`)
	if facility == "" {
		b.open("/registers/health-facilities")
		facility = eval[string](b, `document.querySelector("#results tbody a")?.getAttribute("href") ?? ""`)
	}
	if !recordPath.MatchString(facility) {
		t.Fatalf("no facility link in the list: %q", facility)
	}
	check(pageCase{name: "facility", path: facility, status: http.StatusOK})
	check(pageCase{name: "facility-new", path: "/registers/health-facilities/new", status: http.StatusOK})
	check(pageCase{name: "facility-errors", setup: func(b *tab) {
		b.open("/registers/health-facilities/new")
		b.typeText("#f-email", "not-an-email")
		if st := b.click("form.record .actions button.primary"); st != http.StatusUnprocessableEntity {
			b.t.Fatalf("empty facility form: status %d, want 422", st)
		}
	}})
	check(pageCase{name: "items", path: "/registers/items", status: http.StatusOK})
	check(pageCase{name: "pricelist-new", path: "/registers/item-pricelists/new", status: http.StatusOK})
	check(pageCase{name: "locations", path: "/registers/locations", status: http.StatusOK})
	check(pageCase{name: "users", path: "/registers/users", status: http.StatusOK})
	check(pageCase{name: "role-new", path: "/registers/roles/new", status: http.StatusOK})
	check(pageCase{name: "settings", path: "/tools/settings", status: http.StatusOK})
	check(pageCase{name: "product-new", path: "/registers/products/new", status: http.StatusOK})
	check(pageCase{name: "products", path: "/registers/products", status: http.StatusOK})
	product := eval[string](b, `document.querySelector("#results tbody a")?.getAttribute("href") ?? ""`)
	if !recordPath.MatchString(product) {
		t.Fatalf("no product link in the list: %q", product)
	}
	check(pageCase{name: "product", path: product, status: http.StatusOK})
	check(pageCase{name: "diagnoses-upload", path: "/tools/diagnoses-upload", status: http.StatusOK})

	// The enrolment area: searches, a family with its actions, the wizard's steps, enquiry and
	// renewals.
	check(pageCase{name: "families", path: "/families", status: http.StatusOK})
	family := eval[string](b, `document.querySelector("#results tbody a")?.getAttribute("href") ?? ""`)
	if !familyPath.MatchString(family) {
		t.Fatalf("no family link in the list: %q", family)
	}
	check(pageCase{name: "family", path: family, status: http.StatusOK})
	member := eval[string](b, `document.querySelector("table.members tbody td:nth-child(2) a")?.getAttribute("href") ?? ""`)
	head := eval[string](b, `document.querySelector("table.members tbody td:nth-child(2) a")?.innerText ?? ""`)
	// A policy's edit form shows its computed status, value and dates as text beside the inputs.
	if policy := eval[string](b, `document.querySelector("a[href^='/registers/policies/']")?.getAttribute("href") ?? ""`); policy != "" {
		check(pageCase{name: "policy-edit", path: policy + "/edit", status: http.StatusOK})
	}
	check(pageCase{name: "family-member", path: member, status: http.StatusOK})
	check(pageCase{name: "member-new", path: family + "/members/new", status: http.StatusOK})
	check(pageCase{name: "member-errors", setup: func(b *tab) {
		b.open(family + "/members/new")
		b.typeText("#f-chfid", "123456789")
		if st := b.click("form.action-form button.primary"); st != http.StatusUnprocessableEntity {
			b.t.Fatalf("bad member: status %d, want 422", st)
		}
	}})
	check(pageCase{name: "policy-quote", setup: func(b *tab) {
		b.open(family + "/policies/new")
		b.choose("#f-product-id", "NBC01")
		if eval[string](b, `document.querySelector("#f-officer-id").value`) == "" {
			run(b, "pick an officer", chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-officer-id").selectedIndex = 1`))
		}
		if st := b.click("button[name=action][value=quote]"); st != http.StatusOK {
			b.t.Fatalf("quote: status %d", st)
		}
	}})
	check(pageCase{name: "insurees", path: "/insurees", status: http.StatusOK})
	check(pageCase{name: "contributions", path: "/contributions", status: http.StatusOK})
	check(pageCase{name: "policies", path: "/policies?status=1", status: http.StatusOK})
	idle := eval[string](b, `document.querySelector("#results tbody td:first-child a")?.getAttribute("href") ?? ""`)
	if familyPath.MatchString(idle) {
		b.open(idle)
		if pay := eval[string](b, `document.querySelector("a[href$='/contributions/new']")?.getAttribute("href") ?? ""`); pay != "" {
			check(pageCase{name: "contribution-new", path: pay, status: http.StatusOK})
			check(pageCase{name: "contribution-decision", setup: func(b *tab) {
				b.open(pay)
				b.typeText("#f-amount", "1.00")
				b.typeText("#f-receipt", "LAYOUT-1")
				if st := b.click("form.action-form button.primary"); st != http.StatusUnprocessableEntity {
					b.t.Fatalf("underpaid contribution: status %d, want 422", st)
				}
			}})
		}
	}
	b.open("/policies?status=2")
	active := eval[string](b, `document.querySelector("#results tbody td:first-child a")?.getAttribute("href") ?? ""`)
	if familyPath.MatchString(active) {
		b.open(active)
		if renew := eval[string](b, `document.querySelector("a[href$='/renew']")?.getAttribute("href") ?? ""`); renew != "" {
			check(pageCase{name: "renew", path: renew, status: http.StatusOK})
		}
	}
	check(pageCase{name: "enrol-family", path: "/enrol", status: http.StatusOK})
	// A place picker's list open, under a form's box and inside a table of rows.
	check(pageCase{name: "enrol-family-places", setup: func(b *tab) {
		b.open("/enrol")
		b.retype("#f-f-location-id", "m")
		b.waitFor("the places beginning with m", placeOptions("#f-f-location-id")+".length > 1")
	}})
	check(pageCase{name: "catchment-places", setup: func(b *tab) {
		b.open("/registers/health-facilities/new")
		const box = `[id="f-catchments.0.location_id"]`
		b.retype(box, "")
		run(b, "arrow down", chromedp.SendKeys(box, kb.ArrowDown))
		b.waitFor("the first level of places", placeOptions(box)+".length > 0")
	}})
	check(pageCase{name: "enrol-members", setup: func(b *tab) { enrolUpTo(b, 2, 8000) }})
	check(pageCase{name: "enrol-members-errors", setup: func(b *tab) {
		enrolUpTo(b, 2, 8000)
		b.typeText("#f-m-0-chfid", "000080001")
		if st := b.click("button[name=action][value=next]"); st != http.StatusUnprocessableEntity {
			b.t.Fatalf("bad head: status %d, want 422", st)
		}
	}})
	check(pageCase{name: "enrol-policy", setup: func(b *tab) {
		enrolUpTo(b, 3, 8000)
		b.choose("#f-p-product-id", "NBC01")
		if eval[string](b, `document.querySelector("#f-p-officer-id").value`) == "" {
			b.choose("#f-p-officer-id", "EO0101")
		}
		b.waitFor("the computed value", `document.querySelector("#quote-value")`)
	}})
	check(pageCase{name: "enrol-contribution", setup: func(b *tab) { enrolUpTo(b, 4, 8000) }})
	check(pageCase{name: "enquiry", path: "/enquiry", status: http.StatusOK})
	check(pageCase{name: "enquiry-answer", path: "/enquiry?chfid=" + url.QueryEscape(head), status: http.StatusOK})
	check(pageCase{name: "enquiry-not-found", path: "/enquiry?chfid=999999990", status: http.StatusNotFound})
	check(pageCase{name: "renewals", path: "/renewals", status: http.StatusOK})
}

var familyPath = regexp.MustCompile(`^/families/[0-9a-f-]{36}$`)

// with returns the tab for a subtest, so that its failures stop that subtest only.
func (b *tab) with(t *testing.T) *tab {
	c := *b
	c.t = t
	return &c
}
