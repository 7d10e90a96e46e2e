package restv3

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/photo"
	"github.com/openimis-go/openimis/store"
)

// POST family: the enrolment upload of the Policies app (interfaces.md §1.5). The body names
// every record by the phone's own ids and every reference by wire id; the answer maps the phone's
// ids to the server's. Business refusals are the app's codes -1…-6 with nothing written; a value
// the registers refuse (a number failing the check digit, a photo that is no image, an unknown
// village) is bad input, answered 400 with the field in the error envelope, so the officer sees
// what to correct.

// restFieldNames maps register fields to the upload's keys, so an error names what the phone
// sent.
var restFieldNames = map[*imis.Register]map[string]string{
	imis.Families: {"location_id": "LocationId", "district_id": "LocationId", "poverty": "Poverty", "family_type": "FamilyType",
		"address": "FamilyAddress", "ethnicity": "Ethnicity", "confirmation_no": "ConfirmationNo", "confirmation_type": "ConfirmationType",
		"is_offline": "isOffline", "head_id": "HOFCHFID"},
	imis.Insurees: {"chfid": "CHFID", "last_name": "LastName", "other_names": "OtherNames", "dob": "DOB", "gender": "Gender",
		"marital": "Marital", "type_of_id": "TypeOfId", "passport": "IdentificationNumber", "phone": "Phone", "email": "Email",
		"current_address": "CurrentAddress", "geolocation": "GeoLocation", "current_village_id": "CurVillage", "card_issued": "CardIssued",
		"relationship": "Relationship", "profession": "Profession", "education": "Education", "hf_id": "HFID",
		"vulnerability": "Vulnerability", "is_offline": "isOffline", "family_id": "FamilyId", "district_id": "LocationId",
		"status_date": "CHFID", "status_reason": "CHFID"},
	imis.Policies: {"product_id": "ProdId", "officer_id": "OfficerId", "enroll_date": "EnrollDate", "family_id": "FamilyId",
		"district_id": "LocationId", "is_offline": "isOffline"},
	imis.Contributions: {"payer_id": "PayerId", "amount": "Amount", "receipt": "Receipt", "pay_date": "PayDate", "pay_type": "PayType",
		"is_photo_fee": "isPhotoFee", "is_offline": "isOffline", "policy_id": "PolicyId", "district_id": "LocationId", "decision": "Amount"},
}

// restRegisterNames name a record kind in an error that concerns no single field.
var restRegisterNames = map[*imis.Register]string{
	imis.Families: "Family", imis.Insurees: "Insurees", imis.Policies: "Policies", imis.Contributions: "Premium",
}

// restProblem turns a register's problem into the "<Field>: <reason>" of the REST envelope.
func (s *server) restProblem(reg *imis.Register, err error) error {
	var e *imis.Error
	if !errors.As(err, &e) {
		return err
	}
	if len(e.Fields) > 0 {
		names := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			names = append(names, k)
		}
		slices.Sort(names)
		field := names[0]
		key := restFieldNames[reg][field]
		if key == "" {
			key = restRegisterNames[reg]
		}
		return inputError(key, s.FieldMessage("en", e.Fields[field]))
	}
	return inputError(restRegisterNames[reg], s.FieldMessage("en", imis.FieldError{Key: e.Message, Args: e.Args}))
}

// uploadIn is an upload read from its JSON, before the wire ids are resolved.
type uploadIn struct {
	families []*familyIn
	wires    map[*imis.Register][]int64
}

type familyIn struct {
	client, location int64
	hof              string
	offline          int64
	raw              map[string]string
	insurees         []*insureeIn
	policies         []*policyIn
}

type insureeIn struct {
	client, hf, village int64
	head                bool
	raw                 map[string]string
	photo               *photo.Photo
}

type policyIn struct {
	client, product, officer int64
	stage                    string
	raw                      map[string]string
	figures                  store.PolicyFigures
	premiums                 []*premiumIn
}

type premiumIn struct {
	client, policy, payer int64
	raw                   map[string]string
}

func (u *uploadIn) wire(reg *imis.Register, n int64) {
	if n > 0 {
		u.wires[reg] = append(u.wires[reg], n)
	}
}

// texts copies string values of body into raw under the register's field names.
func texts(body restObject, raw map[string]string, pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		s, err := body.text(pairs[i])
		if err != nil {
			return err
		}
		if s != "" {
			raw[pairs[i+1]] = s
		}
	}
	return nil
}

