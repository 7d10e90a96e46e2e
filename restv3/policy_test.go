package restv3_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

// reportingOfficer adds a login for the demo's second officer of the first district, with the
// report rights the enrolment officer role lacks, and returns its token.
func reportingOfficer(t *testing.T, e *webtest.Env) string {
	t.Helper()
	u := imis.UserFromContext(e.UserCtx(t, officerLogin))
	d, err := e.DB.FindByID(imis.SystemContext(context.Background()), imis.Locations, u.Districts[0])
	if err != nil {
		t.Fatal(err)
	}
	e.AddUser(t, "EO0102", "officer-pass", []string{"Enrolment Officer", "Manager", "Accountant"}, []string{d.Values["code"].(string)})
	return e.Token(t, "EO0102", "officer-pass")
}

// dueRenewal is a reminder with its previous policy.
type dueRenewal struct {
	store.RenewalDue
	prev *store.Record
}

func renewalsDue(t *testing.T, e *webtest.Env, officerCode string) []dueRenewal {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	oid, err := e.DB.OfficerByCode(ctx, officerCode)
	if err != nil || oid == imis.NilID {
		t.Fatalf("officer %s: %v", officerCode, err)
	}
	due, err := e.DB.RenewalsDue(ctx, oid)
	if err != nil {
		t.Fatal(err)
	}
	var out []dueRenewal
	for _, d := range due {
		prev, err := e.DB.FindByID(ctx, imis.Policies, d.PolicyUUID)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, dueRenewal{d, prev})
	}
	return out
}

func renewBody(d dueRenewal, receipt, amount, date string) string {
	return fmt.Sprintf(`{"RenewalId":%d,"Officer":"%s","CHFID":"%s","ReceiptNo":"%s","ProductCode":"%s","Amount":"%s","Date":"%s","Discontinue":false,"PayerId":0}`,
		d.RenewalID, d.OfficerCode, d.CHFID, receipt, d.ProductCode, amount, date)
}

