package imis

import (
	"fmt"
	"testing"
)

// TestCheckDigitEveryDigit: the generated check digit of insurance-domain §4.5 may be any of
// 0–9, and the number it completes passes the check.
func TestCheckDigitEveryDigit(t *testing.T) {
	luhn, mod7 := InsuranceNumberRule{Modulo: 10}, DemoNumberRule
	for _, tc := range []struct {
		name string
		rule InsuranceNumberRule
		body string
		want string
	}{
		{"Luhn check digit 9", luhn, "10000000", "9"},
		{"Luhn check digit 0", luhn, "31415926", "0"},
		{"Luhn check digit 8", luhn, "27182818", "8"},
		{"mod 7 check digit 0", mod7, "00000007", "0"},
		{"mod 7 check digit 6", mod7, "00000013", "6"},
	} {
		got := tc.rule.CheckDigit(tc.body)
		if got != tc.want {
			t.Errorf("%s: check digit of %s = %s, want %s", tc.name, tc.body, got, tc.want)
		}
		if problem := tc.rule.Check(tc.body + got); problem != "" {
			t.Errorf("%s: %s%s refused: %s", tc.name, tc.body, got, problem)
		}
	}
}

// TestInsuranceNumberBoundaries checks the order of insurance-domain §4.5 (length, then digits,
// then checksum) at its edges.
func TestInsuranceNumberBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rule   InsuranceNumberRule
		number string
		want   string
	}{
		{"exact length with spaces around", DemoNumberRule, " 123456782 ", ""},
		{"one character too many", DemoNumberRule, "1234567820", "error.chfid_length"},
		{"a single digit has no check digit", InsuranceNumberRule{Modulo: 10}, "0", "error.chfid_digits"},
		{"two digits are enough", InsuranceNumberRule{Modulo: 10}, "59", ""},
		{"Luhn number ending in 9", InsuranceNumberRule{Modulo: 10}, "100000009", ""},
		{"Luhn number one off", InsuranceNumberRule{Modulo: 10}, "100000008", "error.chfid_checksum"},
		{"mod 7 with a zero check digit", DemoNumberRule, "000000070", ""},
		{"a check digit of 7 or more never matches mod 7", DemoNumberRule, "000000077", "error.chfid_checksum"},
		{"digits only once a modulo is set", InsuranceNumberRule{Modulo: 7}, "1234-5", "error.chfid_digits"},
		{"no modulo: any characters", InsuranceNumberRule{Length: 6}, "AB-12x", ""},
	} {
		if got := tc.rule.Check(tc.number); got != tc.want {
			t.Errorf("%s: %q gives %q, want %q", tc.name, tc.number, got, tc.want)
		}
	}
}

// TestInsuranceNumberHint checks that the hint states each kind of rule with its figures.
func TestInsuranceNumberHint(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule InsuranceNumberRule
		key  string
		args []any
	}{
		{"the demo's rule", DemoNumberRule, "chfid.hint_length_modulo", []any{9, 8, 7}},
		{"length and Luhn", InsuranceNumberRule{Length: 12, Modulo: 10}, "chfid.hint_length_luhn", []any{12}},
		{"length alone", InsuranceNumberRule{Length: 6}, "chfid.hint_length", []any{6}},
		{"Luhn alone", InsuranceNumberRule{Modulo: 10}, "chfid.hint_luhn", nil},
		{"modulo alone", InsuranceNumberRule{Modulo: 9}, "chfid.hint_modulo", []any{9}},
		{"no rule, no hint", InsuranceNumberRule{}, "", nil},
	} {
		key, args := tc.rule.Hint()
		if key != tc.key || fmt.Sprint(args) != fmt.Sprint(tc.args) {
			t.Errorf("%s: %q %v, want %q %v", tc.name, key, args, tc.key, tc.args)
		}
	}
}
