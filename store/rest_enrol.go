package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// The enrolment upload of the Policies app (REST v3 POST family): families with their members,
// photos, policies and contributions, written in one transaction through the registers, so that
// the hooks decide districts, heads, policy dates, values and statuses and contribution effects
// exactly as for a record entered by hand.

// Enrolment answers (upstream uspConsumeEnrollments), which the app interprets.
const (
	EnrolAccepted         = 0
	EnrolNoHead           = -1   // the family has no head among its insurees
	EnrolHeadTaken        = -2   // the head's insurance number already belongs to another family
	EnrolDuplicateNumber  = -3   // an insurance number is already someone else's
	EnrolDuplicateReceipt = -4   // a receipt number is already used for the product
	EnrolDoubleHead       = -5   // the upload would give a family two heads
	EnrolInterrupted      = -6   // anything unexpected: nothing was written
	EnrolBadInput         = -400 // recorded for a body refused as bad input (the app's code for a failed upload)
)

// PhoneFamily is one family of an upload. Values are the family register's fields (location_id
// resolved from the village's wire id); the head is the insuree marked head, else the one whose
// number is HeadCHFID. New is set for a family the phone created (isOffline 1): an existing family
// with the head's number is then taken for this one only if the head is the same person.
type PhoneFamily struct {
	ClientID  int64
	HeadCHFID string
	New       bool
	Values    imis.Values
	Insurees  []PhoneInsuree
	Policies  []PhonePolicy
}

// PhoneInsuree is one member of an uploaded family: the insuree register's fields without
// family_id, and the photo if one came with it.
type PhoneInsuree struct {
	ClientID int64
	Head     bool
	Values   imis.Values
	Photo    *PhonePhoto
}

// PhonePhoto is a checked photo ready to store.
type PhonePhoto struct {
	FileName, ContentType string
	Data, Thumb           []byte
}

// PhonePolicy is one uploaded policy: product_id, officer_id (nil: the uploading officer),
// enroll_date and is_offline, the stage asked for, what the phone computed (hints only) and its
// contributions.
type PhonePolicy struct {
	ClientID int64
	Stage    string
	Values   imis.Values
	Hints    PhonePolicyHints
	Premiums []PhonePremium
}

// PhonePolicyHints are the dates, value and status the phone computed for a policy; the server
// computes its own and reports where they differ.
type PhonePolicyHints struct {
	Start, Effective, Expiry imis.Date
	Value                    *imis.Money
	Status                   int64
}

// PhonePremium is one uploaded contribution: the contribution register's fields without
// policy_id.
type PhonePremium struct {
	ClientID int64
	Values   imis.Values
}

// PhoneEnrolResult is the answer to an upload: the code and, when accepted, the server's ids of
// every record the phone sent, by the phone's own ids. Warnings list where the phone's policy
// figures differ from the server's.
type PhoneEnrolResult struct {
	Code     int                   `json:"code"`
	Families []PhoneEnrolledFamily `json:"families"`
	Warnings []string              `json:"warnings,omitempty"`
}

// PhoneRecord maps a phone id to the server's wire id and UUID.
type PhoneRecord struct {
	ClientID int64   `json:"client"`
	WireID   int64   `json:"wire"`
	ID       imis.ID `json:"id"`
}

// PhoneEnrolledFamily is an accepted family with its members and policies.
type PhoneEnrolledFamily struct {
	PhoneRecord
	Insurees []PhoneRecord         `json:"insurees"`
	Policies []PhoneEnrolledPolicy `json:"policies"`
}

// PhoneEnrolledPolicy is an accepted policy with its contributions.
type PhoneEnrolledPolicy struct {
	PhoneRecord
	Premiums []PhoneRecord `json:"premiums"`
}

// PhoneInvalid is an upload refused because a value breaks a register's rule (a number failing
// the scheme's check digit, a product not sold in the village, ...). Register says whose field
// Err's problems name.
type PhoneInvalid struct {
	Register *imis.Register
	Err      error
}

func (e *PhoneInvalid) Error() string { return e.Register.Name + ": " + e.Err.Error() }

func (e *PhoneInvalid) Unwrap() error { return e.Err }

