package imis

import (
	"slices"
	"strings"
	"testing"
)

// ruleOf maps two fuzzed bytes onto a rule the settings screen can save: length 0..20, modulo
// 0 (no check digit) or 2..10.
func ruleOf(length, modulo uint8) InsuranceNumberRule {
	m := int(modulo % 10)
	if m > 0 {
		m++
	}
	return InsuranceNumberRule{Length: int(length % 21), Modulo: m}
}

// luhnReference is the textbook Luhn check, written apart from luhn so the two can disagree.
func luhnReference(number string) bool {
	sum := 0
	double := false
	for i := len(number) - 1; i >= 0; i-- {
		d := int(number[i] - '0')
		if double {
			d = d*2/10 + d*2%10
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// modDigit reports whether the last digit of number is the rest read as a decimal mod m, computed
// digit by digit so that no length overflows.
func modDigit(number string, m int) bool {
	rest, zero := 0, true
	for _, c := range number[:len(number)-1] {
		rest = (rest*10 + int(c-'0')) % m
		zero = zero && c == '0'
	}
	return !zero && rest == int(number[len(number)-1]-'0')
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// FuzzInsuranceNumberCheck checks Check against an independent statement of the rule: every
// accepted number has the length and check digit the rule asks for, every such number is
// accepted, and surrounding blanks never change the answer.
func FuzzInsuranceNumberCheck(f *testing.F) {
	for _, s := range []struct {
		length, modulo uint8
		number         string
	}{
		{9, 6, "123456782"}, {9, 6, "123456785"}, {9, 6, "12345678"}, {9, 6, "12345678A"},
		{9, 6, "000000000"}, {9, 6, ""}, {0, 9, "79927398713"}, {0, 9, "79927398710"},
		{0, 0, "any-thing"}, {4, 0, "abc"}, {0, 9, "00"}, {0, 9, "0"}, {2, 1, "10"},
		{0, 6, "99999999999999999999999"}, {0, 6, " 123456782\t"}, {0, 9, "٣٤٥"}, {0, 0, "  "},
	} {
		f.Add(s.length, s.modulo, s.number)
	}
	keys := []string{"", "error.chfid_required", "error.chfid_length", "error.chfid_digits", "error.chfid_checksum"}
	f.Fuzz(func(t *testing.T, length, modulo uint8, number string) {
		r := ruleOf(length, modulo)
		got := r.Check(number)
		if !slices.Contains(keys, got) {
			t.Fatalf("%+v %q: unknown key %q", r, number, got)
		}
		if again := r.Check(" " + number + "\n"); again != got {
			t.Fatalf("%+v %q: %q, but %q with blanks around", r, number, got, again)
		}
		n := strings.TrimSpace(number)
		fits := n != "" && (r.Length == 0 || len(n) == r.Length)
		valid := fits
		if r.Modulo > 0 {
			valid = fits && isDigits(n) && len(n) >= 2
			if valid && r.Modulo == 10 {
				valid = luhnReference(n)
			} else if valid {
				valid = modDigit(n, r.Modulo)
			}
		}
		if got == "" && !valid {
			t.Fatalf("%+v accepts %q", r, number)
		}
		// Bodies past 19 digits do not fit the check's arithmetic and are refused as not digits.
		if got != "" && valid && (r.Modulo == 10 || len(n) <= 20) {
			t.Fatalf("%+v refuses %q: %s", r, number, got)
		}
	})
}

// FuzzCheckDigit checks that the digit CheckDigit adds completes any body into a number Check
// accepts, and that it is the only such digit.
func FuzzCheckDigit(f *testing.F) {
	for _, s := range []struct {
		modulo uint8
		body   string
	}{
		{6, "12345678"}, {9, "7992739871"}, {6, "0"}, {9, "0"}, {1, "1"}, {4, "99999999999999999"}, {8, "5"},
	} {
		f.Add(s.modulo, s.body)
	}
	f.Fuzz(func(t *testing.T, modulo uint8, body string) {
		r := ruleOf(0, modulo)
		if r.Modulo == 0 || !isDigits(body) || len(body) > 19 {
			return
		}
		digit := r.CheckDigit(body)
		if len(digit) != 1 || !isDigits(digit) {
			t.Fatalf("%+v %q: check digit %q", r, body, digit)
		}
		allZero := strings.Trim(body, "0") == ""
		for d := byte('0'); d <= '9'; d++ {
			got := r.Check(body + string(d))
			switch {
			case string(d) == digit && (got == "" || allZero && r.Modulo != 10 && got == "error.chfid_checksum"):
			case string(d) != digit && got == "error.chfid_checksum":
			default:
				t.Fatalf("%+v: check digit of %q is %s, yet Check(%q) = %q", r, body, digit, body+string(d), got)
			}
		}
	})
}
