package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// The enrolment upload of the mobile app: families with their members, photos, policies and
// contributions, written in one transaction through the registers, so that the hooks decide
// districts, heads, policy dates, values and statuses and contribution effects exactly as for a
// record entered by hand.

// FamilyUpload is one uploaded family. Values are the family register's fields; the head is the
// insuree marked head, else the one whose number is HeadCHFID. New is set for a family the sender
// created offline: an existing family with the head's number is then taken for this one only if
// the head is the same person. ClientIDs are the sender's own ids of its records.
type FamilyUpload struct {
	ClientID  int64
	HeadCHFID string
	New       bool
	Values    imis.Values
	Insurees  []UploadedInsuree
	Policies  []UploadedPolicy
}

// UploadedInsuree is one member of an uploaded family: the insuree register's fields without
// family_id, and the photo if one came with it.
type UploadedInsuree struct {
	ClientID int64
	Head     bool
	Values   imis.Values
	Photo    *InsureePhoto
}

// InsureePhoto is a checked photo ready to store. Officer is the enrolment officer who took it,
// when known.
type InsureePhoto struct {
	FileName, ContentType string
	Data, Thumb           []byte
	Officer               imis.ID
}

// UploadedPolicy is one uploaded policy: product_id, officer_id (nil: the uploading officer),
// enroll_date and is_offline, the stage asked for, the figures the sender computed and its
// contributions.
type UploadedPolicy struct {
	ClientID      int64
	Stage         string
	Values        imis.Values
	Figures       PolicyFigures
	Contributions []UploadedContribution
}

// PolicyFigures are the dates, value and status the sender computed for a policy; the server
// computes its own and reports where they differ.
type PolicyFigures struct {
	Start, Effective, Expiry imis.Date
	Value                    *imis.Money
	Status                   int64
}

// UploadedContribution is one uploaded contribution: the contribution register's fields without
// policy_id.
type UploadedContribution struct {
	ClientID int64
	Values   imis.Values
}

// UploadResult is what an accepted upload saved: the server's ids of every record sent, by the
// sender's own ids. Warnings list where the sender's policy figures differ from the server's.
type UploadResult struct {
	Families []SavedFamily
	Warnings []string
}

// SavedRecord maps a sender's id to the server's wire id and UUID.
type SavedRecord struct {
	ClientID int64
	WireID   int64
	ID       imis.ID
}

// SavedFamily is an accepted family with its members and policies.
type SavedFamily struct {
	SavedRecord
	Insurees []SavedRecord
	Policies []SavedPolicy
}

// SavedPolicy is an accepted policy with its contributions.
type SavedPolicy struct {
	SavedRecord
	Contributions []SavedRecord
}

// InvalidUpload is an upload refused because a value breaks a register's rule (a number failing
// the scheme's check digit, a product not sold in the village, ...). Register says whose field
// Err's problems name.
type InvalidUpload struct {
	Register *imis.Register
	Err      error
}

func (e *InvalidUpload) Error() string { return e.Register.Name + ": " + e.Err.Error() }

func (e *InvalidUpload) Unwrap() error { return e.Err }

// invalidUpload wraps a register's refusal of a value; other errors pass unchanged.
func invalidUpload(reg *imis.Register, err error) error {
	var e *imis.Error
	if errors.As(err, &e) && e.Code == imis.EINVALID {
		return &InvalidUpload{Register: reg, Err: err}
	}
	return err
}

// invalidEnrolment is a refusal of an enrolment command as the upload answers it: a value a
// register refused names the register.
func invalidEnrolment(err error) error {
	var r *refusedValue
	if errors.As(err, &r) {
		return &InvalidUpload{Register: r.reg, Err: r.err}
	}
	return err
}

// raceConflict reports whether err is a unique-index violation on an exactly-once key, which only
// a concurrent upload of the same records can cause (the upload checks each key first).
func raceConflict(err error) bool {
	var refused *refusedUpload
	if errors.As(err, &refused) {
		return false
	}
	switch imis.ReasonOf(err) {
	case imis.ReasonDuplicate, imis.ReasonReceiptUsed, imis.ReasonPolicyDuplicate:
		return true
	}
	return false
}

