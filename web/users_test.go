package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
)

// TestUsersAndSecrets covers the records that carry passwords: users, and officers whose login
// the store creates; password hashes must never leave the server.
func TestUsersAndSecrets(t *testing.T) {
	e := newEnv(t, true)
	tok := e.token(t, "Admin", "admin123")
	b := e.login(t, "Admin", "admin123")

	t.Run("user form passwords", func(t *testing.T) {
		before := e.total(t, tok, "users")
		form := url.Values{"login": {"formuser"}, "last_name": {"Form"}, "other_names": {"User"}, "language": {"en"},
			"roles.0.role_id": {e.idOf(t, imis.Roles, "Clerk").String()}, "districts.0.location_id": {e.idOf(t, imis.Locations, "R1D1").String()}}
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
			r := b.submit(t, "/registers/users", f)
			check(t, c.name, r, http.StatusUnprocessableEntity)
			if got := fieldError(r.body, c.field); got != c.msg {
				t.Errorf("%s: error beside %s %q, want %q", c.name, c.field, got, c.msg)
			}
			if c.pw != "" && strings.Contains(r.body, c.pw) {
				t.Errorf("%s: the re-shown form contains the password", c.name)
			}
		}
		if n := e.total(t, tok, "users"); n != before {
			t.Errorf("users %d, want %d", n, before)
		}
		f := url.Values{"password": {"long-enough-1"}, "password_confirm": {"long-enough-1"}}
		for k, v := range form {
			f[k] = v
		}
		r := b.submit(t, "/registers/users", f)
		check(t, "valid user", r, http.StatusSeeOther)
		e.token(t, "formuser", "long-enough-1")

		page := b.get(t, r.header.Get("Location"))
		check(t, "user page", page, http.StatusOK, "formuser")
		if strings.Contains(page.body, "argon2") {
			t.Error("the user page shows the password hash")
		}
	})

	t.Run("API never returns hashes", func(t *testing.T) {
		id := e.idOf(t, imis.Users, "Clerk").String()
		for _, p := range []string{"/api/registers/users?size=100", "/api/registers/users/" + id, "/api/registers/users/" + id + "/history"} {
			r := e.api(t, tok, "GET", p, "")
			check(t, p, r, http.StatusOK)
			if strings.Contains(r.body, "argon2") || strings.Contains(r.body, "password_hash") {
				t.Errorf("%s exposes the password hash", p)
			}
		}
		r := e.api(t, tok, "PUT", "/api/registers/users/"+id, `{"version":1,"phone":"0700 000 000"}`)
		check(t, "update without password", r, http.StatusOK)
		e.token(t, "Clerk", "demo123") // the hash is kept when no password is sent
		r = e.api(t, tok, "PUT", "/api/registers/users/"+id, `{"version":2,"password":"changed-password"}`)
		check(t, "change password", r, http.StatusOK)
		e.token(t, "Clerk", "changed-password")
		check(t, "old password", e.restLogin(t, `{"UserName":"Clerk","Password":"demo123"}`), http.StatusUnauthorized)
		r = e.api(t, tok, "PUT", "/api/registers/users/"+id, `{"version":3,"password_hash":"$argon2id$forged"}`)
		check(t, "hash is not input", r, http.StatusOK)
		e.token(t, "Clerk", "changed-password")
		view := b.get(t, "/registers/users/"+id)
		if strings.Contains(view.body, "argon2") {
			t.Error("the audit trail shows a password hash")
		}
		check(t, "delete self", e.api(t, tok, "DELETE", "/api/registers/users/"+e.idOf(t, imis.Users, "Admin").String()+"?version=1", ""),
			http.StatusConflict)
	})

	t.Run("officer with a login", func(t *testing.T) {
		r := e.api(t, tok, "POST", "/api/registers/officers", `{"code":"EOTEST1","last_name":"Officer","other_names":"Test",
			"location_id":"R1D1","has_login":true,"password":"officer-pass","villages":[{"location_id":"R1D1W1V1"}]}`)
		check(t, "officer", r, http.StatusCreated, `"EOTEST1"`)
		if strings.Contains(r.body, "argon2") {
			t.Error("the officer's JSON shows the hash")
		}
		otok := e.token(t, "EOTEST1", "officer-pass")
		check(t, "officer user", e.api(t, tok, "GET", "/api/registers/users?login=EOTEST1", ""), http.StatusOK, `"EOTEST1"`)
		check(t, "officer rights", e.api(t, otok, "GET", "/api/registers/health-facilities", ""), http.StatusForbidden)
	})

	t.Run("markup is escaped", func(t *testing.T) {
		name := `<script>alert(1)</script>"'&`
		r := e.api(t, tok, "POST", "/api/registers/health-facilities", `{"code":"XSS1","name":`+quote(name)+`,
			"legal_form":"G","level":"D","location_id":"R1D1","care_type":"O"}`)
		check(t, "create", r, http.StatusCreated)
		id := object(t, r.body)["id"].(string)
		for _, p := range []string{"/registers/health-facilities?q=XSS1", "/registers/health-facilities/" + id,
			"/registers/health-facilities/" + id + "/edit", "/registers/health-facilities?q=" + url.QueryEscape(name)} {
			page := b.get(t, p)
			check(t, p, page, http.StatusOK)
			if strings.Contains(page.body, "<script>alert") {
				t.Errorf("%s renders the name as markup", p)
			}
		}
	})

	t.Run("form helper buttons", func(t *testing.T) {
		before := e.total(t, tok, "item-pricelists")
		r := b.submit(t, "/registers/item-pricelists", url.Values{"name": {"Helper"}, "date": {"2026-01-01"}, "action": {"more"},
			"details.0.item_id": {"I0001"}})
		check(t, "more lines", r, http.StatusOK, `name="details.13.item_id"`, `value="I0001"`)
		r = b.submit(t, "/registers/item-pricelists", url.Values{"name": {"Helper"}, "date": {"2026-01-01"}, "action": {"fill"},
			"details.0.item_id": {"I0001"}, "details.0.price_overrule": {"5.00"}})
		check(t, "fill all", r, http.StatusOK, `value="I0002"`, `value="5.00"`)
		if strings.Count(r.body, `value="I0001"`) != 1 {
			t.Error("fill repeated an item already listed")
		}
		if n := e.total(t, tok, "item-pricelists"); n != before {
			t.Errorf("a helper button saved the price list: %d, want %d", n, before)
		}
	})
}
