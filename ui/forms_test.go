package ui_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

var auditRow = regexp.MustCompile(`<tr><td[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d</td><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td>`)

// auditRows returns the who and action columns of a record page's audit trail, newest first.
func auditRows(body string) [][2]string {
	i := strings.Index(body, `class="audit"`)
	if i < 0 {
		return nil
	}
	var out [][2]string
	for _, m := range auditRow.FindAllStringSubmatch(body[i:], -1) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

// TestFacilityForm creates, edits and deletes a facility through the HTML forms.
func TestFacilityForm(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")
	b := e.Login(t, "Admin", "admin123")
	d1 := e.IDOf(t, imis.Locations, "R1D1").String()
	v1 := e.IDOf(t, imis.Locations, "R1D1W1V1").String()
	before := e.Total(t, tok, "health-facilities")

	newPage := b.Get(t, "/registers/health-facilities/new")
	webtest.Check(t, "new form", newPage, http.StatusOK, `name="code"`, `name="catchments.0.location_id"`, `name="location_id"`, `data-place="D"`)

	valid := url.Values{"code": {"HFUI01"}, "name": {"Form Facility"}, "legal_form": {"G"}, "level": {"C"}, "sub_level": {"N"},
		"location_id": {d1}, "care_type": {"B"}, "email": {"form@example.org"}, "status": {"AC"}, "offline": {"false", "true"},
		"contract_start": {"2026-01-01"}, "contract_end": {"2026-12-31"},
		"catchments.0.location_id": {v1}, "catchments.0.catchment": {"70"},
		"catchments.1.location_id": {""}, "catchments.1.catchment": {""}}
	spoil := func(changes map[string]string) url.Values {
		f := url.Values{}
		for k, v := range valid {
			f[k] = append([]string(nil), v...)
		}
		for k, v := range changes {
			f.Set(k, v)
		}
		return f
	}

	cases := []struct {
		name    string
		changes map[string]string
		status  int
		errors  map[string]string // input name -> text beside it
	}{
		{"parse errors", map[string]string{"email": "not-an-address", "name": "", "catchments.0.catchment": "lots"}, 422,
			map[string]string{"email": "Not a valid e-mail address.", "name": "Required.", "catchments.0.catchment": "A whole number is needed."}},
		{"unknown choice", map[string]string{"legal_form": "Z"}, 422, map[string]string{"legal_form": "Choose one of: C, D, G, P."}},
		{"village as district", map[string]string{"location_id": v1}, 422, map[string]string{"location_id": "Must be a location of type D."}},
		{"duplicate code", map[string]string{"code": "HF0101"}, 409, map[string]string{"code": "HF0101 is already used."}},
		{"bytes that are not UTF-8", map[string]string{"name": "Bad \xff name"}, 422, map[string]string{"name": "Invalid value."}},
		{"NUL byte", map[string]string{"address": "a\x00b"}, 422, map[string]string{"address": "Invalid value."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := b.Submit(t, "/registers/health-facilities", spoil(c.changes))
			webtest.Check(t, c.name, r, c.status, `<form method="post" action="/registers/health-facilities"`)
			for field, msg := range c.errors {
				if got := webtest.FieldError(r.Body, field); got != msg {
					t.Errorf("error beside %s: %q, want %q", field, got, msg)
				}
			}
			if !strings.Contains(r.Body, `aria-invalid="true"`) {
				t.Error("no input is marked invalid")
			}
			if c.changes["code"] == "" && !strings.Contains(r.Body, `value="HFUI01"`) {
				t.Error("the form lost the values typed")
			}
		})
	}
	if n := e.Total(t, tok, "health-facilities"); n != before {
		t.Fatalf("facilities %d after refused forms, want %d", n, before)
	}

	r := b.Submit(t, "/registers/health-facilities", valid)
	webtest.Check(t, "valid form", r, http.StatusSeeOther)
	loc := r.Header.Get("Location")
	m := regexp.MustCompile(`^/registers/health-facilities/([0-9a-f-]{36})$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("Location %q", loc)
	}
	id := m[1]
	view := b.Get(t, loc)
	webtest.Check(t, "record page", view, http.StatusOK, "HFUI01", "Form Facility", "form@example.org")
	if rows := auditRows(view.Body); len(rows) != 1 || rows[0] != [2]string{"Admin", "Created"} {
		t.Errorf("audit trail %v, want one Created by Admin", rows)
	}
	rec := e.Fetch(t, tok, "health-facilities", id, "")
	if rec["offline"] != true || rec["sub_level"] != "N" || len(webtest.RowsOf(t, rec, "catchments")) != 1 {
		t.Errorf("stored facility %v", rec)
	}
	wire := "<dd>" + rec["wire_id"].(json.Number).String() + "</dd>" // the mobile id shown on the page

	// The changes are made two days later, so that the first day still reads the first version.
	e.Clock.Advance(48 * time.Hour)
	b = e.Login(t, "Admin", "admin123") // the session has expired meanwhile
	t.Run("edit", func(t *testing.T) {
		edit := b.Get(t, loc+"/edit")
		webtest.Check(t, "edit form", edit, http.StatusOK, `name="version" value="1"`, `value="Form Facility"`)
		f := spoil(map[string]string{"name": "Renamed Form Facility", "version": "1"})
		r := b.Submit(t, loc, f)
		webtest.Check(t, "update", r, http.StatusSeeOther)
		r = b.Submit(t, loc, f)
		webtest.Check(t, "stale update", r, http.StatusConflict, "Someone else changed")
		view := b.Get(t, loc)
		webtest.Check(t, "after update", view, http.StatusOK, "Renamed Form Facility")
		rows := auditRows(view.Body)
		if len(rows) != 2 || rows[0] != [2]string{"Admin", "Changed"} || rows[1] != [2]string{"Admin", "Created"} {
			t.Errorf("audit trail %v", rows)
		}
		if !strings.Contains(view.Body, "<del>Form Facility</del>") {
			t.Error("the change of name is not shown")
		}
	})

	t.Run("delete", func(t *testing.T) {
		webtest.Check(t, "confirm", b.Get(t, loc+"/delete"), http.StatusOK, "HFUI01")
		webtest.Check(t, "stale", b.Submit(t, loc+"/delete", url.Values{"version": {"1"}}), http.StatusConflict)
		r := b.Submit(t, loc+"/delete", url.Values{"version": {"2"}})
		webtest.Check(t, "delete", r, http.StatusSeeOther)
		if r.Header.Get("Location") != "/registers/health-facilities" {
			t.Errorf("Location %q", r.Header.Get("Location"))
		}
		webtest.Check(t, "gone", b.Get(t, loc), http.StatusNotFound)
		webtest.Check(t, "as it was", b.Get(t, loc+"?as_of=2026-03-02"), http.StatusOK, "<dd>Form Facility</dd>", "<td>70</td>", wire)
	})

	t.Run("location in use", func(t *testing.T) {
		id := e.IDOf(t, imis.Locations, "R1D1W1V1").String()
		r := b.Submit(t, "/registers/locations/"+id+"/delete", url.Values{"version": {"1"}})
		webtest.Check(t, "delete village", r, http.StatusConflict, "Still in use in")
	})
}

// TestDiagnosesUpload loads ICD-10 codes from CSV: all lines or none.
func TestDiagnosesUpload(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")
	b := e.Login(t, "Admin", "admin123")
	name := func(code string) string {
		r := e.API(t, tok, "GET", "/api/registers/diagnoses?code="+url.QueryEscape(code), "")
		for _, it := range webtest.RowsOf(t, webtest.Object(t, r.Body), "items") {
			if it["code"] == code {
				return it["name"].(string)
			}
		}
		return ""
	}
	webtest.Check(t, "page", b.Get(t, "/tools/diagnoses-upload"), http.StatusOK, `enctype="multipart/form-data"`)
	before := e.Total(t, tok, "diagnoses")

	r := b.Upload(t, b.CSRF, "icd.csv", "code,name\nA00,Cholera (renamed)\nZ991,New test diagnosis\nA01,Typhoid and paratyphoid fevers\n")
	webtest.Check(t, "good file", r, http.StatusOK, "1 diagnoses added, 1 updated.")
	if name("A00") != "Cholera (renamed)" || name("Z991") != "New test diagnosis" {
		t.Errorf("after upload: A00 %q Z991 %q", name("A00"), name("Z991"))
	}
	if n := e.Total(t, tok, "diagnoses"); n != before+1 {
		t.Errorf("diagnoses %d, want %d", n, before+1)
	}
	before++

	r = b.Upload(t, b.CSRF, "icd.csv", "\ufeffICDCode;ICDName\r\n"[0:0]+"\ufeffICDCode,ICDName\r\nZ992,Windows line ends\r\n")
	webtest.Check(t, "openIMIS header, BOM and CRLF", r, http.StatusOK, "1 diagnoses added, 0 updated.")
	before++

	bad := []struct {
		name, content, want string
	}{
		{"code with a space", "code,name\nA02,Changed name\nB 12,Bad code\n", "Line 3, code: A code may not contain spaces."},
		{"duplicate code", "code,name\nZ993,One\nA02,Changed name\nZ993,Two\n", "Line 4: code Z993 already on line 2."},
		{"code too long", "code,name\nA02,Changed name\nABCDEFGH,Too long\n", "Line 3, code: At most 6 characters."},
		{"missing name", "code,name\nA02,Changed name\nZ994,\n", "Line 3, name: Required."},
		{"blank line before the bad one", "code,name\nA02,Changed name\n\nB 1,x\n", "Line 4, code:"},
		{"too few columns", "code,name\nA02,Changed name\nZ995\n", "Line 3 has too few columns."},
		{"broken quoting", "code,name\nA02,Changed name\nZ996,\"open\n", "Line 3 is not valid CSV."},
		{"bytes that are not UTF-8", "code,name\nA02,Changed name\nZ997,\xff\xfe\n", "Line 3 is not UTF-8 text."},
		{"NUL byte", "code,name\nA02,Changed name\nZ997,a\x00b\n", "Line 3 is not UTF-8 text."},
		{"no header", "A02,Changed name\n", "The header must name the columns code and name."},
		{"header only", "code,name\n", "The file has no data rows."},
		{"empty file", "", "The file has no data rows."},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			r := b.Upload(t, b.CSRF, "icd.csv", c.content)
			webtest.Check(t, c.name, r, http.StatusUnprocessableEntity, html.EscapeString(c.want))
			if strings.Contains(r.Body, "%!") {
				t.Errorf("badly formatted message: %s", r.Body[strings.Index(r.Body, "%!")-40:][:80])
			}
		})
	}
	if got := name("A02"); got != "Other salmonella infections" {
		t.Errorf("A02 is %q after refused files", got)
	}
	if n := e.Total(t, tok, "diagnoses"); n != before {
		t.Errorf("diagnoses %d after refused files, want %d", n, before)
	}

	webtest.Check(t, "no file", b.Upload(t, b.CSRF, "", ""), http.StatusUnprocessableEntity, "Choose a file to upload.")
	webtest.Check(t, "no csrf token", b.Upload(t, "", "icd.csv", "code,name\nZ998,Forged\n"), http.StatusForbidden)
	clerk := e.Login(t, "Clerk", "demo123")
	webtest.Check(t, "without the right", clerk.Upload(t, clerk.CSRF, "icd.csv", "code,name\nZ998,Forged\n"), http.StatusForbidden)
	if name("Z998") != "" {
		t.Error("a refused upload stored Z998")
	}
}

// TestProductFormSections checks that the long product form is split into titled sections in
// the register's field order, each holding its fields, while a short form stays one grid; the
// product's page shows its values under the same titles.
func TestProductFormSections(t *testing.T) {
	e := webtest.NewEnrolEnv(t) // the demo's products come with its families
	b := e.Login(t, "Admin", "admin123")
	form := b.Get(t, "/registers/products/new")
	webtest.Check(t, "product form", form, http.StatusOK)
	legends := []string{"Product", "Cover period and members", "Contributions, discounts and grace periods",
		"Deductibles, ceilings and limits per category", "Relative pricing and capitation"}
	inputs := []string{`name="code"`, `name="insurance_period"`, `name="premium_adult"`, `name="ded_insuree"`, `name="weight_population"`}
	inSections(t, "product form", form.Body, legends, inputs, func(l string) string { return `<fieldset class="section"><legend>` + l + `</legend>` }, "</fieldset>")
	if items := b.Get(t, "/registers/items/new"); strings.Contains(items.Body, `class="section"`) {
		t.Error("the item form, which names no sections, has some")
	}

	// The product's page shows its values under the same titles.
	view := b.Get(t, "/registers/products/"+e.IDOf(t, imis.Products, "NBC01").String())
	webtest.Check(t, "product page", view, http.StatusOK)
	labels := []string{"Code", "Insurance period (months)", "Contribution per adult", "Deductible per insuree", "Weight: population (%)"}
	for i := range labels {
		labels[i] = "<dt>" + labels[i] + "</dt>"
	}
	inSections(t, "product page", view.Body, legends, labels, func(l string) string { return `<section class="values-section"><h2>` + l + `</h2>` }, "</section>")
}

// inSections checks that body holds the titled sections in order, each opened by the markup
// open makes of its title and closed by end, and each containing its entry of wants.
func inSections(t *testing.T, what, body string, legends, wants []string, open func(string) string, end string) {
	t.Helper()
	for i, legend := range legends {
		at := strings.Index(body, open(legend))
		if at < 0 {
			t.Fatalf("%s: section %q missing or out of order", what, legend)
		}
		body = body[at:]
		stop := strings.Index(body, end)
		if stop < 0 || !strings.Contains(body[:stop], wants[i]) {
			t.Errorf("%s: section %q does not hold %s", what, legend, wants[i])
		}
	}
}
