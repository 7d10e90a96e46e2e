package ui

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// formField is one input of a record form, with its current text and its error.
type formField struct {
	Field   imis.Field
	Name    string // input name
	ID      string // element id
	Label   string
	Value   string
	Error   string
	Options []store.Option
	Large   bool       // a reference typed as a code
	Place   *placeView // a reference to a location, typed or picked
	Hint    string
	Number  *numberRuleView // an insurance number, checked against the scheme's rule as it is typed
	// ReadOnly: the system computes the field, so the form shows its current value (Shown) as
	// text, never as an input that would look editable.
	ReadOnly bool
	Shown    string
}

type childForm struct {
	Set     imis.ChildSet
	Label   string
	Columns []string
	Rows    [][]formField
	Error   string
	Groups  []rightGroup // a list of rights is edited as ticks, not typed codes
}

// rightGroup is the rights of one entity, for the role editor.
type rightGroup struct {
	Label  string
	Rights []rightTick
}

type rightTick struct {
	Name, ID, Value, Label string
	Checked                bool
}

// rightGroups lays out every known right as a checkbox, ticked when the role holds it.
func rightGroups(p *page, set string, rows []map[string]string) []rightGroup {
	held := map[string]bool{}
	for _, r := range rows {
		held[strings.TrimSpace(r["right_id"])] = true
	}
	var out []rightGroup
	known := imis.KnownRights()
	listed := map[string]bool{}
	for _, ri := range known {
		listed[strconv.Itoa(int(ri.Code))] = true
	}
	// Rights this system does not know (from an imported role) stay listed, so saving keeps them.
	for code := range held {
		if n, err := strconv.Atoi(code); err == nil && !listed[code] {
			known = append(known, imis.RightInfo{Code: imis.Right(n), Entity: "right.entity.other", Action: "right.action.unknown"})
		}
	}
	for i, ri := range known {
		label := p.T(ri.Entity)
		if len(out) == 0 || out[len(out)-1].Label != label {
			out = append(out, rightGroup{Label: label})
		}
		code := strconv.Itoa(int(ri.Code))
		g := &out[len(out)-1]
		g.Rights = append(g.Rights, rightTick{Name: imis.ChildKey(set, i, "right_id"), ID: "right-" + code, Value: code,
			Label: p.T(ri.Action) + " (" + code + ")", Checked: held[code]})
	}
	return out
}

// section is a run of a register's fields under one title, as a form's fields or a record's
// values; the first run of a register whose fields name no section has no title.
type section[T any] struct {
	Legend string
	Items  []T
}

// sections splits a register's fields into the runs that open at each field naming a section,
// keeping what item makes of each field it keeps.
func sections[T any](p *page, fields []imis.Field, item func(imis.Field) (T, bool)) []section[T] {
	var out []section[T]
	for _, f := range fields {
		if f.Section != "" || len(out) == 0 {
			legend := ""
			if f.Section != "" {
				legend = p.T(f.Section)
			}
			out = append(out, section[T]{Legend: legend})
		}
		if it, ok := item(f); ok {
			last := &out[len(out)-1]
			last.Items = append(last.Items, it)
		}
	}
	return out
}

type recordForm struct {
	Reg       *imis.Register
	Action    string
	Record    *store.Record
	Version   int
	Sections  []section[formField]
	Children  []childForm
	Error     string
	Password  bool // the form offers password fields
	PwErr     string
	PwConfErr string
	Creating  bool
}

// blankRows is how many empty lines a child list offers for new entries.
const blankRows = 3

// optionLimit bounds pick lists; larger registers are typed by code.
const optionLimit = 2000

