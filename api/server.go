// Package api serves the registers' JSON API (/api/registers/...), the enquiry as JSON
// (/api/enquiry/{chfid}) and insuree photos, to a bearer token or to a browser session: the
// same searches, checks and scoping as the screens.
package api

import (
	"net/http"

	"github.com/openimis-go/openimis/internal/httpx"
)

// server answers the JSON API over the shared toolkit.
type server struct {
	*httpx.Kit
}

// Mount adds every endpoint of the JSON API and the photos to mux.
func Mount(mux *http.ServeMux, kit *httpx.Kit) {
	s := &server{Kit: kit}
	s.routes(mux)
}
