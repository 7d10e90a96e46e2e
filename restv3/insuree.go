package restv3

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The look-ups of one insuree or family by insurance number (REST v3 §1.3 #5–7) and the receipt
// check of the Policies app.

// pathSegment returns segment i (from 0, "rest" being 0) of the path as the client sent it. The
// REST dispatcher lower-cases the path so that routes match in any case, but an insurance number
// may hold letters, and it must be looked up as written.
func pathSegment(r *http.Request, i int) string {
	raw := r.RequestURI
	if raw == "" {
		raw = r.URL.Path // a request built in-process, without a request line
	}
	if u, err := url.ParseRequestURI(raw); err == nil {
		raw = u.Path
	} else if q := strings.IndexByte(raw, '?'); q >= 0 {
		raw = raw[:q]
	}
	parts := strings.Split(strings.Trim(raw, "/"), "/")
	if i < len(parts) {
		return parts[i]
	}
	return ""
}

// restCHFID is the insurance number of routes /rest/api/insuree/{chfid}... and family/{chfid}.
func restCHFID(r *http.Request) string { return strings.TrimSpace(pathSegment(r, 3)) }

func photoBase64(data []byte) any {
	if len(data) == 0 {
		return nil
	}
	return base64.StdEncoding.EncodeToString(data)
}

func insureeName(last, other string) string { return strings.TrimSpace(last + " " + other) }

// GET insuree/{chfid}: who the insurance number belongs to, with the photo inlined.
func (s *server) restInsuree(w http.ResponseWriter, r *http.Request) {
	i, err := s.DB.InsureeByCHFID(r.Context(), restCHFID(r))
	if imis.ErrorCode(err) == imis.ENOTFOUND {
		writeRESTError(w, http.StatusNotFound, "CHFID: not found")
		return
	} else if err != nil {
		s.restFail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"chfid": i.CHFID, "photoPath": i.PhotoFile, "insureeName": insureeName(i.LastName, i.OtherNames),
		"dob": httpx.NullDate(i.DOB), "gender": i.Gender, "photoBase64": photoBase64(i.Photo), "otherNames": i.OtherNames, "lastName": i.LastName})
}

// GET insuree/{chfid}/enquire: the insuree with one line per cover, as the enquiry computes it
// for today.
func (s *server) restEnquire(w http.ResponseWriter, r *http.Request) {
	e, photo, err := s.DB.EnquireWithPhoto(r.Context(), restCHFID(r), imis.Date{})
	if imis.ErrorCode(err) == imis.ENOTFOUND {
		writeRESTError(w, http.StatusNotFound, "CHFID: not found")
		return
	} else if err != nil {
		s.restFail(w, r, err)
		return
	}
	details := make([]restCoverLine, 0, len(e.Covers))
	for _, c := range e.Covers {
		details = append(details, restCoverLine{
			ProductName: c.ProductName, ProductCode: c.ProductCode,
			ExpiryDate: httpx.NullDate(c.ExpiryDate), EffectiveDate: httpx.NullDate(c.PolicyEffective),
			Status: c.Status, PolicyValue: moneyJSON(int64(c.PolicyValue)), DedType: dedType(c.DedType),
			Ded1: optMoney(c.Ded1), Ded2: optMoney(c.Ded2), Ceiling1: optMoney(c.Ceiling1), Ceiling2: optMoney(c.Ceiling2),
			AntenatalAmountLeft: optMoney(c.AmountLeft.Antenatal), ConsultationAmountLeft: optMoney(c.AmountLeft.Consultation),
			DeliveryAmountLeft: optMoney(c.AmountLeft.Delivery), HospitalizationAmountLeft: optMoney(c.AmountLeft.Hospitalization),
			SurgeryAmountLeft:   optMoney(c.AmountLeft.Surgery),
			TotalAdmissionsLeft: c.Left.Hospitalization, TotalAntenatalLeft: c.Left.Antenatal, TotalConsultationsLeft: c.Left.Consultation,
			TotalDeliveriesLeft: c.Left.Delivery, TotalSurgeriesLeft: c.Left.Surgery, TotalVisitsLeft: c.Left.Visit,
		})
	}
	httpx.WriteJSON(w, http.StatusOK, restEnquiryAnswer{CHFID: e.CHFID, PhotoPath: e.PhotoFile, InsureeName: insureeName(e.LastName, e.OtherNames),
		DOB: httpx.NullDate(e.DOB), Gender: e.Gender, PhotoBase64: photoBase64(photo), OtherNames: e.OtherNames, LastName: e.LastName,
		Details: details})
}

// restEnquiryAnswer is the answer of GET insuree/{chfid}/enquire. Unlike the other REST answers
// it is a struct rather than a map: it is the busiest answer of the API, and a struct is encoded
// without sorting its keys.
type restEnquiryAnswer struct {
	CHFID       string          `json:"chfid"`
	PhotoPath   string          `json:"photoPath"`
	InsureeName string          `json:"insureeName"`
	DOB         any             `json:"dob"`
	Gender      string          `json:"gender"`
	PhotoBase64 any             `json:"photoBase64"`
	OtherNames  string          `json:"otherNames"`
	LastName    string          `json:"lastName"`
	Details     []restCoverLine `json:"details"`
}

