// Package httpx is the HTTP toolkit the transports share: the Kit of services every handler
// needs, cookie sessions and bearer tokens, CSRF and origin checks, the mapping of domain errors
// to HTTP statuses, JSON answers and the reading of common request input. It knows no protocol:
// the screens, the registers' JSON API and the mobile REST API each live in a package of their
// own and meet only here, in the domain and in the store.
package httpx

import (
	"context"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/i18n"
	"github.com/openimis-go/openimis/store"
)

// Kit holds what every transport shares. One Kit serves the whole process, so the bearer-token
// cache and the login rate limit count every interface's requests together.
type Kit struct {
	DB  *store.DB
	Log *slog.Logger
	Cat *i18n.Catalog
	// Now is the clock of tokens and rate limits; tests replace it.
	Now func() time.Time
	// HashPassword hashes a password that a user record is saved with.
	HashPassword func(string) string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For, Forwarded and
	// X-Forwarded-Proto headers are believed; everyone else's are ignored.
	TrustedProxies []netip.Prefix

	secret  []byte // signs bearer tokens
	limiter *auth.RateLimiter
	users   userCache
}

// NewKit loads the message catalogue and the token secret of a migrated database.
func NewKit(ctx context.Context, log *slog.Logger, db *store.DB) (*Kit, error) {
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	secretHex, err := db.Setting(ctx, "token_secret")
	if err != nil {
		return nil, err
	}
	secret, err := hex.DecodeString(secretHex)
	if err != nil || len(secret) < 32 {
		return nil, imis.Errorf(imis.EINTERNAL, "token secret missing: migrate the database first")
	}
	return &Kit{DB: db, Log: log, Cat: cat, secret: secret, limiter: auth.NewRateLimiter(10, time.Minute),
		Now: time.Now, HashPassword: auth.HashPassword}, nil
}

// Lang is the language to answer in: the user's own, else the best match of the browser's.
func (k *Kit) Lang(r *http.Request, u *imis.User) string {
	if u != nil && u.Language != "" {
		return u.Language
	}
	return k.Cat.Match(r.Header.Get("Accept-Language"))
}

// FieldMessage translates a field or form error. An argument that is itself a catalogue key or
// a field error is translated too, so a message can quote another ("Line 3, code: At most 6
// characters.").
func (k *Kit) FieldMessage(lang string, fe imis.FieldError) string {
	args := make([]any, len(fe.Args))
	for i, a := range fe.Args {
		if s, ok := a.(string); ok && (strings.HasPrefix(s, "register.") || strings.HasPrefix(s, "error.")) {
			a = k.Cat.T(lang, s)
		} else if inner, ok := a.(imis.FieldError); ok {
			a = k.FieldMessage(lang, inner)
		}
		args[i] = a
	}
	return k.Cat.T(lang, fe.Key, args...)
}

// IssueToken signs a bearer token for the user, valid from now.
func (k *Kit) IssueToken(userID imis.ID) (string, time.Time, error) {
	return auth.IssueToken(k.secret, userID, k.Now())
}
