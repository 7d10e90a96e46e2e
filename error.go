package imis

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Error codes. Each maps to one HTTP status in the web package.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ELOCKED       = "locked"
	ETOOMANY      = "too_many_requests"
	EUNAVAILABLE  = "unavailable" // the database cannot be reached for now: not the user's doing
	EINTERNAL     = "internal"
)

// Error is a failure the user can act on. Message is a message-catalogue key or plain text;
// Fields holds per-field problems (field name -> message) so forms can show them in place.
// Reason, when set, names the refusal for the programs that act on it.
type Error struct {
	Code    string
	Reason  Reason
	Message string
	Args    []any
	Fields  map[string]FieldError
}

// Reason names a refusal that a caller acts on, such as a protocol answering with a code of its
// own; the message key is for people and may change with the wording.
type Reason string

// Reasons callers act on.
const (
	ReasonDuplicate       Reason = "duplicate"        // a unique value already belongs to another current record
	ReasonReceiptUsed     Reason = "receipt_used"     // the receipt is already used for the product
	ReasonPolicyDuplicate Reason = "policy_duplicate" // the family already holds the policy (product, enrolment date, stage)
	ReasonPaymentDecision Reason = "payment_decision" // the payment leaves the policy unpaid: say whether to wait, activate or suspend

	ReasonNoHead       Reason = "no_head"       // the family has no head among its members
	ReasonHeadTaken    Reason = "head_taken"    // the head's insurance number belongs to another family
	ReasonNumberTaken  Reason = "number_taken"  // an insurance number belongs to someone else, or comes twice
	ReasonTwoHeads     Reason = "two_heads"     // the family would have two heads
	ReasonNumberAbsent Reason = "number_absent" // no insuree in the user's districts holds the insurance number

	ReasonAlreadyDone      Reason = "already_done"       // the same request was carried out before
	ReasonAlreadyRenewed   Reason = "already_renewed"    // the policy was renewed by another request
	ReasonRenewalDeclined  Reason = "renewal_declined"   // the family declined the renewal
	ReasonNotRenewable     Reason = "not_renewable"      // the policy cannot be renewed: its state, the product or a register's rule
	ReasonLateRenewal      Reason = "late_renewal"       // the renewal comes after the product's renewal grace period
	ReasonRenewalProduct   Reason = "renewal_product"    // the product is neither the renewed policy's nor one it converts into
	ReasonNoPreviousPolicy Reason = "no_previous_policy" // the family holds no policy that the renewal could continue
)

// FieldError is the problem with one input field, as a catalogue key plus arguments.
type FieldError struct {
	Key  string
	Args []any
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code + ": " + e.Message)
	for _, a := range e.Args {
		fmt.Fprintf(&b, " %v", a)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		f := e.Fields[k]
		b.WriteString("; " + k + ": " + f.Key)
		for _, a := range f.Args {
			fmt.Fprintf(&b, " %v", a)
		}
	}
	return b.String()
}

// Errorf returns an Error with the given code, message key and message arguments.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Message: key, Args: args}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not an *Error, "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ReasonOf returns the reason of err, "" when it has none.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// ErrorMessage returns the message key of err; internal errors never show their detail.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "error.internal"
}

// Problems collects per-field errors while validating input.
type Problems map[string]FieldError

// Add records a problem for field unless one is already recorded.
func (p Problems) Add(field, key string, args ...any) {
	if _, ok := p[field]; !ok {
		p[field] = FieldError{Key: key, Args: args}
	}
}

// Err returns an EINVALID Error carrying the problems, or nil when there are none.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "error.invalid_input", Fields: map[string]FieldError(p)}
}
