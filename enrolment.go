package imis

// Rights of enrolment (insurees and policies block).
const (
	RightFamilyAdd          Right = 101002
	RightFamilyEdit         Right = 101003
	RightFamilyDelete       Right = 101004
	RightInsureeSearch      Right = 101101
	RightInsureeAdd         Right = 101102
	RightInsureeEdit        Right = 101103
	RightInsureeDelete      Right = 101104
	RightPolicySearch       Right = 101201
	RightPolicyAdd          Right = 101202
	RightPolicyEdit         Right = 101203
	RightPolicyDelete       Right = 101204
	RightPolicyRenew        Right = 101205
	RightContributionSearch Right = 101301
	RightContributionAdd    Right = 101302
	RightContributionEdit   Right = 101303
	RightContributionDelete Right = 101304
)

// Look-up codes seeded by openIMIS (insurance-domain §4.1); their labels are catalogue keys.
var (
	Genders            = choices("choice.gender", "M", "F", "O")
	FamilyTypes        = choices("choice.family_type", "C", "G", "H", "O", "P", "S", "T")
	ConfirmationTypes  = choices("choice.confirmation_type", "A", "B", "C", "D")
	Relations          = choices("choice.relation", "1", "2", "3", "4", "5", "6", "7", "8")
	Professions        = choices("choice.profession", "1", "2", "3", "4")
	Educations         = choices("choice.education", "1", "2", "3", "4", "5", "6", "7")
	IdentificationType = choices("choice.id_type", "D", "N", "P", "V")
	MaritalStatuses    = choices("choice.marital", "N", "S", "M", "D", "W")
	PayTypes           = choices("choice.pay_type", "C", "B", "M", "F")
	PolicyStatuses     = choices("choice.policy_status", "1", "2", "4", "8", "16")
)

// Insuree statuses.
const (
	InsureeActive   = "AC"
	InsureeInactive = "IN"
	InsureeDead     = "DE"
)

func computed(f Field) Field { f.Computed = true; return f }

// Families are the households (or groups) that policies cover; the head's insurance number
// identifies them. Scoping follows the family's village.
var Families = &Register{
	Name: "families", Table: "families", Code: "head_chfid", Title: "head_name", WireID: true, Large: true,
	Rights: CRUDRights{RightFamilySearch, RightFamilyAdd, RightFamilyEdit, RightFamilyDelete},
	Scope:  Scope{Kind: ScopeDistrict, Column: "district_id"},
	Order:  "head_chfid",
	Fields: []Field{
		computed(listed(text("head_chfid", 50))),
		computed(listed(text("head_name", 201))),
		computed(ref("head_id", "insurees", "")),
		filtered(required(ref("location_id", "locations", LocationVillage))),
		{Name: "poverty", Kind: FieldBool, Listed: true},
		{Name: "family_type", Kind: FieldChoice, Choices: FamilyTypes},
		text("address", 200),
		text("ethnicity", 1),
		text("confirmation_no", 12),
		{Name: "confirmation_type", Kind: FieldChoice, Choices: ConfirmationTypes},
		{Name: "is_offline", Kind: FieldBool},
	},
}

// Insurees are the insured persons, each a member of one family.
var Insurees = &Register{
	Name: "insurees", Table: "insurees", Code: "chfid", Title: "last_name", WireID: true,
	Rights: CRUDRights{RightInsureeSearch, RightInsureeAdd, RightInsureeEdit, RightInsureeDelete},
	Scope:  Scope{Kind: ScopeDistrict, Column: "district_id"},
	Order:  "chfid",
	Fields: []Field{
		{Name: "chfid", Kind: FieldCode, MaxLen: 12, Required: true, Unique: true, Listed: true, Filter: true},
		filtered(required(text("last_name", 100))),
		listed(required(text("other_names", 100))),
		filtered(required(ref("family_id", "families", ""))),
		computed(listed(Field{Name: "is_head", Kind: FieldBool})),
		listed(required(date("dob"))),
		{Name: "gender", Kind: FieldChoice, Required: true, Listed: true, Filter: true, Choices: Genders},
		{Name: "marital", Kind: FieldChoice, Choices: MaritalStatuses},
		{Name: "type_of_id", Kind: FieldChoice, Choices: IdentificationType},
		text("passport", 25),
		text("phone", 50), email(),
		text("current_address", 200), text("geolocation", 250),
		ref("current_village_id", "locations", LocationVillage),
		{Name: "card_issued", Kind: FieldBool},
		{Name: "relationship", Kind: FieldChoice, Choices: Relations},
		{Name: "profession", Kind: FieldChoice, Choices: Professions},
		{Name: "education", Kind: FieldChoice, Choices: Educations},
		ref("hf_id", "health-facilities", ""),
		{Name: "status", Kind: FieldChoice, Required: true, Default: InsureeActive, Listed: true, Filter: true,
			Choices: choices("choice.insuree_status", InsureeActive, InsureeInactive, InsureeDead)},
		date("status_date"),
		text("status_reason", 100),
		{Name: "vulnerability", Kind: FieldBool},
		{Name: "is_offline", Kind: FieldBool},
		computed(text("photo_file", 250)),
		computed(date("photo_date")),
	},
	Check: CheckInsureeStatus,
}

