package web_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
)

func TestRestValidateCredentials(t *testing.T) {
	e := newEnv(t, true)
	post := func(body string) response {
		e.clk.Advance(7 * time.Second) // stay under the per-address login rate
		return e.rest(t, "", http.MethodPost, "/rest/api/validate/credentials", body)
	}
	for _, c := range []struct {
		name, path, body string
		success          bool
	}{
		{"right password", "/rest/api/validate/credentials", `{"UserID":"EO0101","Password":"officer123"}`, true},
		{"keys in lower case", "/rest/api/validate/credentials", `{"userid":"EO0101","password":"officer123"}`, true},
		{"path in mixed case with slash", "/Rest/Api/Validate/Credentials/", `{"UserID":"EO0101","Password":"officer123"}`, true},
		{"wrong password", "/rest/api/validate/credentials", `{"UserID":"EO0101","Password":"nope"}`, false},
		{"unknown login", "/rest/api/validate/credentials", `{"UserID":"Nobody","Password":"officer123"}`, false},
	} {
		e.clk.Advance(7 * time.Second)
		r := e.rest(t, "", http.MethodPost, c.path, c.body)
		check(t, c.name, r, http.StatusOK)
		if r.status == http.StatusOK {
			m := object(t, r.body)
			checkKeys(t, c.name, m, "errorOccured", "success")
			if m["errorOccured"] != false || m["success"] != c.success {
				t.Errorf("%s: %s", c.name, r.body)
			}
		}
	}
	checkEnvelope(t, "missing UserID", post(`{"Password":"x"}`), http.StatusBadRequest, "UserID")
	checkEnvelope(t, "missing Password", post(`{"UserID":"EO0101"}`), http.StatusBadRequest, "Password")
	checkEnvelope(t, "malformed JSON", post(`{"UserID":`), http.StatusBadRequest, "body")

	// A wrong password counts towards the lockout, as a login does.
	e.addUser(t, "Checked", "right-password", []string{"Enrolment Officer"}, nil)
	for i := range 5 {
		if r := post(`{"UserID":"Checked","Password":"wrong"}`); object(t, r.body)["success"] != false {
			t.Fatalf("wrong password %d: %s", i, r.body)
		}
	}
	if r := post(`{"UserID":"Checked","Password":"right-password"}`); object(t, r.body)["success"] != false {
		t.Errorf("locked login validated: %s", r.body)
	}
	checkEmpty401(t, "login while locked", e.restLogin(t, `{"UserName":"Checked","Password":"right-password"}`))

	// And it shares the login rate limit of the address.
	limited := 0
	for range 12 {
		if r := e.rest(t, "", http.MethodPost, "/rest/api/validate/credentials", `{"UserID":"Nobody","Password":"x"}`); r.status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Error("twelve checks within a second were not rate-limited")
	}
}

func TestRestUserInfo(t *testing.T) {
	e := newEnv(t, true)
	token := e.token(t, officerLogin, officerPassword)
	for _, path := range []string{"/rest/api/userinfo", "/rest/api/UserInfo/"} {
		r := e.rest(t, token, http.MethodPost, path, "")
		check(t, path, r, http.StatusOK)
		if r.status != http.StatusOK {
			continue
		}
		m := object(t, r.body)
		checkKeys(t, "userinfo", m, "loginName", "emailId", "otherNames", "lastName", "rights", "locations")
		if m["loginName"] != officerLogin {
			t.Errorf("loginName %v", m["loginName"])
		}
		var rights []int64
		for _, v := range m["rights"].([]any) {
			rights = append(rights, num(t, v))
		}
		for _, want := range []imis.Right{imis.RightFamilySearch, imis.RightFamilyAdd, imis.RightPolicyRenew} {
			if !slices.Contains(rights, int64(want)) {
				t.Errorf("rights %v lack %d", rights, want)
			}
		}
		locs := rows(t, m, "locations")
		if len(locs) != 1 {
			t.Fatalf("locations %v, want the officer's one district", locs)
		}
		checkKeys(t, "location", locs[0], "locationId", "code", "name", "type")
		ctx := e.userCtx(t, officerLogin)
		u := imis.UserFromContext(ctx)
		d, err := e.db.FindByID(ctx, imis.Locations, u.Districts[0])
		if err != nil {
			t.Fatal(err)
		}
		if num(t, locs[0]["locationId"]) != d.WireID || locs[0]["code"] != d.Values["code"] || locs[0]["type"] != "D" {
			t.Errorf("location %v, want wire id %d code %v", locs[0], d.WireID, d.Values["code"])
		}
	}
	checkEmpty401(t, "no token", e.rest(t, "", http.MethodPost, "/rest/api/userinfo", ""))
	checkEmpty401(t, "bad token", e.rest(t, "not-a-token", http.MethodPost, "/rest/api/userinfo", ""))
}

func TestRestNotSupported(t *testing.T) {
	e := newEnv(t, true)
	token := e.token(t, officerLogin, officerPassword)
	for _, c := range []struct{ method, path string }{
		{http.MethodPost, "/rest/api/policy/commissions"},
		{http.MethodPost, "/rest/api/policy/selfrenewal"},
		{http.MethodGet, "/rest/api/system/apkversion/PoliciesApp"},
		{http.MethodPost, "/rest/api/GetControlNumbersForEO"},
		{http.MethodPost, "/rest/api/GetControlNumber/"},
		{http.MethodPost, "/rest/api/GetAssignedControlNumbers"},
		{http.MethodGet, "/rest/api/Locations/GetOfficerVillages"},
		{http.MethodPost, "/rest/api/MatchPayment"},
		{http.MethodPost, "/rest/api/GetPaymentData"},
	} {
		for i, tok := range []string{token, ""} {
			r := e.rest(t, tok, c.method, c.path, `{}`)
			if r.status != http.StatusNotImplemented || r.body != "{\"error_message\":\"not supported\",\"error_occured\":true}\n" {
				t.Errorf("%s %s (token %s): %d %q", c.method, c.path, strconv.FormatBool(i == 0), r.status, r.body)
			}
		}
	}
}
