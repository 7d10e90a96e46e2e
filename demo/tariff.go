package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
)

// frequencyRule sets the minimum number of days between two deliveries of the same medicine or
// service to one insuree, for the few where a repeat within that time is a sign of a wrong claim.
type frequencyRule struct {
	contains string // lower-case part of the name
	days     int
}

var itemFrequencies = []frequencyRule{
	{"medroxyprogesterone", 84},
	{"implant", 1095},
	{"intrauterine device", 1825},
}

var serviceFrequencies = []frequencyRule{
	{"antenatal care first visit", 280},
	{"cervical cancer screening", 365},
	{"glycated haemoglobin", 90},
	{"lipid profile", 180},
	{"refraction and spectacle", 365},
	{"implant insertion", 1095},
	{"intrauterine device insertion", 1825},
	{"injectable contraceptive", 84},
}

// frequency returns the days of the first rule matching name, or "" (no limit), which covers
// consultations and everything else a patient may need again at any time.
func frequency(rules []frequencyRule, name string) string {
	lower := strings.ToLower(name)
	for _, r := range rules {
		if strings.Contains(lower, r.contains) {
			return strconv.Itoa(r.days)
		}
	}
	return ""
}

// items creates the medicines and consumables of catalogMedicines, coded I0001, I0002, ...
func (b *builder) items() error {
	b.progress(0, len(catalogMedicines))
	for i, m := range catalogMedicines {
		raw := map[string]string{
			"code": fmt.Sprintf("I%04d", i+1), "name": m.Name, "type": string(m.Type), "package": m.Package,
			"price": money(m.Price), "care_type": string(m.CareType), "patient_category": strconv.Itoa(m.PatientCategory),
			"frequency": frequency(itemFrequencies, m.Name),
		}
		id, err := b.create(imis.Items, raw, nil, nil)
		if err != nil {
			return err
		}
		b.itemRefs = append(b.itemRefs, tariffRef{id: id, price: m.Price})
		b.sum.Items++
		b.progress(i+1, len(catalogMedicines))
	}
	return nil
}

// services creates the medical services of catalogServices, coded S0001, S0002, ...
func (b *builder) services() error {
	b.progress(0, len(catalogServices))
	for i, s := range catalogServices {
		raw := map[string]string{
			"code": fmt.Sprintf("S%04d", i+1), "name": s.Name, "type": string(s.Type), "category": string(s.Category),
			"level": string(s.Level), "price": money(s.Price), "care_type": string(s.CareType),
			"patient_category": strconv.Itoa(s.PatientCategory), "package_type": "S",
			"frequency": frequency(serviceFrequencies, s.Name),
		}
		id, err := b.create(imis.Services, raw, nil, nil)
		if err != nil {
			return err
		}
		b.serviceRef = append(b.serviceRef, tariffRef{id: id, price: s.Price})
		b.sum.Services++
		b.progress(i+1, len(catalogServices))
	}
	return nil
}

// diagnoses creates the ICD-10 categories of catalogDiagnoses under their own codes.
func (b *builder) diagnoses() error {
	b.progress(0, len(catalogDiagnoses))
	for i, d := range catalogDiagnoses {
		if _, err := b.create(imis.Diagnoses, map[string]string{"code": d.Code, "name": d.Name}, nil, nil); err != nil {
			return err
		}
		b.sum.Diagnoses++
		b.progress(i+1, len(catalogDiagnoses))
	}
	return nil
}

// overrule returns a district's negotiated price for about one line in five: the tariff moved up
// or down by 5 to 15 percent and rounded to whole currency units. Other lines stay empty and use
// the tariff.
func overrule(rng *rand.Rand, tariff int64) string {
	if rng.IntN(100) >= 20 {
		return ""
	}
	pct := int64(5 + rng.IntN(11))
	sign := int64(1)
	if rng.IntN(2) == 0 {
		sign = -1
	}
	p := tariff * (100 + sign*pct) / 100
	p = (p + 50) / 100 * 100
	if p == tariff {
		p += sign * 100
	}
	if p <= 0 {
		p = tariff + 100
	}
	return money(p)
}

// priceLists creates an item and a service price list for each district, listing the whole
// tariff with some prices overruled, and a national pair that keeps the tariff unchanged.
func (b *builder) priceLists() error {
	total := 2*len(b.districts) + 2
	done := 0
	b.progress(done, total)
	save := func(reg *imis.Register, name string, location imis.ID, refField string, tariff []tariffRef, overrides bool) (imis.ID, error) {
		details := make(rows, len(tariff))
		for i, t := range tariff {
			row := map[string]string{refField: t.id.String()}
			if overrides {
				row["price_overrule"] = overrule(b.rng, t.price)
			}
			details[i] = row
		}
		raw := map[string]string{"name": name, "date": "2026-01-01"}
		if location != imis.NilID {
			raw["location_id"] = location.String()
		}
		id, err := b.create(reg, raw, map[string]rows{"details": details}, nil)
		if err != nil {
			return imis.NilID, err
		}
		b.sum.PriceLists++
		done++
		b.progress(done, total)
		return id, nil
	}
	var err error
	for _, d := range b.districts {
		if d.itemPL, err = save(imis.ItemPriceLists, d.name+" items 2026", d.id, "item_id", b.itemRefs, true); err != nil {
			return err
		}
		if d.servPL, err = save(imis.ServicePriceLists, d.name+" services 2026", d.id, "service_id", b.serviceRef, true); err != nil {
			return err
		}
	}
	if _, err := save(imis.ItemPriceLists, "National items 2026", imis.NilID, "item_id", b.itemRefs, false); err != nil {
		return err
	}
	_, err = save(imis.ServicePriceLists, "National services 2026", imis.NilID, "service_id", b.serviceRef, false)
	return err
}
