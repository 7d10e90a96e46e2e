package httpx

import (
	"context"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
)

// TestUserCacheReusesThenReloads checks that a token's user is reused for a few seconds and
// reloaded afterwards, so a change of roles reaches tokens already in use, and that a cached
// token still stops working when it expires.
func TestUserCacheReusesThenReloads(t *testing.T) {
	ctx := imis.SystemContext(context.Background())
	db := testdb.Open(t)
	if _, err := demo.Build(ctx, db, demo.Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	id, err := db.UserIDByLogin(ctx, "Clerk")
	if err != nil {
		t.Fatal(err)
	}
	var c userCache
	secret := []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	token, _, err := auth.IssueToken(secret, id, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.load(ctx, db, secret, token+"x", now); err == nil {
		t.Fatal("a forged token was accepted")
	}
	u, err := c.load(ctx, db, secret, token, now)
	if err != nil || !u.Can(imis.RightFamilySearch) {
		t.Fatalf("clerk: %v %v", u, err)
	}
	rec, err := db.FindByID(ctx, imis.Users, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Update(ctx, imis.Users, id, rec.Version, rec.Values, map[string][]imis.Values{"roles": {}, "districts": rec.Children["districts"]}); err != nil {
		t.Fatal(err)
	}
	if u, _ := c.load(ctx, db, secret, token, now.Add(time.Second)); !u.Can(imis.RightFamilySearch) {
		t.Fatal("the user was reloaded within the reuse period")
	}
	if u, _ := c.load(ctx, db, secret, token, now.Add(userCacheTTL+time.Second)); u.Can(imis.RightFamilySearch) {
		t.Fatal("the user's removed role still counts after the reuse period")
	}

	old, expiry, err := auth.IssueToken(secret, id, now.Add(2*time.Second-auth.TokenLifetime))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.load(ctx, db, secret, old, now); err != nil {
		t.Fatalf("a token valid for two more seconds: %v", err)
	}
	if _, err := c.load(ctx, db, secret, old, expiry.Add(time.Second)); err == nil {
		t.Fatal("a cached token was accepted after it expired")
	}
}
