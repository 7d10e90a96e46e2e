package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// TestUserFormGrantsNoMoreThanHeld: the user form of an HF Administrator refuses, beside the role
// picked, a role whose rights they lack, and saves nothing; a role they hold is given.
func TestUserFormGrantsNoMoreThanHeld(t *testing.T) {
	e := webtest.NewEnv(t, true)
	b := e.Login(t, "HFAdmin", "demo123")
	form := func(login, role string) url.Values {
		return url.Values{"login": {login}, "last_name": {"Given"}, "other_names": {"Rights"}, "language": {"en"},
			"password": {"granted-password"}, "password_confirm": {"granted-password"},
			"roles.0.role_id": {e.IDOf(t, imis.Roles, role).String()}, "districts.0.location_id": {e.IDOf(t, imis.Locations, "R1D1").String()}}
	}
	before := e.CurrentCount(t, imis.Users)
	r := b.Submit(t, "/registers/users", form("escalated", "Scheme Administrator"))
	webtest.Check(t, "the Scheme Administrator role", r, http.StatusUnprocessableEntity)
	if msg := webtest.FieldError(r.Body, "roles.0.role_id"); msg == "" {
		t.Errorf("no error beside the role: %.1500s", webtest.Excerpt(r.Body))
	}
	if n := e.CurrentCount(t, imis.Users); n != before {
		t.Errorf("users %d after a refusal, want %d", n, before)
	}
	webtest.Check(t, "a role held", b.Submit(t, "/registers/users", form("peer", "Offline Administrator")), http.StatusSeeOther)
}
