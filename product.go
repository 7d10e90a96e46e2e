package imis

import (
	"fmt"
	"strings"
)

// Rights of the product register.
const (
	RightProductAdd       Right = 121002
	RightProductEdit      Right = 121003
	RightProductDelete    Right = 121004
	RightProductDuplicate Right = 121005
)

// ceilingGroups are the three families of deductible and ceiling columns, one per ceiling type
// (per insuree, per treatment, per policy), each with a general value and a hospital (IP) and
// non-hospital (OP) split.
var ceilingGroups = map[string]string{"I": "insuree", "T": "treatment", "P": "policy"}

func productMoneyFields() []Field {
	var out []Field
	for _, g := range []string{"insuree", "treatment", "policy"} {
		for _, kind := range []string{"ded", "max"} {
			for _, split := range []string{"", "ip_", "op_"} {
				out = append(out, money(kind+"_"+split+g))
			}
		}
	}
	for _, f := range []string{"max_policy_extra_member", "max_policy_extra_member_ip", "max_policy_extra_member_op",
		"max_ceiling_policy", "max_ceiling_policy_ip", "max_ceiling_policy_op"} {
		out = append(out, money(f))
	}
	for _, c := range []string{"consultation", "surgery", "delivery", "hospitalization", "antenatal"} {
		out = append(out, count("max_no_"+c), money("max_amount_"+c))
	}
	return append(out, count("max_no_visits"))
}

func percent(name string) Field {
	return Field{Name: name, Kind: FieldDecimal, Scale: 2, Min: zero, Max: ptr(10000)}
}

func coverLines(name, table, ref, register string) ChildSet {
	limitation := func(n string) Field {
		return Field{Name: n, Kind: FieldChoice, Choices: choices("choice.limitation", "C", "F")}
	}
	limit := func(n string) Field { return Field{Name: n, Kind: FieldDecimal, Scale: 2, Min: zero} }
	exclusion := func(n string) Field { return choice(n, "choice.ceiling_exclusion", "H", "N", "B") }
	plain := limitation("limitation_type")
	plain.Required, plain.Default = true, "C"
	adult, child := limit("limit_adult"), limit("limit_child")
	adult.Default, child.Default = int64(10000), int64(10000)
	origin := Field{Name: "price_origin", Kind: FieldChoice, Required: true, Default: "P", Choices: choices("choice.price_origin", "P", "O", "R")}
	return ChildSet{
		Name: name, Table: table, Unique: ref,
		Fields: []Field{
			required(Field{Name: ref, Kind: FieldRef, Ref: register}),
			origin, plain, limitation("limitation_type_r"), limitation("limitation_type_e"),
			adult, child, limit("limit_adult_r"), limit("limit_child_r"), limit("limit_adult_e"), limit("limit_child_e"),
			count("waiting_period_adult"), count("waiting_period_child"), count("limit_no_adult"), count("limit_no_child"),
			exclusion("ceiling_exclusion_adult"), exclusion("ceiling_exclusion_child"),
		},
		Check: checkCoverLine,
	}
}

// checkCoverLine keeps co-insurance percentages within 0..100 for each visit type.
func checkCoverLine(v Values, p Problems) {
	for _, suffix := range []string{"", "_r", "_e"} {
		kind := v.Text("limitation_type" + suffix)
		if suffix != "" && kind == "" {
			kind = v.Text("limitation_type")
		}
		if kind != "C" {
			continue
		}
		for _, who := range []string{"limit_adult", "limit_child"} {
			if n, ok := v[who+suffix].(int64); ok && n > 10000 {
				p.Add(who+suffix, "error.max", "100.00")
			}
		}
	}
}

// opens marks f as the first field of a section of the form and the record page.
func opens(section string, f Field) Field {
	f.Section = section
	return f
}

