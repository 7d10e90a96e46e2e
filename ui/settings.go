package ui

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// settingsView is the scheme settings form: the insurance-number rule, what full payment of a
// policy does, and the rules of the Policies app.
type settingsView struct {
	Length, Modulo, Activation string
	Phone                      []phoneRuleTick
	Errors                     map[string]string
	Saved                      bool
}

// phoneRuleTick is one of the Policies app's rules on the settings form.
type phoneRuleTick struct {
	Name    string // the form field: "phone." and the rule's name
	Label   string // catalogue key
	Checked bool
}

func phoneTicks(rules map[string]bool) []phoneRuleTick {
	out := make([]phoneRuleTick, 0, len(store.MobileAppRules))
	for _, name := range store.MobileAppRules {
		out = append(out, phoneRuleTick{Name: store.MobileAppRulePrefix + name, Label: "settings." + store.MobileAppRulePrefix + name, Checked: rules[name]})
	}
	return out
}

func (s *server) settingsPage(w http.ResponseWriter, r *http.Request) {
	if !imis.UserFromContext(r.Context()).Admin {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	set, err := s.DB.SchemeSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := settingsView{Length: strconv.Itoa(set.NumberRule.Length), Modulo: strconv.Itoa(set.NumberRule.Modulo),
		Activation: strconv.Itoa(set.ActivationOption), Phone: phoneTicks(set.MobileAppRules), Saved: r.URL.Query().Get("saved") == "1"}
	s.showSettings(w, r, http.StatusOK, v)
}

func (s *server) showSettings(w http.ResponseWriter, r *http.Request, status int, v settingsView) {
	p := s.newPage(r, "settings.title", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.tools"}, crumb{Label: "settings.title"})
	p.Data = v
	s.render(w, r, status, "settings", p)
}

// settingsSave changes the scheme settings together, or none of them when one is refused; the
// store audits the change.
func (s *server) settingsSave(w http.ResponseWriter, r *http.Request) {
	if !imis.UserFromContext(r.Context()).Admin {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	p := s.newPage(r, "settings.title")
	phone := map[string]bool{}
	for _, name := range store.MobileAppRules {
		phone[name] = r.PostFormValue(store.MobileAppRulePrefix+name) == "true"
	}
	v := settingsView{Length: strings.TrimSpace(r.PostFormValue("chfid_length")), Modulo: strings.TrimSpace(r.PostFormValue("chfid_modulo")),
		Activation: strings.TrimSpace(r.PostFormValue("activation_option")), Phone: phoneTicks(phone), Errors: map[string]string{}}
	length, errL := strconv.Atoi(v.Length)
	modulo, errM := strconv.Atoi(v.Modulo)
	option, errA := strconv.Atoi(v.Activation)
	for field, err := range map[string]error{"chfid_length": errL, "chfid_modulo": errM, "activation_option": errA} {
		if err != nil {
			v.Errors[field] = p.T("error.integer")
		}
	}
	if len(v.Errors) == 0 {
		set := store.SchemeSettings{NumberRule: imis.InsuranceNumberRule{Length: length, Modulo: modulo}, ActivationOption: option, MobileAppRules: phone}
		if err := s.DB.SetSchemeSettings(r.Context(), set); err != nil {
			s.settingsErrors(w, r, p, v, err)
			return
		}
		http.Redirect(w, r, "/tools/settings?saved=1", http.StatusSeeOther)
		return
	}
	s.showSettings(w, r, http.StatusUnprocessableEntity, v)
}

func (s *server) settingsErrors(w http.ResponseWriter, r *http.Request, p *page, v settingsView, err error) {
	e := httpx.AsError(err)
	if e == nil || httpx.Status(err) >= 500 {
		s.fail(w, r, err)
		return
	}
	for k, fe := range e.Fields {
		v.Errors[k] = p.Err(fe)
	}
	s.showSettings(w, r, httpx.Status(err), v)
}