func (s *server) formField(ctx context.Context, p *page, reg *imis.Register, f imis.Field, name, value string, problems imis.Problems) formField {
	ff := formField{Field: f, Name: name, ID: "f-" + name, Label: p.fieldLabel(reg, name), Value: value}
	if fe, ok := problems[name]; ok {
		ff.Error = p.Err(fe)
	}
	if f.Kind == imis.FieldRef {
		target := imis.RegisterByName(f.Ref)
		switch {
		case target == imis.Locations:
			ff = s.placeField(ctx, p, ff)
		case target.Large:
			ff.Large = true
			ff.Hint = p.T("form.type_code")
		case reg == imis.Insurees && target == imis.HealthFacilities:
			ff.Options = s.facilityChoices(ctx, imis.NilID)
		default:
			if opts, err := s.DB.Options(ctx, target, optionLimit); err == nil {
				ff.Options = opts
			}
		}
	}
	if reg == imis.Insurees && name == "chfid" {
		ff = s.numberRuleView(ctx, p).on(ff)
	}
	return ff
}

func (s *server) buildForm(ctx context.Context, p *page, reg *imis.Register, rec *store.Record, in store.Input, problems imis.Problems, extraRows int) recordForm {
	form := recordForm{Reg: reg, Record: rec, Creating: rec == nil,
		Password: reg == imis.Users || reg == imis.Officers || reg == imis.ClaimAdmins}
	if rec == nil {
		form.Action = "/registers/" + reg.Name
	} else {
		form.Action = "/registers/" + reg.Name + "/" + rec.ID.String()
		form.Version = rec.Version
	}
	var labels map[imis.ID]string
	if rec != nil {
		labels = s.refLabels(ctx, reg, []*store.Record{rec})
	}
	form.Sections = sections(p, reg.Fields, func(f imis.Field) (formField, bool) {
		switch {
		case f.Immutable && rec != nil, f.Computed && rec == nil:
			return formField{}, false
		case f.Computed:
			return formField{Field: f, ID: "f-" + f.Name, Label: p.fieldLabel(reg, f.Name), ReadOnly: true,
				Shown: p.display(f, rec.Values[f.Name], labels)}, true
		}
		return s.formField(ctx, p, reg, f, f.Name, in.Raw[f.Name], problems), true
	})
	for _, c := range reg.Children {
		cf := childForm{Set: c, Label: p.T("child." + reg.Name + "." + c.Name)}
		if fe, ok := problems[c.Name]; ok {
			cf.Error = p.Err(fe)
		}
		for _, f := range c.Fields {
			cf.Columns = append(cf.Columns, p.fieldLabel(reg, c.Name+"."+f.Name))
		}
		rows := imis.CompactRows(in.Rows[c.Name])
		if len(c.Fields) == 1 && c.Fields[0].Kind == imis.FieldRight {
			cf.Groups = rightGroups(p, c.Name, rows)
			form.Children = append(form.Children, cf)
			continue
		}
		n := len(rows) + blankRows + extraRows
		for i := range n {
			var row []formField
			for _, f := range c.Fields {
				val := ""
				if i < len(rows) {
					val = rows[i][f.Name]
				}
				ff := s.formField(ctx, p, reg, f, imis.ChildKey(c.Name, i, f.Name), val, problems)
				ff.Label = p.fieldLabel(reg, c.Name+"."+f.Name) + " " + strconv.Itoa(i+1)
				row = append(row, ff)
			}
			cf.Rows = append(cf.Rows, row)
		}
		form.Children = append(form.Children, cf)
	}
	if fe, ok := problems["password"]; ok {
		form.PwErr = p.Err(fe)
	}
	if fe, ok := problems["password_confirm"]; ok {
		form.PwConfErr = p.Err(fe)
	}
	return form
}

func (s *server) registerNew(w http.ResponseWriter, r *http.Request) {
	reg, err := httpx.RegisterOf(r, httpx.AddRight)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := store.Input{Raw: map[string]string{}, Rows: map[string][]map[string]string{}}
	for _, f := range reg.Fields {
		if f.Default != nil {
			in.Raw[f.Name] = f.Format(f.Default)
		}
	}
	s.showForm(w, r, http.StatusOK, reg, nil, in, nil, 0)
}

