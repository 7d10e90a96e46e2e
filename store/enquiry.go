package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// The enquiry is the busiest read of the scheme (every visit at a facility starts with one), so
// it costs at most three indexed queries: the insuree by insurance number joined with all their
// coverage rows, policies and products; the deductible and remuneration ledger of all the
// insuree's policies, grouped by policy; and the insuree's claims counted per category and date.
// The two last ones are skipped when no product has a limit they would feed. The eligibility
// check adds a look-up of the item or service code and one grouped read of its claim lines. The
// rules themselves are the pure functions of package imis.

// limitColumns are the product columns imis.LimitsOf reads.
var limitColumns = func() []string {
	var cols []string
	for _, group := range []string{"insuree", "treatment", "policy"} {
		for _, kind := range []string{"ded", "max"} {
			for _, split := range []string{"", "ip_", "op_"} {
				cols = append(cols, kind+"_"+split+group)
			}
		}
	}
	cols = append(cols, "max_policy_extra_member", "max_policy_extra_member_ip", "max_policy_extra_member_op",
		"max_ceiling_policy", "max_ceiling_policy_ip", "max_ceiling_policy_op", "threshold", "max_members", "max_no_visits")
	for _, c := range []string{"consultation", "surgery", "delivery", "hospitalization", "antenatal"} {
		cols = append(cols, "max_no_"+c, "max_amount_"+c)
	}
	return cols
}()

// lineColumns are the product-line columns the eligibility check reads.
var lineColumns = []string{"waiting_period_adult", "waiting_period_child", "limit_no_adult", "limit_no_child"}

// enquiree is the insuree an enquiry is about, with their coverage rows.
type enquiree struct {
	e       imis.Enquiry
	members int
	rows    []coverRow
}

// coverRow is one coverage row with its policy and product, and the product's lines for the
// item and service asked about, if any.
type coverRow struct {
	facts   imis.CoverFacts
	item    *imis.LineCover
	service *imis.LineCover
}

// lineHolder receives the columns of one product line.
type lineHolder struct {
	id   uuid.NullUUID
	cols [4]sql.NullInt64
}