// phoneRefusal ends the upload's transaction with an answer code.
type phoneRefusal struct{ code int }

func (e *phoneRefusal) Error() string { return "enrolment refused: " + strconv.Itoa(e.code) }

// phoneInvalid wraps a register's refusal of a value; other errors pass unchanged.
func phoneInvalid(reg *imis.Register, err error) error {
	var e *imis.Error
	if errors.As(err, &e) && e.Code == imis.EINVALID {
		return &PhoneInvalid{Register: reg, Err: err}
	}
	return err
}

// phoneRaceConflict reports whether err is a unique-index violation on an exactly-once key, which only
// a concurrent upload of the same records can cause (the upload checks each key first).
func phoneRaceConflict(err error) bool {
	switch imis.ReasonOf(err) {
	case imis.ReasonDuplicate, imis.ReasonReceiptUsed, imis.ReasonPolicyDuplicate:
		return true
	}
	return false
}

// EnrolUpload writes an enrolment upload in one transaction, or nothing at all. A payload the
// same user sent and got accepted before is answered as then; a resent upload whose records are
// already there (the same families, numbers, policies and receipts) creates nothing twice and
// answers with the ids stored the first time. Refusals are answered with their code and recorded
// as rejected uploads; a PhoneInvalid error is bad input, also recorded.
func (db *DB) EnrolUpload(ctx context.Context, u Upload, source, sourceVersion string, families []PhoneFamily) (*PhoneEnrolResult, error) {
	var res *PhoneEnrolResult
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = db.inTx(ctx, func(tx *Tx) error {
			res = nil
			if resp, _, found, err := acceptedUpload(ctx, tx, u); err != nil {
				return err
			} else if found {
				var stored PhoneEnrolResult
				if err := json.Unmarshal([]byte(resp), &stored); err == nil {
					res = &stored
					return nil
				}
			}
			e := &phoneEnrolment{tx: tx, u: u, source: source, sourceVersion: sourceVersion, receipts: map[string]bool{}}
			r := &PhoneEnrolResult{Code: EnrolAccepted}
			first := imis.NilID
			for i := range families {
				f, err := e.family(ctx, &families[i])
				if err != nil {
					return err
				}
				if first == imis.NilID {
					first = f.ID
				}
				r.Families = append(r.Families, *f)
			}
			r.Warnings = e.warnings
			resp, err := json.Marshal(r)
			if err != nil {
				return err
			}
			res = r
			return tx.recordUpload(ctx, u, EnrolAccepted, true, first, string(resp))
		})
		if !phoneRaceConflict(err) {
			break
		}
	}
	var refused *phoneRefusal
	var bad *PhoneInvalid
	switch {
	case err == nil:
		return res, nil
	case errors.As(err, &refused):
		res = &PhoneEnrolResult{Code: refused.code}
	case errors.As(err, &bad):
		if rerr := db.RecordUpload(ctx, u, EnrolBadInput, ""); rerr != nil {
			return nil, rerr
		}
		return nil, bad
	case phoneRaceConflict(err):
		res = &PhoneEnrolResult{Code: EnrolDuplicateNumber}
		if imis.ReasonOf(err) == imis.ReasonReceiptUsed {
			res.Code = EnrolDuplicateReceipt
		}
	default:
		// Unexpected: nothing was written; the upload is recorded as interrupted and the
		// caller logs err.
		if rerr := db.RecordUpload(ctx, u, EnrolInterrupted, ""); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return &PhoneEnrolResult{Code: EnrolInterrupted}, err
	}
	b, _ := json.Marshal(res)
	if rerr := db.RecordUpload(ctx, u, int64(res.Code), string(b)); rerr != nil {
		return nil, rerr
	}
	return res, nil
}

// phoneEnrolment is the state of one upload's transaction.
type phoneEnrolment struct {
	tx                    *Tx
	u                     Upload
	source, sourceVersion string
	receipts              map[string]bool // product|receipt of the upload's contributions
	warnings              []string
}

func (e *phoneEnrolment) warn(format string, args ...any) {
	e.warnings = append(e.warnings, fmt.Sprintf(format, args...))
}

