// Package restv3 serves the mobile apps' REST v3 API under /rest/api/: its wire types, its result
// codes and error envelope, the case-insensitive paths its clients send, and the endpoints this
// server answers as not supported.
package restv3

import (
	"net/http"
	"strings"

	"github.com/openimis-go/openimis/internal/httpx"
)

// Prefix is where the REST v3 API lives, in whatever case the clients spell it.
const Prefix = "/rest/api/"

// Owns reports whether a request path belongs to the REST v3 API. The clients spell the whole
// path in any case ("/Rest/Api/Login"), which a case-sensitive mux pattern would miss.
func Owns(path string) bool {
	return len(path) >= len(Prefix) && strings.EqualFold(path[:len(Prefix)], Prefix)
}

// server answers the REST v3 API over the shared toolkit.
type server struct {
	*httpx.Kit
	mux *http.ServeMux
}

// Handler serves the REST v3 API; it is given the requests whose path Owns.
func Handler(kit *httpx.Kit) http.Handler {
	s := &server{Kit: kit, mux: http.NewServeMux()}
	s.routes()
	return s
}

// ServeHTTP matches paths in any case and with or without a trailing slash, and answers an
// unknown endpoint with the REST error envelope.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := strings.ToLower(strings.TrimSuffix(r.URL.Path, "/"))
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = p, ""
	if _, pattern := s.mux.Handler(r2); pattern == "" {
		writeRESTError(w, http.StatusNotFound, "not found")
		return
	}
	s.mux.ServeHTTP(w, r2)
}
