package restv3_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

var enquiryLetter = regexp.MustCompile(`<span class="status letter status-([A-Z])" title="([^"]*)">`)

// TestRestEnquireCoveredLater checks the apps' enquiry of a paid policy whose cover starts later
// against the enquiry screen: the letter is I, as the apps expect for a day not yet covered, the
// effective date is the day cover starts, and the screen shows the same letter with the words
// "Active — covered from" that day.
func TestRestEnquireCoveredLater(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	chfid, _ := webtest.PaidFamily(t, e, 7100, "RFC01")
	r := e.Rest(t, e.Token(t, officerLogin, officerPassword), http.MethodGet, "/rest/api/insuree/"+chfid+"/enquire", "")
	webtest.Check(t, "enquire", r, http.StatusOK)
	details := webtest.Rows(t, webtest.Object(t, r.Body), "details")
	if len(details) != 1 || details[0]["productCode"] != "RFC01" || details[0]["status"] != "I" || details[0]["effectiveDate"] != "2026-07-01" {
		t.Fatalf("details %v", details)
	}
	page := e.Login(t, officerLogin, officerPassword).Get(t, "/enquiry?chfid="+chfid)
	webtest.Check(t, "enquiry screen", page, http.StatusOK)
	m := enquiryLetter.FindStringSubmatch(page.Body)
	if m == nil || m[1] != details[0]["status"] || m[2] != "Active — covered from "+details[0]["effectiveDate"].(string) {
		t.Errorf("the screen shows %q for the apps' %v", m, details[0])
	}
}