// flag reads a boolean the apps send as true/false, 1/0 or their strings into raw.
func flag(body restObject, raw map[string]string, key, field string) error {
	b, err := body.bool(key)
	if err != nil {
		return err
	}
	raw[field] = strconv.FormatBool(b)
	return nil
}

// offlineFlag reads isOffline: 0 known to the server, 1 created on the phone, 2 changed on it;
// a boolean true stands for 1.
func offlineFlag(body restObject) (int64, error) {
	if v, ok := body.get("isOffline"); ok {
		if b, isBool := v.(bool); isBool {
			return wireFlag(b), nil
		}
	}
	if n, _, err := body.int("isOffline"); err == nil {
		return n, nil
	}
	b, err := body.bool("isOffline")
	return wireFlag(b), err
}

// wireFlag is a boolean as the wire's 0 or 1.
func wireFlag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// lookupCode reads an integer look-up code (relation, profession, education), where 0 means none.
func lookupCode(body restObject, raw map[string]string, key, field string) error {
	s, err := body.text(key)
	if err != nil || s == "" || s == "0" {
		return err
	}
	raw[field] = s
	return nil
}

func readUpload(ctx context.Context, body restObject) (*uploadIn, error) {
	u := &uploadIn{wires: map[*imis.Register][]int64{}}
	families, err := body.list("Family")
	if err != nil {
		return nil, err
	}
	if len(families) == 0 {
		return nil, inputError("Family", "required")
	}
	for _, fo := range families {
		f := &familyIn{raw: map[string]string{}}
		var ok bool
		if f.client, _, err = fo.int("FamilyId"); err != nil {
			return nil, err
		}
		if f.location, ok, err = fo.int("LocationId"); err != nil {
			return nil, err
		} else if !ok || f.location <= 0 {
			return nil, inputError("LocationId", "required")
		}
		u.wire(imis.Locations, f.location)
		if f.hof, err = fo.text("HOFCHFID"); err != nil {
			return nil, err
		}
		if f.offline, err = offlineFlag(fo); err != nil {
			return nil, err
		}
		f.raw["is_offline"] = strconv.FormatBool(f.offline != 0)
		if err := flag(fo, f.raw, "Poverty", "poverty"); err != nil {
			return nil, err
		}
		if err := texts(fo, f.raw, "FamilyType", "family_type", "FamilyAddress", "address", "Ethnicity", "ethnicity",
			"ConfirmationNo", "confirmation_no", "ConfirmationType", "confirmation_type"); err != nil {
			return nil, err
		}
		insurees, err := fo.list("Insurees")
		if err != nil {
			return nil, err
		}
		for _, io := range insurees {
			in, err := readInsuree(ctx, u, io)
			if err != nil {
				return nil, err
			}
			f.insurees = append(f.insurees, in)
		}
		policies, err := fo.list("Policies")
		if err != nil {
			return nil, err
		}
		byClient := map[int64]*policyIn{}
		for _, po := range policies {
			p, err := readPolicy(u, po)
			if err != nil {
				return nil, err
			}
			byClient[p.client] = p
			f.policies = append(f.policies, p)
		}
		// Older builds send the contributions beside the policies, linked by PolicyId.
		for _, key := range []string{"Premiums", "Premium"} {
			loose, err := fo.list(key)
			if err != nil {
				return nil, err
			}
			for _, pro := range loose {
				pr, err := readPremium(u, pro)
				if err != nil {
					return nil, err
				}
				p := byClient[pr.policy]
				if p == nil {
					return nil, inputError("PolicyId", fmt.Sprintf("no policy %d in the upload", pr.policy))
				}
				p.premiums = append(p.premiums, pr)
			}
		}
		u.families = append(u.families, f)
	}
	return u, nil
}