// CheckInsureeStatus requires the date and reason of a status other than active: the status
// date is the day an inactive or dead insuree loses cover.
func CheckInsureeStatus(v Values, p Problems) {
	if s := v.Text("status"); s != "" && s != InsureeActive {
		if v["status_date"] == nil {
			p.Add("status_date", "error.required")
		}
		if v["status_reason"] == nil {
			p.Add("status_reason", "error.required")
		}
	}
}

// futureDateKeys are the dates that record something that has happened (a birth, an enrolment,
// a payment), with the message refusing one that lies after today.
var futureDateKeys = map[string]string{"dob": "error.dob_future", "enroll_date": "error.enroll_date_future", "pay_date": "error.pay_date_future"}

// FutureDate returns the message refusing day d as the value of field when the field records
// something that has happened and d lies after today; "" otherwise.
func FutureDate(field string, d, today Date) string {
	if key, ok := futureDateKeys[field]; ok && d.After(today) {
		return key
	}
	return ""
}

// BirthDate returns the message refusing a birth date on day today (none given, before 1900 or
// after today), or "".
func BirthDate(dob, today Date) string {
	switch {
	case dob.IsZero():
		return "error.required"
	case dob.Time().Year() < 1900:
		return "error.date_range"
	}
	return FutureDate("dob", dob, today)
}

// Policies are a family's cover under one product for one period; the server computes their
// dates, value and status from the product and the family.
var Policies = &Register{
	Name: "policies", Table: "policies", Code: "head_chfid", Title: "product_code", WireID: true, Large: true,
	Rights: CRUDRights{RightPolicySearch, RightPolicyAdd, RightPolicyEdit, RightPolicyDelete},
	Scope:  Scope{Kind: ScopeDistrict, Column: "district_id"},
	Order:  "enroll_date DESC, head_chfid",
	Fields: []Field{
		computed(listed(text("head_chfid", 50))),
		computed(listed(text("product_code", 8))),
		{Name: "family_id", Kind: FieldRef, Ref: "families", Required: true, Immutable: true, Filter: true},
		{Name: "product_id", Kind: FieldRef, Ref: "products", Required: true, Filter: true},
		filtered(required(ref("officer_id", "officers", ""))),
		listed(required(date("enroll_date"))),
		computed(Field{Name: "stage", Kind: FieldChoice, Listed: true, Choices: choices("choice.policy_stage", StageNew, StageRenewal)}),
		computed(Field{Name: "status", Kind: FieldInt, Listed: true, Filter: true, Choices: PolicyStatuses}),
		computed(listed(money("value"))),
		computed(listed(date("start_date"))),
		computed(date("effective_date")),
		computed(listed(date("expiry_date"))),
		computed(ref("previous_id", "policies", "")),
		computed(count("renewal_order")),
		{Name: "is_offline", Kind: FieldBool},
	},
}

// Contributions (premiums) are payments towards a policy; receipts are unique per product.
var Contributions = &Register{
	Name: "contributions", Table: "premiums", Code: "receipt", Title: "head_chfid", WireID: true,
	Rights: CRUDRights{RightContributionSearch, RightContributionAdd, RightContributionEdit, RightContributionDelete},
	Scope:  Scope{Kind: ScopeDistrict, Column: "district_id"},
	Order:  "pay_date DESC, receipt",
	Fields: []Field{
		{Name: "policy_id", Kind: FieldRef, Ref: "policies", Required: true, Immutable: true, Filter: true},
		{Name: "payer_id", Kind: FieldRef, Ref: "payers", Filter: true},
		{Name: "amount", Kind: FieldMoney, Required: true, Min: ptr(1), Listed: true},
		{Name: "receipt", Kind: FieldText, MaxLen: 50, Required: true, Listed: true, Filter: true},
		listed(required(date("pay_date"))),
		{Name: "pay_type", Kind: FieldChoice, Required: true, Default: "C", Listed: true, Choices: PayTypes},
		{Name: "is_photo_fee", Kind: FieldBool},
		{Name: "is_offline", Kind: FieldBool},
		computed(listed(text("head_chfid", 50))),
	},
}
