package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// The enquiry is the busiest read of the scheme (every visit at a facility starts with one), so
// it is one indexed statement: the insuree by insurance number joined with all their coverage
// rows, policies and products, followed by the ledger of those policies and the insuree's
// claims, which Go adds up per policy and counts per coverage period. Reading them in the
// same statement saves two round trips, which under load cost more than the rows. The
// eligibility check adds a look-up of the item or service code and one grouped read of its claim
// lines. The rules themselves are the pure functions of package imis.

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

// ledgerColumns are the amounts of the deductible and remuneration ledger (claim_ded_rem).
var ledgerColumns = []string{"ded_g", "ded_ip", "ded_op", "rem_g", "rem_ip", "rem_op"}

// lineColumns are the product-line columns the eligibility check reads.
var lineColumns = []string{"waiting_period_adult", "waiting_period_child", "limit_no_adult", "limit_no_child"}

// enquiree is the insuree an enquiry is about, with their coverage rows.
type enquiree struct {
	e       imis.Enquiry
	members int
	rows    []coverRow
	photo   []byte // the current photo, when asked for
}

// coverRow is one coverage row with its policy and product, and the product's lines for the
// item and service asked about, if any.
type coverRow struct {
	facts   imis.CoverFacts
	product productVersion
	item    *imis.LineCover
	service *imis.LineCover
}

// lineHolder receives the columns of one product line.
type lineHolder struct {
	id   uuid.NullUUID
	cols [4]sql.NullInt64
}

// enquiryShape picks one text of the enquiry statement: the texts differ only in whether the
// acting user's districts limit the insuree, whether an item's or a service's line comes along,
// and whether the photo itself does.
type enquiryShape struct{ scoped, item, service, photo bool }

// enquiryStatements keeps the text of each shape, built on first use: 4 KB of SQL rebuilt on every
// enquiry cost more garbage than its rows.
var enquiryStatements sync.Map

// enquiryArgs are the statement's parameters, in the order enquiryStatement numbers them.
func enquiryArgs(chfid string, u *imis.User, itemID, serviceID *imis.ID, photo bool) (enquiryShape, []any) {
	shape := enquiryShape{scoped: u.Scoped(), item: itemID != nil, service: serviceID != nil, photo: photo}
	args := []any{chfid}
	if shape.scoped {
		args = append(args, userID(u))
	}
	for _, id := range []*imis.ID{itemID, serviceID} {
		if id != nil {
			args = append(args, *id)
		}
	}
	return shape, args
}