func readInsuree(ctx context.Context, u *uploadIn, io restObject) (*insureeIn, error) {
	in := &insureeIn{raw: map[string]string{"family_id": imis.NilID.String()}}
	var err error
	if in.client, _, err = io.int("InsureeId"); err != nil {
		return nil, err
	}
	if in.raw["chfid"], err = io.required("CHFID"); err != nil {
		return nil, err
	}
	if in.head, err = io.bool("isHead"); err != nil {
		return nil, err
	}
	if err := texts(io, in.raw, "LastName", "last_name", "OtherNames", "other_names", "Gender", "gender", "Marital", "marital",
		"IdentificationNumber", "passport", "Phone", "phone", "Email", "email", "TypeOfId", "type_of_id",
		"CurrentAddress", "current_address", "GeoLocation", "geolocation"); err != nil {
		return nil, err
	}
	dob, err := io.requiredDate("DOB")
	if err != nil {
		return nil, err
	}
	in.raw["dob"] = dob.String()
	for _, k := range [][2]string{{"Relationship", "relationship"}, {"Profession", "profession"}, {"Education", "education"}} {
		if err := lookupCode(io, in.raw, k[0], k[1]); err != nil {
			return nil, err
		}
	}
	for _, k := range [][2]string{{"CardIssued", "card_issued"}, {"Vulnerability", "vulnerability"}} {
		if err := flag(io, in.raw, k[0], k[1]); err != nil {
			return nil, err
		}
	}
	offline, err := offlineFlag(io)
	if err != nil {
		return nil, err
	}
	in.raw["is_offline"] = strconv.FormatBool(offline != 0)
	if in.hf, _, err = io.int("HFID"); err != nil {
		return nil, err
	}
	u.wire(imis.HealthFacilities, in.hf)
	if in.village, _, err = io.int("CurVillage"); err != nil {
		return nil, err
	}
	u.wire(imis.Locations, in.village)
	pic, err := io.object("Picture")
	if err != nil {
		return nil, err
	}
	if pic != nil {
		content, err := pic.text("ImageContent")
		if err != nil {
			return nil, inputError("Picture", "ImageContent is not a text")
		}
		if content != "" {
			p, err := photo.DecodeBase64(ctx, content)
			var refused *photo.Error
			if errors.As(err, &refused) {
				return nil, &photoError{err}
			} else if err != nil {
				return nil, err
			}
			in.photo = p
		}
	}
	return in, nil
}

// photoError is a picture the photo checks refused; its message is translated when answered.
type photoError struct{ err error }

func (e *photoError) Error() string { return "Picture: " + e.err.Error() }

func readPolicy(u *uploadIn, po restObject) (*policyIn, error) {
	p := &policyIn{raw: map[string]string{"family_id": imis.NilID.String()}}
	var err error
	var ok bool
	if p.client, _, err = po.int("PolicyId"); err != nil {
		return nil, err
	}
	if p.product, ok, err = po.int("ProdId"); err != nil {
		return nil, err
	} else if !ok || p.product <= 0 {
		return nil, inputError("ProdId", "required")
	}
	u.wire(imis.Products, p.product)
	if p.officer, _, err = po.int("OfficerId"); err != nil {
		return nil, err
	}
	u.wire(imis.Officers, p.officer)
	enroll, err := po.requiredDate("EnrollDate")
	if err != nil {
		return nil, err
	}
	p.raw["enroll_date"] = enroll.String()
	if p.stage, err = po.text("PolicyStage"); err != nil {
		return nil, err
	}
	offline, err := offlineFlag(po)
	if err != nil {
		return nil, err
	}
	p.raw["is_offline"] = strconv.FormatBool(offline != 0)
	if p.figures.Start, err = po.date("StartDate"); err != nil {
		return nil, err
	}
	if p.figures.Effective, err = po.date("EffectiveDate"); err != nil {
		return nil, err
	}
	if p.figures.Expiry, err = po.date("ExpiryDate"); err != nil {
		return nil, err
	}
	if v, ok, err := po.money("PolicyValue"); err != nil {
		return nil, err
	} else if ok {
		p.figures.Value = &v
	}
	if p.figures.Status, _, err = po.int("PolicyStatus"); err != nil {
		return nil, err
	}
	for _, key := range []string{"Premium", "Premiums"} {
		list, err := po.list(key)
		if err != nil {
			return nil, err
		}
		for _, pro := range list {
			pr, err := readPremium(u, pro)
			if err != nil {
				return nil, err
			}
			p.premiums = append(p.premiums, pr)
		}
	}
	return p, nil
}

