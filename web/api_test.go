package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
)

// created posts a record and returns it decoded, failing the test unless it was created.
func (e *env) created(t *testing.T, token, reg, body string) map[string]any {
	t.Helper()
	r := e.api(t, token, http.MethodPost, "/api/registers/"+reg, body)
	if r.status != http.StatusCreated {
		t.Fatalf("create %s: %d %s", reg, r.status, r.body)
	}
	m := object(t, r.body)
	if loc := r.header.Get("Location"); loc != "/api/registers/"+reg+"/"+m["id"].(string) {
		t.Errorf("Location %q for id %v", loc, m["id"])
	}
	return m
}

// fetch gets one record by id and decodes it.
func (e *env) fetch(t *testing.T, token, reg, id, query string) map[string]any {
	t.Helper()
	r := e.api(t, token, http.MethodGet, "/api/registers/"+reg+"/"+id+query, "")
	if r.status != http.StatusOK {
		t.Fatalf("get %s/%s%s: %d %s", reg, id, query, r.status, r.body)
	}
	return object(t, r.body)
}

// num returns a JSON number as int64, failing when the value is not a number.
func num(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%#v (%T) is not a JSON number", v, v)
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// rowsOf returns a child set of a decoded record.
func rowsOf(t *testing.T, rec map[string]any, name string) []map[string]any {
	t.Helper()
	list, ok := rec[name].([]any)
	if !ok {
		t.Fatalf("%s is %T, not an array", name, rec[name])
	}
	out := make([]map[string]any, len(list))
	for i, r := range list {
		out[i] = r.(map[string]any)
	}
	return out
}

// TestRegistersAPI walks records through their life in the JSON API: create with references by
// code, read back typed values, update with the version, history, as-of reads and delete.
func TestRegistersAPI(t *testing.T) {
	e := newEnv(t, true)
	tok := e.token(t, "Admin", "admin123")

	region := e.created(t, tok, "locations", `{"code":"T1","name":"Test Region","type":"R"}`)
	if num(t, region["version"]) != 1 || num(t, region["wire_id"]) <= 0 {
		t.Errorf("new region: version %v wire_id %v", region["version"], region["wire_id"])
	}
	district := e.created(t, tok, "locations", `{"code":"T1D1","name":"Test District","type":"D","parent_id":"T1"}`)
	if district["parent_id"] != region["id"] {
		t.Errorf("district parent %v, want the region %v", district["parent_id"], region["id"])
	}
	ward := e.created(t, tok, "locations", `{"code":"T1D1W1","name":"Test Ward","type":"W","parent_id":`+quote(district["id"].(string))+`}`)
	village := e.created(t, tok, "locations", `{"code":"T1D1W1V1","name":"Test Village","type":"V","parent_id":"T1D1W1",
		"male_population":120,"female_population":"130","families":null}`)
	if village["parent_id"] != ward["id"] || num(t, village["male_population"]) != 120 || num(t, village["female_population"]) != 130 {
		t.Errorf("village: %v", village)
	}
	if village["families"] != nil {
		t.Errorf("families %v, want null", village["families"])
	}

	pl := e.created(t, tok, "item-pricelists", `{"name":"TR items","date":"2026-01-01","location_id":"T1D1",
		"details":[{"item_id":"I0001","price_overrule":"1234.50"},{"item_id":"I0002","price_overrule":12},{"item_id":"I0003"}]}`)
	got := e.fetch(t, tok, "item-pricelists", pl["id"].(string), "")
	details := rowsOf(t, got, "details")
	if len(details) != 3 {
		t.Fatalf("details %v", details)
	}
	if details[0]["item_id"] != e.idOf(t, imis.Items, "I0001").String() || details[1]["item_id"] != e.idOf(t, imis.Items, "I0002").String() {
		t.Errorf("item ids %v %v", details[0]["item_id"], details[1]["item_id"])
	}
	if details[0]["price_overrule"] != "1234.50" || details[1]["price_overrule"] != "12.00" || details[2]["price_overrule"] != nil {
		t.Errorf("prices %#v %#v %#v, want \"1234.50\" \"12.00\" null", details[0]["price_overrule"], details[1]["price_overrule"], details[2]["price_overrule"])
	}
	if got["date"] != "2026-01-01" || got["location_id"] != district["id"] {
		t.Errorf("price list %v", got)
	}
	spl := e.idOf(t, imis.ServicePriceLists, firstName(t, e, tok, "service-pricelists"))

	hfBody := fmt.Sprintf(`{"code":"TRHF01","name":"Test Hospital","acc_code":"ACC-T-1","legal_form":"C","level":"H","sub_level":"R",
		"location_id":%s,"address":"P.O. Box 1","phone":"0712 000 001","fax":"0712 000 002","email":"hospital@example.org",
		"care_type":"B","items_pricelist_id":%s,"services_pricelist_id":%s,"offline":true,
		"contract_start":"2026-01-01","contract_end":"2026-12-31","status":"AC",
		"catchments":[{"location_id":"T1D1W1V1","catchment":60}]}`, quote(district["id"].(string)), quote(pl["id"].(string)), quote(spl.String()))
	hf := e.created(t, tok, "health-facilities", hfBody)
	id := hf["id"].(string)
	hf = e.fetch(t, tok, "health-facilities", id, "")
	want := map[string]any{"code": "TRHF01", "name": "Test Hospital", "acc_code": "ACC-T-1", "legal_form": "C", "level": "H",
		"sub_level": "R", "location_id": district["id"], "address": "P.O. Box 1", "phone": "0712 000 001", "fax": "0712 000 002",
		"email": "hospital@example.org", "care_type": "B", "items_pricelist_id": pl["id"], "services_pricelist_id": spl.String(),
		"offline": true, "contract_start": "2026-01-01", "contract_end": "2026-12-31", "status": "AC"}
	for k, v := range want {
		if hf[k] != v {
			t.Errorf("facility %s = %#v, want %#v", k, hf[k], v)
		}
	}
	catch := rowsOf(t, hf, "catchments")
	if len(catch) != 1 || catch[0]["location_id"] != village["id"] || num(t, catch[0]["catchment"]) != 60 {
		t.Errorf("catchments %v", catch)
	}
	if num(t, hf["version"]) != 1 {
		t.Errorf("version %v", hf["version"])
	}

	t.Run("duplicate code", func(t *testing.T) {
		before := e.total(t, tok, "health-facilities")
		r := e.api(t, tok, "POST", "/api/registers/health-facilities", strings.Replace(hfBody, `"TRHF01"`, `"HF0101"`, 1))
		check(t, "duplicate", r, http.StatusConflict, "HF0101", `"conflict"`)
		if f := errorFields(t, r.body); f["code"] == nil {
			t.Errorf("fields %v lack code", f)
		}
		r = e.api(t, tok, "POST", "/api/registers/item-pricelists", `{"name":"TR items","date":"2026-01-01"}`)
		check(t, "duplicate price list", r, http.StatusConflict, "TR items")
		if n := e.total(t, tok, "health-facilities"); n != before {
			t.Errorf("facilities %d, want %d", n, before)
		}
	})

	// The update happens three days after the creation, so that each day reads one version.
	e.clk.Set(baseTime.Add(72 * time.Hour))
	t.Run("update with the version", func(t *testing.T) {
		r := e.api(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"version":1,"name":"Renamed Hospital"}`)
		check(t, "update", r, http.StatusOK, `"Renamed Hospital"`)
		upd := object(t, r.body)
		if num(t, upd["version"]) != 2 {
			t.Errorf("version %v, want 2", upd["version"])
		}
		if upd["email"] != "hospital@example.org" || upd["offline"] != true || len(rowsOf(t, upd, "catchments")) != 1 {
			t.Errorf("a partial update lost fields: %v", upd)
		}
		r = e.api(t, tok, "GET", "/api/registers/health-facilities/"+id+"/history", "")
		check(t, "history", r, http.StatusOK)
		items := rowsOf(t, object(t, r.body), "items")
		if len(items) != 2 || num(t, items[0]["version"]) != 2 || num(t, items[1]["version"]) != 1 ||
			items[0]["name"] != "Renamed Hospital" || items[1]["name"] != "Test Hospital" {
			t.Errorf("history %v", items)
		}
		for _, it := range items {
			if it["id"] != id || num(t, it["wire_id"]) != num(t, hf["wire_id"]) {
				t.Errorf("history version %v has id %v wire_id %v, want the record's %s %v", it["version"], it["id"], it["wire_id"], id, hf["wire_id"])
			}
		}
		r = e.api(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"version":1,"name":"Lost Update"}`)
		check(t, "stale version", r, http.StatusConflict, "Someone else changed")
		r = e.api(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"name":"No Version"}`)
		check(t, "no version", r, http.StatusUnprocessableEntity)
		if f := errorFields(t, r.body); f["version"] == nil {
			t.Errorf("fields %v lack version", f)
		}
		if cur := e.fetch(t, tok, "health-facilities", id, ""); cur["name"] != "Renamed Hospital" || num(t, cur["version"]) != 2 {
			t.Errorf("after refused updates: %v", cur)
		}
	})

	t.Run("as of a date", func(t *testing.T) {
		old := e.fetch(t, tok, "health-facilities", id, "?as_of=2026-03-03")
		if old["name"] != "Test Hospital" || num(t, old["version"]) != 1 {
			t.Errorf("as of 2026-03-03: name %v version %v", old["name"], old["version"])
		}
		if old["id"] != id || num(t, old["wire_id"]) != num(t, hf["wire_id"]) {
			t.Errorf("as-of id %v wire_id %v, want the record's %s %v", old["id"], old["wire_id"], id, hf["wire_id"])
		}
		if len(rowsOf(t, old, "catchments")) != 1 {
			t.Errorf("as-of catchments %v", old["catchments"])
		}
		cur := e.fetch(t, tok, "health-facilities", id, "?as_of=2026-03-06")
		if cur["name"] != "Renamed Hospital" || num(t, cur["version"]) != 2 {
			t.Errorf("as of 2026-03-06: %v %v", cur["name"], cur["version"])
		}
		check(t, "before it existed", e.api(t, tok, "GET", "/api/registers/health-facilities/"+id+"?as_of=2026-03-01", ""), http.StatusNotFound)
		r := e.api(t, tok, "GET", "/api/registers/health-facilities/"+id+"?as_of=yesterday", "")
		check(t, "bad date", r, http.StatusUnprocessableEntity)
		if f := errorFields(t, r.body); f["as_of"] == nil {
			t.Errorf("fields %v lack as_of", f)
		}
	})

	t.Run("delete a location in use", func(t *testing.T) {
		r := e.api(t, tok, "DELETE", "/api/registers/locations/"+village["id"].(string)+"?version=1", "")
		check(t, "village in a catchment", r, http.StatusConflict, "TRHF01")
		r = e.api(t, tok, "DELETE", "/api/registers/locations/"+ward["id"].(string)+"?version=1", "")
		check(t, "ward with a village", r, http.StatusConflict, "T1D1W1V1")

		d2 := e.created(t, tok, "locations", `{"code":"T1D2","name":"Second District","type":"D","parent_id":"T1"}`)
		r = e.api(t, tok, "POST", "/api/registers/users", `{"login":"tr_user","last_name":"User","other_names":"Test",
			"password":"long-enough-1","roles":[{"role_id":"Clerk"}],"districts":[{"location_id":"T1D2"}]}`)
		check(t, "user in the district", r, http.StatusCreated)
		r = e.api(t, tok, "DELETE", "/api/registers/locations/"+d2["id"].(string)+"?version=1", "")
		check(t, "district of a user", r, http.StatusConflict, "tr_user", "Users")
		if cur := e.fetch(t, tok, "locations", d2["id"].(string), ""); cur["code"] != "T1D2" {
			t.Errorf("district after refused delete: %v", cur)
		}
	})

	t.Run("delete with the version", func(t *testing.T) {
		before := e.total(t, tok, "health-facilities")
		check(t, "no version", e.api(t, tok, "DELETE", "/api/registers/health-facilities/"+id, ""), http.StatusUnprocessableEntity)
		check(t, "bad version", e.api(t, tok, "DELETE", "/api/registers/health-facilities/"+id+"?version=two", ""), http.StatusUnprocessableEntity)
		check(t, "stale version", e.api(t, tok, "DELETE", "/api/registers/health-facilities/"+id+"?version=1", ""), http.StatusConflict)
		r := e.api(t, tok, "DELETE", "/api/registers/health-facilities/"+id+"?version=2", "")
		check(t, "delete", r, http.StatusNoContent)
		if r.body != "" {
			t.Errorf("204 with body %q", r.body)
		}
		check(t, "get deleted", e.api(t, tok, "GET", "/api/registers/health-facilities/"+id, ""), http.StatusNotFound)
		check(t, "update deleted", e.api(t, tok, "PUT", "/api/registers/health-facilities/"+id, `{"version":3,"name":"x"}`), http.StatusNotFound)
		check(t, "delete again", e.api(t, tok, "DELETE", "/api/registers/health-facilities/"+id+"?version=3", ""), http.StatusNotFound)
		if n := e.total(t, tok, "health-facilities"); n != before-1 {
			t.Errorf("facilities %d, want %d", n, before-1)
		}
		r = e.api(t, tok, "GET", "/api/registers/health-facilities/"+id+"/history", "")
		check(t, "history of deleted", r, http.StatusOK)
		if items := rowsOf(t, object(t, r.body), "items"); len(items) != 3 {
			t.Errorf("history of deleted has %d versions, want 3", len(items))
		}
		// Once the facility is gone, the village it served can go too.
		check(t, "free village", e.api(t, tok, "DELETE", "/api/registers/locations/"+village["id"].(string)+"?version=1", ""), http.StatusNoContent)
		check(t, "reuse the code", e.api(t, tok, "POST", "/api/registers/health-facilities",
			strings.Replace(hfBody, `"catchments":[{"location_id":"T1D1W1V1","catchment":60}]`, `"catchments":[]`, 1)), http.StatusCreated)
	})

	t.Run("search", func(t *testing.T) {
		r := e.api(t, tok, "GET", "/api/registers/health-facilities?q=hf010&size=2&page=1", "")
		check(t, "search", r, http.StatusOK, `"HF0101"`)
		m := object(t, r.body)
		if num(t, m["total"]) != 3 || num(t, m["size"]) != 2 || len(rowsOf(t, m, "items")) != 2 {
			t.Errorf("search page: total %v size %v items %d", m["total"], m["size"], len(rowsOf(t, m, "items")))
		}
		r = e.api(t, tok, "GET", "/api/registers/health-facilities?location_id="+e.idOf(t, imis.Locations, "R1D2").String(), "")
		check(t, "filter by district", r, http.StatusOK, `"HF0201"`)
		if strings.Contains(r.body, `"HF0101"`) {
			t.Error("district filter lets another district through")
		}
	})
}

// firstName returns the code of the first record of a register in the API's order.
func firstName(t *testing.T, e *env, tok, reg string) string {
	t.Helper()
	r := e.api(t, tok, "GET", "/api/registers/"+reg+"?size=1", "")
	items := rowsOf(t, object(t, r.body), "items")
	if len(items) == 0 {
		t.Fatalf("no %s", reg)
	}
	return items[0]["name"].(string)
}
