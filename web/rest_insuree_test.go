package web_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// insureeSample is what the look-up tests need of the demo population.
type insureeSample struct {
	mine      *store.Record // a member of a family of the officer's district with an Active policy
	family    *store.Record // mine's family
	members   []*store.Record
	elsewhere *store.Record // an insuree outside the officer's districts
}

func sampleInsurees(t *testing.T, e *env) insureeSample {
	t.Helper()
	var s insureeSample
	octx := e.userCtx(t, officerLogin)
	pols, _ := e.records(t, octx, imis.Policies, map[string]string{"status": "2"})
	if len(pols) == 0 {
		t.Fatal("no Active policy in the officer's district")
	}
	var err error
	s.family, err = e.db.FindByID(octx, imis.Families, pols[0].Values["family_id"].(imis.ID))
	if err != nil {
		t.Fatal(err)
	}
	if s.members, err = e.db.FamilyMembers(octx, s.family.ID); err != nil || len(s.members) == 0 {
		t.Fatalf("members: %v", err)
	}
	s.mine = s.members[len(s.members)-1]
	mine := imis.UserFromContext(octx).Districts[0]
	all, _ := e.records(t, imis.SystemContext(context.Background()), imis.Insurees, nil)
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
	e := newRestEnv(t, restFamilies)
	s := sampleInsurees(t, e)
	token := e.token(t, officerLogin, officerPassword)
	chfid := s.mine.Values["chfid"].(string)
	photo := photoPNG(t)
	if err := e.db.SavePhoto(imis.SystemContext(context.Background()), s.mine.ID, chfid+"_20260301_0a0b0c0d.png", "image/png", photo, nil, imis.NewDate(2026, 3, 1)); err != nil {
		t.Fatal(err)
	}
	insureeKeys := []string{"chfid", "photoPath", "insureeName", "dob", "gender", "photoBase64", "otherNames", "lastName"}
	for _, path := range []string{"/rest/api/insuree/" + chfid, "/Rest/API/Insuree/" + chfid + "/"} {
		r := e.rest(t, token, http.MethodGet, path, "")
		check(t, path, r, http.StatusOK)
		if r.status != http.StatusOK {
			continue
		}
		m := object(t, r.body)
		checkKeys(t, "insuree", m, insureeKeys...)
		if m["chfid"] != chfid || m["lastName"] != s.mine.Values["last_name"] || m["gender"] != s.mine.Values["gender"] ||
			m["dob"] != s.mine.Values["dob"].(imis.Date).String() || m["photoPath"] != chfid+"_20260301_0a0b0c0d.png" ||
			m["insureeName"] != s.mine.Values["last_name"].(string)+" "+s.mine.Values["other_names"].(string) {
			t.Errorf("insuree %s", r.body)
		}
		if m["photoBase64"] != base64.StdEncoding.EncodeToString(photo) {
			t.Errorf("photoBase64 is not the stored photo")
		}
	}

	r := e.rest(t, token, http.MethodGet, "/rest/api/insuree/"+chfid+"/enquire", "")
	check(t, "enquire", r, http.StatusOK)
	m := object(t, r.body)
	checkKeys(t, "enquire", m, append(insureeKeys, "details")...)
	if m["photoBase64"] != base64.StdEncoding.EncodeToString(photo) || m["photoPath"] != chfid+"_20260301_0a0b0c0d.png" {
		t.Errorf("the enquiry does not carry the stored photo")
	}
	details := rows(t, m, "details")
	if len(details) == 0 {
		t.Fatalf("no details for a member of a family with an Active policy: %s", r.body)
	}
	for _, d := range details {
		checkKeys(t, "detail", d, "productName", "productCode", "expiryDate", "effectiveDate", "status", "policyValue", "dedType",
			"ded1", "ded2", "ceiling1", "ceiling2", "antenatalAmountLeft", "consultationAmountLeft", "deliveryAmountLeft",
			"hospitalizationAmountLeft", "surgeryAmountLeft", "totalAdmissionsLeft", "totalAntenatalLeft", "totalConsultationsLeft",
			"totalDelivieriesLeft", "totalSurgeriesLeft", "totalVisitsLeft")
	}
	e2, err := e.db.Enquire(e.userCtx(t, officerLogin), chfid, imis.Date{})
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
			check(t, "unknown or out of district "+p, e.rest(t, token, http.MethodGet, p, ""), http.StatusNotFound)
		}
	}
	checkEmpty401(t, "insuree without a token", e.rest(t, "", http.MethodGet, "/rest/api/insuree/"+chfid, ""))
	checkEmpty401(t, "enquire without a token", e.rest(t, "", http.MethodGet, "/rest/api/insuree/"+chfid+"/enquire", ""))
	contrib := e.token(t, "ClaimContrib", "demo123") // holds no InsureeEnquire right
	for _, p := range []string{"/rest/api/insuree/" + chfid, "/rest/api/insuree/" + chfid + "/enquire"} {
		if r := e.rest(t, contrib, http.MethodGet, p, ""); r.status != http.StatusForbidden || r.body != "" {
			t.Errorf("%s without the right: %d %q", p, r.status, r.body)
		}
	}
}

