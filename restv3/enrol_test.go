package restv3_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	imis "github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/testpng"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

// enrolFixture is what an enrolment upload refers to: a village of the officer's district, the
// national product and the officer, by wire id, and insurance numbers nobody holds yet.
type enrolFixture struct {
	e                        *webtest.Env
	village, product, office int64
	districtID               imis.ID
	next                     int
}

func newEnrolFixture(t *testing.T, e *webtest.Env) *enrolFixture {
	t.Helper()
	sys := imis.SystemContext(context.Background())
	octx := e.UserCtx(t, officerLogin)
	f := &enrolFixture{e: e, districtID: imis.UserFromContext(octx).Districts[0], next: 11000000}
	villages, _ := e.Records(t, octx, imis.Locations, map[string]string{"type": "V"})
	for _, v := range villages {
		if v.Values["district_id"] == f.districtID {
			f.village = v.WireID
			break
		}
	}
	prods, _ := e.Records(t, sys, imis.Products, map[string]string{"code": "NBC01"})
	offs, _ := e.Records(t, sys, imis.Officers, map[string]string{"code": "EO0102"})
	if f.village == 0 || len(prods) != 1 || len(offs) != 1 {
		t.Fatalf("fixture: village %d, %d products, %d officers", f.village, len(prods), len(offs))
	}
	f.product, f.office = prods[0].WireID, offs[0].WireID
	return f
}

// chfid returns a valid insurance number (demo rule: nine digits, the last the first eight mod 7)
// that no insuree holds.
func (f *enrolFixture) chfid(t *testing.T) string {
	t.Helper()
	for {
		f.next++
		body := strconv.Itoa(f.next)
		n := body + imis.DemoNumberRule.CheckDigit(body)
		if _, err := f.e.DB.InsureeByCHFID(imis.SystemContext(context.Background()), n); imis.ErrorCode(err) == imis.ENOTFOUND {
			return n
		}
	}
}

// member is one insuree of an upload.
type upMember struct {
	client           int
	chfid            string
	last, other, dob string
	gender, relation string
	head             bool
	picture          string
}

// upload renders an enrolment body as the Policies app builds it: every value a string, the
// references as wire ids.
type upload struct {
	family     int
	hof        string
	village    int64
	members    []upMember
	policy     int
	product    int64
	officer    int64
	enroll     string
	value      string
	receipt    string
	amount     string
	payDate    string // the enrolment date when empty
	extraField string
}

func (u upload) body() string {
	var ins []string
	for _, m := range u.members {
		head := "0"
		if m.head {
			head = "1"
		}
		pic := `null`
		if m.picture != "" {
			pic = `{"ImageName":"` + m.chfid + `.png","ImageContent":"` + m.picture + `"}`
		}
		ins = append(ins, fmt.Sprintf(`{"InsureeId":"%d","FamilyId":"%d","CHFID":"%s","LastName":"%s","OtherNames":"%s","DOB":"%s",`+
			`"Gender":"%s","Marital":"","isHead":"%s","IdentificationNumber":"","Phone":"","PhotoPath":"","CardIssued":"0",`+
			`"Relationship":"%s","Profession":"0","Education":"","Email":"","TypeOfId":"","HFID":"0","CurrentAddress":"",`+
			`"GeoLocation":"","CurVillage":"0","isOffline":"1","Vulnerability":"0","Picture":%s}`,
			m.client, u.family, m.chfid, m.last, m.other, m.dob, m.gender, head, m.relation, pic))
	}
	pol := ""
	if u.product != 0 {
		prem, pay := "", u.payDate
		if pay == "" {
			pay = u.enroll
		}
		if u.receipt != "" {
			prem = fmt.Sprintf(`{"PremiumId":"-1","PolicyId":"%d","PayerId":"0","Amount":"%s","Receipt":"%s","PayDate":"%s","PayType":"C","isPhotoFee":"false","isOffline":"1"}`,
				u.policy, u.amount, u.receipt, pay)
		}
		pol = fmt.Sprintf(`{"PolicyId":"%d","FamilyId":"%d","EnrollDate":"%s","StartDate":"%s","EffectiveDate":"","ExpiryDate":"",`+
			`"PolicyStatus":"1","PolicyValue":"%s","ProdId":"%d","OfficerId":"%d","PolicyStage":"N","isOffline":"1","ControlNumber":""%s,"Premium":[%s]}`,
			u.policy, u.family, u.enroll, u.enroll, u.value, u.product, u.officer, u.extraField, prem)
	}
	return fmt.Sprintf(`{"Family":[{"FamilyId":"%d","InsureeId":"%d","LocationId":"%d","HOFCHFID":"%s","Poverty":"false","FamilyType":"H",`+
		`"FamilyAddress":"Plot 4","Ethnicity":"","ConfirmationNo":"","ConfirmationType":"","isOffline":"1","FamilySMS":null,`+
		`"Insurees":[%s],"Policies":[%s],"InsureePolicy":[]}],"Source":"PoliciesApp","SourceVersion":"2.3"}`,
		u.family, u.members[0].client, u.village, u.hof, strings.Join(ins, ","), pol)
}

