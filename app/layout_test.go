package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/openimis-go/openimis"

// transports are the packages that each speak one protocol; they share internal/httpx and
// nothing else, so that a change to one protocol cannot reach another.
var transports = []string{"ui", "api", "restv3", "fhir"}

// sourceFiles parses the non-test Go files of one package directory of the module.
func sourceFiles(t *testing.T, dir string) []*ast.File {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("..", dir))
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		t.Fatal(err)
	}
	var files []*ast.File
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join("..", dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// moduleImports lists the packages of this module that the files import, relative to the root
// ("" is the domain package).
func moduleImports(files []*ast.File) []string {
	var out []string
	for _, f := range files {
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			if path == module {
				out = append(out, "")
			} else if rel, ok := strings.CutPrefix(path, module+"/"); ok {
				out = append(out, rel)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestTransportsImportNoOtherTransport(t *testing.T) {
	for _, pkg := range append([]string{"internal/httpx", "store"}, transports...) {
		for _, imp := range moduleImports(sourceFiles(t, pkg)) {
			if slices.Contains(transports, imp) && imp != pkg {
				t.Errorf("%s imports %s: transports share internal/httpx, the domain and store only", pkg, imp)
			}
		}
	}
}

// domainLibraries are the only modules the domain may use besides the standard library: its ID
// type is a UUID.
var domainLibraries = []string{"github.com/google/uuid"}

func TestDomainImportsOnlyTheStandardLibrary(t *testing.T) {
	for _, f := range sourceFiles(t, ".") {
		for _, spec := range f.Imports {
			path, _ := strconv.Unquote(spec.Path.Value)
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") && !slices.Contains(domainLibraries, path) {
				t.Errorf("the domain package imports %s: its rules must stay pure", path)
			}
		}
	}
}

func TestStoreRegistersNothingAtStart(t *testing.T) {
	for _, f := range sourceFiles(t, "store") {
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == "init" {
				t.Errorf("store has an init function in package %s: write paths must be visible from their callers", f.Name.Name)
			}
		}
	}
}

// TestStoreSpeaksNoProtocol keeps the wire formats and result codes of the protocols in their
// transport packages: store names what it keeps in the domain's words.
func TestStoreSpeaksNoProtocol(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("..", "store"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "rest_") {
			t.Errorf("store/%s: store files are named for their subject, not for a protocol", e.Name())
		}
	}
	protocolName := func(name string) bool {
		return ast.IsExported(name) && (strings.HasPrefix(name, "Phone") || strings.HasPrefix(name, "Wire"))
	}
	for _, f := range sourceFiles(t, "store") {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if protocolName(d.Name.Name) {
					t.Errorf("store declares %s: name it for what it is in the domain", d.Name.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if protocolName(s.Name.Name) {
							t.Errorf("store declares %s: name it for what it is in the domain", s.Name.Name)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if protocolName(n.Name) {
								t.Errorf("store declares %s: name it for what it is in the domain", n.Name)
							}
						}
					}
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if field, ok := n.(*ast.Field); ok && field.Tag != nil && strings.Contains(field.Tag.Value, "json:") {
				t.Errorf("store has a struct field with the tag %s: wire types belong to their transport", field.Tag.Value)
			}
			return true
		})
	}
}
