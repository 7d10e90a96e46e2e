package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// TestEnquiryAPICoveredLater checks the enquiry JSON of a paid policy whose cover starts later:
// the apps' letter I, the screens' words and the day cover starts, which agree with each other.
func TestEnquiryAPICoveredLater(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	chfid, _ := webtest.PaidFamily(t, e, 6100, "RFC01")
	covered := webtest.ActiveFamily(t, e, 6200)
	tok := e.Token(t, "Receptionist", "demo123")
	for number, want := range map[string]map[string]any{
		chfid: {"product_code": "RFC01", "status": "I", "status_label": "Active — covered from 2026-07-01",
			"covered_from": "2026-07-01", "effective_date": "2026-07-01", "start_date": "2026-07-01", "policy_status": json.Number("2")},
		covered: {"product_code": "NBC01", "status": "A", "status_label": "Active", "covered_from": nil, "policy_status": json.Number("2")},
	} {
		r := e.API(t, tok, http.MethodGet, "/api/enquiry/"+number, "")
		if r.Status != http.StatusOK {
			t.Fatalf("enquiry: %d %s", r.Status, r.Body)
		}
		pols := webtest.Rows(t, webtest.Object(t, r.Body), "policies")
		if len(pols) != 1 {
			t.Fatalf("policies %v", pols)
		}
		for k, v := range want {
			if pols[0][k] != v {
				t.Errorf("%s: policy %s = %#v, want %#v", number, k, pols[0][k], v)
			}
		}
	}
}
