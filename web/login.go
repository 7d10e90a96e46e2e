package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/store"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, http.StatusOK, "")
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, status int, errKey string) {
	token := newToken()
	setSessionCookie(w, r, loginCSRFCookie, token, 3600)
	p := s.newPage(r, "login.title")
	p.CSRF = token
	p.Data = map[string]string{"Next": safeNext(r.FormValue("next")), "Error": errKey, "Login": r.PostFormValue("login")}
	s.render(w, r, status, "login", p)
}

// loginSubmit checks the password form. Its CSRF token is a double-submit cookie, since there is
// no session yet to hold one.
func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBodyBytes)
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || !validCSRF(c.Value, r.PostFormValue(csrfField)) {
		s.renderLogin(w, r, http.StatusForbidden, "error.csrf")
		return
	}
	if !s.limitLogin(w, r) {
		return
	}
	login := strings.TrimSpace(r.PostFormValue("login"))
	if !storableText(login) {
		s.renderLogin(w, r, http.StatusUnauthorized, "error.bad_credentials") // no stored login has such bytes
		return
	}
	u, err := s.db.Authenticate(r.Context(), login, r.PostFormValue("password"), auth.VerifyPassword)
	if err != nil {
		key := "error.bad_credentials"
		switch imis.ErrorCode(err) {
		case imis.ELOCKED:
			key = "error.locked"
		case imis.EUNAUTHORIZED:
		default:
			s.fail(w, r, err)
			return
		}
		s.renderLogin(w, r, http.StatusUnauthorized, key)
		return
	}
	token := newToken()
	if _, err := s.db.CreateSession(r.Context(), u.ID, hashToken(token)); err != nil {
		s.fail(w, r, err)
		return
	}
	setSessionCookie(w, r, sessionCookie, token, int(store.SessionLifetime.Seconds()))
	setSessionCookie(w, r, loginCSRFCookie, "", -1)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = s.db.DeleteSession(r.Context(), hashToken(c.Value))
	}
	setSessionCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// restLogin is the mobile apps' login: 200 with a bearer token, 401 with an empty body.
func (s *Server) restLogin(w http.ResponseWriter, r *http.Request) {
	if !s.limitLogin(w, r) {
		return
	}
	var body map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxFormBodyBytes)).Decode(&body); err != nil {
		writeRESTError(w, http.StatusBadRequest, "body: not a JSON object")
		return
	}
	login, okL := lookupCI(body, "UserName").(string)
	password, okP := lookupCI(body, "Password").(string)
	if !okL || !okP {
		field := "UserName"
		if okL {
			field = "Password"
		}
		writeRESTError(w, http.StatusBadRequest, field+": required")
		return
	}
	if !storableText(login) {
		w.WriteHeader(http.StatusUnauthorized) // no stored login has such bytes, and PostgreSQL refuses them
		return
	}
	u, err := s.db.Authenticate(r.Context(), strings.TrimSpace(login), password, auth.VerifyPassword)
	if err != nil {
		if c := imis.ErrorCode(err); c != imis.EUNAUTHORIZED && c != imis.ELOCKED {
			s.log.Error("rest login", "err", err)
			writeRESTError(w, http.StatusInternalServerError, "Internal Server Error")
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	token, exp, err := auth.IssueToken(s.secret, u.ID, s.Now())
	if err != nil {
		writeRESTError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"access_token": token, "expires_on": exp.In(time.Local).Format(expiresLayout)})
}

// expiresLayout is ISO 8601 with a numeric offset even in UTC ("+00:00", never "Z"), as the
// openIMIS REST API writes expires_on for the mobile apps that parse it.
const expiresLayout = "2006-01-02T15:04:05-07:00"

// lookupCI finds a JSON key without regard to case, as the REST API's model binding does.
func lookupCI(m map[string]any, key string) any {
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// writeRESTError writes the REST v3 error envelope.
func writeRESTError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error_occured": true, "error_message": msg})
}
