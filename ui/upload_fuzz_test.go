package ui

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

// FuzzReadDiagnosesCSV feeds any file to the diagnoses upload: it never panics, refuses with an
// invalid-input error and a CSV message key, and a file it accepts holds distinct codes valid for
// the register, which written out again as CSV read back the same.
func FuzzReadDiagnosesCSV(f *testing.F) {
	for _, s := range []string{
		"code,name\nA00,Cholera (renamed)\nZ991,New test diagnosis\nA01,Typhoid and paratyphoid fevers\n",
		"\ufeffICDCode,ICDName\r\nZ992,Windows line ends\r\n", "name;code\nA;B\n", "Name,Code,Extra\n\"Quoted, name\",Q1,x\n",
		"code,name\nA00,One\nA00,Two\n", "code,name\nA 0,Spaces\n", "code,name\nTOOLONGCODE,Name\n", "code,name\nA00,\n",
		"code,name\nA00\n", "code,name\n\n\nA00,Blank lines\n", "code,name\n\"A00,Unclosed\n", "code,name\n", "", "\n",
		"code,name\nA00,\x00\n", "code,name\nA00,\xff\n", "code,name\nA00,\"multi\nline\"\nB00,After\n", "code,name\n  B01 ,  padded  \n",
		"ICDNAME,ICDCODE\nx,y\n", "code,code,name\nA,B,C\n",
	} {
		f.Add(s)
	}
	keys := []string{"error.csv_empty", "error.csv_header", "error.csv_syntax", "error.csv_columns", "error.csv_encoding", "error.csv_field", "error.csv_duplicate"}
	codeField, _ := imis.Diagnoses.Field("code")
	nameField, _ := imis.Diagnoses.Field("name")
	f.Fuzz(func(t *testing.T, content string) {
		rows, err := readDiagnosesCSV(strings.NewReader(content))
		if err != nil {
			var e *imis.Error
			if !errors.As(err, &e) || e.Code != imis.EINVALID || !slices.Contains(keys, e.Message) || rows != nil {
				t.Fatalf("%q: %v, %v", content, rows, err)
			}
			return
		}
		if len(rows) == 0 {
			t.Fatalf("%q accepted with no rows", content)
		}
		// Written back as a spreadsheet saves it (byte-order mark, openIMIS's header, columns
		// swapped), the rows must read the same.
		out := bytes.NewBufferString("\ufeff")
		w := csv.NewWriter(out)
		_ = w.Write([]string{"ICDName", "ICDCode"})
		seen := map[string]bool{}
		for _, v := range rows {
			code, name := v["code"], v["name"]
			for _, check := range []struct {
				f imis.Field
				v any
			}{{codeField, code}, {nameField, name}} {
				if back, fe := check.f.Parse(fmt.Sprint(check.v)); fe != nil || back != check.v {
					t.Fatalf("%q: %s %q is not a valid value (%v)", content, check.f.Name, check.v, fe)
				}
			}
			if !store.StorableText(code.(string) + name.(string)) {
				t.Fatalf("%q: row %q %q cannot be stored", content, code, name)
			}
			if seen[code.(string)] {
				t.Fatalf("%q: code %q twice", content, code)
			}
			seen[code.(string)] = true
			_ = w.Write([]string{name.(string), code.(string)})
		}
		w.Flush()
		written := out.String()
		again, err := readDiagnosesCSV(strings.NewReader(written))
		if err != nil || fmt.Sprint(again) != fmt.Sprint(rows) {
			t.Fatalf("%q gives %v, which written back as %q reads %v, %v", content, rows, written, again, err)
		}
	})
}
