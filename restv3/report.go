package restv3

import (
	"net/http"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The report counters of the Policies app (REST v3 report/*), over the caller's districts.

// reportPeriod reads the FromDate..ToDate of a report request.
func reportPeriod(body restObject) (from, to imis.Date, err error) {
	if from, err = body.requiredDate("FromDate"); err != nil {
		return
	}
	if to, err = body.requiredDate("ToDate"); err != nil {
		return
	}
	if to.Before(from) {
		err = inputError("ToDate", "before FromDate")
	}
	return
}

// POST report/indicators/snapshot: current policies by their state on SnapshotDate.
func (s *server) restSnapshot(w http.ResponseWriter, r *http.Request) {
	body, err := readRESTObject(w, r)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	d, err := body.requiredDate("SnapshotDate")
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	snap, err := s.DB.PolicySnapshot(r.Context(), d)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"active": snap.Active, "expired": snap.Expired, "idle": snap.Idle, "suspended": snap.Suspended})
}

// POST report/indicators/cumulative: policies new, renewed, expired and suspended and the
// contributions collected over the period.
func (s *server) restCumulative(w http.ResponseWriter, r *http.Request) {
	body, err := readRESTObject(w, r)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	from, to, err := reportPeriod(body)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	c, err := s.DB.PolicyCumulative(r.Context(), from, to)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"newPolicies": c.New, "renewedPolicies": c.Renewed, "expiredPolicies": c.Expired,
		"suspendedPolicies": c.Suspended, "collectedContribution": moneyJSON(int64(c.Collected))})
}

// restUploadReport answers report/enrolment and report/renewal: the caller's uploads of a kind
// received in the period and how many were accepted, under the two keys the app reads.
func (s *server) restUploadReport(kind, sentKey, acceptedKey string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := readRESTObject(w, r)
		if err != nil {
			s.restFail(w, r, err)
			return
		}
		from, to, err := reportPeriod(body)
		if err != nil {
			s.restFail(w, r, err)
			return
		}
		u := imis.UserFromContext(r.Context())
		sent, accepted, err := s.DB.UploadCounts(r.Context(), kind, u.ID, from, to)
		if err != nil {
			s.restFail(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]any{sentKey: sent, acceptedKey: accepted})
	}
}

// restEnrolmentReport and restRenewalReport are report/enrolment and report/renewal.
func (s *server) restEnrolmentReport(w http.ResponseWriter, r *http.Request) {
	s.restUploadReport(store.UploadEnrolment, "totalSubmitted", "totalAssigned")(w, r)
}

func (s *server) restRenewalReport(w http.ResponseWriter, r *http.Request) {
	s.restUploadReport(store.UploadRenewal, "renewalSent", "renewalAccepted")(w, r)
}

// Rights of the report counters (openIMIS's ReportsPrimaryOperationalIndicatorPolicies,
// ReportsEnrolmentPerformanceIndicators and ReportsRenewals).
const (
	rightReportPolicies  imis.Right = 131201
	rightReportEnrolment imis.Right = 131208
	rightReportRenewals  imis.Right = 131217
)
