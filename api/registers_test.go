package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// TestRegistersAPI walks records through their life in the JSON API: create with references by
// code, read back typed values, update with the version, history, as-of reads and delete.
func TestRegistersAPI(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")

	region := e.Created(t, tok, "locations", `{"code":"T1","name":"Test Region","type":"R"}`)
	if webtest.Num(t, region["version"]) != 1 || webtest.Num(t, region["wire_id"]) <= 0 {
		t.Errorf("new region: version %v wire_id %v", region["version"], region["wire_id"])
	}
	district := e.Created(t, tok, "locations", `{"code":"T1D1","name":"Test District","type":"D","parent_id":"T1"}`)
	if district["parent_id"] != region["id"] {
		t.Errorf("district parent %v, want the region %v", district["parent_id"], region["id"])
	}
	ward := e.Created(t, tok, "locations", `{"code":"T1D1W1","name":"Test Ward","type":"W","parent_id":`+webtest.Quote(district["id"].(string))+`}`)
	village := e.Created(t, tok, "locations", `{"code":"T1D1W1V1","name":"Test Village","type":"V","parent_id":"T1D1W1",
		"male_population":120,"female_population":"130","families":null}`)
	if village["parent_id"] != ward["id"] || webtest.Num(t, village["male_population"]) != 120 || webtest.Num(t, village["female_population"]) != 130 {
		t.Errorf("village: %v", village)
	}
	if village["families"] != nil {
		t.Errorf("families %v, want null", village["families"])
	}

	pl := e.Created(t, tok, "item-pricelists", `{"name":"TR items","date":"2026-01-01","location_id":"T1D1",
		"details":[{"item_id":"I0001","price_overrule":"1234.50"},{"item_id":"I0002","price_overrule":12},{"item_id":"I0003"}]}`)
	got := e.Fetch(t, tok, "item-pricelists", pl["id"].(string), "")
	details := webtest.RowsOf(t, got, "details")
	if len(details) != 3 {
		t.Fatalf("details %v", details)
	}
	if details[0]["item_id"] != e.IDOf(t, imis.Items, "I0001").String() || details[1]["item_id"] != e.IDOf(t, imis.Items, "I0002").String() {
		t.Errorf("item ids %v %v", details[0]["item_id"], details[1]["item_id"])
	}
	if details[0]["price_overrule"] != "1234.50" || details[1]["price_overrule"] != "12.00" || details[2]["price_overrule"] != nil {
		t.Errorf("prices %#v %#v %#v, want \"1234.50\" \"12.00\" null", details[0]["price_overrule"], details[1]["price_overrule"], details[2]["price_overrule"])
	}
	if got["date"] != "2026-01-01" || got["location_id"] != district["id"] {
		t.Errorf("price list %v", got)
	}
	spl := e.IDOf(t, imis.ServicePriceLists, firstName(t, e, tok, "service-pricelists"))

	hfBody := fmt.Sprintf(`{"code":"TRHF01","name":"Test Hospital","acc_code":"ACC-T-1","legal_form":"C","level":"H","sub_level":"R",
		"location_id":%s,"address":"P.O. Box 1","phone":"0712 000 001","fax":"0712 000 002","email":"hospital@example.org",
		"care_type":"B","items_pricelist_id":%s,"services_pricelist_id":%s,"offline":true,
		"contract_start":"2026-01-01","contract_end":"2026-12-31","status":"AC",
		"catchments":[{"location_id":"T1D1W1V1","catchment":60}]}`, webtest.Quote(district["id"].(string)), webtest.Quote(pl["id"].(string)), webtest.Quote(spl.String()))
	hf := e.Created(t, tok, "health-facilities", hfBody)
	id := hf["id"].(string)
	hf = e.Fetch(t, tok, "health-facilities", id, "")
	want := map[string]any{"code": "TRHF01", "name": "Test Hospital", "acc_code": "ACC-T-1", "legal_form": "C", "level": "H",
		"sub_level": "R", "location_id": district["id"], "address": "P.O. Box 1", "phone": "0712 000 001", "fax": "0712 000 002",
		"email": "hospital@example.org", "care_type": "B", "items_pricelist_id": pl["id"], "services_pricelist_id": spl.String(),
		"offline": true, "contract_start": "2026-01-01", "contract_end": "2026-12-31", "status": "AC"}
	for k, v := range want {
		if hf[k] != v {
			t.Errorf("facility %s = %#v, want %#v", k, hf[k], v)
		}
	}
	catch := webtest.RowsOf(t, hf, "catchments")
	if len(catch) != 1 || catch[0]["location_id"] != village["id"] || webtest.Num(t, catch[0]["catchment"]) != 60 {
		t.Errorf("catchments %v", catch)
	}
	if webtest.Num(t, hf["version"]) != 1 {
		t.Errorf("version %v", hf["version"])
	}

	t.Run("duplicate code", func(t *testing.T) {
		before := e.Total(t, tok, "health-facilities")
		r := e.API(t, tok, "POST", "/api/registers/health-facilities", strings.Replace(hfBody, `"TRHF01"`, `"HF0101"`, 1))
		webtest.Check(t, "duplicate", r, http.StatusConflict, "HF0101", `"conflict"`)
		if f := webtest.ErrorFields(t, r.Body); f["code"] == nil {
			t.Errorf("fields %v lack code", f)
		}
		r = e.API(t, tok, "POST", "/api/registers/item-pricelists", `{"name":"TR items","date":"2026-01-01"}`)
		webtest.Check(t, "duplicate price list", r, http.StatusConflict, "TR items")
		if n := e.Total(t, tok, "health-facilities"); n != before {
			t.Errorf("facilities %d, want %d", n, before)
		}
	})

	// The update happens three days after the creation, so that each day reads one version.
	e.Clock.Set(webtest.BaseTime.Add(72 * time.Hour))
	t.Run("update with the version", func(t *testing.T) {
		r := e.API(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"version":1,"name":"Renamed Hospital"}`)
		webtest.Check(t, "update", r, http.StatusOK, `"Renamed Hospital"`)
		upd := webtest.Object(t, r.Body)
		if webtest.Num(t, upd["version"]) != 2 {
			t.Errorf("version %v, want 2", upd["version"])
		}
		if upd["email"] != "hospital@example.org" || upd["offline"] != true || len(webtest.RowsOf(t, upd, "catchments")) != 1 {
			t.Errorf("a partial update lost fields: %v", upd)
		}
		r = e.API(t, tok, "GET", "/api/registers/health-facilities/"+id+"/history", "")
		webtest.Check(t, "history", r, http.StatusOK)
		items := webtest.RowsOf(t, webtest.Object(t, r.Body), "items")
		if len(items) != 2 || webtest.Num(t, items[0]["version"]) != 2 || webtest.Num(t, items[1]["version"]) != 1 ||
			items[0]["name"] != "Renamed Hospital" || items[1]["name"] != "Test Hospital" {
			t.Errorf("history %v", items)
		}
		for _, it := range items {
			if it["id"] != id || webtest.Num(t, it["wire_id"]) != webtest.Num(t, hf["wire_id"]) {
				t.Errorf("history version %v has id %v wire_id %v, want the record's %s %v", it["version"], it["id"], it["wire_id"], id, hf["wire_id"])
			}
		}
		r = e.API(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"version":1,"name":"Lost Update"}`)
		webtest.Check(t, "stale version", r, http.StatusConflict, "Someone else changed")
		r = e.API(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"name":"No Version"}`)
		webtest.Check(t, "no version", r, http.StatusUnprocessableEntity)
		if f := webtest.ErrorFields(t, r.Body); f["version"] == nil {
			t.Errorf("fields %v lack version", f)
		}
		if cur := e.Fetch(t, tok, "health-facilities", id, ""); cur["name"] != "Renamed Hospital" || webtest.Num(t, cur["version"]) != 2 {
			t.Errorf("after refused updates: %v", cur)
		}
	})

	t.Run("as of a date", func(t *testing.T) {
		old := e.Fetch(t, tok, "health-facilities", id, "?as_of=2026-03-03")
		if old["name"] != "Test Hospital" || webtest.Num(t, old["version"]) != 1 {
			t.Errorf("as of 2026-03-03: name %v version %v", old["name"], old["version"])
		}
		if old["id"] != id || webtest.Num(t, old["wire_id"]) != webtest.Num(t, hf["wire_id"]) {
			t.Errorf("as-of id %v wire_id %v, want the record's %s %v", old["id"], old["wire_id"], id, hf["wire_id"])
		}
		if len(webtest.RowsOf(t, old, "catchments")) != 1 {
			t.Errorf("as-of catchments %v", old["catchments"])
		}
		cur := e.Fetch(t, tok, "health-facilities", id, "?as_of=2026-03-06")
		if cur["name"] != "Renamed Hospital" || webtest.Num(t, cur["version"]) != 2 {
			t.Errorf("as of 2026-03-06: %v %v", cur["name"], cur["version"])
		}
		webtest.Check(t, "before it existed", e.API(t, tok, "GET", "/api/registers/health-facilities/"+id+"?as_of=2026-03-01", ""), http.StatusNotFound)
		r := e.API(t, tok, "GET", "/api/registers/health-facilities/"+id+"?as_of=yesterday", "")
		webtest.Check(t, "bad date", r, http.StatusUnprocessableEntity)
		if f := webtest.ErrorFields(t, r.Body); f["as_of"] == nil {
			t.Errorf("fields %v lack as_of", f)
		}
	})

	t.Run("delete a location in use", func(t *testing.T) {
		r := e.API(t, tok, "DELETE", "/api/registers/locations/"+village["id"].(string)+"?version=1", "")
		webtest.Check(t, "village in a catchment", r, http.StatusConflict, "TRHF01")
		r = e.API(t, tok, "DELETE", "/api/registers/locations/"+ward["id"].(string)+"?version=1", "")
		webtest.Check(t, "ward with a village", r, http.StatusConflict, "T1D1W1V1")

		d2 := e.Created(t, tok, "locations", `{"code":"T1D2","name":"Second District","type":"D","parent_id":"T1"}`)
		r = e.API(t, tok, "POST", "/api/registers/users", `{"login":"tr_user","last_name":"User","other_names":"Test",
			"password":"long-enough-1","roles":[{"role_id":"Clerk"}],"districts":[{"location_id":"T1D2"}]}`)
		webtest.Check(t, "user in the district", r, http.StatusCreated)
		r = e.API(t, tok, "DELETE", "/api/registers/locations/"+d2["id"].(string)+"?version=1", "")
		webtest.Check(t, "district of a user", r, http.StatusConflict, "tr_user", "Users")
		if cur := e.Fetch(t, tok, "locations", d2["id"].(string), ""); cur["code"] != "T1D2" {
			t.Errorf("district after refused delete: %v", cur)
		}
	})

	t.Run("delete with the version", func(t *testing.T) {
		before := e.Total(t, tok, "health-facilities")
		webtest.Check(t, "no version", e.API(t, tok, "DELETE", "/api/registers/health-facilities/"+id, ""), http.StatusUnprocessableEntity)
		webtest.Check(t, "bad version", e.API(t, tok, "DELETE", "/api/registers/health-facilities/"+id+"?version=two", ""), http.StatusUnprocessableEntity)
		webtest.Check(t, "stale version", e.API(t, tok, "DELETE", "/api/registers/health-facilities/"+id+"?version=1", ""), http.StatusConflict)
		r := e.API(t, tok, "DELETE", "/api/registers/health-facilities/"+id+"?version=2", "")
		webtest.Check(t, "delete", r, http.StatusNoContent)
		if r.Body != "" {
			t.Errorf("204 with body %q", r.Body)
		}
		webtest.Check(t, "get deleted", e.API(t, tok, "GET", "/api/registers/health-facilities/"+id, ""), http.StatusNotFound)
		webtest.Check(t, "update deleted", e.API(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"version":3,"name":"x"}`), http.StatusNotFound)
		webtest.Check(t, "delete again", e.API(t, tok, "DELETE", "/api/registers/health-facilities/"+id+"?version=3", ""), http.StatusNotFound)
		if n := e.Total(t, tok, "health-facilities"); n != before-1 {
			t.Errorf("facilities %d, want %d", n, before-1)
		}
		r = e.API(t, tok, "GET", "/api/registers/health-facilities/"+id+"/history", "")
		webtest.Check(t, "history of deleted", r, http.StatusOK)
		if items := webtest.RowsOf(t, webtest.Object(t, r.Body), "items"); len(items) != 3 {
			t.Errorf("history of deleted has %d versions, want 3", len(items))
		}
		// Once the facility is gone, the village it served can go too.
		webtest.Check(t, "free village", e.API(t, tok, "DELETE", "/api/registers/locations/"+village["id"].(string)+"?version=1", ""), http.StatusNoContent)
		webtest.Check(t, "reuse the code", e.API(t, tok, "POST", "/api/registers/health-facilities",
			strings.Replace(hfBody, `"catchments":[{"location_id":"T1D1W1V1","catchment":60}]`, `"catchments":[]`, 1)), http.StatusCreated)
	})

	t.Run("search", func(t *testing.T) {
		r := e.API(t, tok, "GET", "/api/registers/health-facilities?q=hf010&size=2&page=1", "")
		webtest.Check(t, "search", r, http.StatusOK, `"HF0101"`)
		m := webtest.Object(t, r.Body)
		if webtest.Num(t, m["total"]) != 3 || m["total_exact"] != true || webtest.Num(t, m["size"]) != 2 || len(webtest.RowsOf(t, m, "items")) != 2 ||
			m["previous"] != nil || m["next"] != webtest.RowsOf(t, m, "items")[1]["id"] {
			t.Errorf("search page: %v", m)
		}
		// The next page continues after the last record of this one, and leads back before its first.
		r = e.API(t, tok, "GET", "/api/registers/health-facilities?q=hf010&size=2&page=2&after="+m["next"].(string), "")
		next := webtest.Object(t, r.Body)
		items := webtest.RowsOf(t, next, "items")
		if webtest.Num(t, next["page"]) != 2 || len(items) != 1 || items[0]["code"] != "HF0103" || next["next"] != nil || next["previous"] != items[0]["id"] {
			t.Errorf("next page: %v", next)
		}
		r = e.API(t, tok, "GET", "/api/registers/health-facilities?q=hf010&size=2&before="+next["previous"].(string), "")
		if back := webtest.Object(t, r.Body); webtest.Num(t, back["page"]) != 1 || back["previous"] != nil || len(webtest.RowsOf(t, back, "items")) != 2 {
			t.Errorf("previous page: %v", back)
		}
		r = e.API(t, tok, "GET", "/api/registers/health-facilities?after=nope", "")
		webtest.Check(t, "bad cursor", r, http.StatusUnprocessableEntity, `"after":"No record of this list to continue from."`)
		r = e.API(t, tok, "GET", "/api/registers/health-facilities?location_id="+e.IDOf(t, imis.Locations, "R1D2").String(), "")
		webtest.Check(t, "filter by district", r, http.StatusOK, `"HF0201"`)
		if strings.Contains(r.Body, `"HF0101"`) {
			t.Error("district filter lets another district through")
		}
	})
}

// firstName returns the code of the first record of a register in the API's order.
func firstName(t *testing.T, e *webtest.Env, tok, reg string) string {
	t.Helper()
	r := e.API(t, tok, "GET", "/api/registers/"+reg+"?size=1", "")
	items := webtest.RowsOf(t, webtest.Object(t, r.Body), "items")
	if len(items) == 0 {
		t.Fatalf("no %s", reg)
	}
	return items[0]["name"].(string)
}
