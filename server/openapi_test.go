package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/julienschmidt/httprouter"

	"parley/server"
	"parley/server/admin"
	"parley/server/testenv"
)

// TestOpenAPIMatchesRouters builds every router and holds it to its
// OpenAPI document: each route is documented, and each documented
// operation reaches a route (without credentials it gets the route's 401,
// not the router's 404 or 405). A new dialect needs only its line in
// server.Dialects().
func TestOpenAPIMatchesRouters(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	type api struct {
		name string
		h    http.Handler
		doc  []byte
	}
	apis := []api{{"admin", admin.New(env.Service, admin.Tools{}), admin.OpenAPI}}
	for _, d := range server.Dialects() {
		apis = append(apis, api{d.Name, d.New(env.Service), d.OpenAPI})
	}
	for _, a := range apis {
		t.Run(a.name, func(t *testing.T) {
			if a.doc == nil {
				t.Fatalf("%s has no OpenAPI document", a.name)
			}
			ops, err := server.Operations(a.doc)
			if err != nil {
				t.Fatal(err)
			}
			var routes []server.Operation
			switch h := a.h.(type) {
			case *httprouter.Router:
				routes = routerPatterns(h)
			case interface{ Patterns() []string }:
				// A ServeMux cannot list its routes; such a handler
				// lists the patterns it registered.
				for _, p := range h.Patterns() {
					method, path, _ := strings.Cut(p, " ")
					routes = append(routes, server.Operation{Method: method, Path: path})
				}
			default:
				t.Fatalf("%s is a %T; this test lists httprouter routes and handlers with Patterns only", a.name, a.h)
			}
			for _, rt := range routes {
				if !documented(rt, ops) {
					t.Errorf("route %s %s is missing from the OpenAPI document", rt.Method, rt.Path)
				}
			}
			for _, op := range ops {
				path := strings.NewReplacer("{", "x", "}", "").Replace(op.Path)
				rec := httptest.NewRecorder()
				a.h.ServeHTTP(rec, httptest.NewRequest(op.Method, path, nil))
				if rec.Code == http.StatusNotFound || rec.Code == http.StatusMethodNotAllowed {
					t.Errorf("documented %s %s has no route: %d %s", op.Method, op.Path, rec.Code, rec.Body)
				}
			}
		})
	}
}

// documented reports whether an operation of the document takes the
// router's route: the same method and static segments, where a router
// parameter may stand for a documented word (routes registered as their
// parameter sibling and dispatched on the word).
func documented(rt server.Operation, ops []server.Operation) bool {
	segs := strings.Split(rt.Path, "/")
	for _, op := range ops {
		o := strings.Split(op.Path, "/")
		if op.Method != rt.Method || len(o) != len(segs) {
			continue
		}
		match := true
		for i, s := range segs {
			routerParam, docParam := strings.HasPrefix(s, "{"), strings.HasPrefix(o[i], "{")
			if docParam && !routerParam || !routerParam && s != o[i] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

// routerPatterns lists the routes registered on an httprouter.Router,
// with parameters spelled {name}. httprouter keeps them in unexported
// radix trees; reading them (never changing them) is all this does.
func routerPatterns(r *httprouter.Router) []server.Operation {
	var out []server.Operation
	trees := reflect.ValueOf(r).Elem().FieldByName("trees")
	for _, method := range trees.MapKeys() {
		var walk func(n reflect.Value, prefix string)
		walk = func(n reflect.Value, prefix string) {
			n = n.Elem()
			path := prefix + n.FieldByName("path").String()
			if !n.FieldByName("handle").IsNil() {
				out = append(out, server.Operation{Method: method.String(), Path: braces(path)})
			}
			children := n.FieldByName("children")
			for i := range children.Len() {
				walk(children.Index(i), path)
			}
		}
		walk(trees.MapIndex(method), "")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Method+out[i].Path < out[j].Method+out[j].Path })
	return out
}

func braces(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

func TestOpenAPIDocumentsAreServed(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	paths := []string{"/admin/v1/openapi.json"}
	for _, d := range server.Dialects() {
		paths = append(paths, d.Prefix+"openapi.json")
	}
	for _, p := range paths {
		resp, body := env.Do("GET", p, "")
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"openapi": "3.`) {
			t.Errorf("%s: %d %.80s", p, resp.StatusCode, body)
		}
	}
}

// TestOpenAPIDocumentsHold checks each document on its own: every $ref
// names a schema it defines, every {param} of a path is declared as a path
// parameter of each of its operations, and every operation has responses.
func TestOpenAPIDocumentsHold(t *testing.T) {
	t.Parallel()
	docs := map[string][]byte{"admin": admin.OpenAPI}
	for _, d := range server.Dialects() {
		docs[d.Name] = d.OpenAPI
	}
	for name, raw := range docs {
		var doc struct {
			Paths      map[string]map[string]json.RawMessage `json:"paths"`
			Components struct {
				Schemas map[string]json.RawMessage `json:"schemas"`
			} `json:"components"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, ref := range refs.FindAllStringSubmatch(string(raw), -1) {
			if _, ok := doc.Components.Schemas[ref[1]]; !ok {
				t.Errorf("%s: $ref to undefined schema %s", name, ref[1])
			}
		}
		for path, item := range doc.Paths {
			for method, rawOp := range item {
				var op struct {
					Parameters []struct{ Name, In string }
					Responses  map[string]json.RawMessage
				}
				if err := json.Unmarshal(rawOp, &op); err != nil {
					t.Fatalf("%s %s %s: %v", name, method, path, err)
				}
				if len(op.Responses) == 0 {
					t.Errorf("%s %s %s: no responses", name, method, path)
				}
				for _, p := range params.FindAllStringSubmatch(path, -1) {
					declared := false
					for _, d := range op.Parameters {
						declared = declared || d.In == "path" && d.Name == p[1]
					}
					if !declared {
						t.Errorf("%s %s %s: path parameter %s is not declared", name, method, path, p[1])
					}
				}
			}
		}
	}
}

var (
	refs   = regexp.MustCompile(`"\$ref":\s*"#/components/schemas/([^"]+)"`)
	params = regexp.MustCompile(`\{([^}]+)\}`)
)
