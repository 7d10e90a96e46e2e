package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The pieces the enrolment screens (family page, its actions, the wizard, renewals) share:
// looking up the family, member or policy a path names within the user's scope, building form
// fields by hand, and the notices shown after an action.

// inputField is one form input for field name of reg, sent as input (a prefixed name such as
// "m.0.chfid" in the wizard) and reporting the problem stored under errKey. Element ids use dashes,
// so the screens and their tests can address them with plain CSS selectors.
func (p *page) inputField(reg *imis.Register, name, input, value string, problems imis.Problems, errKey string) formField {
	f, _ := reg.Field(name)
	ff := formField{Field: f, Name: input, ID: "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(input),
		Label: p.fieldLabel(reg, name), Value: value}
	if fe, ok := problems[errKey]; ok {
		ff.Error = p.Err(fe)
	}
	return ff
}

// requiredField marks a form field required in the form (the asterisk, "Choose…") where the
// screen asks for more than the register does.
func requiredField(f formField) formField { f.Field.Required = true; return f }

// options returns the pick list of a register for the acting user, empty when it cannot be read
// (the form then shows an empty list rather than failing).
func (s *server) options(ctx context.Context, reg *imis.Register) []store.Option {
	opts, err := s.DB.Options(ctx, reg, optionLimit)
	if err != nil {
		s.Log.Warn("options", "register", reg.Name, "err", err)
	}
	return opts
}

// familyCrumbs leads from home through the enrolment area to the family, then to extra.
func familyCrumbs(fam *store.Record, extra ...crumb) []crumb {
	out := []crumb{{Label: "home.title", Href: "/"}, {Label: "nav.insurees"}, {Label: "register.families", Href: "/families"}}
	if fam != nil {
		href := ""
		if len(extra) > 0 {
			href = "/families/" + fam.ID.String()
		}
		out = append(out, crumb{Label: familyName(fam), Href: href})
	}
	return append(out, extra...)
}

// familyName names a family by its head, as openIMIS users know it.
func familyName(fam *store.Record) string {
	chfid, _ := fam.Values["head_chfid"].(string)
	name, _ := fam.Values["head_name"].(string)
	return strings.TrimSpace(chfid + " " + name)
}

// familyFor reads the family of the path if the user holds one of the rights and sees it.
func (s *server) familyFor(r *http.Request, rights ...imis.Right) (*store.Record, error) {
	if !imis.UserFromContext(r.Context()).Can(rights...) {
		return nil, httpx.Forbidden()
	}
	id, err := imis.ParseID(r.PathValue("id"))
	if err != nil {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	return s.DB.FindByID(r.Context(), imis.Families, id)
}

// familyAndMember reads the family and the member named in the path, the family checked for the
// right and the user's scope.
func (s *server) familyAndMember(r *http.Request, right imis.Right) (fam, ins *store.Record, err error) {
	return s.familyAnd(r, right, "member", imis.Insurees)
}

// familyAndPolicy reads the family and the policy named in the path, likewise.
func (s *server) familyAndPolicy(r *http.Request, right imis.Right) (fam, pol *store.Record, err error) {
	return s.familyAnd(r, right, "policy", imis.Policies)
}

func (s *server) familyAnd(r *http.Request, right imis.Right, param string, reg *imis.Register) (fam, rec *store.Record, err error) {
	if fam, err = s.familyFor(r, right); err != nil {
		return nil, nil, err
	}
	rec, err = s.ofFamily(r, fam, param, reg)
	return fam, rec, err
}

// ofFamily reads the record of reg named by the path parameter param; one of another family is
// not found.
func (s *server) ofFamily(r *http.Request, fam *store.Record, param string, reg *imis.Register) (*store.Record, error) {
	id, err := imis.ParseID(r.PathValue(param))
	if err != nil {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	rec, err := s.DB.FindByID(r.Context(), reg, id)
	if err != nil {
		return nil, err
	}
	if rec.Values["family_id"] != fam.ID {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	return rec, nil
}

// doneNotices are the outcomes a redirect after an action may name; only these keys are shown,
// so a crafted address cannot put arbitrary text on the page.
var doneNotices = []string{"enrolled", "member_added", "member_moved", "member_removed", "head_set", "photo_saved",
	"policy_added", "contribution_added", "renewed"}

// redirectDone sends the browser to path with the outcome of an action and, for a policy, its id.
func redirectDone(w http.ResponseWriter, r *http.Request, path, done string, extra url.Values) {
	q := url.Values{"done": {done}}
	for k, v := range extra {
		q[k] = v
	}
	http.Redirect(w, r, path+"?"+q.Encode(), http.StatusSeeOther)
}

// doneKey returns the outcome named by the query, or "" for none or an unknown one.
func doneKey(q url.Values) string {
	if d := q.Get("done"); slices.Contains(doneNotices, d) {
		return d
	}
	return ""
}

// moneyText shows an amount in hundredths as the forms write it.
func moneyText(v any) string {
	switch n := v.(type) {
	case int64:
		return imis.FormatFixed(n, 2)
	case imis.Money:
		return n.String()
	}
	return ""
}

// dateText shows a stored date, "" when unset.
func dateText(v any) string {
	if d, ok := v.(imis.Date); ok {
		return d.String()
	}
	return ""
}

// policyStanding names how a stored policy stands on day, in the words every screen and the
// enquiry use for it (imis.StandingOn).
func (p *page) policyStanding(v imis.Values, day imis.Date) string {
	status, _ := v["status"].(int64)
	return p.standingText(imis.StandingOn(status, v.Date("effective_date"), v.Date("expiry_date"), day))
}

// standingText words a standing as every screen shows it.
func (p *page) standingText(st imis.PolicyStanding) string { return p.s.StandingText(p.Lang, st) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fieldProblems returns the per-field problems of an input error, or nil.
func fieldProblems(err error) imis.Problems {
	if e := httpx.AsError(err); e != nil && e.Fields != nil {
		return imis.Problems(e.Fields)
	}
	return nil
}

// formMessage is the message of an error shown above a form, with its arguments.
func (p *page) formMessage(err error) string {
	e := httpx.AsError(err)
	if e == nil {
		return p.T("error.internal")
	}
	return p.Err(imis.FieldError{Key: e.Message, Args: e.Args})
}