func (e *phoneEnrolment) stamp(v imis.Values) imis.Values {
	out := maps.Clone(v)
	if out == nil {
		out = imis.Values{}
	}
	out["source"], out["source_version"] = nilIfEmpty(e.source), nilIfEmpty(e.sourceVersion)
	return out
}

// phoneInsureeRow is the current insuree holding an insurance number.
type phoneInsureeRow struct {
	id, family           imis.ID
	wire                 int64
	last, other          string
	dob                  imis.Date
	head                 bool // head of their family
	familyWire           int64
	familyFound, present bool
}

func (e *phoneEnrolment) insureeByCHFID(ctx context.Context, chfid string) (phoneInsureeRow, error) {
	var x phoneInsureeRow
	var wire, famWire sql.NullInt64
	var head uuid.NullUUID
	err := e.tx.QueryRowContext(ctx, `SELECT i.id, i.family_id, i.wire_id, i.last_name, i.other_names, i.dob, f.wire_id, f.head_id
		FROM insurees i LEFT JOIN families f ON f.id = i.family_id AND f.validity_to IS NULL
		WHERE i.chfid = $1 AND i.validity_to IS NULL`, chfid).
		Scan(&x.id, &x.family, &wire, &x.last, &x.other, &x.dob, &famWire, &head)
	if errors.Is(err, sql.ErrNoRows) {
		return x, nil
	} else if err != nil {
		return x, err
	}
	x.present, x.wire, x.familyWire, x.familyFound = true, wire.Int64, famWire.Int64, famWire.Valid
	x.head = head.Valid && head.UUID == x.id
	return x, nil
}

func phoneSamePerson(x phoneInsureeRow, v imis.Values) bool {
	eq := func(a, key string) bool {
		return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(v.Text(key)))
	}
	return eq(x.last, "last_name") && eq(x.other, "other_names") && sameDate(x.dob, v.Date("dob"))
}

