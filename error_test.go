package imis

import (
	"errors"
	"fmt"
	"testing"
)

func TestReasonOf(t *testing.T) {
	used := &Error{Code: ECONFLICT, Reason: ReasonReceiptUsed, Message: "error.receipt_used"}
	for _, tc := range []struct {
		name string
		err  error
		want Reason
	}{
		{"a refusal carries its reason", used, ReasonReceiptUsed},
		{"a wrapped refusal keeps its reason", fmt.Errorf("upload: %w", used), ReasonReceiptUsed},
		{"a refusal without a reason has none", Errorf(ECONFLICT, "error.receipt_used"), ""},
		{"an internal error has none", errors.New("disk full"), ""},
		{"no error has none", nil, ""},
	} {
		if got := ReasonOf(tc.err); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
