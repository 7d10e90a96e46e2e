package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// The look-ups of an insuree or a family by insurance number for the mobile app, with every
// reference as the wire id the app knows.

// InsureeSummary is an insuree as the mobile app sees it; Photo is the current photo's bytes, if any.
type InsureeSummary struct {
	WireID               int64
	ID                   imis.ID
	FamilyID             imis.ID
	CHFID                string
	LastName, OtherNames string
	DOB                  imis.Date
	Gender               string
	Marital              string
	Head                 bool
	Passport             string
	Phone, Email         string
	CardIssued           bool
	Relationship         string
	Profession           string
	Education            string
	TypeOfID             string
	HFWireID             *int64
	CurrentAddress       string
	GeoLocation          string
	CurVillageWireID     *int64
	Offline              bool
	Vulnerability        bool
	PhotoFile            string
	Photo                []byte
}

// insureeSummarySelect reads an InsureeSummary from insurees t, with the facility, the current village and
// the current photo's bytes.
const insureeSummarySelect = `SELECT t.wire_id, t.id, t.family_id, t.chfid, t.last_name, t.other_names, t.dob, t.gender, t.marital,
	t.is_head, t.passport, t.phone, t.email, t.card_issued, t.relationship, t.profession, t.education, t.type_of_id, h.wire_id,
	t.current_address, t.geolocation, v.wire_id, t.is_offline, t.vulnerability, t.photo_file,
	(SELECT ph.data FROM photos ph WHERE ph.insuree_id = t.id AND ph.validity_to IS NULL ORDER BY ph.photo_date DESC, ph.validity_from DESC LIMIT 1)
	FROM insurees t LEFT JOIN health_facilities h ON h.id = t.hf_id LEFT JOIN locations v ON v.id = t.current_village_id`

func scanInsureeSummary(row interface{ Scan(...any) error }) (*InsureeSummary, error) {
	var i InsureeSummary
	var wire, hf, village sql.NullInt64
	var marital, passport, phone, email, rel, prof, edu, typ, addr, geo, photoFile sql.NullString
	err := row.Scan(&wire, &i.ID, &i.FamilyID, &i.CHFID, &i.LastName, &i.OtherNames, &i.DOB, &i.Gender, &marital, &i.Head,
		&passport, &phone, &email, &i.CardIssued, &rel, &prof, &edu, &typ, &hf, &addr, &geo, &village, &i.Offline, &i.Vulnerability,
		&photoFile, &i.Photo)
	if err != nil {
		return nil, err
	}
	i.WireID, i.HFWireID, i.CurVillageWireID = wire.Int64, nullWire(hf), nullWire(village)
	i.Marital, i.Passport, i.Phone, i.Email = marital.String, passport.String, phone.String, email.String
	i.Relationship, i.Profession, i.Education, i.TypeOfID = rel.String, prof.String, edu.String, typ.String
	i.CurrentAddress, i.GeoLocation, i.PhotoFile = addr.String, geo.String, photoFile.String
	return &i, nil
}

// InsureeByCHFID returns the current insuree with that insurance number, with the current photo,
// if the acting user's districts include them; otherwise not found, as an unknown number is.
func (db *DB) InsureeByCHFID(ctx context.Context, chfid string) (*InsureeSummary, error) {
	chfid = strings.TrimSpace(chfid)
	if chfid == "" {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	var q query
	q.WriteString(insureeSummarySelect + " WHERE t.chfid = " + q.arg(chfid) + " AND t.validity_to IS NULL AND " +
		scopePredicate(&q, imis.Insurees, imis.UserFromContext(ctx), false))
	i, err := scanInsureeSummary(db.read.QueryRowContext(ctx, q.String(), q.args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	return i, mapError(err)
}

// FamilySummary is a family with its members as the mobile app sees it.
type FamilySummary struct {
	WireID           int64
	ID               imis.ID
	HeadWireID       *int64
	HeadID           imis.ID
	LocationWireID   *int64
	Poverty          bool
	FamilyType       string
	Address          string
	Ethnicity        string
	ConfirmationNo   string
	ConfirmationType string
	Offline          bool
	Members          []*InsureeSummary // the head first, then in registration order
}

// FamilyByCHFID returns the family of the current insuree with that insurance number, with its
// current members, if the family's district is one of the acting user's (openIMIS's
// GetByCHFID); otherwise not found.
func (db *DB) FamilyByCHFID(ctx context.Context, chfid string) (*FamilySummary, error) {
	chfid = strings.TrimSpace(chfid)
	if chfid == "" {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	}
	var q query
	q.WriteString(`SELECT t.wire_id, t.id, h.wire_id, t.head_id, v.wire_id, t.poverty, t.family_type, t.address, t.ethnicity,
		t.confirmation_no, t.confirmation_type, t.is_offline
		FROM families t JOIN insurees i ON i.family_id = t.id AND i.validity_to IS NULL
		LEFT JOIN insurees h ON h.id = t.head_id LEFT JOIN locations v ON v.id = t.location_id
		WHERE i.chfid = ` + q.arg(chfid) + " AND t.validity_to IS NULL AND " + scopePredicate(&q, imis.Families, imis.UserFromContext(ctx), false))
	var f FamilySummary
	var wire, head, village sql.NullInt64
	var headID uuid.NullUUID
	var typ, addr, eth, confNo, confType sql.NullString
	err := db.read.QueryRowContext(ctx, q.String(), q.args...).Scan(&wire, &f.ID, &head, &headID, &village, &f.Poverty, &typ, &addr, &eth,
		&confNo, &confType, &f.Offline)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, imis.Errorf(imis.ENOTFOUND, "error.not_found")
	} else if err != nil {
		return nil, mapError(err)
	}
	f.WireID, f.HeadWireID, f.LocationWireID = wire.Int64, nullWire(head), nullWire(village)
	f.HeadID = headID.UUID
	f.FamilyType, f.Address, f.Ethnicity, f.ConfirmationNo, f.ConfirmationType = typ.String, addr.String, eth.String, confNo.String, confType.String
	rows, err := db.read.QueryContext(ctx, insureeSummarySelect+` WHERE t.family_id = $1 AND t.validity_to IS NULL
		ORDER BY CASE WHEN t.is_head THEN 0 ELSE 1 END, CASE WHEN t.wire_id IS NULL THEN 1 ELSE 0 END, t.wire_id, t.id`, f.ID)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		i, err := scanInsureeSummary(rows)
		if err != nil {
			return nil, mapError(err)
		}
		f.Members = append(f.Members, i)
	}
	return &f, mapError(rows.Err())
}

// ReceiptFree reports whether no current contribution to a policy in the district of the insuree
// with that insurance number carries the receipt number (openIMIS's receipt check of the Policies
// app). An unknown insurance number has no district, so no receipt is taken there.
func (db *DB) ReceiptFree(ctx context.Context, receipt, chfid string) (bool, error) {
	var n int
	err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM premiums p JOIN insurees i ON i.district_id = p.district_id
		WHERE i.chfid = $1 AND i.validity_to IS NULL AND p.receipt = $2 AND p.validity_to IS NULL`,
		strings.TrimSpace(chfid), strings.TrimSpace(receipt)).Scan(&n)
	return n == 0, mapError(err)
}