// EnrolUpload writes an enrolment upload in one transaction, or nothing at all. A payload the
// same user sent and got accepted before is answered as then; a resent upload whose records are
// already there (the same families, numbers, policies and receipts) creates nothing twice and
// answers with the ids stored the first time. A refusal carries its reason (no head, a number or
// receipt taken, two heads), an *InvalidUpload is bad input; the caller records either with the
// result it answers.
func (db *DB) EnrolUpload(ctx context.Context, u Upload, source, sourceVersion string, families []FamilyUpload) (*UploadResult, error) {
	var res *UploadResult
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		err = db.inTx(ctx, func(tx *Tx) error {
			res = nil
			if resp, found, err := acceptedUpload(ctx, tx, u); err != nil {
				return err
			} else if found {
				if stored, err := decodeUploadResult(resp); err == nil {
					res = stored
					return nil
				}
			}
			e := &familyUpload{tx: tx, u: u, source: source, sourceVersion: sourceVersion, receipts: map[string]bool{}}
			r := &UploadResult{}
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
			resp, err := encodeUploadResult(r)
			if err != nil {
				return err
			}
			res = r
			return tx.recordUpload(ctx, u, u.AcceptedResult, true, first, resp)
		})
		if !raceConflict(err) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// storedResult is an accepted upload's result as the uploads table keeps it. Its field names
// match the keys of the results stored by earlier versions, which JSON reads without regard to
// case, so that those uploads replay alike.
type storedResult struct {
	Families []storedFamily
	Warnings []string
}

type storedRecord struct {
	Client, Wire int64
	ID           imis.ID
}

type storedFamily struct {
	storedRecord
	Insurees []storedRecord
	Policies []storedPolicy
}

type storedPolicy struct {
	storedRecord
	Premiums []storedRecord
}

func encodeUploadResult(r *UploadResult) (string, error) {
	rec := func(x SavedRecord) storedRecord { return storedRecord{Client: x.ClientID, Wire: x.WireID, ID: x.ID} }
	out := storedResult{Warnings: r.Warnings}
	for _, f := range r.Families {
		sf := storedFamily{storedRecord: rec(f.SavedRecord)}
		for _, i := range f.Insurees {
			sf.Insurees = append(sf.Insurees, rec(i))
		}
		for _, p := range f.Policies {
			sp := storedPolicy{storedRecord: rec(p.SavedRecord)}
			for _, c := range p.Contributions {
				sp.Premiums = append(sp.Premiums, rec(c))
			}
			sf.Policies = append(sf.Policies, sp)
		}
		out.Families = append(out.Families, sf)
	}
	b, err := json.Marshal(out)
	return string(b), err
}

func decodeUploadResult(s string) (*UploadResult, error) {
	var in storedResult
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, err
	}
	rec := func(x storedRecord) SavedRecord { return SavedRecord{ClientID: x.Client, WireID: x.Wire, ID: x.ID} }
	out := &UploadResult{Warnings: in.Warnings}
	for _, f := range in.Families {
		sf := SavedFamily{SavedRecord: rec(f.storedRecord)}
		for _, i := range f.Insurees {
			sf.Insurees = append(sf.Insurees, rec(i))
		}
		for _, p := range f.Policies {
			sp := SavedPolicy{SavedRecord: rec(p.storedRecord)}
			for _, c := range p.Premiums {
				sp.Contributions = append(sp.Contributions, rec(c))
			}
			sf.Policies = append(sf.Policies, sp)
		}
		out.Families = append(out.Families, sf)
	}
	return out, nil
}

// familyUpload is the state of one upload's transaction.
type familyUpload struct {
	tx                    *Tx
	u                     Upload
	source, sourceVersion string
	receipts              map[string]bool // product|receipt of the upload's contributions
	warnings              []string
}

func (e *familyUpload) warn(format string, args ...any) {
	e.warnings = append(e.warnings, fmt.Sprintf(format, args...))
}

func (e *familyUpload) stamp(v imis.Values) imis.Values {
	out := maps.Clone(v)
	if out == nil {
		out = imis.Values{}
	}
	out["source"], out["source_version"] = nilIfEmpty(e.source), nilIfEmpty(e.sourceVersion)
	return out
}

// numberHolder is the current insuree holding an insurance number.
type numberHolder struct {
	id, family           imis.ID
	wire                 int64
	last, other          string
	dob                  imis.Date
	head                 bool // head of their family
	familyWire           int64
	familyFound, present bool
}

func (e *familyUpload) insureeByCHFID(ctx context.Context, chfid string) (numberHolder, error) {
	var x numberHolder
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

func samePerson(x numberHolder, v imis.Values) bool {
	eq := func(a, key string) bool {
		return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(v.Text(key)))
	}
	return eq(x.last, "last_name") && eq(x.other, "other_names") && sameDate(x.dob, v.Date("dob"))
}

