package app

import (
	"context"
	"log/slog"
	"net/http"
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
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
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
