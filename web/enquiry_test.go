package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// activeFamily enrols a family of three with an NBC01 policy paid in full today, through the
// wizard's single store call, and returns the head's number.
func activeFamily(t *testing.T, e *env, base int) string {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	fam, _ := enrolledFamily(t, e, base)
	today := mustDate(t, baseTime.Format(time.DateOnly))
	pol, err := e.db.Create(ctx, imis.Policies, imis.Values{"family_id": fam, "product_id": e.idOf(t, imis.Products, "NBC01"),
		"officer_id": e.idOf(t, imis.Officers, "EO0101"), "enroll_date": today, "is_offline": false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Create(ctx, imis.Contributions, imis.Values{"policy_id": pol.ID, "amount": pol.Values["value"], "receipt": "ENQ-" + testCHFID(base),
		"pay_date": today, "pay_type": "C", "is_photo_fee": false, "is_offline": false}, nil); err != nil {
		t.Fatal(err)
	}
	return testCHFID(base)
}

// TestEnquiryScreen asks about an insuree as the reception desk does: the answer with the
// policy's status, a number nobody has, an item and a service, and the htmx fragment.
func TestEnquiryScreen(t *testing.T) {
	e := newEnrolEnv(t)
	chfid := activeFamily(t, e, 5000)
	b := e.login(t, "Receptionist", "demo123")

	check(t, "empty", b.get(t, "/enquiry"), http.StatusOK, `id="f-chfid"`, "autofocus")
	r := b.get(t, "/enquiry?chfid="+chfid)
	check(t, "answer", r, http.StatusOK, "Neema Mwakilema", chfid, "1988-04-12", "Female", `status letter status-A`, "Active",
		"NBC01 National Basic Cover", "2027-03-01", "29500.00", "Hospital deductible left", "2000.00", "Hospital ceiling left", "1000000.00",
		"Claims left", "Consultation")
	if inputValue(r.body, "chfid") != chfid {
		t.Errorf("the item check does not carry the number")
	}
	r = b.get(t, "/enquiry?chfid=999999990")
	check(t, "unknown", r, http.StatusNotFound, "No insuree has the insurance number 999999990")
	hx := e.do(t, b.c, http.MethodGet, "/enquiry?chfid=999999990", map[string]string{"HX-Request": "true"}, "")
	check(t, "htmx unknown", hx, http.StatusOK, `id="enquiry"`, "No insuree has the insurance number 999999990")
	if strings.Contains(hx.body, "<html") {
		t.Errorf("the htmx answer is a whole page")
	}
	check(t, "NUL", b.get(t, "/enquiry?chfid=%00"+chfid), http.StatusNotFound)
	check(t, "bad date", b.get(t, "/enquiry?chfid="+chfid+"&date=tomorrow"), http.StatusUnprocessableEntity, "A date is needed")
	check(t, "past date", b.get(t, "/enquiry?chfid="+chfid+"&date=2025-01-01"), http.StatusOK, "Neema Mwakilema")

	// A covered service, and an unknown item reported beside its field.
	service := coveredService(t, e)
	r = b.get(t, "/enquiry?chfid="+chfid+"&service="+url.QueryEscape(service))
	check(t, "service", r, http.StatusOK, `class="verdict verdict-`, service)
	r = b.get(t, "/enquiry?chfid="+chfid+"&item=NOPE99")
	if got := fieldErrorOf(r.body, "f-item"); r.status != http.StatusUnprocessableEntity || got != "No record with code NOPE99." {
		t.Errorf("unknown item: %d %q", r.status, got)
	}

	check(t, "no right", e.login(t, "ClaimContrib", "demo123").get(t, "/enquiry"), http.StatusForbidden)
	// The receptionist works in R1D1: an insuree of another district is not found.
	e.addUser(t, "recep2", "recep-two-pass", []string{"Receptionist"}, []string{"R2D1"})
	check(t, "other district", e.login(t, "recep2", "recep-two-pass").get(t, "/enquiry?chfid="+chfid), http.StatusNotFound)
}

// coveredService returns the code of a service the demo products cover.
func coveredService(t *testing.T, e *env) string {
	t.Helper()
	recs, _, err := e.db.Find(imis.SystemContext(context.Background()), imis.Services, store.Filter{Page: imis.Page{Size: 1}})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no service: %v", err)
	}
	return recs[0].Values["code"].(string)
}

// TestEnquiryAPI checks GET /api/enquiry/{chfid}: the enquiry as JSON with amounts as exact
// decimal strings, eligibility on request, 404 for an unknown number and 403 without the right.
func TestEnquiryAPI(t *testing.T) {
	e := newEnrolEnv(t)
	chfid := activeFamily(t, e, 6000)
	tok := e.token(t, "Receptionist", "demo123")

	r := e.api(t, tok, http.MethodGet, "/api/enquiry/"+chfid, "")
	if r.status != http.StatusOK {
		t.Fatalf("enquiry: %d %s", r.status, r.body)
	}
	m := object(t, r.body)
	for k, want := range map[string]any{"chfid": chfid, "last_name": "Mwakilema", "other_names": "Neema", "dob": "1988-04-12",
		"gender": "F", "date": "2026-03-02", "photo": nil} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	if age, _ := m["age"].(json.Number); age.String() != "37" {
		t.Errorf("age %v", m["age"])
	}
	pols := rows(t, m, "policies")
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

	service := coveredService(t, e)
	r = e.api(t, tok, http.MethodGet, "/api/enquiry/"+chfid+"?service="+url.QueryEscape(service)+"&date=2026-03-02", "")
	if r.status != http.StatusOK {
		t.Fatalf("eligibility: %d %s", r.status, r.body)
	}
	el, _ := object(t, r.body)["eligibility"].(map[string]any)
	svc, _ := el["service"].(map[string]any)
	if svc["code"] != service || svc["covered"] != true {
		t.Errorf("service eligibility %v", svc)
	}
	if el["item"] != nil {
		t.Errorf("item eligibility without an item: %v", el["item"])
	}

	r = e.api(t, tok, http.MethodGet, "/api/enquiry/999999990", "")
	if r.status != http.StatusNotFound {
		t.Errorf("unknown: %d %s", r.status, r.body)
	}
	r = e.api(t, tok, http.MethodGet, "/api/enquiry/"+chfid+"?item=NOPE99", "")
	if r.status != http.StatusUnprocessableEntity || errorFields(t, r.body)["item_code"] == nil {
		t.Errorf("unknown item: %d %s", r.status, r.body)
	}
	r = e.api(t, tok, http.MethodGet, "/api/enquiry/"+chfid+"?date=someday", "")
	if r.status != http.StatusUnprocessableEntity || errorFields(t, r.body)["date"] == nil {
		t.Errorf("bad date: %d %s", r.status, r.body)
	}
	r = e.api(t, e.token(t, "ClaimContrib", "demo123"), http.MethodGet, "/api/enquiry/"+chfid, "")
	if r.status != http.StatusForbidden {
		t.Errorf("without the right: %d %s", r.status, r.body)
	}
	if r = e.do(t, nil, http.MethodGet, "/api/enquiry/"+chfid, nil, ""); r.status != http.StatusUnauthorized {
		t.Errorf("without a token: %d", r.status)
	}
}
