package ui_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

var optionValue = regexp.MustCompile(`<option value="([^"]*)"`)

// TestPlaceFieldsListNoVillages checks that no screen with a place field sends the locations as
// options any more: each sends a box that takes a code (and a picker's data) instead.
func TestPlaceFieldsListNoVillages(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	ctx := imis.SystemContext(context.Background())
	locations, n := e.Records(t, ctx, imis.Locations, nil)
	if n < 50 {
		t.Fatalf("the demo has %d locations", n)
	}
	isLocation := map[string]bool{}
	for _, l := range locations {
		isLocation[l.ID.String()] = true
	}
	for path, box := range map[string]string{
		"/enrol":                             `name="f.location_id"`,
		"/families":                          `name="location_id"`,
		"/registers/health-facilities/new":   `name="catchments.0.location_id"`,
		"/registers/officers/new":            `name="villages.0.location_id"`,
		"/registers/users/new":               `name="districts.0.location_id"`,
		"/registers/locations":               `name="parent_id"`,
		"/registers/health-facilities":       `name="location_id"`,
		"/registers/item-pricelists/new":     `name="location_id"`,
		"/registers/products/new":            `name="location_id"`,
		"/registers/payers?location_id=R1D1": `value="R1D1"`,
	} {
		r := b.Get(t, path)
		webtest.Check(t, path, r, http.StatusOK, box, `data-place="`)
		listed := 0
		for _, m := range optionValue.FindAllStringSubmatch(r.Body, -1) {
			if isLocation[m[1]] {
				listed++
			}
		}
		if listed > 0 {
			t.Errorf("%s lists %d locations as options", path, listed)
		}
	}
}

// TestPlaceFieldWithoutScript enrols a family by typing the village's code, as a browser without
// script does, and refuses a code that names no village of the user's districts beside the field.
func TestPlaceFieldWithoutScript(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	village := e.IDOf(t, imis.Locations, "R1D1W1V1")
	officer := e.IDOf(t, imis.Officers, "EO0101").String()
	product := e.IDOf(t, imis.Products, "NBC01").String()
	members := webtest.FamilyOf3(300)
	today := webtest.BaseTime.Format(time.DateOnly)

	r := b.Step(t, 1, "next", wizardForm("R1D1W1V1", nil, nil, nil))
	webtest.Check(t, "a village by its code", r, http.StatusOK, `name="m.0.chfid"`)
	r = b.Step(t, 1, "back", wizardForm("R1D1W1V1", nil, nil, nil))
	webtest.Check(t, "the village shown again", r, http.StatusOK, `value="R1D1W1V1"`, `data-place-id="`+village.String()+`"`,
		`data-place-path="Mwangaza › Kilundeni › Kilundeni Mjini › Sokoni Kati"`)

	policy := map[string]string{"product_id": product, "officer_id": officer, "enroll_date": today}
	contrib := map[string]string{"amount": "29500.00", "receipt": "CODE-0001", "pay_date": today, "pay_type": "C"}
	r = b.Step(t, 4, "save", wizardForm("R1D1W1V1", members, policy, contrib))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: status %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	famID, _ := imis.ParseID(strings.TrimPrefix(strings.SplitN(r.Header.Get("Location"), "?", 2)[0], "/families/"))
	fam, err := e.DB.FindByID(imis.SystemContext(context.Background()), imis.Families, famID)
	if err != nil || fam.Values["location_id"] != village {
		t.Fatalf("family %v in %v, want %v", famID, err, village)
	}

	e.AddUser(t, "clerk2", "clerk-pass-2", []string{"Clerk"}, []string{"R1D2"})
	clerk := e.Login(t, "clerk2", "clerk-pass-2")
	for _, c := range []struct {
		name string
		b    *webtest.Browser
		code string
	}{
		{"unknown code", b, "NOWHERE"},
		{"another district's village", clerk, "R1D1W1V1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.b.Step(t, 1, "next", wizardForm(c.code, nil, nil, nil))
			webtest.Check(t, c.name, r, http.StatusUnprocessableEntity, `value="`+c.code+`"`)
			if got := fieldErrorOf(r.Body, "f-f-location-id"); got != "No such record, or not in your districts." {
				t.Errorf("error beside the village: %q", got)
			}
		})
	}

	t.Run("the family search by a village's code", func(t *testing.T) {
		r := b.Get(t, "/families?location_id=R1D1W1V1")
		webtest.Check(t, "by code", r, http.StatusOK, famID.String())
		r = clerk.Get(t, "/families?location_id=R1D1W1V1")
		webtest.Check(t, "another district's code", r, http.StatusOK, "0 found", "No such record, or not in your districts.")
	})
}

// TestFirstPointOfServiceDistrictFirst offers, at the wizard's members step, the facilities of the
// family's district before the others.
func TestFirstPointOfServiceDistrictFirst(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	for _, c := range []struct{ village, district string }{{"R1D1W1V1", "HF01"}, {"R1D2W1V1", "HF02"}, {"R2D1W1V1", "HF04"}} {
		r := b.Step(t, 1, "next", wizardForm(e.IDOf(t, imis.Locations, c.village).String(), nil, nil, nil))
		webtest.Check(t, c.village, r, http.StatusOK, `name="m.0.hf_id"`)
		sel := regexp.MustCompile(`(?s)<select id="f-m-0-hf-id".*?</select>`).FindString(r.Body)
		labels := regexp.MustCompile(`<option value="[^"]+"[^>]*>([^<]*)<`).FindAllStringSubmatch(sel, -1)
		if len(labels) < 4 {
			t.Fatalf("%s: %d facilities", c.village, len(labels))
		}
		if first := labels[0][1]; !strings.HasPrefix(first, c.district) {
			t.Errorf("family in %s: the first facility is %q, want one of %s", c.village, first, c.district)
		}
		if strings.HasPrefix(labels[len(labels)-1][1], c.district) {
			t.Errorf("family in %s: the district's facilities are not all first: %q", c.village, labels)
		}
	}
}
