package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// TestRights checks that every interface refuses a user without the register's right.
func TestRights(t *testing.T) {
	e := webtest.NewEnv(t, true)
	admin := e.Token(t, "Admin", "admin123")
	webtest.Check(t, "custom role", e.API(t, admin, "POST", "/api/registers/roles",
		`{"name":"Location Reader","rights":[{"right_id":121901}]}`), http.StatusCreated)
	e.AddUser(t, "LocReader", "reader-password", []string{"Location Reader"}, []string{"R1D1"})
	e.AddUser(t, "NoRoles", "noroles-password", nil, []string{"R1D1"})

	hf := e.IDOf(t, imis.HealthFacilities, "HF0101").String()
	users := []struct{ login, password string }{
		{"Receptionist", "demo123"},
		{"LocReader", "reader-password"},
		{"NoRoles", "noroles-password"},
	}
	for _, u := range users {
		t.Run(u.login, func(t *testing.T) {
			tok := e.Token(t, u.login, u.password)
			b := e.Login(t, u.login, u.password)
			for _, c := range []struct{ method, path, body string }{
				{"GET", "/api/registers/health-facilities", ""},
				{"GET", "/api/registers/health-facilities/" + hf, ""},
				{"GET", "/api/registers/health-facilities/" + hf + "/history", ""},
				{"POST", "/api/registers/health-facilities", `{"code":"X"}`},
				{"PUT", "/api/registers/health-facilities/" + hf, `{"version":1,"name":"x"}`},
				{"DELETE", "/api/registers/health-facilities/" + hf + "?version=1", ""},
				{"GET", "/api/registers/users", ""},
				{"POST", "/api/registers/roles", `{"name":"Escalate","rights":[{"right_id":121701}]}`},
			} {
				r := e.API(t, tok, c.method, c.path, c.body)
				webtest.Check(t, c.method+" "+c.path, r, http.StatusForbidden, `"forbidden"`)
			}
			for _, path := range []string{"/registers/health-facilities", "/registers/health-facilities/new",
				"/registers/health-facilities/" + hf, "/registers/health-facilities/" + hf + "/edit", "/registers/users",
				"/tools/diagnoses-upload"} {
				webtest.Check(t, "page "+path, b.Get(t, path), http.StatusForbidden, "You do not have the right")
			}
			r := b.Submit(t, "/registers/health-facilities", url.Values{"code": {"X"}})
			webtest.Check(t, "form post", r, http.StatusForbidden)
			home := b.Get(t, "/")
			if strings.Contains(home.Body, `href="/registers/health-facilities"`) {
				t.Error("the menu offers a register the user may not search")
			}
		})
	}
	t.Run("custom role's own right", func(t *testing.T) {
		tok := e.Token(t, "LocReader", "reader-password")
		webtest.Check(t, "locations", e.API(t, tok, "GET", "/api/registers/locations", ""), http.StatusOK, `"R1D1"`)
		webtest.Check(t, "no add", e.API(t, tok, "POST", "/api/registers/locations", `{"code":"X1","name":"x","type":"R"}`), http.StatusForbidden)
	})
	t.Run("a blocked role gives no rights", func(t *testing.T) {
		tok := e.Token(t, "LocReader", "reader-password")
		id := e.IDOf(t, imis.Roles, "Location Reader").String()
		webtest.Check(t, "block", e.API(t, admin, "PUT", "/api/registers/roles/"+id, `{"version":1,"blocked":true}`), http.StatusOK)
		webtest.Check(t, "after block", e.API(t, tok, "GET", "/api/registers/locations", ""), http.StatusForbidden)
	})
	if n := e.Total(t, admin, "health-facilities"); n != 18 {
		t.Errorf("facilities %d, want the demo's 18", n)
	}
}

