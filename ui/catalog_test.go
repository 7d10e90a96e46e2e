package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/i18n"
	"github.com/openimis-go/openimis/internal/httpx"
)

// TestEveryVisibleStringIsInTheCatalogue checks that every key the templates, menus and
// registers use has an English message, so no screen shows a raw key.
func TestEveryVisibleStringIsInTheCatalogue(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	literal := regexp.MustCompile(`\.T "([a-z_.\-]+)"`)
	err = fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	keys = append(keys, menuAreas...)
	for _, e := range menuEntries {
		keys = append(keys, e.area, e.label)
	}
	p := &page{s: &server{Kit: &httpx.Kit{Cat: cat}}, Lang: "en"}
	for _, reg := range imis.AllRegisters {
		keys = append(keys, "register."+reg.Name, "register."+reg.Name+".one")
		for _, f := range reg.Fields {
			if got := p.fieldLabel(reg, f.Name); strings.HasPrefix(got, "field.") {
				t.Errorf("%s.%s has no label", reg.Name, f.Name)
			}
			for _, c := range f.Choices {
				keys = append(keys, c.Label)
			}
		}
		for _, c := range reg.Children {
			keys = append(keys, "child."+reg.Name+"."+c.Name)
			for _, f := range c.Fields {
				if got := p.fieldLabel(reg, c.Name+"."+f.Name); strings.HasPrefix(got, "field.") {
					t.Errorf("%s.%s.%s has no label", reg.Name, c.Name, f.Name)
				}
			}
		}
	}
	errorKey := regexp.MustCompile(`"(error\.[a-z_]+)"`)
	for _, dir := range []string{"..", "../store", ".", "../app", "../api", "../restv3", "../internal/httpx"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range errorKey.FindAllStringSubmatch(string(b), -1) {
				keys = append(keys, m[1])
			}
		}
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("catalogue has no message for %q", k)
		}
	}
	if len(keys) < 100 {
		t.Fatalf("found only %d keys: the scan is broken", len(keys))
	}
}

// TestPolicyStatusShownByName checks that a status kept as a number is shown by its label.
func TestPolicyStatusShownByName(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	p := &page{s: &server{Kit: &httpx.Kit{Cat: cat}}, Lang: "en"}
	f, _ := imis.Policies.Field("status")
	for v, want := range map[int64]string{1: "Idle", 2: "Active", 4: "Suspended", 8: "Expired", 16: "Ready"} {
		if got := p.display(f, v, nil); got != want {
			t.Errorf("status %d shown as %q, want %q", v, got, want)
		}
	}
	if _, fe := f.Parse("3"); fe == nil || fe.Key != "error.choice" {
		t.Errorf("status 3 accepted as a filter: %v", fe)
	}
}
