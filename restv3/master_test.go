package restv3_test

import (
	"context"
	"net/http"
	"regexp"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// masterRowKeys are the row keys of every master-data table (interfaces.md §1.7). The Policies
// app creates its SQLite tables from them, so their spelling is the contract.
var masterRowKeys = map[string][]string{
	"confirmationTypes":   {"confirmationTypeCode", "confirmationType", "sortOrder", "altLanguage"},
	"controls":            {"fieldName", "adjustibility"},
	"education":           {"educationId", "education", "sortOrder", "altLanguage"},
	"familyTypes":         {"familyTypeCode", "familyType", "sortOrder", "altLanguage"},
	"hf":                  {"hfid", "hfCode", "hfName", "locationId", "hfLevel"},
	"identificationTypes": {"identificationCode", "identificationTypes", "sortOrder", "altLanguage"},
	"languages":           {"languageCode", "languageName", "sortOrder"},
	"locations":           {"locationId", "locationCode", "locationName", "parentLocationId", "locationType"},
	"officers":            {"officerId", "officerUUID", "code", "lastName", "otherNames", "phone", "locationId", "officerIDSubst", "worksTo"},
	"payers":              {"payerId", "payerName", "locationId"},
	"products": {"prodId", "productCode", "productName", "locationId", "insurancePeriod", "dateFrom", "dateTo", "conversionProdId",
		"lumpsum", "memberCount", "premiumAdult", "premiumChild", "registrationLumpsum", "registrationFee", "generalAssemblyLumpSum",
		"generalAssemblyFee", "startCycle1", "startCycle2", "startCycle3", "startCycle4", "gracePeriodRenewal", "maxInstallments",
		"waitingPeriod", "threshold", "renewalDiscountPerc", "renewalDiscountPeriod", "administrationPeriod", "enrolmentDiscountPerc",
		"enrolmentDiscountPeriod", "gracePeriod"},
	"professions":   {"professionId", "profession", "sortOrder", "altLanguage"},
	"relations":     {"relationId", "relation", "sortOrder", "altLanguage"},
	"phoneDefaults": {"ruleName", "ruleValue"},
	"genders":       {"code", "gender", "altLanguage", "sortOrder"},
}

func TestRestMaster(t *testing.T) {
	e := webtest.NewRestEnv(t, 5)
	token := e.Token(t, officerLogin, officerPassword)
	for _, c := range []struct{ name, token, path string }{
		{"without a token", "", "/rest/api/master"},
		{"with a token", token, "/rest/api/master"},
		{"with a bad token", "garbage", "/rest/api/master"},
		{"path in mixed case with slash", "", "/Rest/Api/Master/"},
	} {
		r := e.Rest(t, c.token, http.MethodGet, c.path, "")
		webtest.Check(t, c.name, r, http.StatusOK)
		if r.Status != http.StatusOK {
			continue
		}
		m := webtest.Object(t, r.Body)
		var keys []string
		for k := range masterRowKeys {
			keys = append(keys, k)
		}
		checkKeys(t, c.name, m, keys...)
		for key, want := range masterRowKeys {
			list := webtest.Rows(t, m, key)
			if len(list) == 0 {
				t.Errorf("%s: %s is empty", c.name, key)
			}
			for _, row := range list {
				checkKeys(t, key, row, want...)
			}
		}
	}

	r := e.Rest(t, "", http.MethodGet, "/rest/api/master", "")
	m := webtest.Object(t, r.Body)
	ctx := imis.SystemContext(context.Background())

	// Every current location, facility, officer, payer and product, by wire id.
	for key, reg := range map[string]*imis.Register{"locations": imis.Locations, "hf": imis.HealthFacilities, "officers": imis.Officers,
		"payers": imis.Payers, "products": imis.Products} {
		_, total := e.Records(t, ctx, reg, nil)
		if got := len(webtest.Rows(t, m, key)); got != total {
			t.Errorf("%s: %d rows, want the %d current records", key, got, total)
		}
	}
	locs, _ := e.Records(t, ctx, imis.Locations, nil)
	byWire := map[int64]map[string]any{}
	for _, l := range webtest.Rows(t, m, "locations") {
		byWire[webtest.Num(t, l["locationId"])] = l
	}
	wireOf := map[imis.ID]int64{}
	for _, l := range locs {
		wireOf[l.ID] = l.WireID
	}
	for _, l := range locs {
		row := byWire[l.WireID]
		if row == nil || row["locationCode"] != l.Values["code"] || row["locationType"] != l.Values["type"] {
			t.Errorf("location %v: row %v", l.Values["code"], row)
			continue
		}
		if p, ok := l.Values["parent_id"].(imis.ID); ok {
			if webtest.Num(t, row["parentLocationId"]) != wireOf[p] {
				t.Errorf("location %v: parent %v, want wire id %d", l.Values["code"], row["parentLocationId"], wireOf[p])
			}
		} else if row["parentLocationId"] != nil {
			t.Errorf("region %v has parent %v", l.Values["code"], row["parentLocationId"])
		}
	}
	for _, h := range webtest.Rows(t, m, "hf") {
		if _, ok := byWire[webtest.Num(t, h["locationId"])]; !ok {
			t.Errorf("facility %v: locationId %v is not a location's wire id", h["hfCode"], h["locationId"])
		}
	}

	// Amounts are exact JSON numbers with two decimals: the demo's national product costs
	// 10,000.00 per adult.
	if !regexp.MustCompile(`"premiumAdult":10000\.00[,}]`).MatchString(r.Body) {
		t.Errorf("premiumAdult is not rendered as 10000.00: %.2000s", r.Body)
	}
	var nbc map[string]any
	for _, p := range webtest.Rows(t, m, "products") {
		if p["productCode"] == "NBC01" {
			nbc = p
		}
	}
	if nbc == nil {
		t.Fatal("no NBC01 product")
	}
	if webtest.Num(t, nbc["insurancePeriod"]) != 12 || webtest.Num(t, nbc["memberCount"]) != 8 || nbc["locationId"] != nil || nbc["startCycle1"] != nil {
		t.Errorf("NBC01 %v", nbc)
	}

	// Look-ups: numeric ids where openIMIS has integers, codes elsewhere, English labels.
	rel := webtest.Rows(t, m, "relations")
	if len(rel) != len(imis.Relations) || webtest.Num(t, rel[0]["relationId"]) != 1 || rel[0]["relation"] != "Brother/Sister" {
		t.Errorf("relations %v", rel)
	}
	g := webtest.Rows(t, m, "genders")
	if len(g) != 3 || g[0]["code"] != "M" || g[0]["gender"] != "Male" || webtest.Num(t, g[0]["sortOrder"]) != 1 {
		t.Errorf("genders %v", g)
	}
	for _, c := range webtest.Rows(t, m, "controls") {
		if c["adjustibility"] != "O" {
			t.Errorf("control %v", c)
		}
	}

	// Phone rules default to false and follow the settings.
	rules := map[string]any{}
	for _, p := range webtest.Rows(t, m, "phoneDefaults") {
		rules[p["ruleName"].(string)] = p["ruleValue"]
	}
	for _, name := range []string{"AllowInsureeWithoutPhoto", "AllowFamilyWithoutPolicy", "AllowPolicyWithoutPremium", "ShowPaymentOption"} {
		if v, ok := rules[name]; !ok || v != false {
			t.Errorf("phone rule %s = %v, want false", name, v)
		}
	}
	if err := e.DB.SetSetting(context.Background(), "phone.AllowInsureeWithoutPhoto", "true"); err != nil {
		t.Fatal(err)
	}
	r = e.Rest(t, "", http.MethodGet, "/rest/api/master", "")
	for _, p := range webtest.Rows(t, webtest.Object(t, r.Body), "phoneDefaults") {
		if want := p["ruleName"] == "AllowInsureeWithoutPhoto"; p["ruleValue"] != want {
			t.Errorf("after setting: %v", p)
		}
	}
}
