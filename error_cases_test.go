package imis

import (
	"errors"
	"fmt"
	"testing"
)

// TestErrorCodeAndMessage: a refusal shows its own code and key, even wrapped; any other error is
// internal and never shows its detail; no error has neither.
func TestErrorCodeAndMessage(t *testing.T) {
	refusal := Errorf(ECONFLICT, "error.receipt_used")
	for _, tc := range []struct {
		name          string
		err           error
		code, message string
	}{
		{"a refusal", refusal, ECONFLICT, "error.receipt_used"},
		{"a wrapped refusal", fmt.Errorf("save: %w", refusal), ECONFLICT, "error.receipt_used"},
		{"an internal error", errors.New("disk full"), EINTERNAL, "error.internal"},
		{"no error", nil, "", ""},
	} {
		if code, message := ErrorCode(tc.err), ErrorMessage(tc.err); code != tc.code || message != tc.message {
			t.Errorf("%s: %q, %q; want %q, %q", tc.name, code, message, tc.code, tc.message)
		}
	}
}

// TestProblemsErr: collected field problems make one invalid-input error that names each field,
// in field order; none make no error.
func TestProblemsErr(t *testing.T) {
	if err := (Problems{}).Err(); err != nil {
		t.Fatalf("no problems gave %v", err)
	}
	p := Problems{}
	p.Add("name", "error.required")
	p.Add("code", "error.too_long", 8)
	p.Add("name", "error.too_long", 100)
	err := p.Err()
	if ErrorCode(err) != EINVALID {
		t.Fatalf("code %q, want %q", ErrorCode(err), EINVALID)
	}
	if got, want := err.Error(), "invalid: error.invalid_input; code: error.too_long 8; name: error.required"; got != want {
		t.Fatalf("%q, want %q", got, want)
	}
}
