package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
)

// settingsView is the scheme settings form: the insurance-number rule and what full payment of
// a policy does.
type settingsView struct {
	Length, Modulo, Activation string
	Errors                     map[string]string
	Saved                      bool
}

func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) {
	if !imis.UserFromContext(r.Context()).Admin {
		s.fail(w, r, forbidden())
		return
	}
	rule, err := s.db.NumberRule(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	option, err := s.db.ActivationOption(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := settingsView{Length: strconv.Itoa(rule.Length), Modulo: strconv.Itoa(rule.Modulo), Activation: strconv.Itoa(option),
		Saved: r.URL.Query().Get("saved") == "1"}
	s.showSettings(w, r, http.StatusOK, v)
}

func (s *Server) showSettings(w http.ResponseWriter, r *http.Request, status int, v settingsView) {
	p := s.newPage(r, "settings.title", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.tools"}, crumb{Label: "settings.title"})
	p.Data = v
	s.render(w, r, status, "settings", p)
}

// settingsSave changes the scheme settings; each change is audited by the store.
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) {
	if !imis.UserFromContext(r.Context()).Admin {
		s.fail(w, r, forbidden())
		return
	}
	p := s.newPage(r, "settings.title")
	v := settingsView{Length: strings.TrimSpace(r.PostFormValue("chfid_length")), Modulo: strings.TrimSpace(r.PostFormValue("chfid_modulo")),
		Activation: strings.TrimSpace(r.PostFormValue("activation_option")), Errors: map[string]string{}}
	length, errL := strconv.Atoi(v.Length)
	modulo, errM := strconv.Atoi(v.Modulo)
	option, errA := strconv.Atoi(v.Activation)
	for field, err := range map[string]error{"chfid_length": errL, "chfid_modulo": errM, "activation_option": errA} {
		if err != nil {
			v.Errors[field] = p.T("error.integer")
		}
	}
	if len(v.Errors) == 0 {
		if err := s.db.SetNumberRule(r.Context(), imis.InsuranceNumberRule{Length: length, Modulo: modulo}); err != nil {
			s.settingsErrors(w, r, p, v, err)
			return
		}
		if err := s.db.SetActivationOption(r.Context(), option); err != nil {
			s.settingsErrors(w, r, p, v, err)
			return
		}
		http.Redirect(w, r, "/tools/settings?saved=1", http.StatusSeeOther)
		return
	}
	s.showSettings(w, r, http.StatusUnprocessableEntity, v)
}

func (s *Server) settingsErrors(w http.ResponseWriter, r *http.Request, p *page, v settingsView, err error) {
	e := asError(err)
	if e == nil || status(err) >= 500 {
		s.fail(w, r, err)
		return
	}
	for k, fe := range e.Fields {
		v.Errors[k] = p.Err(fe)
	}
	s.showSettings(w, r, status(err), v)
}