func TestRestFamily(t *testing.T) {
	e := newRestEnv(t, restFamilies)
	s := sampleInsurees(t, e)
	token := e.token(t, officerLogin, officerPassword)
	chfid := s.mine.Values["chfid"].(string)
	r := e.rest(t, token, http.MethodGet, "/rest/api/Family/"+chfid+"/", "")
	check(t, "family", r, http.StatusOK)
	m := object(t, r.body)
	checkKeys(t, "family", m, "familyId", "familyUUID", "insureeId", "insureeUUID", "locationId", "poverty", "familyType",
		"familyAddress", "ethnicity", "confirmationNo", "confirmationType", "isOffline", "familySMS", "insurees")
	if num(t, m["familyId"]) != s.family.WireID || m["familyUUID"] != s.family.ID.String() || m["insureeUUID"] != s.family.Values["head_id"].(imis.ID).String() {
		t.Errorf("family ids %v %v %v, want %d %s", m["familyId"], m["familyUUID"], m["insureeUUID"], s.family.WireID, s.family.ID)
	}
	village, err := e.db.FindByID(imis.SystemContext(context.Background()), imis.Locations, s.family.Values["location_id"].(imis.ID))
	if err != nil {
		t.Fatal(err)
	}
	if num(t, m["locationId"]) != village.WireID {
		t.Errorf("locationId %v, want the village's wire id %d", m["locationId"], village.WireID)
	}
	checkKeys(t, "familySMS", m["familySMS"].(map[string]any), "familyId", "approvalOfSMS", "languageOfSMS")
	ins := rows(t, m, "insurees")
	if len(ins) != len(s.members) {
		t.Fatalf("%d insurees, want %d", len(ins), len(s.members))
	}
	for i, row := range ins {
		checkKeys(t, "insuree", row, "insureeId", "insureeUUID", "identificationNumber", "chfid", "lastName", "otherNames", "dob", "gender",
			"marital", "isHead", "phone", "cardIssued", "relationship", "profession", "education", "email", "typeOfId", "hfid",
			"currentAddress", "geoLocation", "curVillage", "photoPath", "identificationTypes", "isOffline", "vulnerability", "photoBase64")
		if num(t, row["insureeId"]) != s.members[i].WireID || row["chfid"] != s.members[i].Values["chfid"] || row["isHead"] != s.members[i].Values["is_head"] {
			t.Errorf("insuree %d: %v, want %v", i, row, s.members[i].Values)
		}
	}
	if ins[0]["isHead"] != true || num(t, m["insureeId"]) != num(t, ins[0]["insureeId"]) {
		t.Errorf("the head is not first or not the family's insureeId: %v", m["insureeId"])
	}
	check(t, "unknown number", e.rest(t, token, http.MethodGet, "/rest/api/family/999999999", ""), http.StatusNotFound)
	check(t, "family of another district", e.rest(t, token, http.MethodGet, "/rest/api/family/"+s.elsewhere.Values["chfid"].(string), ""), http.StatusNotFound)
	checkEmpty401(t, "no token", e.rest(t, "", http.MethodGet, "/rest/api/family/"+chfid, ""))
	manager := e.token(t, "Manager", "demo123") // holds no FamilySearch right
	if r := e.rest(t, manager, http.MethodGet, "/rest/api/family/"+chfid, ""); r.status != http.StatusForbidden || r.body != "" {
		t.Errorf("without the right: %d %q", r.status, r.body)
	}
}

func TestRestReceipt(t *testing.T) {
	e := newRestEnv(t, restFamilies)
	s := sampleInsurees(t, e)
	token := e.token(t, officerLogin, officerPassword)
	octx := e.userCtx(t, officerLogin)
	prems, _ := e.records(t, octx, imis.Contributions, nil)
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
		r := e.rest(t, token, http.MethodPost, "/rest/api/Premium/Receipt/", c.body)
		check(t, c.name, r, http.StatusOK)
		if c.want != "" && r.body != c.want {
			t.Errorf("%s: %q, want %q", c.name, r.body, c.want)
		}
	}
	checkEnvelope(t, "missing CHFID", e.rest(t, token, http.MethodPost, "/rest/api/premium/receipt", `{"ReceiptNo":"X"}`), http.StatusBadRequest, "CHFID")
	checkEmpty401(t, "no token", e.rest(t, "", http.MethodPost, "/rest/api/premium/receipt", `{"ReceiptNo":"X","CHFID":"1"}`))
	manager := e.token(t, "Manager", "demo123")
	if r := e.rest(t, manager, http.MethodPost, "/rest/api/premium/receipt", `{"ReceiptNo":"X","CHFID":"1"}`); r.status != http.StatusForbidden {
		t.Errorf("without the right: %d", r.status)
	}
}