// family writes (or recognises) one family and everything under it.
func (e *phoneEnrolment) family(ctx context.Context, f *PhoneFamily) (*PhoneEnrolledFamily, error) {
	tx := e.tx
	// The head: the one member marked head, who must be the member HeadCHFID names if it names one.
	headIdx := -1
	seen := map[string]bool{}
	for i, ins := range f.Insurees {
		chfid := strings.TrimSpace(ins.Values.Text("chfid"))
		if seen[chfid] {
			return nil, &phoneRefusal{EnrolDuplicateNumber}
		}
		seen[chfid] = true
		if ins.Head {
			if headIdx >= 0 {
				return nil, &phoneRefusal{EnrolDoubleHead}
			}
			headIdx = i
		}
	}
	headCHFID := strings.TrimSpace(f.HeadCHFID)
	switch {
	case headIdx >= 0 && headCHFID != "" && f.Insurees[headIdx].Values.Text("chfid") != headCHFID:
		return nil, &phoneRefusal{EnrolDoubleHead}
	case headIdx >= 0:
		headCHFID = f.Insurees[headIdx].Values.Text("chfid")
	case headCHFID != "":
		for i, ins := range f.Insurees {
			if ins.Values.Text("chfid") == headCHFID {
				headIdx = i
			}
		}
	}
	if headCHFID == "" {
		return nil, &phoneRefusal{EnrolNoHead}
	}
	holder, err := e.insureeByCHFID(ctx, headCHFID)
	if err != nil {
		return nil, err
	}

	out := &PhoneEnrolledFamily{PhoneRecord: PhoneRecord{ClientID: f.ClientID}}
	var familyID imis.ID
	ids := map[int]PhoneRecord{} // by index in f.Insurees
	switch {
	case !holder.present:
		// A new family: the family first, then its head, who names it.
		if headIdx < 0 {
			return nil, &phoneRefusal{EnrolNoHead}
		}
		fam, err := tx.create(ctx, imis.Families, e.stamp(f.Values), nil, saveOptions{})
		if err != nil {
			return nil, phoneInvalid(imis.Families, err)
		}
		familyID, out.WireID, out.ID = fam.ID, fam.WireID, fam.ID
		rec, err := e.createInsuree(ctx, familyID, &f.Insurees[headIdx], true)
		if err != nil {
			return nil, err
		}
		ids[headIdx] = rec
	case !holder.familyFound || !holder.head:
		// The number belongs to a member of a family: as head of the upload's family it would
		// give that family a second head; as head of a new family it is taken.
		if holder.familyFound && f.ClientID > 0 && f.ClientID == holder.familyWire {
			return nil, &phoneRefusal{EnrolDoubleHead}
		}
		return nil, &phoneRefusal{EnrolHeadTaken}
	case f.New && headIdx >= 0 && !phoneSamePerson(holder, f.Insurees[headIdx].Values):
		// A family made on the phone whose head's number is already someone else's.
		return nil, &phoneRefusal{EnrolHeadTaken}
	default:
		// The family is already here: sent before, or downloaded and edited on the phone. One
		// outside the user's districts is not theirs to change: its head's number is taken.
		var q query
		q.WriteString("SELECT COUNT(*) FROM families t WHERE t.id = " + q.arg(holder.family) + " AND t.validity_to IS NULL AND " +
			scopePredicate(&q, imis.Families, tx.user, true))
		var mine int
		if err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&mine); err != nil {
			return nil, err
		}
		if mine == 0 {
			return nil, &phoneRefusal{EnrolHeadTaken}
		}
		familyID, out.WireID, out.ID = holder.family, holder.familyWire, holder.family
		if err := e.updateFamily(ctx, familyID, f); err != nil {
			return nil, err
		}
	}

	for i := range f.Insurees {
		if _, done := ids[i]; done {
			continue
		}
		ins := &f.Insurees[i]
		x, err := e.insureeByCHFID(ctx, ins.Values.Text("chfid"))
		if err != nil {
			return nil, err
		}
		switch {
		case !x.present:
			rec, err := e.createInsuree(ctx, familyID, ins, false)
			if err != nil {
				return nil, err
			}
			ids[i] = rec
		case x.family != familyID:
			return nil, &phoneRefusal{EnrolDuplicateNumber}
		default:
			if err := e.updateInsuree(ctx, x, ins); err != nil {
				return nil, err
			}
			ids[i] = PhoneRecord{ClientID: ins.ClientID, WireID: x.wire, ID: x.id}
		}
	}
	for i := range f.Insurees {
		out.Insurees = append(out.Insurees, ids[i])
	}

	for i := range f.Policies {
		p, err := e.policy(ctx, familyID, &f.Policies[i])
		if err != nil {
			return nil, err
		}
		out.Policies = append(out.Policies, *p)
	}
	return out, nil
}

// updateFamily applies the uploaded family's details to the stored family when they differ. The
// village stays: openIMIS does not let a phone move a family.
func (e *phoneEnrolment) updateFamily(ctx context.Context, familyID imis.ID, f *PhoneFamily) error {
	cur, err := e.tx.db.findByID(ctx, e.tx, imis.Families, familyID, true)
	if err != nil {
		return phoneInvalid(imis.Families, err)
	}
	v := maps.Clone(cur.Values)
	for k, val := range f.Values {
		if k != "location_id" {
			v[k] = val
		}
	}
	if loc, ok := f.Values["location_id"].(imis.ID); ok && loc != cur.Values.ID("location_id") {
		e.warn("Family %v: the village was not changed", f.ClientID)
	}
	if sameValues(imis.Families, cur.Values, v) {
		return nil
	}
	_, err = e.tx.update(ctx, imis.Families, familyID, cur.Version, v, nil, saveOptions{})
	return phoneInvalid(imis.Families, err)
}

// createInsuree registers a member of the family, with their photo; headOfNewFamily marks the
// head of a family the upload has just created.
func (e *phoneEnrolment) createInsuree(ctx context.Context, familyID imis.ID, ins *PhoneInsuree, headOfNewFamily bool) (PhoneRecord, error) {
	v := e.stamp(ins.Values)
	v["family_id"] = familyID
	opts := saveOptions{headOfNewFamily: headOfNewFamily}
	if ins.Photo != nil {
		opts.computed = imis.Values{"photo_file": ins.Photo.FileName, "photo_date": e.tx.today()}
	}
	rec, err := e.tx.create(ctx, imis.Insurees, v, nil, opts)
	if err != nil {
		return PhoneRecord{}, phoneInvalid(imis.Insurees, err)
	}
	if ins.Photo != nil {
		if err := e.insertPhoto(ctx, rec.ID, ins.Photo); err != nil {
			return PhoneRecord{}, err
		}
	}
	return PhoneRecord{ClientID: ins.ClientID, WireID: rec.WireID, ID: rec.ID}, nil
}

