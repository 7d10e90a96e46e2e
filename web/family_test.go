package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// enrolledFamily enrols a family of three in village R1D1W1V1 with no policy, through the
// store, and returns its id and its members' ids (head first).
func enrolledFamily(t *testing.T, e *env, base int) (imis.ID, []imis.ID) {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	village := e.idOf(t, imis.Locations, "R1D1W1V1")
	member := func(m wizardMember) imis.Values {
		raw := map[string]string{"chfid": m.chfid, "last_name": m.last, "other_names": m.other, "dob": m.dob, "gender": m.gender,
			"relationship": m.relation, "family_id": imis.NilID.String()}
		v, p := imis.Insurees.Parse(raw, true)
		if err := p.Err(); err != nil {
			t.Fatal(err)
		}
		return v
	}
	ms := familyOf3(base)
	family, p := imis.Families.Parse(map[string]string{"location_id": village.String(), "family_type": "H"}, true)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	res, err := e.db.Enrol(ctx, store.Enrolment{Family: family,
		Head: member(ms[0]), Members: []imis.Values{member(ms[1]), member(ms[2])}})
	if err != nil {
		t.Fatal(err)
	}
	ids := []imis.ID{res.Head.ID}
	for _, m := range res.Members {
		ids = append(ids, m.ID)
	}
	return res.Family.ID, ids
}

