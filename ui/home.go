package ui

import (
	"net/http"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

type homeCount struct {
	Label string
	Href  string
	Count int
}

// counts returns, for every register the user may search, how many current records they see.
func (s *server) counts(r *http.Request) ([]homeCount, error) {
	u := imis.UserFromContext(r.Context())
	var out []homeCount
	for _, reg := range imis.AllRegisters {
		if !u.Can(reg.Rights.Search) {
			continue
		}
		_, total, err := s.DB.Find(r.Context(), reg, store.Filter{Page: imis.Page{Size: 1}})
		if err != nil {
			return nil, err
		}
		out = append(out, homeCount{Label: "register." + reg.Name, Href: "/registers/" + reg.Name, Count: total})
	}
	return out, nil
}

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	counts, err := s.counts(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "home.title")
	p.Data = counts
	s.render(w, r, http.StatusOK, "home", p)
}

// homeCounts refreshes the counts in place (htmx polls it).
func (s *server) homeCounts(w http.ResponseWriter, r *http.Request) {
	counts, err := s.counts(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "home.title")
	p.Data = counts
	s.renderBlock(w, http.StatusOK, "home", "counts", p)
}
