package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// validFacility is a facility body the API accepts; each case below spoils some of it.
func validFacility() map[string]any {
	return map[string]any{"code": "NEWHF1", "name": "New Facility", "legal_form": "G", "level": "D", "location_id": "R1D1",
		"care_type": "O", "email": "new@example.org", "contract_start": "2026-01-01", "contract_end": "2026-06-30",
		"catchments": []any{map[string]any{"location_id": "R1D1W1V1", "catchment": 40}}}
}

// with returns the valid facility body with some fields changed and others left out.
func with(changes map[string]any, drop ...string) string {
	b := validFacility()
	for k, v := range changes {
		b[k] = v
	}
	for _, k := range drop {
		delete(b, k)
	}
	out, _ := json.Marshal(b)
	return string(out)
}

// TestInvalidInput checks that the API refuses bad records with 422 and the reason for every
// field it can name, and writes nothing.
func TestInvalidInput(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")
	before := e.Total(t, tok, "health-facilities")

	cases := []struct {
		name   string
		body   string
		fields map[string]string // field -> substring of its message
	}{
		{"bad email", with(map[string]any{"email": "not-an-address"}), map[string]string{"email": "e-mail"}},
		{"email with display name", with(map[string]any{"email": "Bob <bob@example.org>"}), map[string]string{"email": "e-mail"}},
		{"unknown choice", with(map[string]any{"legal_form": "Z"}), map[string]string{"legal_form": "C, D, G, P"}},
		{"missing required", with(nil, "name"), map[string]string{"name": "Required"}},
		{"null required", with(map[string]any{"name": nil}), map[string]string{"name": "Required"}},
		{"blank required", with(map[string]any{"name": "   "}), map[string]string{"name": "Required"}},
		{"several at once", with(map[string]any{"email": "x@", "legal_form": "Q", "level": "Q"}, "name"),
			map[string]string{"email": "e-mail", "legal_form": "Choose", "level": "Choose", "name": "Required"}},
		{"village as district", with(map[string]any{"location_id": "R1D1W1V1"}), map[string]string{"location_id": "type D"}},
		{"region as district", with(map[string]any{"location_id": "R1"}), map[string]string{"location_id": "type D"}},
		{"district as catchment village", with(map[string]any{"catchments": []any{map[string]any{"location_id": "R1D1", "catchment": 5}}}),
			map[string]string{"catchments.0.location_id": "type V"}},
		{"unknown location code", with(map[string]any{"location_id": "NOWHERE"}), map[string]string{"location_id": "NOWHERE"}},
		{"unknown location id", with(map[string]any{"location_id": "01a232cf-0000-7000-8000-000000000000"}), map[string]string{"location_id": "No such record"}},
		{"text in a number", with(map[string]any{"catchments": []any{map[string]any{"location_id": "R1D1W1V1", "catchment": "lots"}}}),
			map[string]string{"catchments.0.catchment": "whole number"}},
		{"negative number", with(map[string]any{"catchments": []any{map[string]any{"location_id": "R1D1W1V1", "catchment": -1}}}),
			map[string]string{"catchments.0.catchment": "At least 0"}},
		{"number too big", with(map[string]any{"catchments": []any{map[string]any{"location_id": "R1D1W1V1", "catchment": 101}}}),
			map[string]string{"catchments.0.catchment": "At most 100"}},
		{"fraction for a whole number", with(map[string]any{"catchments": []any{map[string]any{"location_id": "R1D1W1V1", "catchment": 1.5}}}),
			map[string]string{"catchments.0.catchment": "whole number"}},
		{"exponent for a whole number", with(map[string]any{"catchments": []any{map[string]any{"location_id": "R1D1W1V1", "catchment": json.Number("1e2")}}}),
			map[string]string{"catchments.0.catchment": "whole number"}},
		{"catchment missing its village", with(map[string]any{"catchments": []any{map[string]any{"catchment": 10}}}),
			map[string]string{"catchments.0.location_id": "Required"}},
		{"village listed twice", with(map[string]any{"catchments": []any{map[string]any{"location_id": "R1D1W1V1", "catchment": 10},
			map[string]any{"location_id": "R1D1W1V1", "catchment": 20}}}), map[string]string{"catchments.1.location_id": "twice"}},
		{"end before start", with(map[string]any{"contract_end": "2025-12-31"}), map[string]string{"contract_end": "before the start"}},
		{"impossible date", with(map[string]any{"contract_start": "2026-02-30"}), map[string]string{"contract_start": "YYYY-MM-DD"}},
		{"date out of range", with(map[string]any{"contract_start": "0001-01-01"}), map[string]string{"contract_start": "range"}},
		{"code with a space", with(map[string]any{"code": "NEW HF"}), map[string]string{"code": "spaces"}},
		{"code too long", with(map[string]any{"code": "ABCDEFGHI"}), map[string]string{"code": "At most 8"}},
		{"huge name", with(map[string]any{"name": strings.Repeat("x", 300000)}), map[string]string{"name": "At most 100"}},
		{"not a boolean", with(map[string]any{"offline": "perhaps"}), map[string]string{"offline": "Yes or no"}},
		{"array for a scalar", with(map[string]any{"name": []any{"a", "b"}}), map[string]string{"name": "string, number"}},
		{"object for a scalar", with(map[string]any{"level": map[string]any{"x": 1}}), map[string]string{"level": "string, number"}},
		{"object for a child list", with(map[string]any{"catchments": map[string]any{"location_id": "R1D1W1V1"}}), map[string]string{"catchments": "array"}},
		{"numbers for child rows", with(map[string]any{"catchments": []any{1, 2}}), map[string]string{"catchments": "array"}},
		{"array in a child row", with(map[string]any{"catchments": []any{map[string]any{"location_id": []any{"R1D1W1V1"}, "catchment": 1}}}),
			map[string]string{"catchments.0.location_id": "string, number"}},
		{"reference to a register of another kind", with(map[string]any{"items_pricelist_id": "NOPE"}), map[string]string{"items_pricelist_id": "NOPE"}},
		{"NUL in text", with(map[string]any{"name": "bad\u0000name"}), map[string]string{"name": "Invalid"}},
		{"NUL in a child row", with(map[string]any{"catchments": []any{map[string]any{"location_id": "R1D1W1V1", "catchment": "4\u00000"}}}),
			map[string]string{"catchments.0.catchment": "Invalid"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.API(t, tok, "POST", "/api/registers/health-facilities", c.body)
			webtest.Check(t, c.name, r, http.StatusUnprocessableEntity, `"invalid"`)
			if r.Status != http.StatusUnprocessableEntity {
				return
			}
			got := webtest.ErrorFields(t, r.Body)
			for f, msg := range c.fields {
				m, ok := got[f].(string)
				if !ok {
					t.Errorf("fields %v lack %s", got, f)
				} else if !strings.Contains(m, msg) {
					t.Errorf("field %s: %q lacks %q", f, m, msg)
				}
			}
			if len(got) != len(c.fields) {
				t.Errorf("fields %v, want exactly %v", got, c.fields)
			}
		})
	}
	if n := e.Total(t, tok, "health-facilities"); n != before {
		t.Errorf("facilities %d after refused input, want %d", n, before)
	}
	// The valid body itself is accepted, so the cases above fail for their own change only.
	webtest.Check(t, "valid body", e.API(t, tok, "POST", "/api/registers/health-facilities", with(nil)), http.StatusCreated)
}

