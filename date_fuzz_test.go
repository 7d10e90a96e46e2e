package imis

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// zeroDateText is the text of the zero Date, which ParseDate accepts and which therefore reads as
// "no date".
const zeroDateText = "0001-01-01"

// FuzzParseDate checks that an accepted date is exactly the text it was read from (no silent
// normalisation such as 31 April becoming 1 May) and survives a trip through the database.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2021-01-31", "2020-02-29", "2021-02-29", "2021-04-31", "2021-13-01", "2021-00-10", "2021-1-5",
		" 2021-03-04\n", "2021-03-04T10:00:00", "21-03-04", "0000-01-01", zeroDateText, "9999-12-31",
		"", "----------", "２０２１-01-01", "+2021-01-01",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("ParseDate(%q) fails yet returns %v", s, d)
			}
			return
		}
		text := strings.TrimSpace(s)
		if d.IsZero() {
			if text != zeroDateText {
				t.Fatalf("ParseDate(%q) gives the zero date", s)
			}
			return
		}
		if d.String() != text {
			t.Fatalf("ParseDate(%q) = %s", s, d)
		}
		tm := d.Time()
		if tm.Location() != time.UTC || tm.Hour()+tm.Minute()+tm.Second()+tm.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) holds %v, not midnight UTC", s, tm)
		}
		v, _ := d.Value()
		var back Date
		if err := back.Scan(v); err != nil || back != d {
			t.Fatalf("%s stored as %v scans back as %v, %v", d, v, back, err)
		}
	})
}

// FuzzDateScan checks what the database may hand back: text is read by its first ten characters
// (PostgreSQL and drivers may add a time of day) and never panics, whatever the bytes.
func FuzzDateScan(f *testing.F) {
	for _, s := range []string{"2021-01-31", "2021-01-31 00:00:00+00", "2021-01-31T00:00:00Z", "2021-01-3", "", "é2021-01-31", "not a date at all"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []any{s, []byte(s)} {
			var d Date
			if err := d.Scan(v); err != nil {
				continue
			}
			head := s[:min(len(s), 10)]
			if !d.IsZero() && d.String() != strings.TrimSpace(head) || d.IsZero() && strings.TrimSpace(head) != zeroDateText {
				t.Fatalf("Scan(%T %q) = %v", v, s, d)
			}
		}
	})
}

// FuzzParseCycle checks that an accepted cycle start is a day that exists in its month (29
// February included, which ClampedDate moves in common years) and that its canonical dd-mm form
// reads back the same.
func FuzzParseCycle(f *testing.F) {
	for _, s := range []string{"01-07", "1-7", "31-12", "29-02", "30-02", "31-04", "00-01", "01-13", "01-00", "0107", "-01-07", "01-07-2021", " 15-06 ", "+1-+7", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		day, month, err := ParseCycle(s)
		if err != nil {
			return
		}
		if month < time.January || month > time.December || day < 1 || day > daysInReference(2024, month) {
			t.Fatalf("ParseCycle(%q) = day %d of month %d", s, day, month)
		}
		canonical := fmt.Sprintf("%02d-%02d", day, month)
		if d2, m2, err := ParseCycle(canonical); err != nil || d2 != day || m2 != month {
			t.Fatalf("ParseCycle(%q) = %d, %d, %v after ParseCycle(%q) = %d, %d", canonical, d2, m2, err, s, day, month)
		}
		for _, year := range []int{2023, 2024} {
			c := ClampedDate(year, month, day)
			if c.Time().Month() != month || c.Time().Day() != min(day, daysInReference(year, month)) {
				t.Fatalf("cycle %q in %d starts on %s", s, year, c)
			}
		}
	})
}

// daysInReference counts a month's days by the Gregorian rule, apart from daysIn.
func daysInReference(year int, m time.Month) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// FuzzAddMonths checks calendar month arithmetic against counting months: the result lies n
// months away, keeps the day or clamps it to the month's last, and a clamped-free move of whole
// years adds exactly that many years of age.
func FuzzAddMonths(f *testing.F) {
	for _, s := range []struct {
		year       uint16
		month, day uint8
		months     int16
	}{
		{2021, 1, 31, 1}, {2020, 1, 31, 1}, {2020, 2, 29, 12}, {2021, 3, 31, -1}, {2021, 1, 10, -13},
		{2021, 12, 15, 1}, {2021, 12, 31, -12}, {1900, 1, 1, -1}, {2200, 12, 31, 1}, {2021, 5, 31, 0},
	} {
		f.Add(s.year, s.month, s.day, s.months)
	}
	f.Fuzz(func(t *testing.T, yearRaw uint16, monthRaw, dayRaw uint8, monthsRaw int16) {
		year := 1900 + int(yearRaw)%301
		month := time.Month(1 + int(monthRaw)%12)
		day := 1 + int(dayRaw)%daysInReference(year, month)
		n := int(monthsRaw) % 2400
		from := NewDate(year, month, day)
		got := from.AddMonths(n)
		index := year*12 + int(month) - 1 + n
		wantYear, wantMonth := index/12, time.Month(index%12+1)
		want := NewDate(wantYear, wantMonth, min(day, daysInReference(wantYear, wantMonth)))
		if got != want {
			t.Fatalf("%s %+d months = %s, want %s", from, n, got, want)
		}
		if n >= 0 && n%12 == 0 && got.Time().Day() == day {
			if age := AgeAt(from, got); age != n/12 {
				t.Fatalf("age on %s of someone born %s: %d, want %d", got, from, age, n/12)
			}
			if age := AgeAt(from, got.AddDays(-1)); age != n/12-1 {
				t.Fatalf("age on the eve of %s of someone born %s: %d, want %d", got, from, age, n/12-1)
			}
		}
	})
}
