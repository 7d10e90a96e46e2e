package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

// badCheckDigit returns the number with a wrong last digit.
func badCheckDigit(chfid string) string {
	last := chfid[len(chfid)-1]
	return chfid[:len(chfid)-1] + string('0'+(last-'0'+1)%7)
}

var inputTag = regexp.MustCompile(`<input[^>]*>`)

// inputValue returns the value of the (last) input named name in a page, "" when there is none.
func inputValue(body, name string) string {
	out := ""
	for _, tag := range inputTag.FindAllString(body, -1) {
		if strings.Contains(tag, ` name="`+name+`"`) {
			if m := regexp.MustCompile(`value="([^"]*)"`).FindStringSubmatch(tag); m != nil {
				out = html.UnescapeString(m[1])
			}
		}
	}
	return out
}

// fieldErrorOf returns the error text shown beside the input with id, "" when there is none.
func fieldErrorOf(body, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `-err">([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// wizardForm is the whole state of the wizard, as the hidden fields carry it.
func wizardForm(village string, members []webtest.WizardMember, policy, contrib map[string]string) url.Values {
	f := url.Values{"f.location_id": {village}, "f.family_type": {"H"}, "f.poverty": {"false"}, "f.address": {"Plot 7, main road"}}
	for i, m := range members {
		p := "m." + fmt.Sprint(i) + "."
		f.Set(p+"chfid", m.CHFID)
		f.Set(p+"last_name", m.Last)
		f.Set(p+"other_names", m.Other)
		f.Set(p+"dob", m.DOB)
		f.Set(p+"gender", m.Gender)
		if i > 0 {
			f.Set(p+"relationship", m.Relation)
		}
	}
	for k, v := range policy {
		f.Set("p."+k, v)
	}
	for k, v := range contrib {
		f.Set("c."+k, v)
	}
	return f
}

// TestEnrolWizardHappyPath enrols a family of three step by step, sees the policy's value before
// saving, pays it in full and finds the policy Active with every member covered.
func TestEnrolWizardHappyPath(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	village := e.IDOf(t, imis.Locations, "R1D1W1V1").String()
	officer := e.IDOf(t, imis.Officers, "EO0101").String()
	product := e.IDOf(t, imis.Products, "NBC01").String()
	members := webtest.FamilyOf3(100)
	today := webtest.BaseTime.Format(time.DateOnly)

	r := b.Get(t, "/enrol")
	webtest.Check(t, "step 1", r, http.StatusOK, `name="f.location_id"`, `aria-current="step"`)

	r = b.Step(t, 1, "next", wizardForm(village, nil, nil, nil))
	webtest.Check(t, "step 1 → 2", r, http.StatusOK, `name="m.0.chfid"`, `name="m.1.chfid"`, `value="more"`)
	if inputValue(r.Body, "f.location_id") != village {
		t.Errorf("step 2 does not carry the village: %q", inputValue(r.Body, "f.location_id"))
	}
	r = b.Step(t, 2, "more", wizardForm(village, members[:2], nil, nil))
	webtest.Check(t, "more members", r, http.StatusOK, `name="m.3.chfid"`)

	// A member entered by mistake is removed by the button of their form; blank forms before it
	// do not confuse which one.
	form2 := wizardForm(village, members, nil, nil)
	form2.Set("m.5.chfid", webtest.FreeCHFID(150))
	form2.Set("m.5.last_name", "Mistake")
	r = b.Step(t, 2, "drop-5", form2)
	webtest.Check(t, "drop a member", r, http.StatusOK, `name="m.2.chfid"`)
	if strings.Contains(r.Body, "Mistake") || inputValue(r.Body, "m.2.chfid") != members[2].CHFID {
		t.Errorf("the wrong member was removed")
	}

	r = b.Step(t, 2, "next", wizardForm(village, members, nil, nil))
	webtest.Check(t, "step 2 → 3", r, http.StatusOK, `name="p.product_id"`, "NBC01 National Basic Cover")
	if got := inputValue(r.Body, "m.2.chfid"); got != members[2].CHFID {
		t.Errorf("step 3 carries member 3 as %q", got)
	}

	policy := map[string]string{"product_id": product, "officer_id": officer, "enroll_date": today}
	// Two adults and a child: 2 × 10,000 + 5,000, registration 3 × 1,000, assembly 3 × 500.
	r = b.Step(t, 3, "quote", wizardForm(village, members, policy, nil))
	webtest.Check(t, "quote", r, http.StatusOK, `id="quote-value">29500.00<`, `id="quote-start">2026-03-02<`, `id="quote-expiry">2027-03-01<`)
	if n := e.CurrentCount(t, imis.Families); n != webtest.EnrolFamilies {
		t.Errorf("the quote saved something: %d families", n)
	}
	// The htmx quote answers with the block alone.
	form := wizardForm(village, members, policy, nil)
	form.Set("csrf_token", b.CSRF)
	form.Set("step", "3")
	hx := e.Do(t, b.Client, http.MethodPost, "/enrol/quote", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}, form.Encode())
	webtest.Check(t, "htmx quote", hx, http.StatusOK, `id="quote-value">29500.00<`)
	if strings.Contains(hx.Body, "<html") {
		t.Errorf("the htmx quote sent a whole page")
	}

	r = b.Step(t, 3, "next", wizardForm(village, members, policy, nil))
	webtest.Check(t, "step 3 → 4", r, http.StatusOK, `name="c.receipt"`, "Mwakilema Imani")
	if got := inputValue(r.Body, "c.amount"); got != "29500.00" {
		t.Errorf("amount prefilled with %q, want the value 29500.00", got)
	}
	contrib := map[string]string{"amount": "29500.00", "receipt": "WIZ-0001", "pay_date": today, "pay_type": "C"}
	r = b.Step(t, 4, "save", wizardForm(village, members, policy, contrib))
	if r.Status != http.StatusSeeOther {
		t.Fatalf("save: status %d %s", r.Status, webtest.Excerpt(r.Body))
	}
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/families/") || !strings.Contains(loc, "done=enrolled") {
		t.Fatalf("save went to %q", loc)
	}
	page := b.Get(t, loc)
	webtest.Check(t, "family page", page, http.StatusOK, "The family is enrolled.", "Mwakilema Neema", members[2].CHFID,
		`<span class="status status-2">Active</span>`, "29500.00", "WIZ-0001")

	ctx := imis.SystemContext(context.Background())
	famID, _ := imis.ParseID(strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/families/"))
	fam, err := e.DB.FindByID(ctx, imis.Families, famID)
	if err != nil {
		t.Fatal(err)
	}
	if fam.Values["head_chfid"] != members[0].CHFID {
		t.Errorf("head %v, want %s", fam.Values["head_chfid"], members[0].CHFID)
	}
	pols, _, err := e.DB.Find(ctx, imis.Policies, store.Filter{Fields: map[string]string{"family_id": famID.String()}})
	if err != nil || len(pols) != 1 {
		t.Fatalf("policies %d %v", len(pols), err)
	}
	if s := pols[0].Values["status"]; s != int64(imis.PolicyActive) {
		t.Errorf("policy status %v, want Active", s)
	}
	cover, err := e.DB.PolicyCoverage(ctx, pols[0].ID)
	if err != nil || len(cover) != 3 {
		t.Fatalf("coverage rows %d %v", len(cover), err)
	}
	for _, c := range cover {
		if c.EffectiveDate.String() != today {
			t.Errorf("member %s covered from %v", c.InsureeID, c.EffectiveDate)
		}
	}
}

// TestEnrolWizardErrors checks that mistakes show where they were made: a wrong check digit
// beside the number at the members' step, a family larger than the product covers in the
// quote's note, and a receipt already used beside the receipt at the end, with nothing saved.
func TestEnrolWizardErrors(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	b := e.Login(t, "Admin", "admin123")
	village := e.IDOf(t, imis.Locations, "R1D1W1V1").String()
	officer := e.IDOf(t, imis.Officers, "EO0101").String()
	today := webtest.BaseTime.Format(time.DateOnly)

	t.Run("check digit", func(t *testing.T) {
		members := webtest.FamilyOf3(200)
		members[1].CHFID = badCheckDigit(members[1].CHFID)
		r := b.Step(t, 2, "next", wizardForm(village, members, nil, nil))
		webtest.Check(t, "bad check digit", r, http.StatusUnprocessableEntity, `name="m.1.chfid"`, "Please correct the fields marked below.")
		if got := fieldErrorOf(r.Body, "f-m-1-chfid"); got != "The check digit of this insurance number is wrong." {
			t.Errorf("error beside member 2's number: %q", got)
		}
		if got := fieldErrorOf(r.Body, "f-m-0-chfid"); got != "" {
			t.Errorf("the head's number is marked too: %q", got)
		}
		// A number given twice and one already in the register are refused at the same step.
		members = webtest.FamilyOf3(210)
		members[2].CHFID = members[1].CHFID
		r = b.Step(t, 2, "next", wizardForm(village, members, nil, nil))
		webtest.Check(t, "repeated number", r, http.StatusUnprocessableEntity)
		if got := fieldErrorOf(r.Body, "f-m-2-chfid"); got != "This number is already given to member 2." {
			t.Errorf("repeated number: %q", got)
		}
		members = webtest.FamilyOf3(220)
		members[0].CHFID = existingCHFID(t, e)
		r = b.Step(t, 2, "next", wizardForm(village, members, nil, nil))
		if got := fieldErrorOf(r.Body, "f-m-0-chfid"); r.Status != http.StatusUnprocessableEntity || !strings.Contains(got, "already used") {
			t.Errorf("number in use: status %d, error %q", r.Status, got)
		}
	})

	t.Run("more members than the product covers", func(t *testing.T) {
		// DPC01 is sold in its own district and covers six members: the seventh is neither priced
		// nor covered. Six adults: 6 × 8,000, registration 6 × 500, assembly lump sum 1,500.
		dpcVillage := e.IDOf(t, imis.Locations, "R2D1W1V1").String()
		dpcOfficer := e.IDOf(t, imis.Officers, "EO0401").String()
		var members []webtest.WizardMember
		for i := range 7 {
			m := webtest.WizardMember{CHFID: webtest.FreeCHFID(300 + i), Last: "Kombo", Other: fmt.Sprintf("Member%d", i+1), DOB: "1980-01-15", Gender: "M", Relation: "1"}
			members = append(members, m)
		}
		policy := map[string]string{"product_id": e.IDOf(t, imis.Products, "DPC01").String(), "officer_id": dpcOfficer, "enroll_date": today}
		r := b.Step(t, 3, "quote", wizardForm(dpcVillage, members, policy, nil))
		webtest.Check(t, "quote over max", r, http.StatusOK, `id="quote-value">52500.00<`,
			"Product DPC01 covers at most 6 members; this family has 7. Not priced and not covered: Member7 Kombo.")
		// The district product is not offered in another district's village.
		r = b.Step(t, 3, "next", wizardForm(village, members[:3], policy, nil))
		webtest.Check(t, "product elsewhere", r, http.StatusUnprocessableEntity)
		if got := fieldErrorOf(r.Body, "f-p-product-id"); got != "This product is not on sale in the family's village on that date." {
			t.Errorf("product elsewhere: %q", got)
		}
	})

	t.Run("receipt used twice", func(t *testing.T) {
		receipt := existingReceipt(t, e, "NBC01")
		before := [3]int{e.CurrentCount(t, imis.Families), e.CurrentCount(t, imis.Insurees), e.CurrentCount(t, imis.Policies)}
		members := webtest.FamilyOf3(400)
		policy := map[string]string{"product_id": e.IDOf(t, imis.Products, "NBC01").String(), "officer_id": officer, "enroll_date": today}
		contrib := map[string]string{"amount": "29500.00", "receipt": receipt, "pay_date": today, "pay_type": "C"}
		r := b.Step(t, 4, "save", wizardForm(village, members, policy, contrib))
		webtest.Check(t, "receipt used", r, http.StatusConflict, `name="c.receipt"`)
		if got := fieldErrorOf(r.Body, "f-c-receipt"); got != "Receipt "+receipt+" is already used for this product." {
			t.Errorf("error beside the receipt: %q", got)
		}
		after := [3]int{e.CurrentCount(t, imis.Families), e.CurrentCount(t, imis.Insurees), e.CurrentCount(t, imis.Policies)}
		if before != after {
			t.Errorf("families, insurees, policies %v before and %v after a refused enrolment", before, after)
		}
		if inputValue(r.Body, "m.2.chfid") != members[2].CHFID {
			t.Errorf("the refused enrolment lost its members")
		}
	})

	t.Run("pay date before the enrolment", func(t *testing.T) {
		before := [3]int{e.CurrentCount(t, imis.Families), e.CurrentCount(t, imis.Insurees), e.CurrentCount(t, imis.Policies)}
		policy := map[string]string{"product_id": e.IDOf(t, imis.Products, "NBC01").String(), "officer_id": officer, "enroll_date": today}
		contrib := map[string]string{"amount": "29500.00", "receipt": "WIZ-0450", "pay_date": "1990-01-01", "pay_type": "C"}
		r := b.Step(t, 4, "save", wizardForm(village, webtest.FamilyOf3(450), policy, contrib))
		if got := fieldErrorOf(r.Body, "f-c-pay-date"); r.Status != http.StatusUnprocessableEntity || got != "The payment date cannot be before the policy's enrolment date, "+today+"." {
			t.Errorf("payment before the enrolment: %d %q", r.Status, got)
		}
		after := [3]int{e.CurrentCount(t, imis.Families), e.CurrentCount(t, imis.Insurees), e.CurrentCount(t, imis.Policies)}
		if before != after {
			t.Errorf("families, insurees, policies %v before and %v after a refused enrolment", before, after)
		}
	})

	t.Run("underpaid at save asks what to do", func(t *testing.T) {
		members := webtest.FamilyOf3(500)
		policy := map[string]string{"product_id": e.IDOf(t, imis.Products, "NBC01").String(), "officer_id": officer, "enroll_date": today}
		contrib := map[string]string{"amount": "10000.00", "receipt": "WIZ-0500", "pay_date": today, "pay_type": "C"}
		families := e.CurrentCount(t, imis.Families)
		r := b.Step(t, 4, "save", wizardForm(village, members, policy, contrib))
		webtest.Check(t, "underpaid", r, http.StatusUnprocessableEntity, `name="c.decision" value="WAIT"`, `name="c.decision" value="ENFORCE"`,
			"This contribution does not pay the policy in full.")
		if e.CurrentCount(t, imis.Families) != families {
			t.Errorf("the question saved the family")
		}
		form := wizardForm(village, members, policy, contrib)
		form.Set("c.decision", "WAIT")
		r = b.Step(t, 4, "save", form)
		if r.Status != http.StatusSeeOther {
			t.Fatalf("save with WAIT: %d %s", r.Status, webtest.Excerpt(r.Body))
		}
		webtest.Check(t, "idle policy", b.Get(t, r.Header.Get("Location")), http.StatusOK, `<span class="status status-1">Idle</span>`, "10000.00", "19500.00")
	})

	t.Run("text neither engine stores", func(t *testing.T) {
		members := webtest.FamilyOf3(700)
		members[0].Last = "Mwa\x00kilema"
		r := b.Step(t, 2, "next", wizardForm(village, members, nil, nil))
		if got := fieldErrorOf(r.Body, "f-m-0-last-name"); r.Status != http.StatusUnprocessableEntity || got != "Invalid value." {
			t.Errorf("NUL in a name: %d %q", r.Status, got)
		}
		form := wizardForm(village, webtest.FamilyOf3(710), nil, nil)
		form.Set("f.address", "bad \xff byte")
		r = b.Step(t, 2, "next", form)
		if got := fieldErrorOf(r.Body, "f-f-address"); r.Status != http.StatusUnprocessableEntity || got != "Invalid value." {
			t.Errorf("invalid UTF-8 in the address: %d %q", r.Status, got)
		}
	})

	t.Run("family step", func(t *testing.T) {
		r := b.Step(t, 1, "next", url.Values{"f.family_type": {"H"}})
		webtest.Check(t, "no village", r, http.StatusUnprocessableEntity)
		if got := fieldErrorOf(r.Body, "f-f-location-id"); got != "Required." {
			t.Errorf("village error %q", got)
		}
	})
}

// existingCHFID returns the insurance number of a demo insuree.
func existingCHFID(t *testing.T, e *webtest.Env) string {
	t.Helper()
	recs, _, err := e.DB.Find(imis.SystemContext(context.Background()), imis.Insurees, store.Filter{Page: imis.Page{Size: 1}})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no insuree: %v", err)
	}
	return recs[0].Values["chfid"].(string)
}

// existingReceipt returns the receipt of a demo contribution to a policy of the product.
func existingReceipt(t *testing.T, e *webtest.Env, product string) string {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	id := e.IDOf(t, imis.Products, product)
	recs, _, err := e.DB.Find(ctx, imis.Contributions, store.Filter{Page: imis.Page{Size: 200}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.Values["product_id"] == id {
			return r.Values["receipt"].(string)
		}
	}
	t.Fatalf("no contribution to %s", product)
	return ""
}

// TestEnrolWizardRights keeps the wizard from users who may not add families, and an officer's
// wizard inside the officer's districts.
func TestEnrolWizardRights(t *testing.T) {
	e := webtest.NewEnrolEnv(t)
	recep := e.Login(t, "Receptionist", "demo123")
	webtest.Check(t, "receptionist", recep.Get(t, "/enrol"), http.StatusForbidden)
	webtest.Check(t, "receptionist post", recep.Step(t, 1, "next", url.Values{}), http.StatusForbidden)

	officer := e.Login(t, "EO0101", "officer123")
	r := officer.Get(t, "/enrol")
	// The village is typed or picked, never listed; the picker asks within the officer's districts.
	webtest.Check(t, "officer", r, http.StatusOK, `data-place="V"`)
	if strings.Contains(r.Body, "R2D1W1V1") {
		t.Errorf("the officer is offered villages of another district")
	}
	// A village of another district is refused at the first step.
	r = officer.Step(t, 1, "next", url.Values{"f.location_id": {e.IDOf(t, imis.Locations, "R2D1W1V1").String()}})
	if got := fieldErrorOf(r.Body, "f-f-location-id"); r.Status != http.StatusUnprocessableEntity || got == "" {
		t.Errorf("other district's village: status %d, error %q", r.Status, got)
	}
	// The officer's own record is the default seller.
	members := webtest.FamilyOf3(600)
	r = officer.Step(t, 2, "next", wizardForm(e.IDOf(t, imis.Locations, "R1D1W1V1").String(), members, nil, nil))
	if got := inputValue(r.Body, "p.officer_id"); got != "" {
		t.Errorf("officer carried as hidden %q", got)
	}
	if !strings.Contains(r.Body, `value="`+e.IDOf(t, imis.Officers, "EO0101").String()+`" selected`) {
		t.Errorf("the officer is not preselected")
	}
	// Without a CSRF token nothing happens.
	webtest.Check(t, "no csrf", officer.Post(t, "/enrol", url.Values{"step": {"1"}, "action": {"next"}}), http.StatusForbidden)
}
