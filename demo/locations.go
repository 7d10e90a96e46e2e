package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/openimis-go/openimis"
)

// population is a location's census figures; a region's, district's or ward's are the sums of
// its villages', so that indicators add up at every level.
type population struct{ male, female, other, families int64 }

func (p *population) add(q population) {
	p.male += q.male
	p.female += q.female
	p.other += q.other
	p.families += q.families
}

// randomPopulation returns a plausible village: 300 to 3,000 people, slightly more women than
// men on average, a few of another gender, and 4.5 to 5.5 persons per family. Integer arithmetic
// keeps the figures identical on every platform.
func randomPopulation(rng *rand.Rand) population {
	total := int64(300 + rng.IntN(2701))
	other := int64(rng.IntN(int(total/200) + 1))
	rest := total - other
	male := rest * int64(470+rng.IntN(41)) / 1000
	perFamily := int64(45 + rng.IntN(11)) // tenths of a person
	return population{male: male, female: rest - male, other: other, families: (total*10 + perFamily/2) / perFamily}
}

type region struct {
	id        imis.ID
	code      string
	name      string
	pop       population
	districts []*district
}

type district struct {
	id      imis.ID
	num     int // 1-based over all districts, used in facility and officer codes
	code    string
	name    string
	region  *region
	pop     population
	wards   []*ward
	itemPL  imis.ID
	servPL  imis.ID
	hfs     []*facility
	officer []string // officer codes
}

type ward struct {
	id       imis.ID
	code     string
	name     string
	pop      population
	villages []*village
}

type village struct {
	id   imis.ID
	code string
	name string
	pop  population
}

// villages returns the district's villages in code order.
func (d *district) villages() []*village {
	var out []*village
	for _, w := range d.wards {
		out = append(out, w.villages...)
	}
	return out
}

// locations creates the location tree of catalogRegions. Codes are hierarchical (R1, R1D2,
// R1D2W3, R1D2W3V4), which makes them unique across all levels and readable at a glance.
func (b *builder) locations() error {
	total := 0
	num := 0
	for ri, cr := range catalogRegions {
		r := &region{code: fmt.Sprintf("R%d", ri+1), name: cr.Name}
		total++
		for di, cd := range cr.Districts {
			num++
			d := &district{num: num, code: fmt.Sprintf("%sD%d", r.code, di+1), name: cd.Name, region: r}
			total++
			for wi, cw := range cd.Wards {
				w := &ward{code: fmt.Sprintf("%sW%d", d.code, wi+1), name: cw.Name}
				total++
				for vi, name := range cw.Villages {
					v := &village{code: fmt.Sprintf("%sV%d", w.code, vi+1), name: name, pop: randomPopulation(b.rng)}
					total++
					w.pop.add(v.pop)
					w.villages = append(w.villages, v)
				}
				d.pop.add(w.pop)
				d.wards = append(d.wards, w)
			}
			r.pop.add(d.pop)
			r.districts = append(r.districts, d)
			b.districts = append(b.districts, d)
		}
		b.regions = append(b.regions, r)
	}

	done := 0
	b.progress(done, total)
	save := func(code, name, typ string, parent imis.ID, pop population) (imis.ID, error) {
		raw := map[string]string{
			"code": code, "name": name, "type": typ,
			"male_population":   strconv.FormatInt(pop.male, 10),
			"female_population": strconv.FormatInt(pop.female, 10),
			"other_population":  strconv.FormatInt(pop.other, 10),
			"families":          strconv.FormatInt(pop.families, 10),
		}
		if parent != imis.NilID {
			raw["parent_id"] = parent.String()
		}
		id, err := b.create(imis.Locations, raw, nil, nil)
		done++
		b.progress(done, total)
		return id, err
	}
	var err error
	for _, r := range b.regions {
		if r.id, err = save(r.code, r.name, imis.LocationRegion, imis.NilID, r.pop); err != nil {
			return err
		}
		b.sum.Regions++
		for _, d := range r.districts {
			if d.id, err = save(d.code, d.name, imis.LocationDistrict, r.id, d.pop); err != nil {
				return err
			}
			b.sum.Districts++
			for _, w := range d.wards {
				if w.id, err = save(w.code, w.name, imis.LocationWard, d.id, w.pop); err != nil {
					return err
				}
				b.sum.Wards++
				for _, v := range w.villages {
					if v.id, err = save(v.code, v.name, imis.LocationVillage, w.id, v.pop); err != nil {
						return err
					}
					b.sum.Villages++
				}
			}
		}
	}
	return nil
}
