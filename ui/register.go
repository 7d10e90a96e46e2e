package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

func registerCrumbs(reg *imis.Register, extra ...crumb) []crumb {
	area := "nav.administration"
	switch reg {
	case imis.Diagnoses:
		area = "nav.tools"
	case imis.Families, imis.Insurees, imis.Policies, imis.Contributions:
		area = "nav.insurees"
	}
	return append([]crumb{{Label: "home.title", Href: "/"}, {Label: area}, {Label: "register." + reg.Name, Href: "/registers/" + reg.Name}}, extra...)
}

// listView is a page of search results.
type listView struct {
	Reg     *imis.Register
	Query   url.Values
	Filters []formField
	Columns []imis.Field
	Rows    []listRow
	Pager   listPager
	CanAdd  bool
}

type listRow struct {
	Href  string
	Cells []string
}

func (s *server) registerList(w http.ResponseWriter, r *http.Request) {
	reg, err := httpx.RegisterOf(r, httpx.SearchRight)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	action := "/registers/" + reg.Name
	found, err := s.DB.Search(r.Context(), reg, httpx.FilterFrom(r.URL.Query(), reg))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "register."+reg.Name, registerCrumbs(reg)...)
	v := listView{Reg: reg, Query: r.URL.Query(), Pager: newListPager(r, action, found), CanAdd: p.User.Can(reg.Rights.Add)}
	for _, fld := range reg.Fields {
		if fld.Listed {
			v.Columns = append(v.Columns, fld)
		}
	}
	filterIn := store.Input{Raw: map[string]string{}}
	for _, fld := range reg.Fields {
		if fld.Filter {
			filterIn.Raw[fld.Name] = r.URL.Query().Get(fld.Name)
		}
	}
	for _, fld := range reg.Fields {
		if fld.Filter {
			ff := s.formField(r.Context(), p, reg, fld, fld.Name, filterIn.Raw[fld.Name], nil)
			ff.Field.Required = false
			v.Filters = append(v.Filters, ff)
		}
	}
	labels, today := s.refLabels(r.Context(), reg, found.Records), s.DB.Today()
	for _, rec := range found.Records {
		row := listRow{Href: "/registers/" + reg.Name + "/" + rec.ID.String()}
		for _, c := range v.Columns {
			row.Cells = append(row.Cells, p.recordValue(reg, c, rec.Values, labels, today))
		}
		v.Rows = append(v.Rows, row)
	}
	p.Data = v
	s.render(w, r, http.StatusOK, "list", p)
}

// refLabels names every record the given records refer to.
func (s *server) refLabels(ctx context.Context, reg *imis.Register, recs []*store.Record) map[imis.ID]string {
	ids := map[string][]imis.ID{}
	for _, rec := range recs {
		for name, list := range reg.RefsByRegister(rec.Values, rec.Children, func(*imis.Register) bool { return true }) {
			ids[name] = append(ids[name], list...)
		}
	}
	out := map[imis.ID]string{}
	for name, list := range ids {
		labels, err := s.DB.Labels(ctx, imis.RegisterByName(name), list)
		if err != nil {
			continue
		}
		for k, v := range labels {
			out[k] = v
		}
	}
	return out
}

// display renders a stored value for reading.
func (p *page) display(f imis.Field, v any, labels map[imis.ID]string) string {
	if v == nil {
		return ""
	}
	switch f.Kind {
	case imis.FieldChoice, imis.FieldInt:
		code := fmt.Sprint(v)
		for _, c := range f.Choices {
			if c.Code == code {
				return p.T(c.Label)
			}
		}
	case imis.FieldMask:
		var parts []string
		for _, c := range f.Choices {
			if imis.HasBit(v, c.Code) {
				parts = append(parts, p.T(c.Label))
			}
		}
		return strings.Join(parts, ", ")
	case imis.FieldBool:
		if v == true {
			return p.T("common.yes")
		}
		return p.T("common.no")
	case imis.FieldRef:
		if id, ok := v.(imis.ID); ok {
			return labels[id]
		}
	}
	return f.Format(v)
}

