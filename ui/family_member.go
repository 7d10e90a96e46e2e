package ui

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/photo"
	"github.com/openimis-go/openimis/store"
)

// The family's membership: a member's page with the photo, adding a member, moving one to another
// family and removing one. Each action checks its right, and the store keeps coverage in step.

// memberFields are the inputs of the add-member form, in the order an officer asks for them.
var memberFields = []string{"chfid", "last_name", "other_names", "dob", "gender", "relationship", "marital", "phone", "email",
	"type_of_id", "passport", "hf_id", "profession", "education", "card_issued", "vulnerability"}

// memberView is the member page.
type memberView struct {
	Family     *store.Record
	Member     memberRow
	Values     []shownValue
	PhotoError string
	PhotoHint  string
	Can        familyRights
	Notice     string
}

// familyMember shows one member with the photo and the actions on them.
func (s *server) familyMember(w http.ResponseWriter, r *http.Request) {
	s.showMember(w, r, http.StatusOK, "")
}

// showMember draws the member page; photoErr is the reason an upload was refused, shown beside
// the file field.
func (s *server) showMember(w http.ResponseWriter, r *http.Request, status int, photoErr string) {
	fam, ins, err := s.familyAndMember(r, imis.RightInsureeSearch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	row := s.memberRow(s.newPage(r, "family.member"), ins, s.DB.Today())
	p := s.newPage(r, "family.member", familyCrumbs(fam, crumb{Label: row.CHFID})...)
	p.Title = p.T("family.member_title", row.OtherNames, row.LastName)
	u := p.User
	v := memberView{Family: fam, Member: row, PhotoError: photoErr, PhotoHint: p.T("family.photo_hint", photo.MaxBytes>>20),
		Can: familyRights{SetHead: u.Can(imis.RightFamilyEdit), EditMember: u.Can(imis.RightInsureeEdit), DeleteMember: u.Can(imis.RightInsureeDelete)}}
	labels := s.refLabels(ctx, imis.Insurees, []*store.Record{ins})
	for _, name := range []string{"chfid", "last_name", "other_names", "dob", "gender", "relationship", "marital", "status", "status_date",
		"phone", "email", "type_of_id", "passport", "hf_id", "current_village_id", "current_address", "profession", "education",
		"card_issued", "vulnerability", "photo_date"} {
		f, _ := imis.Insurees.Field(name)
		if d := p.display(f, ins.Values[name], labels); d != "" {
			v.Values = append(v.Values, shownValue{Label: p.fieldLabel(imis.Insurees, name), Value: d})
		}
	}
	if done := doneKey(r.URL.Query()); done != "" {
		v.Notice = p.T("family.done." + done)
	}
	p.Data = v
	s.render(w, r, status, "family_member", p)
}

// familyMemberNew shows the add-member form.
func (s *server) familyMemberNew(w http.ResponseWriter, r *http.Request) {
	fam, err := s.familyFor(r, imis.RightInsureeAdd)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showMemberForm(w, r, http.StatusOK, fam, map[string]string{"status": imis.InsureeActive}, false, nil)
}

// showMemberForm draws the add-member form with what was typed and why it was refused.
func (s *server) showMemberForm(w http.ResponseWriter, r *http.Request, status int, fam *store.Record, raw map[string]string, activate bool, err error) {
	ctx := r.Context()
	p := s.newPage(r, "family.add_member", familyCrumbs(fam, crumb{Label: "family.add_member"})...)
	problems := fieldProblems(err)
	f := actionForm{Action: "/families/" + fam.ID.String() + "/members", Submit: p.T("family.add_member"),
		Cancel: "/families/" + fam.ID.String(), Intro: []string{p.T("family.add_member_intro", familyName(fam))}}
	if err != nil {
		f.Error = p.formMessage(err)
	}
	for _, name := range memberFields {
		ff := p.inputField(imis.Insurees, name, name, raw[name], problems, name)
		if name == "hf_id" {
			ff.Options = s.facilityChoices(ctx, fam.Values.ID("district_id"))
		}
		if name == "chfid" {
			ff = s.numberRuleView(ctx, p).on(ff)
		}
		f.Fields = append(f.Fields, ff)
	}
	act := formField{Field: imis.Field{Name: "activate", Kind: imis.FieldBool}, Name: "activate", ID: "f-activate",
		Label: p.T("family.activate"), Value: "false", Hint: p.T("family.activate_hint")}
	if activate {
		act.Value = "true"
	}
	f.Fields = append(f.Fields, act)
	f.Notes = s.roomNotes(r, p, fam)
	s.showActionForm(w, r, status, p, f)
}

// roomNotes warns, before a member is added, about the family's current policies that are full
// (the new member will not be covered by them) or past their threshold (covering the member
// raises the contribution due), as imis.NewMemberRoom decides.
func (s *server) roomNotes(r *http.Request, p *page, fam *store.Record) []string {
	ctx := r.Context()
	if !p.User.Can(imis.RightPolicySearch) {
		return nil
	}
	members, err := s.DB.FamilyMembers(ctx, fam.ID)
	if err != nil {
		return nil
	}
	n := int64(len(activeMembers(members)))
	pols, _, err := s.DB.Find(ctx, imis.Policies, store.Filter{Fields: map[string]string{"family_id": fam.ID.String()}, Page: imis.Page{Size: 100}})
	if err != nil {
		return nil
	}
	var notes []string
	for _, pol := range pols {
		prod, err := s.DB.FindByID(ctx, imis.Products, pol.Values.ID("product_id"))
		if err != nil {
			continue
		}
		maxMembers, _ := prod.Values["max_members"].(int64)
		threshold, _ := prod.Values["threshold"].(int64)
		code := pol.Values.Text("product_code")
		status, _ := pol.Values["status"].(int64)
		switch imis.NewMemberRoom(status, maxMembers, threshold, n) {
		case imis.RoomFull:
			notes = append(notes, p.T("family.policy_full", code, maxMembers))
		case imis.RoomThreshold:
			notes = append(notes, p.T("family.policy_threshold", code, threshold))
		}
	}
	return notes
}

// familyMemberAdd registers a new member and attaches them to the family's policies with room.
func (s *server) familyMemberAdd(w http.ResponseWriter, r *http.Request) {
	fam, err := s.familyFor(r, imis.RightInsureeAdd)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	raw := map[string]string{}
	for _, name := range memberFields {
		if vals := r.PostForm[name]; len(vals) > 0 {
			raw[name] = vals[len(vals)-1]
		}
	}
	activate := lastValue(r, "activate") == "true"
	in := store.Input{Raw: map[string]string{"family_id": fam.ID.String(), "status": imis.InsureeActive}}
	for k, v := range raw {
		in.Raw[k] = v
	}
	parsed := s.DB.ParseInput(r.Context(), imis.Insurees, in, imis.NilID)
	if err := parsed.Problems.Err(); err != nil {
		s.showMemberForm(w, r, http.StatusUnprocessableEntity, fam, raw, activate, err)
		return
	}
	id, err := s.DB.AddMember(r.Context(), fam.ID, parsed.Values, activate)
	if err != nil {
		if httpx.Status(err) < 500 {
			s.showMemberForm(w, r, httpx.Status(err), fam, raw, activate, err)
			return
		}
		s.fail(w, r, err)
		return
	}
	redirectDone(w, r, "/families/"+fam.ID.String()+"/members/"+id.String(), "member_added", nil)
}

// lastValue is the last value a form sent for name: a checkbox follows its hidden "false" twin.
func lastValue(r *http.Request, name string) string {
	vals := r.PostForm[name]
	if len(vals) == 0 {
		return ""
	}
	return vals[len(vals)-1]
}

// familyMemberMoveForm asks where a member moves to.
func (s *server) familyMemberMoveForm(w http.ResponseWriter, r *http.Request) {
	s.memberMove(w, r, false)
}

// familyMemberMoveSubmit moves a member (not the head) to the family whose head has the insurance
// number typed, ending the member's current cover first when asked.
func (s *server) familyMemberMoveSubmit(w http.ResponseWriter, r *http.Request) {
	s.memberMove(w, r, true)
}

// memberMove shows the move form or, when submit is set, moves the member; the form comes back
// with the reason when the target family is unknown or the store refuses.
func (s *server) memberMove(w http.ResponseWriter, r *http.Request, submit bool) {
	fam, ins, err := s.familyAndMember(r, imis.RightInsureeEdit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	to, cancel := strings.TrimSpace(r.PostFormValue("to_family")), lastValue(r, "cancel_policies") == "true"
	code, problems := http.StatusOK, imis.Problems{}
	var formErr error
	if submit {
		target := imis.NilID
		switch {
		case to == "":
			problems.Add("to_family", "error.required")
		default:
			id, err := s.DB.IDByCode(ctx, imis.Families, to)
			if err != nil {
				problems.Add("to_family", "error.no_such_family", to)
			} else if id == fam.ID {
				problems.Add("to_family", "error.same_family")
			}
			target = id
		}
		if len(problems) == 0 {
			err := s.DB.MoveInsuree(ctx, ins.ID, target, cancel)
			if err == nil {
				redirectDone(w, r, "/families/"+fam.ID.String(), "member_moved", nil)
				return
			}
			if httpx.Status(err) >= 500 {
				s.fail(w, r, err)
				return
			}
			formErr = err
		}
		code = http.StatusUnprocessableEntity
		if formErr != nil {
			code = httpx.Status(formErr)
		} else {
			formErr = problems.Err()
		}
	}
	row := s.memberRow(s.newPage(r, "family.move"), ins, s.DB.Today())
	p := s.newPage(r, "family.move", familyCrumbs(fam, crumb{Label: row.CHFID, Href: "/families/" + fam.ID.String() + "/members/" + row.ID},
		crumb{Label: "family.move"})...)
	p.Title = p.T("family.move_title", row.OtherNames, row.LastName)
	f := actionForm{Action: r.URL.Path, Submit: p.T("family.move"), Cancel: "/families/" + fam.ID.String() + "/members/" + row.ID,
		Intro: []string{p.T("family.move_intro", familyName(fam))}}
	if formErr != nil {
		f.Error = p.formMessage(formErr)
	}
	target := formField{Field: imis.Field{Name: "to_family", Kind: imis.FieldCode, Required: true, MaxLen: 50}, Name: "to_family",
		ID: "f-to-family", Label: p.T("family.to_family"), Value: to, Hint: p.T("family.to_family_hint")}
	if fe, ok := problems["to_family"]; ok {
		target.Error = p.Err(fe)
	}
	target = s.numberRuleView(ctx, p).on(target)
	cancelField := formField{Field: imis.Field{Name: "cancel_policies", Kind: imis.FieldBool}, Name: "cancel_policies", ID: "f-cancel-policies",
		Label: p.T("family.cancel_policies"), Value: "false"}
	if cancel {
		cancelField.Value = "true"
	}
	f.Fields = []formField{target, cancelField}
	s.showActionForm(w, r, code, p, f)
}

// familyMemberDeleteForm asks before a member is removed.
func (s *server) familyMemberDeleteForm(w http.ResponseWriter, r *http.Request) {
	s.memberDelete(w, r, false)
}

// familyMemberDeleteSubmit removes a member (never the head) and ends their coverage.
func (s *server) familyMemberDeleteSubmit(w http.ResponseWriter, r *http.Request) {
	s.memberDelete(w, r, true)
}

// memberDelete asks for confirmation or, when submit is set, removes the member.
func (s *server) memberDelete(w http.ResponseWriter, r *http.Request, submit bool) {
	fam, ins, err := s.familyAndMember(r, imis.RightInsureeDelete)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	code := http.StatusOK
	var formErr error
	if submit {
		if err := s.DB.DeleteInsuree(r.Context(), ins.ID); err == nil {
			redirectDone(w, r, "/families/"+fam.ID.String(), "member_removed", nil)
			return
		} else if httpx.Status(err) >= 500 {
			s.fail(w, r, err)
			return
		} else {
			formErr, code = err, httpx.Status(err)
		}
	}
	row := s.memberRow(s.newPage(r, "family.remove"), ins, s.DB.Today())
	p := s.newPage(r, "family.remove", familyCrumbs(fam, crumb{Label: row.CHFID, Href: "/families/" + fam.ID.String() + "/members/" + row.ID},
		crumb{Label: "family.remove"})...)
	p.Title = p.T("family.remove_title", row.OtherNames, row.LastName)
	f := actionForm{Action: r.URL.Path, Submit: p.T("family.remove"), Danger: true,
		Cancel: "/families/" + fam.ID.String() + "/members/" + row.ID, Intro: []string{p.T("family.remove_intro", row.CHFID, familyName(fam))}}
	if formErr != nil {
		f.Error = p.formMessage(formErr)
	}
	s.showActionForm(w, r, code, p, f)
}

// familyMemberPhotoTooLarge answers a photo over the form's body limit as one over the photo's
// own limit: the member page again, nothing saved.
func (s *server) familyMemberPhotoTooLarge(w http.ResponseWriter, r *http.Request) {
	if _, _, err := s.familyAndMember(r, imis.RightInsureeEdit); err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "family.member")
	s.showMember(w, r, http.StatusUnprocessableEntity, p.T(photo.ErrTooLarge, photo.MaxBytes>>20))
}

// familyMemberPhoto stores a new photo of a member: the file must be a JPEG or PNG within the
// size limits; a refused file is reported beside the field and nothing is saved.
func (s *server) familyMemberPhoto(w http.ResponseWriter, r *http.Request) {
	fam, ins, err := s.familyAndMember(r, imis.RightInsureeEdit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, "family.member")
	file, _, err := r.FormFile("photo")
	if err != nil {
		s.showMember(w, r, http.StatusUnprocessableEntity, p.T("error.upload_missing"))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, photo.MaxBytes+1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ph, err := photo.Check(r.Context(), data)
	var pe *photo.Error
	if errors.As(err, &pe) {
		s.showMember(w, r, http.StatusUnprocessableEntity, p.T(pe.Key, pe.Args...))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.DB.Today()
	name := photo.FileName(ins.Values.Text("chfid"), today.Time(), ph.ContentType, nil)
	if err := s.DB.SavePhoto(r.Context(), ins.ID, name, ph.ContentType, ph.Data, ph.Thumb, today); err != nil {
		if httpx.Status(err) < 500 {
			s.showMember(w, r, httpx.Status(err), p.formMessage(err))
			return
		}
		s.fail(w, r, err)
		return
	}
	redirectDone(w, r, "/families/"+fam.ID.String()+"/members/"+ins.ID.String(), "photo_saved", nil)
}
