package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"

	"github.com/openimis-go/openimis"
)

// productVersion names one state of a product: every change of a product raises its version.
type productVersion struct {
	id      imis.ID
	version int
}

// limitsCache keeps the limits of the product states the enquiry has met. An entry can never be
// stale, because a changed product has a new version, even when another server changed it; so
// the enquiry reads a product's version instead of its 35 limit columns on every coverage row.
// The limits hold pointers shared by every reader, who must not write through them.
type limitsCache struct {
	mu sync.RWMutex
	m  map[productVersion]imis.ProductLimits
}

// maxCachedLimits bounds the cache: a scheme has a few dozen products, and old versions of
// edited ones are never asked for again, so an overflow simply starts afresh.
const maxCachedLimits = 1024

func (c *limitsCache) get(key productVersion) (imis.ProductLimits, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	l, ok := c.m[key]
	return l, ok
}

func (c *limitsCache) put(key productVersion, l imis.ProductLimits) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedLimits {
		c.m = make(map[productVersion]imis.ProductLimits)
	}
	c.m[key] = l
}

// limitsSelect reads a product's version and limit columns.
var limitsSelect = "SELECT version, " + strings.Join(limitColumns, ", ") + " FROM products WHERE id = $1"

// productLimits returns the limits of a product in the given version. On a miss it reads the
// product as it is now: if it changed since the enquiry read its version, the newer limits are
// the better answer.
func (db *DB) productLimits(ctx context.Context, key productVersion) (imis.ProductLimits, error) {
	if l, ok := db.limits.get(key); ok {
		return l, nil
	}
	cols := make([]sql.NullInt64, len(limitColumns))
	dest := make([]any, 0, 1+len(cols))
	dest = append(dest, &key.version)
	for i := range cols {
		dest = append(dest, &cols[i])
	}
	if err := db.read.QueryRowContext(ctx, limitsSelect, key.id).Scan(dest...); err != nil {
		return imis.ProductLimits{}, mapError(err)
	}
	v := make(imis.Values, len(limitColumns))
	for i, c := range limitColumns {
		if cols[i].Valid {
			v[c] = cols[i].Int64
		}
	}
	l := imis.LimitsOf(v)
	db.limits.put(key, l)
	return l, nil
}
