package imis

import (
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// plainDecimal is the shape ParseFixed reads once commas (thousands separators) and surrounding
// blanks are dropped: a sign, then digits with an optional point, at least one digit in all.
var plainDecimal = regexp.MustCompile(`^[+-]?([0-9]*)(?:\.([0-9]*))?$`)

// exactUnits returns the decimal s in units of 10^-scale, computed with big numbers, and whether
// it is a whole number of such units.
func exactUnits(s string, scale int) (*big.Int, bool) {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, false
	}
	r.Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)))
	return r.Num(), r.IsInt()
}

// FuzzParseFixed checks ParseFixed against exact big-number arithmetic: an accepted text has the
// value it spells and formats back to itself, and every decimal within the limits is accepted.
func FuzzParseFixed(f *testing.F) {
	for _, s := range []string{
		"1234", "1234.5", "-0.05", "0.05", "+7", "1,234.50", " 12.3 ", ".5", "5.", ".", "-", "", "1.234",
		"1e3", "0x10", "--1", "+-1", "999999999999999.99", "9999999999999999", "-999999999999999.99",
		"000000000000001", "1.2.3", "١٢", "12\u00a0", "NaN", "Inf",
	} {
		for _, scale := range []uint8{0, 2, 4} {
			f.Add(s, scale)
		}
	}
	f.Fuzz(func(t *testing.T, s string, scaleByte uint8) {
		scale := int(scaleByte % 7)
		n, err := ParseFixed(s, scale)
		clean := strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
		m := plainDecimal.FindStringSubmatch(clean)
		shaped := m != nil && m[1]+m[2] != "" && len(m[2]) <= scale
		if err != nil {
			if !shaped {
				return
			}
			want, _ := exactUnits(clean, scale)
			if len(m[1]) <= 15 && want.IsInt64() {
				t.Fatalf("ParseFixed(%q, %d) refuses a decimal worth %v units: %v", s, scale, want, err)
			}
			return
		}
		if !shaped {
			t.Fatalf("ParseFixed(%q, %d) = %d, but the text is not a decimal with at most %d places", s, scale, n, scale)
		}
		want, whole := exactUnits(clean, scale)
		if !whole || !want.IsInt64() || want.Int64() != n {
			t.Fatalf("ParseFixed(%q, %d) = %d, want %v", s, scale, n, want)
		}
		back, err := ParseFixed(FormatFixed(n, scale), scale)
		if err != nil || back != n {
			t.Fatalf("ParseFixed(FormatFixed(%d, %d) = %q) = %d, %v", n, scale, FormatFixed(n, scale), back, err)
		}
	})
}

// canonicalFixed[scale] is the only text FormatFixed may give: a minus for negatives, no
// superfluous leading zero, and exactly scale decimals.
var canonicalFixed = func() (out [7]*regexp.Regexp) {
	for scale := range out {
		frac := ""
		if scale > 0 {
			frac = `\.[0-9]{` + strconv.Itoa(scale) + `}`
		}
		out[scale] = regexp.MustCompile(`^-?(0|[1-9][0-9]*)` + frac + `$`)
	}
	return out
}()

// FuzzFormatFixed checks that FormatFixed writes the exact value of any int64 in canonical form,
// and that ParseFixed reads it back whenever it is within ParseFixed's fifteen whole digits.
func FuzzFormatFixed(f *testing.F) {
	for _, n := range []int64{0, 1, -1, 5, -5, 99, 100, -100, 123456, math.MaxInt64, math.MinInt64, math.MinInt64 + 1} {
		for _, scale := range []uint8{0, 1, 2, 6} {
			f.Add(n, scale)
		}
	}
	f.Fuzz(func(t *testing.T, n int64, scaleByte uint8) {
		scale := int(scaleByte % 7)
		s := FormatFixed(n, scale)
		if !canonicalFixed[scale].MatchString(s) || s == "-0" || strings.HasPrefix(s, "-0.") && strings.Trim(s[3:], "0") == "" {
			t.Fatalf("FormatFixed(%d, %d) = %q", n, scale, s)
		}
		if got, _ := exactUnits(s, scale); got.Cmp(big.NewInt(n)) != 0 {
			t.Fatalf("FormatFixed(%d, %d) = %q, which is worth %v units", n, scale, s, got)
		}
		whole, _, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
		back, err := ParseFixed(s, scale)
		if len(whole) <= 15 && (err != nil || back != n) {
			t.Fatalf("ParseFixed(%q, %d) = %d, %v; want %d", s, scale, back, err, n)
		}
	})
}

// FuzzParseMoney checks that an accepted amount prints as an amount with two decimals that reads
// back to the same value.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"1234", "1234.5", "-0.05", "0.005", "1,000,000.00", "abc", "", "12.", "999999999999999.99"} {
		f.Add(s)
	}
	two := canonicalFixed[2]
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		text := m.String()
		if !two.MatchString(text) {
			t.Fatalf("ParseMoney(%q) prints as %q", s, text)
		}
		if back, err := ParseMoney(text); err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %s, which reads back as %s, %v", s, text, back, err)
		}
	})
}