func readPremium(u *uploadIn, pro restObject) (*premiumIn, error) {
	pr := &premiumIn{raw: map[string]string{"policy_id": imis.NilID.String()}}
	var err error
	if pr.client, _, err = pro.int("PremiumId"); err != nil {
		return nil, err
	}
	if pr.policy, _, err = pro.int("PolicyId"); err != nil {
		return nil, err
	}
	if pr.payer, _, err = pro.int("PayerId"); err != nil {
		return nil, err
	}
	u.wire(imis.Payers, pr.payer)
	amount, ok, err := pro.money("Amount")
	if err != nil {
		return nil, err
	} else if !ok {
		return nil, inputError("Amount", "required")
	}
	pr.raw["amount"] = amount.String()
	if pr.raw["receipt"], err = pro.required("Receipt"); err != nil {
		return nil, err
	}
	pay, err := pro.requiredDate("PayDate")
	if err != nil {
		return nil, err
	}
	pr.raw["pay_date"] = pay.String()
	if err := texts(pro, pr.raw, "PayType", "pay_type"); err != nil {
		return nil, err
	}
	if err := flag(pro, pr.raw, "isPhotoFee", "is_photo_fee"); err != nil {
		return nil, err
	}
	offline, err := offlineFlag(pro)
	if err != nil {
		return nil, err
	}
	pr.raw["is_offline"] = strconv.FormatBool(offline != 0)
	return pr, nil
}

// resolve turns the upload's wire ids into record ids and parses every record through its
// register, as a form would be.
func (s *server) resolve(r *http.Request, u *uploadIn) ([]store.FamilyUpload, error) {
	ids := map[*imis.Register]map[int64]imis.ID{}
	for reg, wires := range u.wires {
		m, err := s.DB.IDsByWireID(r.Context(), reg, wires)
		if err != nil {
			return nil, err
		}
		ids[reg] = m
	}
	ref := func(reg *imis.Register, n int64, key string) (string, error) {
		if n <= 0 {
			return "", nil
		}
		id, ok := ids[reg][n]
		if !ok {
			return "", inputError(key, fmt.Sprintf("no record with id %d", n))
		}
		return id.String(), nil
	}
	parse := func(reg *imis.Register, raw map[string]string) (imis.Values, error) {
		v, p := reg.Parse(raw, true)
		if err := p.Err(); err != nil {
			return nil, s.restProblem(reg, err)
		}
		return v, nil
	}
	var out []store.FamilyUpload
	for _, f := range u.families {
		var err error
		if f.raw["location_id"], err = ref(imis.Locations, f.location, "LocationId"); err != nil {
			return nil, err
		}
		fv, err := parse(imis.Families, f.raw)
		if err != nil {
			return nil, err
		}
		pf := store.FamilyUpload{ClientID: f.client, HeadCHFID: f.hof, New: f.offline == 1, Values: fv}
		for _, in := range f.insurees {
			if in.raw["hf_id"], err = ref(imis.HealthFacilities, in.hf, "HFID"); err != nil {
				return nil, err
			}
			if in.raw["current_village_id"], err = ref(imis.Locations, in.village, "CurVillage"); err != nil {
				return nil, err
			}
			iv, err := parse(imis.Insurees, in.raw)
			if err != nil {
				return nil, err
			}
			delete(iv, "family_id")
			pi := store.UploadedInsuree{ClientID: in.client, Head: in.head, Values: iv}
			if in.photo != nil {
				pi.Photo = &store.InsureePhoto{FileName: photo.FileName(in.raw["chfid"], s.Now(), in.photo.ContentType, nil),
					ContentType: in.photo.ContentType, Data: in.photo.Data, Thumb: in.photo.Thumb}
			}
			pf.Insurees = append(pf.Insurees, pi)
		}
		for _, p := range f.policies {
			if p.raw["product_id"], err = ref(imis.Products, p.product, "ProdId"); err != nil {
				return nil, err
			}
			if p.raw["officer_id"], err = ref(imis.Officers, p.officer, "OfficerId"); err != nil {
				return nil, err
			}
			ownOfficer := p.raw["officer_id"] == ""
			if ownOfficer {
				p.raw["officer_id"] = imis.NilID.String()
			}
			pv, err := parse(imis.Policies, p.raw)
			if err != nil {
				return nil, err
			}
			delete(pv, "family_id")
			if ownOfficer {
				pv["officer_id"] = nil
			}
			pp := store.UploadedPolicy{ClientID: p.client, Stage: p.stage, Values: pv, Figures: p.figures}
			for _, pr := range p.premiums {
				if pr.raw["payer_id"], err = ref(imis.Payers, pr.payer, "PayerId"); err != nil {
					return nil, err
				}
				cv, err := parse(imis.Contributions, pr.raw)
				if err != nil {
					return nil, err
				}
				delete(cv, "policy_id")
				pp.Contributions = append(pp.Contributions, store.UploadedContribution{ClientID: pr.client, Values: cv})
			}
			pf.Policies = append(pf.Policies, pp)
		}
		out = append(out, pf)
	}
	return out, nil
}

