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
// rows, policies and products, each row with its policy's deductible and remuneration ledger and
// the insuree's claims counted per category in the row's period. Folding the ledger and the
// counts in saves two round trips, which under load cost more than the sums themselves. The
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

// usedCategories are the claim categories whose use the enquiry counts, in the order of the
// columns that carry them.
var usedCategories = []string{imis.CategoryHospitalization, imis.CategoryVisit, imis.CategoryConsultation,
	imis.CategorySurgery, imis.CategoryDelivery, imis.CategoryAntenatal}

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
// insurance number (within the user's districts when scoped) with their first point of service,
// current photo and family size, and every current coverage row with its policy, product, ledger
// sums and claims used (imis.ClaimsUsed). The insuree's columns repeat on each row, which costs
// less than a second round trip. The item's and the service's product lines come next (a product
// has at most one per item or service), then the photo.
func enquiryStatement(shape enquiryShape) string {
	if s, ok := enquiryStatements.Load(shape); ok {
		return s.(string)
	}
	var q query
	q.Grow(6000)
	var scopeUser *imis.User // nil is scoped: the predicate takes the user's id as its parameter
	if !shape.scoped {
		scopeUser = &imis.User{Admin: true}
	}
	q.WriteString(`WITH me AS (SELECT t.id, t.wire_id, t.chfid, t.last_name, t.other_names, t.dob, t.gender, t.photo_file, t.hf_id, t.family_id,
		(SELECT ph.id FROM photos ph WHERE ph.insuree_id = t.id AND ph.validity_to IS NULL ORDER BY ph.photo_date DESC, ph.validity_from DESC LIMIT 1) AS photo_id
		FROM insurees t WHERE t.chfid = ` + q.arg(nil) + ` AND t.validity_to IS NULL AND ` + scopePredicate(&q, imis.Insurees, scopeUser, false) + `)
		SELECT me.id, me.wire_id, me.chfid, me.last_name, me.other_names, me.dob, me.gender, me.photo_file, h.code, h.name,
		(SELECT COUNT(*) FROM insurees fm WHERE fm.family_id = me.family_id AND fm.validity_to IS NULL), me.photo_id,
		ip.id, ip.effective_date, ip.expiry_date, p.id, p.wire_id, p.value, p.status, p.enroll_date, p.start_date, p.effective_date,
		pr.id, pr.version, pr.code, pr.name`)
	for _, who := range []string{"own_", "all_"} {
		for _, c := range ledgerColumns {
			q.WriteString(", led." + who + c)
		}
	}
	for i := range usedCategories {
		q.WriteString(", used.n" + strconv.Itoa(i))
	}
	var joins string
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
		joins += " LEFT JOIN " + line.table + " " + line.alias + " ON " + line.alias + ".owner_id = pr.id AND " + line.alias + "." + line.column +
			" = " + q.arg(nil) + " AND " + line.alias + ".validity_to IS NULL"
	}
	if shape.photo {
		q.WriteString(", pd.data")
		joins += " LEFT JOIN photos pd ON pd.id = me.photo_id"
	}
	// The ledger of each policy covering the insuree: the insuree's own share and the whole
	// policy's (a policy belongs to one family, so its rows are the family's). The derived tables
	// name the insuree by a scalar subquery rather than by joining me: without statistics,
	// SQLite would otherwise scan every coverage row and look each up in me. The own share
	// compares with the insuree id that mine carries, so that the subquery is planned once.
	var sums []string
	for _, c := range ledgerColumns {
		sums = append(sums, "CAST(COALESCE(SUM(CASE WHEN r.insuree_id = mine.insuree_id THEN r."+c+" END), 0) AS BIGINT) AS own_"+c)
	}
	for _, c := range ledgerColumns {
		sums = append(sums, "CAST(COALESCE(SUM(r."+c+"), 0) AS BIGINT) AS all_"+c)
	}
	var counts []string
	for i, c := range usedCategories {
		counts = append(counts, "SUM(CASE WHEN COALESCE(c.category, '"+imis.CategoryVisit+"') = '"+c+"' THEN 1 ELSE 0 END) AS n"+strconv.Itoa(i))
	}
	q.WriteString(` FROM me
		LEFT JOIN health_facilities h ON h.id = me.hf_id
		LEFT JOIN insuree_policies ip ON ip.insuree_id = me.id AND ip.validity_to IS NULL
		LEFT JOIN policies p ON p.id = ip.policy_id AND p.validity_to IS NULL
		LEFT JOIN products pr ON pr.id = p.product_id
		LEFT JOIN (SELECT r.policy_id, ` + strings.Join(sums, ", ") + `
			FROM (SELECT DISTINCT mp.policy_id, mp.insuree_id FROM insuree_policies mp WHERE mp.insuree_id = (SELECT me.id FROM me) AND mp.validity_to IS NULL) mine
			JOIN claim_ded_rem r ON r.policy_id = mine.policy_id AND r.validity_to IS NULL
			GROUP BY r.policy_id) led ON led.policy_id = p.id
		LEFT JOIN (SELECT pc.id AS cover_id, ` + strings.Join(counts, ", ") + `
			FROM insuree_policies pc
			JOIN claims c ON c.insuree_id = pc.insuree_id AND c.validity_to IS NULL AND c.status > 2
				AND COALESCE(c.date_to, c.date_from) >= pc.effective_date
				AND (pc.expiry_date IS NULL OR COALESCE(c.date_to, c.date_from) <= pc.expiry_date)
			WHERE pc.insuree_id = (SELECT me.id FROM me) AND pc.validity_to IS NULL
			GROUP BY pc.id) used ON used.cover_id = ip.id` + joins)
	enquiryStatements.Store(shape, q.String())
	return q.String()
}