// recordValue renders a field of a record for reading on day: a policy's status reads as on the
// family page and in the enquiry (policyStanding), any other field as display shows it.
func (p *page) recordValue(reg *imis.Register, f imis.Field, v imis.Values, labels map[imis.ID]string, day imis.Date) string {
	if reg == imis.Policies && f.Name == "status" {
		return p.policyStanding(v, day)
	}
	return p.display(f, v[f.Name], labels)
}

// recordView shows one record: its values, child rows, versions and audit trail.
type recordView struct {
	Reg      *imis.Register
	Record   *store.Record
	Sections []section[shownValue]
	Children []shownChild
	History  []*store.Record
	Audit    []auditShown
	AsOf     string
	CanEdit  bool
	CanDel   bool
	Current  bool
}

type shownValue struct{ Label, Value string }

type shownChild struct {
	Label   string
	Columns []string
	Rows    [][]string
}

type auditShown struct {
	store.AuditEntry
	Changes []auditChange
}

type auditChange struct{ Field, Before, After string }

func (s *server) registerView(w http.ResponseWriter, r *http.Request) {
	reg, err := httpx.RegisterOf(r, httpx.SearchRight)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := httpx.PathID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if reg == imis.Families && r.URL.Query().Get("as_of") == "" {
		// A family is shown with its members, policies and contributions on its own page.
		http.Redirect(w, r, "/families/"+id.String(), http.StatusSeeOther)
		return
	}
	ctx := r.Context()
	var rec *store.Record
	asOf, day := r.URL.Query().Get("as_of"), s.DB.Today()
	if asOf != "" {
		d, perr := imis.ParseDate(asOf)
		if perr != nil {
			s.fail(w, r, imis.Errorf(imis.EINVALID, "error.date"))
			return
		}
		rec, err = s.DB.FindAsOf(ctx, reg, id, d)
		day = d
	} else {
		rec, err = s.DB.FindByID(ctx, reg, id)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "register."+reg.Name, registerCrumbs(reg, crumb{Label: recordName(reg, rec)})...)
	p.Title = recordName(reg, rec)
	v := recordView{Reg: reg, Record: rec, AsOf: asOf, Current: rec.ValidTo == nil && asOf == "",
		CanEdit: p.User.Can(reg.Rights.Edit), CanDel: p.User.Can(reg.Rights.Delete)}
	labels := s.refLabels(ctx, reg, []*store.Record{rec})
	v.Sections = sections(p, reg.Fields, func(f imis.Field) (shownValue, bool) {
		return shownValue{Label: p.fieldLabel(reg, f.Name), Value: p.recordValue(reg, f, rec.Values, labels, day)}, true
	})
	for _, c := range reg.Children {
		sc := shownChild{Label: p.T("child." + reg.Name + "." + c.Name)}
		for _, f := range c.Fields {
			sc.Columns = append(sc.Columns, p.fieldLabel(reg, c.Name+"."+f.Name))
		}
		for _, row := range rec.Children[c.Name] {
			var cells []string
			for _, f := range c.Fields {
				cells = append(cells, p.display(f, row[f.Name], labels))
			}
			sc.Rows = append(sc.Rows, cells)
		}
		v.Children = append(v.Children, sc)
	}
	if v.History, err = s.DB.History(ctx, reg, id); err != nil {
		s.fail(w, r, err)
		return
	}
	if rec.LegacyID != nil {
		// An old version is kept in a row of its own; show it as the record, with its mobile id.
		rec.ID, rec.LegacyID, rec.WireID = id, nil, store.RecordWireID(v.History, id)
	}
	entries, err := s.DB.AuditTrail(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Audit = s.auditView(ctx, p, reg, entries)
	p.Data = v
	s.render(w, r, http.StatusOK, "view", p)
}

// auditView shows each audited change as the fields it altered, with values displayed as on
// the record page: choices by their label, references by code and name.
func (s *server) auditView(ctx context.Context, p *page, reg *imis.Register, entries []store.AuditEntry) []auditShown {
	recs := make([]*store.Record, 0, 2*len(entries))
	snaps := make([][2]*store.Record, len(entries))
	for i, e := range entries {
		snaps[i] = [2]*store.Record{snapshotRecord(reg, e.Before), snapshotRecord(reg, e.After)}
		recs = append(recs, snaps[i][0], snaps[i][1])
	}
	labels := s.refLabels(ctx, reg, recs)
	out := make([]auditShown, len(entries))
	for i, e := range entries {
		out[i] = auditShown{AuditEntry: e}
		before, after := snaps[i][0], snaps[i][1]
		for _, f := range reg.Fields {
			b, a := p.display(f, before.Values[f.Name], labels), p.display(f, after.Values[f.Name], labels)
			if b != a {
				out[i].Changes = append(out[i].Changes, auditChange{Field: p.fieldLabel(reg, f.Name), Before: b, After: a})
			}
		}
		for _, c := range reg.Children {
			b, a := p.displayRows(c, before.Children[c.Name], labels), p.displayRows(c, after.Children[c.Name], labels)
			if b != a {
				out[i].Changes = append(out[i].Changes, auditChange{Field: p.T("child." + reg.Name + "." + c.Name), Before: b, After: a})
			}
		}
	}
	return out
}

// snapshotRecord reads an audit snapshot (values as text) back into typed values.
func snapshotRecord(reg *imis.Register, snap map[string]any) *store.Record {
	r := &store.Record{Values: imis.Values{}, Children: map[string][]imis.Values{}}
	parse := func(f imis.Field, v any) any {
		text, _ := v.(string)
		f.Required = false
		val, _ := f.Parse(text)
		return val
	}
	for _, f := range reg.Fields {
		r.Values[f.Name] = parse(f, snap[f.Name])
	}
	for _, c := range reg.Children {
		rows, _ := snap[c.Name].([]any)
		for _, row := range rows {
			m, _ := row.(map[string]any)
			v := imis.Values{}
			for _, f := range c.Fields {
				v[f.Name] = parse(f, m[f.Name])
			}
			r.Children[c.Name] = append(r.Children[c.Name], v)
		}
	}
	return r
}

// displayRows renders child rows as one line each.
func (p *page) displayRows(c imis.ChildSet, rows []imis.Values, labels map[imis.ID]string) string {
	parts := make([]string, 0, len(rows))
	for _, row := range rows {
		cells := make([]string, 0, len(c.Fields))
		for _, f := range c.Fields {
			if d := p.display(f, row[f.Name], labels); d != "" {
				cells = append(cells, d)
			}
		}
		parts = append(parts, strings.Join(cells, " / "))
	}
	return strings.Join(parts, "; ")
}

func recordName(reg *imis.Register, rec *store.Record) string {
	code, _ := rec.Values[reg.Code].(string)
	title, _ := rec.Values[reg.Title].(string)
	if reg.Code == reg.Title || title == "" {
		return code
	}
	return code + " " + title
}

// fieldLabel names a field: a register-specific label if the catalogue has one, else the
// shared label of that field name.
func (p *page) fieldLabel(reg *imis.Register, name string) string {
	if k := "field." + reg.Name + "." + name; p.s.Cat.Has(k) {
		return p.T(k)
	}
	base := name
	if i := strings.LastIndex(name, "."); i >= 0 {
		base = name[i+1:]
	}
	return p.T("field." + base)
}

// FieldLabelOf names a field for the templates.
func (p *page) FieldLabelOf(reg *imis.Register, name string) string { return p.fieldLabel(reg, name) }