func (s *server) restEnrol(w http.ResponseWriter, r *http.Request) {
	body, err := readRESTObject(w, r)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	up, err := s.restUpload(r, store.UploadEnrolment, enrolAccepted, body)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	refuse := func(err error) {
		var pe *photoError
		if errors.As(err, &pe) {
			var ph *photo.Error
			reason := pe.err.Error()
			if errors.As(pe.err, &ph) {
				reason = s.Cat.T("en", ph.Key, ph.Args...)
			}
			err = inputError("Picture", reason)
		}
		var ie *restInputError
		if errors.As(err, &ie) {
			// A body the server cannot act on is still an upload received, for the reports.
			if rerr := s.DB.RecordUpload(r.Context(), up, enrolBadInput, ""); rerr != nil {
				err = rerr
			}
		}
		s.restFail(w, r, err)
	}
	in, err := readUpload(r.Context(), body)
	if err != nil {
		refuse(err)
		return
	}
	families, err := s.resolve(r, in)
	if err != nil {
		refuse(err)
		return
	}
	source, err := body.text("Source")
	if err != nil {
		refuse(err)
		return
	}
	if source == "" {
		source = "unknown"
	}
	version, err := body.text("SourceVersion")
	if err != nil {
		refuse(err)
		return
	}
	res, err := s.DB.EnrolUpload(r.Context(), up, source, version, families)
	var bad *store.InvalidUpload
	switch {
	case err == nil:
		httpx.WriteJSON(w, http.StatusOK, enrolResponse(enrolAccepted, res))
	case errors.As(err, &bad):
		if rerr := s.DB.RecordUpload(r.Context(), up, enrolBadInput, ""); rerr != nil {
			s.restFail(w, r, rerr)
			return
		}
		s.restFail(w, r, s.restProblem(bad.Register, bad.Err))
	case imis.ErrorCode(err) == imis.EUNAVAILABLE:
		// Whether the upload was written cannot be known, so neither can its answer: the app
		// sends it again, and a resent upload is answered as the first one was.
		s.restFail(w, r, err)
	default:
		// A refusal, or anything unexpected (logged): nothing was written, and the upload is
		// recorded with its answer.
		code := enrolCode(err)
		if rerr := s.DB.RecordUpload(r.Context(), up, int64(code), ""); rerr != nil {
			if code == enrolInterrupted {
				rerr = errors.Join(err, rerr)
			}
			s.restFail(w, r, rerr)
			return
		}
		if code == enrolInterrupted {
			s.Log.Error("rest enrolment", "err", err)
		}
		httpx.WriteJSON(w, http.StatusOK, enrolResponse(code, &store.UploadResult{}))
	}
}

// enrolResponse renders the answer as upstream's NewFamilyResponse: the phone's ids beside the
// server's wire ids and UUIDs. warnings, an addition the app ignores, lists where the phone's
// policy figures differ from those the server computed and kept.
func enrolResponse(code int, res *store.UploadResult) map[string]any {
	families := []map[string]any{}
	for _, f := range res.Families {
		insurees := []map[string]any{}
		for _, i := range f.Insurees {
			insurees = append(insurees, map[string]any{"insureeId": i.ClientID, "insureeDBId": i.WireID, "insureeUUID": i.ID})
		}
		policies := []map[string]any{}
		for _, p := range f.Policies {
			premiums := []map[string]any{}
			for _, pr := range p.Contributions {
				premiums = append(premiums, map[string]any{"premiumId": pr.ClientID, "premiumDBId": pr.WireID, "premiumUUID": pr.ID})
			}
			policies = append(policies, map[string]any{"policyId": p.ClientID, "policyDBId": p.WireID, "policyUUID": p.ID, "premium": premiums})
		}
		families = append(families, map[string]any{"familyId": f.ClientID, "familyDBId": f.WireID, "familyUUID": f.ID,
			"insurees": insurees, "policies": policies})
	}
	out := map[string]any{"response": code, "family": families}
	if len(res.Warnings) > 0 {
		out["warnings"] = res.Warnings
	}
	return out
}
