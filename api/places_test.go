package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// placesAnswer is the answer of GET /api/places.
type placesAnswer struct {
	Places []struct {
		ID, Code, Name, Type, Path string
		Pick, Open                 bool
	} `json:"places"`
	Under *struct {
		ID, Name, Back string
	} `json:"under"`
}

func (a placesAnswer) names() []string {
	out := []string{}
	for _, p := range a.Places {
		out = append(out, p.Name)
	}
	return out
}

// places asks the place picker's endpoint and decodes a 200 answer.
func places(t *testing.T, e *webtest.Env, tok string, query url.Values) placesAnswer {
	t.Helper()
	r := e.API(t, tok, http.MethodGet, "/api/places?"+query.Encode(), "")
	if r.Status != http.StatusOK {
		t.Fatalf("GET /api/places?%s: %d %s", query.Encode(), r.Status, r.Body)
	}
	var a placesAnswer
	if err := json.Unmarshal([]byte(r.Body), &a); err != nil {
		t.Fatalf("%v in %s", err, r.Body)
	}
	return a
}

// TestPlacesAPI looks places up as the screens' pickers do: by the first letters of a name or
// code, level by level, inside the user's districts only, and refuses bad input field by field.
func TestPlacesAPI(t *testing.T) {
	e := webtest.NewEnv(t, true)
	admin := e.Token(t, "Admin", "admin123")
	e.AddUser(t, "clerk2", "clerk-pass-2", []string{"Clerk"}, []string{"R1D2"})
	clerk := e.Token(t, "clerk2", "clerk-pass-2")

	t.Run("a village by the first letters of its name, with its path", func(t *testing.T) {
		a := places(t, e, admin, url.Values{"q": {"SOKO"}, "type": {"village"}})
		if len(a.Places) != 1 {
			t.Fatalf("places %v", a.names())
		}
		p := a.Places[0]
		if p.Name != "Sokoni Kati" || p.Code != "R1D1W1V1" || p.Path != "Mwangaza › Kilundeni › Kilundeni Mjini › Sokoni Kati" ||
			!p.Pick || p.Open || p.ID != e.IDOf(t, imis.Locations, "R1D1W1V1").String() {
			t.Errorf("place %+v", p)
		}
	})
	t.Run("by the first letters of the code", func(t *testing.T) {
		a := places(t, e, admin, url.Values{"q": {"r1d2w2"}, "type": {"V"}})
		if got := strings.Join(a.names(), ", "); got != "Rwamkoba, Kagoshe, Bugenda Juu" {
			t.Errorf("places %s", got)
		}
	})
	t.Run("at most twenty", func(t *testing.T) {
		a := places(t, e, admin, url.Values{"q": {"r"}, "type": {"village"}}) // every code begins with R
		if len(a.Places) != 20 {
			t.Errorf("%d places for r", len(a.Places))
		}
		for _, p := range a.Places {
			if !strings.HasPrefix(p.Code, "R") || p.Type != imis.LocationVillage {
				t.Errorf("r finds %s %s of type %s", p.Code, p.Name, p.Type)
			}
		}
	})
	t.Run("inside a district", func(t *testing.T) {
		d2 := e.IDOf(t, imis.Locations, "R1D2").String()
		a := places(t, e, admin, url.Values{"q": {"b"}, "type": {"village"}, "under": {d2}})
		if got := strings.Join(a.names(), ", "); got != "Bugenda Juu, Buhekela" {
			t.Errorf("places %s", got)
		}
	})
	t.Run("a clerk never sees another district's villages", func(t *testing.T) {
		for _, q := range []string{"soko", "r1d1", "k", "b"} {
			for _, p := range places(t, e, clerk, url.Values{"q": {q}, "type": {"village"}}).Places {
				if !strings.HasPrefix(p.Code, "R1D2") {
					t.Errorf("q=%s finds %s %s", q, p.Code, p.Name)
				}
			}
		}
		if got := places(t, e, clerk, url.Values{"q": {"nyas"}, "type": {"V"}}).names(); strings.Join(got, ", ") != "Nyasengo Sokoni" {
			t.Errorf("the clerk's nyas: %v", got)
		}
	})
	t.Run("browsing from the top", func(t *testing.T) {
		top := places(t, e, admin, url.Values{"type": {"V"}})
		if got := strings.Join(top.names(), ", "); got != "Mwangaza, Tambarare" || top.Under != nil {
			t.Fatalf("the administrator's first level: %s, under %v", got, top.Under)
		}
		if p := top.Places[0]; p.Pick || !p.Open || p.Path != "Mwangaza" {
			t.Errorf("region %+v", p)
		}
		region := places(t, e, admin, url.Values{"type": {"V"}, "under": {top.Places[0].ID}})
		if got := strings.Join(region.names(), ", "); got != "Kilundeni, Mbarazi, Nyasengo" {
			t.Errorf("districts %s", got)
		}
		if region.Under == nil || region.Under.Name != "Mwangaza" || region.Under.Back != "" {
			t.Errorf("under %+v", region.Under)
		}
		ward := e.IDOf(t, imis.Locations, "R1D2W2").String()
		villages := places(t, e, admin, url.Values{"type": {"V"}, "under": {ward}})
		if got := strings.Join(villages.names(), ", "); got != "Bugenda Juu, Kagoshe, Rwamkoba" {
			t.Errorf("villages %s", got)
		}
		if villages.Under.Back != e.IDOf(t, imis.Locations, "R1D2").String() {
			t.Errorf("back from the ward: %q", villages.Under.Back)
		}
		mine := places(t, e, clerk, url.Values{"type": {"V"}})
		if got := strings.Join(mine.names(), ", "); got != "Nyasengo" || !mine.Places[0].Open {
			t.Errorf("the clerk's first level: %s", got)
		}
	})

	other := e.IDOf(t, imis.Locations, "R1D1").String()
	for _, c := range []struct {
		name, query string
		tok         string
		status      int
		field       string
	}{
		{"unknown level", "type=town", admin, http.StatusUnprocessableEntity, "type"},
		{"an empty level among others", "type=V,,D", admin, http.StatusUnprocessableEntity, "type"},
		{"under that is no id", "under=R1D1", admin, http.StatusUnprocessableEntity, "under"},
		{"under another district", "under=" + other, clerk, http.StatusUnprocessableEntity, "under"},
		{"text too long", "q=" + strings.Repeat("k", 51), admin, http.StatusUnprocessableEntity, "q"},
		{"text with a NUL", "q=k%00", admin, http.StatusUnprocessableEntity, "q"},
		{"text that is not UTF-8", "q=%FF", admin, http.StatusUnprocessableEntity, "q"},
		{"no login", "q=k", "", http.StatusUnauthorized, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.API(t, c.tok, http.MethodGet, "/api/places?"+c.query, "")
			if r.Status != c.status {
				t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
			}
			if c.field != "" {
				if _, ok := webtest.ErrorFields(t, r.Body)[c.field]; !ok {
					t.Errorf("no error on %s: %s", c.field, r.Body)
				}
			}
		})
	}

	t.Run("a user of no screen with a place field is refused", func(t *testing.T) {
		ctx := imis.SystemContext(context.Background())
		v, p := imis.Roles.Parse(map[string]string{"name": "Diagnoses only"}, true)
		if err := p.Err(); err != nil {
			t.Fatal(err)
		}
		if _, err := e.DB.Create(ctx, imis.Roles, v, map[string][]imis.Values{"rights": {{"right_id": int64(imis.RightDiagnosisUpload)}}}); err != nil {
			t.Fatal(err)
		}
		e.AddUser(t, "coder1", "coder-pass-1", []string{"Diagnoses only"}, []string{"R1D2"})
		r := e.API(t, e.Token(t, "coder1", "coder-pass-1"), http.MethodGet, "/api/places?q=k", "")
		if r.Status != http.StatusForbidden {
			t.Errorf("status %d, want 403: %s", r.Status, r.Body)
		}
	})
}
