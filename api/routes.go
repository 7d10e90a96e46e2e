package api

import "net/http"

// routes lists every endpoint. Each handler states the rights it needs; API accepts a bearer
// token or a session whose unsafe requests carry the CSRF header.
func (s *server) routes(m *http.ServeMux) {
	m.Handle("GET /api/registers/{reg}", s.API(s.apiList))
	m.Handle("POST /api/registers/{reg}", s.API(s.apiCreate))
	m.Handle("GET /api/registers/{reg}/{id}", s.API(s.apiGet))
	m.Handle("PUT /api/registers/{reg}/{id}", s.API(s.apiUpdate))
	m.Handle("DELETE /api/registers/{reg}/{id}", s.API(s.apiDelete))
	m.Handle("GET /api/registers/{reg}/{id}/history", s.API(s.apiHistory))
	m.Handle("GET /api/enquiry/{chfid}", s.API(s.apiEnquiry))
	m.Handle("GET /api/places", s.API(s.apiPlaces))

	// Insuree photos, by id for the screens and the enquiry, by file name for the mobile apps.
	m.Handle("GET /photos/{id}", s.API(s.insureePhoto(false)))
	m.Handle("GET /photos/{id}/thumb", s.API(s.insureePhoto(true)))
	m.Handle("GET /Images/Updated/{name}", s.API(s.legacyPhoto))
}
