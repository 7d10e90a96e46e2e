package ui

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// Place fields (a family's village, a facility's district and catchment, an officer's villages,
// the searches by place) are never a list of every location: the page sends a text input that
// takes a location's code, and static/places.js turns it into a type-ahead over the user's part
// of the tree, asking /api/places. The form posts the same field either way (an id from the
// picker, a code typed without script) and the server checks it as before.

// placeView is what a place field shows beyond its text: the levels it accepts and, when its value
// names a place the user may see, that place, which the picker shows by its path.
type placeView struct {
	Levels string
	ID     string
	Code   string
	Path   string
	Texts  string // the picker's messages, as JSON
}

// placeField makes ff, a reference to a location, a place field.
func (s *server) placeField(ctx context.Context, p *page, ff formField) formField {
	ff.Place = &placeView{Levels: ff.Field.Levels, Texts: p.placeTexts()}
	ff.Hint = p.T("form.type_code")
	if pl := s.placeOf(ctx, ff.Value); pl != nil {
		ff.Place.ID, ff.Place.Code, ff.Place.Path = pl.ID.String(), pl.Code, strings.Join(pl.Path, " › ")
		ff.Hint = ff.Place.Path
	}
	return ff
}

// placeTexts are the messages of the picker in the page's language; "{}" stands for a number or
// a place's name.
func (p *page) placeTexts() string {
	b, _ := json.Marshal(map[string]string{
		"hint": p.T("place.hint"), "none": p.T("place.none"), "failed": p.T("place.failed"),
		"back": p.T("place.back", "{}"), "top": p.T("place.back_top"), "open": p.T("place.open", "{}"),
		"count": p.T("place.count", "{}"),
	})
	return string(b)
}

// placeOf is the place a field's text names, by id or code, or nil when it names none the user
// may see.
func (s *server) placeOf(ctx context.Context, text string) *store.Place {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	pl, err := s.DB.PlaceOf(ctx, text)
	if err != nil {
		return nil
	}
	return pl
}

// facilityChoices is the list of first points of service, the facilities of district (the
// family's) first; empty when it cannot be read, like the other pick lists.
func (s *server) facilityChoices(ctx context.Context, district imis.ID) []store.Option {
	opts, err := s.DB.FacilityChoices(ctx, district, optionLimit)
	if err != nil {
		s.Log.Warn("facility choices", "err", err)
	}
	return opts
}
