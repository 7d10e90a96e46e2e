package ui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

// TestInsuranceNumberRuleShown checks every place an insurance number is typed: the field states
// the scheme's rule as its hint and carries the rule and the server's messages for the script
// that checks the typing; a search box is marked as one, where part of a number is fair. When the
// administrator changes the rule the hints follow, and a scheme without a rule shows none.
func TestInsuranceNumberRuleShown(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	fam, ids := webtest.EnrolledFamily(t, e, 8100)
	village := e.IDOf(t, imis.Locations, "R1D1W1V1").String()
	const demoHint = "9 digits; the last is the remainder of the first 8 divided by 7."
	member := "/families/" + fam.String() + "/members/" + ids[1].String()
	fields := []struct{ what, path, input string }{
		{"wizard's members", "", "f-m-0-chfid"},
		{"member form", "/families/" + fam.String() + "/members/new", "f-chfid"},
		{"insuree form", "/registers/insurees/" + ids[1].String() + "/edit", "f-chfid"},
		{"move form", member + "/move", "f-to-family"},
		{"enquiry", "/enquiry", "f-chfid"},
		{"insuree search", "/insurees", "f-q"},
		{"family search", "/families", "f-q"},
		{"policy search", "/policies", "f-q"},
		{"payment search", "/contributions", "f-q"},
	}
	get := func(path string) webtest.Response {
		if path == "" {
			return b.Step(t, 1, "next", wizardForm(village, nil, nil, nil))
		}
		return b.Get(t, path)
	}
	for _, f := range fields {
		r := get(f.path)
		webtest.Check(t, f.what, r, http.StatusOK, demoHint, "The check digit of this insurance number is wrong.")
		tag := ""
		for _, input := range inputTag.FindAllString(r.Body, -1) {
			if strings.Contains(input, `id="`+f.input+`"`) {
				tag = input
			}
		}
		if !strings.Contains(tag, `data-chfid="9 7"`) || !strings.Contains(tag, `aria-describedby="`+f.input+`-hint"`) {
			t.Errorf("%s: the number field does not carry the rule or its hint: %s", f.what, tag)
		}
		if search := strings.Contains(tag, "data-chfid-search"); search != (f.input == "f-q") {
			t.Errorf("%s: marked as a search %v: %s", f.what, search, tag)
		}
	}

	ctx := imis.SystemContext(context.Background())
	if err := e.DB.SetSchemeSettings(ctx, store.SchemeSettings{NumberRule: imis.InsuranceNumberRule{Length: 12, Modulo: 10}, ActivationOption: 1}); err != nil {
		t.Fatal(err)
	}
	webtest.Check(t, "Luhn rule", get("/enquiry"), http.StatusOK, "12 digits; the last is a check digit (Luhn).", `data-chfid="12 10"`)
	if err := e.DB.SetSchemeSettings(ctx, store.SchemeSettings{ActivationOption: 1}); err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if r := get(f.path); strings.Contains(r.Body, "data-chfid") || strings.Contains(r.Body, demoHint) {
			t.Errorf("%s: a scheme without a rule shows one: %s", f.what, webtest.Excerpt(r.Body))
		}
	}
}
