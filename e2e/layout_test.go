package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
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
	check(pageCase{name: "product-new", path: "/registers/products/new", status: http.StatusOK})
	check(pageCase{name: "diagnoses-upload", path: "/tools/diagnoses-upload", status: http.StatusOK})
}

// with returns the tab for a subtest, so that its failures stop that subtest only.
func (b *tab) with(t *testing.T) *tab {
	c := *b
	c.t = t
	return &c
}
