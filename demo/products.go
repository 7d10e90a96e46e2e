package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/openimis-go/openimis"
)

// product is a created insurance product with the terms that price its policies, read back from
// the database so that the enrolment data is priced exactly as the server would price it.
type product struct {
	id              imis.ID
	code            string
	terms           imis.PolicyTerms
	maxInstallments int
	region          *region   // regional product; nil otherwise
	district        *district // district product; nil otherwise
}

// place is a region as the payer rule sees it.
func (r *region) place() imis.Place { return imis.Place{ID: r.id, Type: imis.LocationRegion} }

// place is a district as the payer rule sees it.
func (d *district) place() imis.Place {
	return imis.Place{ID: d.id, Type: imis.LocationDistrict, Parent: d.region.id}
}

// place is where the product is kept: its district or region, national otherwise.
func (p *product) place() imis.Place {
	switch {
	case p.district != nil:
		return p.district.place()
	case p.region != nil:
		return p.region.place()
	}
	return imis.Place{}
}

// availableIn reports whether families of district d may buy the product (§3.6).
func (p *product) availableIn(d *district) bool {
	return imis.ProductOfferedIn(p.place().ID, d.id, d.region.id)
}

// productPlan is one demo product: its form fields and how it treats medicines and services.
type productPlan struct {
	raw      map[string]string
	region   *region
	district *district
	cover    func(rng *rand.Rand, line map[string]string, price int64, service *catalogService)
}

// insuranceProducts creates the demo scheme's three products: a national per-member product sold
// all year round, a regional family product with a lump sum and two cycles, and a district
// product that limits what a policy pays out and converts into the national product when it ends.
// Every product covers the whole tariff, with waiting periods, quantity limits and fixed-amount
// limits on a few lines.
func (b *builder) insuranceProducts() error {
	if b.opts.Families <= 0 {
		return nil // products come with the enrolled population; see Options.Families
	}
	today := b.db.Today().Time()
	from := imis.NewDate(today.Year()-2, 1, 1).String()
	until := imis.NewDate(today.Year()+2, 12, 31).String()
	region := b.regions[0]
	district := b.districts[len(b.districts)-1]
	if len(b.regions) > 1 {
		district = b.regions[1].districts[0]
	}
	plans := []productPlan{
		{raw: map[string]string{
			"code": "NBC01", "name": "National Basic Cover", "date_from": from, "date_to": until,
			"insurance_period": "12", "max_members": "8", "max_installments": "3",
			"premium_adult": money(1000000), "premium_child": money(500000),
			"registration_fee": money(100000), "general_assembly_fee": money(50000),
			"grace_period": "0", "grace_period_payment": "3", "grace_period_renewal": "1",
			"renewal_discount_perc": "5", "renewal_discount_period": "1",
			"ceiling_type": "I", "ded_insuree": money(200000), "max_ip_insuree": money(100000000), "max_op_insuree": money(30000000),
			"max_no_consultation": "12", "max_no_hospitalization": "3", "max_amount_delivery": money(15000000),
			"acc_code_premiums": "4100-NBC", "acc_code_remuneration": "5100-NBC",
		}, cover: nationalCover},
		{raw: map[string]string{
			"code": "RFC01", "name": region.name + " Family Cover", "location_id": region.id.String(), "date_from": from, "date_to": until,
			"insurance_period": "12", "max_members": "10", "threshold": "4", "max_installments": "4",
			"start_cycle_1": "01-01", "start_cycle_2": "01-07", "grace_period": "2", "grace_period_renewal": "2",
			"lump_sum": money(3000000), "premium_adult": money(900000), "premium_child": money(400000),
			"registration_lump_sum": money(200000), "general_assembly_lump_sum": money(100000),
			"enrolment_discount_perc": "10", "enrolment_discount_period": "1",
			"renewal_discount_perc": "10", "renewal_discount_period": "1",
			"ceiling_type": "T", "ceiling_interpretation": "H",
			"ded_treatment": money(50000), "max_ip_treatment": money(40000000), "max_op_treatment": money(5000000),
			"max_no_antenatal": "8", "max_no_delivery": "1",
			"acc_code_premiums": "4100-RFC", "acc_code_remuneration": "5100-RFC",
		}, region: region, cover: regionalCover},
		{raw: map[string]string{
			"code": "DPC01", "name": district.name + " District Plus", "location_id": district.id.String(),
			"date_from": from, "date_to": imis.NewDate(today.Year(), 12, 31).String(),
			"insurance_period": "12", "administration_period": "1", "max_members": "6", "threshold": "4", "max_installments": "2",
			"premium_adult": money(800000), "premium_child": money(400000),
			"registration_fee": money(50000), "general_assembly_lump_sum": money(150000),
			"grace_period": "0", "grace_period_payment": "2", "grace_period_renewal": "1",
			"ceiling_type": "P", "ded_policy": money(500000),
			"max_ip_policy": money(200000000), "max_op_policy": money(50000000),
			"max_policy_extra_member_ip": money(20000000), "max_policy_extra_member_op": money(5000000),
			"max_ceiling_policy_ip": money(300000000), "max_ceiling_policy_op": money(80000000),
			"max_no_surgery": "2", "max_amount_surgery": money(150000000),
			"acc_code_premiums": "4100-DPC", "acc_code_remuneration": "5100-DPC",
		}, district: district, cover: districtCover},
	}
	b.progress(0, len(plans))
	for i, pl := range plans {
		if pl.district != nil {
			// The district scheme merges into the national product when its sales window closes.
			pl.raw["conversion_product_id"] = b.products[0].id.String()
		}
		items := make(rows, len(b.itemRefs))
		for k, ref := range b.itemRefs {
			items[k] = map[string]string{"item_id": ref.id.String()}
			pl.cover(b.rng, items[k], ref.price, nil)
		}
		services := make(rows, len(b.serviceRef))
		for k, ref := range b.serviceRef {
			services[k] = map[string]string{"service_id": ref.id.String()}
			pl.cover(b.rng, services[k], ref.price, &catalogServices[k])
		}
		id, err := b.create(imis.Products, pl.raw, map[string]rows{"items": items, "services": services}, nil)
		if err != nil {
			return err
		}
		rec, err := b.db.FindByID(b.ctx, imis.Products, id)
		if err != nil {
			return fmt.Errorf("demo: product %s: %w", pl.raw["code"], err)
		}
		maxInst := rec.Values.Int("max_installments")
		b.products = append(b.products, &product{id: id, code: pl.raw["code"], terms: imis.TermsOf(rec.Values),
			maxInstallments: int(maxInst), region: pl.region, district: pl.district})
		b.sum.Products++
		b.progress(i+1, len(plans))
	}
	return nil
}

