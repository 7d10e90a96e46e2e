package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
)

var renewButton = regexp.MustCompile(`action="/renewals/([0-9a-f-]{36})"`)

// TestRenewalsScreen lists the reminders the renewal job wrote, for all visible families or one
// officer, and renews a policy from its row; a district user sees only the district's reminders.
func TestRenewalsScreen(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	ctx := imis.SystemContext(context.Background())
	if _, err := e.DB.InsertRenewals(ctx, webtest.MustDate(t, "2026-03-02"), 0); err != nil {
		t.Fatal(err)
	}
	all, err := e.DB.VisibleRenewals(ctx, imis.NilID)
	if err != nil || len(all) == 0 {
		t.Fatalf("no reminders in the demo: %v", err)
	}
	b := e.Login(t, "Admin", "admin123")
	r := b.Get(t, "/renewals")
	webtest.Check(t, "all", r, http.StatusOK, "renewals due", all[0].CHFID)
	if n := len(renewButton.FindAllString(r.Body, -1)); n != min(len(all), 50) {
		t.Errorf("%d renew buttons for %d reminders", n, len(all))
	}
	officer := e.IDOf(t, imis.Officers, "EO0101")
	mine, err := e.DB.VisibleRenewals(ctx, officer)
	if err != nil {
		t.Fatal(err)
	}
	r = b.Get(t, "/renewals?officer="+officer.String())
	webtest.Check(t, "one officer", r, http.StatusOK)
	if n := len(renewButton.FindAllString(r.Body, -1)); n != min(len(mine), 50) {
		t.Errorf("officer filter: %d rows, want %d", n, len(mine))
	}
	webtest.Check(t, "until long ago", b.Get(t, "/renewals?until=2000-01-01"), http.StatusOK, "0 renewals due", "No renewal is due.")
	webtest.Check(t, "until a bad date", b.Get(t, "/renewals?until=soon"), http.StatusUnprocessableEntity, "A date is needed")
	webtest.Check(t, "unknown officer", b.Get(t, "/renewals?officer="+imis.NewID().String()), http.StatusNotFound)

	// Renew the first reminder: it leaves the list, and the notice names the new policy.
	first := all[0]
	res := b.Submit(t, "/renewals/"+first.PolicyUUID.String(), url.Values{"officer_id": {first.OfficerUUID.String()}})
	if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/renewals?") {
		t.Fatalf("renew: %d %q %s", res.Status, res.Header.Get("Location"), webtest.Excerpt(res.Body))
	}
	r = b.Get(t, res.Header.Get("Location"))
	webtest.Check(t, "renewed", r, http.StatusOK, "The policy is renewed.", "Family "+first.CHFID, "Open the family")
	if strings.Contains(r.Body, `action="/renewals/`+first.PolicyUUID.String()+`"`) {
		t.Errorf("the renewed reminder is still listed")
	}
	webtest.Check(t, "renew twice", b.Submit(t, "/renewals/"+first.PolicyUUID.String(), nil), http.StatusConflict)

	// A district user sees the district's reminders only; a receptionist renews nothing.
	e.AddUser(t, "clerk4", "clerk-four-pass", []string{"Clerk"}, []string{"R2D1"})
	far := e.Login(t, "clerk4", "clerk-four-pass")
	r = far.Get(t, "/renewals")
	webtest.Check(t, "district", r, http.StatusOK)
	for _, d := range all {
		fam, err := e.DB.FindByID(ctx, imis.Families, d.FamilyID)
		if err != nil {
			t.Fatal(err)
		}
		inR2D1 := fam.Values["district_id"] == e.IDOf(t, imis.Locations, "R2D1")
		if listed := strings.Contains(r.Body, `action="/renewals/`+d.PolicyUUID.String()+`"`); listed != inR2D1 && d.PolicyUUID != first.PolicyUUID {
			t.Errorf("reminder of %s (district R2D1: %v) listed: %v", d.CHFID, inR2D1, listed)
		}
	}
	recep := e.Login(t, "Receptionist", "demo123")
	r = recep.Get(t, "/renewals")
	webtest.Check(t, "receptionist", r, http.StatusOK)
	if renewButton.MatchString(r.Body) {
		t.Errorf("the receptionist is offered to renew")
	}
	webtest.Check(t, "receptionist renews", recep.Submit(t, "/renewals/"+all[len(all)-1].PolicyUUID.String(), nil), http.StatusForbidden)
}
