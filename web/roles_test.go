package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRoleEditorTicksRights checks that a custom role is made by ticking rights and that the
// ticks come back as the role's rights.
func TestRoleEditorTicksRights(t *testing.T) {
	e := newEnv(t, true)
	b := e.login(t, "Admin", "admin123")
	form := b.get(t, "/registers/roles/new")
	check(t, "new role form", form, http.StatusOK, `value="121101"`, "Health facilities")
	if strings.Contains(form.body, `name="rights.0.right_id" value="" `) {
		t.Fatal("the role form still asks for typed codes")
	}
	name := func(code string) string {
		i := strings.Index(form.body, `value="`+code+`"`)
		j := strings.LastIndex(form.body[:i], `name="`)
		return form.body[j+6 : j+6+strings.Index(form.body[j+6:], `"`)]
	}
	r := b.submit(t, "/registers/roles", url.Values{"name": {"Facility viewer"}, name("121101"): {"121101"}, name("101105"): {"101105"}})
	check(t, "create role", r, http.StatusSeeOther)
	view := b.get(t, r.header.Get("Location"))
	check(t, "role page", view, http.StatusOK, "121101", "101105")
	edit := b.get(t, r.header.Get("Location")+"/edit")
	for _, code := range []string{"121101", "101105"} {
		if !strings.Contains(edit.body, `value="`+code+`" checked`) {
			t.Errorf("right %s is not ticked in the edit form", code)
		}
	}
	if strings.Contains(edit.body, `value="121102" checked`) {
		t.Error("a right the role lacks is ticked")
	}
}
