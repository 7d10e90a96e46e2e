package auth

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/openimis-go/openimis"
)

// Token claims follow openIMIS's REST API: the user's UUID in claim "UserUUID", issuer and
// audience both the scheme's issuer name, HS256, five days' validity.
const (
	TokenIssuer   = "http://openimis.org"
	TokenLifetime = 5 * 24 * time.Hour
)

type claims struct {
	UserUUID string `json:"UserUUID"`
	jwt.RegisteredClaims
}

// IssueToken signs a bearer token for the user, valid from now for TokenLifetime.
func IssueToken(secret []byte, user imis.ID, now time.Time) (string, time.Time, error) {
	exp := now.Add(TokenLifetime)
	c := claims{UserUUID: user.String(), RegisteredClaims: jwt.RegisteredClaims{
		Issuer: TokenIssuer, Audience: jwt.ClaimStrings{TokenIssuer},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)), ExpiresAt: jwt.NewNumericDate(exp),
	}}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
	return s, exp, err
}

// ParseToken checks a bearer token's signature, issuer, audience and lifetime and returns its user
// and its expiry.
func ParseToken(secret []byte, token string, now time.Time) (imis.ID, time.Time, error) {
	var c claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(TokenIssuer), jwt.WithAudience(TokenIssuer),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return imis.NilID, time.Time{}, err
	}
	id, err := imis.ParseID(c.UserUUID)
	if err != nil {
		return imis.NilID, time.Time{}, errors.New("token has no valid UserUUID")
	}
	return id, c.ExpiresAt.Time, nil
}
