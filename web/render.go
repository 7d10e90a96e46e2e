package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/i18n"
)

// page is what every template receives: the request's user and language, the menus, the
// breadcrumbs and the view's own data.
type page struct {
	s      *Server
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
func (p *page) T(key string, args ...any) string { return p.s.cat.T(p.Lang, key, args...) }

// Err translates a field or form error. An argument that is itself a field error is translated
// with its own arguments, so a message can quote another ("Line 3, code: At most 6 characters.").
func (p *page) Err(fe imis.FieldError) string {
	args := make([]any, len(fe.Args))
	for i, a := range fe.Args {
		if s, ok := a.(string); ok && (strings.HasPrefix(s, "register.") || strings.HasPrefix(s, "error.")) {
			a = p.T(s)
		} else if inner, ok := a.(imis.FieldError); ok {
			a = p.Err(inner)
		}
		args[i] = a
	}
	return p.T(fe.Key, args...)
}

func (s *Server) lang(r *http.Request, u *imis.User) string {
	if u != nil && u.Language != "" {
		return u.Language
	}
	return s.cat.Match(r.Header.Get("Accept-Language"))
}

func (s *Server) newPage(r *http.Request, title string, crumbs ...crumb) *page {
	u := imis.UserFromContext(r.Context())
	p := &page{s: s, Lang: s.lang(r, u), User: u, Demo: s.cfg.Demo, Crumbs: crumbs}
	p.Title = p.T(title)
	if sess := sessionFrom(r.Context()); sess != nil {
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
	"search": func(action, label string) searchBox { return searchBox{Action: action, Label: label} },
}

// searchBox is what the shared "searchform" partial needs beyond the page's Query and Filters:
// where the search goes and the catalogue key of its text box's label.
type searchBox struct{ Action, Label string }

// pagerView is what the shared "pager" partial shows under a list.
type pagerView struct {
	Pages, Number int
	Prev, Next    string
}

// parseTemplates parses each view together with the layout and the shared partials.
func parseTemplates(s *Server) (map[string]*template.Template, error) {
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
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, view string, p *page) {
	s.renderBlock(w, status, view, "layout", p)
}

func (s *Server) renderBlock(w http.ResponseWriter, status int, view, block string, p *page) {
	var buf bytes.Buffer
	t := s.pages[view]
	if t == nil {
		s.log.Error("missing template", "view", view)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		s.log.Error("template", "view", view, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// status maps an error code to its HTTP status.
func status(err error) int {
	switch imis.ErrorCode(err) {
	case imis.EINVALID:
		return http.StatusUnprocessableEntity
	case imis.ENOTFOUND:
		return http.StatusNotFound
	case imis.ECONFLICT:
		return http.StatusConflict
	case imis.EUNAUTHORIZED, imis.ELOCKED:
		return http.StatusUnauthorized
	case imis.EFORBIDDEN:
		return http.StatusForbidden
	case imis.ETOOMANY:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// fail renders an error page; internal errors are logged and never shown in detail.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := status(err)
	if code == http.StatusInternalServerError {
		s.log.Error("request failed", "path", r.URL.Path, "err", err)
	}
	p := s.newPage(r, "error.title")
	var e *imis.Error
	msg := imis.FieldError{Key: "error.internal"}
	if errors.As(err, &e) {
		msg = imis.FieldError{Key: e.Message, Args: e.Args}
	}
	p.Data = map[string]any{"Message": p.Err(msg), "Status": code}
	s.render(w, r, code, "error", p)
}

// asError returns the domain error inside err, or nil.
func asError(err error) *imis.Error {
	var e *imis.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

func forbidden() error { return imis.Errorf(imis.EFORBIDDEN, "error.forbidden") }

// jsonError is the error body of the JSON API: the code, a readable message and per-field reasons.
type jsonError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

func writeJSONError(w http.ResponseWriter, cat *i18n.Catalog, lang string, err error) {
	var body jsonError
	body.Error.Code = imis.ErrorCode(err)
	var e *imis.Error
	if errors.As(err, &e) {
		p := &page{s: &Server{cat: cat}, Lang: lang}
		body.Error.Message = p.Err(imis.FieldError{Key: e.Message, Args: e.Args})
		for k, f := range e.Fields {
			if body.Error.Fields == nil {
				body.Error.Fields = map[string]string{}
			}
			body.Error.Fields[k] = p.Err(f)
		}
	} else {
		body.Error.Message = cat.T(lang, "error.internal")
	}
	writeJSON(w, status(err), body)
}

// writeJSON encodes v into a pooled buffer and sends it with its length in one write, rather than
// in chunks as the encoder fills them.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer jsonBuffers.Put(buf)
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext keeps a post-login redirect on this site. Browsers drop tabs and newlines from a
// Location and read a backslash as a slash, so "/\t/host" would leave the site: any control
// character is refused along with the "//" and "/\\" prefixes.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.IndexFunc(next, unicode.IsControl) >= 0 {
		return "/"
	}
	return next
}
