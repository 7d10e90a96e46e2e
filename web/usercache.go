package web

import (
	"context"
	"sync"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// userCacheTTL is how long a user loaded for a bearer token is reused. Loading a user reads
// three tables; the mobile apps and the reception desk send many requests a second, and a change
// of roles or districts may take this long to apply to a token already in use.
const userCacheTTL = 5 * time.Second

// userCacheSize bounds the cache; when full it is emptied, which only costs reloads.
const userCacheSize = 10000

type cachedUser struct {
	user *imis.User
	at   time.Time
}

// userCache keeps recently loaded users by id.
type userCache struct {
	mu    sync.Mutex
	users map[imis.ID]cachedUser
}

// load returns the user with that id, from the cache when loaded less than userCacheTTL ago.
func (c *userCache) load(ctx context.Context, db *store.DB, id imis.ID, now time.Time) (*imis.User, error) {
	c.mu.Lock()
	hit, ok := c.users[id]
	c.mu.Unlock()
	if ok && now.Sub(hit.at) < userCacheTTL && !now.Before(hit.at) {
		return hit.user, nil
	}
	u, err := db.LoadUser(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.users == nil || len(c.users) >= userCacheSize {
		c.users = map[imis.ID]cachedUser{}
	}
	c.users[id] = cachedUser{user: u, at: now}
	c.mu.Unlock()
	return u, nil
}
