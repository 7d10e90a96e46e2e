package api

import (
	"net/http"
	"strconv"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
)

// Insuree photos are served from the database through the store, so that a photo is shown only
// to a user who may see its insuree; the browser caches them privately for a short while.

// photoRights are the rights that let a user see an insuree's photo: searching insurees, or
// enquiring about one at a facility's reception.
var photoRights = []imis.Right{imis.RightInsureeSearch, imis.RightInsureeEnquire}

// insureePhoto serves an insuree's current photo (GET /photos/{id}) or its thumbnail
// (GET /photos/{id}/thumb) to a session or a bearer token, so that the enquiry's JSON can point
// programs at the same address the screens use.
func (s *server) insureePhoto(thumb bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !imis.UserFromContext(r.Context()).Can(photoRights...) {
			http.Error(w, s.Cat.T(s.Lang(r, imis.UserFromContext(r.Context())), "error.forbidden"), http.StatusForbidden)
			return
		}
		id, err := imis.ParseID(r.PathValue("id"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		ct, data, err := s.DB.Photo(r.Context(), id, thumb)
		s.writePhoto(w, r, ct, data, err)
	}
}

// legacyPhoto serves a photo by its stored file name (GET /Images/Updated/{name}), where the
// openIMIS mobile apps and older links look for it; a bearer token or a session authenticates.
func (s *server) legacyPhoto(w http.ResponseWriter, r *http.Request) {
	if !imis.UserFromContext(r.Context()).Can(photoRights...) {
		s.WriteJSONError(w, "en", httpx.Forbidden())
		return
	}
	ct, data, err := s.DB.PhotoByFileName(r.Context(), r.PathValue("name"))
	s.writePhoto(w, r, ct, data, err)
}

// writePhoto answers with the photo bytes: 404 when there is none or the insuree is out of
// reach, a private cache because the image is personal data.
func (s *server) writePhoto(w http.ResponseWriter, r *http.Request, ct string, data []byte, err error) {
	switch {
	case imis.ErrorCode(err) == imis.ENOTFOUND:
		http.NotFound(w, r)
		return
	case imis.ErrorCode(err) == imis.EUNAVAILABLE:
		s.Log.Error("photo", "path", r.URL.Path, "err", err)
		httpx.SetRetryAfter(w, http.StatusServiceUnavailable)
		http.Error(w, "Service unavailable.", http.StatusServiceUnavailable)
		return
	case err != nil:
		s.Log.Error("photo", "path", r.URL.Path, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("Content-Disposition", "inline")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}