func (s *server) showForm(w http.ResponseWriter, r *http.Request, status int, reg *imis.Register, rec *store.Record, in store.Input, err error, extraRows int) {
	title := "form.new"
	crumbs := registerCrumbs(reg, crumb{Label: "form.new"})
	if rec != nil {
		title = "form.edit"
		crumbs = registerCrumbs(reg, crumb{Label: recordName(reg, rec), Href: "/registers/" + reg.Name + "/" + rec.ID.String()}, crumb{Label: "form.edit"})
	}
	p := s.newPage(r, title, crumbs...)
	p.Title = p.T(title+"_title", p.T("register."+reg.Name+".one"))
	var problems imis.Problems
	formErr := ""
	if e := httpx.AsError(err); e != nil {
		problems = imis.Problems(e.Fields)
		formErr = p.Err(imis.FieldError{Key: e.Message, Args: e.Args})
	}
	form := s.buildForm(r.Context(), p, reg, rec, in, problems, extraRows)
	form.Error = formErr
	p.Data = form
	s.render(w, r, status, "form", p)
}

// formAction handles the form's helper buttons that re-show the form without saving: more blank
// lines, or every item or service of the register filled in at once.
func (s *server) formAction(w http.ResponseWriter, r *http.Request, reg *imis.Register, rec *store.Record, in store.Input) bool {
	switch r.PostFormValue("action") {
	case "more":
		s.showForm(w, r, http.StatusOK, reg, rec, in, nil, 10)
		return true
	case "fill":
		for _, c := range reg.Children {
			f := c.Fields[0]
			target := imis.RegisterByName(f.Ref)
			if f.Kind != imis.FieldRef || !target.Large {
				continue
			}
			have := map[string]bool{}
			for _, row := range in.Rows[c.Name] {
				have[row[f.Name]] = true
			}
			opts, err := s.DB.Options(r.Context(), target, 100000)
			if err != nil {
				s.fail(w, r, err)
				return true
			}
			ids := make([]imis.ID, len(opts))
			for i, o := range opts {
				ids[i] = o.ID
			}
			codes, err := s.DB.Codes(r.Context(), target, ids)
			if err != nil {
				s.fail(w, r, err)
				return true
			}
			for _, o := range opts {
				if code := codes[o.ID]; !have[code] {
					in.Rows[c.Name] = append(in.Rows[c.Name], map[string]string{f.Name: code})
				}
			}
		}
		s.showForm(w, r, http.StatusOK, reg, rec, in, nil, 0)
		return true
	}
	return false
}

