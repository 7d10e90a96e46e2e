package e2e

import (
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

const (
	msgNumberLength   = "An insurance number has exactly the scheme's number of characters."
	msgNumberDigits   = "An insurance number has digits only."
	msgNumberChecksum = "The check digit of this insurance number is wrong."
)

// TestInsuranceNumberAsTyped types insurance numbers into the enrolment wizard as an officer
// would: the field states the demo scheme's rule, and a wrong number is flagged while it is typed,
// before anything is sent, in the words the server uses when it is sent anyway; the flagged field
// passes axe-core's checks.
func TestInsuranceNumberAsTyped(t *testing.T) {
	axe, err := os.ReadFile(axePath())
	require(t, err == nil, "no axe-core at %s (set IMIS_AXE_JS, or npm install at the repository root): %v", axePath(), err)
	requireChromium(t)
	base := startServer(t)
	b := newTab(t, base)
	if st := b.login("EO0101", "officer123"); st != http.StatusOK { // attempt 1
		t.Fatalf("login: %d", st)
	}
	enrolUpTo(b, 2, 9200)
	const box, note = "#f-m-0-chfid", "#f-m-0-chfid-rule"
	hint := "9 digits; the last is the remainder of the first 8 divided by 7."
	if got := b.text("#f-m-0-chfid-hint"); got != hint || !eval[bool](b, `document.querySelector("#f-m-0-chfid-hint").checkVisibility()`) {
		t.Errorf("the number's hint reads %q, want %q, visible", got, hint)
	}
	flagged := func(what, want string) {
		t.Helper()
		got := ""
		if eval[bool](b, `!!document.querySelector("#f-m-0-chfid-rule")?.checkVisibility()`) {
			got = b.text(note)
		}
		invalid := eval[string](b, `document.querySelector("#f-m-0-chfid").getAttribute("aria-invalid") ?? ""`)
		if got != want || invalid != map[bool]string{true: "true", false: ""}[want != ""] {
			t.Errorf("%s: flagged %q (aria-invalid %q), want %q", what, got, invalid, want)
		}
	}
	// typeAfresh empties the field as a person selecting its text would, then types key by key.
	typeAfresh := func(text string) {
		t.Helper()
		b.setValue(box, "")
		run(b, "type "+text, chromedp.SendKeys(box, text))
	}
	good := newCHFID(9200)
	wrong := good[:8] + string('0'+(good[8]-'0'+1)%7)

	typeAfresh(good[:5])
	flagged("half a number, still being typed", "")
	run(b, "type a letter", chromedp.SendKeys(box, "x"))
	flagged("a letter", msgNumberDigits)
	typeAfresh(wrong)
	flagged("a wrong check digit", msgNumberChecksum)
	if got := eval[string](b, `document.querySelector("#f-m-0-chfid").getAttribute("aria-describedby")`); got != "f-m-0-chfid-hint f-m-0-chfid-rule" {
		t.Errorf("the flag is not tied to the field: aria-describedby %q", got)
	}
	b.screenshot("enrol-number-flagged")
	checkPage(t, b, string(axe))
	typeAfresh(good)
	flagged("a right number", "")
	run(b, "type one digit too many", chromedp.SendKeys(box, "1"))
	flagged("ten digits", msgNumberLength)
	typeAfresh(good[:5])
	run(b, "leave the field", chromedp.SendKeys(box, kb.Tab))
	flagged("half a number, left", msgNumberLength)
	if p := b.path(); p != "/enrol" {
		t.Errorf("checking sent the form: at %s", p)
	}

	// The script does not stop the form: the server refuses the same number in the same words.
	typeAfresh(wrong)
	b.typeText("#f-m-0-last-name", "Mwakilema")
	b.typeText("#f-m-0-other-names", "Neema")
	b.setValue("#f-m-0-dob", "1988-04-12")
	b.choose("#f-m-0-gender", "Female")
	if st := b.click("button[name=action][value=next]"); st != http.StatusUnprocessableEntity {
		t.Errorf("sending a wrong number: status %d", st)
	}
	if got := b.text("#f-m-0-chfid-err"); got != msgNumberChecksum {
		t.Errorf("the server says %q, want %q", got, msgNumberChecksum)
	}

	// The reception's enquiry states and checks the same rule.
	if st := b.open("/enquiry"); st != http.StatusOK {
		t.Fatalf("GET /enquiry: %d", st)
	}
	if got := b.text("#f-chfid-hint"); got != "Type or scan the insurance number, then press Enter. "+hint {
		t.Errorf("the enquiry's hint reads %q", got)
	}
	run(b, "type a wrong number", chromedp.SendKeys("#f-chfid", wrong))
	b.waitFor("the flag", `document.querySelector("#f-chfid-rule")?.checkVisibility()`)
	if got := b.text("#f-chfid-rule"); got != msgNumberChecksum {
		t.Errorf("the enquiry flags %q", got)
	}
}