// enquiryStatement returns the text of the statement that reads the current insuree with an
// insurance number (within the user's districts when scoped), and then the ledger entries of the
// policies covering them and their claims checked or further on, in three branches of one UNION
// ALL told apart by the first column:
//
//   - rowCover: the insuree with their first point of service, current photo and family size, with
//     one of their current coverage rows, its policy and product (one row without them when they
//     have none). The insuree's columns repeat on each row, which costs less than a second round
//     trip. The item's and the service's product lines come next (a product has at most one per
//     item or service), then the photo.
//   - rowLedger: the deductible and remuneration entries of a covering policy for one member of
//     the family, summed.
//   - rowClaim: one claim's target date and category.
//
// Go adds up the ledger per policy and counts the claims per coverage period. Joining grouped
// derived tables to the coverage rows instead made PostgreSQL's executor start-up, which dominates
// a statement this short, a quarter dearer; the ledger's one short group keeps the rows few, as a
// policy has a ledger entry per claim of each member.
// The first branch types the columns only the other branches fill: PostgreSQL would take a column
// that is NULL in the first two branches for text, and then refuse the third's date.
func enquiryStatement(shape enquiryShape) string {
	if s, ok := enquiryStatements.Load(shape); ok {
		return s.(string)
	}
	var q query
	q.Grow(4000)
	var scopeUser *imis.User // nil is scoped: the predicate takes the user's id as its parameter
	if !shape.scoped {
		scopeUser = &imis.User{Admin: true}
	}
	q.WriteString(`WITH me AS (SELECT t.id, t.wire_id, t.chfid, t.last_name, t.other_names, t.dob, t.gender, t.photo_file, t.hf_id, t.family_id,
		(SELECT ph.id FROM photos ph WHERE ph.insuree_id = t.id AND ph.validity_to IS NULL ORDER BY ph.photo_date DESC, ph.validity_from DESC LIMIT 1) AS photo_id
		FROM insurees t WHERE t.chfid = ` + q.arg(nil) + ` AND t.validity_to IS NULL AND ` + scopePredicate(&q, imis.Insurees, scopeUser, false) + `)
		SELECT ` + strconv.Itoa(rowCover) + `, me.id, me.wire_id, me.chfid, me.last_name, me.other_names, me.dob, me.gender, me.photo_file, h.code, h.name,
		(SELECT COUNT(*) FROM insurees fm WHERE fm.family_id = me.family_id AND fm.validity_to IS NULL), me.photo_id,
		ip.id, ip.effective_date, ip.expiry_date, p.id, p.wire_id, p.value, p.status, p.enroll_date, p.start_date, p.effective_date,
		pr.id, pr.version, pr.code, pr.name`)
	q.WriteString(strings.Repeat(", CAST(NULL AS BIGINT)", len(ledgerColumns)) + ", CAST(NULL AS DATE), CAST(NULL AS TEXT)")
	var joins string
	lines := 0 // the columns of the product lines and the photo, which only the first branch fills
	for _, line := range []struct {
		alias, table, column string
		wanted               bool
	}{{"li", "product_items", "item_id", shape.item}, {"ls", "product_services", "service_id", shape.service}} {
		if !line.wanted {
			continue
		}
		q.WriteString(", " + line.alias + ".id")
		for _, c := range lineColumns {
			q.WriteString(", " + line.alias + "." + c)
		}
		lines += 1 + len(lineColumns)
		joins += " LEFT JOIN " + line.table + " " + line.alias + " ON " + line.alias + ".owner_id = pr.id AND " + line.alias + "." + line.column +
			" = " + q.arg(nil) + " AND " + line.alias + ".validity_to IS NULL"
	}
	if shape.photo {
		q.WriteString(", pd.data")
		lines++
		joins += " LEFT JOIN photos pd ON pd.id = me.photo_id"
	}
	q.WriteString(` FROM me
		LEFT JOIN health_facilities h ON h.id = me.hf_id
		LEFT JOIN insuree_policies ip ON ip.insuree_id = me.id AND ip.validity_to IS NULL
		LEFT JOIN policies p ON p.id = ip.policy_id AND p.validity_to IS NULL
		LEFT JOIN products pr ON pr.id = p.product_id` + joins)
	// The other branches name the insuree by a scalar subquery rather than by joining me: without
	// statistics, SQLite would otherwise scan every coverage row and look each up in me.
	nulls := func(n int) string { return strings.Repeat(", NULL", n) }
	var sums string
	for _, c := range ledgerColumns {
		sums += ", CAST(SUM(r." + c + ") AS BIGINT)"
	}
	q.WriteString(`
		UNION ALL SELECT ` + strconv.Itoa(rowLedger) + `, r.insuree_id` + nulls(14) + `, r.policy_id` + nulls(10) + sums + nulls(2+lines) + `
		FROM claim_ded_rem r WHERE r.validity_to IS NULL AND r.policy_id IN
			(SELECT mp.policy_id FROM insuree_policies mp WHERE mp.insuree_id = (SELECT me.id FROM me) AND mp.validity_to IS NULL)
		GROUP BY r.policy_id, r.insuree_id
		UNION ALL SELECT ` + strconv.Itoa(rowClaim) + nulls(26+len(ledgerColumns)) + `, COALESCE(c.date_to, c.date_from), c.category` + nulls(lines) + `
		FROM claims c WHERE c.insuree_id = (SELECT me.id FROM me) AND c.validity_to IS NULL AND c.status > 2`)
	enquiryStatements.Store(shape, q.String())
	return q.String()
}

// The kinds of row of the enquiry statement, in its first column.
const (
	rowCover = iota + 1
	rowLedger
	rowClaim
)

