package httpx

import (
	"context"
	"sync"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/store"
)

// userCacheTTL is how long the user of a bearer token is reused. Checking the token and loading
// its user (three tables) cost more than an enquiry; the mobile apps and the reception desk send
// many requests a second, and a change of roles or districts may take this long to apply to a
// token already in use.
const userCacheTTL = 5 * time.Second

// userCacheSize bounds the cache; when full it is emptied, which only costs reloads.
const userCacheSize = 10000

type cachedUser struct {
	user  *imis.User
	at    time.Time // when the token was checked and the user loaded
	until time.Time // the earlier of the token's expiry and userCacheTTL after at
}

// userCache keeps the users of recently seen bearer tokens, by token.
type userCache struct {
	mu    sync.Mutex
	users map[string]cachedUser
}

// load returns the user of a valid bearer token: from the cache when the token was checked less
// than userCacheTTL ago and has not expired since, else by checking it and loading its user.
func (c *userCache) load(ctx context.Context, db *store.DB, secret []byte, token string, now time.Time) (*imis.User, error) {
	c.mu.Lock()
	hit, ok := c.users[token]
	c.mu.Unlock()
	if ok && !now.Before(hit.at) && now.Before(hit.until) {
		return hit.user, nil
	}
	id, expiry, err := auth.ParseToken(secret, token, now)
	if err != nil {
		return nil, err
	}
	u, err := db.LoadUser(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.users == nil || len(c.users) >= userCacheSize {
		c.users = map[string]cachedUser{}
	}
	until := now.Add(userCacheTTL)
	if expiry.Before(until) {
		until = expiry
	}
	c.users[token] = cachedUser{user: u, at: now, until: until}
	c.mu.Unlock()
	return u, nil
}
