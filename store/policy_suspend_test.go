package store_test

import (
	"testing"

	"github.com/openimis-go/openimis"
)

func TestSuspendPolicy(t *testing.T) {
	e := newCoverageEnv(t)
	if err := e.db.SuspendPolicy(e.ctx, e.policy.ID, e.policy.Version+1); imis.ErrorCode(err) != imis.ECONFLICT {
		t.Fatalf("a stale version was accepted: %v", err)
	}
	if err := e.db.SuspendPolicy(e.ctx, e.policy.ID, e.policy.Version); err != nil {
		t.Fatal(err)
	}
	pol := e.get(t, imis.Policies, e.policy.ID)
	if pol.Values["status"] != int64(imis.PolicySuspended) || pol.Values["effective_date"] != e.policy.Values["effective_date"] {
		t.Fatalf("after suspension: %v", pol.Values)
	}
	hist, err := e.db.History(e.ctx, imis.Policies, e.policy.ID)
	if err != nil || len(hist) < 2 {
		t.Fatalf("no history row for the suspension: %d %v", len(hist), err)
	}
	if err := e.db.SuspendPolicy(e.ctx, e.policy.ID, pol.Version); imis.ErrorCode(err) != imis.ECONFLICT {
		t.Fatalf("a suspended policy was suspended again: %v", err)
	}
}