// enquiryRow receives the columns of one row of the enquiry statement; one is reused for all the
// rows of an enquiry.
type enquiryRow struct {
	kind                                int
	dob                                 imis.Date
	members                             sql.NullInt64
	wire, pwire, value, status          sql.NullInt64
	photoFile, hfCode, hfName, code     sql.NullString
	name, category                      sql.NullString
	chfid, lastName, otherNames, gender sql.NullString // NULL on the ledger and claim rows
	insuree                             uuid.NullUUID
	photo, coverID, policyID, productID uuid.NullUUID
	productVersion                      sql.NullInt64
	f                                   imis.CoverFacts
	ledger                              [6]sql.NullInt64
	claimDate                           imis.Date
	item, service                       lineHolder
	photoData                           []byte
	dest                                []any
}

func newEnquiryRow(shape enquiryShape) *enquiryRow {
	w := &enquiryRow{}
	w.dest = make([]any, 0, 27+6+2+2*5+1)
	w.dest = append(w.dest, &w.kind, &w.insuree, &w.wire, &w.chfid, &w.lastName, &w.otherNames, &w.dob, &w.gender, &w.photoFile,
		&w.hfCode, &w.hfName, &w.members, &w.photo, &w.coverID, &w.f.EffectiveDate, &w.f.ExpiryDate, &w.policyID, &w.pwire, &w.value,
		&w.status, &w.f.EnrollDate, &w.f.StartDate, &w.f.PolicyEffective, &w.productID, &w.productVersion, &w.code, &w.name)
	for i := range w.ledger {
		w.dest = append(w.dest, &w.ledger[i])
	}
	w.dest = append(w.dest, &w.claimDate, &w.category)
	for _, h := range []struct {
		h      *lineHolder
		wanted bool
	}{{&w.item, shape.item}, {&w.service, shape.service}} {
		if h.wanted {
			w.dest = append(w.dest, &h.h.id, &h.h.cols[0], &h.h.cols[1], &h.h.cols[2], &h.h.cols[3])
		}
	}
	if shape.photo {
		w.dest = append(w.dest, &w.photoData)
	}
	return w
}

// ledgerShare is what a policy covering the insuree has deducted and remunerated for one member.
type ledgerShare struct {
	policy, insuree imis.ID
	amounts         imis.Consumption
}

