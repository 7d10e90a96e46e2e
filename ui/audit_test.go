package ui_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// TestAuditTrailShowsReadableValues checks that the audit trail on a record's page names choices
// and references as the record page does, never by raw code or id.
func TestAuditTrailShowsReadableValues(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")
	body := `{"code":"AUD01","name":"Audit Clinic","legal_form":"G","level":"D","location_id":"R1D1","care_type":"O",
		"catchments":[{"location_id":"R1D1W1V1","catchment":40}]}`
	r := e.API(t, tok, "POST", "/api/registers/health-facilities", body)
	webtest.Check(t, "create", r, http.StatusCreated)
	rec := webtest.Object(t, r.Body)
	id := rec["id"].(string)
	r = e.API(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"version":1,"legal_form":"P","catchments":[{"location_id":"R1D1W1V1","catchment":60}]}`)
	webtest.Check(t, "update", r, http.StatusOK)
	b := e.Login(t, "Admin", "admin123")
	view := b.Get(t, "/registers/health-facilities/"+id)
	webtest.Check(t, "view", view, http.StatusOK, "<del>Government</del> → <ins>Private organization</ins>", "Catchment villages")
	audit := view.Body[strings.Index(view.Body, `class="audit"`):]
	for _, raw := range []string{">G<", ">P<", rec["location_id"].(string)} {
		if strings.Contains(audit, raw) {
			t.Errorf("the audit trail shows the raw value %q", raw)
		}
	}
	if !strings.Contains(audit, "R1D1W1V1") || !strings.Contains(audit, "/ 60") {
		t.Errorf("the catchment change is not shown with the village and its share:\n%s", webtest.Excerpt(audit))
	}
}
