package web

import (
	"context"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/demo"
	"github.com/openimis-go/openimis/internal/testdb"
)

// TestUserCacheReusesThenReloads checks that a token's user is reused for a few seconds and
// reloaded afterwards, so a change of roles reaches tokens already in use.
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
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	u, err := c.load(ctx, db, id, now)
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
	if u, _ := c.load(ctx, db, id, now.Add(time.Second)); !u.Can(imis.RightFamilySearch) {
		t.Fatal("the user was reloaded within the reuse period")
	}
	if u, _ := c.load(ctx, db, id, now.Add(userCacheTTL+time.Second)); u.Can(imis.RightFamilySearch) {
		t.Fatal("the user's removed role still counts after the reuse period")
	}
}
