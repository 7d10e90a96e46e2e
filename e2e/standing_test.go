package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// wireID is the mobile id of the record of reg with the given code, looked up through the API.
func (c *apiClient) wireID(reg, code string) json.Number {
	c.t.Helper()
	for _, it := range c.list(reg, "q="+code).Items {
		if it["code"] == code {
			if n, ok := it["wire_id"].(float64); ok {
				return json.Number(fmt.Sprint(int64(n)))
			}
		}
	}
	c.t.Fatalf("no %s with code %s", reg, code)
	return ""
}

// TestOneStatusWord enrols a family from the Policies app with a DPC01 policy paid on the day of
// enrolment: the product's month of administration puts the start a month ahead. The clerk's
// family page and the reception's enquiry then say the same thing about the head, "Active —
// covered from" the start, and the enquiry's letter is the apps' I, as the apps' own enquiry says.
func TestOneStatusWord(t *testing.T) {
	requireChromium(t)
	base := startServer(t)
	admin := apiLogin(t, base, "Admin", "admin123") // attempt 1
	village, product, officer := admin.wireID("locations", "R2D1W1V1"), admin.wireID("products", "DPC01"), admin.wireID("officers", "EO0401")
	app := apiLogin(t, base, "EO0401", "officer123") // attempt 2
	chfid, today := newCHFID(9100), time.Now().Format(time.DateOnly)
	upload := map[string]any{"Source": "PoliciesApp", "SourceVersion": "2.3", "Family": []any{map[string]any{
		"FamilyId": "-1", "InsureeId": "-1", "LocationId": village.String(), "HOFCHFID": chfid, "Poverty": "false", "FamilyType": "H",
		"FamilyAddress": "Plot 12", "isOffline": "1", "InsureePolicy": []any{},
		"Insurees": []any{map[string]any{"InsureeId": "-1", "FamilyId": "-1", "CHFID": chfid, "LastName": "Okello", "OtherNames": "Daniel",
			"DOB": "1980-05-01", "Gender": "M", "isHead": "1", "CardIssued": "0", "isOffline": "1"}},
		"Policies": []any{map[string]any{"PolicyId": "-1", "FamilyId": "-1", "EnrollDate": today, "StartDate": today, "PolicyStatus": "1",
			"PolicyValue": "0", "ProdId": product.String(), "OfficerId": officer.String(), "PolicyStage": "N", "isOffline": "1",
			// More than the value: the policy is paid whatever the product charges.
			"Premium": []any{map[string]any{"PremiumId": "-1", "PolicyId": "-1", "PayerId": "0", "Amount": "100000.00",
				"Receipt": "E2E-" + chfid, "PayDate": today, "PayType": "C", "isPhotoFee": "false", "isOffline": "1"}}}},
	}}}
	st, body := app.call(http.MethodPost, "/rest/api/family", upload)
	var answer struct {
		Response int `json:"response"`
		Family   []struct {
			UUID string `json:"familyUUID"`
		} `json:"family"`
	}
	if err := json.Unmarshal(body, &answer); st != http.StatusOK || err != nil || answer.Response != 0 || len(answer.Family) != 1 {
		t.Fatalf("upload: %d %s", st, body)
	}

	b := newTab(t, base)
	if st := b.login("Admin", "admin123"); st != http.StatusOK { // attempt 3
		t.Fatalf("login: %d", st)
	}
	if st := b.open("/families/" + answer.Family[0].UUID); st != http.StatusOK {
		t.Fatalf("family page: %d", st)
	}
	start, _, _ := strings.Cut(b.text("table.policies tbody td:nth-child(3) .nowrap"), " – ")
	want := "Active — covered from " + start
	if start <= today {
		t.Errorf("DPC01 starts on %q, not after %s", start, today)
	}
	if got := b.text("table.policies .status"); got != want {
		t.Errorf("family page says %q, want %q", got, want)
	}
	b.screenshot("family-covered-later")

	if st := b.open("/enquiry"); st != http.StatusOK {
		t.Fatalf("GET /enquiry: %d", st)
	}
	b.waitFor("the focus in the number field", `document.activeElement === document.querySelector("#f-chfid")`)
	run(b, "scan the number", chromedp.SendKeys("#f-chfid", chfid+kb.Enter))
	b.waitFor("the answer", `document.querySelector("#answer-h")`)
	if got := b.text(".cover .status-label"); got != want {
		t.Errorf("the enquiry says %q, the family page %q", got, want)
	}
	letter := b.text(".cover .status.letter")
	if letter != "I" {
		t.Errorf("the enquiry's letter is %q, want I", letter)
	}
	b.screenshot("enquiry-covered-later")

	st, body = app.call(http.MethodGet, "/rest/api/insuree/"+chfid+"/enquire", nil)
	var rest struct {
		Details []struct {
			Status        string `json:"status"`
			EffectiveDate string `json:"effectiveDate"`
		} `json:"details"`
	}
	if err := json.Unmarshal(body, &rest); st != http.StatusOK || err != nil || len(rest.Details) != 1 ||
		rest.Details[0].Status != letter || rest.Details[0].EffectiveDate != start {
		t.Errorf("the apps' enquiry: %d %s, want status %s from %s", st, body, letter, start)
	}
}
