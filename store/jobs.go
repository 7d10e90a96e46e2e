package store

import (
	"context"
	"time"

	"github.com/openimis-go/openimis"
)

// AcquireLease takes the named job's lease for holder until now+ttl, to run it for business day
// day: only if the lease is free, expired or already holder's, and the job has not yet completed
// that day. Exactly one of several concurrent callers gets it.
func (db *DB) AcquireLease(ctx context.Context, name, holder string, ttl time.Duration, day imis.Date) (bool, error) {
	now := db.now()
	var got bool
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO job_leases (name, holder, until) VALUES ($1, '', $2) ON CONFLICT (name) DO NOTHING", name, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE job_leases SET holder = $1, until = $2 WHERE name = $3 AND (until <= $4 OR holder = $1)
			AND (last_run IS NULL OR last_run < $5)`, holder, now.Add(ttl), name, now, day)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		got = n == 1
		return err
	})
	return got, err
}

// ReleaseLease gives the lease up and records the business day the job last completed.
func (db *DB) ReleaseLease(ctx context.Context, name, holder string, ranFor imis.Date) error {
	_, err := db.write.ExecContext(ctx, "UPDATE job_leases SET until = $1, last_run = $2 WHERE name = $3 AND holder = $4",
		db.now(), ranFor, name, holder)
	return mapError(err)
}

// LastRun returns the business day a job last completed, or the zero date.
func (db *DB) LastRun(ctx context.Context, name string) (imis.Date, error) {
	var d imis.Date
	err := db.read.QueryRowContext(ctx, "SELECT last_run FROM job_leases WHERE name = $1", name).Scan(&d)
	if err != nil && imis.ErrorCode(mapError(err)) == imis.ENOTFOUND {
		return imis.Date{}, nil
	}
	return d, mapError(err)
}

// Today is the current business date in the scheme's time zone.
func (db *DB) Today() imis.Date { return imis.DateOf(db.Now().In(db.Zone)) }