// updateInsuree applies an uploaded member's details, and a new photo, to the stored insuree when
// they differ; a member sent again unchanged is left alone.
func (e *phoneEnrolment) updateInsuree(ctx context.Context, x phoneInsureeRow, ins *PhoneInsuree) error {
	cur, err := e.tx.db.findByID(ctx, e.tx, imis.Insurees, x.id, true)
	if err != nil {
		return phoneInvalid(imis.Insurees, err)
	}
	v := maps.Clone(cur.Values)
	for k, val := range ins.Values {
		// The phone knows nothing of an insuree's status: it stays as the server has it.
		if k != "status" && k != "status_date" && k != "status_reason" {
			v[k] = val
		}
	}
	newPhoto := false
	if ins.Photo != nil {
		var current []byte
		err := e.tx.QueryRowContext(ctx, "SELECT data FROM photos WHERE insuree_id = $1 AND validity_to IS NULL ORDER BY validity_from DESC LIMIT 1", x.id).Scan(&current)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		newPhoto = !bytes.Equal(current, ins.Photo.Data)
	}
	if !newPhoto && sameValues(imis.Insurees, cur.Values, v) {
		return nil
	}
	var opts saveOptions
	if newPhoto {
		if err := e.insertPhoto(ctx, x.id, ins.Photo); err != nil {
			return err
		}
		opts.computed = imis.Values{"photo_file": ins.Photo.FileName, "photo_date": e.tx.today()}
	}
	_, err = e.tx.update(ctx, imis.Insurees, x.id, cur.Version, v, nil, opts)
	return phoneInvalid(imis.Insurees, err)
}

func (e *phoneEnrolment) insertPhoto(ctx context.Context, insureeID imis.ID, p *PhonePhoto) error {
	return e.tx.replacePhoto(ctx, insureeID, p.FileName, p.ContentType, p.Data, p.Thumb, e.tx.today(), nilIfZero(e.u.OfficerID))
}

