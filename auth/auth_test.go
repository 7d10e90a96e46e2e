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
		if ok, _ := l.Allow("1.2.3.4", now.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	ok, wait := l.Allow("1.2.3.4", now.Add(10*time.Second))
	if ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("11th attempt: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.Allow("5.6.7.8", now.Add(10*time.Second)); !ok {
		t.Fatal("another address refused")
	}
	if ok, _ := l.Allow("1.2.3.4", now.Add(61*time.Second)); !ok {
		t.Fatal("attempt after the window refused")
	}
}
