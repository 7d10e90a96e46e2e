package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// TestSchemeSettings changes the insurance-number rule, the activation option and the Policies
// app's rules through the settings page, refuses bad values without saving any of the others,
// and keeps the page to administrators.
func TestSchemeSettings(t *testing.T) {
	e := webtest.NewEnv(t, true)
	b := e.Login(t, "Admin", "admin123")
	webtest.Check(t, "settings page", b.Get(t, "/tools/settings"), http.StatusOK, `name="chfid_length"`, `name="activation_option" value="1" checked`)
	r := b.Submit(t, "/tools/settings", url.Values{"chfid_length": {"9"}, "chfid_modulo": {"7"}, "activation_option": {"3"},
		"phone.AllowInsureeWithoutPhoto": {"true"}, "phone.ShowPaymentOption": {"true"}})
	webtest.Check(t, "save", r, http.StatusSeeOther)
	ctx := context.Background()
	set, err := e.DB.SchemeSettings(ctx)
	if err != nil || !set.MobileAppRules["AllowInsureeWithoutPhoto"] || !set.MobileAppRules["ShowPaymentOption"] || set.MobileAppRules["AllowFamilyWithoutPolicy"] {
		t.Fatalf("phone rules after saving: %+v %v", set.MobileAppRules, err)
	}
	webtest.Check(t, "settings page after saving", b.Get(t, "/tools/settings"), http.StatusOK,
		`name="phone.AllowInsureeWithoutPhoto" value="true" checked`, `name="phone.AllowFamilyWithoutPolicy" value="true">`)
	rule, err := e.DB.NumberRule(ctx)
	if err != nil || rule != (imis.InsuranceNumberRule{Length: 9, Modulo: 7}) {
		t.Fatalf("rule after saving: %+v %v", rule, err)
	}
	if opt, err := e.DB.ActivationOption(ctx); err != nil || opt != imis.ActivateReady {
		t.Fatalf("activation option after saving: %d %v", opt, err)
	}
	webtest.Check(t, "bad modulo", b.Submit(t, "/tools/settings", url.Values{"chfid_length": {"9"}, "chfid_modulo": {"1"}, "activation_option": {"1"}}),
		http.StatusUnprocessableEntity, `id="chfid_modulo-err"`)
	webtest.Check(t, "not a number", b.Submit(t, "/tools/settings", url.Values{"chfid_length": {"nine"}, "chfid_modulo": {"7"}, "activation_option": {"1"}}),
		http.StatusUnprocessableEntity, `id="chfid_length-err"`)
	webtest.Check(t, "bad activation option", b.Submit(t, "/tools/settings", url.Values{"chfid_length": {"12"}, "chfid_modulo": {"0"}, "activation_option": {"7"}}),
		http.StatusUnprocessableEntity)
	if after, _ := e.DB.SchemeSettings(ctx); !reflect.DeepEqual(after, set) {
		t.Fatalf("a refused save changed the settings: %+v, was %+v", after, set)
	}
	clerk := e.Login(t, "Clerk", "demo123")
	webtest.Check(t, "clerk", clerk.Get(t, "/tools/settings"), http.StatusForbidden)
}
