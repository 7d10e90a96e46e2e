// Package ui serves the user interface: server-rendered HTML with htmx, under a strict content
// security policy. routes.go lists every screen and action; each has a file of its own.
package ui

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"

	"github.com/openimis-go/openimis/internal/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config holds what the screens need to know about the deployment.
type Config struct {
	Demo bool // show the demo banner
}

// server holds the screens' templates over the shared toolkit.
type server struct {
	*httpx.Kit
	cfg   Config
	pages map[string]*template.Template
}

// Mount parses the templates and adds every screen and action to mux.
func Mount(mux *http.ServeMux, kit *httpx.Kit, cfg Config) error {
	pages, err := parseTemplates()
	if err != nil {
		return err
	}
	s := &server{Kit: kit, cfg: cfg, pages: pages}
	s.routes(mux)
	return nil
}

func staticFiles() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}
