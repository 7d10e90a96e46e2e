package restv3_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/webtest"
	"github.com/openimis-go/openimis/store"
)

// insureeSample is what the look-up tests need of the demo population.
type insureeSample struct {
	mine      *store.Record // a member of a family of the officer's district with an Active policy
	family    *store.Record // mine's family
	members   []*store.Record
	elsewhere *store.Record // an insuree outside the officer's districts
}

func sampleInsurees(t *testing.T, e *webtest.Env) insureeSample {
	t.Helper()
	var s insureeSample
	octx := e.UserCtx(t, officerLogin)
	pols, _ := e.Records(t, octx, imis.Policies, map[string]string{"status": "2"})
	if len(pols) == 0 {
		t.Fatal("no Active policy in the officer's district")
	}
	var err error
	s.family, err = e.DB.FindByID(octx, imis.Families, pols[0].Values["family_id"].(imis.ID))
	if err != nil {
		t.Fatal(err)
	}
	if s.members, err = e.DB.FamilyMembers(octx, s.family.ID); err != nil || len(s.members) == 0 {
		t.Fatalf("members: %v", err)
	}
	s.mine = s.members[len(s.members)-1]
	mine := imis.UserFromContext(octx).Districts[0]
	all, _ := e.Records(t, imis.SystemContext(context.Background()), imis.Insurees, nil)
	for _, r := range all {
		if r.Values["district_id"] != mine {
			s.elsewhere = r
			break
		}
	}
	if s.elsewhere == nil {
		t.Fatal("no insuree outside the officer's district")
	}
	return s
}