// family writes (or recognises) one family and everything under it.
func (e *familyUpload) family(ctx context.Context, f *FamilyUpload) (*SavedFamily, error) {
	tx := e.tx
	// The head: the one member marked head, who must be the member HeadCHFID names if it names one.
	headIdx := -1
	seen := map[string]bool{}
	for i, ins := range f.Insurees {
		chfid := strings.TrimSpace(ins.Values.Text("chfid"))
		if seen[chfid] {
			return nil, refuseUpload(imis.ReasonNumberTaken)
		}
		seen[chfid] = true
		if ins.Head {
			if headIdx >= 0 {
				return nil, refuseUpload(imis.ReasonTwoHeads)
			}
			headIdx = i
		}
	}
	headCHFID := strings.TrimSpace(f.HeadCHFID)
	switch {
	case headIdx >= 0 && headCHFID != "" && f.Insurees[headIdx].Values.Text("chfid") != headCHFID:
		return nil, refuseUpload(imis.ReasonTwoHeads)
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
		return nil, refuseUpload(imis.ReasonNoHead)
	}
	holder, err := e.insureeByCHFID(ctx, headCHFID)
	if err != nil {
		return nil, err
	}

	out := &SavedFamily{SavedRecord: SavedRecord{ClientID: f.ClientID}}
	var familyID imis.ID
	ids := map[int]SavedRecord{} // by index in f.Insurees
	switch {
	case !holder.present:
		// A new family: the enrolment command saves the family, then its head, who names it, then
		// the members. A member's number already held elsewhere refuses the upload. The policies
		// follow one by one below, through the enrolment's per-policy command: a renewal, or a
		// policy sent twice, is recognised from the policies saved before it.
		if headIdx < 0 {
			return nil, refuseUpload(imis.ReasonNoHead)
		}
		enrolment := Enrolment{Family: e.stamp(f.Values), Head: e.stamp(f.Insurees[headIdx].Values),
			Photos: []*InsureePhoto{e.photo(f.Insurees[headIdx].Photo)}}
		var order []int // the members' indexes in f.Insurees, in enrolment order
		for i := range f.Insurees {
			if i == headIdx {
				continue
			}
			x, err := e.insureeByCHFID(ctx, f.Insurees[i].Values.Text("chfid"))
			if err != nil {
				return nil, err
			}
			if x.present {
				return nil, refuseUpload(imis.ReasonNumberTaken)
			}
			enrolment.Members = append(enrolment.Members, e.stamp(f.Insurees[i].Values))
			enrolment.Photos = append(enrolment.Photos, e.photo(f.Insurees[i].Photo))
			order = append(order, i)
		}
		res, err := tx.enrol(ctx, enrolment)
		if err != nil {
			return nil, invalidEnrolment(err)
		}
		familyID, out.WireID, out.ID = res.Family.ID, res.Family.WireID, res.Family.ID
		ids[headIdx] = SavedRecord{ClientID: f.Insurees[headIdx].ClientID, WireID: res.Head.WireID, ID: res.Head.ID}
		for n, i := range order {
			ids[i] = SavedRecord{ClientID: f.Insurees[i].ClientID, WireID: res.Members[n].WireID, ID: res.Members[n].ID}
		}
	case !holder.familyFound || !holder.head:
		// The number belongs to a member of a family: as head of the upload's family it would
		// give that family a second head; as head of a new family it is taken.
		if holder.familyFound && f.ClientID > 0 && f.ClientID == holder.familyWire {
			return nil, refuseUpload(imis.ReasonTwoHeads)
		}
		return nil, refuseUpload(imis.ReasonHeadTaken)
	case f.New && headIdx >= 0 && !samePerson(holder, f.Insurees[headIdx].Values):
		// A family made offline whose head's number is already someone else's.
		return nil, refuseUpload(imis.ReasonHeadTaken)
	default:
		// The family is already here: sent before, or downloaded and edited offline. One
		// outside the user's districts is not theirs to change: its head's number is taken.
		var q query
		q.WriteString("SELECT COUNT(*) FROM families t WHERE t.id = " + q.arg(holder.family) + " AND t.validity_to IS NULL AND " +
			scopePredicate(&q, imis.Families, tx.user, true))
		var mine int
		if err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&mine); err != nil {
			return nil, err
		}
		if mine == 0 {
			return nil, refuseUpload(imis.ReasonHeadTaken)
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
			rec, err := tx.createInsuree(ctx, familyID, e.stamp(ins.Values), e.photo(ins.Photo), false)
			if err != nil {
				return nil, invalidEnrolment(err)
			}
			ids[i] = SavedRecord{ClientID: ins.ClientID, WireID: rec.WireID, ID: rec.ID}
		case x.family != familyID:
			return nil, refuseUpload(imis.ReasonNumberTaken)
		default:
			if err := e.updateInsuree(ctx, x, ins); err != nil {
				return nil, err
			}
			ids[i] = SavedRecord{ClientID: ins.ClientID, WireID: x.wire, ID: x.id}
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
// village stays: openIMIS does not let an upload move a family.
func (e *familyUpload) updateFamily(ctx context.Context, familyID imis.ID, f *FamilyUpload) error {
	cur, err := e.tx.db.findByID(ctx, e.tx, imis.Families, familyID, true)
	if err != nil {
		return invalidUpload(imis.Families, err)
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
	return invalidUpload(imis.Families, err)
}

// photo is an uploaded photo as taken by the uploading officer.
func (e *familyUpload) photo(p *InsureePhoto) *InsureePhoto {
	if p == nil {
		return nil
	}
	taken := *p
	taken.Officer = e.u.OfficerID
	return &taken
}

// updateInsuree applies an uploaded member's details, and a new photo, to the stored insuree when
// they differ; a member sent again unchanged is left alone.
func (e *familyUpload) updateInsuree(ctx context.Context, x numberHolder, ins *UploadedInsuree) error {
	cur, err := e.tx.db.findByID(ctx, e.tx, imis.Insurees, x.id, true)
	if err != nil {
		return invalidUpload(imis.Insurees, err)
	}
	v := maps.Clone(cur.Values)
	for k, val := range ins.Values {
		// The sender knows nothing of an insuree's status: it stays as the server has it.
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
		if err := e.tx.storePhoto(ctx, x.id, e.photo(ins.Photo)); err != nil {
			return err
		}
		opts.computed = imis.Values{"photo_file": ins.Photo.FileName, "photo_date": e.tx.today()}
	}
	_, err = e.tx.update(ctx, imis.Insurees, x.id, cur.Version, v, nil, opts)
	return invalidUpload(imis.Insurees, err)
}

// policy writes (or recognises, by family, product, enrolment date and stage) one policy and its
// contributions, and compares the server's figures with the sender's.
func (e *familyUpload) policy(ctx context.Context, familyID imis.ID, p *UploadedPolicy) (*SavedPolicy, error) {
	tx := e.tx
	v := e.stamp(p.Values)
	v["family_id"] = familyID
	if v["officer_id"] == nil {
		if e.u.OfficerID == imis.NilID {
			return nil, invalidUpload(imis.Policies, fieldError("officer_id", "error.required"))
		}
		v["officer_id"] = e.u.OfficerID
	}
	productID := v.ID("product_id")
	stage := imis.StageNew
	if strings.EqualFold(strings.TrimSpace(p.Stage), imis.StageRenewal) {
		var prev imis.ID
		var q query
		q.WriteString("SELECT id FROM policies WHERE family_id = " + q.arg(familyID) + " AND validity_to IS NULL AND status IN " + q.in(renewableStatuses()))
		product := q.arg(productID)
		q.WriteString(` AND (product_id = ` + product + ` OR product_id IN (SELECT c.id FROM products c WHERE c.conversion_product_id = ` + product +
			` AND c.validity_to IS NULL)) AND enroll_date < ` + q.arg(v["enroll_date"]) + ` ORDER BY expiry_date DESC, id DESC LIMIT 1`)
		err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&prev)
		switch {
		case err == nil:
			stage, v["previous_id"] = imis.StageRenewal, prev
		case errors.Is(err, sql.ErrNoRows):
			e.warn("Policy %v: no previous policy to renew, enrolled as a new policy", p.ClientID)
		default:
			return nil, err
		}
	}
	out := &SavedPolicy{SavedRecord: SavedRecord{ClientID: p.ClientID}}
	var wire sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT id, wire_id FROM policies WHERE family_id = $1 AND product_id = $2 AND enroll_date = $3 AND stage = $4
		AND validity_to IS NULL`, familyID, productID, v["enroll_date"], stage).Scan(&out.ID, &wire)
	switch {
	case err == nil:
		out.WireID = wire.Int64
		for i := range p.Contributions {
			rec, err := e.contribution(ctx, out.ID, productID, &p.Contributions[i])
			if err != nil {
				return nil, err
			}
			out.Contributions = append(out.Contributions, rec)
		}
	case errors.Is(err, sql.ErrNoRows):
		if err := e.newPolicy(ctx, familyID, v, p, out); err != nil {
			return nil, err
		}
	default:
		return nil, err
	}
	return out, e.compareFigures(ctx, out.ID, p)
}

// newPolicy creates a policy with its contributions through the enrolment's own per-policy
// command. An upload cannot answer the payment prompt: an underpaid or late contribution leaves
// the policy waiting, as openIMIS's upload does. A receipt already used for the product refuses
// the upload; the contribution's save finds it, also when this upload used it before.
func (e *familyUpload) newPolicy(ctx context.Context, familyID imis.ID, v imis.Values, p *UploadedPolicy, out *SavedPolicy) error {
	productID := v.ID("product_id")
	ep := EnrolledPolicy{Policy: v, Decision: imis.DecisionWait}
	for i := range p.Contributions {
		ep.Contributions = append(ep.Contributions, e.stamp(p.Contributions[i].Values))
		e.receipts[productID.String()+"|"+strings.TrimSpace(p.Contributions[i].Values.Text("receipt"))] = true
	}
	pol, paid, err := e.tx.enrolPolicy(ctx, familyID, ep)
	if imis.ReasonOf(err) == imis.ReasonReceiptUsed {
		return refuseUpload(imis.ReasonReceiptUsed)
	} else if err != nil {
		return invalidEnrolment(err)
	}
	out.ID, out.WireID = pol.ID, pol.WireID
	for i, r := range paid {
		out.Contributions = append(out.Contributions, SavedRecord{ClientID: p.Contributions[i].ClientID, WireID: r.WireID, ID: r.ID})
	}
	return nil
}

// contribution writes (or recognises, by product and receipt) one contribution of a policy. A receipt
// already used for the product by another policy, or twice in the upload, refuses the upload.
func (e *familyUpload) contribution(ctx context.Context, policyID, productID imis.ID, pr *UploadedContribution) (SavedRecord, error) {
	tx := e.tx
	receipt := strings.TrimSpace(pr.Values.Text("receipt"))
	key := productID.String() + "|" + receipt
	if e.receipts[key] {
		return SavedRecord{}, refuseUpload(imis.ReasonReceiptUsed)
	}
	e.receipts[key] = true
	out := SavedRecord{ClientID: pr.ClientID}
	var owner imis.ID
	var wire sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT id, wire_id, policy_id FROM premiums WHERE product_id = $1 AND receipt = $2 AND validity_to IS NULL",
		productID, receipt).Scan(&out.ID, &wire, &owner)
	switch {
	case err == nil && owner == policyID:
		out.WireID = wire.Int64
		return out, nil
	case err == nil:
		return out, refuseUpload(imis.ReasonReceiptUsed)
	case !errors.Is(err, sql.ErrNoRows):
		return out, err
	}
	v := e.stamp(pr.Values)
	v["policy_id"] = policyID
	// An upload cannot answer the payment prompt: an underpaid or late contribution leaves the
	// policy waiting, as openIMIS's upload does.
	rec, err := tx.create(ctx, imis.Contributions, v, nil, saveOptions{decision: imis.DecisionWait})
	if err != nil {
		err = explainIndexConflict(err, v)
		if imis.ReasonOf(err) == imis.ReasonReceiptUsed {
			return out, refuseUpload(imis.ReasonReceiptUsed)
		}
		return out, invalidUpload(imis.Contributions, err)
	}
	out.ID, out.WireID = rec.ID, rec.WireID
	return out, nil
}

// compareFigures reports where the sender's figures for a policy differ from the server's.
func (e *familyUpload) compareFigures(ctx context.Context, policyID imis.ID, p *UploadedPolicy) error {
	var start, effective, expiry imis.Date
	var value, status sql.NullInt64
	if err := e.tx.QueryRowContext(ctx, "SELECT start_date, effective_date, expiry_date, value, status FROM policies WHERE id = $1", policyID).
		Scan(&start, &effective, &expiry, &value, &status); err != nil {
		return err
	}
	h := p.Figures
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