// percentText renders a co-insurance percentage as the form's two-decimal text.
func percentText(p int) string { return imis.FormatFixed(int64(p)*100, 2) }

// fixedLimit is a fixed-amount limit of about 80% of the tariff, in whole currency units.
func fixedLimit(price int64) string { return money(max(100, price*8/10/100*100)) }

// nationalCover: the national product pays the tariff in full, with a fixed-amount limit on
// the most expensive lines, waiting periods before surgery and deliveries, and quantity limits
// on a few medicines.
func nationalCover(rng *rand.Rand, line map[string]string, price int64, s *catalogService) {
	switch {
	case price >= 5000000:
		line["limitation_type"] = "F"
		line["limit_adult"], line["limit_child"] = fixedLimit(price), fixedLimit(price)
	case s == nil && rng.IntN(100) < 8:
		line["limit_no_adult"], line["limit_no_child"] = "30", "15"
	}
	if s != nil {
		switch s.Category {
		case 'S':
			line["waiting_period_adult"], line["waiting_period_child"] = "3", "3"
		case 'D':
			line["waiting_period_adult"] = "9"
		case 'C':
			line["limit_no_adult"], line["limit_no_child"] = "12", "12"
		}
	}
}

// regionalCover: the family product pays 90% of consultations and other services, in full for
// antenatal care and deliveries, and excludes a few medicines from the hospital ceiling.
func regionalCover(rng *rand.Rand, line map[string]string, price int64, s *catalogService) {
	if s == nil {
		if rng.IntN(100) < 5 {
			line["limitation_type"] = "F"
			line["limit_adult"], line["limit_child"] = fixedLimit(price), fixedLimit(price)
		}
		if rng.IntN(100) < 4 {
			line["ceiling_exclusion_adult"], line["ceiling_exclusion_child"] = "H", "H"
		}
		return
	}
	switch s.Category {
	case 'A':
		line["limit_no_adult"] = "8"
	case 'D':
		line["waiting_period_adult"] = "10"
		line["limit_no_adult"] = "1"
	case 'S':
		line["waiting_period_adult"], line["waiting_period_child"] = "6", "6"
		line["limit_adult"], line["limit_child"] = percentText(80), percentText(100)
	default:
		line["limit_adult"], line["limit_child"] = percentText(90), percentText(100)
	}
}

// districtCover: the district product pays half of what a hospital provides without a referral
// and all of it with a referral or in an emergency; some medicines have a fixed-amount limit.
func districtCover(rng *rand.Rand, line map[string]string, price int64, s *catalogService) {
	if s == nil {
		switch n := rng.IntN(100); {
		case n < 6:
			line["limitation_type"] = "F"
			line["limit_adult"], line["limit_child"] = fixedLimit(price), fixedLimit(price)
		case n < 12:
			line["limit_no_adult"], line["limit_no_child"] = "20", "10"
		case n < 15:
			line["waiting_period_adult"], line["waiting_period_child"] = "2", "2"
		}
		return
	}
	if s.MinLevel == 'H' {
		line["limit_adult"], line["limit_child"] = percentText(50), percentText(50)
		line["limitation_type_r"], line["limit_adult_r"], line["limit_child_r"] = "C", percentText(100), percentText(100)
		line["limitation_type_e"], line["limit_adult_e"], line["limit_child_e"] = "C", percentText(100), percentText(100)
	}
	if s.Category == 'S' {
		line["waiting_period_adult"], line["waiting_period_child"] = "3", "3"
	}
}