// enquiryRow receives the columns of one row of the enquiry statement; one is reused for all the
// rows of an enquiry.
type enquiryRow struct {
	e                                   imis.Enquiry
	members                             int
	wire, pwire, value, status          sql.NullInt64
	photoFile, hfCode, hfName, code     sql.NullString
	name                                sql.NullString
	photo, coverID, policyID, productID uuid.NullUUID
	productVersion                      sql.NullInt64
	f                                   imis.CoverFacts
	own, all, used                      [6]sql.NullInt64
	item, service                       lineHolder
	photoData                           []byte
	dest                                []any
}

func newEnquiryRow(shape enquiryShape) *enquiryRow {
	w := &enquiryRow{}
	w.dest = make([]any, 0, 26+3*6+2*5+1)
	w.dest = append(w.dest, &w.e.InsureeID, &w.wire, &w.e.CHFID, &w.e.LastName, &w.e.OtherNames, &w.e.DOB, &w.e.Gender, &w.photoFile,
		&w.hfCode, &w.hfName, &w.members, &w.photo, &w.coverID, &w.f.EffectiveDate, &w.f.ExpiryDate, &w.policyID, &w.pwire, &w.value,
		&w.status, &w.f.EnrollDate, &w.f.StartDate, &w.f.PolicyEffective, &w.productID, &w.productVersion, &w.code, &w.name)
	for _, sums := range []*[6]sql.NullInt64{&w.own, &w.all, &w.used} {
		for i := range sums {
			w.dest = append(w.dest, &sums[i])
		}
	}
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

// findEnquiree runs the enquiry statement for the insurance number, as the acting user, and
// gathers its rows. When itemID or serviceID is given, each coverage row carries the product's
// line for it; with photo, the current photo comes along.
func (db *DB) findEnquiree(ctx context.Context, chfid string, itemID, serviceID *imis.ID, photo bool) (*enquiree, error) {
	chfid = strings.TrimSpace(chfid)
	if chfid == "" {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	shape, args := enquiryArgs(chfid, imis.UserFromContext(ctx), itemID, serviceID, photo)
	rows, err := db.queryPrepared(ctx, enquiryStatement(shape), args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var r *enquiree
	var unknown []int // the rows whose product's limits are not cached
	w := newEnquiryRow(shape)
	for rows.Next() {
		w.f = imis.CoverFacts{}
		w.item, w.service = lineHolder{}, lineHolder{}
		if err := rows.Scan(w.dest...); err != nil {
			return nil, mapError(err)
		}
		if r == nil {
			e := w.e
			e.WireID, e.PhotoFile, e.FSPCode, e.FSPName = w.wire.Int64, w.photoFile.String, w.hfCode.String, w.hfName.String
			e.PhotoID, e.HasPhoto = w.photo.UUID, w.photo.Valid
			r = &enquiree{e: e, members: w.members, photo: w.photoData}
		}
		// A coverage row whose policy is no longer current (deleted) covers nothing.
		if !w.coverID.Valid || !w.policyID.Valid || !w.productID.Valid {
			continue
		}
		f := w.f
		f.CoverID, f.PolicyID, f.ProductID, f.ProductCode, f.ProductName = w.coverID.UUID, w.policyID.UUID, w.productID.UUID, w.code.String, w.name.String
		f.PolicyWireID, f.PolicyValue, f.PolicyStatus = w.pwire.Int64, imis.Money(w.value.Int64), int(w.status.Int64)
		product := productVersion{f.ProductID, int(w.productVersion.Int64)}
		limits, known := db.limits.get(product)
		if known {
			f.Limits = limits
		} else {
			unknown = append(unknown, len(r.rows))
		}
		f.Ledger = imis.DedRem{Insuree: consumption(w.own), Family: consumption(w.all)}
		f.Used = imis.ClaimsUsed{Hospitalization: w.used[0].Int64, Visit: w.used[1].Int64, Consultation: w.used[2].Int64,
			Surgery: w.used[3].Int64, Delivery: w.used[4].Int64, Antenatal: w.used[5].Int64}
		r.rows = append(r.rows, coverRow{facts: f, product: product, item: lineCover(f, w.item), service: lineCover(f, w.service)})
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	if r == nil {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	rows.Close() // before reading the products not yet cached, which may need the same connection
	for _, i := range unknown {
		if r.rows[i].facts.Limits, err = db.productLimits(ctx, r.rows[i].product); err != nil {
			return nil, err
		}
	}
	return r, nil
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
