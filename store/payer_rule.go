package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openimis-go/openimis"
)

// payerFundsQuery applies openIMIS's rule on who may pay for a product (insurance-domain §6.4):
// a national product takes any payer; otherwise the payer sits at the product's own location,
// in a district of the product's region, or in the region of the product's district.
const payerFundsQuery = `SELECT COALESCE(p.location_id IS NULL
		OR p.location_id = y.location_id
		OR (pl.type = 'R' AND yl.type = 'D' AND yl.parent_id = pl.id)
		OR (pl.type = 'D' AND yl.type = 'R' AND pl.parent_id = yl.id), FALSE)
	FROM products p
	JOIN payers y ON y.id = $2 AND y.validity_to IS NULL
	LEFT JOIN locations pl ON pl.id = p.location_id
	LEFT JOIN locations yl ON yl.id = y.location_id
	WHERE p.id = $1`

// PayerCanFund reports whether a payer may pay contributions for a product.
func (db *DB) PayerCanFund(ctx context.Context, payerID, productID imis.ID) (bool, error) {
	var ok bool
	err := db.read.QueryRowContext(ctx, payerFundsQuery, productID, payerID).Scan(&ok)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return ok, mapError(err)
}

func (tx *Tx) checkPayerFunds(ctx context.Context, payer, product any) error {
	if payer == nil {
		return nil
	}
	var ok bool
	if err := tx.QueryRowContext(ctx, payerFundsQuery, product, payer).Scan(&ok); err != nil {
		return fieldError("payer_id", "error.reference_missing")
	}
	if !ok {
		return fieldError("payer_id", "error.payer_cannot_fund")
	}
	return nil
}
