package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// TestRoleEditorTicksRights checks that a custom role is made by ticking rights and that the
// ticks come back as the role's rights.
func TestRoleEditorTicksRights(t *testing.T) {
	e := webtest.NewEnv(t, true)
	b := e.Login(t, "Admin", "admin123")
	form := b.Get(t, "/registers/roles/new")
	webtest.Check(t, "new role form", form, http.StatusOK, `value="121101"`, "Health facilities")
	if strings.Contains(form.Body, `name="rights.0.right_id" value="" `) {
		t.Fatal("the role form still asks for typed codes")
	}
	name := func(code string) string {
		i := strings.Index(form.Body, `value="`+code+`"`)
		j := strings.LastIndex(form.Body[:i], `name="`)
		return form.Body[j+6 : j+6+strings.Index(form.Body[j+6:], `"`)]
	}
	r := b.Submit(t, "/registers/roles", url.Values{"name": {"Facility viewer"}, name("121101"): {"121101"}, name("101105"): {"101105"}})
	webtest.Check(t, "create role", r, http.StatusSeeOther)
	view := b.Get(t, r.Header.Get("Location"))
	webtest.Check(t, "role page", view, http.StatusOK, "121101", "101105")
	edit := b.Get(t, r.Header.Get("Location")+"/edit")
	for _, code := range []string{"121101", "101105"} {
		if !strings.Contains(edit.Body, `value="`+code+`" checked`) {
			t.Errorf("right %s is not ticked in the edit form", code)
		}
	}
	if strings.Contains(edit.Body, `value="121102" checked`) {
		t.Error("a right the role lacks is ticked")
	}
}