// TestFamilyPage checks the family page and its membership actions: add a member, make another
// one the head, move one to another family, remove one, each with its right and its errors.
func TestFamilyPage(t *testing.T) {
	e := newEnrolEnv(t)
	b := e.login(t, "Admin", "admin123")
	fam, ids := enrolledFamily(t, e, 1000)
	other, _ := enrolledFamily(t, e, 1100)
	base := "/families/" + fam.String()

	check(t, "page", b.get(t, base), http.StatusOK, "Family of "+testCHFID(1000)+" Mwakilema Neema", "Members <span class=\"count\">(3)</span>",
		"The family has no policy.", `action="`+base+`/head"`)
	check(t, "unknown", b.get(t, "/families/"+imis.NewID().String()), http.StatusNotFound)
	check(t, "bad id", b.get(t, "/families/nope"), http.StatusNotFound)

	// Add a member: a wrong number is refused beside the field, a good one is added.
	form := url.Values{"chfid": {badCheckDigit(testCHFID(1010))}, "last_name": {"Mwakilema"}, "other_names": {"Zawadi"},
		"dob": {"2021-02-01"}, "gender": {"F"}, "relationship": {"4"}}
	r := b.submit(t, base+"/members", form)
	check(t, "bad member", r, http.StatusUnprocessableEntity)
	if got := fieldErrorOf(r.body, "f-chfid"); got != "The check digit of this insurance number is wrong." {
		t.Errorf("bad member number: %q", got)
	}
	form.Set("chfid", testCHFID(1010))
	form.Set("dob", "2030-01-01")
	r = b.submit(t, base+"/members", form)
	if got := fieldErrorOf(r.body, "f-dob"); r.status != http.StatusUnprocessableEntity || got != "The date of birth cannot be in the future." {
		t.Errorf("future birth: %d %q", r.status, got)
	}
	form.Set("dob", "2021-02-01")
	r = b.submit(t, base+"/members", form)
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "done=member_added") {
		t.Fatalf("add member: %d %s", r.status, excerpt(r.body))
	}
	check(t, "member page", b.get(t, r.header.Get("Location")), http.StatusOK, "The member is added.", "Zawadi Mwakilema")

	// Make the spouse the head.
	r = b.submit(t, base+"/head", url.Values{"insuree_id": {ids[1].String()}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("set head: %d %s", r.status, excerpt(r.body))
	}
	check(t, "new head", b.get(t, r.header.Get("Location")), http.StatusOK, "The family has a new head.", "Family of "+testCHFID(1001))
	check(t, "head of another family", b.submit(t, base+"/head", url.Values{"insuree_id": {imis.NewID().String()}}), http.StatusUnprocessableEntity)

	// The head cannot move or be removed; another member can.
	check(t, "move head", b.submit(t, base+"/members/"+ids[1].String()+"/move", url.Values{"to_family": {testCHFID(1100)}}),
		http.StatusConflict, "The head of a family cannot change family")
	r = b.submit(t, base+"/members/"+ids[2].String()+"/move", url.Values{"to_family": {"999999999"}})
	if got := fieldErrorOf(r.body, "f-to-family"); r.status != http.StatusUnprocessableEntity || got != "No family has a head with the insurance number 999999999." {
		t.Errorf("move to unknown family: %d %q", r.status, got)
	}
	r = b.submit(t, base+"/members/"+ids[2].String()+"/move", url.Values{"to_family": {testCHFID(1100)}, "cancel_policies": {"false", "true"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("move: %d %s", r.status, excerpt(r.body))
	}
	moved, err := e.db.FindByID(imis.SystemContext(context.Background()), imis.Insurees, ids[2])
	if err != nil || moved.Values["family_id"] != other {
		t.Errorf("moved member is in family %v (%v), want %s", moved.Values["family_id"], err, other)
	}
	check(t, "moved away", b.get(t, "/families/"+other.String()), http.StatusOK, testCHFID(1002))

	check(t, "remove head", b.submit(t, base+"/members/"+ids[1].String()+"/delete", nil), http.StatusConflict)
	r = b.submit(t, base+"/members/"+ids[0].String()+"/delete", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", r.status, excerpt(r.body))
	}
	check(t, "after remove", b.get(t, r.header.Get("Location")), http.StatusOK, "The member is removed.", "Members <span class=\"count\">(2)</span>")
	// A member of another family is not reached through this family.
	check(t, "foreign member", b.get(t, base+"/members/"+ids[2].String()), http.StatusNotFound)

	// Rights: the receptionist sees families but changes nothing.
	recep := e.login(t, "Receptionist", "demo123")
	page := recep.get(t, "/families/"+other.String())
	check(t, "receptionist page", page, http.StatusOK)
	for _, action := range []string{"Add a member", "Add a policy", "Make head", "Edit the family"} {
		if strings.Contains(page.body, action) {
			t.Errorf("the receptionist is offered %q", action)
		}
	}
	check(t, "receptionist add", recep.submit(t, "/families/"+other.String()+"/members", form), http.StatusForbidden)
	check(t, "receptionist head", recep.submit(t, "/families/"+other.String()+"/head", url.Values{"insuree_id": {ids[2].String()}}), http.StatusForbidden)
	// A district user does not reach a family of another district.
	e.addUser(t, "clerk2", "clerk-two-pass", []string{"Clerk"}, []string{"R2D1"})
	check(t, "other district", e.login(t, "clerk2", "clerk-two-pass").get(t, base), http.StatusNotFound)
}

// TestFamilyPolicyAndContribution adds a policy with its computed value, then pays it in two
// parts: the first, short, payment brings openIMIS's question back and saves nothing until it is
// answered.
func TestFamilyPolicyAndContribution(t *testing.T) {
	e := newEnrolEnv(t)
	b := e.login(t, "Admin", "admin123")
	fam, _ := enrolledFamily(t, e, 2000)
	base := "/families/" + fam.String()
	today := baseTime.Format(time.DateOnly)
	policy := url.Values{"product_id": {e.idOf(t, imis.Products, "NBC01").String()}, "officer_id": {e.idOf(t, imis.Officers, "EO0101").String()},
		"enroll_date": {today}}

	check(t, "form", b.get(t, base+"/policies/new"), http.StatusOK, "NBC01 National Basic Cover", "RFC01")
	q := url.Values{"action": {"quote"}}
	for k, v := range policy {
		q[k] = v
	}
	check(t, "quote", b.submit(t, base+"/policies", q), http.StatusOK, "29500.00", "2027-03-01")
	bad := url.Values{"product_id": policy["product_id"], "officer_id": policy["officer_id"], "enroll_date": {"2026-04-01"}}
	r := b.submit(t, base+"/policies", bad)
	if got := fieldErrorOf(r.body, "f-enroll-date"); r.status != http.StatusUnprocessableEntity || got != "The enrolment date cannot be in the future." {
		t.Errorf("future enrolment: %d %q", r.status, got)
	}
	r = b.submit(t, base+"/policies", policy)
	if r.status != http.StatusSeeOther {
		t.Fatalf("add policy: %d %s", r.status, excerpt(r.body))
	}
	loc := r.header.Get("Location")
	check(t, "policy added", b.get(t, loc), http.StatusOK, "The policy is saved. Policy NBC01 from 2026-03-02 to 2027-03-01, value 29500.00, status Idle.")
	polID, _ := url.ParseQuery(strings.SplitN(loc, "?", 2)[1])
	pol := polID.Get("policy")
	check(t, "duplicate policy", b.submit(t, base+"/policies", policy), http.StatusConflict, "already has a policy of product NBC01")

	contribs := func() int {
		_, n, err := e.db.Find(imis.SystemContext(context.Background()), imis.Contributions, store.Filter{Fields: map[string]string{"policy_id": pol}})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	pay := base + "/policies/" + pol + "/contributions"
	r = b.get(t, pay+"/new")
	check(t, "payment form", r, http.StatusOK)
	if got := inputValue(r.body, "amount"); got != "29500.00" {
		t.Errorf("amount prefilled with %q", got)
	}
	part := url.Values{"amount": {"10000.00"}, "receipt": {"FAM-0001"}, "pay_date": {today}, "pay_type": {"C"}}
	r = b.submit(t, pay, part)
	check(t, "underpaid", r, http.StatusUnprocessableEntity, "This contribution does not pay the policy in full.",
		`name="decision" value="WAIT"`, `name="decision" value="ENFORCE"`)
	if strings.Contains(r.body, `value="SUSPEND"`) {
		t.Errorf("an underpaid contribution offers to suspend")
	}
	if inputValue(r.body, "receipt") != "FAM-0001" {
		t.Errorf("the question lost the receipt")
	}
	if n := contribs(); n != 0 {
		t.Fatalf("the question saved %d contributions", n)
	}
	part.Set("decision", "WAIT")
	if r = b.submit(t, pay, part); r.status != http.StatusSeeOther {
		t.Fatalf("wait: %d %s", r.status, excerpt(r.body))
	}
	check(t, "waiting", b.get(t, r.header.Get("Location")), http.StatusOK, "status Idle", "19500.00")
	if n := contribs(); n != 1 {
		t.Fatalf("contributions %d, want 1", n)
	}

	// Bad input is reported beside each field; the same receipt for the product is refused.
	r = b.submit(t, pay, url.Values{"amount": {"abc"}, "receipt": {""}, "pay_date": {today}, "pay_type": {"C"}})
	if r.status != http.StatusUnprocessableEntity || fieldErrorOf(r.body, "f-amount") == "" || fieldErrorOf(r.body, "f-receipt") != "Required." {
		t.Errorf("bad payment: %d amount %q receipt %q", r.status, fieldErrorOf(r.body, "f-amount"), fieldErrorOf(r.body, "f-receipt"))
	}
	r = b.submit(t, pay, url.Values{"amount": {"19500.00"}, "receipt": {"FAM-0001"}, "pay_date": {today}, "pay_type": {"C"}})
	if got := fieldErrorOf(r.body, "f-receipt"); r.status != http.StatusConflict || got != "Receipt FAM-0001 is already used for this product." {
		t.Errorf("used receipt: %d %q", r.status, got)
	}
	r = b.submit(t, pay, url.Values{"amount": {"19500.00"}, "receipt": {"FAM-0002"}, "pay_date": {today}, "pay_type": {"C"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("rest: %d %s", r.status, excerpt(r.body))
	}
	check(t, "active", b.get(t, r.header.Get("Location")), http.StatusOK, "The contribution is saved.", "status Active",
		`<span class="status status-2">Active</span>`, "FAM-0002")

	// A policy of another family is not reached through this family.
	other, _ := enrolledFamily(t, e, 2100)
	check(t, "foreign policy", b.get(t, "/families/"+other.String()+"/policies/"+pol+"/contributions/new"), http.StatusNotFound)
	check(t, "an idle policy is not renewed", b.get(t, "/families/"+other.String()+"/policies/"+pol+"/renew"), http.StatusNotFound)
}

// TestFamilyRenewal renews an active policy from the family page, late: the renewal is saved,
// and the family page says it came after the grace period.
func TestFamilyRenewal(t *testing.T) {
	e := newEnrolEnv(t)
	b := e.login(t, "Admin", "admin123")
	ctx := imis.SystemContext(context.Background())
	fam, _ := enrolledFamily(t, e, 3000)
	base := "/families/" + fam.String()
	// Enrolled two years ago and paid: the policy has run out by now.
	enrol := "2024-02-01"
	pol, err := e.db.Create(ctx, imis.Policies, imis.Values{"family_id": fam, "product_id": e.idOf(t, imis.Products, "NBC01"),
		"officer_id": e.idOf(t, imis.Officers, "EO0101"), "enroll_date": mustDate(t, enrol), "is_offline": false}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Create(ctx, imis.Contributions, imis.Values{"policy_id": pol.ID, "amount": int64(2950000), "receipt": "REN-1",
		"pay_date": mustDate(t, enrol), "pay_type": "C", "is_photo_fee": false, "is_offline": false}, nil); err != nil {
		t.Fatal(err)
	}
	path := base + "/policies/" + pol.ID.String() + "/renew"
	check(t, "renew form", b.get(t, path), http.StatusOK, "A renewal enrolled after 2025-03-01 is late.")
	check(t, "renew bad date", b.submit(t, path, url.Values{"enroll_date": {"soon"}, "officer_id": {e.idOf(t, imis.Officers, "EO0101").String()}}),
		http.StatusUnprocessableEntity, "A date is needed")
	r := b.submit(t, path, url.Values{"enroll_date": {baseTime.Format(time.DateOnly)}, "officer_id": {e.idOf(t, imis.Officers, "EO0101").String()}})
	if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "late=1") {
		t.Fatalf("renew: %d %q %s", r.status, r.header.Get("Location"), excerpt(r.body))
	}
	check(t, "renewed", b.get(t, r.header.Get("Location")), http.StatusOK, "The policy is renewed.", "This renewal is late", "Renewal")
	// The renewed policy cannot be renewed twice from the same page.
	check(t, "renew again", b.submit(t, path, url.Values{"enroll_date": {baseTime.Format(time.DateOnly)}, "officer_id": {e.idOf(t, imis.Officers, "EO0101").String()}}),
		http.StatusConflict)
}

func mustDate(t *testing.T, s string) imis.Date {
	t.Helper()
	d, err := imis.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// photoPNG is a small valid photo.
func photoPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 48))
	for x := range 40 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 6), uint8(y * 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadPhoto posts a photo as a browser's multipart form does.
func (b *browser) uploadPhoto(t *testing.T, path string, data []byte) response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("csrf_token", b.csrf); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("photo", "face.png")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return b.e.do(t, b.c, http.MethodPost, path, map[string]string{"Content-Type": mw.FormDataContentType()}, body.String())
}

// TestMemberPhoto uploads photos: a file too large or not an image is refused beside the field
// with nothing stored; a good one is stored and served, with its thumbnail, to those who may see
// the insuree, also under its file name for the apps.
func TestMemberPhoto(t *testing.T) {
	e := newEnrolEnv(t)
	b := e.login(t, "Admin", "admin123")
	fam, ids := enrolledFamily(t, e, 4000)
	path := "/families/" + fam.String() + "/members/" + ids[1].String()
	photoFile := func() any {
		rec, err := e.db.FindByID(imis.SystemContext(context.Background()), imis.Insurees, ids[1])
		if err != nil {
			t.Fatal(err)
		}
		return rec.Values["photo_file"]
	}

	big := append(photoPNG(t), bytes.Repeat([]byte{0}, 3<<20)...)
	r := b.uploadPhoto(t, path+"/photo", big)
	if got := fieldErrorOf(r.body, "f-photo"); r.status != http.StatusUnprocessableEntity || got != "The photo is larger than 2 MiB." {
		t.Errorf("too large: %d %q", r.status, got)
	}
	r = b.uploadPhoto(t, path+"/photo", []byte("this is not an image at all, just some text"))
	if got := fieldErrorOf(r.body, "f-photo"); r.status != http.StatusUnprocessableEntity || got != "The photo must be a JPEG or PNG image." {
		t.Errorf("not an image: %d %q", r.status, got)
	}
	if f := photoFile(); f != nil {
		t.Fatalf("a refused photo was stored: %v", f)
	}
	check(t, "no photo", b.get(t, "/photos/"+ids[1].String()), http.StatusNotFound)

	r = b.uploadPhoto(t, path+"/photo", photoPNG(t))
	if r.status != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.status, excerpt(r.body))
	}
	check(t, "member page", b.get(t, r.header.Get("Location")), http.StatusOK, "The photo is saved.", `src="/photos/`+ids[1].String()+`"`)
	name, _ := photoFile().(string)
	if !strings.HasPrefix(name, testCHFID(4001)+"_20260302_") || !strings.HasSuffix(name, ".png") {
		t.Errorf("photo file %q", name)
	}
	full := b.get(t, "/photos/"+ids[1].String())
	if full.status != http.StatusOK || full.header.Get("Content-Type") != "image/png" || full.body != string(photoPNG(t)) {
		t.Errorf("photo: %d %s %d bytes", full.status, full.header.Get("Content-Type"), len(full.body))
	}
	thumb := b.get(t, "/photos/"+ids[1].String()+"/thumb")
	if thumb.status != http.StatusOK || thumb.header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("thumbnail: %d %s", thumb.status, thumb.header.Get("Content-Type"))
	}
	check(t, "family page thumb", b.get(t, "/families/"+fam.String()), http.StatusOK, `src="/photos/`+ids[1].String()+`/thumb"`)

	// The apps' path, with a bearer token or a session; not for users without the right or
	// outside the insuree's districts.
	tok := e.token(t, "Admin", "admin123")
	app := e.do(t, nil, http.MethodGet, "/Images/Updated/"+name, map[string]string{"Authorization": "Bearer " + tok}, "")
	if app.status != http.StatusOK || app.body != string(photoPNG(t)) {
		t.Errorf("apps' path: %d", app.status)
	}
	if r := e.do(t, nil, http.MethodGet, "/photos/"+ids[1].String()+"/thumb", map[string]string{"Authorization": "Bearer " + tok}, ""); r.status != http.StatusOK {
		t.Errorf("thumbnail with a token: %d", r.status)
	}
	check(t, "apps' path by session", b.get(t, "/Images/Updated/"+name), http.StatusOK)
	check(t, "apps' path without login", e.do(t, nil, http.MethodGet, "/Images/Updated/"+name, nil, ""), http.StatusUnauthorized)
	check(t, "unknown file", b.get(t, "/Images/Updated/nothing.jpg"), http.StatusNotFound)
	e.addUser(t, "clerk3", "clerk-three-pass", []string{"Clerk"}, []string{"R2D1"})
	far := e.login(t, "clerk3", "clerk-three-pass")
	check(t, "other district", far.get(t, "/photos/"+ids[1].String()), http.StatusNotFound)
	contrib := e.login(t, "ClaimContrib", "demo123")
	check(t, "no right", contrib.get(t, "/photos/"+ids[1].String()), http.StatusForbidden)
	check(t, "no right to upload", contrib.uploadPhoto(t, path+"/photo", photoPNG(t)), http.StatusForbidden)
}

