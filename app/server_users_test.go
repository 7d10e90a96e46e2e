package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// TestUsersAndSecrets covers the records that carry passwords: users, and officers whose login
// the store creates; password hashes must never leave the server.
func TestUsersAndSecrets(t *testing.T) {
	e := webtest.NewEnv(t, true)
	tok := e.Token(t, "Admin", "admin123")
	b := e.Login(t, "Admin", "admin123")

	t.Run("user form passwords", func(t *testing.T) {
		before := e.Total(t, tok, "users")
		form := url.Values{"login": {"formuser"}, "last_name": {"Form"}, "other_names": {"User"}, "language": {"en"},
			"roles.0.role_id": {e.IDOf(t, imis.Roles, "Clerk").String()}, "districts.0.location_id": {e.IDOf(t, imis.Locations, "R1D1").String()}}
		cases := []struct {
			name, pw, confirm, field, msg string
		}{
			{"missing", "", "", "password", "A password is needed for a login."},
			{"short", "short", "short", "password", "At least 8 characters."},
			{"mismatch", "long-enough-1", "long-enough-2", "password_confirm", "The two passwords differ."},
		}
		for _, c := range cases {
			f := url.Values{"password": {c.pw}, "password_confirm": {c.confirm}}
			for k, v := range form {
				f[k] = v
			}
			r := b.Submit(t, "/registers/users", f)
			webtest.Check(t, c.name, r, http.StatusUnprocessableEntity)
			if got := webtest.FieldError(r.Body, c.field); got != c.msg {
				t.Errorf("%s: error beside %s %q, want %q", c.name, c.field, got, c.msg)
			}
			if c.pw != "" && strings.Contains(r.Body, c.pw) {
				t.Errorf("%s: the re-shown form contains the password", c.name)
			}
		}
		if n := e.Total(t, tok, "users"); n != before {
			t.Errorf("users %d, want %d", n, before)
		}
		f := url.Values{"password": {"long-enough-1"}, "password_confirm": {"long-enough-1"}}
		for k, v := range form {
			f[k] = v
		}
		r := b.Submit(t, "/registers/users", f)
		webtest.Check(t, "valid user", r, http.StatusSeeOther)
		e.Token(t, "formuser", "long-enough-1")

		page := b.Get(t, r.Header.Get("Location"))
		webtest.Check(t, "user page", page, http.StatusOK, "formuser")
		if strings.Contains(page.Body, "argon2") {
			t.Error("the user page shows the password hash")
		}
	})

	t.Run("API never returns hashes", func(t *testing.T) {
		id := e.IDOf(t, imis.Users, "Clerk").String()
		for _, p := range []string{"/api/registers/users?size=100", "/api/registers/users/" + id, "/api/registers/users/" + id + "/history"} {
			r := e.API(t, tok, "GET", p, "")
			webtest.Check(t, p, r, http.StatusOK)
			if strings.Contains(r.Body, "argon2") || strings.Contains(r.Body, "password_hash") {
				t.Errorf("%s exposes the password hash", p)
			}
		}
		r := e.API(t, tok, "PUT", "/api/registers/users/"+id, `{"version":1,"phone":"0700 000 000"}`)
		webtest.Check(t, "update without password", r, http.StatusOK)
		e.Token(t, "Clerk", "demo123") // the hash is kept when no password is sent
		r = e.API(t, tok, "PUT", "/api/registers/users/"+id, `{"version":2,"password":"changed-password"}`)
		webtest.Check(t, "change password", r, http.StatusOK)
		e.Token(t, "Clerk", "changed-password")
		webtest.Check(t, "old password", e.RestLogin(t, `{"UserName":"Clerk","Password":"demo123"}`), http.StatusUnauthorized)
		r = e.API(t, tok, "PUT", "/api/registers/users/"+id, `{"version":3,"password_hash":"$argon2id$forged"}`)
		webtest.Check(t, "hash is not input", r, http.StatusOK)
		e.Token(t, "Clerk", "changed-password")
		view := b.Get(t, "/registers/users/"+id)
		if strings.Contains(view.Body, "argon2") {
			t.Error("the audit trail shows a password hash")
		}
		webtest.Check(t, "delete self", e.API(t, tok, "DELETE", "/api/registers/users/"+e.IDOf(t, imis.Users, "Admin").String()+"?version=1", ""),
			http.StatusConflict)
	})

	t.Run("officer with a login", func(t *testing.T) {
		r := e.API(t, tok, "POST", "/api/registers/officers", `{"code":"EOTEST1","last_name":"Officer","other_names":"Test",
			"location_id":"R1D1","has_login":true,"password":"officer-pass","villages":[{"location_id":"R1D1W1V1"}]}`)
		webtest.Check(t, "officer", r, http.StatusCreated, `"EOTEST1"`)
		if strings.Contains(r.Body, "argon2") {
			t.Error("the officer's JSON shows the hash")
		}
		otok := e.Token(t, "EOTEST1", "officer-pass")
		webtest.Check(t, "officer user", e.API(t, tok, "GET", "/api/registers/users?login=EOTEST1", ""), http.StatusOK, `"EOTEST1"`)
		webtest.Check(t, "officer rights", e.API(t, otok, "GET", "/api/registers/health-facilities", ""), http.StatusForbidden)
	})

	t.Run("markup is escaped", func(t *testing.T) {
		name := `<script>alert(1)</script>"'&`
		r := e.API(t, tok, "POST", "/api/registers/health-facilities", `{"code":"XSS1","name":`+webtest.Quote(name)+`,
			"legal_form":"G","level":"D","location_id":"R1D1","care_type":"O"}`)
		webtest.Check(t, "create", r, http.StatusCreated)
		id := webtest.Object(t, r.Body)["id"].(string)
		for _, p := range []string{"/registers/health-facilities?q=XSS1", "/registers/health-facilities/" + id,
			"/registers/health-facilities/" + id + "/edit", "/registers/health-facilities?q=" + url.QueryEscape(name)} {
			page := b.Get(t, p)
			webtest.Check(t, p, page, http.StatusOK)
			if strings.Contains(page.Body, "<script>alert") {
				t.Errorf("%s renders the name as markup", p)
			}
		}
	})

	t.Run("form helper buttons", func(t *testing.T) {
		before := e.Total(t, tok, "item-pricelists")
		r := b.Submit(t, "/registers/item-pricelists", url.Values{"name": {"Helper"}, "date": {"2026-01-01"}, "action": {"more"},
			"details.0.item_id": {"I0001"}})
		webtest.Check(t, "more lines", r, http.StatusOK, `name="details.13.item_id"`, `value="I0001"`)
		r = b.Submit(t, "/registers/item-pricelists", url.Values{"name": {"Helper"}, "date": {"2026-01-01"}, "action": {"fill"},
			"details.0.item_id": {"I0001"}, "details.0.price_overrule": {"5.00"}})
		webtest.Check(t, "fill all", r, http.StatusOK, `value="I0002"`, `value="5.00"`)
		if strings.Count(r.Body, `value="I0001"`) != 1 {
			t.Error("fill repeated an item already listed")
		}
		if n := e.Total(t, tok, "item-pricelists"); n != before {
			t.Errorf("a helper button saved the price list: %d, want %d", n, before)
		}
	})
}
