package restv3_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/openimis-go/openimis/internal/webtest"
)

// The helpers of the REST v3 contract tests: a demo scheme with an enrolled population, and
// requests sent as the mobile apps send them.

// restFamilies is the size of the enrolled population of the REST tests: every policy state
// occurs, and the build stays fast.
const restFamilies = 60

// officerLogin is the demo's enrolment officer of the first district, whose login is the
// officer's code (the openIMIS convention REST v3 relies on).
const (
	officerLogin    = "EO0101"
	officerPassword = "officer123"
)

// keysOf returns the sorted keys of a JSON object.
func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// checkKeys reports when a JSON object's keys are not exactly want.
func checkKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	w := slices.Clone(want)
	sort.Strings(w)
	if got := keysOf(m); !slices.Equal(got, w) {
		t.Errorf("%s keys\n got %v\nwant %v", what, got, w)
	}
}

// array decodes a JSON array of objects, numbers kept as json.Number.
func array(t *testing.T, body string) []map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var out []map[string]any
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("not a JSON array of objects: %v: %.300q", err, body)
	}
	return out
}

// checkEmpty401 checks the REST v3 answer to a request without a valid token.
func checkEmpty401(t *testing.T, what string, r webtest.Response) {
	t.Helper()
	if r.Status != http.StatusUnauthorized || r.Body != "" {
		t.Errorf("%s: status %d body %q, want 401 with an empty body", what, r.Status, r.Body)
	}
}

// checkEnvelope checks a REST v3 error envelope naming the field.
func checkEnvelope(t *testing.T, what string, r webtest.Response, status int, field string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d; body %.300s", what, r.Status, status, r.Body)
		return
	}
	m := webtest.Object(t, r.Body)
	msg, _ := m["error_message"].(string)
	if m["error_occured"] != true || !strings.HasPrefix(msg, field+":") {
		t.Errorf("%s: body %s, want the error envelope naming %s", what, r.Body, field)
	}
}