// TestOddRequests sends requests no client should send; none may crash the server (5xx) or
// write anything.
func TestOddRequests(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")
	hf := e.Fetch(t, tok, "health-facilities", e.IDOf(t, imis.HealthFacilities, "HF0101").String(), "")
	hfID := hf["id"].(string)
	counts := func() map[string]int {
		out := map[string]int{}
		for _, reg := range []string{"locations", "health-facilities", "items", "roles", "users", "item-pricelists"} {
			out[reg] = e.Total(t, tok, reg)
		}
		return out
	}
	before := counts()

	cases := []struct {
		name, method, path, body string
		status                   int // 0: any status below 500 except a success
	}{
		{"unknown register", "GET", "/api/registers/nope", "", 404},
		{"unknown register post", "POST", "/api/registers/nope", `{}`, 404},
		{"unknown register by id", "GET", "/api/registers/nope/" + hfID, "", 404},
		{"non-UUID id", "GET", "/api/registers/health-facilities/HF0101", "", 404},
		{"non-UUID id update", "PUT", "/api/registers/health-facilities/123", `{"version":1}`, 404},
		{"non-UUID id delete", "DELETE", "/api/registers/health-facilities/x?version=1", "", 404},
		{"non-UUID id history", "GET", "/api/registers/health-facilities/x/history", "", 404},
		{"unknown UUID", "GET", "/api/registers/health-facilities/01a232cf-0000-7000-8000-000000000000", "", 404},
		{"unknown UUID history", "GET", "/api/registers/health-facilities/01a232cf-0000-7000-8000-000000000000/history", "", 404},
		{"id of another register", "GET", "/api/registers/items/" + hfID, "", 404},
		{"empty body", "POST", "/api/registers/locations", "", 422},
		{"array body", "POST", "/api/registers/locations", `[{"code":"X1"}]`, 422},
		{"string body", "POST", "/api/registers/locations", `"X1"`, 422},
		{"null body", "POST", "/api/registers/locations", `null`, 422},
		{"truncated body", "POST", "/api/registers/locations", `{"code":"X1","name":`, 422},
		{"deep nesting", "POST", "/api/registers/locations", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), 0},
		{"body over the limit", "POST", "/api/registers/locations", `{"code":"X1","name":"` + strings.Repeat("y", 2<<20) + `","type":"R"}`, 0},
		{"negative population", "POST", "/api/registers/locations", `{"code":"X1","name":"x","type":"R","male_population":-5}`, 422},
		{"population beyond int64", "POST", "/api/registers/locations", `{"code":"X1","name":"x","type":"R","male_population":99999999999999999999}`, 422},
		{"population as float", "POST", "/api/registers/locations", `{"code":"X1","name":"x","type":"R","families":1e400}`, 422},
		{"region with a parent", "POST", "/api/registers/locations", `{"code":"X1","name":"x","type":"R","parent_id":"R1"}`, 422},
		{"district without a parent", "POST", "/api/registers/locations", `{"code":"X1","name":"x","type":"D"}`, 422},
		{"ward under a region", "POST", "/api/registers/locations", `{"code":"X1","name":"x","type":"W","parent_id":"R1"}`, 422},
		{"unknown location type", "POST", "/api/registers/locations", `{"code":"X1","name":"x","type":"Q"}`, 422},
		{"negative price", "POST", "/api/registers/items", `{"code":"X1","name":"x","type":"D","price":"-1","care_type":"O"}`, 422},
		{"price with three decimals", "POST", "/api/registers/items", `{"code":"X1","name":"x","type":"D","price":"1.234","care_type":"O"}`, 422},
		{"price too large", "POST", "/api/registers/items", `{"code":"X1","name":"x","type":"D","price":"9999999999999999","care_type":"O"}`, 422},
		{"price as exponent", "POST", "/api/registers/items", `{"code":"X1","name":"x","type":"D","price":1e3,"care_type":"O"}`, 422},
		{"price as boolean", "POST", "/api/registers/items", `{"code":"X1","name":"x","type":"D","price":true,"care_type":"O"}`, 422},
		{"mask out of range", "POST", "/api/registers/items", `{"code":"X1","name":"x","type":"D","price":"1","care_type":"O","patient_category":16}`, 422},
		{"mask with garbage", "POST", "/api/registers/items", `{"code":"X1","name":"x","type":"D","price":"1","care_type":"O","patient_category":"1,x"}`, 422},
		{"frequency beyond its maximum", "POST", "/api/registers/items", `{"code":"X1","name":"x","type":"D","price":"1","care_type":"O","frequency":40000}`, 422},
		{"right code out of range", "POST", "/api/registers/roles", `{"name":"Odd","rights":[{"right_id":12}]}`, 422},
		{"right code as text", "POST", "/api/registers/roles", `{"name":"Odd","rights":[{"right_id":"all"}]}`, 422},
		{"user without password", "POST", "/api/registers/users", `{"login":"odd1","last_name":"x","other_names":"y","roles":[{"role_id":"Clerk"}]}`, 422},
		{"user with short password", "POST", "/api/registers/users", `{"login":"odd1","last_name":"x","other_names":"y","password":"short"}`, 422},
		{"user with unknown language", "POST", "/api/registers/users", `{"login":"odd1","last_name":"x","other_names":"y","password":"long-enough","language":"xx"}`, 422},
		{"user with unknown role", "POST", "/api/registers/users", `{"login":"odd1","last_name":"x","other_names":"y","password":"long-enough","roles":[{"role_id":"Emperor"}]}`, 422},
		{"price list detail of unknown item", "POST", "/api/registers/item-pricelists", `{"name":"Odd","date":"2026-01-01","details":[{"item_id":"NOPE"}]}`, 422},
		{"price list detail of a service", "POST", "/api/registers/item-pricelists", `{"name":"Odd","date":"2026-01-01","details":[{"item_id":"S0001"}]}`, 422},
		{"price list on a village", "POST", "/api/registers/item-pricelists", `{"name":"Odd","date":"2026-01-01","location_id":"R1D1W1V1"}`, 422},
		{"update without version", "PUT", "/api/registers/health-facilities/" + hfID, `{"name":"x"}`, 422},
		{"update with text version", "PUT", "/api/registers/health-facilities/" + hfID, `{"version":"one","name":"x"}`, 422},
		{"update with fractional version", "PUT", "/api/registers/health-facilities/" + hfID, `{"version":1.5,"name":"x"}`, 422},
		{"update with array version", "PUT", "/api/registers/health-facilities/" + hfID, `{"version":[1],"name":"x"}`, 422},
		{"update with huge version", "PUT", "/api/registers/health-facilities/" + hfID, `{"version":99999999999,"name":"x"}`, 409},
		{"update with negative version", "PUT", "/api/registers/health-facilities/" + hfID, `{"version":-1,"name":"x"}`, 409},
		{"update making it invalid", "PUT", "/api/registers/health-facilities/" + hfID, `{"version":1,"name":null}`, 422},
		{"update with array body", "PUT", "/api/registers/health-facilities/" + hfID, `[1]`, 422},
		{"update to a duplicate code", "PUT", "/api/registers/health-facilities/" + hfID, `{"version":1,"code":"HF0102"}`, 409},
		{"delete with text version", "DELETE", "/api/registers/health-facilities/" + hfID + "?version=x", "", 422},
		{"delete with huge version", "DELETE", "/api/registers/health-facilities/" + hfID + "?version=99999999999999999999", "", 422},
		{"delete a system role", "DELETE", "/api/registers/roles/" + e.FetchFirstID(t, tok, "roles") + "?version=1", "", 409},
		{"list with negative page", "GET", "/api/registers/health-facilities?page=-3&size=-1", "", 200},
		{"list with huge page", "GET", "/api/registers/health-facilities?page=9223372036854775807", "", 422},
		{"list with page beyond int", "GET", "/api/registers/health-facilities?page=99999999999999999999", "", 422},
		{"list after a cursor that is no id", "GET", "/api/registers/health-facilities?after=%00x", "", 422},
		{"list before an unknown record", "GET", "/api/registers/health-facilities?before=" + imis.NewID().String(), "", 422},
		{"list after and before", "GET", "/api/registers/health-facilities?after=" + hfID + "&before=" + hfID, "", 422},
		{"list with huge size", "GET", "/api/registers/health-facilities?size=100000000", "", 200},
		{"list with wildcards", "GET", "/api/registers/health-facilities?q=%25_%5C%27", "", 200},
		{"list with a long query", "GET", "/api/registers/health-facilities?q=" + strings.Repeat("a", 5000), "", 200},
		{"search with a NUL", "GET", "/api/registers/health-facilities?q=HF%00", "", 200},
		{"search with bytes that are not UTF-8", "GET", "/api/registers/health-facilities?q=%FF%FE", "", 200},
		{"filter with a NUL", "GET", "/api/registers/health-facilities?name=%00&code=%FF", "", 200},
		{"list filtered by an unknown reference", "GET", "/api/registers/health-facilities?location_id=NO-SUCH", "", 422},
		{"list filtered by a reference code", "GET", "/api/registers/health-facilities?location_id=R1D1", "", 200},
		{"list filtered by an odd choice", "GET", "/api/registers/health-facilities?level=%27%3B--", "", 200},
		{"as_of out of range", "GET", "/api/registers/health-facilities/" + hfID + "?as_of=9999-12-31", "", 0},
		{"as_of garbage", "GET", "/api/registers/health-facilities/" + hfID + "?as_of=%00", "", 422},
		{"wrong method", "PATCH", "/api/registers/health-facilities/" + hfID, `{}`, 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.API(t, tok, c.method, c.path, c.body)
			switch {
			case r.Status >= 500:
				t.Errorf("status %d: %.300s", r.Status, r.Body)
			case c.status == 0 && r.Status < 300 && c.method != "GET":
				t.Errorf("status %d accepted odd input: %.300s", r.Status, r.Body)
			case c.status != 0 && r.Status != c.status:
				t.Errorf("status %d, want %d: %.300s", r.Status, c.status, r.Body)
			}
			if r.Status >= 400 && r.Status != 405 && !strings.Contains(r.Body, `"error"`) {
				t.Errorf("error without the JSON envelope: %.300s", r.Body)
			}
		})
	}
	after := counts()
	for reg, n := range before {
		if after[reg] != n {
			t.Errorf("%s: %d records after odd requests, want %d", reg, after[reg], n)
		}
	}
	if cur := e.Fetch(t, tok, "health-facilities", hfID, ""); webtest.Num(t, cur["version"]) != 1 || cur["code"] != "HF0101" {
		t.Errorf("HF0101 changed: version %v code %v", cur["version"], cur["code"])
	}
}