// newUpload is a family of three (a head, a spouse and a child) with a policy of the national
// product and its full contribution (2 adults × 10,000 + 1 child × 5,000 + 3 × 1,000 registration
// + 3 × 500 assembly = 29,500.00).
func (f *enrolFixture) newUpload(t *testing.T, receipt string) upload {
	t.Helper()
	head := f.chfid(t)
	return upload{family: -1, hof: head, village: f.village, members: []upMember{
		{client: -1, chfid: head, last: "Okello", other: "Daniel", dob: "1980-05-01", gender: "M", head: true},
		{client: -2, chfid: f.chfid(t), last: "Okello", other: "Grace", dob: "1982-07-12", gender: "F", relation: "8"},
		{client: -3, chfid: f.chfid(t), last: "Okello", other: "Peter", dob: "2015-01-20", gender: "M", relation: "4"},
	}, policy: -1, product: f.product, officer: f.office, enroll: "2026-03-02", value: "123.00", receipt: receipt, amount: "29500.00"}
}

func TestRestEnrol(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	token := reportingOfficer(t, e)
	f := newEnrolFixture(t, e)
	pic := base64.StdEncoding.EncodeToString(webtest.PhotoPNG(t))
	post := func(body string) webtest.Response {
		t.Helper()
		return e.Rest(t, token, http.MethodPost, "/rest/api/family", body)
	}

	up := f.newUpload(t, "R-TEST-1")
	up.members[0].picture = pic
	before := e.Counts(t)
	r := post(up.body())
	webtest.Check(t, "upload", r, http.StatusOK)
	m := webtest.Object(t, r.Body)
	checkKeys(t, "answer", m, "response", "family", "warnings")
	if webtest.Num(t, m["response"]) != 0 {
		t.Fatalf("upload refused: %s", r.Body)
	}
	after := e.Counts(t)
	if after != [4]int{before[0] + 1, before[1] + 3, before[2] + 1, before[3] + 1} {
		t.Fatalf("counts %v -> %v, want one family, three insurees, one policy, one contribution more", before, after)
	}
	fams := webtest.Rows(t, m, "family")
	if len(fams) != 1 {
		t.Fatalf("family %v", fams)
	}
	fam := fams[0]
	checkKeys(t, "family", fam, "familyId", "familyDBId", "familyUUID", "insurees", "policies")
	sys := imis.SystemContext(context.Background())
	famID, err := imis.ParseID(fam["familyUUID"].(string))
	if err != nil {
		t.Fatal(err)
	}
	stored, err := e.DB.FindByID(sys, imis.Families, famID)
	if err != nil {
		t.Fatal(err)
	}
	if webtest.Num(t, fam["familyId"]) != -1 || webtest.Num(t, fam["familyDBId"]) != stored.WireID || stored.Values["head_chfid"] != up.hof ||
		stored.Values["district_id"] != f.districtID {
		t.Errorf("family %v stored as %v", fam, stored.Values)
	}
	ins := webtest.Rows(t, fam, "insurees")
	if len(ins) != 3 {
		t.Fatalf("insurees %v", ins)
	}
	for i, row := range ins {
		checkKeys(t, "insuree", row, "insureeId", "insureeDBId", "insureeUUID")
		got, err := e.DB.InsureeByCHFID(sys, up.members[i].chfid)
		if err != nil {
			t.Fatal(err)
		}
		if webtest.Num(t, row["insureeId"]) != int64(up.members[i].client) || webtest.Num(t, row["insureeDBId"]) != got.WireID || row["insureeUUID"] != got.ID.String() ||
			got.Head != (i == 0) || got.FamilyID != famID {
			t.Errorf("insuree %d: %v, stored %+v", i, row, got)
		}
	}
	pols := webtest.Rows(t, fam, "policies")
	if len(pols) != 1 {
		t.Fatalf("policies %v", pols)
	}
	checkKeys(t, "policy", pols[0], "policyId", "policyDBId", "policyUUID", "premium")
	prem := webtest.Rows(t, pols[0], "premium")
	if len(prem) != 1 {
		t.Fatalf("premium %v", prem)
	}
	checkKeys(t, "premium", prem[0], "premiumId", "premiumDBId", "premiumUUID")
	polID, _ := imis.ParseID(pols[0]["policyUUID"].(string))
	pol, err := e.DB.FindByID(sys, imis.Policies, polID)
	if err != nil {
		t.Fatal(err)
	}
	// The server's figures, not the phone's: the full value, paid in full, so Active.
	if webtest.Num(t, pols[0]["policyDBId"]) != pol.WireID || pol.Values["value"] != int64(2950000) || pol.Values["status"] != int64(imis.PolicyActive) ||
		pol.Values["start_date"] != imis.NewDate(2026, 3, 2) || pol.Values["expiry_date"] != imis.NewDate(2027, 3, 1) {
		t.Errorf("policy stored as %v", pol.Values)
	}
	if w := fmt.Sprint(m["warnings"]); !strings.Contains(w, "value 29500.00, not 123.00") {
		t.Errorf("warnings %v", w)
	}
	cover, err := e.DB.PolicyCoverage(sys, polID)
	if err != nil || len(cover) != 3 || cover[0].EffectiveDate.IsZero() {
		t.Errorf("coverage %+v %v", cover, err)
	}
	if r := e.Rest(t, token, http.MethodGet, "/rest/api/insuree/"+up.hof, ""); webtest.Object(t, r.Body)["photoBase64"] != pic {
		t.Errorf("the head's photo was not stored: %.200s", r.Body)
	}

	// Exactly once: the same body again answers the same, and so does a retry in which the phone
	// re-minted the policy (another local id, a new UUID field).
	again := post(up.body())
	if again.Status != http.StatusOK || again.Body != r.Body {
		t.Errorf("resent upload answered\n%s\nnot\n%s", again.Body, r.Body)
	}
	retry := up
	retry.policy, retry.extraField = -7, `,"PolicyUUID":"`+imis.NewID().String()+`"`
	rr := post(retry.body())
	rm := webtest.Object(t, rr.Body)
	if webtest.Num(t, rm["response"]) != 0 {
		t.Fatalf("retry refused: %s", rr.Body)
	}
	rf := webtest.Rows(t, rm, "family")[0]
	rp := webtest.Rows(t, rf, "policies")[0]
	if rf["familyUUID"] != fam["familyUUID"] || webtest.Num(t, rf["familyDBId"]) != webtest.Num(t, fam["familyDBId"]) || webtest.Num(t, rp["policyId"]) != -7 ||
		rp["policyUUID"] != pols[0]["policyUUID"] || webtest.Rows(t, rp, "premium")[0]["premiumUUID"] != prem[0]["premiumUUID"] {
		t.Errorf("retry answered other records:\n%s\nfirst:\n%s", rr.Body, r.Body)
	}
	for i, row := range webtest.Rows(t, rf, "insurees") {
		if row["insureeUUID"] != ins[i]["insureeUUID"] {
			t.Errorf("retry insuree %d: %v", i, row)
		}
	}
	if c := e.Counts(t); c != after {
		t.Errorf("retries changed the counts: %v -> %v", after, c)
	}

	// The family downloaded and sent back with a new member: the member joins it and its policy.
	grown := up
	grown.members = append(slices.Clone(up.members), upMember{client: -4, chfid: f.chfid(t), last: "Okello", other: "Ruth",
		dob: "2019-09-09", gender: "F", relation: "4"})
	gr := post(grown.body())
	gm := webtest.Object(t, gr.Body)
	if webtest.Num(t, gm["response"]) != 0 || webtest.Rows(t, gm, "family")[0]["familyUUID"] != fam["familyUUID"] || len(webtest.Rows(t, webtest.Rows(t, gm, "family")[0], "insurees")) != 4 {
		t.Fatalf("family with a new member: %s", gr.Body)
	}
	if c := e.Counts(t); c != [4]int{after[0], after[1] + 1, after[2], after[3]} {
		t.Errorf("new member: counts %v -> %v", after, c)
	}
	if cover, _ := e.DB.PolicyCoverage(sys, polID); len(cover) != 4 {
		t.Errorf("the new member is not on the family's policy: %d coverage rows", len(cover))
	}

	// Refusals answer their code and write nothing.
	refused := func(what string, u upload, want int) {
		t.Helper()
		n := e.Counts(t)
		r := post(u.body())
		if r.Status != http.StatusOK || webtest.Num(t, webtest.Object(t, r.Body)["response"]) != int64(want) {
			t.Errorf("%s: %d %s, want response %d", what, r.Status, r.Body, want)
		}
		if c := e.Counts(t); c != n {
			t.Errorf("%s changed the counts: %v -> %v", what, n, c)
		}
	}
	refused("duplicate receipt within the product", f.newUpload(t, "R-TEST-1"), -4)
	noHead := f.newUpload(t, "R-TEST-2")
	noHead.members[0].head, noHead.hof = false, ""
	refused("no head", noHead, -1)
	twoHeads := f.newUpload(t, "R-TEST-3")
	twoHeads.members[1].head = true
	refused("two heads", twoHeads, -5)
	demoMember := sampleInsurees(t, e).elsewhere
	dup := f.newUpload(t, "R-TEST-4")
	dup.members[2].chfid = demoMember.Values["chfid"].(string)
	refused("insurance number already someone's", dup, -3)
	taken := f.newUpload(t, "R-TEST-5")
	var demoHead *store.Record
	all, _ := e.Records(t, sys, imis.Families, nil)
	for _, fr := range all {
		if !strings.HasPrefix(fr.Values["head_chfid"].(string), "110000") {
			demoHead = fr // a family of the demo, not of this test
			break
		}
	}
	taken.hof, taken.members[0].chfid = demoHead.Values["head_chfid"].(string), demoHead.Values["head_chfid"].(string)
	refused("head's number already a head elsewhere", taken, -2)
	// A known family of another district (same head, sent as not new) is not the officer's.
	other := sampleInsurees(t, e).elsewhere
	otherFam, err := e.DB.FindByID(sys, imis.Families, other.Values["family_id"].(imis.ID))
	if err != nil {
		t.Fatal(err)
	}
	headRec, err := e.DB.FindByID(sys, imis.Insurees, otherFam.Values["head_id"].(imis.ID))
	if err != nil {
		t.Fatal(err)
	}
	foreign := f.newUpload(t, "R-TEST-10")
	foreign.hof = headRec.Values["chfid"].(string)
	foreign.members[0] = upMember{client: -1, chfid: foreign.hof, last: headRec.Values["last_name"].(string), other: headRec.Values["other_names"].(string),
		dob: headRec.Values["dob"].(imis.Date).String(), gender: headRec.Values["gender"].(string), head: true}
	refused("a family of another district", foreign, -2)

	// Bad input is 400 with the field, and writes nothing either.
	bad := func(what string, body, field string) {
		t.Helper()
		n := e.Counts(t)
		checkEnvelope(t, what, post(body), http.StatusBadRequest, field)
		if c := e.Counts(t); c != n {
			t.Errorf("%s changed the counts: %v -> %v", what, n, c)
		}
	}
	checkDigit := f.newUpload(t, "R-TEST-6")
	wrong := checkDigit.members[1].chfid[:8] + strconv.Itoa((int(checkDigit.members[1].chfid[8]-'0')+1)%10)
	checkDigit.members[1].chfid = wrong
	bad("check digit", checkDigit.body(), "CHFID")
	badPic := f.newUpload(t, "R-TEST-7")
	badPic.members[0].picture = "bm90IGFuIGltYWdl"
	bad("picture", badPic.body(), "Picture")
	noVillage := f.newUpload(t, "R-TEST-8")
	noVillage.village = 999999
	bad("unknown village", noVillage.body(), "LocationId")
	early := f.newUpload(t, "R-TEST-11")
	early.payDate = "1990-01-01"
	n := e.Counts(t)
	r = post(early.body())
	checkEnvelope(t, "pay date before the enrolment", r, http.StatusBadRequest, "PayDate")
	if !strings.Contains(r.Body, "before the policy's enrolment date") {
		t.Errorf("pay date before the enrolment: %s does not say why", r.Body)
	}
	if c := e.Counts(t); c != n {
		t.Errorf("pay date before the enrolment changed the counts: %v -> %v", n, c)
	}
	bad("malformed JSON", `{"Family":[{"FamilyId":`, "body")
	bad("no family", `{"Source":"x"}`, "Family")

	// Numbers as numbers, keys in another case, path in another case.
	plain := f.newUpload(t, "R-TEST-9")
	body := strings.NewReplacer(`"LocationId":"`+strconv.FormatInt(f.village, 10)+`"`, `"locationid":`+strconv.FormatInt(f.village, 10),
		`"ProdId":"`+strconv.FormatInt(f.product, 10)+`"`, `"prodid":`+strconv.FormatInt(f.product, 10)).Replace(plain.body())
	r = e.Rest(t, token, http.MethodPost, "/Rest/Api/Family/", body)
	if r.Status != http.StatusOK || webtest.Num(t, webtest.Object(t, r.Body)["response"]) != 0 {
		t.Errorf("upload with numbers: %d %s", r.Status, r.Body)
	}

	checkEmpty401(t, "no token", e.Rest(t, "", http.MethodPost, "/rest/api/family", plain.body()))
	manager := e.Token(t, "Manager", "demo123")
	if r := e.Rest(t, manager, http.MethodPost, "/rest/api/family", plain.body()); r.Status != http.StatusForbidden || r.Body != "" {
		t.Errorf("without FamilyAdd: %d %q", r.Status, r.Body)
	}

	// The enrolment report counts this officer's uploads: each distinct body once.
	r = e.Rest(t, token, http.MethodPost, "/rest/api/report/enrolment", `{"FromDate":"2026-03-02","ToDate":"2026-03-02"}`)
	rep := webtest.Object(t, r.Body)
	if webtest.Num(t, rep["totalAssigned"]) != 4 || webtest.Num(t, rep["totalSubmitted"]) != 4+6+5 {
		t.Errorf("enrolment report %s", r.Body)
	}
}