// Products are the insurance products (benefit packages): what a policy costs, how long it runs,
// what it covers and up to which limits.
var Products = &Register{
	Name: "products", Table: "products", Code: "code", Title: "name", WireID: true,
	Rights: CRUDRights{RightProductSearch, RightProductAdd, RightProductEdit, RightProductDelete},
	Scope:  Scope{Kind: ScopeArea, Column: "location_id"},
	Order:  "code",
	Fields: append(append([]Field{
		opens("section.product.identity", code(8)),
		filtered(required(text("name", 100))),
		filtered(ref("location_id", "locations", "RD")),
		listed(required(date("date_from"))), listed(required(date("date_to"))),
		ref("conversion_product_id", "products", ""),
		opens("section.product.period", Field{Name: "insurance_period", Kind: FieldInt, Required: true, Min: ptr(1), Max: ptr(240)}),
		count("administration_period"),
		{Name: "max_members", Kind: FieldInt, Required: true, Min: ptr(1), Max: ptr(10000)},
		count("threshold"), count("recurrence"), count("max_installments"),
		opens("section.product.contributions", text("acc_code_premiums", 25)), text("acc_code_remuneration", 25),
		{Name: "lump_sum", Kind: FieldMoney, Min: zero, Required: true, Default: int64(0)},
		money("premium_adult"), money("premium_child"),
		money("registration_lump_sum"), money("registration_fee"),
		money("general_assembly_lump_sum"), money("general_assembly_fee"),
		{Name: "enrolment_discount_perc", Kind: FieldInt, Min: zero, Max: ptr(100)}, count("enrolment_discount_period"),
		{Name: "renewal_discount_perc", Kind: FieldInt, Min: zero, Max: ptr(100)}, count("renewal_discount_period"),
		{Name: "grace_period", Kind: FieldInt, Required: true, Min: zero, Default: int64(0)},
		count("grace_period_renewal"), count("grace_period_payment"),
		text("start_cycle_1", 5), text("start_cycle_2", 5), text("start_cycle_3", 5), text("start_cycle_4", 5),
		opens("section.product.limits", choice("ceiling_type", "choice.ceiling_type", "I", "T", "P")),
		{Name: "ceiling_interpretation", Kind: FieldChoice, Required: true, Default: "I", Choices: choices("choice.ceiling_interpretation", "I", "H")},
	}, productMoneyFields()...),
		opens("section.product.distribution", choice("period_rel_prices", "choice.rel_period", "M", "Q", "Y")),
		choice("period_rel_prices_op", "choice.rel_period", "M", "Q", "Y"),
		choice("period_rel_prices_ip", "choice.rel_period", "M", "Q", "Y"),
		choice("level_1", "choice.hf_level", "D", "C", "H"), choice("sublevel_1", "choice.hf_sublevel", "I", "N", "R"),
		choice("level_2", "choice.hf_level", "D", "C", "H"), choice("sublevel_2", "choice.hf_sublevel", "I", "N", "R"),
		choice("level_3", "choice.hf_level", "D", "C", "H"), choice("sublevel_3", "choice.hf_sublevel", "I", "N", "R"),
		choice("level_4", "choice.hf_level", "D", "C", "H"), choice("sublevel_4", "choice.hf_sublevel", "I", "N", "R"),
		percent("share_contribution"),
		percent("weight_population"), percent("weight_number_families"), percent("weight_insured_population"),
		percent("weight_number_insured_families"), percent("weight_number_visits"), percent("weight_adjusted_amount"),
	),
	Children: []ChildSet{
		coverLines("items", "product_items", "item_id", "items"),
		coverLines("services", "product_services", "service_id", "services"),
		{
			Name: "distribution", Table: "product_distributions",
			Fields: []Field{
				required(choice("distr_type", "choice.distr_type", "1", "4", "12")),
				required(choice("care_type", "choice.care_type", "B", "I", "O")),
				{Name: "period", Kind: FieldInt, Required: true, Min: ptr(1), Max: ptr(12)},
				required(percent("perc")),
			},
		},
	},
	Check: checkProduct,
}

// checkProduct applies the product rules of insurance-domain §3.6 that concern one record.
func checkProduct(v Values, p Problems) {
	checkPeriod(v, p, "date_from", "date_to")
	prev := -1
	for i := 1; i <= 4; i++ {
		name := fmt.Sprintf("start_cycle_%d", i)
		s, _ := v[name].(string)
		if s == "" {
			continue
		}
		day, month, err := ParseCycle(s)
		if err != nil {
			p.Add(name, "error.cycle")
			continue
		}
		if at := int(month)*100 + day; at <= prev {
			p.Add(name, "error.cycle_order")
		} else {
			prev = at
		}
	}
	checkCeilings(v, p)
	if th := v.Int("threshold"); th > 0 {
		if mm, ok := v["max_members"].(int64); ok && th > mm {
			p.Add("threshold", "error.threshold_above_max")
		}
	}
	var weights int64
	set := false
	for _, w := range []string{"weight_population", "weight_number_families", "weight_insured_population",
		"weight_number_insured_families", "weight_number_visits", "weight_adjusted_amount"} {
		if n, ok := v[w].(int64); ok {
			weights += n
			set = true
		}
	}
	if set && weights != 10000 {
		p.Add("weight_population", "error.weights_sum")
	}
}

// checkCeilings allows deductibles and ceilings of one ceiling type only, and within it either a
// general value or the hospital / non-hospital split, not both.
func checkCeilings(v Values, p Problems) {
	typ := v.Text("ceiling_type")
	for t, group := range ceilingGroups {
		for _, kind := range []string{"ded", "max"} {
			general := kind + "_" + group
			split := []string{kind + "_ip_" + group, kind + "_op_" + group}
			if v[general] != nil && (v[split[0]] != nil || v[split[1]] != nil) {
				p.Add(general, "error.ceiling_general_and_split")
			}
			for _, f := range append(split, general) {
				if v[f] != nil && typ != t {
					p.Add(f, "error.ceiling_type_mismatch", strings.ToUpper(t))
				}
			}
		}
	}
}

// TermsOf reads the pricing and period settings of a stored product.
func TermsOf(v Values) PolicyTerms {
	n := func(k string) int { return int(v.Int(k)) }
	m := v.Money
	t := PolicyTerms{
		InsurancePeriod: n("insurance_period"), AdministrationPeriod: n("administration_period"),
		GracePeriod: n("grace_period"), GracePeriodRenewal: n("grace_period_renewal"), GracePeriodPayment: n("grace_period_payment"),
		MaxMembers: n("max_members"), Threshold: n("threshold"),
		LumpSum: m("lump_sum"), PremiumAdult: m("premium_adult"), PremiumChild: m("premium_child"),
		RegistrationLumpSum: m("registration_lump_sum"), RegistrationFee: m("registration_fee"),
		AssemblyLumpSum: m("general_assembly_lump_sum"), AssemblyFee: m("general_assembly_fee"),
		EnrolmentDiscountPct: n("enrolment_discount_perc"), EnrolmentDiscountMon: n("enrolment_discount_period"),
		RenewalDiscountPct: n("renewal_discount_perc"), RenewalDiscountMon: n("renewal_discount_period"),
	}
	for i := 1; i <= 4; i++ {
		if s := v.Text(fmt.Sprintf("start_cycle_%d", i)); s != "" {
			t.StartCycles = append(t.StartCycles, s)
		}
	}
	return t
}
