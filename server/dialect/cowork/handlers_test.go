package cowork

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestOneCoreCallPerHandler: every handler (a method of api with the
// handler signature) makes at most one call on the core service; the
// core gathers whatever else the route needs. Limits reads configuration,
// not the core's state.
func TestOneCoreCallPerHandler(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	handlers := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Body == nil || !isHandler(fn.Type) {
				continue
			}
			handlers++
			var calls []string
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "svc" && sel.Sel.Name != "Limits" {
					calls = append(calls, sel.Sel.Name)
				}
				return true
			})
			if len(calls) > 1 {
				t.Errorf("%s: handler %s makes %d core calls (%s); give the core one call that does it all",
					fset.Position(fn.Pos()), fn.Name.Name, len(calls), strings.Join(calls, ", "))
			}
		}
	}
	if handlers < 20 {
		t.Fatalf("found only %d handlers: the test no longer recognises them", handlers)
	}
}

// isHandler reports whether a function has the handler signature
// (w, r, c, p) error.
func isHandler(ft *ast.FuncType) bool {
	if ft.Params == nil || len(ft.Params.List) == 0 || ft.Results == nil || len(ft.Results.List) != 1 {
		return false
	}
	n := 0
	for _, p := range ft.Params.List {
		n += max(1, len(p.Names))
	}
	last := ft.Params.List[len(ft.Params.List)-1].Type
	sel, ok := last.(*ast.SelectorExpr)
	return n == 4 && ok && sel.Sel.Name == "Params"
}
