package imis

// Location types, in hierarchy order.
const (
	LocationRegion   = "R"
	LocationDistrict = "D"
	LocationWard     = "W"
	LocationVillage  = "V"
)

// ParentLevel returns the location type a location of type t hangs under ("" for regions).
func ParentLevel(t string) string {
	switch t {
	case LocationDistrict:
		return LocationRegion
	case LocationWard:
		return LocationDistrict
	case LocationVillage:
		return LocationWard
	}
	return ""
}

func choices(prefix string, codes ...string) []Choice {
	out := make([]Choice, len(codes))
	for i, c := range codes {
		out[i] = Choice{Code: c, Label: prefix + "." + c}
	}
	return out
}

var (
	careTypes       = choices("choice.care_type", "O", "I", "B")
	patientCategory = choices("choice.patient_category", "1", "2", "4", "8")
	zero            = ptr(0)
	hundred         = ptr(100)
)

func text(name string, maxLen int) Field { return Field{Name: name, Kind: FieldText, MaxLen: maxLen} }

func required(f Field) Field { f.Required = true; return f }

func listed(f Field) Field { f.Listed = true; return f }

func filtered(f Field) Field { f.Listed, f.Filter = true, true; return f }

func code(maxLen int) Field {
	return Field{Name: "code", Kind: FieldCode, MaxLen: maxLen, Required: true, Unique: true, Listed: true, Filter: true}
}

func choice(name, prefix string, codes ...string) Field {
	return Field{Name: name, Kind: FieldChoice, Choices: choices(prefix, codes...)}
}

func ref(name, register, levels string) Field {
	return Field{Name: name, Kind: FieldRef, Ref: register, Levels: levels}
}

func count(name string) Field { return Field{Name: name, Kind: FieldInt, Min: zero} }

func money(name string) Field { return Field{Name: name, Kind: FieldMoney, Min: zero} }

func date(name string) Field { return Field{Name: name, Kind: FieldDate} }

func email() Field { return Field{Name: "email", Kind: FieldEmail, MaxLen: 100} }

// Locations is the four-level location tree (region > district > ward > village) with the
// populations that capitation and indicators use.
var Locations = &Register{
	Name: "locations", Table: "locations", Code: "code", Title: "name", WireID: true,
	Rights: CRUDRights{RightLocationSearch, RightLocationAdd, RightLocationEdit, RightLocationDelete},
	Scope:  Scope{Kind: ScopeLocation},
	Order:  "code",
	Fields: []Field{
		code(8),
		filtered(required(text("name", 50))),
		{Name: "type", Kind: FieldChoice, Required: true, Immutable: true, Listed: true, Filter: true,
			Choices: choices("choice.location_type", LocationRegion, LocationDistrict, LocationWard, LocationVillage)},
		filtered(ref("parent_id", "locations", "RDW")),
		count("male_population"), count("female_population"), count("other_population"), count("families"),
	},
	Check: func(v Values, p Problems) {
		t := v.Text("type")
		if t == LocationRegion && v["parent_id"] != nil {
			p.Add("parent_id", "error.region_has_no_parent")
		}
		if t != LocationRegion && t != "" && v["parent_id"] == nil {
			p.Add("parent_id", "error.required")
		}
	},
}

// HealthFacilities are the providers whose claims the scheme pays, with their price lists and
// catchment villages.
var HealthFacilities = &Register{
	Name: "health-facilities", Table: "health_facilities", Code: "code", Title: "name", WireID: true,
	Rights: CRUDRights{RightHFSearch, RightHFAdd, RightHFEdit, RightHFDelete},
	Scope:  Scope{Kind: ScopeDistrict, Column: "location_id"},
	Order:  "code",
	Fields: []Field{
		code(8),
		filtered(required(text("name", 100))),
		text("acc_code", 25),
		required(choice("legal_form", "choice.legal_form", "C", "D", "G", "P")),
		filtered(required(choice("level", "choice.hf_level", "D", "C", "H"))),
		choice("sub_level", "choice.hf_sublevel", "I", "N", "R"),
		filtered(required(ref("location_id", "locations", LocationDistrict))),
		text("address", 100), text("phone", 50), text("fax", 50), email(),
		required(Field{Name: "care_type", Kind: FieldChoice, Choices: careTypes}),
		ref("items_pricelist_id", "item-pricelists", ""),
		ref("services_pricelist_id", "service-pricelists", ""),
		{Name: "offline", Kind: FieldBool},
		date("contract_start"), date("contract_end"),
		{Name: "status", Kind: FieldChoice, Required: true, Default: "AC", Listed: true,
			Choices: choices("choice.hf_status", "AC", "IN", "DE", "ID")},
	},
	Children: []ChildSet{{
		Name: "catchments", Table: "hf_catchments", Unique: "location_id",
		Fields: []Field{
			required(ref("location_id", "locations", LocationVillage)),
			{Name: "catchment", Kind: FieldInt, Required: true, Min: zero, Max: hundred},
		},
	}},
	Check: func(v Values, p Problems) {
		checkPeriod(v, p, "contract_start", "contract_end")
	},
}

