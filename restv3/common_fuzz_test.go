package restv3

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/openimis-go/openimis/store"
)

// FuzzReadRESTObject feeds any body to the REST v3 decoder and every getter: a body is accepted
// exactly when it is one JSON object of UTF-8 text, refusals are input errors (400), and every value a
// getter accepts is exactly what the body says.
func FuzzReadRESTObject(f *testing.F) {
	for _, s := range []string{
		`{"Family":{"HOFCHFID":"123456782","LocationId":"12","Poverty":"true","FamilyType":"H","Insurees":[{"CHFID":"123456782","DOB":"1980-01-02T00:00:00","IsHead":1,"Gender":"M"}]},"Policies":{"Amount":"1,500.50","EnrollDate":"2024-03-01 10:00"}}`,
		`{"amount":12.5,"AMOUNT":"3"}`, `{"id":12.0,"n":12.5,"big":9223372036854775807,"bigger":9223372036854775808,"exp":1e3,"neg":-0}`,
		`{"date":"2024-02-30","d2":"2024-02-29Tnonsense","d3":"0001-01-01","d4":" 2024-01-01 ","d5":"2024-01-01Z"}`,
		`{"flag":"Yes","f2":"off","f3":2,"f4":null,"f5":[true]}`, `{"text":"a\u0000b","t2":"\ud800","t3":"  padded  ","t4":{}}`,
		`{"list":{"one":1},"l2":[{"a":1},2],"l3":"x","l4":[]}`, `{} trailing`, `{"a":1}{"b":2}`, `[]`, `null`, `"text"`, `12`,
		``, ` `, `{`, `{"a":}`, `{"n":"12.0000000000000001","m":9007199254740993.0}`, `{"ab":1,"AB":2,"aB":3}`, "\xef\xbb\xbf{}", "{\"bad\":\"\xff\"}",
	} {
		f.Add([]byte(s), "amount")
	}
	f.Add([]byte(`{"ab":1,"AB":2,"aB":3}`), "Ab")
	f.Fuzz(func(t *testing.T, body []byte, key string) {
		r := httptest.NewRequest(http.MethodPost, "/rest/api/family", bytes.NewReader(body))
		o, err := readRESTObject(httptest.NewRecorder(), r)
		first := bytes.TrimLeft(body, " \t\r\n")
		if err != nil {
			var ie *restInputError
			if !errors.As(err, &ie) || ie.field != "body" || o != nil {
				t.Fatalf("body %q: %v, %v", body, o, err)
			}
			if json.Valid(body) && utf8.Valid(body) && len(first) > 0 && first[0] == '{' {
				t.Fatalf("valid JSON object %q refused: %v", body, err)
			}
			return
		}
		if o == nil || len(first) == 0 || first[0] != '{' || !json.Valid(body) || !utf8.Valid(body) {
			t.Fatalf("body %q read as %v", body, o)
		}
		checkObject(t, o, key, 0)
	})
}

// checkObject runs every getter on key and on each key of o, and then on nested objects.
func checkObject(t *testing.T, o restObject, key string, depth int) {
	keys := []string{key}
	for k := range o {
		keys = append(keys, k, strings.ToUpper(k))
	}
	for _, k := range keys {
		checkGetters(t, o, k)
		if depth >= 3 {
			continue
		}
		if nested, err := o.object(k); err == nil && nested != nil {
			checkObject(t, nested, key, depth+1)
		}
		items, err := o.list(k)
		if err != nil {
			continue
		}
		for _, item := range items {
			if item == nil {
				t.Fatalf("%q: nil item in %v", k, items)
			}
			checkObject(t, item, key, depth+1)
		}
	}
}

// checkGetters checks what each getter makes of one key against the raw value.
func checkGetters(t *testing.T, o restObject, key string) {
	t.Helper()
	raw, present := o.get(key)
	// Keys are read without regard to case; the exact spelling wins, and otherwise the answer
	// must not depend on the map's order.
	for range 4 {
		if again, p := o.get(key); p != present || fmt.Sprint(again) != fmt.Sprint(raw) {
			t.Fatalf("get(%q) gives %v, then %v", key, raw, again)
		}
	}
	text, err := o.text(key)
	if err != nil {
		checkInputError(t, key, err)
	} else {
		if !store.StorableText(text) || text != strings.TrimSpace(text) {
			t.Fatalf("text(%q) = %q", key, text)
		}
		if s, isString := raw.(string); isString && text != strings.TrimSpace(s) || !present && text != "" {
			t.Fatalf("text(%q) = %q from %#v", key, text, raw)
		}
	}
	if n, ok, err := o.int(key); err != nil {
		checkInputError(t, key, err)
	} else if ok != (text != "") || ok && !exactly(text, big.NewRat(n, 1)) {
		t.Fatalf("int(%q) = %d, %v from %q", key, n, ok, text)
	}
	if m, ok, err := o.money(key); err != nil {
		checkInputError(t, key, err)
	} else if ok != (text != "") || ok && !exactly(strings.TrimSpace(strings.ReplaceAll(text, ",", "")), big.NewRat(int64(m), 100)) {
		t.Fatalf("money(%q) = %s, %v from %q", key, m, ok, text)
	}
	if b, err := o.bool(key); err != nil {
		checkInputError(t, key, err)
	} else if yes := slices.Contains([]string{"true", "1", "yes", "y", "on"}, strings.ToLower(text)); b != yes {
		t.Fatalf("bool(%q) = %v from %q", key, b, text)
	}
	if d, err := o.date(key); err != nil {
		checkInputError(t, key, err)
	} else if !d.IsZero() && !strings.HasPrefix(text, d.String()) || d.IsZero() && text != "" && !strings.HasPrefix(text, "0001-01-01") ||
		len(text) > 10 && text[10] != 'T' && text[10] != ' ' {
		t.Fatalf("date(%q) = %v from %q", key, d, text)
	} else if d2, err := o.requiredDate(key); d2 != d || (err == nil) == d.IsZero() {
		t.Fatalf("requiredDate(%q) = %v, %v; date gives %v", key, d2, err, d)
	}
	if _, err := o.required(key); err == nil && text == "" {
		t.Fatalf("required(%q) accepts a blank", key)
	}
	if nested, err := o.object(key); err != nil {
		checkInputError(t, key, err)
	} else if _, isObject := raw.(map[string]any); isObject != (nested != nil) {
		t.Fatalf("object(%q) = %v from %#v", key, nested, raw)
	}
	items, err := o.list(key)
	if err != nil {
		checkInputError(t, key, err)
		return
	}
	want := 0
	switch x := raw.(type) {
	case map[string]any:
		want = 1
	case []any:
		want = len(x)
	}
	if len(items) != want {
		t.Fatalf("list(%q) = %v from %#v", key, items, raw)
	}
}

// exactly reports whether the decimal text is worth exactly want, with big-number arithmetic.
func exactly(text string, want *big.Rat) bool {
	got, ok := new(big.Rat).SetString(text)
	return ok && got.Cmp(want) == 0
}

// checkInputError fails unless err is the 400 input error naming key (or an item of it).
func checkInputError(t *testing.T, key string, err error) {
	t.Helper()
	var ie *restInputError
	if !errors.As(err, &ie) || !strings.HasPrefix(ie.field, key) {
		t.Fatalf("%q: %v (%T) is not an input error about it", key, err, err)
	}
}
