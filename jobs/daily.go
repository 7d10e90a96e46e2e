package jobs

import (
	"context"
	"fmt"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// RenewalInterval is how many days before expiry a renewal reminder is prepared (openIMIS's
// policy_renewal_interval default).
const RenewalInterval = 14

// Expire marks policies whose expiry date has passed as Expired.
var Expire = Job{Name: "expire", Run: func(ctx context.Context, db *store.DB, today imis.Date) (string, error) {
	n, err := db.ExpirePolicies(ctx, today)
	return fmt.Sprintf("%d policies expired", n), err
}}

// Renewals prepares the renewal reminders of policies expiring soon.
var Renewals = Job{Name: "renewals", Run: func(ctx context.Context, db *store.DB, today imis.Date) (string, error) {
	n, err := db.InsertRenewals(ctx, today, RenewalInterval)
	return fmt.Sprintf("%d renewal reminders", n), err
}}

// Daily are the jobs the server schedules.
var Daily = []Job{Expire, Renewals}

// ByName returns the daily job with that name.
func ByName(name string) (Job, bool) {
	for _, j := range Daily {
		if j.Name == name {
			return j, true
		}
	}
	return Job{}, false
}
