// Package web serves the user interface (server-rendered HTML with htmx), the JSON API of the
// registers and the mobile REST v3 API, all on one standard-library mux.
package web

import (
	"context"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/i18n"
	"github.com/openimis-go/openimis/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config holds what the server needs to know about its deployment.
type Config struct {
	Demo bool // show the demo banner
}

// Server is the HTTP face of the scheme.
type Server struct {
	db       *store.DB
	log      *slog.Logger
	cfg      Config
	cat      *i18n.Catalog
	pages    map[string]*template.Template
	secret   []byte
	limiter  *auth.RateLimiter
	users    userCache
	mux      *http.ServeMux
	restMux  *http.ServeMux
	Now      func() time.Time
	hashCost func(string) string
}

// NewServer builds the handler tree over a migrated database.
func NewServer(ctx context.Context, log *slog.Logger, db *store.DB, cfg Config) (*Server, error) {
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
	s := &Server{db: db, log: log, cfg: cfg, cat: cat, secret: secret,
		limiter: auth.NewRateLimiter(10, time.Minute), Now: time.Now, hashCost: auth.HashPassword}
	if s.pages, err = parseTemplates(s); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// ServeHTTP applies the security headers and panic recovery around every request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	defer func() {
		if v := recover(); v != nil {
			s.log.Error("panic", "path", r.URL.Path, "panic", v)
			http.Error(w, "Internal error.", http.StatusInternalServerError)
		}
	}()
	// The REST v3 clients spell the whole path in any case ("/Rest/Api/Login"), which the
	// case-sensitive mux pattern would miss.
	if p := r.URL.Path; len(p) >= len(restPrefix) && strings.EqualFold(p[:len(restPrefix)], restPrefix) {
		s.rest(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

const restPrefix = "/rest/api/"

// securityHeaders forbids inline script, framing and content sniffing on every response.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

func staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
