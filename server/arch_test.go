package server

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDependencyDirection guards the walls of docs/architecture.md: dialects and the admin
// API reach storage only through the core, and the core imports the
// standard library alone (no transport, no JSON, no SQL, no afero).
func TestDependencyDirection(t *testing.T) {
	rules := []struct {
		dir     string
		allowed func(path string) bool
	}{
		{"core", func(p string) bool {
			// The core's own subpackages (storetest) may import the core.
			return !strings.Contains(strings.Split(p, "/")[0], ".") &&
				(!strings.HasPrefix(p, "parley/") || p == "parley/server/core") &&
				p != "net/http" && p != "encoding/json" && p != "database/sql"
		}},
		{"dialect", func(p string) bool { return p != "parley/db" && p != "parley/blobstore" }},
		{"admin", func(p string) bool { return p != "parley/db" && p != "parley/blobstore" }},
	}
	for _, rule := range rules {
		err := filepath.WalkDir(rule.dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
			if err != nil {
				return err
			}
			if src, err := os.ReadFile(path); err == nil && rule.dir != "core" && strings.Contains(string(src), "StartupCaller") {
				t.Errorf("%s calls StartupCaller: a request path must authenticate", path)
			}
			for _, imp := range f.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if !rule.allowed(p) {
					t.Errorf("%s imports %s, which docs/architecture.md forbids there", path, p)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
