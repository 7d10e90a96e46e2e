package api

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// GET /api/places answers the screens' place pickers: the places whose name or code begins with
// q, or, without q, one level of the tree below under (the top of the user's tree without it),
// always inside the user's districts. type names the levels the field accepts, as words
// (village, ward, district, region) or letters (V, W, D, R), comma-separated.

// placeJSON is a place as a picker lists it.
type placeJSON struct {
	ID   imis.ID `json:"id"`
	Code string  `json:"code"`
	Name string  `json:"name"`
	Type string  `json:"type"`
	Path string  `json:"path"` // the names from the region down to the place, "Region › District › …"
	Pick bool    `json:"pick"` // of a level the field accepts
	Open bool    `json:"open"` // places of such levels lie below it
}

// browsedJSON is the place whose level is listed, with the place to go back to ("" for the top).
type browsedJSON struct {
	placeJSON
	Back string `json:"back"`
}

type placesAnswer struct {
	Places []placeJSON  `json:"places"`
	Under  *browsedJSON `json:"under"`
}

// placeTextMax bounds the typed text: no location's name or code is longer.
const placeTextMax = 50

// placeLevelWords are the level names type accepts besides the letters.
var placeLevelWords = map[string]string{"region": imis.LocationRegion, "district": imis.LocationDistrict,
	"ward": imis.LocationWard, "village": imis.LocationVillage}

// placeRights are the rights of the screens that have a place field: holding one of them is
// what it takes to look places up.
var placeRights = func() []imis.Right {
	var out []imis.Right
	for _, reg := range imis.AllRegisters {
		if hasPlaceField(reg) {
			out = append(out, reg.Rights.Search, reg.Rights.Add, reg.Rights.Edit)
		}
	}
	return out
}()

// hasPlaceField reports whether a register's records or their rows refer to a location.
func hasPlaceField(reg *imis.Register) bool {
	isPlace := func(f imis.Field) bool { return f.Kind == imis.FieldRef && f.Ref == imis.Locations.Name }
	if slices.ContainsFunc(reg.Fields, isPlace) {
		return true
	}
	return slices.ContainsFunc(reg.Children, func(c imis.ChildSet) bool { return slices.ContainsFunc(c.Fields, isPlace) })
}

// placeLevels reads type into location-type letters, in tree order; "" when it names none.
func placeLevels(text string) (string, bool) {
	if strings.TrimSpace(text) == "" {
		return imis.LocationRegion + imis.LocationDistrict + imis.LocationWard + imis.LocationVillage, true
	}
	wanted := map[string]bool{}
	for part := range strings.SplitSeq(text, ",") {
		part = strings.TrimSpace(part)
		if l, ok := placeLevelWords[strings.ToLower(part)]; ok {
			wanted[l] = true
			continue
		}
		if part == "" || strings.Trim(part, "RDWV") != "" {
			return "", false
		}
		for _, l := range part {
			wanted[string(l)] = true
		}
	}
	out := ""
	for _, l := range []string{imis.LocationRegion, imis.LocationDistrict, imis.LocationWard, imis.LocationVillage} {
		if wanted[l] {
			out += l
		}
	}
	return out, true
}

func (s *server) apiPlaces(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := imis.UserFromContext(ctx)
	if !u.Can(placeRights...) {
		s.apiFail(w, r, httpx.Forbidden())
		return
	}
	q := r.URL.Query()
	problems := imis.Problems{}
	text := strings.TrimSpace(q.Get("q"))
	if !store.StorableText(text) {
		problems.Add("q", "error.invalid")
	} else if utf8.RuneCountInString(text) > placeTextMax {
		problems.Add("q", "error.too_long", placeTextMax)
	}
	levels, ok := placeLevels(q.Get("type"))
	if !ok {
		problems.Add("type", "error.choice", "region, district, ward, village")
	}
	var under *store.Place
	if raw := strings.TrimSpace(q.Get("under")); raw != "" {
		if id, err := imis.ParseID(raw); err != nil {
			problems.Add("under", "error.invalid")
		} else if under, err = s.DB.Place(ctx, id); imis.ErrorCode(err) == imis.ENOTFOUND {
			problems.Add("under", "error.reference_missing")
		} else if err != nil {
			s.apiFail(w, r, err)
			return
		}
	}
	if err := problems.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	var places []store.Place
	var err error
	if text != "" {
		places, err = s.DB.FindPlaces(ctx, text, levels, under)
	} else {
		places, err = s.DB.BrowsePlaces(ctx, levels, under)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	answer := placesAnswer{Places: make([]placeJSON, 0, len(places))}
	for _, p := range places {
		answer.Places = append(answer.Places, placeAnswer(p, levels))
	}
	if under != nil && text == "" {
		answer.Under = &browsedJSON{placeJSON: placeAnswer(*under, levels)}
		if back := store.PlaceBack(u, levels, under); back != imis.NilID {
			answer.Under.Back = back.String()
		}
	}
	httpx.WriteJSON(w, http.StatusOK, answer)
}

func placeAnswer(p store.Place, levels string) placeJSON {
	return placeJSON{ID: p.ID, Code: p.Code, Name: p.Name, Type: p.Type, Path: strings.Join(p.Path, " › "),
		Pick: strings.Contains(levels, p.Type), Open: store.PlaceOpens(p.Type, levels)}
}