func TestRestInsuree(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	s := sampleInsurees(t, e)
	token := e.Token(t, officerLogin, officerPassword)
	chfid := s.mine.Values["chfid"].(string)
	photo := webtest.PhotoPNG(t)
	if err := e.DB.SavePhoto(imis.SystemContext(context.Background()), s.mine.ID, chfid+"_20260301_0a0b0c0d.png", "image/png", photo, nil, imis.NewDate(2026, 3, 1)); err != nil {
		t.Fatal(err)
	}
	insureeKeys := []string{"chfid", "photoPath", "insureeName", "dob", "gender", "photoBase64", "otherNames", "lastName"}
	for _, path := range []string{"/rest/api/insuree/" + chfid, "/Rest/API/Insuree/" + chfid + "/"} {
		r := e.Rest(t, token, http.MethodGet, path, "")
		webtest.Check(t, path, r, http.StatusOK)
		if r.Status != http.StatusOK {
			continue
		}
		m := webtest.Object(t, r.Body)
		checkKeys(t, "insuree", m, insureeKeys...)
		if m["chfid"] != chfid || m["lastName"] != s.mine.Values["last_name"] || m["gender"] != s.mine.Values["gender"] ||
			m["dob"] != s.mine.Values["dob"].(imis.Date).String() || m["photoPath"] != chfid+"_20260301_0a0b0c0d.png" ||
			m["insureeName"] != s.mine.Values["last_name"].(string)+" "+s.mine.Values["other_names"].(string) {
			t.Errorf("insuree %s", r.Body)
		}
		if m["photoBase64"] != base64.StdEncoding.EncodeToString(photo) {
			t.Errorf("photoBase64 is not the stored photo")
		}
	}

	r := e.Rest(t, token, http.MethodGet, "/rest/api/insuree/"+chfid+"/enquire", "")
	webtest.Check(t, "enquire", r, http.StatusOK)
	m := webtest.Object(t, r.Body)
	checkKeys(t, "enquire", m, append(insureeKeys, "details")...)
	if m["photoBase64"] != base64.StdEncoding.EncodeToString(photo) || m["photoPath"] != chfid+"_20260301_0a0b0c0d.png" {
		t.Errorf("the enquiry does not carry the stored photo")
	}
	details := webtest.Rows(t, m, "details")
	if len(details) == 0 {
		t.Fatalf("no details for a member of a family with an Active policy: %s", r.Body)
	}
	for _, d := range details {
		checkKeys(t, "detail", d, "productName", "productCode", "expiryDate", "effectiveDate", "status", "policyValue", "dedType",
			"ded1", "ded2", "ceiling1", "ceiling2", "antenatalAmountLeft", "consultationAmountLeft", "deliveryAmountLeft",
			"hospitalizationAmountLeft", "surgeryAmountLeft", "totalAdmissionsLeft", "totalAntenatalLeft", "totalConsultationsLeft",
			"totalDelivieriesLeft", "totalSurgeriesLeft", "totalVisitsLeft")
	}
	e2, err := e.DB.Enquire(e.UserCtx(t, officerLogin), chfid, imis.Date{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e2.Covers) != len(details) || details[0]["productCode"] != e2.Covers[0].ProductCode || details[0]["status"] != e2.Covers[0].Status ||
		details[0]["policyValue"].(interface{ String() string }).String() != e2.Covers[0].PolicyValue.String() {
		t.Errorf("details %v, enquiry %+v", details, e2.Covers)
	}

	other := s.elsewhere.Values["chfid"].(string)
	for _, number := range []string{"999999999", other} {
		for _, p := range []string{"/rest/api/insuree/" + number, "/rest/api/insuree/" + number + "/enquire"} {
			webtest.Check(t, "unknown or out of district "+p, e.Rest(t, token, http.MethodGet, p, ""), http.StatusNotFound)
		}
	}
	checkEmpty401(t, "insuree without a token", e.Rest(t, "", http.MethodGet, "/rest/api/insuree/"+chfid, ""))
	checkEmpty401(t, "enquire without a token", e.Rest(t, "", http.MethodGet, "/rest/api/insuree/"+chfid+"/enquire", ""))
	contrib := e.Token(t, "ClaimContrib", "demo123") // holds no InsureeEnquire right
	for _, p := range []string{"/rest/api/insuree/" + chfid, "/rest/api/insuree/" + chfid + "/enquire"} {
		if r := e.Rest(t, contrib, http.MethodGet, p, ""); r.Status != http.StatusForbidden || r.Body != "" {
			t.Errorf("%s without the right: %d %q", p, r.Status, r.Body)
		}
	}
}

func TestRestFamily(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	s := sampleInsurees(t, e)
	token := e.Token(t, officerLogin, officerPassword)
	chfid := s.mine.Values["chfid"].(string)
	r := e.Rest(t, token, http.MethodGet, "/rest/api/Family/"+chfid+"/", "")
	webtest.Check(t, "family", r, http.StatusOK)
	m := webtest.Object(t, r.Body)
	checkKeys(t, "family", m, "familyId", "familyUUID", "insureeId", "insureeUUID", "locationId", "poverty", "familyType",
		"familyAddress", "ethnicity", "confirmationNo", "confirmationType", "isOffline", "familySMS", "insurees")
	if webtest.Num(t, m["familyId"]) != s.family.WireID || m["familyUUID"] != s.family.ID.String() || m["insureeUUID"] != s.family.Values["head_id"].(imis.ID).String() {
		t.Errorf("family ids %v %v %v, want %d %s", m["familyId"], m["familyUUID"], m["insureeUUID"], s.family.WireID, s.family.ID)
	}
	village, err := e.DB.FindByID(imis.SystemContext(context.Background()), imis.Locations, s.family.Values["location_id"].(imis.ID))
	if err != nil {
		t.Fatal(err)
	}
	if webtest.Num(t, m["locationId"]) != village.WireID {
		t.Errorf("locationId %v, want the village's wire id %d", m["locationId"], village.WireID)
	}
	checkKeys(t, "familySMS", m["familySMS"].(map[string]any), "familyId", "approvalOfSMS", "languageOfSMS")
	ins := webtest.Rows(t, m, "insurees")
	if len(ins) != len(s.members) {
		t.Fatalf("%d insurees, want %d", len(ins), len(s.members))
	}
	for i, row := range ins {
		checkKeys(t, "insuree", row, "insureeId", "insureeUUID", "identificationNumber", "chfid", "lastName", "otherNames", "dob", "gender",
			"marital", "isHead", "phone", "cardIssued", "relationship", "profession", "education", "email", "typeOfId", "hfid",
			"currentAddress", "geoLocation", "curVillage", "photoPath", "identificationTypes", "isOffline", "vulnerability", "photoBase64")
		if webtest.Num(t, row["insureeId"]) != s.members[i].WireID || row["chfid"] != s.members[i].Values["chfid"] || row["isHead"] != s.members[i].Values["is_head"] {
			t.Errorf("insuree %d: %v, want %v", i, row, s.members[i].Values)
		}
	}
	if ins[0]["isHead"] != true || webtest.Num(t, m["insureeId"]) != webtest.Num(t, ins[0]["insureeId"]) {
		t.Errorf("the head is not first or not the family's insureeId: %v", m["insureeId"])
	}
	webtest.Check(t, "unknown number", e.Rest(t, token, http.MethodGet, "/rest/api/family/999999999", ""), http.StatusNotFound)
	webtest.Check(t, "family of another district", e.Rest(t, token, http.MethodGet, "/rest/api/family/"+s.elsewhere.Values["chfid"].(string), ""), http.StatusNotFound)
	checkEmpty401(t, "no token", e.Rest(t, "", http.MethodGet, "/rest/api/family/"+chfid, ""))
	manager := e.Token(t, "Manager", "demo123") // holds no FamilySearch right
	if r := e.Rest(t, manager, http.MethodGet, "/rest/api/family/"+chfid, ""); r.Status != http.StatusForbidden || r.Body != "" {
		t.Errorf("without the right: %d %q", r.Status, r.Body)
	}
}

func TestRestReceipt(t *testing.T) {
	e := webtest.NewRestEnv(t, restFamilies)
	s := sampleInsurees(t, e)
	token := e.Token(t, officerLogin, officerPassword)
	octx := e.UserCtx(t, officerLogin)
	prems, _ := e.Records(t, octx, imis.Contributions, nil)
	if len(prems) == 0 {
		t.Fatal("no contribution in the officer's district")
	}
	used := prems[0].Values["receipt"].(string)
	chfid := s.mine.Values["chfid"].(string)
	for _, c := range []struct {
		name, body, want string
	}{
		{"receipt used in the district", `{"ReceiptNo":"` + used + `","CHFID":"` + chfid + `"}`, "false\n"},
		{"keys in lower case", `{"receiptno":"` + used + `","chfid":"` + chfid + `"}`, "false\n"},
		{"free receipt", `{"ReceiptNo":"NEW-0001","CHFID":"` + chfid + `"}`, "true\n"},
		{"numbers instead of strings", `{"ReceiptNo":987654,"CHFID":` + chfid + `}`, "true\n"},
		{"receipt of another district", `{"ReceiptNo":"` + used + `","CHFID":"` + s.elsewhere.Values["chfid"].(string) + `"}`, ""},
	} {
		r := e.Rest(t, token, http.MethodPost, "/rest/api/Premium/Receipt/", c.body)
		webtest.Check(t, c.name, r, http.StatusOK)
		if c.want != "" && r.Body != c.want {
			t.Errorf("%s: %q, want %q", c.name, r.Body, c.want)
		}
	}
	checkEnvelope(t, "missing CHFID", e.Rest(t, token, http.MethodPost, "/rest/api/premium/receipt", `{"ReceiptNo":"X"}`), http.StatusBadRequest, "CHFID")
	checkEmpty401(t, "no token", e.Rest(t, "", http.MethodPost, "/rest/api/premium/receipt", `{"ReceiptNo":"X","CHFID":"1"}`))
	manager := e.Token(t, "Manager", "demo123")
	if r := e.Rest(t, manager, http.MethodPost, "/rest/api/premium/receipt", `{"ReceiptNo":"X","CHFID":"1"}`); r.Status != http.StatusForbidden {
		t.Errorf("without the right: %d", r.Status)
	}
}
