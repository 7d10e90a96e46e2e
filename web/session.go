package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

const (
	sessionCookie    = "imis_session"
	loginCSRFCookie  = "imis_login_csrf"
	csrfField        = "csrf_token"
	csrfHeader       = "X-CSRF-Token"
	maxFormBodyBytes = 1 << 20
)

type sessionKey struct{}

func sessionFrom(ctx context.Context) *store.Session {
	s, _ := ctx.Value(sessionKey{}).(*store.Session)
	return s
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// crossOrigin refuses state-changing requests that a browser marks as coming from another site,
// a first line of defence before the CSRF token check.
var crossOrigin = http.NewCrossOriginProtection()

// browser wraps a UI handler: it requires a logged-in session, checks the CSRF token of every
// unsafe request, and puts the user in the request context.
func (s *Server) browser(h http.HandlerFunc) http.Handler {
	return crossOrigin.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := s.cookieSession(r)
		if sess == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, s.cat.T("en", "error.login_required"), http.StatusUnauthorized)
			return
		}
		if unsafeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
			if !validCSRF(sess.CSRFToken, r.Header.Get(csrfHeader), r.PostFormValue(csrfField)) {
				http.Error(w, s.cat.T(sess.User.Language, "error.csrf"), http.StatusForbidden)
				return
			}
		}
		ctx := context.WithValue(imis.NewContextWithUser(r.Context(), sess.User), sessionKey{}, sess)
		h(w, r.WithContext(ctx))
	}))
}

// api wraps a JSON handler: a bearer token, or a browser session whose unsafe requests carry the
// CSRF token in a header.
func (s *Server) api(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var user *imis.User
		if token, ok := bearer(r); ok {
			user = s.tokenUser(r.Context(), token)
		} else if sess := s.cookieSession(r); sess != nil {
			if unsafeMethod(r.Method) && !validCSRF(sess.CSRFToken, r.Header.Get(csrfHeader), "") {
				writeJSONError(w, s.cat, "en", imis.Errorf(imis.EFORBIDDEN, "error.csrf"))
				return
			}
			user = sess.User
		}
		if user == nil {
			writeJSONError(w, s.cat, "en", imis.Errorf(imis.EUNAUTHORIZED, "error.login_required"))
			return
		}
		h(w, r.WithContext(imis.NewContextWithUser(r.Context(), user)))
	})
}

func (s *Server) cookieSession(r *http.Request) *store.Session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, err := s.db.FindSession(r.Context(), hashToken(c.Value))
	if err != nil {
		return nil
	}
	return sess
}

// tokenUser returns the user of a valid bearer token, or nil.
func (s *Server) tokenUser(ctx context.Context, token string) *imis.User {
	u, err := s.users.load(ctx, s.db, s.secret, token, s.Now())
	if err != nil {
		return nil
	}
	return u
}

// bearer returns the token of an "Authorization: Bearer" header; the scheme word is matched
// without regard to case because the mobile apps send "bearer".
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

func validCSRF(want string, candidates ...string) bool {
	for _, c := range candidates {
		if c != "" && subtle.ConstantTimeCompare([]byte(c), []byte(want)) == 1 {
			return true
		}
	}
	return false
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// clientIP is the address a login attempt counts against.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limitLogin applies the per-address login rate limit, answering 429 with Retry-After.
func (s *Server) limitLogin(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := s.limiter.Allow(clientIP(r), s.Now())
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		http.Error(w, s.cat.T(s.lang(r, nil), "error.too_many_attempts"), http.StatusTooManyRequests)
	}
	return ok
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}
