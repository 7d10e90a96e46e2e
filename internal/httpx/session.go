package httpx

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

const (
	sessionCookie   = "imis_session"
	loginCSRFCookie = "imis_login_csrf"
	csrfHeader      = "X-CSRF-Token"
	csrfField       = "csrf_token"
	// MaxFormBodyBytes bounds a form or JSON body that carries no files.
	MaxFormBodyBytes = 1 << 20
	// maxUploadBytes bounds every request body a browser may send (the largest is a CSV upload).
	maxUploadBytes = 8 << 20
	// multipartMemoryBytes is how much of a multipart form is kept in memory, as net/http's
	// default: every upload fits.
	multipartMemoryBytes = 32 << 20
)

type sessionKey struct{}

// SessionFrom returns the browser session of a request the Browser wrapper let through, or nil.
func SessionFrom(ctx context.Context) *store.Session {
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

// Browser wraps a UI handler: it requires a logged-in session, checks the CSRF token of every
// unsafe request, and puts the user in the request context.
func (k *Kit) Browser(h http.HandlerFunc) http.Handler { return k.browser(h, nil) }

// BrowserUpload is Browser for a form that sends a file. A body over the upload limit is cut off
// before the CSRF token after the file can be read, so it is answered by tooLarge, not as an
// expired form; tooLarge must only show the form again, since the token was not checked.
func (k *Kit) BrowserUpload(h, tooLarge http.HandlerFunc) http.Handler { return k.browser(h, tooLarge) }

func (k *Kit) browser(h, tooLarge http.HandlerFunc) http.Handler {
	return crossOrigin.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess := k.cookieSession(r)
		if sess == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, k.Cat.T("en", "error.login_required"), http.StatusUnauthorized)
			return
		}
		ctx := context.WithValue(imis.NewContextWithUser(r.Context(), sess.User), sessionKey{}, sess)
		if unsafeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
			var over *http.MaxBytesError
			if err := r.ParseMultipartForm(multipartMemoryBytes); errors.As(err, &over) {
				if tooLarge == nil {
					http.Error(w, k.Cat.T(sess.User.Language, "error.body_too_large", maxUploadBytes>>20), http.StatusRequestEntityTooLarge)
					return
				}
				tooLarge(w, r.WithContext(ctx))
				return
			}
			if !validCSRF(sess.CSRFToken, r.Header.Get(csrfHeader), r.PostFormValue(csrfField)) {
				http.Error(w, k.Cat.T(sess.User.Language, "error.csrf"), http.StatusForbidden)
				return
			}
		}
		h(w, r.WithContext(ctx))
	}))
}

// API wraps a JSON handler: a bearer token, or a browser session whose unsafe requests carry the
// CSRF token in a header.
func (k *Kit) API(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var user *imis.User
		if token, ok := Bearer(r); ok {
			user = k.TokenUser(r.Context(), token)
		} else if sess := k.cookieSession(r); sess != nil {
			// A session cookie is a browser's credential, so its unsafe requests get the forms'
			// cross-origin check as well as the CSRF header; a bearer token is sent by no browser
			// on its own and needs neither.
			if unsafeMethod(r.Method) && (crossOrigin.Check(r) != nil || !validCSRF(sess.CSRFToken, r.Header.Get(csrfHeader), "")) {
				k.WriteJSONError(w, "en", imis.Errorf(imis.EFORBIDDEN, "error.csrf"))
				return
			}
			user = sess.User
		}
		if user == nil {
			k.WriteJSONError(w, "en", imis.Errorf(imis.EUNAUTHORIZED, "error.login_required"))
			return
		}
		h(w, r.WithContext(imis.NewContextWithUser(r.Context(), user)))
	})
}

func (k *Kit) cookieSession(r *http.Request) *store.Session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, err := k.DB.FindSession(r.Context(), hashToken(c.Value))
	if err != nil {
		return nil
	}
	return sess
}

// TokenUser returns the user of a valid bearer token, or nil.
func (k *Kit) TokenUser(ctx context.Context, token string) *imis.User {
	u, err := k.users.load(ctx, k.DB, k.secret, token, k.Now())
	if err != nil {
		return nil
	}
	return u
}

// Bearer returns the token of an "Authorization: Bearer" header; the scheme word is matched
// without regard to case because the mobile apps send "bearer".
func Bearer(r *http.Request) (string, bool) {
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

// LimitLogin applies the per-address login rate limit, answering 429 with Retry-After; it
// reports whether the attempt may go ahead.
func (k *Kit) LimitLogin(w http.ResponseWriter, r *http.Request) bool {
	ok, wait := k.limiter.Allow(clientIP(r), k.Now())
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		http.Error(w, k.Cat.T(k.Lang(r, nil), "error.too_many_attempts"), http.StatusTooManyRequests)
	}
	return ok
}

// IssueLoginCSRF sets the login form's CSRF token as a cookie and returns it for the form: a
// double-submit token, since there is no session yet to hold one.
func IssueLoginCSRF(w http.ResponseWriter, r *http.Request) string {
	token := newToken()
	setSessionCookie(w, r, loginCSRFCookie, token, 3600)
	return token
}

// LoginCSRFValid reports whether the login form came back with the token of its cookie.
func LoginCSRFValid(r *http.Request) bool {
	c, err := r.Cookie(loginCSRFCookie)
	return err == nil && validCSRF(c.Value, r.PostFormValue(csrfField))
}

// StartSession opens a browser session for the user and sets its cookie, dropping the login
// form's token.
func (k *Kit) StartSession(w http.ResponseWriter, r *http.Request, userID imis.ID) error {
	token := newToken()
	if _, err := k.DB.CreateSession(r.Context(), userID, hashToken(token)); err != nil {
		return err
	}
	setSessionCookie(w, r, sessionCookie, token, int(store.SessionLifetime.Seconds()))
	setSessionCookie(w, r, loginCSRFCookie, "", -1)
	return nil
}

// EndSession deletes the request's browser session and its cookie.
func (k *Kit) EndSession(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = k.DB.DeleteSession(r.Context(), hashToken(c.Value))
	}
	setSessionCookie(w, r, sessionCookie, "", -1)
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: r.TLS != nil,
		SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}
