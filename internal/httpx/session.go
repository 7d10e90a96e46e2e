package httpx

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
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
		sess, err := k.cookieSession(r)
		if err != nil {
			SetRetryAfter(w, http.StatusServiceUnavailable)
			http.Error(w, k.Cat.T(k.Lang(r, nil), "error.unavailable"), http.StatusServiceUnavailable)
			return
		}
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
		var err error
		if token, ok := Bearer(r); ok {
			user, err = k.TokenUser(r.Context(), token)
		} else if sess, serr := k.cookieSession(r); sess != nil {
			// A session cookie is a browser's credential, so its unsafe requests get the forms'
			// cross-origin check as well as the CSRF header; a bearer token is sent by no browser
			// on its own and needs neither.
			if unsafeMethod(r.Method) && (crossOrigin.Check(r) != nil || !validCSRF(sess.CSRFToken, r.Header.Get(csrfHeader), "")) {
				k.WriteJSONError(w, "en", imis.Errorf(imis.EFORBIDDEN, "error.csrf"))
				return
			}
			user = sess.User
		} else {
			err = serr
		}
		if err != nil {
			k.WriteJSONError(w, "en", err)
			return
		}
		if user == nil {
			k.WriteJSONError(w, "en", imis.Errorf(imis.EUNAUTHORIZED, "error.login_required"))
			return
		}
		h(w, r.WithContext(imis.NewContextWithUser(r.Context(), user)))
	})
}

// cookieSession returns the session of the request's cookie, nil when it has none or it is no
// longer valid. Its error says that the database could not be asked, which is no reason to send
// the user back to the login.
func (k *Kit) cookieSession(r *http.Request) (*store.Session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil
	}
	sess, err := k.DB.FindSession(r.Context(), hashToken(c.Value))
	if imis.ErrorCode(err) == imis.EUNAVAILABLE {
		return nil, err
	}
	return sess, nil
}

// TokenUser returns the user of a valid bearer token, nil for any other token. Its error says
// that the database could not be asked, which does not make the token invalid.
func (k *Kit) TokenUser(ctx context.Context, token string) (*imis.User, error) {
	u, err := k.users.load(ctx, k.DB, k.secret, token, k.Now())
	if imis.ErrorCode(err) == imis.EUNAVAILABLE {
		return nil, err
	}
	return u, nil
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

// LoginAttempt is one password check, counted against the client's address and the login name
// until it succeeds: only failed logins use up the rate limit.
type LoginAttempt struct {
	limiter *auth.RateLimiter
	at      time.Time
	keys    []string
}

// StartLogin applies the login rate limit of the client's address and of the login name,
// answering 429 with Retry-After when either has had too many failed attempts; it reports whether
// the password check may go ahead. Counting by login name too slows a guesser who spreads one
// account's attempts over many addresses.
func (k *Kit) StartLogin(w http.ResponseWriter, r *http.Request, login string) (*LoginAttempt, bool) {
	a := &LoginAttempt{limiter: k.limiter, at: k.Now(), keys: []string{addressKey(k.ClientAddr(r)), loginKey(login)}}
	ok, wait := k.limiter.Allow(a.at, a.keys...)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		http.Error(w, k.Cat.T(k.Lang(r, nil), "error.too_many_attempts"), http.StatusTooManyRequests)
		return nil, false
	}
	return a, true
}

// Succeeded gives a login attempt whose password was right back to the budget.
func (a *LoginAttempt) Succeeded() { a.limiter.Refund(a.at, a.keys...) }

// addressKey is the rate limit's key of a client address. An IPv6 client is usually given a whole
// /64, so its addresses share one budget.
func addressKey(addr string) string {
	if a, err := netip.ParseAddr(addr); err == nil && a.Is6() {
		p, _ := a.Prefix(64)
		return "address " + p.String()
	}
	return "address " + addr
}

// loginKey is the rate limit's key of a login name: case-folded so that variants share a budget,
// and cut short since no login is that long, so a huge name cannot swell the limiter.
func loginKey(login string) string {
	login = strings.ToLower(strings.TrimSpace(login))
	if len(login) > 100 {
		login = login[:100]
	}
	return "login " + login
}

// IssueLoginCSRF sets the login form's CSRF token as a cookie and returns it for the form: a
// double-submit token, since there is no session yet to hold one.
func (k *Kit) IssueLoginCSRF(w http.ResponseWriter, r *http.Request) string {
	token := newToken()
	k.setCookie(w, r, loginCSRFCookie, token, 3600)
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
	k.setCookie(w, r, sessionCookie, token, int(store.SessionLifetime.Seconds()))
	k.setCookie(w, r, loginCSRFCookie, "", -1)
	return nil
}

// EndSession deletes the request's browser session and its cookie.
func (k *Kit) EndSession(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		_ = k.DB.DeleteSession(r.Context(), hashToken(c.Value))
	}
	k.setCookie(w, r, sessionCookie, "", -1)
}

func (k *Kit) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, Secure: k.viaHTTPS(r),
		SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}
