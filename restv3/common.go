package restv3

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The plumbing shared by the mobile REST v3 handlers: token and rights checks with the answers the
// apps expect, and a lenient reader of their JSON bodies (keys in any case, numbers as strings).

// maxRESTBodyBytes bounds a REST v3 body. An enrolment upload carries photos in base64, so it is
// larger than a form: several members with a 2 MiB photo each.
const maxRESTBodyBytes = 32 << 20

// Rights of the REST v3 endpoints (RA:OpenImis.Security/Security/Rights.cs), named here so the
// route table reads as the endpoint inventory does.
const (
	rightFamilySearch   = imis.RightFamilySearch
	rightFamilyAdd      = imis.RightFamilyAdd
	rightInsureeEnquire = imis.RightInsureeEnquire
	rightPolicySearch   = imis.RightPolicySearch
	rightPolicyDelete   = imis.RightPolicyDelete
	rightPolicyRenew    = imis.RightPolicyRenew
)

// restAuth wraps a REST v3 handler that needs a bearer token and every one of the rights (the
// REST API's AND semantics). A missing or bad token is 401 and a missing right 403, both with an
// empty body, as the apps expect.
func (s *server) restAuth(h http.HandlerFunc, rights ...imis.Right) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := httpx.Bearer(r)
		var u *imis.User
		if ok {
			var err error
			if u, err = s.TokenUser(r.Context(), token); err != nil {
				s.restFail(w, r, err)
				return
			}
		}
		if u == nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if !u.CanAll(rights...) {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		h(w, r.WithContext(imis.NewContextWithUser(r.Context(), u)))
	}
}

// restInputError is a body the handler cannot act on: the field it names and why.
type restInputError struct{ field, reason string }

func (e *restInputError) Error() string { return e.field + ": " + e.reason }

func inputError(field, reason string) error { return &restInputError{field: field, reason: reason} }

// restFail answers an input error with 400 and the REST error envelope, an unavailable database
// with 503 and Retry-After, and anything else with 500, logged, since its detail is not for the
// client.
func (s *server) restFail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *restInputError
	if errors.As(err, &ie) {
		writeRESTError(w, http.StatusBadRequest, ie.Error())
		return
	}
	s.Log.Error("rest", "path", r.URL.Path, "err", err)
	if status := httpx.Status(err); status == http.StatusServiceUnavailable {
		httpx.SetRetryAfter(w, status)
		writeRESTError(w, status, "Service Unavailable")
		return
	}
	writeRESTError(w, http.StatusInternalServerError, "Internal Server Error")
}

// writeRESTError writes the REST v3 error envelope.
func writeRESTError(w http.ResponseWriter, status int, msg string) {
	httpx.WriteJSON(w, status, map[string]any{"error_occured": true, "error_message": msg})
}

// restObject is a JSON object of a REST v3 body, read the way the upstream model binding reads
// it: keys without regard to case, numbers and booleans also when they arrive as strings.
type restObject map[string]any

// readRESTObject decodes the request body as one JSON object.
func readRESTObject(w http.ResponseWriter, r *http.Request) (restObject, error) {
	var v any
	if err := httpx.DecodeJSONBody(w, r, maxRESTBodyBytes, &v); err != nil {
		return nil, inputError("body", err.Error())
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, inputError("body", "not a JSON object")
	}
	return restObject(m), nil
}

// get returns the value of key (any case); JSON null counts as absent. When a body spells the key
// several ways and none exactly, the first spelling in byte order wins, so that a body always reads
// the same whatever the map's order.
func (o restObject) get(key string) (any, bool) {
	if v, ok := o[key]; ok {
		return v, v != nil
	}
	found, match := "", false
	for k := range o {
		if strings.EqualFold(k, key) && (!match || k < found) {
			found, match = k, true
		}
	}
	v := o[found]
	return v, match && v != nil
}

// text returns a string value, or the text of a number or boolean; "" when absent.
func (o restObject) text(key string) (string, error) {
	v, ok := o.get(key)
	if !ok {
		return "", nil
	}
	switch x := v.(type) {
	case string:
		if !store.StorableText(x) {
			return "", inputError(key, "contains characters that cannot be stored")
		}
		return strings.TrimSpace(x), nil
	case json.Number:
		return x.String(), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", inputError(key, "not a text")
}

// required returns a string value that must be present and not blank.
func (o restObject) required(key string) (string, error) {
	s, err := o.text(key)
	if err == nil && s == "" {
		err = inputError(key, "required")
	}
	return s, err
}

// int returns a whole number given as a number or a numeric string; ok is false when the key is
// absent or blank.
func (o restObject) int(key string) (n int64, ok bool, err error) {
	s, err := o.text(key)
	if err != nil || s == "" {
		return 0, false, err
	}
	if strings.ContainsAny(s, ".eE") {
		// 12.0 is twelve; 12.5 is not a whole number.
		n, whole := wholeDecimal(s)
		if !whole {
			return 0, false, inputError(key, "not a whole number")
		}
		return n, true, nil
	}
	n, err = strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, inputError(key, "not a whole number")
	}
	return n, true, nil
}

