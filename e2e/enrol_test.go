package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/openimis-go/openimis"
)

// newCHFID returns a valid demo insurance number no demo insuree has (the demo's numbers start
// at 100000000).
func newCHFID(n int) string {
	body := fmt.Sprintf("0%07d", n)
	return body + imis.DemoNumberRule.CheckDigit(body)
}

// wizardPerson is a member as the wizard's second step asks for one.
type wizardPerson struct{ chfid, last, other, dob, gender, relation string }

// enrolUpTo walks the enrolment wizard as a person would, from an empty first step to the given
// step (2 members, 3 policy, 4 contribution), for a family of three in village R1D1W1V1 (Sokoni
// Kati, picked by typing its first letters) buying NBC01. It returns the members it typed.
func enrolUpTo(b *tab, step, base int) []wizardPerson {
	b.t.Helper()
	people := []wizardPerson{
		{newCHFID(base), "Mwakilema", "Neema", "1988-04-12", "F", ""},
		{newCHFID(base + 1), "Mwakilema", "Baraka", "1985-11-02", "M", "Spouse"},
		{newCHFID(base + 2), "Mwakilema", "Imani", "2019-06-30", "F", "Son/Daughter"},
	}
	if st := b.open("/enrol"); st != http.StatusOK {
		b.t.Fatalf("GET /enrol: %d", st)
	}
	b.pickPlace("#f-f-location-id", "Soko", "Sokoni Kati")
	b.choose("#f-f-family-type", "Household")
	b.typeText("#f-f-address", "Plot 7, main road")
	if step < 2 {
		return people
	}
	if st := b.click("button[name=action][value=next]"); st != http.StatusOK {
		b.t.Fatalf("family step: %d", st)
	}
	if step < 3 {
		return people
	}
	for i, p := range people {
		if i == 2 {
			if st := b.click("button[name=action][value=more]"); st != http.StatusOK {
				b.t.Fatalf("more members: %d", st)
			}
		}
		id := fmt.Sprintf("#f-m-%d-", i)
		b.typeText(id+"chfid", p.chfid)
		b.typeText(id+"last-name", p.last)
		b.typeText(id+"other-names", p.other)
		b.setValue(id+"dob", p.dob)
		b.choose(id+"gender", map[string]string{"F": "Female", "M": "Male"}[p.gender])
		if p.relation != "" {
			b.choose(id+"relationship", p.relation)
		}
	}
	if st := b.click("button[name=action][value=next]"); st != http.StatusOK {
		b.t.Fatalf("members step: %d (%s)", st, b.text(".form-error"))
	}
	if step < 4 {
		return people
	}
	b.choose("#f-p-product-id", "NBC01")
	if eval[string](b, `document.querySelector("#f-p-officer-id").value`) == "" {
		b.choose("#f-p-officer-id", "EO0101")
	}
	b.waitFor("the computed value", `document.querySelector("#quote-value")`)
	if st := b.click("button[name=action][value=next]"); st != http.StatusOK {
		b.t.Fatalf("policy step: %d (%s)", st, b.text(".form-error"))
	}
	return people
}

// TestEnrolThenEnquiry enrols a family of three with the wizard as an enrolment officer, sees the
// value before saving, pays it, finds the policy Active on the family page, and then finds the
// head covered on the enquiry screen by typing the number and Enter, as a barcode reader does.
func TestEnrolThenEnquiry(t *testing.T) {
	requireChromium(t)
	base := startServer(t)
	b := newTab(t, base)
	if st := b.login("EO0101", "officer123"); st != http.StatusOK { // attempt 1
		t.Fatalf("login: %d", st)
	}
	people := enrolUpTo(b, 3, 7000)
	b.screenshot("enrol-policy-step")
	if got := eval[string](b, `document.querySelector("#f-p-officer-id").selectedOptions[0].text`); !strings.HasPrefix(got, "EO0101") {
		t.Errorf("the officer's own record is not preselected: %q", got)
	}
	// Choosing the product asks the server for the dates and value, in place.
	b.choose("#f-p-product-id", "NBC01")
	b.waitFor("the computed value", `document.querySelector("#quote-value")`)
	// Two adults and a child: 2 × 10,000 + 5,000, registration 3 × 1,000, assembly 3 × 500.
	if got := b.text("#quote-value"); got != "29500.00" {
		t.Errorf("computed value %q, want 29500.00", got)
	}
	today := time.Now().Format(time.DateOnly)
	if got := b.text("#quote-start"); got != today {
		t.Errorf("start %q, want %s", got, today)
	}
	b.screenshot("enrol-quote")
	if st := b.click("button[name=action][value=next]"); st != http.StatusOK {
		t.Fatalf("policy step: %d", st)
	}
	if got := eval[string](b, `document.querySelector("#f-c-amount").value`); got != "29500.00" {
		t.Errorf("amount prefilled with %q", got)
	}
	if n := b.count(".people li"); n != 3 {
		t.Errorf("summary lists %d members", n)
	}
	b.typeText("#f-c-receipt", "E2E-"+people[0].chfid)
	b.screenshot("enrol-contribution-step")
	if st := b.click("button[name=action][value=save]"); st != http.StatusOK {
		t.Fatalf("save: %d (%s)", st, b.text(".form-error"))
	}
	if p := b.path(); !strings.HasPrefix(p, "/families/") {
		t.Fatalf("after saving at %s", p)
	}
	if got := b.text(".notice"); !strings.Contains(got, "The family is enrolled.") || !strings.Contains(got, "status Active") {
		t.Errorf("notice %q", got)
	}
	if got := b.texts("table.members tbody tr td:nth-child(2) a"); len(got) != 3 || got[0] != people[0].chfid {
		t.Errorf("members %q", got)
	}
	if got := b.text("table.policies .status"); got != "Active" {
		t.Errorf("policy status %q", got)
	}
	b.screenshot("family-enrolled")

	if st := b.open("/enquiry"); st != http.StatusOK {
		t.Fatalf("GET /enquiry: %d", st)
	}
	b.waitFor("the focus in the number field", `document.activeElement === document.querySelector("#f-chfid")`)
	run(b, "scan the number", chromedp.SendKeys("#f-chfid", people[0].chfid+kb.Enter))
	b.waitFor("the answer", `document.querySelector("#answer-h")`)
	if got := b.text("#answer-h"); got != "Neema Mwakilema" {
		t.Errorf("answer names %q", got)
	}
	if got := b.text(".cover .status.letter"); got != "A" {
		t.Errorf("status letter %q", got)
	}
	if got := b.text(".cover .status-label"); got != "Active" {
		t.Errorf("status label %q", got)
	}
	if p := b.path(); !strings.Contains(p, "chfid="+people[0].chfid) {
		t.Errorf("the address bar shows %s", p)
	}
	// The field is empty again and keeps the focus, ready for the next card.
	if v := eval[string](b, `document.querySelector("#f-chfid").value`); v != "" {
		t.Errorf("the number field holds %q after the answer", v)
	}
	b.waitFor("the focus back in the number field", `document.activeElement === document.querySelector("#f-chfid")`)
	b.screenshot("enquiry-answer")
	run(b, "scan an unknown number", chromedp.SendKeys("#f-chfid", "999999990"+kb.Enter))
	b.waitFor("the not-found message", `document.querySelector("#enquiry-not-found")`)
	if got := b.text("#enquiry-not-found"); !strings.Contains(got, "999999990") {
		t.Errorf("not found message %q", got)
	}
}
