package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// The places imis.PayerFunds compares: where a product is kept (the live row, even if the product
// was since deleted) and where a current payer sits.
const (
	productPlaceQuery = `SELECT t.location_id, l.type, l.parent_id FROM products t LEFT JOIN locations l ON l.id = t.location_id WHERE t.id = $1`
	payerPlaceQuery   = `SELECT t.location_id, l.type, l.parent_id FROM payers t LEFT JOIN locations l ON l.id = t.location_id
		WHERE t.id = $1 AND t.validity_to IS NULL`
)

// PayerCanFund reports whether a payer may pay contributions for a product.
func (db *DB) PayerCanFund(ctx context.Context, payerID, productID imis.ID) (bool, error) {
	ok, err := payerFunds(ctx, db.read, payerID, productID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return ok, mapError(err)
}

func (tx *Tx) checkPayerFunds(ctx context.Context, payer, product any) error {
	if payer == nil {
		return nil
	}
	ok, err := payerFunds(ctx, tx, payer, product)
	if err != nil {
		return fieldError("payer_id", "error.reference_missing")
	}
	if !ok {
		return fieldError("payer_id", "error.payer_cannot_fund")
	}
	return nil
}

// payerFunds applies imis.PayerFunds to a payer and a product; sql.ErrNoRows when either is
// missing.
func payerFunds(ctx context.Context, q queryer, payer, product any) (bool, error) {
	productPlace, err := placeOf(ctx, q, productPlaceQuery, product)
	if err != nil {
		return false, err
	}
	payerPlace, err := placeOf(ctx, q, payerPlaceQuery, payer)
	if err != nil {
		return false, err
	}
	return imis.PayerFunds(productPlace, payerPlace), nil
}

func placeOf(ctx context.Context, q queryer, query string, id any) (imis.Place, error) {
	var loc, parent uuid.NullUUID
	var typ sql.NullString
	err := q.QueryRowContext(ctx, query, id).Scan(&loc, &typ, &parent)
	return imis.Place{ID: loc.UUID, Type: typ.String, Parent: parent.UUID}, err
}
