package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
)

var renewButton = regexp.MustCompile(`action="/renewals/([0-9a-f-]{36})"`)

// TestRenewalsScreen lists the reminders the renewal job wrote, for all visible families or one
// officer, and renews a policy from its row; a district user sees only the district's reminders.
func TestRenewalsScreen(t *testing.T) {
	e := newEnrolEnv(t)
	ctx := imis.SystemContext(context.Background())
	if _, err := e.db.InsertRenewals(ctx, mustDate(t, "2026-03-02"), 0); err != nil {
		t.Fatal(err)
	}
	all, err := e.db.VisibleRenewals(ctx, imis.NilID)
	if err != nil || len(all) == 0 {
		t.Fatalf("no reminders in the demo: %v", err)
	}
	b := e.login(t, "Admin", "admin123")
	r := b.get(t, "/renewals")
	check(t, "all", r, http.StatusOK, "renewals due", all[0].CHFID)
	if n := len(renewButton.FindAllString(r.body, -1)); n != min(len(all), 50) {
		t.Errorf("%d renew buttons for %d reminders", n, len(all))
	}
	officer := e.idOf(t, imis.Officers, "EO0101")
	mine, err := e.db.VisibleRenewals(ctx, officer)
	if err != nil {
		t.Fatal(err)
	}
	r = b.get(t, "/renewals?officer="+officer.String())
	check(t, "one officer", r, http.StatusOK)
	if n := len(renewButton.FindAllString(r.body, -1)); n != min(len(mine), 50) {
		t.Errorf("officer filter: %d rows, want %d", n, len(mine))
	}
	check(t, "until long ago", b.get(t, "/renewals?until=2000-01-01"), http.StatusOK, "0 renewals due", "No renewal is due.")
	check(t, "until a bad date", b.get(t, "/renewals?until=soon"), http.StatusUnprocessableEntity, "A date is needed")
	check(t, "unknown officer", b.get(t, "/renewals?officer="+imis.NewID().String()), http.StatusNotFound)

	// Renew the first reminder: it leaves the list, and the notice names the new policy.
	first := all[0]
	res := b.submit(t, "/renewals/"+first.PolicyUUID.String(), url.Values{"officer_id": {first.OfficerUUID.String()}})
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/renewals?") {
		t.Fatalf("renew: %d %q %s", res.status, res.header.Get("Location"), excerpt(res.body))
	}
	r = b.get(t, res.header.Get("Location"))
	check(t, "renewed", r, http.StatusOK, "The policy is renewed.", "Family "+first.CHFID, "Open the family")
	if strings.Contains(r.body, `action="/renewals/`+first.PolicyUUID.String()+`"`) {
		t.Errorf("the renewed reminder is still listed")
	}
	check(t, "renew twice", b.submit(t, "/renewals/"+first.PolicyUUID.String(), nil), http.StatusConflict)

	// A district user sees the district's reminders only; a receptionist renews nothing.
	e.addUser(t, "clerk4", "clerk-four-pass", []string{"Clerk"}, []string{"R2D1"})
	far := e.login(t, "clerk4", "clerk-four-pass")
	r = far.get(t, "/renewals")
	check(t, "district", r, http.StatusOK)
	for _, d := range all {
		fam, err := e.db.FindByID(ctx, imis.Families, d.FamilyID)
		if err != nil {
			t.Fatal(err)
		}
		inR2D1 := fam.Values["district_id"] == e.idOf(t, imis.Locations, "R2D1")
		if listed := strings.Contains(r.body, `action="/renewals/`+d.PolicyUUID.String()+`"`); listed != inR2D1 && d.PolicyUUID != first.PolicyUUID {
			t.Errorf("reminder of %s (district R2D1: %v) listed: %v", d.CHFID, inR2D1, listed)
		}
	}
	recep := e.login(t, "Receptionist", "demo123")
	r = recep.get(t, "/renewals")
	check(t, "receptionist", r, http.StatusOK)
	if renewButton.MatchString(r.body) {
		t.Errorf("the receptionist is offered to renew")
	}
	check(t, "receptionist renews", recep.submit(t, "/renewals/"+all[len(all)-1].PolicyUUID.String(), nil), http.StatusForbidden)
}
