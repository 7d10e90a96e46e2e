package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// uuidCodec lets pgx copy PostgreSQL's binary UUIDs straight into uuid.UUID and uuid.NullUUID.
// Otherwise pgx goes through their sql.Scanner: it formats each UUID as text, which the scanner
// parses back, an allocation for every UUID of every row read.
type uuidCodec struct{ pgtype.UUIDCodec }

func (c uuidCodec) PlanScan(m *pgtype.Map, oid uint32, format int16, target any) pgtype.ScanPlan {
	if format == pgtype.BinaryFormatCode {
		switch target.(type) {
		case *uuid.UUID:
			return scanBinaryUUID{}
		case *uuid.NullUUID:
			return scanBinaryNullUUID{}
		}
	}
	return c.UUIDCodec.PlanScan(m, oid, format, target)
}

type scanBinaryUUID struct{}

// Scan takes NULL as the zero UUID rather than failing, as uuid.UUID's own Scan accepts NULL.
func (scanBinaryUUID) Scan(src []byte, dst any) error {
	id := dst.(*uuid.UUID)
	if src == nil {
		*id = uuid.UUID{}
		return nil
	}
	if len(src) != 16 {
		return fmt.Errorf("a binary UUID has 16 bytes, not %d", len(src))
	}
	copy(id[:], src)
	return nil
}

type scanBinaryNullUUID struct{}

func (scanBinaryNullUUID) Scan(src []byte, dst any) error {
	n := dst.(*uuid.NullUUID)
	if src == nil {
		*n = uuid.NullUUID{}
		return nil
	}
	n.Valid = true
	return scanBinaryUUID{}.Scan(src, &n.UUID)
}

// registerUUIDCodec is the pool's hook for each new connection.
func registerUUIDCodec(_ context.Context, conn *pgx.Conn) error {
	conn.TypeMap().RegisterType(&pgtype.Type{Name: "uuid", OID: pgtype.UUIDOID, Codec: uuidCodec{}})
	return nil
}
