package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/openimis-go/openimis"
)

// TestSchemeSettings changes the insurance-number rule and the activation option through the
// settings page, refuses bad values, and keeps the page to administrators.
func TestSchemeSettings(t *testing.T) {
	e := newEnv(t, true)
	b := e.login(t, "Admin", "admin123")
	check(t, "settings page", b.get(t, "/tools/settings"), http.StatusOK, `name="chfid_length"`, `name="activation_option" value="1" checked`)
	r := b.submit(t, "/tools/settings", url.Values{"chfid_length": {"9"}, "chfid_modulo": {"7"}, "activation_option": {"3"}})
	check(t, "save", r, http.StatusSeeOther)
	ctx := context.Background()
	rule, err := e.db.NumberRule(ctx)
	if err != nil || rule != (imis.InsuranceNumberRule{Length: 9, Modulo: 7}) {
		t.Fatalf("rule after saving: %+v %v", rule, err)
	}
	if opt, err := e.db.ActivationOption(ctx); err != nil || opt != imis.ActivateReady {
		t.Fatalf("activation option after saving: %d %v", opt, err)
	}
	check(t, "bad modulo", b.submit(t, "/tools/settings", url.Values{"chfid_length": {"9"}, "chfid_modulo": {"1"}, "activation_option": {"1"}}),
		http.StatusUnprocessableEntity, `id="chfid_modulo-err"`)
	check(t, "not a number", b.submit(t, "/tools/settings", url.Values{"chfid_length": {"nine"}, "chfid_modulo": {"7"}, "activation_option": {"1"}}),
		http.StatusUnprocessableEntity, `id="chfid_length-err"`)
	if rule, _ := e.db.NumberRule(ctx); rule != (imis.InsuranceNumberRule{Length: 9, Modulo: 7}) {
		t.Fatalf("a refused save changed the rule: %+v", rule)
	}
	clerk := e.login(t, "Clerk", "demo123")
	check(t, "clerk", clerk.get(t, "/tools/settings"), http.StatusForbidden)
}
