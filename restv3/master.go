package restv3

import (
	"net/http"
	"strconv"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// GET master: the reference data the Policies app stores in its own SQLite database. The app
// creates one table per key and uses the row keys as column names, so every spelling below is
// part of the contract (interfaces.md §1.7), including "adjustibility".

// masterControls are the form fields whose adjustibility the app reads. openIMIS keeps them in
// tblControls, which this server has no register for; every field listed is optional ("O"), the
// answer openIMIS gives for a field it does not list, so the app neither hides a field nor
// demands one that the server would not require.
var masterControls = []string{
	"BeneficiaryCard", "Confirmation", "ConfirmationNo", "CurrentAddress", "CurrentVillage", "Education",
	"FamilyType", "FSP", "IdentificationNumber", "IdentificationType", "InsureeEmail", "MaritalStatus",
	"PermanentAddress", "Poverty", "Profession", "Relationship", "Vulnerability",
}

func (s *server) restMaster(w http.ResponseWriter, r *http.Request) {
	md, err := s.DB.ReferenceData(r.Context())
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	out := map[string]any{
		"confirmationTypes":   s.lookup(imis.ConfirmationTypes, "confirmationTypeCode", "confirmationType", false),
		"education":           s.lookup(imis.Educations, "educationId", "education", true),
		"familyTypes":         s.lookup(imis.FamilyTypes, "familyTypeCode", "familyType", false),
		"identificationTypes": s.lookup(imis.IdentificationType, "identificationCode", "identificationTypes", false),
		"professions":         s.lookup(imis.Professions, "professionId", "profession", true),
		"relations":           s.lookup(imis.Relations, "relationId", "relation", true),
	}
	genders := []map[string]any{}
	for i, c := range imis.Genders {
		genders = append(genders, map[string]any{"code": c.Code, "gender": s.Cat.T("en", c.Label), "altLanguage": s.altLabel(c.Label), "sortOrder": i + 1})
	}
	out["genders"] = genders
	languages := []map[string]any{}
	if f, ok := imis.Users.Field("language"); ok {
		for i, c := range f.Choices {
			languages = append(languages, map[string]any{"languageCode": c.Code, "languageName": s.Cat.T("en", c.Label), "sortOrder": i + 1})
		}
	}
	out["languages"] = languages
	controls := []map[string]any{}
	for _, c := range masterControls {
		controls = append(controls, map[string]any{"fieldName": c, "adjustibility": "O"})
	}
	out["controls"] = controls
	rules := []map[string]any{}
	for _, name := range store.MobileAppRules {
		rules = append(rules, map[string]any{"ruleName": name, "ruleValue": md.MobileAppRules[name]})
	}
	out["phoneDefaults"] = rules

	locations := []map[string]any{}
	for _, l := range md.Locations {
		locations = append(locations, map[string]any{"locationId": l.WireID, "locationCode": l.Code, "locationName": l.Name,
			"parentLocationId": l.ParentWireID, "locationType": l.Type})
	}
	out["locations"] = locations
	hfs := []map[string]any{}
	for _, f := range md.Facilities {
		hfs = append(hfs, map[string]any{"hfid": f.WireID, "hfCode": f.Code, "hfName": f.Name, "locationId": f.DistrictWireID, "hfLevel": f.Level})
	}
	out["hf"] = hfs
	officers := []map[string]any{}
	for _, o := range md.Officers {
		officers = append(officers, map[string]any{"officerId": o.WireID, "officerUUID": o.ID, "code": o.Code, "lastName": o.LastName,
			"otherNames": o.OtherNames, "phone": o.Phone, "locationId": o.DistrictWireID, "officerIDSubst": o.SubstituteWireID,
			"worksTo": httpx.NullDate(o.WorksTo)})
	}
	out["officers"] = officers
	payers := []map[string]any{}
	for _, p := range md.Payers {
		payers = append(payers, map[string]any{"payerId": p.WireID, "payerName": p.Name, "locationId": p.LocationWireID})
	}
	out["payers"] = payers
	products := []map[string]any{}
	for _, p := range md.Products {
		products = append(products, productJSON(p))
	}
	out["products"] = products
	httpx.WriteJSON(w, http.StatusOK, out)
}

// productJSON renders a product row of the master data: amounts as exact numbers with two
// decimals, periods as whole numbers, and the cycle starts as the "dd-mm" texts they are.
func productJSON(p store.ProductRef) map[string]any {
	row := map[string]any{
		"prodId": p.WireID, "productCode": p.Code, "productName": p.Name, "locationId": p.LocationWireID,
		"dateFrom": httpx.NullDate(p.DateFrom), "dateTo": httpx.NullDate(p.DateTo), "conversionProdId": p.ConversionWireID,
		"insurancePeriod": p.Ints["insurance_period"], "memberCount": p.Ints["max_members"],
		"lumpsum": optMoneyJSON(p.Amounts["lump_sum"]), "premiumAdult": optMoneyJSON(p.Amounts["premium_adult"]),
		"premiumChild": optMoneyJSON(p.Amounts["premium_child"]), "registrationLumpsum": optMoneyJSON(p.Amounts["registration_lump_sum"]),
		"registrationFee": optMoneyJSON(p.Amounts["registration_fee"]), "generalAssemblyLumpSum": optMoneyJSON(p.Amounts["general_assembly_lump_sum"]),
		"generalAssemblyFee":  optMoneyJSON(p.Amounts["general_assembly_fee"]),
		"gracePeriodRenewal":  p.Ints["grace_period_renewal"],
		"maxInstallments":     p.Ints["max_installments"],
		"waitingPeriod":       p.Ints["grace_period_payment"],
		"threshold":           p.Ints["threshold"],
		"renewalDiscountPerc": p.RenewalDiscountPct, "renewalDiscountPeriod": p.Ints["renewal_discount_period"],
		"administrationPeriod":  p.Ints["administration_period"],
		"enrolmentDiscountPerc": p.EnrolmentDiscountPct, "enrolmentDiscountPeriod": p.Ints["enrolment_discount_period"],
		"gracePeriod": p.Ints["grace_period"],
	}
	for i, c := range p.StartCycles {
		var v any
		if c != "" {
			v = c
		}
		row["startCycle"+strconv.Itoa(i+1)] = v
	}
	return row
}

// lookup renders a look-up list with its English label, the French one as the alternative
// language, and a sort order following openIMIS's seed order. numeric gives the code as a number
// (relations, professions, educations are integer ids in openIMIS).
func (s *server) lookup(choices []imis.Choice, idKey, labelKey string, numeric bool) []map[string]any {
	out := make([]map[string]any, 0, len(choices))
	for i, c := range choices {
		var id any = c.Code
		if numeric {
			n, err := strconv.Atoi(c.Code)
			if err == nil {
				id = n
			}
		}
		out = append(out, map[string]any{idKey: id, labelKey: s.Cat.T("en", c.Label), "sortOrder": i + 1, "altLanguage": s.altLabel(c.Label)})
	}
	return out
}

// altLabel is the French label of a look-up, or "" while the French catalogue does not have it
// (the catalogue falls back to English, which the app would show as if it were French).
func (s *server) altLabel(key string) string {
	fr := s.Cat.T("fr", key)
	if fr == s.Cat.T("en", key) {
		return ""
	}
	return fr
}
