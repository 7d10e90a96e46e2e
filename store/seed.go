package store

import (
	"context"

	"github.com/openimis-go/openimis"
)

// seedPlatform adds what every database needs before anyone logs in: the twelve system roles
// with their rights, and the secret that signs API tokens. It runs after each migration and
// changes nothing once done.
func (db *DB) seedPlatform(ctx context.Context) error {
	return db.inTx(imis.SystemContext(ctx), func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM roles").Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			for _, sr := range imis.SystemRoles {
				rights := make([]imis.Values, len(sr.Rights))
				for i, r := range sr.Rights {
					rights[i] = imis.Values{"right_id": int64(r)}
				}
				if _, err := tx.create(ctx, imis.Roles, imis.Values{"name": sr.Name, "alt_name": sr.AltName, "blocked": false},
					map[string][]imis.Values{"rights": rights}, saveOptions{}); err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE roles SET system_code = $1 WHERE name = $2 AND validity_to IS NULL", sr.Code, sr.Name); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('token_secret', $1) ON CONFLICT (key) DO NOTHING", randomHex(32))
		return err
	})
}