func (s *server) registerCreate(w http.ResponseWriter, r *http.Request) {
	reg, err := httpx.RegisterOf(r, httpx.AddRight)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := formInput(r, reg)
	if s.formAction(w, r, reg, nil, in) {
		return
	}
	p := s.DB.ParseInput(r.Context(), reg, in, imis.NilID)
	s.ApplyPassword(reg, r.PostForm.Get("password"), r.PostForm.Get("password_confirm"), true, p)
	if err := p.Problems.Err(); err != nil {
		s.showForm(w, r, http.StatusUnprocessableEntity, reg, nil, in, err, 0)
		return
	}
	rec, err := s.DB.Create(r.Context(), reg, p.Values, p.Children)
	if err != nil {
		if httpx.Status(err) < 500 {
			s.showForm(w, r, httpx.Status(err), reg, nil, in, err, 0)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/registers/"+reg.Name+"/"+rec.ID.String(), http.StatusSeeOther)
}

func (s *server) currentRecord(w http.ResponseWriter, r *http.Request, right func(imis.CRUDRights) imis.Right) (*imis.Register, *store.Record, bool) {
	reg, err := httpx.RegisterOf(r, right)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	id, err := httpx.PathID(r)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	rec, err := s.DB.FindByID(r.Context(), reg, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	return reg, rec, true
}

func (s *server) registerEdit(w http.ResponseWriter, r *http.Request) {
	reg, rec, ok := s.currentRecord(w, r, httpx.EditRight)
	if !ok {
		return
	}
	s.showForm(w, r, http.StatusOK, reg, rec, s.DB.RecordInput(r.Context(), reg, rec), nil, 0)
}

func (s *server) registerUpdate(w http.ResponseWriter, r *http.Request) {
	reg, rec, ok := s.currentRecord(w, r, httpx.EditRight)
	if !ok {
		return
	}
	in := formInput(r, reg)
	for _, f := range reg.Fields {
		if f.Immutable {
			in.Raw[f.Name] = f.Format(rec.Values[f.Name])
		}
	}
	if s.formAction(w, r, reg, rec, in) {
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	p := s.DB.ParseInput(r.Context(), reg, in, rec.ID)
	s.ApplyPassword(reg, r.PostForm.Get("password"), r.PostForm.Get("password_confirm"), false, p)
	if err := p.Problems.Err(); err != nil {
		s.showForm(w, r, http.StatusUnprocessableEntity, reg, rec, in, err, 0)
		return
	}
	if _, err := s.DB.Update(r.Context(), reg, rec.ID, version, p.Values, p.Children); err != nil {
		if httpx.Status(err) < 500 {
			s.showForm(w, r, httpx.Status(err), reg, rec, in, err, 0)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/registers/"+reg.Name+"/"+rec.ID.String(), http.StatusSeeOther)
}

func (s *server) registerDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	reg, rec, ok := s.currentRecord(w, r, httpx.DeleteRight)
	if !ok {
		return
	}
	s.showDelete(w, r, http.StatusOK, reg, rec, "")
}

func (s *server) showDelete(w http.ResponseWriter, r *http.Request, status int, reg *imis.Register, rec *store.Record, errMsg string) {
	p := s.newPage(r, "form.delete", registerCrumbs(reg, crumb{Label: recordName(reg, rec), Href: "/registers/" + reg.Name + "/" + rec.ID.String()}, crumb{Label: "form.delete"})...)
	p.Data = map[string]any{"Reg": reg, "Record": rec, "Name": recordName(reg, rec), "Error": errMsg}
	s.render(w, r, status, "delete", p)
}

func (s *server) registerDelete(w http.ResponseWriter, r *http.Request) {
	reg, rec, ok := s.currentRecord(w, r, httpx.DeleteRight)
	if !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err := s.DB.Delete(r.Context(), reg, rec.ID, version); err != nil {
		if httpx.Status(err) < 500 {
			p := s.newPage(r, "form.delete")
			e := httpx.AsError(err)
			s.showDelete(w, r, httpx.Status(err), reg, rec, p.Err(imis.FieldError{Key: e.Message, Args: e.Args}))
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/registers/"+reg.Name, http.StatusSeeOther)
}

// Kind tests for the templates.

func (f formField) IsBool() bool { return f.Field.Kind == imis.FieldBool }
func (f formField) IsMask() bool { return f.Field.Kind == imis.FieldMask }
func (f formField) IsChoice() bool {
	return f.Field.Kind == imis.FieldChoice || (f.Field.Kind == imis.FieldInt && len(f.Field.Choices) > 0)
}
func (f formField) IsDate() bool  { return f.Field.Kind == imis.FieldDate }
func (f formField) IsEmail() bool { return f.Field.Kind == imis.FieldEmail }
func (f formField) IsRefSelect() bool {
	return f.Field.Kind == imis.FieldRef && !f.Large && f.Place == nil
}
func (f formField) IsNumber() bool {
	switch f.Field.Kind {
	case imis.FieldInt, imis.FieldDecimal, imis.FieldMoney, imis.FieldRight:
		return true
	}
	return false
}

// HasBit reports whether the mask text (a total or comma-separated bits) includes bit code.
func (f formField) HasBit(code string) bool {
	v, fe := f.Field.Parse(f.Value)
	return fe == nil && imis.HasBit(v, code)
}

// FillsAll reports whether a child set lists items or services, which the form can fill with
// every one of them at once.
func (recordForm) FillsAll(c imis.ChildSet) bool {
	f := c.Fields[0]
	return f.Kind == imis.FieldRef && imis.RegisterByName(f.Ref).Large
}