// Items are medicines and medical consumables with their default tariff.
var Items = &Register{
	Name: "items", Table: "items", Code: "code", Title: "name", Large: true,
	Rights: CRUDRights{RightItemSearch, RightItemAdd, RightItemEdit, RightItemDelete},
	Order:  "code",
	Fields: []Field{
		code(6),
		filtered(required(text("name", 100))),
		filtered(required(choice("type", "choice.item_type", "D", "M"))),
		text("package", 255),
		listed(required(money("price"))),
		{Name: "quantity", Kind: FieldDecimal, Scale: 2, Min: zero},
		{Name: "maximum_amount", Kind: FieldDecimal, Scale: 2, Min: zero},
		{Name: "care_type", Kind: FieldChoice, Required: true, Choices: careTypes, Filter: true},
		{Name: "frequency", Kind: FieldInt, Min: zero, Max: ptr(32767)},
		{Name: "patient_category", Kind: FieldMask, Required: true, Default: int64(15), Choices: patientCategory},
	},
}

// Services are medical services with their default tariff and claim category.
var Services = &Register{
	Name: "services", Table: "services", Code: "code", Title: "name", Large: true,
	Rights: CRUDRights{RightServiceSearch, RightServiceAdd, RightServiceEdit, RightServiceDelete},
	Order:  "code",
	Fields: []Field{
		code(6),
		filtered(required(text("name", 100))),
		filtered(required(choice("type", "choice.service_type", "P", "C"))),
		filtered(choice("category", "choice.service_category", "S", "D", "A", "H", "C", "O", "V")),
		required(choice("level", "choice.service_level", "S", "V", "D", "H")),
		listed(required(money("price"))),
		{Name: "maximum_amount", Kind: FieldDecimal, Scale: 2, Min: zero},
		{Name: "care_type", Kind: FieldChoice, Required: true, Choices: careTypes, Filter: true},
		{Name: "frequency", Kind: FieldInt, Min: zero, Max: ptr(32767)},
		{Name: "patient_category", Kind: FieldMask, Required: true, Default: int64(15), Choices: patientCategory},
		{Name: "package_type", Kind: FieldChoice, Required: true, Default: "S", Choices: choices("choice.package_type", "S", "P", "F")},
		{Name: "manual_price", Kind: FieldBool},
	},
}

// Diagnoses are the ICD-10 codes a claim's diagnoses are chosen from.
var Diagnoses = &Register{
	Name: "diagnoses", Table: "diagnoses", Code: "code", Title: "name", Large: true,
	Rights: CRUDRights{RightDiagnosisUpload, RightDiagnosisUpload, RightDiagnosisUpload, RightDiagnosisUpload},
	Order:  "code",
	Fields: []Field{code(6), filtered(required(text("name", 255)))},
}

func priceList(name, table string, rights CRUDRights, child, childRef, childRegister string) *Register {
	return &Register{
		Name: name, Table: table, Title: "name", Code: "name",
		Rights: rights,
		Scope:  Scope{Kind: ScopeArea, Column: "location_id"},
		Order:  "name",
		Fields: []Field{
			{Name: "name", Kind: FieldText, MaxLen: 100, Required: true, Unique: true, Listed: true, Filter: true},
			listed(required(date("date"))),
			filtered(ref("location_id", "locations", "RD")),
		},
		Children: []ChildSet{{
			Name: "details", Table: child, Unique: childRef,
			Fields: []Field{
				required(ref(childRef, childRegister, "")),
				money("price_overrule"),
			},
		}},
	}
}

// ItemPriceLists and ServicePriceLists set, per region or district, prices that override the
// item's or service's own tariff at the facilities that use them.
var (
	ItemPriceLists = priceList("item-pricelists", "item_pricelists",
		CRUDRights{RightItemPriceListSearch, RightItemPriceListAdd, RightItemPriceListEdit, RightItemPriceListDelete},
		"item_pricelist_details", "item_id", "items")
	ServicePriceLists = priceList("service-pricelists", "service_pricelists",
		CRUDRights{RightServicePriceListSearch, RightServicePriceListAdd, RightServicePriceListEdit, RightServicePriceListDelete},
		"service_pricelist_details", "service_id", "services")
)

// Payers are the bodies (government, donors, co-operatives, ...) that pay contributions for insurees.
var Payers = &Register{
	Name: "payers", Table: "payers", Title: "name", Code: "name", WireID: true,
	Rights: CRUDRights{RightPayerSearch, RightPayerAdd, RightPayerEdit, RightPayerDelete},
	Scope:  Scope{Kind: ScopeArea, Column: "location_id"},
	Order:  "name",
	Fields: []Field{
		filtered(required(text("name", 100))),
		filtered(required(choice("type", "choice.payer_type", "C", "D", "G", "L", "O", "P"))),
		text("address", 100),
		filtered(ref("location_id", "locations", "RD")),
		text("phone", 50), text("fax", 50), email(),
	},
}

