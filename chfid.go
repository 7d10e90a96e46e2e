package imis

import (
	"strconv"
	"strings"
)

// InsuranceNumberRule is the scheme's check of insurance numbers (CHFID): an exact length and a
// check digit. Zero values switch a check off.
type InsuranceNumberRule struct {
	Length int // exact number of characters; 0 = any
	Modulo int // 10 = Luhn over all digits; other n = (all digits but the last) mod n == last digit; 0 = none
}

// DemoNumberRule is the demo scheme's rule: nine digits, the last being the first eight mod 7.
var DemoNumberRule = InsuranceNumberRule{Length: 9, Modulo: 7}

// Check returns the catalogue key of the first problem with number, or "" when it is valid.
func (r InsuranceNumberRule) Check(number string) string {
	number = strings.TrimSpace(number)
	if number == "" {
		return "error.chfid_required"
	}
	if r.Length > 0 && len(number) != r.Length {
		return "error.chfid_length"
	}
	if r.Modulo <= 0 {
		return ""
	}
	if !digitsOnly(number) || len(number) < 2 {
		return "error.chfid_digits"
	}
	if r.Modulo == 10 {
		if !luhn(number) {
			return "error.chfid_checksum"
		}
		return ""
	}
	body, err := strconv.ParseUint(number[:len(number)-1], 10, 64)
	if err != nil {
		return "error.chfid_digits"
	}
	if body == 0 || int(body%uint64(r.Modulo)) != int(number[len(number)-1]-'0') {
		return "error.chfid_checksum"
	}
	return ""
}

// Hint returns the catalogue key and arguments that state the rule to a person typing a number,
// or an empty key when the rule checks nothing.
func (r InsuranceNumberRule) Hint() (key string, args []any) {
	switch {
	case r.Length > 0 && r.Modulo == 10:
		return "chfid.hint_length_luhn", []any{r.Length}
	case r.Length > 0 && r.Modulo > 0:
		return "chfid.hint_length_modulo", []any{r.Length, r.Length - 1, r.Modulo}
	case r.Length > 0:
		return "chfid.hint_length", []any{r.Length}
	case r.Modulo == 10:
		return "chfid.hint_luhn", nil
	case r.Modulo > 0:
		return "chfid.hint_modulo", []any{r.Modulo}
	}
	return "", nil
}

// CheckDigit returns the digit that completes body under the rule (demo numbers, generators).
func (r InsuranceNumberRule) CheckDigit(body string) string {
	if r.Modulo == 10 {
		for d := byte('0'); d <= '9'; d++ {
			if luhn(body + string(d)) {
				return string(d)
			}
		}
	}
	n, _ := strconv.ParseUint(body, 10, 64)
	return strconv.FormatUint(n%uint64(r.Modulo), 10)
}

func luhn(number string) bool {
	sum := 0
	for i := range len(number) {
		d := int(number[len(number)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
