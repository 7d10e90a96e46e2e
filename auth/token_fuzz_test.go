package auth

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// FuzzParseToken feeds any bearer text to ParseToken. Only the tokens signed here can pass, so an
// accepted token must name the user and expiry they were signed for; anything else, including
// every mutation of a signed token that changes what it says, must be refused without a panic.
func FuzzParseToken(f *testing.F) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	user := uuid.MustParse("0190d5a6-63a4-7c1b-9b5e-3a4f0c2d1e8f")
	issued := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	now := issued.Add(time.Hour)
	tok, exp, err := IssueToken(secret, user, issued)
	if err != nil {
		f.Fatal(err)
	}
	header, rest, _ := strings.Cut(tok, ".")
	payload, _, _ := strings.Cut(rest, ".")
	b64 := base64.RawURLEncoding.EncodeToString
	for _, s := range []string{
		tok, tok[:len(tok)-2], "Bearer " + tok, tok + ".", strings.ToUpper(tok), header + "." + payload + ".",
		b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + payload + ".",
		b64([]byte(`{"alg":"HS512","typ":"JWT"}`)) + "." + rest,
		b64([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + rest,
		header + "." + b64([]byte(`{"UserUUID":"`+user.String()+`","iss":"http://openimis.org","aud":"http://openimis.org"}`)) + "." + strings.SplitN(tok, ".", 3)[2],
		"", ".", "..", "a.b.c", "eyJ.eyJ.sig",
	} {
		f.Add(s)
	}
	// Tokens signed with the right secret that break one other rule each.
	good := claims{UserUUID: user.String(), RegisteredClaims: jwt.RegisteredClaims{
		Issuer: TokenIssuer, Audience: jwt.ClaimStrings{TokenIssuer}, ExpiresAt: jwt.NewNumericDate(exp),
	}}
	wrongIssuer, wrongAudience, noExpiry := good, good, good
	wrongIssuer.Issuer = "http://example.org"
	wrongAudience.Audience = jwt.ClaimStrings{"http://example.org"}
	noExpiry.ExpiresAt = nil
	for _, signed := range []struct {
		method jwt.SigningMethod
		c      claims
	}{{jwt.SigningMethodHS512, good}, {jwt.SigningMethodHS384, good}, {jwt.SigningMethodHS256, wrongIssuer}, {jwt.SigningMethodHS256, wrongAudience}, {jwt.SigningMethodHS256, noExpiry}} {
		s, err := jwt.NewWithClaims(signed.method, signed.c).SignedString(secret)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, gotExp, err := ParseToken(secret, s, now)
		if err != nil {
			if id != imis.NilID || !gotExp.IsZero() {
				t.Fatalf("refused token still gives %v, %v", id, gotExp)
			}
			return
		}
		if id != user || !gotExp.Equal(exp) {
			t.Fatalf("%q accepted as user %v until %v", s, id, gotExp)
		}
		var c claims
		tok, _, err := jwt.NewParser().ParseUnverified(s, &c)
		if err != nil || tok.Method != jwt.SigningMethodHS256 || c.Issuer != TokenIssuer || !slices.Equal(c.Audience, jwt.ClaimStrings{TokenIssuer}) {
			t.Fatalf("%q accepted: %v %+v %v", s, tok, c, err)
		}
		if _, _, err := ParseToken([]byte("another secret of thirty-two by"), s, now); err == nil {
			t.Fatalf("%q accepted under a foreign secret", s)
		}
		if _, _, err := ParseToken(secret, s, gotExp); err == nil {
			t.Fatalf("%q accepted at its expiry", s)
		}
	})
}

// FuzzTokenLifetime issues a token for any user and instant and checks it is accepted from a
// minute before issue (clock skew) until just before its expiry, and at no other time.
func FuzzTokenLifetime(f *testing.F) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	lifetime := int64(TokenLifetime / time.Second)
	for _, offset := range []int64{0, 3600, -60, -61, lifetime - 1, lifetime, lifetime + 1} {
		f.Add([]byte("0190d5a6-63a4-7c1b"), int64(1777636800), offset)
	}
	f.Fuzz(func(t *testing.T, userBytes []byte, issuedUnix, offset int64) {
		var user uuid.UUID
		copy(user[:], userBytes)
		// Instants from 1970 to 2200, whole seconds as the token's claims are.
		issued := time.Unix((issuedUnix%7258118400+7258118400)%7258118400, 0).UTC()
		offset %= 2 * lifetime
		tok, exp, err := IssueToken(secret, user, issued)
		if err != nil {
			t.Fatal(err)
		}
		at := issued.Add(time.Duration(offset) * time.Second)
		id, gotExp, err := ParseToken(secret, tok, at)
		valid := offset >= -60 && offset < lifetime
		if valid != (err == nil) {
			t.Fatalf("token issued %v for %v, read %ds later: %v", issued, user, offset, err)
		}
		if err == nil && (id != user || !gotExp.Equal(exp)) {
			t.Fatalf("token for %v until %v reads as %v until %v", user, exp, id, gotExp)
		}
	})
}
