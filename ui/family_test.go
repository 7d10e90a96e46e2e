package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	imis "github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testpng"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

// TestFamilyPage checks the family page and its membership actions: add a member, make another
// one the head, move one to another family, remove one, each with its right and its errors.
func TestFamilyPage(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	fam, ids := webtest.EnrolledFamily(t, e, 1000)
	other, _ := webtest.EnrolledFamily(t, e, 1100)
	base := "/families/" + fam.String()

	webtest.Check(t, "page", b.Get(t, base), http.StatusOK, "Family of "+webtest.FreeCHFID(1000)+" Mwakilema Neema", "Members <span class=\"count\">(3)</span>",
		"The family has no policy.", `action="`+base+`/head"`)
	webtest.Check(t, "unknown", b.Get(t, "/families/"+imis.NewID().String()), http.StatusNotFound)
	webtest.Check(t, "bad id", b.Get(t, "/families/nope"), http.StatusNotFound)

	// Add a member: a wrong number is refused beside the field, a good one is added.
	form := url.Values{"chfid": {badCheckDigit(webtest.FreeCHFID(1010))}, "last_name": {"Mwakilema"}, "other_names": {"Zawadi"},
		"dob": {"2021-02-01"}, "gender": {"F"}, "relationship": {"4"}}
	r := b.Submit(t, base+"/members", form)
	webtest.Check(t, "bad member", r, http.StatusUnprocessableEntity)
	if got := fieldErrorOf(r.Body, "f-chfid"); got != "The check digit of this insurance number is wrong." {
		t.Errorf("bad member number: %q", got)
	}
	form.Set("chfid", webtest.FreeCHFID(1010))
	form.Set("dob", "2030-01-01")
	r = b.Submit(t, base+"/members", form)
	if got := fieldErrorOf(r.Body, "f-dob"); r.Status != http.StatusUnprocessableEntity || got != "The date of birth cannot be in the future." {
		t.Errorf("future birth: %d %q", r.Status, got)
	}
	form.Set("dob", "2021-02-01")
	r = b.Submit(t, base+"/members", form)
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "done=member_added") {
		t.Fatalf("add member: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	webtest.Check(t, "member page", b.Get(t, r.Header.Get("Location")), http.StatusOK, "The member is added.", "Zawadi Mwakilema")

	// Make the spouse the head.
	r = b.Submit(t, base+"/head", url.Values{"insuree_id": {ids[1].String()}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("set head: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	webtest.Check(t, "new head", b.Get(t, r.Header.Get("Location")), http.StatusOK, "The family has a new head.", "Family of "+webtest.FreeCHFID(1001))
	webtest.Check(t, "head of another family", b.Submit(t, base+"/head", url.Values{"insuree_id": {imis.NewID().String()}}), http.StatusUnprocessableEntity)

	// The head cannot move or be removed; another member can.
	webtest.Check(t, "move head", b.Submit(t, base+"/members/"+ids[1].String()+"/move", url.Values{"to_family": {webtest.FreeCHFID(1100)}}),
		http.StatusConflict, "The head of a family cannot change family")
	r = b.Submit(t, base+"/members/"+ids[2].String()+"/move", url.Values{"to_family": {"999999999"}})
	if got := fieldErrorOf(r.Body, "f-to-family"); r.Status != http.StatusUnprocessableEntity || got != "No family has a head with the insurance number 999999999." {
		t.Errorf("move to unknown family: %d %q", r.Status, got)
	}
	r = b.Submit(t, base+"/members/"+ids[2].String()+"/move", url.Values{"to_family": {webtest.FreeCHFID(1100)}, "cancel_policies": {"false", "true"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("move: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	moved, err := e.DB.FindByID(imis.SystemContext(context.Background()), imis.Insurees, ids[2])
	if err != nil || moved.Values["family_id"] != other {
		t.Errorf("moved member is in family %v (%v), want %s", moved.Values["family_id"], err, other)
	}
	webtest.Check(t, "moved away", b.Get(t, "/families/"+other.String()), http.StatusOK, webtest.FreeCHFID(1002))

	webtest.Check(t, "remove head", b.Submit(t, base+"/members/"+ids[1].String()+"/delete", nil), http.StatusConflict)
	r = b.Submit(t, base+"/members/"+ids[0].String()+"/delete", nil)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	webtest.Check(t, "after remove", b.Get(t, r.Header.Get("Location")), http.StatusOK, "The member is removed.", "Members <span class=\"count\">(2)</span>")
	// A member of another family is not reached through this family.
	webtest.Check(t, "foreign member", b.Get(t, base+"/members/"+ids[2].String()), http.StatusNotFound)

	// Rights: the receptionist sees families but changes nothing.
	recep := e.Login(t, "Receptionist", "demo123")
	page := recep.Get(t, "/families/"+other.String())
	webtest.Check(t, "receptionist page", page, http.StatusOK)
	for _, action := range []string{"Add a member", "Add a policy", "Make head", "Edit the family"} {
		if strings.Contains(page.Body, action) {
			t.Errorf("the receptionist is offered %q", action)
		}
	}
	webtest.Check(t, "receptionist add", recep.Submit(t, "/families/"+other.String()+"/members", form), http.StatusForbidden)
	webtest.Check(t, "receptionist head", recep.Submit(t, "/families/"+other.String()+"/head", url.Values{"insuree_id": {ids[2].String()}}), http.StatusForbidden)
	// A district user does not reach a family of another district.
	e.AddUser(t, "clerk2", "clerk-two-pass", []string{"Clerk"}, []string{"R2D1"})
	webtest.Check(t, "other district", e.Login(t, "clerk2", "clerk-two-pass").Get(t, base), http.StatusNotFound)
}

// TestFamilyPolicyAndContribution adds a policy with its computed value, then pays it in two
// parts: the first, short, payment brings openIMIS's question back and saves nothing until it is
// answered.
func TestFamilyPolicyAndContribution(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	fam, _ := webtest.EnrolledFamily(t, e, 2000)
	base := "/families/" + fam.String()
	today := webtest.BaseTime.Format(time.DateOnly)
	policy := url.Values{"product_id": {e.IDOf(t, imis.Products, "NBC01").String()}, "officer_id": {e.IDOf(t, imis.Officers, "EO0101").String()},
		"enroll_date": {today}}

	webtest.Check(t, "form", b.Get(t, base+"/policies/new"), http.StatusOK, "NBC01 National Basic Cover", "RFC01")
	q := url.Values{"action": {"quote"}}
	for k, v := range policy {
		q[k] = v
	}
	webtest.Check(t, "quote", b.Submit(t, base+"/policies", q), http.StatusOK, "29500.00", "2027-03-01")
	bad := url.Values{"product_id": policy["product_id"], "officer_id": policy["officer_id"], "enroll_date": {"2026-04-01"}}
	r := b.Submit(t, base+"/policies", bad)
	if got := fieldErrorOf(r.Body, "f-enroll-date"); r.Status != http.StatusUnprocessableEntity || got != "The enrolment date cannot be in the future." {
		t.Errorf("future enrolment: %d %q", r.Status, got)
	}
	r = b.Submit(t, base+"/policies", policy)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add policy: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	loc := r.Header.Get("Location")
	webtest.Check(t, "policy added", b.Get(t, loc), http.StatusOK, "The policy is saved. Policy NBC01 from 2026-03-02 to 2027-03-01, value 29500.00, status Idle.")
	polID, _ := url.ParseQuery(strings.SplitN(loc, "?", 2)[1])
	pol := polID.Get("policy")
	webtest.Check(t, "duplicate policy", b.Submit(t, base+"/policies", policy), http.StatusConflict, "already has a policy of product NBC01")

	contribs := func() int {
		_, n, err := e.DB.Find(imis.SystemContext(context.Background()), imis.Contributions, store.Filter{Fields: map[string]string{"policy_id": pol}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	pay := base + "/policies/" + pol + "/contributions"
	r = b.Get(t, pay+"/new")
	webtest.Check(t, "payment form", r, http.StatusOK)
	if got := inputValue(r.Body, "amount"); got != "29500.00" {
		t.Errorf("amount prefilled with %q", got)
	}
	part := url.Values{"amount": {"10000.00"}, "receipt": {"FAM-0001"}, "pay_date": {today}, "pay_type": {"C"}}
	r = b.Submit(t, pay, part)
	webtest.Check(t, "underpaid", r, http.StatusUnprocessableEntity, "This contribution does not pay the policy in full.",
		`name="decision" value="WAIT"`, `name="decision" value="ENFORCE"`)
	if strings.Contains(r.Body, `value="SUSPEND"`) {
		t.Errorf("an underpaid contribution offers to suspend")
	}
	if inputValue(r.Body, "receipt") != "FAM-0001" {
		t.Errorf("the question lost the receipt")
	}
	if n := contribs(); n != 0 {
		t.Fatalf("the question saved %d contributions", n)
	}
	part.Set("decision", "WAIT")
	if r = b.Submit(t, pay, part); r.Status != http.StatusSeeOther {
		t.Fatalf("wait: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	webtest.Check(t, "waiting", b.Get(t, r.Header.Get("Location")), http.StatusOK, "status Idle", "19500.00")
	if n := contribs(); n != 1 {
		t.Fatalf("contributions %d, want 1", n)
	}

	// Bad input is reported beside each field; the same receipt for the product is refused.
	r = b.Submit(t, pay, url.Values{"amount": {"abc"}, "receipt": {""}, "pay_date": {today}, "pay_type": {"C"}})
	if r.Status != http.StatusUnprocessableEntity || fieldErrorOf(r.Body, "f-amount") == "" || fieldErrorOf(r.Body, "f-receipt") != "Required." {
		t.Errorf("bad payment: %d amount %q receipt %q", r.Status, fieldErrorOf(r.Body, "f-amount"), fieldErrorOf(r.Body, "f-receipt"))
	}
	r = b.Submit(t, pay, url.Values{"amount": {"19500.00"}, "receipt": {"FAM-0003"}, "pay_date": {"1990-01-01"}, "pay_type": {"C"}})
	if got := fieldErrorOf(r.Body, "f-pay-date"); r.Status != http.StatusUnprocessableEntity || got != "The payment date cannot be before the policy's enrolment date, 2026-03-02." {
		t.Errorf("payment before the enrolment: %d %q", r.Status, got)
	}
	if n := contribs(); n != 1 {
		t.Fatalf("contributions %d after a refused payment, want 1", n)
	}
	r = b.Submit(t, pay, url.Values{"amount": {"19500.00"}, "receipt": {"FAM-0001"}, "pay_date": {today}, "pay_type": {"C"}})
	if got := fieldErrorOf(r.Body, "f-receipt"); r.Status != http.StatusConflict || got != "Receipt FAM-0001 is already used for this product." {
		t.Errorf("used receipt: %d %q", r.Status, got)
	}
	r = b.Submit(t, pay, url.Values{"amount": {"19500.00"}, "receipt": {"FAM-0002"}, "pay_date": {today}, "pay_type": {"C"}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("rest: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	webtest.Check(t, "active", b.Get(t, r.Header.Get("Location")), http.StatusOK, "The contribution is saved.", "status Active",
		`<span class="status status-2">Active</span>`, "FAM-0002")

	// A policy of another family is not reached through this family.
	other, _ := webtest.EnrolledFamily(t, e, 2100)
	webtest.Check(t, "foreign policy", b.Get(t, "/families/"+other.String()+"/policies/"+pol+"/contributions/new"), http.StatusNotFound)
	webtest.Check(t, "an idle policy is not renewed", b.Get(t, "/families/"+other.String()+"/policies/"+pol+"/renew"), http.StatusNotFound)
}

// TestFamilyRenewal renews an active policy from the family page, late: the renewal is saved,
// and the family page says it came after the grace period.
func TestFamilyRenewal(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	ctx := imis.SystemContext(context.Background())
	fam, _ := webtest.EnrolledFamily(t, e, 3000)
	base := "/families/" + fam.String()
	// Enrolled two years ago and paid: the policy has run out by now.
	enrol := "2024-02-01"
	pol, err := e.DB.Create(ctx, imis.Policies, imis.Values{"family_id": fam, "product_id": e.IDOf(t, imis.Products, "NBC01"),
		"officer_id": e.IDOf(t, imis.Officers, "EO0101"), "enroll_date": webtest.MustDate(t, enrol), "is_offline": false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Create(ctx, imis.Contributions, imis.Values{"policy_id": pol.ID, "amount": int64(2950000), "receipt": "REN-1",
		"pay_date": webtest.MustDate(t, enrol), "pay_type": "C", "is_photo_fee": false, "is_offline": false}, nil); err != nil {
		t.Fatal(err)
	}
	path := base + "/policies/" + pol.ID.String() + "/renew"
	webtest.Check(t, "renew form", b.Get(t, path), http.StatusOK, "A renewal enrolled after 2025-03-01 is late.")
	webtest.Check(t, "renew bad date", b.Submit(t, path, url.Values{"enroll_date": {"soon"}, "officer_id": {e.IDOf(t, imis.Officers, "EO0101").String()}}),
		http.StatusUnprocessableEntity, "A date is needed")
	r := b.Submit(t, path, url.Values{"enroll_date": {webtest.BaseTime.Format(time.DateOnly)}, "officer_id": {e.IDOf(t, imis.Officers, "EO0101").String()}})
	if r.Status != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "late=1") {
		t.Fatalf("renew: %d %q %s", r.Status, r.Header.Get("Location"), webtest.Excerpt(r.Body))
	}
	webtest.Check(t, "renewed", b.Get(t, r.Header.Get("Location")), http.StatusOK, "The policy is renewed.", "This renewal is late", "Renewal")
	// The renewed policy cannot be renewed twice from the same page.
	webtest.Check(t, "renew again", b.Submit(t, path, url.Values{"enroll_date": {webtest.BaseTime.Format(time.DateOnly)}, "officer_id": {e.IDOf(t, imis.Officers, "EO0101").String()}}),
		http.StatusConflict)
}

// TestMemberPhotoOverBodyLimit posts a photo larger than any form body may be: the cut-off body
// holds no CSRF token, yet the answer must be the photo's size, as for a smaller oversize photo,
// not an expired form; nothing is stored.
func TestMemberPhotoOverBodyLimit(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	fam, ids := webtest.EnrolledFamily(t, e, 4000)
	path := "/families/" + fam.String() + "/members/" + ids[1].String()

	huge := append(webtest.PhotoPNG(t), bytes.Repeat([]byte{0}, 9<<20)...)
	r := b.UploadPhoto(t, path+"/photo", huge)
	if got := fieldErrorOf(r.Body, "f-photo"); r.Status != http.StatusUnprocessableEntity || got != "The photo is larger than 2 MiB." {
		t.Errorf("over the body limit: %d %q %s", r.Status, got, webtest.Excerpt(r.Body))
	}
	rec, err := e.DB.FindByID(imis.SystemContext(context.Background()), imis.Insurees, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if f := rec.Values["photo_file"]; f != nil {
		t.Fatalf("a refused photo was stored: %v", f)
	}
}

// TestMemberPhoto uploads photos: a file too large, not an image or too large to decode is
// refused beside the field with nothing stored; a good one is stored and served, with its
// thumbnail, to those who may see the insuree, also under its file name for the apps.
func TestMemberPhoto(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	fam, ids := webtest.EnrolledFamily(t, e, 4000)
	path := "/families/" + fam.String() + "/members/" + ids[1].String()
	photoFile := func() any {
		rec, err := e.DB.FindByID(imis.SystemContext(context.Background()), imis.Insurees, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		return rec.Values["photo_file"]
	}

	big := append(webtest.PhotoPNG(t), bytes.Repeat([]byte{0}, 3<<20)...)
	r := b.UploadPhoto(t, path+"/photo", big)
	if got := fieldErrorOf(r.Body, "f-photo"); r.Status != http.StatusUnprocessableEntity || got != "The photo is larger than 2 MiB." {
		t.Errorf("too large: %d %q", r.Status, got)
	}
	r = b.UploadPhoto(t, path+"/photo", []byte("this is not an image at all, just some text"))
	if got := fieldErrorOf(r.Body, "f-photo"); r.Status != http.StatusUnprocessableEntity || got != "The photo must be a JPEG or PNG image." {
		t.Errorf("not an image: %d %q", r.Status, got)
	}
	r = b.UploadPhoto(t, path+"/photo", testpng.BlackPNG(t, 4000, 4000, 16))
	if got := fieldErrorOf(r.Body, "f-photo"); r.Status != http.StatusUnprocessableEntity ||
		got != "The photo needs 124 MiB of memory to read, more than the 64 MiB allowed: save it with fewer pixels, or as an 8-bit JPEG." {
		t.Errorf("16 bits, 4000 x 4000: %d %q", r.Status, got)
	}
	if f := photoFile(); f != nil {
		t.Fatalf("a refused photo was stored: %v", f)
	}
	webtest.Check(t, "no photo", b.Get(t, "/photos/"+ids[1].String()), http.StatusNotFound)

	r = b.UploadPhoto(t, path+"/photo", webtest.PhotoPNG(t))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	webtest.Check(t, "member page", b.Get(t, r.Header.Get("Location")), http.StatusOK, "The photo is saved.", `src="/photos/`+ids[1].String()+`"`)
	name, _ := photoFile().(string)
	if !strings.HasPrefix(name, webtest.FreeCHFID(4001)+"_20260302_") || !strings.HasSuffix(name, ".png") {
		t.Errorf("photo file %q", name)
	}
	full := b.Get(t, "/photos/"+ids[1].String())
	if full.Status != http.StatusOK || full.Header.Get("Content-Type") != "image/png" || full.Body != string(webtest.PhotoPNG(t)) {
		t.Errorf("photo: %d %s %d bytes", full.Status, full.Header.Get("Content-Type"), len(full.Body))
	}
	thumb := b.Get(t, "/photos/"+ids[1].String()+"/thumb")
	if thumb.Status != http.StatusOK || thumb.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumbnail: %d %s", thumb.Status, thumb.Header.Get("Content-Type"))
	}
	webtest.Check(t, "family page thumb", b.Get(t, "/families/"+fam.String()), http.StatusOK, `src="/photos/`+ids[1].String()+`/thumb"`)

	// The apps' path, with a bearer token or a session; not for users without the right or
	// outside the insuree's districts.
	tok := e.Token(t, "Admin", "admin123")
	app := e.Do(t, nil, http.MethodGet, "/Images/Updated/"+name, map[string]string{"Authorization": "Bearer " + tok}, "")
	if app.Status != http.StatusOK || app.Body != string(webtest.PhotoPNG(t)) {
		t.Errorf("apps' path: %d", app.Status)
	}
	if r := e.Do(t, nil, http.MethodGet, "/photos/"+ids[1].String()+"/thumb", map[string]string{"Authorization": "Bearer " + tok}, ""); r.Status != http.StatusOK {
		t.Errorf("thumbnail with a token: %d", r.Status)
	}
	webtest.Check(t, "apps' path by session", b.Get(t, "/Images/Updated/"+name), http.StatusOK)
	webtest.Check(t, "apps' path without login", e.Do(t, nil, http.MethodGet, "/Images/Updated/"+name, nil, ""), http.StatusUnauthorized)
	webtest.Check(t, "unknown file", b.Get(t, "/Images/Updated/nothing.jpg"), http.StatusNotFound)
	e.AddUser(t, "clerk3", "clerk-three-pass", []string{"Clerk"}, []string{"R2D1"})
	far := e.Login(t, "clerk3", "clerk-three-pass")
	webtest.Check(t, "other district", far.Get(t, "/photos/"+ids[1].String()), http.StatusNotFound)
	contrib := e.Login(t, "ClaimContrib", "demo123")
	webtest.Check(t, "no right", contrib.Get(t, "/photos/"+ids[1].String()), http.StatusForbidden)
	webtest.Check(t, "no right to upload", contrib.UploadPhoto(t, path+"/photo", webtest.PhotoPNG(t)), http.StatusForbidden)
}

// TestEnrolmentSearches checks the families and policies searches: by number or name, by
// village, by status named rather than numbered; a member's number leads to the family.
func TestEnrolmentSearches(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	fam, _ := webtest.EnrolledFamily(t, e, 9000)

	r := b.Get(t, "/families?q="+webtest.FreeCHFID(9000))
	webtest.Check(t, "by number", r, http.StatusOK, "1 found", "/families/"+fam.String(), "Mwakilema Neema")
	webtest.Check(t, "by name", b.Get(t, "/families?q=mwakilema"), http.StatusOK, "/families/"+fam.String())
	r = b.Get(t, "/families?location_id="+e.IDOf(t, imis.Locations, "R2D1W1V1").String()+"&q=mwakilema")
	webtest.Check(t, "other village", r, http.StatusOK, "0 found")
	r = b.Get(t, "/families?q="+webtest.FreeCHFID(9002))
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/families/"+fam.String() {
		t.Errorf("member's number: %d %q", r.Status, r.Header.Get("Location"))
	}
	webtest.Check(t, "families page 2", b.Get(t, "/families?page=2&size=10"), http.StatusOK, "11–20 of")

	r = b.Get(t, "/policies?status=2")
	webtest.Check(t, "active policies", r, http.StatusOK, `<span class="status status-2">Active</span>`)
	for _, other := range []string{"status-1", "status-4", "status-8", "status-16"} {
		if strings.Contains(r.Body, `class="status `+other+`"`) {
			t.Errorf("the Active filter lists a policy with %s", other)
		}
	}
	r = b.Get(t, "/policies?product_id="+e.IDOf(t, imis.Products, "RFC01").String())
	webtest.Check(t, "by product", r, http.StatusOK, "RFC01")
	if strings.Contains(r.Body, `>NBC01</a>`) {
		t.Errorf("the RFC01 filter lists NBC01 policies")
	}
	webtest.Check(t, "bad filters are ignored", b.Get(t, "/policies?status=x&product_id=y"), http.StatusOK)
	r = b.Get(t, "/insurees?q="+webtest.FreeCHFID(9001))
	webtest.Check(t, "insuree by number", r, http.StatusOK, "1 found", "/families/"+fam.String()+"/members/", "Mwakilema Baraka")
	webtest.Check(t, "insurees by gender", b.Get(t, "/insurees?q=mwakilema&gender=F"), http.StatusOK, "2 found")
	webtest.Check(t, "insurees bad filter", b.Get(t, "/insurees?gender=Q&status=nope"), http.StatusOK)

	receipt := existingReceipt(t, e, "NBC01")
	r = b.Get(t, "/contributions?q="+url.QueryEscape(receipt))
	webtest.Check(t, "contribution by receipt", r, http.StatusOK, "1 found", receipt, "NBC01", `href="/families/`)
	webtest.Check(t, "contributions by payer", b.Get(t, "/contributions?payer_id="+imis.NewID().String()), http.StatusOK, "0 found")

	contrib := e.Login(t, "ClaimContrib", "demo123")
	for _, path := range []string{"/policies", "/insurees", "/contributions", "/families"} {
		webtest.Check(t, "no right "+path, contrib.Get(t, path), http.StatusForbidden)
	}
}

// TestPolicyEditForm shows a policy's computed status, value and dates on its edit form as text,
// not inputs, and a post that still sends them changes none of them.
func TestPolicyEditForm(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	fam, _ := webtest.EnrolledFamily(t, e, 2200)
	today := webtest.BaseTime.Format(time.DateOnly)
	policy := url.Values{"product_id": {e.IDOf(t, imis.Products, "NBC01").String()}, "officer_id": {e.IDOf(t, imis.Officers, "EO0101").String()},
		"enroll_date": {today}}
	r := b.Submit(t, "/families/"+fam.String()+"/policies", policy)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("add policy: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	q, _ := url.ParseQuery(strings.SplitN(r.Header.Get("Location"), "?", 2)[1])
	polID, err := imis.ParseID(q.Get("policy"))
	if err != nil {
		t.Fatal(err)
	}
	loc := "/registers/policies/" + polID.String()
	computed := []string{"head_chfid", "product_code", "stage", "status", "value", "start_date", "effective_date", "expiry_date", "previous_id", "renewal_order"}

	edit := b.Get(t, loc+"/edit")
	webtest.Check(t, "edit form", edit, http.StatusOK, `name="product_id"`, `name="officer_id"`, `name="enroll_date"`,
		"29500.00", "2027-03-01", "Idle")
	for _, name := range computed {
		if strings.Contains(edit.Body, ` name="`+name+`"`) {
			t.Errorf("the edit form offers %s as an input", name)
		}
	}

	sys := imis.SystemContext(context.Background())
	before, err := e.DB.FindByID(sys, imis.Policies, polID)
	if err != nil {
		t.Fatal(err)
	}
	post := url.Values{"version": {strconv.Itoa(before.Version)}, "status": {"2"}, "value": {"1.00"}, "start_date": {"2020-01-01"},
		"effective_date": {"2020-01-01"}, "expiry_date": {"2030-12-31"}, "stage": {"R"}, "renewal_order": {"7"}}
	for k, v := range policy {
		post[k] = v
	}
	r = b.Submit(t, loc, post)
	if r.Status != http.StatusSeeOther {
		t.Fatalf("post with computed values: %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	after, err := e.DB.FindByID(sys, imis.Policies, polID)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range computed {
		if fmt.Sprint(after.Values[name]) != fmt.Sprint(before.Values[name]) {
			t.Errorf("%s changed from %v to %v", name, before.Values[name], after.Values[name])
		}
	}
}