// TestEnrolmentSearches checks the families and policies searches: by number or name, by
// village, by status named rather than numbered; a member's number leads to the family.
func TestEnrolmentSearches(t *testing.T) {
	e := newEnrolEnv(t)
	b := e.login(t, "Admin", "admin123")
	fam, _ := enrolledFamily(t, e, 9000)

	r := b.get(t, "/families?q="+testCHFID(9000))
	check(t, "by number", r, http.StatusOK, "1 found", "/families/"+fam.String(), "Mwakilema Neema")
	check(t, "by name", b.get(t, "/families?q=mwakilema"), http.StatusOK, "/families/"+fam.String())
	r = b.get(t, "/families?location_id="+e.idOf(t, imis.Locations, "R2D1W1V1").String()+"&q=mwakilema")
	check(t, "other village", r, http.StatusOK, "0 found")
	r = b.get(t, "/families?q="+testCHFID(9002))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/families/"+fam.String() {
		t.Errorf("member's number: %d %q", r.status, r.header.Get("Location"))
	}
	check(t, "families page 2", b.get(t, "/families?page=2&size=10"), http.StatusOK, "Page 2 of")

	r = b.get(t, "/policies?status=2")
	check(t, "active policies", r, http.StatusOK, `<span class="status status-2">Active</span>`)
	for _, other := range []string{"status-1", "status-4", "status-8", "status-16"} {
		if strings.Contains(r.body, `class="status `+other+`"`) {
			t.Errorf("the Active filter lists a policy with %s", other)
		}
	}
	r = b.get(t, "/policies?product_id="+e.idOf(t, imis.Products, "RFC01").String())
	check(t, "by product", r, http.StatusOK, "RFC01")
	if strings.Contains(r.body, `>NBC01</a>`) {
		t.Errorf("the RFC01 filter lists NBC01 policies")
	}
	check(t, "bad filters are ignored", b.get(t, "/policies?status=x&product_id=y"), http.StatusOK)
	r = b.get(t, "/insurees?q="+testCHFID(9001))
	check(t, "insuree by number", r, http.StatusOK, "1 found", "/families/"+fam.String()+"/members/", "Mwakilema Baraka")
	check(t, "insurees by gender", b.get(t, "/insurees?q=mwakilema&gender=F"), http.StatusOK, "2 found")
	check(t, "insurees bad filter", b.get(t, "/insurees?gender=Q&status=nope"), http.StatusOK)

	receipt := existingReceipt(t, e, "NBC01")
	r = b.get(t, "/contributions?q="+url.QueryEscape(receipt))
	check(t, "contribution by receipt", r, http.StatusOK, "1 found", receipt, "NBC01", `href="/families/`)
	check(t, "contributions by payer", b.get(t, "/contributions?payer_id="+imis.NewID().String()), http.StatusOK, "0 found")

	contrib := e.login(t, "ClaimContrib", "demo123")
	for _, path := range []string{"/policies", "/insurees", "/contributions", "/families"} {
		check(t, "no right "+path, contrib.get(t, path), http.StatusForbidden)
	}
}
