package api

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// jsonInput reads a JSON object: field values may be strings, numbers or booleans; each child
// set is an array of objects.
func jsonInput(body map[string]json.RawMessage, reg *imis.Register) (store.Input, error) {
	in := store.Input{Raw: map[string]string{}, Rows: map[string][]map[string]string{}}
	for _, f := range reg.Fields {
		if v, ok := body[f.Name]; ok {
			s, err := jsonScalar(v)
			if err != nil {
				return in, fieldError(f.Name, "error.json_value")
			}
			in.Raw[f.Name] = s
		}
	}
	for _, c := range reg.Children {
		v, ok := body[c.Name]
		if !ok {
			continue
		}
		var rows []map[string]json.RawMessage
		if err := json.Unmarshal(v, &rows); err != nil {
			return in, fieldError(c.Name, "error.json_rows")
		}
		in.Rows[c.Name] = []map[string]string{}
		for i, row := range rows {
			out := map[string]string{}
			for _, f := range c.Fields {
				if rv, ok := row[f.Name]; ok {
					s, err := jsonScalar(rv)
					if err != nil {
						return in, fieldError(imis.ChildKey(c.Name, i, f.Name), "error.json_value")
					}
					out[f.Name] = s
				}
			}
			in.Rows[c.Name] = append(in.Rows[c.Name], out)
		}
	}
	return in, nil
}

func jsonScalar(v json.RawMessage) (string, error) {
	var x any
	dec := json.NewDecoder(strings.NewReader(string(v)))
	dec.UseNumber()
	if err := dec.Decode(&x); err != nil {
		return "", err
	}
	switch t := x.(type) {
	case nil:
		return "", nil
	case string:
		return t, nil
	case json.Number:
		return t.String(), nil
	case bool:
		return strconv.FormatBool(t), nil
	}
	return "", fmt.Errorf("not a scalar")
}

func fieldError(field, key string, args ...any) error {
	p := imis.Problems{}
	p.Add(field, key, args...)
	return p.Err()
}
