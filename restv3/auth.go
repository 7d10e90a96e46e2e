package restv3

import (
	"net/http"
	"strings"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// restLogin is the mobile apps' login: 200 with a bearer token, 401 with an empty body.
func (s *server) restLogin(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	switch err := httpx.DecodeJSONBody(w, r, httpx.MaxFormBodyBytes, &body); err {
	case nil:
	case httpx.BodyNotUTF8:
		w.WriteHeader(http.StatusUnauthorized) // no stored login or password has such bytes
		return
	case httpx.BodyTrailing:
		writeRESTError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	default:
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
	attempt, ok := s.StartLogin(w, r, login)
	if !ok {
		return
	}
	if !store.StorableText(login) {
		w.WriteHeader(http.StatusUnauthorized) // no stored login has such bytes, and PostgreSQL refuses them
		return
	}
	u, err := s.DB.Authenticate(r.Context(), strings.TrimSpace(login), password, auth.VerifyPassword)
	if err != nil {
		if c := imis.ErrorCode(err); c != imis.EUNAUTHORIZED && c != imis.ELOCKED {
			s.restFail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	attempt.Succeeded()
	token, exp, err := s.IssueToken(u.ID)
	if err != nil {
		writeRESTError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"access_token": token, "expires_on": exp.In(time.Local).Format(expiresLayout)})
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

// POST validate/credentials checks a login and password without issuing a token (the Policies app
// asks before it lets an officer work offline). It checks a password like a login does, so it is
// rate-limited as a login is and its failures count towards the login's lockout; a locked login is
// answered success=false even with the right password.
func (s *server) restValidateCredentials(w http.ResponseWriter, r *http.Request) {
	body, err := readRESTObject(w, r)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	login, err := body.required("UserID")
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	// The password is not trimmed: spaces may be part of it.
	v, ok := body.get("Password")
	password, isText := v.(string)
	if !ok || !isText || password == "" {
		s.restFail(w, r, inputError("Password", "required"))
		return
	}
	attempt, ok := s.StartLogin(w, r, login)
	if !ok {
		return
	}
	success := false
	if store.StorableText(password) {
		_, err = s.DB.Authenticate(r.Context(), strings.TrimSpace(login), password, auth.VerifyPassword)
		switch c := imis.ErrorCode(err); {
		case err == nil:
			success = true
			attempt.Succeeded()
		case c != imis.EUNAUTHORIZED && c != imis.ELOCKED:
			s.restFail(w, r, err)
			return
		}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"errorOccured": false, "success": success})
}

// POST userinfo describes the token's user: names, the rights of their roles and their districts
// as wire ids, which the app uses to offer only the villages the officer may enrol in.
func (s *server) restUserInfo(w http.ResponseWriter, r *http.Request) {
	u := imis.UserFromContext(r.Context())
	locs, err := s.DB.LocationsByID(r.Context(), u.Districts)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	locations := []map[string]any{}
	for _, l := range locs {
		locations = append(locations, map[string]any{"locationId": l.WireID, "code": l.Code, "name": l.Name, "type": l.Type})
	}
	rights := make([]int, 0, len(u.Rights))
	for _, rt := range u.Rights {
		rights = append(rights, int(rt))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"loginName": u.Login, "emailId": u.Email, "otherNames": u.OtherNames,
		"lastName": u.LastName, "rights": rights, "locations": locations})
}