func person() []Field {
	return []Field{
		code(8),
		filtered(required(text("last_name", 100))),
		listed(required(text("other_names", 100))),
		date("dob"),
		text("phone", 50),
		email(),
	}
}

// Officers are the enrolment officers who register families and sell policies in their villages.
var Officers = &Register{
	Name: "officers", Table: "officers", Code: "code", Title: "last_name", WireID: true,
	Rights: CRUDRights{RightOfficerSearch, RightOfficerAdd, RightOfficerEdit, RightOfficerDelete},
	Scope:  Scope{Kind: ScopeDistrict, Column: "location_id"},
	Order:  "code",
	Fields: append(person(),
		filtered(required(ref("location_id", "locations", LocationDistrict))),
		ref("substitution_id", "officers", ""),
		date("works_to"),
		text("veo_code", 8), text("veo_last_name", 100), text("veo_other_names", 100), date("veo_dob"), text("veo_phone", 50),
		Field{Name: "phone_communication", Kind: FieldBool},
		text("permanent_address", 100),
		Field{Name: "has_login", Kind: FieldBool, Listed: true},
	),
	Children: []ChildSet{{
		Name: "villages", Table: "officer_villages", Unique: "location_id",
		Fields: []Field{required(ref("location_id", "locations", LocationVillage))},
	}},
}

// ClaimAdmins are the facility staff who enter and submit their facility's claims.
var ClaimAdmins = &Register{
	Name: "claim-admins", Table: "claim_admins", Code: "code", Title: "last_name", WireID: true,
	Rights: CRUDRights{RightClaimAdminSearch, RightClaimAdminAdd, RightClaimAdminEdit, RightClaimAdminDelete},
	Scope:  Scope{Kind: ScopeViaHF, Column: "hf_id"},
	Order:  "code",
	Fields: append(person(),
		filtered(required(ref("hf_id", "health-facilities", ""))),
		Field{Name: "has_login", Kind: FieldBool, Listed: true},
	),
}

// Roles are named sets of rights; the twelve system roles are seeded and cannot be deleted.
var Roles = &Register{
	Name: "roles", Table: "roles", Code: "name", Title: "name", WireID: true,
	Rights: CRUDRights{RightRoleSearch, RightRoleAdd, RightRoleEdit, RightRoleDelete},
	Order:  "name",
	Fields: []Field{
		{Name: "name", Kind: FieldText, MaxLen: 50, Required: true, Unique: true, Listed: true, Filter: true},
		text("alt_name", 50),
		{Name: "blocked", Kind: FieldBool, Listed: true},
	},
	Children: []ChildSet{{
		Name: "rights", Table: "role_rights", Unique: "right_id",
		Fields: []Field{{Name: "right_id", Kind: FieldRight, Required: true, Min: ptr(100000), Max: ptr(999999)}},
	}},
}

// Users are the people who log in; their roles give rights and their districts scope them.
var Users = &Register{
	Name: "users", Table: "users", Code: "login", Title: "login", WireID: true,
	Rights: CRUDRights{RightUserSearch, RightUserAdd, RightUserEdit, RightUserDelete},
	Scope:  Scope{Kind: ScopeUser},
	Order:  "login",
	Fields: []Field{
		{Name: "login", Kind: FieldCode, MaxLen: 25, Required: true, Unique: true, Listed: true, Filter: true, Immutable: true},
		filtered(required(text("last_name", 100))),
		listed(required(text("other_names", 100))),
		text("phone", 50),
		email(),
		{Name: "language", Kind: FieldChoice, Required: true, Default: "en", Choices: choices("choice.language", "en", "fr")},
		ref("hf_id", "health-facilities", ""),
	},
	Children: []ChildSet{
		{Name: "roles", Table: "user_roles", Unique: "role_id", Fields: []Field{required(ref("role_id", "roles", ""))}},
		{Name: "districts", Table: "user_districts", Unique: "location_id", Fields: []Field{required(ref("location_id", "locations", LocationDistrict))}},
	},
}

// AllRegisters lists every register, in menu order.
var AllRegisters = []*Register{
	Locations, HealthFacilities, ItemPriceLists, ServicePriceLists, Items, Services, Diagnoses,
	Payers, Officers, ClaimAdmins, Users, Roles, Products,
	Families, Insurees, Policies, Contributions,
}

// RegisterByName returns the register with the given name, or nil.
func RegisterByName(name string) *Register {
	for _, r := range AllRegisters {
		if r.Name == name {
			return r
		}
	}
	return nil
}
