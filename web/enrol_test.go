package web_test

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
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
	"github.com/openimis-go/openimis/store"
)

// enrolFamilies is the size of the enrolled population of the enrolment screens' tests: enough
// for every policy state and for existing receipts, small enough to build fast.
const enrolFamilies = 30

// newEnrolEnv starts a server over a demo scheme with products and enrolled families, whose
// insurance numbers follow the demo's rule (nine digits, mod-7 check digit).
func newEnrolEnv(t *testing.T) *env {
	t.Helper()
	db := testdb.Open(t)
	clk := &clock{t: baseTime}
	db.Now = clk.Now
	if _, err := demo.Build(imis.SystemContext(context.Background()), db, demo.Options{Seed: 1, Families: enrolFamilies}); err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, clk: clk}
	e.startServer(t)
	return e
}

// testCHFID returns a valid demo insurance number that no demo insuree has: the demo's bodies
// start at 10000000, these below.
func testCHFID(n int) string {
	body := fmt.Sprintf("0%07d", n)
	return body + imis.DemoNumberRule.CheckDigit(body)
}

// badCheckDigit returns the number with a wrong last digit.
func badCheckDigit(chfid string) string {
	last := chfid[len(chfid)-1]
	return chfid[:len(chfid)-1] + string('0'+(last-'0'+1)%7)
}

