package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
)

// facility is a created health facility, which claim administrators are attached to.
type facility struct {
	id       imis.ID
	code     string
	name     string
	district *district
}

// legalForm is mostly government, with some charitable and private providers.
func legalForm(rng *rand.Rand) string {
	switch n := rng.IntN(100); {
	case n < 70:
		return "G"
	case n < 85:
		return "C"
	}
	return "P"
}

// catchmentRows gives each village of the wards the facility's share of its population, drawn
// between lo and hi percent.
func catchmentRows(rng *rand.Rand, villages []*village, lo, hi int) rows {
	out := make(rows, len(villages))
	for i, v := range villages {
		out[i] = map[string]string{"location_id": v.id.String(), "catchment": strconv.Itoa(lo + rng.IntN(hi-lo+1))}
	}
	return out
}

// facilities creates, in every district, a referral hospital serving the whole district, a health
// centre serving one or two wards and a dispensary serving its own ward, all priced by the
// district's price lists.
func (b *builder) facilities() error {
	total := 3 * len(b.districts)
	b.progress(0, total)
	for _, d := range b.districts {
		hcWard := b.rng.IntN(len(d.wards))
		dispWard := hcWard
		if len(d.wards) > 1 {
			dispWard = (hcWard + 1 + b.rng.IntN(len(d.wards)-1)) % len(d.wards)
		}
		hcVillages := d.wards[hcWard].villages
		if len(d.wards) > 1 && b.rng.IntN(2) == 0 {
			extra := (hcWard + 1 + b.rng.IntN(len(d.wards)-1)) % len(d.wards)
			hcVillages = append(append([]*village(nil), hcVillages...), d.wards[extra].villages...)
		}
		dispVillage := pick(b.rng, d.wards[dispWard].villages)
		plans := []struct {
			name, level, subLevel, care string
			catchment                   rows
		}{
			{d.name + " District Hospital", "H", "R", "B", catchmentRows(b.rng, d.villages(), 10, 30)},
			{d.wards[hcWard].name + " Health Centre", "C", "N", "B", catchmentRows(b.rng, hcVillages, 50, 80)},
			{dispVillage.name + " Dispensary", "D", "N", "O", catchmentRows(b.rng, d.wards[dispWard].villages, 100, 100)},
		}
		for k, p := range plans {
			code := fmt.Sprintf("HF%02d%02d", d.num, k+1)
			raw := map[string]string{
				"code": code, "name": p.name, "acc_code": fmt.Sprintf("ACC-%02d-%02d", d.num, k+1),
				"legal_form": legalForm(b.rng), "level": p.level, "sub_level": p.subLevel, "location_id": d.id.String(),
				"address": fmt.Sprintf("P.O. Box %d, %s", 1+b.rng.IntN(999), d.name), "phone": phone(b.rng),
				"email": emailFor(p.name), "care_type": p.care,
				"items_pricelist_id": d.itemPL.String(), "services_pricelist_id": d.servPL.String(),
				"contract_start": "2026-01-01", "contract_end": "2026-12-31",
			}
			if p.level == "H" {
				raw["fax"] = phone(b.rng)
			}
			id, err := b.create(imis.HealthFacilities, raw, map[string]rows{"catchments": p.catchment}, nil)
			if err != nil {
				return err
			}
			f := &facility{id: id, code: code, name: p.name, district: d}
			d.hfs = append(d.hfs, f)
			b.hfs = append(b.hfs, f)
			b.sum.HealthFacilities++
			b.progress(len(b.hfs), total)
		}
	}
	return nil
}

// payerType infers the kind of contributor from its name: councils are local authorities, health
// baskets government, co-operatives, trusts and foundations donors, companies private.
func payerType(name string) string {
	lower := strings.ToLower(name)
	switch {
	case strings.Contains(lower, "council"):
		return "L"
	case strings.Contains(lower, "regional") || strings.Contains(lower, "ministry"):
		return "G"
	case strings.Contains(lower, "cooperative") || strings.Contains(lower, "co-operative"):
		return "C"
	case strings.Contains(lower, "foundation") || strings.Contains(lower, "trust"):
		return "D"
	case strings.Contains(lower, "limited") || strings.Contains(lower, "company"):
		return "P"
	}
	return "O"
}

// payers creates the contributors of catalogPayerNames. A payer named after a district or region
// pays there; donors are national; the others are placed at random nationally, on a region or on
// a district.
func (b *builder) payers() error {
	b.progress(0, len(catalogPayerNames))
	for i, name := range catalogPayerNames {
		typ := payerType(name)
		var loc imis.ID
		place := ""
		for _, r := range b.regions {
			if strings.HasPrefix(name, r.name+" ") {
				loc, place = r.id, r.name
			}
			for _, d := range r.districts {
				if strings.HasPrefix(name, d.name+" ") {
					loc, place = d.id, d.name
				}
			}
		}
		if loc == imis.NilID && typ != "D" && typ != "G" {
			switch b.rng.IntN(3) {
			case 1:
				r := pick(b.rng, b.regions)
				loc, place = r.id, r.name
			case 2:
				d := pick(b.rng, b.districts)
				loc, place = d.id, d.name
			}
		}
		if place == "" {
			place = b.districts[0].name
		}
		raw := map[string]string{
			"name": name, "type": typ, "address": fmt.Sprintf("P.O. Box %d, %s", 1+b.rng.IntN(999), place),
			"phone": phone(b.rng), "email": emailFor(name),
		}
		if loc != imis.NilID {
			raw["location_id"] = loc.String()
		}
		if _, err := b.create(imis.Payers, raw, nil, nil); err != nil {
			return err
		}
		b.sum.Payers++
		b.progress(i+1, len(catalogPayerNames))
	}
	return nil
}
