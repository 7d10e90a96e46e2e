package httpx

import (
	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/auth"
	"github.com/openimis-go/openimis/store"
)

// ApplyPassword checks the password fields sent with a user, officer or claim administrator and
// puts the password's hash among the values, so the store saves it with the record.
func (k *Kit) ApplyPassword(reg *imis.Register, pw, confirm string, creating bool, p store.Parsed) {
	login := reg == imis.Users || p.Values["has_login"] == true
	switch {
	case reg != imis.Users && reg != imis.Officers && reg != imis.ClaimAdmins:
		return
	case pw == "" && creating && login:
		p.Problems.Add("password", "error.password_required")
	case pw == "":
	case len([]rune(pw)) < auth.MinPasswordLength:
		p.Problems.Add("password", "error.password_short", auth.MinPasswordLength)
	case pw != confirm:
		p.Problems.Add("password_confirm", "error.password_mismatch")
	default:
		p.Values["password_hash"] = k.HashPassword(pw)
	}
}