// TestDistrictScope checks that a district user sees and changes only their district, in the
// API and the UI, and cannot hand out more than they hold.
func TestDistrictScope(t *testing.T) {
	e := webtest.NewEnv(t, true)
	admin := e.Token(t, "Admin", "admin123")
	// The Scheme Administrator role has no user rights, so the HF Administrator role is added
	// to test what a district user may grant.
	r := e.API(t, admin, "POST", "/api/registers/users", `{"login":"sa_r1d2","last_name":"Scoped","other_names":"Admin",
		"password":"scoped-password","roles":[{"role_id":"Scheme Administrator"},{"role_id":"HF Administrator"}],
		"districts":[{"location_id":"R1D2"}]}`)
	webtest.Check(t, "create scoped user", r, http.StatusCreated)
	tok := e.Token(t, "sa_r1d2", "scoped-password")
	b := e.Login(t, "sa_r1d2", "scoped-password")
	d2 := e.IDOf(t, imis.Locations, "R1D2").String()

	// What the district holds, as the administrator sees it.
	r = e.API(t, admin, "GET", "/api/registers/health-facilities?size=100&location_id="+d2, "")
	var mine []string
	for _, it := range webtest.RowsOf(t, webtest.Object(t, r.Body), "items") {
		mine = append(mine, it["code"].(string))
	}
	if len(mine) != 3 {
		t.Fatalf("R1D2 has facilities %v, want 3", mine)
	}

	t.Run("search", func(t *testing.T) {
		r := e.API(t, tok, "GET", "/api/registers/health-facilities?size=100", "")
		webtest.Check(t, "api search", r, http.StatusOK)
		m := webtest.Object(t, r.Body)
		if webtest.Num(t, m["total"]) != 3 {
			t.Errorf("total %v, want 3", m["total"])
		}
		for _, it := range webtest.RowsOf(t, m, "items") {
			if it["location_id"] != d2 {
				t.Errorf("sees %v of another district", it["code"])
			}
		}
		r = e.API(t, tok, "GET", "/api/registers/health-facilities?q=HF01", "")
		if webtest.Num(t, webtest.Object(t, r.Body)["total"]) != 0 {
			t.Errorf("text search finds another district's facilities: %.300s", r.Body)
		}
		page := b.Get(t, "/registers/health-facilities")
		webtest.Check(t, "ui list", page, http.StatusOK, mine...)
		for _, other := range []string{"HF0101", "HF0102", "HF0301", "HF0401"} {
			if strings.Contains(page.Body, other) {
				t.Errorf("ui list shows %s", other)
			}
		}
		r = e.API(t, tok, "GET", "/api/registers/users?size=100", "")
		if strings.Contains(r.Body, `"Clerk"`) || !strings.Contains(r.Body, `"sa_r1d2"`) {
			t.Errorf("user search out of scope: %.500s", r.Body)
		}
	})

	other := e.IDOf(t, imis.HealthFacilities, "HF0101").String()
	own := e.IDOf(t, imis.HealthFacilities, mine[0]).String()
	t.Run("another district's record by id", func(t *testing.T) {
		for _, p := range []string{"", "/history", "?as_of=2026-03-02"} {
			webtest.Check(t, "api get"+p, e.API(t, tok, "GET", "/api/registers/health-facilities/"+other+p, ""), http.StatusNotFound)
		}
		webtest.Check(t, "api put", e.API(t, tok, "PUT", "/api/registers/health-facilities/"+other, `{"version":1,"name":"Taken"}`), http.StatusNotFound)
		webtest.Check(t, "api delete", e.API(t, tok, "DELETE", "/api/registers/health-facilities/"+other+"?version=1", ""), http.StatusNotFound)
		for _, p := range []string{"", "/edit", "/delete", "?as_of=2026-03-02"} {
			webtest.Check(t, "ui "+p, b.Get(t, "/registers/health-facilities/"+other+p), http.StatusNotFound)
		}
		webtest.Check(t, "ui update", b.Submit(t, "/registers/health-facilities/"+other, url.Values{"version": {"1"}, "name": {"Taken"}}), http.StatusNotFound)
		webtest.Check(t, "ui delete", b.Submit(t, "/registers/health-facilities/"+other+"/delete", url.Values{"version": {"1"}}), http.StatusNotFound)
		webtest.Check(t, "own record", e.API(t, tok, "GET", "/api/registers/health-facilities/"+own, ""), http.StatusOK)
		webtest.Check(t, "own page", b.Get(t, "/registers/health-facilities/"+own), http.StatusOK, mine[0])
	})

	before := e.Total(t, admin, "health-facilities")
	body := func(loc string) string {
		return `{"code":"SCOPE1","name":"Elsewhere","legal_form":"G","level":"D","location_id":` + webtest.Quote(loc) + `,"care_type":"O"}`
	}
	t.Run("create elsewhere", func(t *testing.T) {
		for _, loc := range []string{"R1D1", e.IDOf(t, imis.Locations, "R1D1").String(), "R2D1"} {
			r := e.API(t, tok, "POST", "/api/registers/health-facilities", body(loc))
			webtest.Check(t, "facility in "+loc, r, http.StatusUnprocessableEntity)
			if r.Status == http.StatusUnprocessableEntity && webtest.ErrorFields(t, r.Body)["location_id"] == nil {
				t.Errorf("fields %v lack location_id", webtest.ErrorFields(t, r.Body))
			}
		}
		form := url.Values{"code": {"SCOPE2"}, "name": {"Elsewhere"}, "legal_form": {"G"}, "level": {"D"},
			"location_id": {e.IDOf(t, imis.Locations, "R1D1").String()}, "care_type": {"O"}, "status": {"AC"}}
		r := b.Submit(t, "/registers/health-facilities", form)
		webtest.Check(t, "ui facility elsewhere", r, http.StatusUnprocessableEntity, `id="f-location_id-err"`)
		r = e.API(t, tok, "PUT", "/api/registers/health-facilities/"+own, `{"version":1,"location_id":"R1D1"}`)
		webtest.Check(t, "move own facility away", r, http.StatusUnprocessableEntity)
		if n := e.Total(t, admin, "health-facilities"); n != before {
			t.Errorf("facilities %d, want %d", n, before)
		}
		if cur := e.Fetch(t, admin, "health-facilities", own, ""); cur["location_id"] != d2 || webtest.Num(t, cur["version"]) != 1 {
			t.Errorf("own facility changed: %v", cur)
		}
		webtest.Check(t, "create at home", e.API(t, tok, "POST", "/api/registers/health-facilities", body("R1D2")), http.StatusCreated)
	})

	t.Run("grant no more than held", func(t *testing.T) {
		usersBefore := e.Total(t, admin, "users")
		cases := []struct {
			name, body, field string
		}{
			{"administrator role", `{"login":"esc1","last_name":"x","other_names":"y","password":"escalate-pw",
				"roles":[{"role_id":"IMIS Administrator"}],"districts":[{"location_id":"R1D2"}]}`, "roles.0.role_id"},
			{"administrator role second", `{"login":"esc2","last_name":"x","other_names":"y","password":"escalate-pw",
				"roles":[{"role_id":"Clerk"},{"role_id":"64"}],"districts":[{"location_id":"R1D2"}]}`, "roles.1.role_id"},
			{"district not held", `{"login":"esc3","last_name":"x","other_names":"y","password":"escalate-pw",
				"roles":[{"role_id":"Clerk"}],"districts":[{"location_id":"R1D1"}]}`, "districts.0.location_id"},
			{"district not held by id", `{"login":"esc4","last_name":"x","other_names":"y","password":"escalate-pw",
				"roles":[{"role_id":"Clerk"}],"districts":[{"location_id":"R1D2"},{"location_id":` + webtest.Quote(e.IDOf(t, imis.Locations, "R2D1").String()) + `}]}`, "districts.1.location_id"},
			{"no district", `{"login":"esc5","last_name":"x","other_names":"y","password":"escalate-pw",
				"roles":[{"role_id":"Clerk"}],"districts":[]}`, "districts"},
		}
		for _, c := range cases {
			r := e.API(t, tok, "POST", "/api/registers/users", c.body)
			webtest.Check(t, c.name, r, http.StatusUnprocessableEntity)
			if r.Status == http.StatusUnprocessableEntity && webtest.ErrorFields(t, r.Body)[c.field] == nil {
				t.Errorf("%s: fields %v lack %s", c.name, webtest.ErrorFields(t, r.Body), c.field)
			}
		}
		// Nor may they give themselves more.
		self := e.IDOf(t, imis.Users, "sa_r1d2").String()
		r := e.API(t, tok, "PUT", "/api/registers/users/"+self, `{"version":1,"districts":[{"location_id":"R1D2"},{"location_id":"R1D1"}]}`)
		webtest.Check(t, "own districts", r, http.StatusUnprocessableEntity)
		r = e.API(t, tok, "PUT", "/api/registers/users/"+self, `{"version":1,"roles":[{"role_id":"IMIS Administrator"}]}`)
		webtest.Check(t, "own roles", r, http.StatusUnprocessableEntity)
		if n := e.Total(t, admin, "users"); n != usersBefore {
			t.Errorf("users %d, want %d", n, usersBefore)
		}
		r = e.API(t, tok, "POST", "/api/registers/users", `{"login":"ok_user","last_name":"x","other_names":"y","password":"allowed-pw",
			"roles":[{"role_id":"HF Administrator"}],"districts":[{"location_id":"R1D2"}]}`)
		webtest.Check(t, "allowed user", r, http.StatusCreated)
	})
}
