package app

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/openimis-go/openimis/api"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/restv3"
	"github.com/openimis-go/openimis/store"
	"github.com/openimis-go/openimis/ui"
)

// HandlerConfig holds what the HTTP handler needs to know about its deployment.
type HandlerConfig struct {
	Demo bool             // show the demo banner
	Now  func() time.Time // the clock of tokens and rate limits; nil is time.Now
	// TrustedProxies are the reverse proxies whose forwarding headers name the client's address
	// and scheme; with none, every request's client is its socket's peer.
	TrustedProxies []netip.Prefix
}

// NewHandler serves every interface over a migrated database: the screens, the registers' JSON
// API, the mobile REST v3 API and the health check, with the security headers and panic
// recovery around each of them.
func NewHandler(ctx context.Context, log *slog.Logger, db *store.DB, cfg HandlerConfig) (http.Handler, error) {
	kit, err := httpx.NewKit(ctx, log, db)
	if err != nil {
		return nil, err
	}
	if cfg.Now != nil {
		kit.Now = cfg.Now
	}
	kit.TrustedProxies = cfg.TrustedProxies
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", health(log, db))
	if err := ui.Mount(mux, kit, ui.Config{Demo: cfg.Demo}); err != nil {
		return nil, err
	}
	api.Mount(mux, kit)
	rest := restv3.Handler(kit)
	return kit.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if restv3.Owns(r.URL.Path) {
			rest.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})), nil
}

// healthTimeout bounds the health check's question to the database, so that a database that
// does not answer fails the check instead of holding it.
const healthTimeout = 2 * time.Second

// healthState is the answer of /healthz.
type healthState struct {
	Status   string `json:"status"`
	Database string `json:"database"`
}

// health answers 200 while requests can be served, and 503 with Retry-After while the database
// cannot be reached, so that a load balancer or an operator sees why requests fail.
func health(log *slog.Logger, db *store.DB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			log.Warn("health check", "err", err)
			httpx.SetRetryAfter(w, http.StatusServiceUnavailable)
			httpx.WriteJSON(w, http.StatusServiceUnavailable, healthState{Status: "unavailable", Database: "unavailable"})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, healthState{Status: "ok", Database: "ok"})
	}
}
