package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
)

// UUIDScanPlans names the plans a pooled PostgreSQL connection uses to scan binary UUIDs into
// uuid.UUID and uuid.NullUUID, for the external tests; nil on SQLite.
func UUIDScanPlans(ctx context.Context, db *DB) ([]string, error) {
	if db.pool == nil {
		return nil, nil
	}
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	m := conn.Conn().TypeMap()
	var plans []string
	for _, target := range []any{new(uuid.UUID), new(uuid.NullUUID)} {
		plans = append(plans, fmt.Sprintf("%T", m.PlanScan(pgtype.UUIDOID, pgtype.BinaryFormatCode, target)))
	}
	return plans, nil
}

// ReadUUIDs reads id, NULL and id back through the enquiry's read path.
func ReadUUIDs(ctx context.Context, db *DB, id uuid.UUID) (uuid.UUID, uuid.NullUUID, uuid.NullUUID, error) {
	text := "SELECT CAST($1 AS UUID), CAST(NULL AS UUID), CAST($1 AS UUID)"
	if db.Engine == SQLite {
		text = "SELECT $1, NULL, $1" // SQLite keeps UUIDs as text
	}
	var a uuid.UUID
	var none, b uuid.NullUUID
	rows, err := db.queryPrepared(ctx, text, id)
	if err != nil {
		return a, none, b, err
	}
	defer rows.Close()
	if !rows.Next() {
		return a, none, b, fmt.Errorf("no row: %v", rows.Err())
	}
	err = rows.Scan(&a, &none, &b)
	return a, none, b, err
}
