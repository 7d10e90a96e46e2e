package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// TestEnquiryAPI checks GET /api/enquiry/{chfid}: the enquiry as JSON with amounts as exact
// decimal strings, eligibility on request, 404 for an unknown number and 403 without the right.
func TestEnquiryAPI(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	chfid := webtest.ActiveFamily(t, e, 6000)
	tok := e.Token(t, "Receptionist", "demo123")

	r := e.API(t, tok, http.MethodGet, "/api/enquiry/"+chfid, "")
	if r.Status != http.StatusOK {
		t.Fatalf("enquiry: %d %s", r.Status, r.Body)
	}
	m := webtest.Object(t, r.Body)
	for k, want := range map[string]any{"chfid": chfid, "last_name": "Mwakilema", "other_names": "Neema", "dob": "1988-04-12",
		"gender": "F", "date": "2026-03-02", "photo": nil} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	if age, _ := m["age"].(json.Number); age.String() != "37" {
		t.Errorf("age %v", m["age"])
	}
	pols := webtest.Rows(t, m, "policies")
	if len(pols) != 1 {
		t.Fatalf("policies %v", pols)
	}
	p := pols[0]
	for k, want := range map[string]any{"product_code": "NBC01", "status": "A", "policy_value": "29500.00", "start_date": "2026-03-02",
		"effective_date": "2026-03-02", "expiry_date": "2027-03-01", "ded_type": "1.1", "deductible_1": "2000.00", "ceiling_1": "1000000.00",
		"ceiling_2": "300000.00"} {
		if p[k] != want {
			t.Errorf("policy %s = %#v, want %#v", k, p[k], want)
		}
	}
	left, _ := p["claims_left"].(map[string]any)
	if n, _ := left["consultation"].(json.Number); n.String() != "12" || left["surgery"] != nil {
		t.Errorf("claims left %v", left)
	}
	if amounts, _ := p["amounts_left"].(map[string]any); amounts["delivery"] != "150000.00" {
		t.Errorf("amounts left %v", amounts)
	}

	service := webtest.CoveredService(t, e)
	r = e.API(t, tok, http.MethodGet, "/api/enquiry/"+chfid+"?service="+url.QueryEscape(service)+"&date=2026-03-02", "")
	if r.Status != http.StatusOK {
		t.Fatalf("eligibility: %d %s", r.Status, r.Body)
	}
	el, _ := webtest.Object(t, r.Body)["eligibility"].(map[string]any)
	svc, _ := el["service"].(map[string]any)
	if svc["code"] != service || svc["covered"] != true {
		t.Errorf("service eligibility %v", svc)
	}
	if el["item"] != nil {
		t.Errorf("item eligibility without an item: %v", el["item"])
	}

	r = e.API(t, tok, http.MethodGet, "/api/enquiry/999999990", "")
	if r.Status != http.StatusNotFound {
		t.Errorf("unknown: %d %s", r.Status, r.Body)
	}
	r = e.API(t, tok, http.MethodGet, "/api/enquiry/"+chfid+"?item=NOPE99", "")
	if r.Status != http.StatusUnprocessableEntity || webtest.ErrorFields(t, r.Body)["item_code"] == nil {
		t.Errorf("unknown item: %d %s", r.Status, r.Body)
	}
	r = e.API(t, tok, http.MethodGet, "/api/enquiry/"+chfid+"?date=someday", "")
	if r.Status != http.StatusUnprocessableEntity || webtest.ErrorFields(t, r.Body)["date"] == nil {
		t.Errorf("bad date: %d %s", r.Status, r.Body)
	}
	r = e.API(t, e.Token(t, "ClaimContrib", "demo123"), http.MethodGet, "/api/enquiry/"+chfid, "")
	if r.Status != http.StatusForbidden {
		t.Errorf("without the right: %d %s", r.Status, r.Body)
	}
	if r = e.Do(t, nil, http.MethodGet, "/api/enquiry/"+chfid, nil, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("without a token: %d", r.Status)
	}
}
