package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// The reference data the mobile app downloads, and the look-ups of its legacy ids. The app knows
// records by their wire ids only, so every reference is translated to the wire id of the row it
// points at, in the same query.

// LocationRef is a location of the reference data.
type LocationRef struct {
	WireID       int64
	Code, Name   string
	Type         string
	ParentWireID *int64
}

// FacilityRef is a health facility of the reference data.
type FacilityRef struct {
	WireID         int64
	Code, Name     string
	DistrictWireID *int64
	Level          string
}

// OfficerRef is an enrolment officer of the reference data.
type OfficerRef struct {
	WireID               int64
	ID                   imis.ID
	Code                 string
	LastName, OtherNames string
	Phone                string
	DistrictWireID       *int64
	SubstituteWireID     *int64
	WorksTo              imis.Date
}

// PayerRef is a payer of the reference data.
type PayerRef struct {
	WireID         int64
	Name           string
	LocationWireID *int64
}

// ProductRef is an insurance product with the terms the mobile app prices policies with.
// Amounts are in hundredths; nil amounts are not set.
type ProductRef struct {
	WireID               int64
	Code, Name           string
	LocationWireID       *int64
	ConversionWireID     *int64
	DateFrom, DateTo     imis.Date
	Ints                 map[string]*int64 // insurance_period, max_members, grace periods, ...
	Amounts              map[string]*int64 // lump_sum, premium_adult, ...
	StartCycles          [4]string
	EnrolmentDiscountPct *int64
	RenewalDiscountPct   *int64
}

// ReferenceData is the reference data the mobile app downloads: current records only, and the
// app's rules by the names of MobileAppRules.
type ReferenceData struct {
	Locations      []LocationRef
	Facilities     []FacilityRef
	Officers       []OfficerRef
	Payers         []PayerRef
	Products       []ProductRef
	MobileAppRules map[string]bool
}

// refProductInts and refProductAmounts are the product columns the reference data carries.
var (
	refProductInts = []string{"insurance_period", "max_members", "grace_period_renewal", "max_installments",
		"grace_period_payment", "threshold", "renewal_discount_period", "administration_period",
		"enrolment_discount_period", "grace_period"}
	refProductAmounts = []string{"lump_sum", "premium_adult", "premium_child", "registration_lump_sum",
		"registration_fee", "general_assembly_lump_sum", "general_assembly_fee"}
)

