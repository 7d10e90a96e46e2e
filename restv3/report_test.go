package restv3_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

func TestRestReportIndicators(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	token := e.Token(t, officerLogin, officerPassword)
	octx := e.UserCtx(t, officerLogin)
	pols, total := e.Records(t, octx, imis.Policies, nil)
	if total == 0 || total > 500 {
		t.Fatalf("%d policies in the officer's district", total)
	}
	d := func(v any) imis.Date { x, _ := v.(imis.Date); return x }
	for _, day := range []imis.Date{imis.NewDate(2026, 3, 2), imis.NewDate(2025, 6, 15)} {
		var want [4]int64 // active, expired, idle, suspended
		for _, p := range pols {
			if d(p.Values["enroll_date"]).After(day) {
				continue
			}
			eff := d(p.Values["effective_date"])
			switch {
			case p.Values["status"] == int64(imis.PolicySuspended):
				want[3]++
			case d(p.Values["expiry_date"]).Before(day):
				want[1]++
			case !eff.IsZero() && !eff.After(day):
				want[0]++
			default:
				want[2]++
			}
		}
		r := e.Rest(t, token, http.MethodPost, "/rest/api/Report/Indicators/Snapshot/", `{"SnapshotDate":"`+day.String()+`"}`)
		webtest.Check(t, "snapshot", r, http.StatusOK)
		m := webtest.Object(t, r.Body)
		checkKeys(t, "snapshot", m, "active", "expired", "idle", "suspended")
		got := [4]int64{webtest.Num(t, m["active"]), webtest.Num(t, m["expired"]), webtest.Num(t, m["idle"]), webtest.Num(t, m["suspended"])}
		if got != want {
			t.Errorf("snapshot on %s: %v, want %v", day, got, want)
		}
		if day.String() == "2026-03-02" && (got[0] == 0 || got[1] == 0 || got[2] == 0) {
			t.Errorf("the demo should have active, expired and idle policies today: %v", got)
		}
	}

	from, to := imis.NewDate(2025, 3, 1), imis.NewDate(2026, 2, 28)
	today := imis.NewDate(2026, 3, 2)
	in := func(x imis.Date) bool { return !x.Before(from) && !x.After(to) }
	var want [4]int64
	for _, p := range pols {
		enrol := d(p.Values["enroll_date"])
		switch {
		case p.Values["stage"] == imis.StageNew && in(enrol):
			want[0]++
		case p.Values["stage"] == imis.StageRenewal && in(enrol):
			want[1]++
		}
		if exp := d(p.Values["expiry_date"]); p.Values["status"] != int64(imis.PolicySuspended) && in(exp) && exp.Before(today) {
			want[2]++
		}
	}
	prems, _ := e.Records(t, octx, imis.Contributions, nil)
	var collected imis.Money
	for _, p := range prems {
		if p.Values["is_photo_fee"] != true && in(d(p.Values["pay_date"])) {
			collected += imis.Money(p.Values["amount"].(int64))
		}
	}
	r := e.Rest(t, token, http.MethodPost, "/rest/api/report/indicators/cumulative", `{"FromDate":"2025-03-01","ToDate":"2026-02-28"}`)
	webtest.Check(t, "cumulative", r, http.StatusOK)
	m := webtest.Object(t, r.Body)
	checkKeys(t, "cumulative", m, "newPolicies", "renewedPolicies", "expiredPolicies", "suspendedPolicies", "collectedContribution")
	got := [4]int64{webtest.Num(t, m["newPolicies"]), webtest.Num(t, m["renewedPolicies"]), webtest.Num(t, m["expiredPolicies"]), webtest.Num(t, m["suspendedPolicies"])}
	if got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("cumulative %v, want new/renewed/expired %v", got, want[:3])
	}
	if collected == 0 || !regexp.MustCompile(`"collectedContribution":`+regexp.QuoteMeta(collected.String())+`[,}]`).MatchString(r.Body) {
		t.Errorf("collectedContribution in %s, want %s", r.Body, collected)
	}

	checkEnvelope(t, "missing SnapshotDate", e.Rest(t, token, http.MethodPost, "/rest/api/report/indicators/snapshot", `{}`), http.StatusBadRequest, "SnapshotDate")
	checkEnvelope(t, "bad date", e.Rest(t, token, http.MethodPost, "/rest/api/report/indicators/snapshot", `{"SnapshotDate":"02/03/2026"}`), http.StatusBadRequest, "SnapshotDate")
	checkEnvelope(t, "period backwards", e.Rest(t, token, http.MethodPost, "/rest/api/report/indicators/cumulative", `{"FromDate":"2026-03-01","ToDate":"2026-02-01"}`), http.StatusBadRequest, "ToDate")
	checkEmpty401(t, "no token", e.Rest(t, "", http.MethodPost, "/rest/api/report/indicators/snapshot", `{"SnapshotDate":"2026-03-02"}`))
	contrib := e.Token(t, "ClaimContrib", "demo123")
	if r := e.Rest(t, contrib, http.MethodPost, "/rest/api/report/indicators/snapshot", `{"SnapshotDate":"2026-03-02"}`); r.Status != http.StatusForbidden {
		t.Errorf("snapshot without the right: %d", r.Status)
	}
}

func TestRestReportUploads(t *testing.T) {
	e := webtest.NewRestEnv(t, 5)
	officer := e.Token(t, officerLogin, officerPassword)
	admin := e.Token(t, "Admin", "admin123")
	for _, c := range []struct{ path, sent, accepted string }{
		{"/rest/api/report/enrolment", "totalSubmitted", "totalAssigned"},
		{"/rest/api/Report/Renewal/", "renewalSent", "renewalAccepted"},
	} {
		r := e.Rest(t, admin, http.MethodPost, c.path, `{"FromDate":"2026-01-01","ToDate":"2026-03-31"}`)
		webtest.Check(t, c.path, r, http.StatusOK)
		m := webtest.Object(t, r.Body)
		checkKeys(t, c.path, m, c.sent, c.accepted)
		if webtest.Num(t, m[c.sent]) != 0 || webtest.Num(t, m[c.accepted]) != 0 {
			t.Errorf("%s before any upload: %s", c.path, r.Body)
		}
		// The enrolment officer's role has neither report right.
		if r := e.Rest(t, officer, http.MethodPost, c.path, `{"FromDate":"2026-01-01","ToDate":"2026-03-31"}`); r.Status != http.StatusForbidden {
			t.Errorf("%s without the right: %d", c.path, r.Status)
		}
		checkEnvelope(t, c.path+" without dates", e.Rest(t, admin, http.MethodPost, c.path, `{"FromDate":"2026-01-01"}`), http.StatusBadRequest, "ToDate")
	}
}