// TestRestEnrolConcurrent sends the same upload twice at once: one family is written and both
// answers carry its ids.
func TestRestEnrolConcurrent(t *testing.T) {
	e := webtest.NewRestEnv(t, 5)
	token := reportingOfficer(t, e)
	f := newEnrolFixture(t, e)
	up := f.newUpload(t, "R-CONC-1")
	before := e.Counts(t)
	var wg sync.WaitGroup
	answers := make([]webtest.Response, 4)
	for i := range answers {
		body := up.body()
		if i%2 == 1 {
			body = strings.Replace(body, `"Source":"PoliciesApp"`, `"Source":"PoliciesApp","Try":"`+strconv.Itoa(i)+`"`, 1)
		}
		wg.Go(func() { answers[i] = e.Rest(t, token, http.MethodPost, "/rest/api/family", body) })
	}
	wg.Wait()
	var uuid any
	for i, a := range answers {
		m := webtest.Object(t, a.Body)
		if a.Status != http.StatusOK || webtest.Num(t, m["response"]) != 0 {
			t.Errorf("answer %d: %d %s", i, a.Status, a.Body)
			continue
		}
		got := webtest.Rows(t, m, "family")[0]["familyUUID"]
		if uuid == nil {
			uuid = got
		} else if got != uuid {
			t.Errorf("answer %d names family %v, not %v", i, got, uuid)
		}
	}
	if c := e.Counts(t); c != [4]int{before[0] + 1, before[1] + 3, before[2] + 1, before[3] + 1} {
		t.Errorf("counts %v -> %v", before, c)
	}
}

