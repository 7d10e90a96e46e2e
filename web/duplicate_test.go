package web_test

import (
	"net/http"
	"testing"
)

// TestDuplicateCodeReportedWithOtherProblems checks that a user fixing a form learns of a used
// code at once, not only after every other field is right.
func TestDuplicateCodeReportedWithOtherProblems(t *testing.T) {
	e := newEnv(t, true)
	tok := e.token(t, "Admin", "admin123")
	r := e.api(t, tok, "POST", "/api/registers/health-facilities",
		`{"code":"HF0101","name":"Twice","legal_form":"G","level":"D","location_id":"R1D1","care_type":"O","email":"not an address"}`)
	check(t, "create", r, http.StatusUnprocessableEntity)
	fields := errorFields(t, r.body)
	if fields["code"] == nil || fields["email"] == nil {
		t.Fatalf("want errors on code and email together, got %v", fields)
	}
}
