package amity_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"parley/server/testenv"
)

// openAPIPath is Amity's own OpenAPI document, beside the repository (CI
// has it); AMITY_OPENAPI names another copy.
func openAPIPath() string {
	if p := os.Getenv("AMITY_OPENAPI"); p != "" {
		return p
	}
	return filepath.Join(testenv.RepoRoot(), "..", "shared", "reference", "amity-openapi.yaml")
}

// TestConformance validates every JSON response of the golden cases in
// testdata/amity against the schema Amity's OpenAPI document gives for its
// path, method and status; error bodies of a status the document does not
// list are validated against its error schema (NotFoundError's). The
// document's schemas are read with its internal references resolved, and
// with three rules applied: a property without a default may be null
// (Parley's rule: a key with no value is null); the document's non-JSON
// type "enum" is no type constraint; and a schema's "required: false"
// (an upstream slip: required is a list) is dropped.
func TestConformance(t *testing.T) {
	path := openAPIPath()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("Amity's OpenAPI document is not at %s, so the conformance test does not run", path)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	errSchema := schemaAt(t, doc, "#/components/responses/NotFoundError/content/application~1json/schema")
	// The check can fail: a message whose segment is a string and whose
	// isDeleted is no boolean is refused.
	created := schemaAt(t, doc, "#/paths/~1api~1v3~1messages/post/responses/200/content/application~1json/schema")
	var bad any
	_ = json.Unmarshal([]byte(`{"messages": [{"channelSegment": "one", "isDeleted": "no"}]}`), &bad)
	if err := created.VisitJSON(bad, openapi3.VisitAsResponse()); err == nil {
		t.Fatal("a message with a string channelSegment passed the document's schema")
	}

	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "amity", "*.txtar"))
	if len(files) == 0 {
		t.Fatal("no golden files in testdata/amity")
	}
	checked, undocumented := 0, map[string]bool{}
	for _, file := range files {
		for _, c := range goldenCases(t, file) {
			where := fmt.Sprintf("%s: %s %s → %d", filepath.Base(file), c.method, c.path, c.status)
			if c.body == nil || !strings.HasPrefix(c.path, "/api/") || (c.status == 200 && strings.Contains(c.path, "/download")) {
				continue // no body, another dialect's request, or a file's bytes
			}
			var v any
			if err := json.Unmarshal(c.body, &v); err != nil {
				t.Errorf("%s: not JSON: %v", where, err)
				continue
			}
			tmpl := template(doc, c.path)
			if tmpl == "/api/v5/sessions" || (tmpl == "" && strings.HasPrefix(c.path, "/api/v5/sessions")) {
				tmpl = "/api/v4/sessions" // the document has v4's; the SDK's v5 is the same
			}
			ptr := fmt.Sprintf("#/paths/%s/%s/responses/%d/content/application~1json/schema",
				escape(tmpl), strings.ToLower(c.method), c.status)
			var schema *openapi3.Schema
			if tmpl != "" && lookup(doc, ptr) != nil {
				schema = schemaAt(t, doc, ptr)
			} else if c.status >= 400 {
				schema = errSchema
			}
			if schema == nil {
				undocumented[fmt.Sprintf("%s %s %d", c.method, tmpl, c.status)] = true
				continue
			}
			if err := schema.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
				t.Errorf("%s: the body does not match the document's schema:\n%v", where, err)
			}
			checked++
		}
	}
	keys := make([]string, 0, len(undocumented))
	for k := range undocumented {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d responses validated; with no schema in the document: %v", checked, keys)
	if checked < 100 {
		t.Errorf("only %d responses validated", checked)
	}
}

func escape(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }

// lookup follows a JSON pointer ("#/a/b~1c/0") through the document;
// pointers may be percent-encoded. nil when there is nothing.
func lookup(doc any, ptr string) any {
	ptr, _ = url.PathUnescape(ptr)
	v := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		for range 10 { // a reference on the way is followed
			m, ok := v.(map[string]any)
			ref, isRef := m["$ref"].(string)
			if !ok || !isRef {
				break
			}
			v = lookup(doc, ref)
		}
		switch x := v.(type) {
		case map[string]any:
			v = x[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
		if v == nil {
			return nil
		}
	}
	return v
}

// schemaAt returns the schema at ptr with its references resolved (a
// reference back into itself becomes an unconstrained schema) and the
// test's rules applied.
func schemaAt(t *testing.T, doc any, ptr string) *openapi3.Schema {
	t.Helper()
	var resolve func(v any, stack map[string]bool) any
	resolve = func(v any, stack map[string]bool) any {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				if stack[ref] {
					return map[string]any{}
				}
				target := lookup(doc, ref)
				if target == nil {
					t.Fatalf("unresolved reference %s", ref)
				}
				stack[ref] = true
				out := resolve(target, stack)
				delete(stack, ref)
				return out
			}
			out := make(map[string]any, len(x))
			for k, y := range x {
				out[k] = resolve(y, stack)
			}
			if _, ok := out["required"].(bool); ok {
				delete(out, "required")
			}
			if out["type"] == "enum" {
				delete(out, "type")
			}
			if _, ok := out["default"]; !ok {
				out["nullable"] = true
			}
			return out
		case []any:
			out := make([]any, len(x))
			for i, y := range x {
				out[i] = resolve(y, stack)
			}
			return out
		}
		return v
	}
	js, err := json.Marshal(resolve(lookup(doc, ptr), map[string]bool{}))
	if err != nil {
		t.Fatalf("%s: %v", ptr, err)
	}
	var s openapi3.Schema
	if err := json.Unmarshal(js, &s); err != nil {
		t.Fatalf("%s: %v", ptr, err)
	}
	return &s
}

// template finds the document's path for a request path: the one whose
// segments match, literal segments preferred over parameters.
func template(doc map[string]any, reqPath string) string {
	paths, _ := doc["paths"].(map[string]any)
	reqPath, _, _ = strings.Cut(reqPath, "?")
	segs := strings.Split(reqPath, "/")
	best, bestScore := "", -1
	for tmpl := range paths {
		ts := strings.Split(tmpl, "/")
		if len(ts) != len(segs) {
			continue
		}
		score := 0
		for i := range ts {
			switch {
			case ts[i] == segs[i]:
				score++
			case strings.HasPrefix(ts[i], "{") && strings.HasSuffix(ts[i], "}"):
			default:
				score = -1
			}
			if score < 0 {
				break
			}
		}
		if score > bestScore {
			best, bestScore = tmpl, score
		}
	}
	return best
}

type goldenCase struct {
	method, path string
	status       int
	body         []byte
}

// goldenCases reads the request lines and responses of a golden file.
func goldenCases(t *testing.T, file string) []goldenCase {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []goldenCase
	parts := strings.Split(string(data), "\n-- ")
	for i := 0; i+1 < len(parts); i++ {
		if !strings.HasPrefix(parts[i], "request --\n") || !strings.HasPrefix(parts[i+1], "response --\n") {
			continue
		}
		line, _, _ := strings.Cut(strings.TrimPrefix(parts[i], "request --\n"), "\n")
		method, path, _ := strings.Cut(line, " ")
		resp := strings.TrimPrefix(parts[i+1], "response --\n")
		head, body, _ := strings.Cut(resp, "\n\n")
		first, _, _ := strings.Cut(head, "\n")
		status, _ := strconv.Atoi(strings.TrimSpace(first))
		c := goldenCase{method: method, path: path, status: status}
		if b := bytes.TrimSpace([]byte(body)); len(b) > 0 {
			c.body = b
		}
		out = append(out, c)
		i++
	}
	return out
}