func nullWire(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

// ReferenceData reads every table of the reference data with one query each. It is public (the
// app downloads it before anyone logs in), so it is not district-scoped.
func (db *DB) ReferenceData(ctx context.Context) (*ReferenceData, error) {
	out := &ReferenceData{}
	err := db.eachRow(ctx, `SELECT l.wire_id, l.code, l.name, l.type, p.wire_id FROM locations l
		LEFT JOIN locations p ON p.id = l.parent_id WHERE l.validity_to IS NULL ORDER BY l.wire_id`, nil,
		func(rows *sql.Rows) error {
			var l LocationRef
			var wire, parent sql.NullInt64
			if err := rows.Scan(&wire, &l.Code, &l.Name, &l.Type, &parent); err != nil {
				return err
			}
			l.WireID, l.ParentWireID = wire.Int64, nullWire(parent)
			out.Locations = append(out.Locations, l)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = db.eachRow(ctx, `SELECT h.wire_id, h.code, h.name, d.wire_id, h.level FROM health_facilities h
		LEFT JOIN locations d ON d.id = h.location_id WHERE h.validity_to IS NULL ORDER BY h.wire_id`, nil,
		func(rows *sql.Rows) error {
			var f FacilityRef
			var wire, district sql.NullInt64
			if err := rows.Scan(&wire, &f.Code, &f.Name, &district, &f.Level); err != nil {
				return err
			}
			f.WireID, f.DistrictWireID = wire.Int64, nullWire(district)
			out.Facilities = append(out.Facilities, f)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = db.eachRow(ctx, `SELECT o.wire_id, o.id, o.code, o.last_name, o.other_names, o.phone, d.wire_id, s.wire_id, o.works_to
		FROM officers o LEFT JOIN locations d ON d.id = o.location_id LEFT JOIN officers s ON s.id = o.substitution_id
		WHERE o.validity_to IS NULL ORDER BY o.wire_id`, nil,
		func(rows *sql.Rows) error {
			var o OfficerRef
			var wire, district, subst sql.NullInt64
			var phone sql.NullString
			if err := rows.Scan(&wire, &o.ID, &o.Code, &o.LastName, &o.OtherNames, &phone, &district, &subst, &o.WorksTo); err != nil {
				return err
			}
			o.WireID, o.Phone, o.DistrictWireID, o.SubstituteWireID = wire.Int64, phone.String, nullWire(district), nullWire(subst)
			out.Officers = append(out.Officers, o)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = db.eachRow(ctx, `SELECT p.wire_id, p.name, l.wire_id FROM payers p LEFT JOIN locations l ON l.id = p.location_id
		WHERE p.validity_to IS NULL ORDER BY p.wire_id`, nil,
		func(rows *sql.Rows) error {
			var p PayerRef
			var wire, loc sql.NullInt64
			if err := rows.Scan(&wire, &p.Name, &loc); err != nil {
				return err
			}
			p.WireID, p.LocationWireID = wire.Int64, nullWire(loc)
			out.Payers = append(out.Payers, p)
			return nil
		})
	if err != nil {
		return nil, err
	}
	cols := "t.wire_id, t.code, t.name, l.wire_id, c.wire_id, t.date_from, t.date_to, t.start_cycle_1, t.start_cycle_2, " +
		"t.start_cycle_3, t.start_cycle_4, t.enrolment_discount_perc, t.renewal_discount_perc"
	for _, c := range refProductInts {
		cols += ", t." + c
	}
	for _, c := range refProductAmounts {
		cols += ", t." + c
	}
	err = db.eachRow(ctx, "SELECT "+cols+` FROM products t LEFT JOIN locations l ON l.id = t.location_id
		LEFT JOIN products c ON c.id = t.conversion_product_id WHERE t.validity_to IS NULL ORDER BY t.wire_id`, nil,
		func(rows *sql.Rows) error {
			p := ProductRef{Ints: map[string]*int64{}, Amounts: map[string]*int64{}}
			var wire, loc, conv, enrolPct, renewPct sql.NullInt64
			var cycles [4]sql.NullString
			ints := make([]sql.NullInt64, len(refProductInts))
			amounts := make([]sql.NullInt64, len(refProductAmounts))
			dest := []any{&wire, &p.Code, &p.Name, &loc, &conv, &p.DateFrom, &p.DateTo, &cycles[0], &cycles[1], &cycles[2], &cycles[3], &enrolPct, &renewPct}
			for i := range ints {
				dest = append(dest, &ints[i])
			}
			for i := range amounts {
				dest = append(dest, &amounts[i])
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			p.WireID, p.LocationWireID, p.ConversionWireID = wire.Int64, nullWire(loc), nullWire(conv)
			p.EnrolmentDiscountPct, p.RenewalDiscountPct = nullWire(enrolPct), nullWire(renewPct)
			for i, c := range cycles {
				p.StartCycles[i] = c.String
			}
			for i, c := range refProductInts {
				p.Ints[c] = nullWire(ints[i])
			}
			for i, c := range refProductAmounts {
				p.Amounts[c] = nullWire(amounts[i])
			}
			out.Products = append(out.Products, p)
			return nil
		})
	if err != nil {
		return nil, err
	}
	if out.MobileAppRules, err = mobileAppRules(ctx, db.read); err != nil {
		return nil, err
	}
	return out, nil
}

// eachRow runs a read query and hands each row to fn.
func (db *DB) eachRow(ctx context.Context, q string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return mapError(err)
		}
	}
	return mapError(rows.Err())
}

// LocationsByID returns the current locations with the given ids, in wire-id order.
func (db *DB) LocationsByID(ctx context.Context, ids []imis.ID) ([]LocationRef, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	vals := make([]any, len(ids))
	for i, id := range ids {
		vals[i] = id
	}
	var q query
	q.WriteString(`SELECT l.wire_id, l.code, l.name, l.type, p.wire_id FROM locations l LEFT JOIN locations p ON p.id = l.parent_id
		WHERE l.validity_to IS NULL AND l.id IN ` + q.in(vals) + " ORDER BY l.wire_id")
	var out []LocationRef
	err := db.eachRow(ctx, q.String(), q.args, func(rows *sql.Rows) error {
		var l LocationRef
		var wire, parent sql.NullInt64
		if err := rows.Scan(&wire, &l.Code, &l.Name, &l.Type, &parent); err != nil {
			return err
		}
		l.WireID, l.ParentWireID = wire.Int64, nullWire(parent)
		out = append(out, l)
		return nil
	})
	return out, err
}

// IDsByWireID maps wire ids of a register's current records to their ids; unknown wire ids are
// left out, so the caller can name the one that is missing.
func (db *DB) IDsByWireID(ctx context.Context, reg *imis.Register, wires []int64) (map[int64]imis.ID, error) {
	out := map[int64]imis.ID{}
	if !reg.WireID {
		return out, nil
	}
	seen := map[int64]bool{}
	var vals []any
	for _, w := range wires {
		if !seen[w] {
			seen[w] = true
			vals = append(vals, w)
		}
	}
	for start := 0; start < len(vals); start += 500 {
		var q query
		q.WriteString("SELECT wire_id, id FROM " + reg.Table + " WHERE validity_to IS NULL AND wire_id IN " + q.in(vals[start:min(start+500, len(vals))]))
		err := db.eachRow(ctx, q.String(), q.args, func(rows *sql.Rows) error {
			var w int64
			var id uuid.UUID
			if err := rows.Scan(&w, &id); err != nil {
				return err
			}
			out[w] = id
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OfficerByCode returns the id of the current officer with that code (the openIMIS convention ties
// an officer to the user whose login is the officer's code), or NilID.
func (db *DB) OfficerByCode(ctx context.Context, code string) (imis.ID, error) {
	var id imis.ID
	err := db.read.QueryRowContext(ctx, "SELECT id FROM officers WHERE code = $1 AND validity_to IS NULL", strings.TrimSpace(code)).Scan(&id)
	if err == sql.ErrNoRows {
		return imis.NilID, nil
	}
	return id, mapError(err)
}