// TestMalformedJSONBodies refuses bodies with data after the object or bytes that are not UTF-8
// with a message about the body, and an impossible time with the field named; nothing is written.
func TestMalformedJSONBodies(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")
	before := e.Total(t, tok, "health-facilities")
	for _, c := range []struct{ name, body, field, message string }{
		{"second object", with(nil) + `{"b":2}`, "", "nothing after it"},
		{"trailing text", with(nil) + ` x`, "", "nothing after it"},
		{"not UTF-8", with(map[string]any{"name": "New Facility"}), "", "UTF-8"},
		{"impossible time", with(map[string]any{"contract_start": "2026-03-02T99:99:99"}), "contract_start", ""},
	} {
		body := c.body
		if c.name == "not UTF-8" {
			body = strings.Replace(body, "New Facility", "New \xff Facility", 1)
		}
		r := e.API(t, tok, "POST", "/api/registers/health-facilities", body)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
			continue
		}
		msg, _ := webtest.Object(t, r.Body)["error"].(map[string]any)["message"].(string)
		if c.message != "" && !strings.Contains(msg, c.message) {
			t.Errorf("%s: message %q, want it to mention %q", c.name, msg, c.message)
		}
		if _, named := webtest.ErrorFields(t, r.Body)[c.field]; c.field != "" && !named {
			t.Errorf("%s: %s does not name %s", c.name, r.Body, c.field)
		}
	}
	if after := e.Total(t, tok, "health-facilities"); after != before {
		t.Errorf("%d facilities, then %d: a refused body was stored", before, after)
	}
}
