package api_test

import (
	"net/http"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// TestDuplicateCodeReportedWithOtherProblems checks that a user fixing a form learns of a used
// code at once, not only after every other field is right.
func TestDuplicateCodeReportedWithOtherProblems(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")
	r := e.API(t, tok, "POST", "/api/registers/health-facilities",
		`{"code":"HF0101","name":"Twice","legal_form":"G","level":"D","location_id":"R1D1","care_type":"O","email":"not an address"}`)
	webtest.Check(t, "create", r, http.StatusUnprocessableEntity)
	fields := webtest.ErrorFields(t, r.Body)
	if fields["code"] == nil || fields["email"] == nil {
		t.Fatalf("want errors on code and email together, got %v", fields)
	}
}