// findEnquiree reads, in one query, the current insuree with the insurance number (if the acting
// user's districts include them) with their first point of service, current photo and family
// size, and every current coverage row with its policy and product: the insuree's columns repeat
// on each row, which costs less than a second round trip. When itemID or serviceID is given, the
// product's current line for it comes along (a product has at most one per item or service).
func (db *DB) findEnquiree(ctx context.Context, chfid string, itemID, serviceID *imis.ID) (*enquiree, error) {
	chfid = strings.TrimSpace(chfid)
	if chfid == "" {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	var q query
	cols := make([]string, len(limitColumns))
	for i, c := range limitColumns {
		cols[i] = "pr." + c
	}
	q.WriteString(`SELECT t.id, t.wire_id, t.chfid, t.last_name, t.other_names, t.dob, t.gender, t.photo_file, h.code, h.name,
		(SELECT COUNT(*) FROM insurees fm WHERE fm.family_id = t.family_id AND fm.validity_to IS NULL),
		(SELECT ph.id FROM photos ph WHERE ph.insuree_id = t.id AND ph.validity_to IS NULL ORDER BY ph.photo_date DESC, ph.validity_from DESC LIMIT 1),
		ip.id, ip.effective_date, ip.expiry_date, p.id, p.wire_id, p.value, p.status, p.enroll_date, p.start_date, p.effective_date,
		pr.id, pr.code, pr.name, ` + strings.Join(cols, ", "))
	var joins string
	for _, line := range []struct {
		alias, table, column string
		id                   *imis.ID
	}{{"li", "product_items", "item_id", itemID}, {"ls", "product_services", "service_id", serviceID}} {
		if line.id == nil {
			continue
		}
		q.WriteString(", " + line.alias + ".id")
		for _, c := range lineColumns {
			q.WriteString(", " + line.alias + "." + c)
		}
		joins += " LEFT JOIN " + line.table + " " + line.alias + " ON " + line.alias + ".owner_id = pr.id AND " + line.alias + "." + line.column +
			" = " + q.arg(*line.id) + " AND " + line.alias + ".validity_to IS NULL"
	}
	q.WriteString(` FROM insurees t
		LEFT JOIN health_facilities h ON h.id = t.hf_id
		LEFT JOIN insuree_policies ip ON ip.insuree_id = t.id AND ip.validity_to IS NULL
		LEFT JOIN policies p ON p.id = ip.policy_id AND p.validity_to IS NULL
		LEFT JOIN products pr ON pr.id = p.product_id` + joins + `
		WHERE t.chfid = ` + q.arg(chfid) + ` AND t.validity_to IS NULL AND ` +
		scopePredicate(&q, imis.Insurees, imis.UserFromContext(ctx), false))
	rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var r *enquiree
	for rows.Next() {
		var e imis.Enquiry
		var members int
		var wire, pwire, value, status sql.NullInt64
		var photoFile, hfCode, hfName, code, name sql.NullString
		var photo, coverID, policyID, productID uuid.NullUUID
		var f imis.CoverFacts
		limits := make([]sql.NullInt64, len(limitColumns))
		dest := []any{&e.InsureeID, &wire, &e.CHFID, &e.LastName, &e.OtherNames, &e.DOB, &e.Gender, &photoFile, &hfCode, &hfName, &members, &photo,
			&coverID, &f.EffectiveDate, &f.ExpiryDate, &policyID, &pwire, &value, &status, &f.EnrollDate, &f.StartDate, &f.PolicyEffective,
			&productID, &code, &name}
		for i := range limits {
			dest = append(dest, &limits[i])
		}
		var itemLine, serviceLine lineHolder
		for _, h := range []struct {
			h  *lineHolder
			id *imis.ID
		}{{&itemLine, itemID}, {&serviceLine, serviceID}} {
			if h.id != nil {
				dest = append(dest, &h.h.id, &h.h.cols[0], &h.h.cols[1], &h.h.cols[2], &h.h.cols[3])
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, mapError(err)
		}
		if r == nil {
			e.WireID, e.PhotoFile, e.FSPCode, e.FSPName = wire.Int64, photoFile.String, hfCode.String, hfName.String
			e.PhotoID, e.HasPhoto = photo.UUID, photo.Valid
			r = &enquiree{e: e, members: members}
		}
		// A coverage row whose policy is no longer current (deleted) covers nothing.
		if !coverID.Valid || !policyID.Valid || !productID.Valid {
			continue
		}
		f.CoverID, f.PolicyID, f.ProductID, f.ProductCode, f.ProductName = coverID.UUID, policyID.UUID, productID.UUID, code.String, name.String
		f.PolicyWireID, f.PolicyValue, f.PolicyStatus = pwire.Int64, imis.Money(value.Int64), int(status.Int64)
		v := imis.Values{}
		for i, c := range limitColumns {
			if limits[i].Valid {
				v[c] = limits[i].Int64
			}
		}
		f.Limits = imis.LimitsOf(v)
		r.rows = append(r.rows, coverRow{facts: f, item: lineCover(f, itemLine), service: lineCover(f, serviceLine)})
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	if r == nil {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	return r, nil
}

// lineCover combines a coverage row with the product line read beside it, nil when the product
// has no line for the item or service.
func lineCover(f imis.CoverFacts, h lineHolder) *imis.LineCover {
	if !h.id.Valid {
		return nil
	}
	limit := func(n sql.NullInt64) *int64 {
		if !n.Valid {
			return nil
		}
		return &n.Int64
	}
	return &imis.LineCover{PolicyID: f.PolicyID, ProductCode: f.ProductCode, PolicyStatus: f.PolicyStatus,
		Effective: f.EffectiveDate, Expiry: f.ExpiryDate,
		WaitingAdult: int(h.cols[0].Int64), WaitingChild: int(h.cols[1].Int64),
		LimitNoAdult: limit(h.cols[2]), LimitNoChild: limit(h.cols[3])}
}

// readLedger sums the current deductible and remuneration ledger rows of every policy covering
// the insuree, in one grouped query: the insuree's own share and the whole policy's (a policy
// belongs to one family, so its rows are the family's).
func (db *DB) readLedger(ctx context.Context, insureeID imis.ID) (map[imis.ID]imis.DedRem, error) {
	var q query
	me := q.arg(insureeID)
	var sums []string
	for _, c := range []string{"ded_g", "ded_ip", "ded_op", "rem_g", "rem_ip", "rem_op"} {
		sums = append(sums, "CAST(COALESCE(SUM(CASE WHEN r.insuree_id = "+me+" THEN r."+c+" END), 0) AS BIGINT)")
	}
	for _, c := range []string{"ded_g", "ded_ip", "ded_op", "rem_g", "rem_ip", "rem_op"} {
		sums = append(sums, "CAST(COALESCE(SUM(r."+c+"), 0) AS BIGINT)")
	}
	q.WriteString("SELECT r.policy_id, " + strings.Join(sums, ", ") + ` FROM claim_ded_rem r
		WHERE r.policy_id IN (SELECT ip.policy_id FROM insuree_policies ip WHERE ip.insuree_id = ` + me + ` AND ip.validity_to IS NULL)
		AND r.validity_to IS NULL GROUP BY r.policy_id`)
	rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := map[imis.ID]imis.DedRem{}
	for rows.Next() {
		var id imis.ID
		var d imis.DedRem
		in, fam := &d.Insuree, &d.Family
		if err := rows.Scan(&id, &in.DedG, &in.DedIP, &in.DedOP, &in.RemG, &in.RemIP, &in.RemOP,
			&fam.DedG, &fam.DedIP, &fam.DedOP, &fam.RemG, &fam.RemIP, &fam.RemOP); err != nil {
			return nil, mapError(err)
		}
		out[id] = d
	}
	return out, mapError(rows.Err())
}

// readClaimTallies counts the insuree's checked, processed and valuated claims (status above 2)
// per category and target date; a claim without a category counts as a visit.
func (db *DB) readClaimTallies(ctx context.Context, insureeID imis.ID) ([]imis.ClaimTally, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT COALESCE(c.category, 'V'), COALESCE(c.date_to, c.date_from), COUNT(*)
		FROM claims c WHERE c.insuree_id = $1 AND c.validity_to IS NULL AND c.status > 2
		GROUP BY COALESCE(c.category, 'V'), COALESCE(c.date_to, c.date_from)`, insureeID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []imis.ClaimTally
	for rows.Next() {
		var t imis.ClaimTally
		if err := rows.Scan(&t.Category, &t.Date, &t.Count); err != nil {
			return nil, mapError(err)
		}
		out = append(out, t)
	}
	return out, mapError(rows.Err())
}

// readLineUses sums, per claim target date, the quantity of one item or service on the insuree's
// passed claim lines (line status 1) of claims checked or further on (status above 2); the
// approved quantity counts where a reviewer set one.
func (db *DB) readLineUses(ctx context.Context, insureeID imis.ID, table, column string, id imis.ID) ([]imis.LineUse, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT COALESCE(c.date_to, c.date_from), CAST(SUM(COALESCE(l.qty_approved, l.qty_provided)) AS BIGINT)
		FROM claims c JOIN `+table+` l ON l.claim_id = c.id
		WHERE c.insuree_id = $1 AND c.validity_to IS NULL AND c.status > 2
		AND l.`+column+` = $2 AND l.validity_to IS NULL AND l.status = 1
		GROUP BY COALESCE(c.date_to, c.date_from)`, insureeID, id)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []imis.LineUse
	for rows.Next() {
		var u imis.LineUse
		if err := rows.Scan(&u.Date, &u.Qty); err != nil {
			return nil, mapError(err)
		}
		out = append(out, u)
	}
	return out, mapError(rows.Err())
}

// enquiryDate is the date an enquiry is made for: the one asked, else today in the scheme's zone.
func (db *DB) enquiryDate(at imis.Date) imis.Date {
	if at.IsZero() {
		return db.Today()
	}
	return at
}

// covers computes the enquiry lines of the insuree on day at from the rows already read.
func (db *DB) covers(ctx context.Context, r *enquiree, at imis.Date) ([]imis.PolicyCover, error) {
	facts := make([]imis.CoverFacts, len(r.rows))
	for i, row := range r.rows {
		facts[i] = row.facts
	}
	var ledger map[imis.ID]imis.DedRem
	var tallies []imis.ClaimTally
	var err error
	if imis.NeedsLedger(facts) {
		if ledger, err = db.readLedger(ctx, r.e.InsureeID); err != nil {
			return nil, err
		}
	}
	if imis.NeedsClaimTallies(facts) {
		if tallies, err = db.readClaimTallies(ctx, r.e.InsureeID); err != nil {
			return nil, err
		}
	}
	return imis.Covers(facts, r.members, ledger, tallies, at), nil
}

// Enquire answers whether the insuree with the insurance number is covered on day at (today
// when at is zero): identity, photo, first point of service, age, and one line per coverage row
// as openIMIS's enquiry reduces them (insurance-domain §8.1). An insuree outside the acting
// user's districts is not found, as an unknown number is.
func (db *DB) Enquire(ctx context.Context, chfid string, at imis.Date) (*imis.Enquiry, error) {
	at = db.enquiryDate(at)
	r, err := db.findEnquiree(ctx, chfid, nil, nil)
	if err != nil {
		return nil, err
	}
	r.e.At, r.e.Age = at, imis.AgeAt(r.e.DOB, at)
	if r.e.Covers, err = db.covers(ctx, r, at); err != nil {
		return nil, err
	}
	return &r.e, nil
}

// Eligibility answers whether the insuree may receive one item and/or one service (by code) on
// day at (today when zero): per covering row the earliest date and the quantity left, the
// overall verdict, and the category counters of the Active cover with the latest expiry
// (insurance-domain §8.2). Unknown codes are input errors; an insuree outside the user's
// districts is not found.
func (db *DB) Eligibility(ctx context.Context, chfid string, at imis.Date, itemCode, serviceCode string) (*imis.Eligibility, error) {
	at = db.enquiryDate(at)
	p := imis.Problems{}
	var itemID, serviceID *imis.ID
	var category sql.NullString
	if code := strings.TrimSpace(itemCode); code != "" {
		var id imis.ID
		err := db.read.QueryRowContext(ctx, "SELECT id FROM items WHERE code = $1 AND validity_to IS NULL", code).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			p.Add("item_code", "error.no_such_code", code)
		case err != nil:
			return nil, mapError(err)
		default:
			itemID = &id
		}
	}
	if code := strings.TrimSpace(serviceCode); code != "" {
		var id imis.ID
		err := db.read.QueryRowContext(ctx, "SELECT id, category FROM services WHERE code = $1 AND validity_to IS NULL", code).Scan(&id, &category)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			p.Add("service_code", "error.no_such_code", code)
		case err != nil:
			return nil, mapError(err)
		default:
			serviceID = &id
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := db.findEnquiree(ctx, chfid, itemID, serviceID)
	if err != nil {
		return nil, err
	}
	covers, err := db.covers(ctx, r, at)
	if err != nil {
		return nil, err
	}
	out := &imis.Eligibility{InsureeID: r.e.InsureeID, CHFID: r.e.CHFID, At: at, Age: imis.AgeAt(r.e.DOB, at), Adult: imis.Adult(r.e.DOB, at)}
	if c := imis.TotalsCover(covers); c != nil {
		out.Cover, out.Left, out.AmountLeft = c, c.Left, c.AmountLeft
	}
	check := func(code string, table, column string, id imis.ID, line func(coverRow) *imis.LineCover) (*imis.LineEligibility, error) {
		var lines []imis.LineCover
		for _, row := range r.rows {
			if l := line(row); l != nil {
				lines = append(lines, *l)
			}
		}
		if len(lines) > 0 {
			uses, err := db.readLineUses(ctx, r.e.InsureeID, table, column, id)
			if err != nil {
				return nil, err
			}
			for i := range lines {
				lines[i].Used = imis.QuantityUsed(uses, lines[i].Effective, lines[i].Expiry)
			}
		}
		e := imis.CheckLine(code, lines, out.Adult, at)
		return &e, nil
	}
	if itemID != nil {
		if out.Item, err = check(strings.TrimSpace(itemCode), "claim_items", "item_id", *itemID, func(c coverRow) *imis.LineCover { return c.item }); err != nil {
			return nil, err
		}
	}
	if serviceID != nil {
		if out.Service, err = check(strings.TrimSpace(serviceCode), "claim_services", "service_id", *serviceID, func(c coverRow) *imis.LineCover { return c.service }); err != nil {
			return nil, err
		}
		out.Service.ApplyServiceCategory(category.String, out.Left, out.AmountLeft)
	}
	return out, nil
}