// policy writes (or recognises, by family, product, enrolment date and stage) one policy and its
// contributions, and compares the server's figures with the phone's.
func (e *phoneEnrolment) policy(ctx context.Context, familyID imis.ID, p *PhonePolicy) (*PhoneEnrolledPolicy, error) {
	tx := e.tx
	v := e.stamp(p.Values)
	v["family_id"] = familyID
	if v["officer_id"] == nil {
		if e.u.OfficerID == imis.NilID {
			return nil, phoneInvalid(imis.Policies, fieldError("officer_id", "error.required"))
		}
		v["officer_id"] = e.u.OfficerID
	}
	productID := v.ID("product_id")
	stage := imis.StageNew
	if strings.EqualFold(strings.TrimSpace(p.Stage), imis.StageRenewal) {
		var prev imis.ID
		err := tx.QueryRowContext(ctx, `SELECT id FROM policies WHERE family_id = $1 AND validity_to IS NULL AND status IN ($2, $3)
			AND (product_id = $4 OR product_id IN (SELECT c.id FROM products c WHERE c.conversion_product_id = $4 AND c.validity_to IS NULL))
			AND enroll_date < $5 ORDER BY expiry_date DESC, id DESC LIMIT 1`,
			familyID, int64(imis.PolicyActive), int64(imis.PolicyExpired), productID, v["enroll_date"]).Scan(&prev)
		switch {
		case err == nil:
			stage, v["previous_id"] = imis.StageRenewal, prev
		case errors.Is(err, sql.ErrNoRows):
			e.warn("Policy %v: no previous policy to renew, enrolled as a new policy", p.ClientID)
		default:
			return nil, err
		}
	}
	out := &PhoneEnrolledPolicy{PhoneRecord: PhoneRecord{ClientID: p.ClientID}}
	var wire sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, wire_id FROM policies WHERE family_id = $1 AND product_id = $2 AND enroll_date = $3 AND stage = $4
		AND validity_to IS NULL`, familyID, productID, v["enroll_date"], stage).Scan(&out.ID, &wire)
	switch {
	case err == nil:
		out.WireID = wire.Int64
	case errors.Is(err, sql.ErrNoRows):
		rec, err := tx.create(ctx, imis.Policies, v, nil, saveOptions{})
		if err != nil {
			return nil, phoneInvalid(imis.Policies, explainIndexConflict(err, v))
		}
		out.ID, out.WireID = rec.ID, rec.WireID
	default:
		return nil, err
	}
	for i := range p.Premiums {
		rec, err := e.premium(ctx, out.ID, productID, &p.Premiums[i])
		if err != nil {
			return nil, err
		}
		out.Premiums = append(out.Premiums, rec)
	}
	return out, e.compareHints(ctx, out.ID, p)
}

// premium writes (or recognises, by product and receipt) one contribution of a policy. A receipt
// already used for the product by another policy, or twice in the upload, refuses the upload.
func (e *phoneEnrolment) premium(ctx context.Context, policyID, productID imis.ID, pr *PhonePremium) (PhoneRecord, error) {
	tx := e.tx
	receipt := strings.TrimSpace(pr.Values.Text("receipt"))
	key := productID.String() + "|" + receipt
	if e.receipts[key] {
		return PhoneRecord{}, &phoneRefusal{EnrolDuplicateReceipt}
	}
	e.receipts[key] = true
	out := PhoneRecord{ClientID: pr.ClientID}
	var owner imis.ID
	var wire sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT id, wire_id, policy_id FROM premiums WHERE product_id = $1 AND receipt = $2 AND validity_to IS NULL",
		productID, receipt).Scan(&out.ID, &wire, &owner)
	switch {
	case err == nil && owner == policyID:
		out.WireID = wire.Int64
		return out, nil
	case err == nil:
		return out, &phoneRefusal{EnrolDuplicateReceipt}
	case !errors.Is(err, sql.ErrNoRows):
		return out, err
	}
	v := e.stamp(pr.Values)
	v["policy_id"] = policyID
	// A phone cannot answer the payment prompt: an underpaid or late contribution leaves the
	// policy waiting, as openIMIS's upload does.
	rec, err := tx.create(ctx, imis.Contributions, v, nil, saveOptions{decision: imis.DecisionWait})
	if err != nil {
		err = explainIndexConflict(err, v)
		if imis.ReasonOf(err) == imis.ReasonReceiptUsed {
			return out, &phoneRefusal{EnrolDuplicateReceipt}
		}
		return out, phoneInvalid(imis.Contributions, err)
	}
	out.ID, out.WireID = rec.ID, rec.WireID
	return out, nil
}

// compareHints reports where the phone's figures for a policy differ from the server's.
func (e *phoneEnrolment) compareHints(ctx context.Context, policyID imis.ID, p *PhonePolicy) error {
	var start, effective, expiry imis.Date
	var value, status sql.NullInt64
	if err := e.tx.QueryRowContext(ctx, "SELECT start_date, effective_date, expiry_date, value, status FROM policies WHERE id = $1", policyID).
		Scan(&start, &effective, &expiry, &value, &status); err != nil {
		return err
	}
	h := p.Hints
	for _, d := range []struct {
		name       string
		sent, have imis.Date
	}{{"start date", h.Start, start}, {"effective date", h.Effective, effective}, {"expiry date", h.Expiry, expiry}} {
		if !d.sent.IsZero() && !sameDate(d.sent, d.have) {
			e.warn("Policy %v: %v %v, not %v as sent", p.ClientID, d.name, d.have, d.sent)
		}
	}
	if h.Value != nil && int64(*h.Value) != value.Int64 {
		e.warn("Policy %v: value %v, not %v as sent", p.ClientID, imis.Money(value.Int64), *h.Value)
	}
	if h.Status != 0 && h.Status != status.Int64 {
		e.warn("Policy %v: status %v, not %v as sent", p.ClientID, status.Int64, h.Status)
	}
	return nil
}
