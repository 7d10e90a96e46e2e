package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestPlacePickerInTheWizard chooses the family's village the way an enrolment officer of one
// district does: the first letters find only villages of the officer's district, the arrow keys
// walk the tree from that district down, Escape closes the list, and a village typed and taken
// with Enter carries the enrolment through to the family's page.
func TestPlacePickerInTheWizard(t *testing.T) {
	requireChromium(t)
	base := startServer(t)
	b := newTab(t, base)
	if st := b.login("EO0101", "officer123"); st != http.StatusOK { // attempt 1
		t.Fatalf("login: %d", st)
	}
	if st := b.open("/enrol"); st != http.StatusOK {
		t.Fatalf("GET /enrol: %d", st)
	}
	const box = "#f-f-location-id"
	b.waitFor("the picker", fmt.Sprintf(`document.querySelector(%s).getAttribute("role") === "combobox"`, js(box)))
	state := eval[map[string]any](b, fmt.Sprintf(`(() => { const e = document.querySelector(%s);
		return {name: e.name, expanded: e.getAttribute("aria-expanded"), autocomplete: e.getAttribute("aria-autocomplete"),
			posts: document.querySelectorAll("input[type=hidden][name='f.location_id']").length,
			hint: document.querySelector("#f-f-location-id-hint").innerText}; })()`, js(box)))
	if state["name"] != "" || state["expanded"] != "false" || state["autocomplete"] != "list" || state["posts"] != float64(1) {
		t.Errorf("the picker's box: %v", state)
	}
	if hint, _ := state["hint"].(string); !strings.Contains(hint, "first letters") {
		t.Errorf("hint %q", hint)
	}

	// Villages beginning with "ka" are in several districts; the officer is offered Kilundeni's.
	b.retype(box, "ka")
	b.waitFor("the villages beginning with ka", fmt.Sprintf(`%s.length > 0`, placeOptions(box)))
	if got := eval[string](b, fmt.Sprintf(`document.querySelector(%s).getAttribute("aria-expanded")`, js(box))); got != "true" {
		t.Errorf("aria-expanded %q with the list open", got)
	}
	options := eval[[]string](b, placeOptions(box))
	if len(options) != 1 || !strings.HasPrefix(options[0], "Kasisimbi") || !strings.Contains(options[0], "Mwangaza › Kilundeni › Kasisimbi · R1D1W3V1") {
		t.Errorf("ka offers %q, want Kasisimbi of Kilundeni only (not Kagoshe of Nyasengo nor Kalembwe of Bwinjiro)", options)
	}
	b.screenshot("place-picker-search")
	run(b, "Escape", chromedp.SendKeys(box, kb.Escape))
	b.waitFor("Escape to close the list", fmt.Sprintf(`document.querySelector(%s).getAttribute("aria-expanded") === "false"`, js(box)))

	// With the box empty, the down arrow lists the tree from the officer's district.
	b.retype(box, "")
	run(b, "arrow down", chromedp.SendKeys(box, kb.ArrowDown))
	b.waitFor("the first level", fmt.Sprintf(`%s.some(t => t.startsWith("Places in Kilundeni"))`, placeOptions(box)))
	if got := eval[[]string](b, placeOptions(box)); len(got) != 1 {
		t.Errorf("the officer's first level: %q", got)
	}
	b.keyToOption(box, "Places in Kilundeni")
	run(b, "Enter", chromedp.SendKeys(box, kb.Enter))
	b.waitFor("the wards", fmt.Sprintf(`%s.some(t => t.startsWith("Places in Luvanga"))`, placeOptions(box)))
	wards := eval[[]string](b, placeOptions(box))
	if !slices.ContainsFunc(wards, func(s string) bool { return strings.HasPrefix(s, "Back to the first level") }) {
		t.Errorf("the wards offer no way back: %q", wards)
	}
	b.keyToOption(box, "Places in Luvanga")
	run(b, "Enter", chromedp.SendKeys(box, kb.Enter))
	b.waitFor("the villages", fmt.Sprintf(`%s.some(t => t.startsWith("Luvanga Juu"))`, placeOptions(box)))
	b.screenshot("place-picker-browse")
	b.keyToOption(box, "Luvanga Juu")
	run(b, "Enter", chromedp.SendKeys(box, kb.Enter))
	b.waitFor("the list to close", fmt.Sprintf(`document.querySelector(%s).getAttribute("aria-expanded") === "false"`, js(box)))
	picked := eval[map[string]string](b, fmt.Sprintf(`({shown: document.querySelector(%s).value,
		posted: document.querySelector("input[type=hidden][name='f.location_id']").value})`, js(box)))
	admin := apiLogin(t, base, "Admin", "admin123") // attempt 2
	if want := admin.idOf("locations", "R1D1W2V1"); picked["posted"] != want || picked["shown"] != "Mwangaza › Kilundeni › Luvanga › Luvanga Juu" {
		t.Errorf("picked %v, want Luvanga Juu (%s)", picked, want)
	}

	// Typing again and leaving with Escape keeps the village chosen.
	b.retype(box, "xyz")
	run(b, "Escape", chromedp.SendKeys(box, kb.Escape))
	run(b, "Escape", chromedp.SendKeys(box, kb.Escape))
	if got := eval[string](b, `document.querySelector("input[type=hidden][name='f.location_id']").value`); got != picked["posted"] {
		t.Errorf("after Escape the field posts %q, want %q", got, picked["posted"])
	}

	// The whole enrolment, with the village typed and taken by keyboard.
	people := enrolUpTo(b, 4, 9000)
	b.typeText("#f-c-receipt", "PLACE-"+people[0].chfid)
	if st := b.click("button[name=action][value=save]"); st != http.StatusOK {
		t.Fatalf("save: %d (%s)", st, b.text(".form-error"))
	}
	if p := b.path(); !strings.HasPrefix(p, "/families/") {
		t.Fatalf("after saving at %s", p)
	}
	if got := viewValues(b)["Village"]; got != "R1D1W1V1 Sokoni Kati" {
		t.Errorf("the family's village %q, want R1D1W1V1 Sokoni Kati", got)
	}
}

// TestPlacePickerInSearches narrows the family search to a village picked by keyboard, and
// emptying the box widens it again.
func TestPlacePickerInSearches(t *testing.T) {
	requireChromium(t)
	base := startServer(t)
	b := newTab(t, base)
	if st := b.login("Admin", "admin123"); st != http.StatusOK { // attempt 1
		t.Fatalf("login: %d", st)
	}
	if st := b.open("/families"); st != http.StatusOK {
		t.Fatalf("GET /families: %d", st)
	}
	all := b.text("#results .total")
	id := b.pickPlace("#f-location-id", "Sokoni", "Sokoni Kati")
	b.waitFor("the search to follow the village", fmt.Sprintf(`new URLSearchParams(location.search).get("location_id") === %s`, js(id)))
	b.waitFor("the results of the village", fmt.Sprintf(`document.querySelector("#results .total")?.innerText.trim() !== %s`, js(all)))
	for _, v := range b.texts("#results tbody tr td:nth-child(3)") {
		if v != "R1D1W1V1 Sokoni Kati" {
			t.Errorf("the search by Sokoni Kati lists a family of %q", v)
		}
	}
	// Emptying the box drops the village from the search.
	b.retype("#f-location-id", "")
	b.waitFor("the search without the village", `!new URLSearchParams(location.search).get("location_id")`)
	b.waitFor("every family again", fmt.Sprintf(`document.querySelector("#results .total")?.innerText.trim() === %s`, js(all)))
}
