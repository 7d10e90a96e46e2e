package restv3_test

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

func TestRestValidateCredentials(t *testing.T) {
	e := webtest.NewEnv(t, true)
	post := func(body string) webtest.Response {
		e.Clock.Advance(7 * time.Second) // stay under the per-address login rate
		return e.Rest(t, "", http.MethodPost, "/rest/api/validate/credentials", body)
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
		e.Clock.Advance(7 * time.Second)
		r := e.Rest(t, "", http.MethodPost, c.path, c.body)
		webtest.Check(t, c.name, r, http.StatusOK)
		if r.Status == http.StatusOK {
			m := webtest.Object(t, r.Body)
			checkKeys(t, c.name, m, "errorOccured", "success")
			if m["errorOccured"] != false || m["success"] != c.success {
				t.Errorf("%s: %s", c.name, r.Body)
			}
		}
	}
	checkEnvelope(t, "missing UserID", post(`{"Password":"x"}`), http.StatusBadRequest, "UserID")
	checkEnvelope(t, "missing Password", post(`{"UserID":"EO0101"}`), http.StatusBadRequest, "Password")
	checkEnvelope(t, "malformed JSON", post(`{"UserID":`), http.StatusBadRequest, "body")

	// A wrong password counts towards the lockout, as a login does.
	e.AddUser(t, "Checked", "right-password", []string{"Enrolment Officer"}, nil)
	for i := range 5 {
		if r := post(`{"UserID":"Checked","Password":"wrong"}`); webtest.Object(t, r.Body)["success"] != false {
			t.Fatalf("wrong password %d: %s", i, r.Body)
		}
	}
	if r := post(`{"UserID":"Checked","Password":"right-password"}`); webtest.Object(t, r.Body)["success"] != false {
		t.Errorf("locked login validated: %s", r.Body)
	}
	checkEmpty401(t, "login while locked", e.RestLogin(t, `{"UserName":"Checked","Password":"right-password"}`))

	// And it shares the login rate limit of the address.
	limited := 0
	for range 12 {
		if r := e.Rest(t, "", http.MethodPost, "/rest/api/validate/credentials", `{"UserID":"Nobody","Password":"x"}`); r.Status == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited == 0 {
		t.Error("twelve checks within a second were not rate-limited")
	}
}

func TestRestUserInfo(t *testing.T) {
	e := webtest.NewEnv(t, true)
	token := e.Token(t, officerLogin, officerPassword)
	for _, path := range []string{"/rest/api/userinfo", "/rest/api/UserInfo/"} {
		r := e.Rest(t, token, http.MethodPost, path, "")
		webtest.Check(t, path, r, http.StatusOK)
		if r.Status != http.StatusOK {
			continue
		}
		m := webtest.Object(t, r.Body)
		checkKeys(t, "userinfo", m, "loginName", "emailId", "otherNames", "lastName", "rights", "locations")
		if m["loginName"] != officerLogin {
			t.Errorf("loginName %v", m["loginName"])
		}
		var rights []int64
		for _, v := range m["rights"].([]any) {
			rights = append(rights, webtest.Num(t, v))
		}
		for _, want := range []imis.Right{imis.RightFamilySearch, imis.RightFamilyAdd, imis.RightPolicyRenew} {
			if !slices.Contains(rights, int64(want)) {
				t.Errorf("rights %v lack %d", rights, want)
			}
		}
		locs := webtest.Rows(t, m, "locations")
		if len(locs) != 1 {
			t.Fatalf("locations %v, want the officer's one district", locs)
		}
		checkKeys(t, "location", locs[0], "locationId", "code", "name", "type")
		ctx := e.UserCtx(t, officerLogin)
		u := imis.UserFromContext(ctx)
		d, err := e.DB.FindByID(ctx, imis.Locations, u.Districts[0])
		if err != nil {
			t.Fatal(err)
		}
		if webtest.Num(t, locs[0]["locationId"]) != d.WireID || locs[0]["code"] != d.Values["code"] || locs[0]["type"] != "D" {
			t.Errorf("location %v, want wire id %d code %v", locs[0], d.WireID, d.Values["code"])
		}
	}
	checkEmpty401(t, "no token", e.Rest(t, "", http.MethodPost, "/rest/api/userinfo", ""))
	checkEmpty401(t, "bad token", e.Rest(t, "not-a-token", http.MethodPost, "/rest/api/userinfo", ""))
}

func TestRestNotSupported(t *testing.T) {
	e := webtest.NewEnv(t, true)
	token := e.Token(t, officerLogin, officerPassword)
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
			r := e.Rest(t, tok, c.method, c.path, `{}`)
			if r.Status != http.StatusNotImplemented || r.Body != "{\"error_message\":\"not supported\",\"error_occured\":true}\n" {
				t.Errorf("%s %s (token %s): %d %q", c.method, c.path, strconv.FormatBool(i == 0), r.Status, r.Body)
			}
		}
	}
}
