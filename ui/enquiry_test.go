package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// TestEnquiryScreen asks about an insuree as the reception desk does: the answer with the
// policy's status, a number nobody has, an item and a service, and the htmx fragment.
func TestEnquiryScreen(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	chfid := webtest.ActiveFamily(t, e, 5000)
	b := e.Login(t, "Receptionist", "demo123")

	webtest.Check(t, "empty", b.Get(t, "/enquiry"), http.StatusOK, `id="f-chfid"`, "autofocus")
	r := b.Get(t, "/enquiry?chfid="+chfid)
	webtest.Check(t, "answer", r, http.StatusOK, "Neema Mwakilema", chfid, "1988-04-12", "Female", `status letter status-A`, "Active",
		"NBC01 National Basic Cover", "2027-03-01", "29500.00", "Hospital deductible left", "2000.00", "Hospital ceiling left", "1000000.00",
		"Claims left", "Consultation")
	if inputValue(r.Body, "chfid") != chfid {
		t.Errorf("the item check does not carry the number")
	}
	r = b.Get(t, "/enquiry?chfid=999999990")
	webtest.Check(t, "unknown", r, http.StatusNotFound, "No insuree has the insurance number 999999990")
	hx := e.Do(t, b.Client, http.MethodGet, "/enquiry?chfid=999999990", map[string]string{"HX-Request": "true"}, "")
	webtest.Check(t, "htmx unknown", hx, http.StatusOK, `id="enquiry"`, "No insuree has the insurance number 999999990")
	if strings.Contains(hx.Body, "<html") {
		t.Errorf("the htmx answer is a whole page")
	}
	webtest.Check(t, "NUL", b.Get(t, "/enquiry?chfid=%00"+chfid), http.StatusNotFound)
	webtest.Check(t, "bad date", b.Get(t, "/enquiry?chfid="+chfid+"&date=tomorrow"), http.StatusUnprocessableEntity, "A date is needed")
	webtest.Check(t, "past date", b.Get(t, "/enquiry?chfid="+chfid+"&date=2025-01-01"), http.StatusOK, "Neema Mwakilema")

	// A covered service, and an unknown item reported beside its field.
	service := webtest.CoveredService(t, e)
	r = b.Get(t, "/enquiry?chfid="+chfid+"&service="+url.QueryEscape(service))
	webtest.Check(t, "service", r, http.StatusOK, `class="verdict verdict-`, service)
	r = b.Get(t, "/enquiry?chfid="+chfid+"&item=NOPE99")
	if got := fieldErrorOf(r.Body, "f-item"); r.Status != http.StatusUnprocessableEntity || got != "No record with code NOPE99." {
		t.Errorf("unknown item: %d %q", r.Status, got)
	}

	webtest.Check(t, "no right", e.Login(t, "ClaimContrib", "demo123").Get(t, "/enquiry"), http.StatusForbidden)
	// The receptionist works in R1D1: an insuree of another district is not found.
	e.AddUser(t, "recep2", "recep-two-pass", []string{"Receptionist"}, []string{"R2D1"})
	webtest.Check(t, "other district", e.Login(t, "recep2", "recep-two-pass").Get(t, "/enquiry?chfid="+chfid), http.StatusNotFound)
}
