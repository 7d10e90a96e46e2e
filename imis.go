// Package imis holds the domain of the openIMIS re-implementation: the records a health-insurance
// scheme keeps, the codes openIMIS gives them, and the pure rules that decide money and coverage.
// It imports nothing of this module, so every rule can be tested without a database.
package imis

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Version is the product version, set at build time with -ldflags "-X ...imis.Version=...".
var Version = "0.1.0-dev"

// ID identifies a record. Keys are UUIDv7 so that they sort by creation time and need no sequence.
type ID = uuid.UUID

// NilID is the zero ID, meaning "no record".
var NilID = uuid.Nil

// NewID returns a fresh time-ordered ID.
func NewID() ID { return uuid.Must(uuid.NewV7()) }

// ParseID parses the textual form of an ID.
func ParseID(s string) (ID, error) { return uuid.Parse(strings.TrimSpace(s)) }

// Date is a calendar date without time of day or zone, as business dates are in openIMIS
// (enrolment, service, validity). It is stored as the text YYYY-MM-DD on both engines.
type Date struct{ t time.Time }

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date { return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// DateOf returns the calendar date of t in t's own location.
func DateOf(t time.Time) Date { return NewDate(t.Year(), t.Month(), t.Day()) }

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("not a date in the form YYYY-MM-DD: %q", s)
	}
	return Date{t}, nil
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// String returns YYYY-MM-DD, or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// After reports whether d is later than e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Value stores the date as text so both engines compare it the same way.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date from a driver value: PostgreSQL gives time.Time, SQLite text or time.Time.
func (d *Date) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = DateOf(x)
	case string:
		return d.scanText(x)
	case []byte:
		return d.scanText(string(x))
	default:
		return fmt.Errorf("imis: cannot scan %T into Date", v)
	}
	return nil
}

func (d *Date) scanText(s string) error {
	if len(s) >= 10 {
		s = s[:10]
	}
	p, err := ParseDate(s)
	*d = p
	return err
}

// Money is an amount in hundredths of the scheme's currency, as openIMIS's decimal(18,2).
// Floats are never used for money.
type Money int64

// ParseMoney parses a decimal amount with at most two decimals ("1234", "1234.5", "-0.05").
func ParseMoney(s string) (Money, error) {
	v, err := ParseFixed(s, 2)
	return Money(v), err
}

// String formats the amount with two decimals.
func (m Money) String() string { return FormatFixed(int64(m), 2) }

// ParseFixed parses a decimal with at most scale fractional digits into an integer count of
// 10^-scale units, refusing anything it would have to round.
func ParseFixed(s string, scale int) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, fmt.Errorf("empty number")
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > scale || !digitsOnly(whole) || !digitsOnly(frac) {
		return 0, fmt.Errorf("not a number with at most %d decimals: %q", scale, s)
	}
	if whole == "" {
		whole = "0"
	}
	frac += strings.Repeat("0", scale-len(frac))
	if len(whole) > 15 {
		return 0, fmt.Errorf("number too large: %q", s)
	}
	digits := whole + frac
	if neg {
		// Parsed with its sign, since math.MinInt64 has no positive counterpart to negate.
		digits = "-" + digits
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return n, nil
}

// FormatFixed formats n units of 10^-scale as a decimal with exactly scale fractional digits.
func FormatFixed(n int64, scale int) string {
	// The magnitude is taken as uint64 because -n overflows for math.MinInt64.
	sign, magnitude := "", uint64(n)
	if n < 0 {
		sign, magnitude = "-", -magnitude
	}
	s := strconv.FormatUint(magnitude, 10)
	if scale == 0 {
		return sign + s
	}
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	return sign + s[:len(s)-scale] + "." + s[len(s)-scale:]
}

func digitsOnly(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Page selects one page of a search result; Number counts from 1.
type Page struct {
	Number int
	Size   int
}

// Offset returns the number of rows before the page.
func (p Page) Offset() int { return (p.Normal().Number - 1) * p.Normal().Size }

// Normal returns the page with defaults and bounds applied (size 1..500, default 20).
func (p Page) Normal() Page {
	if p.Number < 1 {
		p.Number = 1
	}
	if p.Size < 1 {
		p.Size = 20
	}
	if p.Size > 500 {
		p.Size = 500
	}
	return p
}