// findEnquiree runs the enquiry statement for the insurance number, as the acting user, and
// gathers its rows. When itemID or serviceID is given, each coverage row carries the product's
// line for it; with photo, the current photo comes along.
func (db *DB) findEnquiree(ctx context.Context, chfid string, itemID, serviceID *imis.ID, photo bool) (*enquiree, error) {
	chfid = strings.TrimSpace(chfid)
	if chfid == "" {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	shape, args := enquiryArgs(chfid, imis.UserFromContext(ctx), itemID, serviceID, photo)
	var r *enquiree
	var ledger []ledgerShare
	var claims []imis.ClaimDay
	// The answer streams in after the statement, so a lost connection may show in any row, and
	// the whole read runs again.
	err := db.retryRead(func() (err error) {
		r, ledger, claims, err = db.enquiryRows(ctx, shape, args)
		return err
	})
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	for i := range r.rows {
		f := &r.rows[i].facts
		if f.Limits, err = db.productLimits(ctx, r.rows[i].product); err != nil {
			return nil, err
		}
		for _, l := range ledger {
			if l.policy == f.PolicyID {
				f.Ledger.Family.Add(l.amounts)
				if l.insuree == r.e.InsureeID {
					f.Ledger.Insuree.Add(l.amounts)
				}
			}
		}
		f.Used = imis.CountClaims(claims, f.EffectiveDate, f.ExpiryDate)
	}
	return r, nil
}

// enquiryRows runs the enquiry statement and gathers its rows: the enquiree with its coverage
// (nil when no insuree answers), the ledger's shares and the claim days.
func (db *DB) enquiryRows(ctx context.Context, shape enquiryShape, args []any) (*enquiree, []ledgerShare, []imis.ClaimDay, error) {
	rows, err := db.queryPrepared(ctx, enquiryStatement(shape), args...)
	if err != nil {
		return nil, nil, nil, mapError(err)
	}
	defer rows.Close()
	var r *enquiree
	var ledger []ledgerShare
	var claims []imis.ClaimDay
	w := newEnquiryRow(shape)
	for rows.Next() {
		w.f = imis.CoverFacts{}
		w.item, w.service, w.claimDate = lineHolder{}, lineHolder{}, imis.Date{}
		if err := rows.Scan(w.dest...); err != nil {
			return nil, nil, nil, mapError(err)
		}
		switch w.kind {
		case rowLedger:
			ledger = append(ledger, ledgerShare{policy: w.policyID.UUID, insuree: w.insuree.UUID, amounts: consumption(w.ledger)})
			continue
		case rowClaim:
			claims = append(claims, imis.ClaimDay{Date: w.claimDate, Category: w.category.String})
			continue
		}
		if r == nil {
			e := imis.Enquiry{InsureeID: w.insuree.UUID, WireID: w.wire.Int64, CHFID: w.chfid.String, LastName: w.lastName.String,
				OtherNames: w.otherNames.String, DOB: w.dob, Gender: w.gender.String, PhotoFile: w.photoFile.String,
				FSPCode: w.hfCode.String, FSPName: w.hfName.String}
			e.PhotoID, e.HasPhoto = w.photo.UUID, w.photo.Valid
			r = &enquiree{e: e, members: int(w.members.Int64), photo: w.photoData}
		}
		// A coverage row whose policy is no longer current (deleted) covers nothing.
		if !w.coverID.Valid || !w.policyID.Valid || !w.productID.Valid {
			continue
		}
		f := w.f
		f.CoverID, f.PolicyID, f.ProductID, f.ProductCode, f.ProductName = w.coverID.UUID, w.policyID.UUID, w.productID.UUID, w.code.String, w.name.String
		f.PolicyWireID, f.PolicyValue, f.PolicyStatus = w.pwire.Int64, imis.Money(w.value.Int64), int(w.status.Int64)
		product := productVersion{f.ProductID, int(w.productVersion.Int64)}
		r.rows = append(r.rows, coverRow{facts: f, product: product, item: lineCover(f, w.item), service: lineCover(f, w.service)})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, nil, mapError(err)
	}
	return r, ledger, claims, nil
}

// consumption is one set of ledger sums, in the order of ledgerColumns; a policy without ledger
// rows has consumed nothing.
func consumption(sums [6]sql.NullInt64) imis.Consumption {
	return imis.Consumption{DedG: imis.Money(sums[0].Int64), DedIP: imis.Money(sums[1].Int64), DedOP: imis.Money(sums[2].Int64),
		RemG: imis.Money(sums[3].Int64), RemIP: imis.Money(sums[4].Int64), RemOP: imis.Money(sums[5].Int64)}
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
func (r *enquiree) covers(at imis.Date) []imis.PolicyCover {
	facts := make([]imis.CoverFacts, len(r.rows))
	for i, row := range r.rows {
		facts[i] = row.facts
	}
	return imis.Covers(facts, r.members, at)
}

// Enquire answers whether the insuree with the insurance number is covered on day at (today
// when at is zero): identity, photo, first point of service, age, and one line per coverage row
// as openIMIS's enquiry reduces them (insurance-domain §8.1). An insuree outside the acting
// user's districts is not found, as an unknown number is.
func (db *DB) Enquire(ctx context.Context, chfid string, at imis.Date) (*imis.Enquiry, error) {
	e, _, err := db.enquire(ctx, chfid, at, false)
	return e, err
}

// EnquireWithPhoto is Enquire with the insuree's current photo (nil when they have none), read in
// the same statement: the mobile apps' enquiry inlines it.
func (db *DB) EnquireWithPhoto(ctx context.Context, chfid string, at imis.Date) (*imis.Enquiry, []byte, error) {
	return db.enquire(ctx, chfid, at, true)
}

func (db *DB) enquire(ctx context.Context, chfid string, at imis.Date, photo bool) (*imis.Enquiry, []byte, error) {
	at = db.enquiryDate(at)
	r, err := db.findEnquiree(ctx, chfid, nil, nil, photo)
	if err != nil {
		return nil, nil, err
	}
	r.e.At, r.e.Age, r.e.Covers = at, imis.AgeAt(r.e.DOB, at), r.covers(at)
	return &r.e, r.photo, nil
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
	r, err := db.findEnquiree(ctx, chfid, itemID, serviceID, false)
	if err != nil {
		return nil, err
	}
	covers := r.covers(at)
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