func TestRestRenewals(t *testing.T) {
	e := webtest.NewRestEnv(t, 4*restFamilies)
	ctx := imis.SystemContext(context.Background())
	token := reportingOfficer(t, e)
	today := e.DB.Today()
	if _, err := e.DB.InsertRenewals(ctx, today, 0); err != nil {
		t.Fatal(err)
	}
	due := renewalsDue(t, e, "EO0102")
	if len(due) < 5 {
		t.Fatalf("only %d renewals due for EO0102", len(due))
	}

	// GET policy lists them with the documented keys and wire ids.
	r := e.Rest(t, token, http.MethodGet, "/rest/api/Policy/", "")
	webtest.Check(t, "renewals", r, http.StatusOK)
	list := array(t, r.Body)
	if len(list) != len(due) {
		t.Fatalf("%d renewals listed, want %d", len(list), len(due))
	}
	for i, row := range list {
		checkKeys(t, "renewal", row, "renewalId", "policyId", "officerId", "officerCode", "chfid", "lastName", "otherNames",
			"productCode", "productName", "villageName", "renewalPromptDate", "phone", "renewalUUID")
		if webtest.Num(t, row["renewalId"]) != due[i].RenewalID || webtest.Num(t, row["policyId"]) != due[i].prev.WireID || row["renewalUUID"] != due[i].RenewalUUID.String() {
			t.Errorf("renewal %d: %v", i, row)
		}
	}
	officer := e.Token(t, officerLogin, officerPassword)
	if r := e.Rest(t, officer, http.MethodGet, "/rest/api/policy", ""); r.Status != http.StatusOK || len(array(t, r.Body)) == 0 {
		t.Errorf("EO0101's renewals: %d %s", r.Status, r.Body)
	}

	// Pick reminders that are not late, so they can be renewed today.
	var ok []dueRenewal
	for _, d := range due {
		if !d.prev.Values["expiry_date"].(imis.Date).AddDays(1).AddMonths(1).Before(today) {
			ok = append(ok, d)
		}
	}
	if len(ok) < 5 {
		t.Fatalf("only %d renewals due in time", len(ok))
	}
	renew := func(what, body string, want int) {
		t.Helper()
		r := e.Rest(t, token, http.MethodPost, "/rest/api/policy/renew", body)
		if r.Status != http.StatusOK || r.Body != fmt.Sprintf("%d\n", want) {
			t.Errorf("%s: %d %q, want %d", what, r.Status, r.Body, want)
		}
	}
	before := e.Counts(t)
	first := ok[0]
	body := renewBody(first, "RN-0001", "1000.00", today.String())
	renew("renewal", body, 3001)
	after := e.Counts(t)
	if after[2] != before[2]+1 || after[3] != before[3]+1 {
		t.Errorf("counts %v -> %v: want one policy and one contribution more", before, after)
	}
	renewed, _ := e.Records(t, ctx, imis.Policies, map[string]string{"family_id": first.prev.Values["family_id"].(imis.ID).String()})
	var got *store.Record
	for _, p := range renewed {
		if p.Values["previous_id"] == first.prev.ID {
			got = p
		}
	}
	if got == nil || got.Values["stage"] != imis.StageRenewal || got.Values["status"] != int64(imis.PolicyIdle) {
		t.Fatalf("renewal policy %v", got)
	}
	if exp := first.prev.Values["expiry_date"].(imis.Date); got.Values["start_date"].(imis.Date).Before(exp.AddDays(1)) {
		t.Errorf("renewal starts %v, before the previous policy ends %v", got.Values["start_date"], exp)
	}

	// Exactly once: the same upload, in other spellings too, creates nothing more.
	renew("same upload again", body, 3002)
	renew("same upload, keys in lower case", fmt.Sprintf(`{"renewalid":"%d","officer":"%s","chfid":"%s","receiptno":"RN-0001","productcode":"%s","amount":1000.00,"date":"%s","discontinue":"false","payerid":"0"}`,
		first.RenewalID, first.OfficerCode, first.CHFID, first.ProductCode, today), 3002)
	renew("same reminder, another receipt", renewBody(first, "RN-0002", "1000.00", today.String()), 3002)
	if c := e.Counts(t); c != after {
		t.Errorf("retries changed the counts: %v -> %v", after, c)
	}

	// Refusals change nothing.
	second := ok[1]
	for _, c := range []struct {
		what, body string
		want       int
	}{
		{"duplicate receipt", renewBody(dueRenewal{RenewalDue: store.RenewalDue{RenewalID: second.RenewalID, OfficerCode: second.OfficerCode, CHFID: second.CHFID, ProductCode: first.ProductCode}}, "RN-0001", "10.00", today.String()), 3004},
		{"unknown insurance number", `{"RenewalId":0,"CHFID":"999999999","ReceiptNo":"X1","ProductCode":"NBC01","Amount":"10","Date":"` + today.String() + `"}`, 3007},
		{"unknown product", `{"RenewalId":0,"CHFID":"` + second.CHFID + `","ReceiptNo":"X2","ProductCode":"NOPE","Amount":"10","Date":"` + today.String() + `"}`, 3009},
	} {
		renew(c.what, c.body, c.want)
	}
	if c := e.Counts(t); c != after {
		t.Errorf("refused renewals changed the counts: %v -> %v", after, c)
	}

	// A policy already renewed another way is "renewal already requested".
	third := ok[2]
	if _, _, err := e.DB.RenewPolicy(ctx, third.prev.ID, today, nil); err != nil {
		t.Fatal(err)
	}
	renew("renewed elsewhere", renewBody(third, "RN-0003", "10.00", today.String()), 3008)

	// The family declines: the reminder is answered, no policy is written.
	fourth := ok[3]
	mid := e.Counts(t)
	renew("discontinue", fmt.Sprintf(`{"RenewalId":%d,"Officer":"%s","CHFID":"%s","ProductCode":"%s","Discontinue":true}`,
		fourth.RenewalID, fourth.OfficerCode, fourth.CHFID, fourth.ProductCode), 3001)
	if c := e.Counts(t); c != mid {
		t.Errorf("discontinuing wrote records: %v -> %v", mid, c)
	}
	renew("renew a declined reminder", renewBody(fourth, "RN-0004", "10.00", today.String()), 3003)
	left := map[int64]bool{}
	for _, d := range renewalsDue(t, e, "EO0102") {
		left[d.RenewalID] = true
	}
	if left[first.RenewalID] || left[fourth.RenewalID] {
		t.Errorf("answered reminders are still due")
	}

	// Malformed bodies are input errors.
	checkEnvelope(t, "missing CHFID", e.Rest(t, token, http.MethodPost, "/rest/api/policy/renew", `{"RenewalId":1,"ProductCode":"NBC01","Date":"2026-03-02"}`), http.StatusBadRequest, "CHFID")
	checkEnvelope(t, "missing Date", e.Rest(t, token, http.MethodPost, "/rest/api/policy/renew", `{"CHFID":"1","ProductCode":"NBC01"}`), http.StatusBadRequest, "Date")
	checkEnvelope(t, "amount without receipt", e.Rest(t, token, http.MethodPost, "/rest/api/policy/renew", `{"CHFID":"1","ProductCode":"NBC01","Date":"2026-03-02","Amount":"5"}`), http.StatusBadRequest, "ReceiptNo")

	// The renewal report counts the officer's renewal uploads: four distinct ones were accepted
	// (renewal, discontinue, and the two spellings of the first count as one), the rest refused.
	r = e.Rest(t, token, http.MethodPost, "/rest/api/report/renewal", `{"FromDate":"`+today.String()+`","ToDate":"`+today.String()+`"}`)
	m := webtest.Object(t, r.Body)
	if webtest.Num(t, m["renewalAccepted"]) != 2 || webtest.Num(t, m["renewalSent"]) < 6 {
		t.Errorf("renewal report %s", r.Body)
	}

	// Late renewals: two years on, an unanswered reminder is past the product's grace.
	e.Clock.Advance(2 * 365 * 24 * time.Hour)
	token = e.Token(t, "EO0102", "officer-pass")
	renew("late renewal", renewBody(ok[4], "RN-0005", "10.00", e.DB.Today().String()), 3005)
}