// wholeDecimal reads a decimal with a fraction or an exponent ("12.0", "1.5e3") digit by digit, and
// reports false unless its value is a whole number within int64. A float would take
// 12.0000000000000001 for twelve.
func wholeDecimal(s string) (int64, bool) {
	mantissa, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return 0, false
		}
		mantissa, exp = s[:i], e
	}
	whole, frac, _ := strings.Cut(mantissa, ".")
	digits := whole + frac
	exp -= len(frac)
	for exp < 0 && strings.HasSuffix(digits, "0") {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	if exp < 0 || exp > 18 {
		return 0, false
	}
	n, err := strconv.ParseInt(digits+strings.Repeat("0", exp), 10, 64)
	return n, err == nil
}

// bool reads true/false, 1/0 and their string forms; absent or blank is false.
func (o restObject) bool(key string) (bool, error) {
	s, err := o.text(key)
	if err != nil || s == "" {
		return false, err
	}
	switch strings.ToLower(s) {
	case "true", "1", "yes", "y", "on":
		return true, nil
	case "false", "0", "no", "n", "off":
		return false, nil
	}
	return false, inputError(key, "not a boolean")
}

// money reads an amount given as a number or a string, with at most two decimals.
func (o restObject) money(key string) (m imis.Money, ok bool, err error) {
	s, err := o.text(key)
	if err != nil || s == "" {
		return 0, false, err
	}
	m, perr := imis.ParseMoney(s)
	if perr != nil {
		return 0, false, inputError(key, "not an amount with at most two decimals")
	}
	return m, true, nil
}

// date reads yyyy-MM-dd, also when a time of day follows (the apps' serialisers differ).
func (o restObject) date(key string) (imis.Date, error) {
	s, err := o.text(key)
	if err != nil || s == "" {
		return imis.Date{}, err
	}
	if len(s) > 10 && (s[10] == 'T' || s[10] == ' ') {
		if !timeOfDay.MatchString(s[11:]) {
			return imis.Date{}, inputError(key, "not a valid time of day after the date")
		}
		s = s[:10]
	}
	d, perr := imis.ParseDate(s)
	if perr != nil {
		return imis.Date{}, inputError(key, "not a date in the form yyyy-MM-dd")
	}
	return d, nil
}

// timeOfDay is the clock time the apps may send after a date: it is not kept, but one that is
// no time ("T99:99:99") shows a broken value, which is refused rather than cut off.
var timeOfDay = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$`)

// requiredDate is date for a key that must be present.
func (o restObject) requiredDate(key string) (imis.Date, error) {
	d, err := o.date(key)
	if err == nil && d.IsZero() {
		err = inputError(key, "required")
	}
	return d, err
}

// object returns a nested object; nil when absent.
func (o restObject) object(key string) (restObject, error) {
	v, ok := o.get(key)
	if !ok {
		return nil, nil
	}
	m, isObj := v.(map[string]any)
	if !isObj {
		return nil, inputError(key, "not a JSON object")
	}
	return restObject(m), nil
}

// list returns a nested array of objects; a single object stands for a list of one, as XML-shaped
// clients sometimes send.
func (o restObject) list(key string) ([]restObject, error) {
	v, ok := o.get(key)
	if !ok {
		return nil, nil
	}
	switch x := v.(type) {
	case map[string]any:
		return []restObject{x}, nil
	case []any:
		out := make([]restObject, 0, len(x))
		for i, e := range x {
			m, isObj := e.(map[string]any)
			if !isObj {
				return nil, inputError(fmt.Sprintf("%s[%d]", key, i), "not a JSON object")
			}
			out = append(out, m)
		}
		return out, nil
	}
	return nil, inputError(key, "not a list")
}

// moneyJSON renders an amount in hundredths as an exact JSON number with two decimals, never
// through a float.
func moneyJSON(n int64) json.Number { return json.Number(imis.FormatFixed(n, 2)) }

// optMoneyJSON is moneyJSON for an amount that may be missing (JSON null).
func optMoneyJSON(n *int64) any {
	if n == nil {
		return nil
	}
	return moneyJSON(*n)
}

// restUnsupported are the REST v3 endpoints the contract answers with 501 "not supported":
// commissions, self-renewal, the APK version check and every control-number and payment call of
// the ePayment module. They are listed without a method, so any method gets the same answer.
var restUnsupported = []string{
	"/rest/api/policy/commissions",
	"/rest/api/policy/selfrenewal",
	"/rest/api/system/apkversion/{name}",
	"/rest/api/getcontrolnumbersforeo",
	"/rest/api/getcontrolnumber",
	"/rest/api/getcontrolnumber/single",
	"/rest/api/getassignedcontrolnumbers",
	"/rest/api/requestbulkcontrolnumbers",
	"/rest/api/postreqcontrolnumberack",
	"/rest/api/getreqcontrolnumber",
	"/rest/api/matchpayment",
	"/rest/api/webmatchpayment",
	"/rest/api/payment/cancel",
	"/rest/api/getpaymentdata",
	"/rest/api/providereconciliationdata",
	"/rest/api/reconciliation",
	"/rest/api/getreconciliationdata",
	"/rest/api/policies/get_commissionschf",
	"/rest/api/locations/getofficervillages",
}

// notSupported is the documented answer of the REST v3 endpoints this server does not offer.
func (s *server) notSupported(w http.ResponseWriter, r *http.Request) {
	writeRESTError(w, http.StatusNotImplemented, "not supported")
}
