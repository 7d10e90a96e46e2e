package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/openimis-go/openimis"
)

func TestPasswordHash(t *testing.T) {
	h := HashPassword("admin123")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected hash form %q", h)
	}
	if !VerifyPassword(h, "admin123") {
		t.Fatal("right password refused")
	}
	for _, bad := range []string{"admin124", "", "admin123 "} {
		if VerifyPassword(h, bad) {
			t.Fatalf("wrong password %q accepted", bad)
		}
	}
	if HashPassword("admin123") == h {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	for _, broken := range []string{"", "plain", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!", strings.Replace(h, "argon2id", "argon2i", 1)} {
		if VerifyPassword(broken, "admin123") {
			t.Fatalf("malformed hash %q accepted", broken)
		}
	}
}

func TestToken(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	id := imis.NewID()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tok, exp, err := IssueToken(secret, id, now)
	if err != nil {
		t.Fatal(err)
	}
	if exp != now.Add(TokenLifetime) {
		t.Fatalf("expiry %v", exp)
	}
	got, gotExp, err := ParseToken(secret, tok, now.Add(time.Hour))
	if err != nil || got != id || !gotExp.Equal(exp) {
		t.Fatalf("parse: %v %v %v", got, gotExp, err)
	}
	if _, _, err := ParseToken(secret, tok, exp.Add(time.Second)); err == nil {
		t.Fatal("expired token accepted")
	}
	if _, _, err := ParseToken([]byte("another secret of thirty-two by"), tok, now); err == nil {
		t.Fatal("token with a foreign signature accepted")
	}
	if _, _, err := ParseToken(secret, tok[:len(tok)-2], now); err == nil {
		t.Fatal("truncated token accepted")
	}
}

func TestRateLimiter(t *testing.T) {
	l := NewRateLimiter(10, time.Minute)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range 10 {
		if ok, _ := l.Allow(now.Add(time.Duration(i)*time.Second), "1.2.3.4"); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, wait := l.Allow(now.Add(10*time.Second), "1.2.3.4")
	if ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("11th attempt: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.Allow(now.Add(10*time.Second), "5.6.7.8"); !ok {
		t.Fatal("another address refused")
	}
	if ok, _ := l.Allow(now.Add(61*time.Second), "1.2.3.4"); !ok {
		t.Fatal("attempt after the window refused")
	}
}

// TestRateLimiterKeysAndRefunds checks that an event counts under every key only when all of
// them allow it, and that a refunded event gives its place back.
func TestRateLimiterKeysAndRefunds(t *testing.T) {
	l := NewRateLimiter(3, time.Minute)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for i := range 3 {
		if ok, _ := l.Allow(now, "addr a", "login "+string(rune('x'+i))); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if ok, _ := l.Allow(now, "addr a", "login w"); ok {
		t.Fatal("fourth attempt from one address allowed")
	}
	// The refused attempt was not recorded under its login name.
	for i := range 3 {
		if ok, _ := l.Allow(now, "addr "+string(rune('b'+i)), "login w"); !ok {
			t.Fatalf("login w from a fresh address refused at %d", i+1)
		}
	}
	if ok, _ := l.Allow(now, "addr z", "login w"); ok {
		t.Fatal("fourth attempt at one login allowed")
	}
	for range 10 {
		ok, _ := l.Allow(now, "addr s", "login s")
		if !ok {
			t.Fatal("refunded attempts used up the budget")
		}
		l.Refund(now, "addr s", "login s")
	}
	l.Refund(now.Add(time.Second), "addr a") // no event at that time: nothing to give back
	if ok, _ := l.Allow(now, "addr a"); ok {
		t.Fatal("a refund of another time freed a place")
	}
}
