package imis

import "testing"

func TestCheckInsureeStatus(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    Values
		want []string
	}{
		{"an active insuree needs no date or reason", Values{"status": InsureeActive}, nil},
		{"no status is active", Values{}, nil},
		{"an inactive insuree needs both", Values{"status": InsureeInactive}, []string{"status_date", "status_reason"}},
		{"a dead insuree with a date needs the reason", Values{"status": InsureeDead, "status_date": d("2024-01-01")}, []string{"status_reason"}},
		{"a dead insuree with both is complete", Values{"status": InsureeDead, "status_date": d("2024-01-01"), "status_reason": "Deceased"}, nil},
	} {
		p := Problems{}
		CheckInsureeStatus(tc.v, p)
		if len(p) != len(tc.want) {
			t.Errorf("%s: problems %v, want on %v", tc.name, p, tc.want)
		}
		for _, f := range tc.want {
			if p[f].Key != "error.required" {
				t.Errorf("%s: %s not required: %v", tc.name, f, p)
			}
		}
	}
}

func TestFutureDate(t *testing.T) {
	today := d("2024-05-10")
	for _, tc := range []struct {
		name, field, day, want string
	}{
		{"a payment today", "pay_date", "2024-05-10", ""},
		{"a payment tomorrow", "pay_date", "2024-05-11", "error.pay_date_future"},
		{"an enrolment tomorrow", "enroll_date", "2024-05-11", "error.enroll_date_future"},
		{"an enrolment last year", "enroll_date", "2023-05-11", ""},
		{"a birth tomorrow", "dob", "2024-05-11", "error.dob_future"},
		{"a date that records no event may lie ahead", "expiry_date", "2025-05-11", ""},
	} {
		if got := FutureDate(tc.field, d(tc.day), today); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestBirthDate(t *testing.T) {
	today := d("2024-05-10")
	for _, tc := range []struct {
		name string
		dob  Date
		want string
	}{
		{"none given", Date{}, "error.required"},
		{"the last day of 1899", d("1899-12-31"), "error.date_range"},
		{"the first day of 1900", d("1900-01-01"), ""},
		{"born today", today, ""},
		{"born tomorrow", d("2024-05-11"), "error.dob_future"},
	} {
		if got := BirthDate(tc.dob, today); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
