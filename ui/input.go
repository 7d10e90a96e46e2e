package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// formInput reads a record form. A checkbox is sent after its hidden "false" twin, so the last
// value wins; a mask field's checked bits are joined.
func formInput(r *http.Request, reg *imis.Register) store.Input {
	in := store.Input{Raw: map[string]string{}, Rows: map[string][]map[string]string{}}
	for _, f := range reg.Fields {
		vals := r.PostForm[f.Name]
		switch {
		case len(vals) == 0:
			if f.Kind == imis.FieldMask {
				in.Raw[f.Name] = "0"
			}
		case f.Kind == imis.FieldMask:
			in.Raw[f.Name] = strings.Join(vals, ",")
		default:
			in.Raw[f.Name] = vals[len(vals)-1]
		}
	}
	for _, c := range reg.Children {
		indexes := map[int]bool{}
		prefix := c.Name + "."
		for k := range r.PostForm {
			if rest, ok := strings.CutPrefix(k, prefix); ok {
				if i, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0]); err == nil && i >= 0 && i < 5000 {
					indexes[i] = true
				}
			}
		}
		order := make([]int, 0, len(indexes))
		for i := range indexes {
			order = append(order, i)
		}
		slices.Sort(order)
		for _, i := range order {
			row := map[string]string{}
			for _, f := range c.Fields {
				row[f.Name] = r.PostFormValue(imis.ChildKey(c.Name, i, f.Name))
			}
			in.Rows[c.Name] = append(in.Rows[c.Name], row)
		}
	}
	return in
}
