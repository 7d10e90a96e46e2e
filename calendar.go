package imis

import "time"

// AddMonths adds n calendar months as SQL Server's DATEADD(MONTH, …) does: the day is kept, or
// clamped to the last day of the target month (31 January + 1 month = 28 or 29 February).
func (d Date) AddMonths(n int) Date {
	t := d.Time()
	y, m := t.Year(), int(t.Month())-1+n
	y += m / 12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	day := min(t.Day(), daysIn(y, time.Month(m+1)))
	return NewDate(y, time.Month(m+1), day)
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ClampedDate returns y-m-d with the day clamped to the month's length (29 February in a common
// year becomes 28 February), as cycle start days must be usable every year.
func ClampedDate(y int, m time.Month, d int) Date {
	return NewDate(y, m, min(d, daysIn(y, m)))
}

// AgeAt returns the age in whole years on day at: the birthday counts from its own day.
func AgeAt(dob, at Date) int {
	a, b := dob.Time(), at.Time()
	age := b.Year() - a.Year()
	if b.Month() < a.Month() || (b.Month() == a.Month() && b.Day() < a.Day()) {
		age--
	}
	return age
}

// RoundDiv divides n by d (d > 0) rounding half away from zero, the rounding SQL Server applies
// when a decimal is stored with fewer places.
func RoundDiv(n, d int64) int64 {
	if n < 0 {
		return -RoundDiv(-n, d)
	}
	return (n + d/2) / d
}
