package ui_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

// TestPolicyCoveredLaterReadsTheSame pays an RFC01 policy whose cycle starts months later: the
// clerk's family page, policy list and policy page and the reception's enquiry all say it is
// Active with cover from the cycle's start, and none of them says Idle. The enquiry's letter
// stays the apps' I, which says the day is not covered yet.
func TestPolicyCoveredLaterReadsTheSame(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	chfid, fam := webtest.PaidFamily(t, e, 5100, "RFC01")
	pols, _ := e.Records(t, imis.SystemContext(context.Background()), imis.Policies, map[string]string{"family_id": fam.String()})
	if len(pols) != 1 || pols[0].Values["status"] != int64(imis.PolicyActive) {
		t.Fatalf("the family's policies: %v", pols)
	}
	const words = "Active — covered from 2026-07-01"
	clerk := e.Login(t, "Clerk", "demo123")
	for what, path := range map[string]string{
		"family page":    "/families/" + fam.String(),
		"policy list":    "/policies?q=" + chfid,
		"policy page":    "/registers/policies/" + pols[0].ID.String(),
		"register list":  "/registers/policies?q=" + chfid,
		"enquiry screen": "/enquiry?chfid=" + chfid,
	} {
		r := clerk.Get(t, path)
		webtest.Check(t, what, r, http.StatusOK, words)
		for _, idle := range []string{"<dd>Idle</dd>", ">Idle</td>", ">Idle</span>"} {
			if strings.Contains(r.Body, idle) {
				t.Errorf("%s says Idle: %s", what, webtest.Excerpt(r.Body))
			}
		}
	}
	recep := e.Login(t, "Receptionist", "demo123")
	webtest.Check(t, "reception's enquiry", recep.Get(t, "/enquiry?chfid="+chfid), http.StatusOK,
		`<span class="status letter status-I" title="`+words+`">I</span> <span class="status-label">`+words+`</span>`)
	// On the first day of the cycle the policy covers, and every screen says Active alone.
	e.Clock.Set(webtest.BaseTime.AddDate(0, 3, 29))
	webtest.Check(t, "enquiry on the cycle's start", e.Login(t, "Receptionist", "demo123").Get(t, "/enquiry?chfid="+chfid), http.StatusOK,
		`<span class="status letter status-A" title="Active">A</span> <span class="status-label">Active</span>`)
	webtest.Check(t, "family page on the cycle's start", e.Login(t, "Clerk", "demo123").Get(t, "/families/"+fam.String()), http.StatusOK,
		`<span class="status status-2">Active</span>`)
}
