package ui

import (
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusOK, "")
}

func (s *server) renderLogin(w http.ResponseWriter, r *http.Request, status int, errKey string) {
	token := s.IssueLoginCSRF(w, r)
	p := s.newPage(r, "login.title")
	p.CSRF = token
	p.Data = map[string]string{"Next": httpx.SafeNext(r.FormValue("next")), "Error": errKey, "Login": r.PostFormValue("login")}
	s.render(w, r, status, "login", p)
}

// loginSubmit checks the password form. Its CSRF token is a double-submit cookie, since there is
// no session yet to hold one.
func (s *server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, httpx.MaxFormBodyBytes)
	if !httpx.LoginCSRFValid(r) {
		s.renderLogin(w, r, http.StatusForbidden, "error.csrf")
		return
	}
	login := strings.TrimSpace(r.PostFormValue("login"))
	attempt, ok := s.StartLogin(w, r, login)
	if !ok {
		return
	}
	if !store.StorableText(login) {
		s.renderLogin(w, r, http.StatusUnauthorized, "error.bad_credentials") // no stored login has such bytes
		return
	}
	u, err := s.DB.Authenticate(r.Context(), login, r.PostFormValue("password"), auth.VerifyPassword)
	if err != nil {
		// A locked login answers as a wrong password does, so the answer tells nobody which
		// logins exist or are locked.
		if c := imis.ErrorCode(err); c != imis.EUNAUTHORIZED && c != imis.ELOCKED {
			s.fail(w, r, err)
			return
		}
		s.renderLogin(w, r, http.StatusUnauthorized, "error.bad_credentials")
		return
	}
	attempt.Succeeded()
	if err := s.StartSession(w, r, u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, httpx.SafeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	s.EndSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
