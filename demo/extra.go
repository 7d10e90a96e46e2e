package demo

import (
	"fmt"

	"github.com/openimis-go/openimis"
)

// extraItems stores Options.ExtraItems synthetic items in one transaction.
func (b *builder) extraItems() error {
	n := b.opts.ExtraItems
	if n <= 0 {
		return nil
	}
	rows := make([]imis.Values, n)
	for i := range rows {
		v, p := imis.Items.Parse(map[string]string{
			"code": fmt.Sprintf("X%05d", i+1), "name": fmt.Sprintf("Synthetic medicine %d mg", (i+1)*5), "type": "D",
			"price": imis.Money(1000 + b.rng.Int64N(99000)).String(), "care_type": "B",
		}, true)
		if err := p.Err(); err != nil {
			return err
		}
		rows[i] = v
	}
	if b.opts.Progress != nil {
		b.opts.Progress(b.stage, 0, n)
	}
	created, _, err := b.db.UpsertByCode(b.ctx, imis.Items, rows)
	b.sum.Items += created
	if b.opts.Progress != nil {
		b.opts.Progress(b.stage, n, n)
	}
	return err
}
