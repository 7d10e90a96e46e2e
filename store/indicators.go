package store

import (
	"context"

	"github.com/openimis-go/openimis"
)

// The indicators an enrolment officer follows: policies by state on a day, what happened over a
// period, and the uploads sent and accepted. Each is one aggregate query over the acting user's
// districts.

// Snapshot counts the current policies by the state they were in on one day.
type Snapshot struct{ Active, Expired, Idle, Suspended int64 }

// PolicySnapshot counts the current policies enrolled by day d in the acting user's districts,
// by their state on d: Suspended when suspended; Expired when their cover ended before d; Active
// when in force on d; Idle otherwise (not yet paid for, Ready, or starting later).
func (db *DB) PolicySnapshot(ctx context.Context, d imis.Date) (Snapshot, error) {
	var q query
	suspended, day, lastExpired := q.arg(int64(imis.PolicySuspended)), q.arg(d), q.arg(imis.LastExpiredDay(d))
	q.WriteString(`SELECT
		COALESCE(SUM(CASE WHEN t.status = ` + suspended + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status <> ` + suspended + ` AND t.expiry_date <= ` + lastExpired + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status <> ` + suspended + ` AND t.expiry_date > ` + lastExpired + ` AND t.effective_date IS NOT NULL
			AND t.effective_date <= ` + day + ` THEN 1 ELSE 0 END), 0),
		COUNT(*)
		FROM policies t WHERE t.validity_to IS NULL AND t.status IS NOT NULL AND t.enroll_date <= ` + day + ` AND ` +
		scopePredicate(&q, imis.Policies, imis.UserFromContext(ctx), false))
	var s Snapshot
	var all int64
	if err := db.read.QueryRowContext(ctx, q.String(), q.args...).Scan(&s.Suspended, &s.Expired, &s.Active, &all); err != nil {
		return s, mapError(err)
	}
	s.Idle = all - s.Suspended - s.Expired - s.Active
	return s, nil
}

// Cumulative counts what happened to policies and contributions over a period.
type Cumulative struct {
	New, Renewed, Expired, Suspended int64
	Collected                        imis.Money
}

// PolicyCumulative counts, in the acting user's districts and the days from..to: new and renewal
// policies enrolled; policies whose cover ended (expiry date in the period and before today, not
// suspended); policies suspended (their current version, which the suspension wrote, dates from
// the period); and the contributions paid, photo fees excluded.
func (db *DB) PolicyCumulative(ctx context.Context, from, to imis.Date) (Cumulative, error) {
	u := imis.UserFromContext(ctx)
	start, _ := db.dayBounds(from)
	_, end := db.dayBounds(to)
	var q query
	f, t := q.arg(from), q.arg(to)
	suspended := q.arg(int64(imis.PolicySuspended))
	q.WriteString(`SELECT
		COALESCE(SUM(CASE WHEN t.stage = ` + q.arg(imis.StageNew) + ` AND t.enroll_date >= ` + f + ` AND t.enroll_date <= ` + t + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.stage = ` + q.arg(imis.StageRenewal) + ` AND t.enroll_date >= ` + f + ` AND t.enroll_date <= ` + t + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status <> ` + suspended + ` AND t.expiry_date >= ` + f + ` AND t.expiry_date <= ` + t +
		` AND t.expiry_date <= ` + q.arg(imis.LastExpiredDay(db.Today())) + ` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status = ` + suspended + ` AND t.validity_from >= ` + q.arg(start) + ` AND t.validity_from < ` + q.arg(end) + ` THEN 1 ELSE 0 END), 0)
		FROM policies t WHERE t.validity_to IS NULL AND ` + scopePredicate(&q, imis.Policies, u, false))
	var c Cumulative
	if err := db.read.QueryRowContext(ctx, q.String(), q.args...).Scan(&c.New, &c.Renewed, &c.Expired, &c.Suspended); err != nil {
		return c, mapError(err)
	}
	var p query
	p.WriteString("SELECT CAST(COALESCE(SUM(t.amount), 0) AS BIGINT) FROM premiums t WHERE t.validity_to IS NULL AND t.is_photo_fee = " +
		p.arg(false) + " AND t.pay_date >= " + p.arg(from) + " AND t.pay_date <= " + p.arg(to) + " AND " +
		scopePredicate(&p, imis.Contributions, u, false))
	var sum int64
	if err := db.read.QueryRowContext(ctx, p.String(), p.args...).Scan(&sum); err != nil {
		return c, mapError(err)
	}
	c.Collected = imis.Money(sum)
	return c, nil
}

// UploadCounts returns how many uploads of a kind the user sent in the days from..to, and how
// many of them were accepted.
func (db *DB) UploadCounts(ctx context.Context, kind string, userID imis.ID, from, to imis.Date) (received, accepted int64, err error) {
	start, _ := db.dayBounds(from)
	_, end := db.dayBounds(to)
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN accepted = $1 THEN 1 ELSE 0 END), 0) FROM uploads
		WHERE kind = $2 AND user_id = $3 AND received_at >= $4 AND received_at < $5`, true, kind, userID, start, end).Scan(&received, &accepted)
	return received, accepted, mapError(err)
}