// currentCount is how many current records of reg exist, as the system sees them.
func (e *env) currentCount(t *testing.T, reg *imis.Register) int {
	t.Helper()
	_, n, err := e.db.Find(imis.SystemContext(context.Background()), reg, store.Filter{Page: imis.Page{Size: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return n
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

// wizardMember is one member as the wizard's second step takes it.
type wizardMember struct{ chfid, last, other, dob, gender, relation string }

// wizardForm is the whole state of the wizard, as the hidden fields carry it.
func wizardForm(village string, members []wizardMember, policy, contrib map[string]string) url.Values {
	f := url.Values{"f.location_id": {village}, "f.family_type": {"H"}, "f.poverty": {"false"}, "f.address": {"Plot 7, main road"}}
	for i, m := range members {
		p := "m." + fmt.Sprint(i) + "."
		f.Set(p+"chfid", m.chfid)
		f.Set(p+"last_name", m.last)
		f.Set(p+"other_names", m.other)
		f.Set(p+"dob", m.dob)
		f.Set(p+"gender", m.gender)
		if i > 0 {
			f.Set(p+"relationship", m.relation)
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

// step posts the wizard at step n with action.
func (b *browser) step(t *testing.T, n int, action string, form url.Values) response {
	t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("step", fmt.Sprint(n))
	f.Set("action", action)
	return b.submit(t, "/enrol", f)
}

// familyOf3 is the household of the happy path: two adults and a child.
func familyOf3(base int) []wizardMember {
	return []wizardMember{
		{testCHFID(base), "Mwakilema", "Neema", "1988-04-12", "F", ""},
		{testCHFID(base + 1), "Mwakilema", "Baraka", "1985-11-02", "M", "8"},
		{testCHFID(base + 2), "Mwakilema", "Imani", "2019-06-30", "F", "4"},
	}
}

// TestEnrolWizardHappyPath enrols a family of three step by step, sees the policy's value before
// saving, pays it in full and finds the policy Active with every member covered.
func TestEnrolWizardHappyPath(t *testing.T) {
	e := newEnrolEnv(t)
	b := e.login(t, "Admin", "admin123")
	village := e.idOf(t, imis.Locations, "R1D1W1V1").String()
	officer := e.idOf(t, imis.Officers, "EO0101").String()
	product := e.idOf(t, imis.Products, "NBC01").String()
	members := familyOf3(100)
	today := baseTime.Format(time.DateOnly)

	r := b.get(t, "/enrol")
	check(t, "step 1", r, http.StatusOK, `name="f.location_id"`, `aria-current="step"`)

	r = b.step(t, 1, "next", wizardForm(village, nil, nil, nil))
	check(t, "step 1 → 2", r, http.StatusOK, `name="m.0.chfid"`, `name="m.1.chfid"`, `value="more"`)
	if inputValue(r.body, "f.location_id") != village {
		t.Errorf("step 2 does not carry the village: %q", inputValue(r.body, "f.location_id"))
	}
	r = b.step(t, 2, "more", wizardForm(village, members[:2], nil, nil))
	check(t, "more members", r, http.StatusOK, `name="m.3.chfid"`)

	// A member entered by mistake is removed by the button of their form; blank forms before it
	// do not confuse which one.
	form2 := wizardForm(village, members, nil, nil)
	form2.Set("m.5.chfid", testCHFID(150))
	form2.Set("m.5.last_name", "Mistake")
	r = b.step(t, 2, "drop-5", form2)
	check(t, "drop a member", r, http.StatusOK, `name="m.2.chfid"`)
	if strings.Contains(r.body, "Mistake") || inputValue(r.body, "m.2.chfid") != members[2].chfid {
		t.Errorf("the wrong member was removed")
	}

	r = b.step(t, 2, "next", wizardForm(village, members, nil, nil))
	check(t, "step 2 → 3", r, http.StatusOK, `name="p.product_id"`, "NBC01 National Basic Cover")
	if got := inputValue(r.body, "m.2.chfid"); got != members[2].chfid {
		t.Errorf("step 3 carries member 3 as %q", got)
	}

	policy := map[string]string{"product_id": product, "officer_id": officer, "enroll_date": today}
	// Two adults and a child: 2 × 10,000 + 5,000, registration 3 × 1,000, assembly 3 × 500.
	r = b.step(t, 3, "quote", wizardForm(village, members, policy, nil))
	check(t, "quote", r, http.StatusOK, `id="quote-value">29500.00<`, `id="quote-start">2026-03-02<`, `id="quote-expiry">2027-03-01<`)
	if n := e.currentCount(t, imis.Families); n != enrolFamilies {
		t.Errorf("the quote saved something: %d families", n)
	}
	// The htmx quote answers with the block alone.
	form := wizardForm(village, members, policy, nil)
	form.Set("csrf_token", b.csrf)
	form.Set("step", "3")
	hx := e.do(t, b.c, http.MethodPost, "/enrol/quote", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true"}, form.Encode())
	check(t, "htmx quote", hx, http.StatusOK, `id="quote-value">29500.00<`)
	if strings.Contains(hx.body, "<html") {
		t.Errorf("the htmx quote sent a whole page")
	}

	r = b.step(t, 3, "next", wizardForm(village, members, policy, nil))
	check(t, "step 3 → 4", r, http.StatusOK, `name="c.receipt"`, "Mwakilema Imani")
	if got := inputValue(r.body, "c.amount"); got != "29500.00" {
		t.Errorf("amount prefilled with %q, want the value 29500.00", got)
	}
	contrib := map[string]string{"amount": "29500.00", "receipt": "WIZ-0001", "pay_date": today, "pay_type": "C"}
	r = b.step(t, 4, "save", wizardForm(village, members, policy, contrib))
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: status %d %s", r.status, excerpt(r.body))
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, "/families/") || !strings.Contains(loc, "done=enrolled") {
		t.Fatalf("save went to %q", loc)
	}
	page := b.get(t, loc)
	check(t, "family page", page, http.StatusOK, "The family is enrolled.", "Mwakilema Neema", members[2].chfid,
		`<span class="status status-2">Active</span>`, "29500.00", "WIZ-0001")

	ctx := imis.SystemContext(context.Background())
	famID, _ := imis.ParseID(strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/families/"))
	fam, err := e.db.FindByID(ctx, imis.Families, famID)
	if err != nil {
		t.Fatal(err)
	}
	if fam.Values["head_chfid"] != members[0].chfid {
		t.Errorf("head %v, want %s", fam.Values["head_chfid"], members[0].chfid)
	}
	pols, _, err := e.db.Find(ctx, imis.Policies, store.Filter{Fields: map[string]string{"family_id": famID.String()}})
	if err != nil || len(pols) != 1 {
		t.Fatalf("policies %d %v", len(pols), err)
	}
	if s := pols[0].Values["status"]; s != int64(imis.PolicyActive) {
		t.Errorf("policy status %v, want Active", s)
	}
	cover, err := e.db.PolicyCoverage(ctx, pols[0].ID)
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
	e := newEnrolEnv(t)
	b := e.login(t, "Admin", "admin123")
	village := e.idOf(t, imis.Locations, "R1D1W1V1").String()
	officer := e.idOf(t, imis.Officers, "EO0101").String()
	today := baseTime.Format(time.DateOnly)

	t.Run("check digit", func(t *testing.T) {
		members := familyOf3(200)
		members[1].chfid = badCheckDigit(members[1].chfid)
		r := b.step(t, 2, "next", wizardForm(village, members, nil, nil))
		check(t, "bad check digit", r, http.StatusUnprocessableEntity, `name="m.1.chfid"`, "Please correct the fields marked below.")
		if got := fieldErrorOf(r.body, "f-m-1-chfid"); got != "The check digit of this insurance number is wrong." {
			t.Errorf("error beside member 2's number: %q", got)
		}
		if got := fieldErrorOf(r.body, "f-m-0-chfid"); got != "" {
			t.Errorf("the head's number is marked too: %q", got)
		}
		// A number given twice and one already in the register are refused at the same step.
		members = familyOf3(210)
		members[2].chfid = members[1].chfid
		r = b.step(t, 2, "next", wizardForm(village, members, nil, nil))
		check(t, "repeated number", r, http.StatusUnprocessableEntity)
		if got := fieldErrorOf(r.body, "f-m-2-chfid"); got != "This number is already given to member 2." {
			t.Errorf("repeated number: %q", got)
		}
		members = familyOf3(220)
		members[0].chfid = existingCHFID(t, e)
		r = b.step(t, 2, "next", wizardForm(village, members, nil, nil))
		if got := fieldErrorOf(r.body, "f-m-0-chfid"); r.status != http.StatusUnprocessableEntity || !strings.Contains(got, "already used") {
			t.Errorf("number in use: status %d, error %q", r.status, got)
		}
	})

	t.Run("more members than the product covers", func(t *testing.T) {
		// DPC01 is sold in its own district and covers six members: the seventh is neither priced
		// nor covered. Six adults: 6 × 8,000, registration 6 × 500, assembly lump sum 1,500.
		dpcVillage := e.idOf(t, imis.Locations, "R2D1W1V1").String()
		dpcOfficer := e.idOf(t, imis.Officers, "EO0401").String()
		var members []wizardMember
		for i := range 7 {
			m := wizardMember{testCHFID(300 + i), "Kombo", fmt.Sprintf("Member%d", i+1), "1980-01-15", "M", "1"}
			members = append(members, m)
		}
		policy := map[string]string{"product_id": e.idOf(t, imis.Products, "DPC01").String(), "officer_id": dpcOfficer, "enroll_date": today}
		r := b.step(t, 3, "quote", wizardForm(dpcVillage, members, policy, nil))
		check(t, "quote over max", r, http.StatusOK, `id="quote-value">52500.00<`,
			"Product DPC01 covers at most 6 members; this family has 7. Not priced and not covered: Member7 Kombo.")
		// The district product is not offered in another district's village.
		r = b.step(t, 3, "next", wizardForm(village, members[:3], policy, nil))
		check(t, "product elsewhere", r, http.StatusUnprocessableEntity)
		if got := fieldErrorOf(r.body, "f-p-product-id"); got != "This product is not on sale in the family's village on that date." {
			t.Errorf("product elsewhere: %q", got)
		}
	})

	t.Run("receipt used twice", func(t *testing.T) {
		receipt := existingReceipt(t, e, "NBC01")
		before := [3]int{e.currentCount(t, imis.Families), e.currentCount(t, imis.Insurees), e.currentCount(t, imis.Policies)}
		members := familyOf3(400)
		policy := map[string]string{"product_id": e.idOf(t, imis.Products, "NBC01").String(), "officer_id": officer, "enroll_date": today}
		contrib := map[string]string{"amount": "29500.00", "receipt": receipt, "pay_date": today, "pay_type": "C"}
		r := b.step(t, 4, "save", wizardForm(village, members, policy, contrib))
		check(t, "receipt used", r, http.StatusConflict, `name="c.receipt"`)
		if got := fieldErrorOf(r.body, "f-c-receipt"); got != "Receipt "+receipt+" is already used for this product." {
			t.Errorf("error beside the receipt: %q", got)
		}
		after := [3]int{e.currentCount(t, imis.Families), e.currentCount(t, imis.Insurees), e.currentCount(t, imis.Policies)}
		if before != after {
			t.Errorf("families, insurees, policies %v before and %v after a refused enrolment", before, after)
		}
		if inputValue(r.body, "m.2.chfid") != members[2].chfid {
			t.Errorf("the refused enrolment lost its members")
		}
	})

	t.Run("underpaid at save asks what to do", func(t *testing.T) {
		members := familyOf3(500)
		policy := map[string]string{"product_id": e.idOf(t, imis.Products, "NBC01").String(), "officer_id": officer, "enroll_date": today}
		contrib := map[string]string{"amount": "10000.00", "receipt": "WIZ-0500", "pay_date": today, "pay_type": "C"}
		families := e.currentCount(t, imis.Families)
		r := b.step(t, 4, "save", wizardForm(village, members, policy, contrib))
		check(t, "underpaid", r, http.StatusUnprocessableEntity, `name="c.decision" value="WAIT"`, `name="c.decision" value="ENFORCE"`,
			"This contribution does not pay the policy in full.")
		if e.currentCount(t, imis.Families) != families {
			t.Errorf("the question saved the family")
		}
		form := wizardForm(village, members, policy, contrib)
		form.Set("c.decision", "WAIT")
		r = b.step(t, 4, "save", form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("save with WAIT: %d %s", r.status, excerpt(r.body))
		}
		check(t, "idle policy", b.get(t, r.header.Get("Location")), http.StatusOK, `<span class="status status-1">Idle</span>`, "10000.00", "19500.00")
	})

	t.Run("text neither engine stores", func(t *testing.T) {
		members := familyOf3(700)
		members[0].last = "Mwa\x00kilema"
		r := b.step(t, 2, "next", wizardForm(village, members, nil, nil))
		if got := fieldErrorOf(r.body, "f-m-0-last-name"); r.status != http.StatusUnprocessableEntity || got != "Invalid value." {
			t.Errorf("NUL in a name: %d %q", r.status, got)
		}
		form := wizardForm(village, familyOf3(710), nil, nil)
		form.Set("f.address", "bad \xff byte")
		r = b.step(t, 2, "next", form)
		if got := fieldErrorOf(r.body, "f-f-address"); r.status != http.StatusUnprocessableEntity || got != "Invalid value." {
			t.Errorf("invalid UTF-8 in the address: %d %q", r.status, got)
		}
	})

	t.Run("family step", func(t *testing.T) {
		r := b.step(t, 1, "next", url.Values{"f.family_type": {"H"}})
		check(t, "no village", r, http.StatusUnprocessableEntity)
		if got := fieldErrorOf(r.body, "f-f-location-id"); got != "Required." {
			t.Errorf("village error %q", got)
		}
	})
}

// existingCHFID returns the insurance number of a demo insuree.
func existingCHFID(t *testing.T, e *env) string {
	t.Helper()
	recs, _, err := e.db.Find(imis.SystemContext(context.Background()), imis.Insurees, store.Filter{Page: imis.Page{Size: 1}})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no insuree: %v", err)
	}
	return recs[0].Values["chfid"].(string)
}

// existingReceipt returns the receipt of a demo contribution to a policy of the product.
func existingReceipt(t *testing.T, e *env, product string) string {
	t.Helper()
	ctx := imis.SystemContext(context.Background())
	id := e.idOf(t, imis.Products, product)
	recs, _, err := e.db.Find(ctx, imis.Contributions, store.Filter{Page: imis.Page{Size: 200}})
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
	e := newEnrolEnv(t)
	recep := e.login(t, "Receptionist", "demo123")
	check(t, "receptionist", recep.get(t, "/enrol"), http.StatusForbidden)
	check(t, "receptionist post", recep.step(t, 1, "next", url.Values{}), http.StatusForbidden)

	officer := e.login(t, "EO0101", "officer123")
	r := officer.get(t, "/enrol")
	check(t, "officer", r, http.StatusOK, "R1D1W1V1")
	if strings.Contains(r.body, "R2D1W1V1") {
		t.Errorf("the officer is offered villages of another district")
	}
	// A village of another district is refused at the first step.
	r = officer.step(t, 1, "next", url.Values{"f.location_id": {e.idOf(t, imis.Locations, "R2D1W1V1").String()}})
	if got := fieldErrorOf(r.body, "f-f-location-id"); r.status != http.StatusUnprocessableEntity || got == "" {
		t.Errorf("other district's village: status %d, error %q", r.status, got)
	}
	// The officer's own record is the default seller.
	members := familyOf3(600)
	r = officer.step(t, 2, "next", wizardForm(e.idOf(t, imis.Locations, "R1D1W1V1").String(), members, nil, nil))
	if got := inputValue(r.body, "p.officer_id"); got != "" {
		t.Errorf("officer carried as hidden %q", got)
	}
	if !strings.Contains(r.body, `value="`+e.idOf(t, imis.Officers, "EO0101").String()+`" selected`) {
		t.Errorf("the officer is not preselected")
	}
	// Without a CSRF token nothing happens.
	check(t, "no csrf", officer.post(t, "/enrol", url.Values{"step": {"1"}, "action": {"next"}}), http.StatusForbidden)
}