// TestRestMalformedBodies refuses an upload whose body has data after the object, bytes that are
// not UTF-8 or a date with an impossible time of day, naming the body or the field, and stores
// nothing.
func TestRestMalformedBodies(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	token := reportingOfficer(t, e)
	f := newEnrolFixture(t, e)
	good := f.newUpload(t, "R-MALFORMED").body()
	badTime := f.newUpload(t, "R-MALFORMED-T")
	badTime.members[0].dob = "1980-05-01T99:99:99"
	badText := f.newUpload(t, "R-MALFORMED-U")
	badText.members[0].last = "Okel\xfflo"
	before := e.Counts(t)
	for _, c := range []struct{ name, body, field string }{
		{"second object", good + `{"b":2}`, "body"},
		{"trailing text", good + ` x`, "body"},
		{"not UTF-8", badText.body(), "body"},
		{"impossible time", badTime.body(), "DOB"},
	} {
		checkEnvelope(t, c.name, e.Rest(t, token, http.MethodPost, "/rest/api/family", c.body), http.StatusBadRequest, c.field)
	}
	if after := e.Counts(t); after != before {
		t.Errorf("counts %v -> %v: a refused body was stored", before, after)
	}
	checkEnvelope(t, "validate credentials with trailing data", e.Rest(t, "", http.MethodPost, "/rest/api/validate/credentials",
		`{"UserID":"x","Password":"y"} x`), http.StatusBadRequest, "body")
}

// TestRestEnrolDeepPhoto replays the probe's upload: a PNG of about 100 KB holding 4000 x 4000
// pixels at 16 bits, 128 MB once decoded, is refused from its header with the field named, and
// nothing is written.
func TestRestEnrolDeepPhoto(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	token := reportingOfficer(t, e)
	f := newEnrolFixture(t, e)
	up := f.newUpload(t, "R-DEEP-1")
	up.members[1].picture = base64.StdEncoding.EncodeToString(testpng.BlackPNG(t, 4000, 4000, 16))
	before := e.Counts(t)
	r := e.Rest(t, token, http.MethodPost, "/rest/api/family", up.body())
	checkEnvelope(t, "deep photo", r, http.StatusBadRequest, "Picture")
	if !strings.Contains(r.Body, "needs 124 MiB of memory to read, more than the 64 MiB allowed") {
		t.Errorf("deep photo: %s does not say why", r.Body)
	}
	if after := e.Counts(t); after != before {
		t.Errorf("deep photo changed the counts: %v -> %v", before, after)
	}
}
