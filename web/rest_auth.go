package web

import (
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
)

// POST validate/credentials checks a login and password without issuing a token (the Policies app
// asks before it lets an officer work offline). It checks a password like a login does, so it is
// rate-limited per address and its failures count towards the login's lockout; a locked login is
// answered success=false even with the right password.
func (s *Server) restValidateCredentials(w http.ResponseWriter, r *http.Request) {
	if !s.limitLogin(w, r) {
		return
	}
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
	success := false
	if storableText(password) {
		_, err = s.db.Authenticate(r.Context(), strings.TrimSpace(login), password, auth.VerifyPassword)
		switch c := imis.ErrorCode(err); {
		case err == nil:
			success = true
		case c != imis.EUNAUTHORIZED && c != imis.ELOCKED:
			s.restFail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"errorOccured": false, "success": success})
}

// POST userinfo describes the token's user: names, the rights of their roles and their districts
// as wire ids, which the app uses to offer only the villages the officer may enrol in.
func (s *Server) restUserInfo(w http.ResponseWriter, r *http.Request) {
	u := imis.UserFromContext(r.Context())
	locs, err := s.db.LocationsByID(r.Context(), u.Districts)
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
	writeJSON(w, http.StatusOK, map[string]any{"loginName": u.Login, "emailId": u.Email, "otherNames": u.OtherNames,
		"lastName": u.LastName, "rights": rights, "locations": locations})
}
