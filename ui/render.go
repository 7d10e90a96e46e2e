package ui

import (
	"bytes"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
)

// page is what every template receives: the request's user and language, the menus, the
// breadcrumbs and the view's own data.
type page struct {
	s      *server
	Lang   string
	User   *imis.User
	CSRF   string
	Demo   bool
	Title  string
	Crumbs []crumb
	Menu   []menuArea
	Flash  string
	Data   any
}

type crumb struct{ Label, Href string }

// T translates a catalogue key for the page's language.
func (p *page) T(key string, args ...any) string { return p.s.Cat.T(p.Lang, key, args...) }

// Err translates a field or form error, with its arguments.
func (p *page) Err(fe imis.FieldError) string { return p.s.FieldMessage(p.Lang, fe) }

func (s *server) newPage(r *http.Request, title string, crumbs ...crumb) *page {
	u := imis.UserFromContext(r.Context())
	p := &page{s: s, Lang: s.Lang(r, u), User: u, Demo: s.cfg.Demo, Crumbs: crumbs}
	p.Title = p.T(title)
	if sess := httpx.SessionFrom(r.Context()); sess != nil {
		p.CSRF = sess.CSRFToken
	}
	if u != nil {
		p.Menu = menuFor(u)
	}
	if c, err := r.Cookie("imis_flash"); err == nil {
		p.Flash = c.Value
	}
	return p
}

var funcs = template.FuncMap{
	"add":  func(a, b int) int { return a + b },
	"pair": func(a, b any) []any { return []any{a, b} },
	"pager": func(pages, number int, prev, next string) pagerView {
		return pagerView{Pages: pages, Number: number, Prev: prev, Next: next}
	},
	"search": func(action, label string, number ...*numberRuleView) searchBox {
		b := searchBox{Action: action, Label: label}
		if len(number) > 0 {
			b.Number = number[0]
		}
		return b
	},
}

// searchBox is what the shared "searchform" partial needs beyond the page's Query and Filters:
// where the search goes, the catalogue key of its text box's label and, for a search by
// insurance number, the numbers' rule.
type searchBox struct {
	Action, Label string
	Number        *numberRuleView
}

// pagerView is what the shared "pager" partial shows under a list.
type pagerView struct {
	Pages, Number int
	Prev, Next    string
}

// parseTemplates parses each view together with the layout and the shared partials.
func parseTemplates() (map[string]*template.Template, error) {
	shared := []string{"templates/layout.html", "templates/fields.html"}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		if n == shared[0] || n == shared[1] {
			continue
		}
		t, err := template.New("").Funcs(funcs).ParseFS(templateFS, append(shared, n)...)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	return out, nil
}

// render writes a full page; htmx requests pick their fragment from it with hx-select.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, view string, p *page) {
	s.renderBlock(w, status, view, "layout", p)
}

func (s *server) renderBlock(w http.ResponseWriter, status int, view, block string, p *page) {
	var buf bytes.Buffer
	t := s.pages[view]
	if t == nil {
		s.Log.Error("missing template", "view", view)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		s.Log.Error("template", "view", view, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// fail renders an error page; internal errors and an unavailable database are logged, and the
// former never shown in detail.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := httpx.Status(err)
	if code >= http.StatusInternalServerError {
		s.Log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	httpx.SetRetryAfter(w, code)
	p := s.newPage(r, "error.title")
	var e *imis.Error
	msg := imis.FieldError{Key: "error.internal"}
	if errors.As(err, &e) {
		msg = imis.FieldError{Key: e.Message, Args: e.Args}
	}
	p.Data = map[string]any{"Message": p.Err(msg), "Status": code}
	s.render(w, r, code, "error", p)
}