func TestRestDeleteRenewal(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	ctx := imis.SystemContext(context.Background())
	if _, err := e.DB.InsertRenewals(ctx, e.DB.Today(), 0); err != nil {
		t.Fatal(err)
	}
	token := e.Token(t, officerLogin, officerPassword)
	due := renewalsDue(t, e, officerLogin)
	if len(due) == 0 {
		t.Fatal("no renewal due")
	}
	del := func(what, path, want string) {
		t.Helper()
		r := e.Rest(t, token, http.MethodDelete, path, "")
		if r.Status != http.StatusOK || r.Body != want+"\n" {
			t.Errorf("%s: %d %q, want %s", what, r.Status, r.Body, want)
		}
	}
	id := due[0].RenewalUUID.String()
	del("delete", "/rest/api/policy/renew/"+id, "1")
	del("delete again", "/Rest/Api/Policy/Renew/"+id+"/", "1")
	del("unknown", "/rest/api/policy/renew/"+imis.NewID().String(), "-1")
	del("not a uuid", "/rest/api/policy/renew/not-a-uuid", "-1")
	for _, d := range renewalsDue(t, e, officerLogin) {
		if d.RenewalUUID == due[0].RenewalUUID {
			t.Errorf("a deleted reminder is still due")
		}
	}
	checkEmpty401(t, "no token", e.Rest(t, "", http.MethodDelete, "/rest/api/policy/renew/"+id, ""))
	manager := e.Token(t, "Manager", "demo123")
	if r := e.Rest(t, manager, http.MethodDelete, "/rest/api/policy/renew/"+id, ""); r.Status != http.StatusForbidden {
		t.Errorf("without the right: %d", r.Status)
	}
}

// TestRestRenewalProduct replays the probe: a renewal naming a product that the renewed policy's
// product does not convert into, after the renewed product's grace but within the other's, was
// accepted (3001 where the renewed product's rules say 3005). It is now refused as Rejected and
// writes nothing; the renewed product itself still answers that the grace is over.
func TestRestRenewalProduct(t *testing.T) {
	e := webtest.NewRestEnv(t, 4*restFamilies)
	ctx := imis.SystemContext(context.Background())
	reportingOfficer(t, e)
	today := e.DB.Today()
	if _, err := e.DB.InsertRenewals(ctx, today, 0); err != nil {
		t.Fatal(err)
	}
	// A national policy (NBC01: one month of grace, where the regional RFC01 has two), renewed a
	// week after its grace.
	national := e.IDOf(t, imis.Products, "NBC01")
	var d *dueRenewal
	var day imis.Date
	for _, c := range renewalsDue(t, e, "EO0102") {
		day = imis.LastDateForRenewal(imis.PolicyTerms{GracePeriodRenewal: 1}, c.prev.Values["expiry_date"].(imis.Date)).AddDays(7)
		if c.prev.Values["product_id"] == national && !day.Before(today) {
			d = &c
			break
		}
	}
	if d == nil {
		t.Fatal("no national policy due for renewal")
	}
	e.Clock.Advance(day.Time().Sub(today.Time()))
	token := e.Token(t, "EO0102", "officer-pass")
	before := e.Counts(t)
	for _, c := range []struct {
		product string
		want    int
	}{{"RFC01", 3003}, {"NBC01", 3005}} {
		body := fmt.Sprintf(`{"RenewalId":%d,"Officer":"%s","CHFID":"%s","ReceiptNo":"RP-%s","ProductCode":"%s","Amount":"10.00","Date":"%s","Discontinue":false,"PayerId":0}`,
			d.RenewalID, d.OfficerCode, d.CHFID, c.product, c.product, day)
		r := e.Rest(t, token, http.MethodPost, "/rest/api/policy/renew", body)
		if r.Status != http.StatusOK || r.Body != fmt.Sprintf("%d\n", c.want) {
			t.Errorf("renewal as %s on %s: %d %q, want %d", c.product, day, r.Status, r.Body, c.want)
		}
	}
	if after := e.Counts(t); after != before {
		t.Errorf("refused renewals changed the counts: %v -> %v", before, after)
	}
}
