package httpx

import (
	"strconv"

	"github.com/openimis-go/openimis"
)

// StandingText words how a policy stands (imis.StandingOn) in the user's language: the status,
// and why a paid policy does not cover yet. The screens and the enquiry JSON share it, so that
// the reception and the clerk read the same words.
func (k *Kit) StandingText(lang string, s imis.PolicyStanding) string {
	word := k.PolicyStatusLabel(lang, s.Status)
	switch {
	case !s.CoveredFrom.IsZero():
		return k.Cat.T(lang, "policy.covered_from", word, s.CoveredFrom.String())
	case s.Unpaid:
		return k.Cat.T(lang, "policy.member_unpaid", word)
	}
	return word
}

// PolicyStatusLabel names a policy status code with its catalogue label.
func (k *Kit) PolicyStatusLabel(lang string, status int64) string {
	code := strconv.FormatInt(status, 10)
	for _, c := range imis.PolicyStatuses {
		if c.Code == code {
			return k.Cat.T(lang, c.Label)
		}
	}
	return code
}
