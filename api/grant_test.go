package api_test

import (
	"net/http"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// TestGrantNoMoreThanHeld replays an escalation: an HF Administrator, who holds only the rights to
// manage users, gave a new user the Scheme Administrator role and so reached the national
// registers. A user manager gives only roles whose rights they hold and only their districts, and
// a role editor adds to a role only rights they hold; a refusal names the field and writes nothing.
func TestGrantNoMoreThanHeld(t *testing.T) {
	e := webtest.NewEnv(t, true)
	admin := e.Token(t, "Admin", "admin123")
	tok := e.Token(t, "HFAdmin", "demo123")
	user := func(login, role, district string) string {
		return `{"login":"` + login + `","last_name":"Given","other_names":"Rights","password":"granted-password",
			"roles":[{"role_id":"` + role + `"}],"districts":[{"location_id":"` + district + `"}]}`
	}
	usersBefore := e.Total(t, admin, "users")

	t.Run("refused", func(t *testing.T) {
		for _, c := range []struct{ name, body, field string }{
			{"the Scheme Administrator role", user("escalated", "Scheme Administrator", "R1D1"), "roles.0.role_id"},
			{"the Clerk role", user("escalated", "Clerk", "R1D1"), "roles.0.role_id"},
			{"a district not held", user("elsewhere", "Offline Administrator", "R2D1"), "districts.0.location_id"},
		} {
			r := e.API(t, tok, http.MethodPost, "/api/registers/users", c.body)
			webtest.Check(t, c.name, r, http.StatusUnprocessableEntity)
			if r.Status == http.StatusUnprocessableEntity && webtest.ErrorFields(t, r.Body)[c.field] == nil {
				t.Errorf("%s: fields %v lack %s", c.name, webtest.ErrorFields(t, r.Body), c.field)
			}
		}
		if n := e.Total(t, admin, "users"); n != usersBefore {
			t.Errorf("users %d after refusals, want %d", n, usersBefore)
		}
		webtest.Check(t, "refused login", e.RestLogin(t, `{"UserName":"escalated","Password":"granted-password"}`), http.StatusUnauthorized)
	})

	t.Run("a role whose rights are held", func(t *testing.T) {
		peer := e.Created(t, tok, "users", user("peer", "Offline Administrator", "R1D1"))
		r := e.API(t, tok, http.MethodPut, "/api/registers/users/"+peer["id"].(string),
			`{"version":1,"roles":[{"role_id":"Offline Administrator"},{"role_id":"Scheme Administrator"}]}`)
		webtest.Check(t, "a stronger role added on edit", r, http.StatusUnprocessableEntity)
		if r.Status == http.StatusUnprocessableEntity && webtest.ErrorFields(t, r.Body)["roles.1.role_id"] == nil {
			t.Errorf("fields %v lack roles.1.role_id", webtest.ErrorFields(t, r.Body))
		}
		peerTok := e.Token(t, "peer", "granted-password")
		webtest.Check(t, "the national items register", e.API(t, peerTok, http.MethodPost, "/api/registers/items",
			`{"code":"ESC01","name":"Escalated","type":"D","price":"1.00","care_type":"B"}`), http.StatusForbidden)
	})

	t.Run("role edits", func(t *testing.T) {
		e.Created(t, admin, "roles", `{"name":"Role keeper","rights":[{"right_id":122001},{"right_id":122002},{"right_id":122003},{"right_id":121101}]}`)
		e.Created(t, admin, "users", user("keeper", "Role keeper", "R1D1"))
		keeper := e.Token(t, "keeper", "granted-password")
		rolesBefore := e.Total(t, admin, "roles")
		r := e.API(t, keeper, http.MethodPost, "/api/registers/roles", `{"name":"Item editor","rights":[{"right_id":121101},{"right_id":122103}]}`)
		webtest.Check(t, "a new role with a right not held", r, http.StatusUnprocessableEntity)
		if r.Status == http.StatusUnprocessableEntity && webtest.ErrorFields(t, r.Body)["rights.1.right_id"] == nil {
			t.Errorf("fields %v lack rights.1.right_id", webtest.ErrorFields(t, r.Body))
		}
		if n := e.Total(t, admin, "roles"); n != rolesBefore {
			t.Errorf("roles %d after a refusal, want %d", n, rolesBefore)
		}
		viewer := e.Created(t, keeper, "roles", `{"name":"Facility viewer","rights":[{"right_id":121101}]}`)
		id := viewer["id"].(string)
		r = e.API(t, keeper, http.MethodPut, "/api/registers/roles/"+id, `{"version":1,"rights":[{"right_id":121101},{"right_id":121102}]}`)
		webtest.Check(t, "a right added on edit", r, http.StatusUnprocessableEntity)
		if r.Status == http.StatusUnprocessableEntity && webtest.ErrorFields(t, r.Body)["rights.1.right_id"] == nil {
			t.Errorf("fields %v lack rights.1.right_id", webtest.ErrorFields(t, r.Body))
		}
		if got := webtest.RowsOf(t, e.Fetch(t, admin, "roles", id, ""), "rights"); len(got) != 1 {
			t.Errorf("rights after a refused edit: %v", got)
		}
		webtest.Check(t, "a right held", e.API(t, keeper, http.MethodPut, "/api/registers/roles/"+id,
			`{"version":1,"rights":[{"right_id":121101},{"right_id":122001}]}`), http.StatusOK)
	})
}