// restCoverLine is one line of the enquiry, with the names of upstream's DetailModel, including
// its misspelled totalDelivieriesLeft.
type restCoverLine struct {
	ProductName               string      `json:"productName"`
	ProductCode               string      `json:"productCode"`
	ExpiryDate                any         `json:"expiryDate"`
	EffectiveDate             any         `json:"effectiveDate"`
	Status                    string      `json:"status"`
	PolicyValue               json.Number `json:"policyValue"`
	DedType                   any         `json:"dedType"`
	Ded1                      any         `json:"ded1"`
	Ded2                      any         `json:"ded2"`
	Ceiling1                  any         `json:"ceiling1"`
	Ceiling2                  any         `json:"ceiling2"`
	AntenatalAmountLeft       any         `json:"antenatalAmountLeft"`
	ConsultationAmountLeft    any         `json:"consultationAmountLeft"`
	DeliveryAmountLeft        any         `json:"deliveryAmountLeft"`
	HospitalizationAmountLeft any         `json:"hospitalizationAmountLeft"`
	SurgeryAmountLeft         any         `json:"surgeryAmountLeft"`
	TotalAdmissionsLeft       *int64      `json:"totalAdmissionsLeft"`
	TotalAntenatalLeft        *int64      `json:"totalAntenatalLeft"`
	TotalConsultationsLeft    *int64      `json:"totalConsultationsLeft"`
	TotalDeliveriesLeft       *int64      `json:"totalDelivieriesLeft"`
	TotalSurgeriesLeft        *int64      `json:"totalSurgeriesLeft"`
	TotalVisitsLeft           *int64      `json:"totalVisitsLeft"`
}

// dedType is openIMIS's DedType, a number (1 or 1.1), null when the product has no deductible
// or ceiling.
func dedType(t string) any {
	if t == "" {
		return nil
	}
	return json.Number(t)
}

func optMoney(m *imis.Money) any {
	if m == nil {
		return nil
	}
	return moneyJSON(int64(*m))
}

// choiceNumber renders an integer look-up code (relation, profession, education) as a number,
// null when unset.
func choiceNumber(code string) any {
	if n, err := strconv.Atoi(code); err == nil {
		return n
	}
	return nil
}

// GET family/{chfid}: the family of an insurance number with every current member, for the
// Policies app to edit, restricted to the user's districts.
func (s *server) restFamily(w http.ResponseWriter, r *http.Request) {
	f, err := s.DB.FamilyByCHFID(r.Context(), restCHFID(r))
	if imis.ErrorCode(err) == imis.ENOTFOUND {
		writeRESTError(w, http.StatusNotFound, "CHFID: not found")
		return
	} else if err != nil {
		s.restFail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, familyJSON(f))
}

func familyJSON(f *store.FamilySummary) map[string]any {
	insurees := []map[string]any{}
	for _, i := range f.Members {
		insurees = append(insurees, map[string]any{
			"insureeId": i.WireID, "insureeUUID": i.ID, "identificationNumber": httpx.NullText(i.Passport), "chfid": i.CHFID,
			"lastName": i.LastName, "otherNames": i.OtherNames, "dob": httpx.NullDate(i.DOB), "gender": i.Gender,
			"marital": httpx.NullText(i.Marital), "isHead": i.Head, "phone": httpx.NullText(i.Phone), "cardIssued": i.CardIssued,
			"relationship": choiceNumber(i.Relationship), "profession": choiceNumber(i.Profession), "education": choiceNumber(i.Education),
			"email": httpx.NullText(i.Email), "typeOfId": httpx.NullText(i.TypeOfID), "hfid": i.HFWireID, "currentAddress": httpx.NullText(i.CurrentAddress),
			"geoLocation": httpx.NullText(i.GeoLocation), "curVillage": i.CurVillageWireID, "photoPath": httpx.NullText(i.PhotoFile),
			"identificationTypes": httpx.NullText(i.TypeOfID), "isOffline": i.Offline, "vulnerability": i.Vulnerability,
			"photoBase64": photoBase64(i.Photo),
		})
	}
	return map[string]any{
		"familyId": f.WireID, "familyUUID": f.ID, "insureeId": f.HeadWireID, "insureeUUID": f.HeadID, "locationId": f.LocationWireID,
		"poverty": f.Poverty, "familyType": httpx.NullText(f.FamilyType), "familyAddress": httpx.NullText(f.Address), "ethnicity": httpx.NullText(f.Ethnicity),
		"confirmationNo": httpx.NullText(f.ConfirmationNo), "confirmationType": httpx.NullText(f.ConfirmationType), "isOffline": f.Offline,
		// SMS preferences are not kept: the family gets none until an operator sets them up.
		"familySMS": map[string]any{"familyId": f.WireID, "approvalOfSMS": false, "languageOfSMS": nil},
		"insurees":  insurees,
	}
}

// POST premium/receipt: true when the receipt number is still free in the insuree's district.
func (s *server) restReceipt(w http.ResponseWriter, r *http.Request) {
	body, err := readRESTObject(w, r)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	receipt, err := body.required("ReceiptNo")
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	chfid, err := body.required("CHFID")
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	free, err := s.DB.ReceiptFree(r.Context(), receipt, chfid)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, free)
}
