package e2e

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// workFigure is a count of the home page's work panel: a number, or more than the cap.
var workFigure = regexp.MustCompile(`^(\d+|more than \d+)$`)

// TestHomeShowsTheWork opens the home page as a clerk of one district and as the administrator:
// it shows their work first, renewals due and policies waiting for their contributions, each
// leading to the list that shows as many, then the registers' totals with the time they were
// counted; the page fits both screens and passes axe-core.
func TestHomeShowsTheWork(t *testing.T) {
	axeFile := axePath()
	src, err := os.ReadFile(axeFile)
	require(t, err == nil, "no axe-core at %s (set IMIS_AXE_JS, or npm install at the repository root): %v", axeFile, err)
	requireChromium(t)
	base := startServer(t)

	for _, who := range []struct{ login, password string }{{"Clerk", "demo123"}, {"Admin", "admin123"}} { // attempts 1 and 2
		t.Run(who.login, func(t *testing.T) {
			b := newTab(t, base)
			if st := b.login(who.login, who.password); st != http.StatusOK {
				t.Fatalf("login: %d", st)
			}
			for _, vp := range viewports {
				t.Run(fmt.Sprintf("%dx%d", vp.w, vp.h), func(t *testing.T) {
					sb := b.with(t)
					run(sb, "set viewport", chromedp.EmulateViewport(vp.w, vp.h))
					if st := sb.open("/"); st != http.StatusOK {
						t.Fatalf("GET /: %d", st)
					}
					if got := sb.text("#work h2"); got != "Your work" {
						t.Errorf("work panel heading %q", got)
					}
					if !eval[bool](sb, `!!(document.querySelector("#work").compareDocumentPosition(document.querySelector("#counts")) & Node.DOCUMENT_POSITION_FOLLOWING)`) {
						t.Error("the work does not come before the totals")
					}
					if got := sb.text("#counts .hint"); !strings.HasPrefix(got, "As of ") {
						t.Errorf("the totals do not say when they were counted: %q", got)
					}
					sb.screenshot(fmt.Sprintf("home-%s-%dx%d", strings.ToLower(who.login), vp.w, vp.h))
					checkPage(t, sb, string(src))
				})
			}

			tiles := eval[[][2]string](b, `[...document.querySelectorAll("#work li a")].map(
				a => [a.getAttribute("href"), a.querySelector(".n").innerText.trim()])`)
			if len(tiles) != 2 || !strings.HasPrefix(tiles[0][0], "/renewals?until=") || tiles[1][0] != "/policies?status=1" {
				t.Fatalf("work tiles %q, want renewals due and policies waiting", tiles)
			}
			totals := map[string]string{"renewals": "renewals due", "policies": "found"}
			for i, tile := range tiles {
				if !workFigure.MatchString(tile[1]) {
					t.Errorf("tile %s shows %q", tile[0], tile[1])
				}
				b.open("/")
				if st := b.click(fmt.Sprintf("#work li:nth-child(%d) a", i+1)); st != http.StatusOK {
					t.Fatalf("%s: %d", tile[0], st)
				}
				list := strings.Split(strings.TrimPrefix(tile[0], "/"), "?")[0]
				want := tile[1] + " " + totals[list]
				if got := b.text("p.total"); !strings.HasPrefix(tile[1], "more") && got != want {
					t.Errorf("%s says %q, the home page %q", tile[0], got, want)
				}
			}
		})
	}
}
