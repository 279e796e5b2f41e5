package amity_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"parley/server/dialect/amity"
	"parley/server/testenv"
)

// TestOpenAPIDescribesAnswers holds Parley's own document (openapi.json)
// to what the server answers: the document is valid OpenAPI 3, and every
// JSON response of the golden cases matches the schema the document gives
// for its route and status (the route's "default" for an error status it
// does not list), with no key the schema does not name.
func TestOpenAPIDescribesAnswers(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(amity.OpenAPI)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid OpenAPI 3: %v", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(amity.OpenAPI, &raw); err != nil {
		t.Fatal(err)
	}
	// The check can fail: a message whose segment is a string, or that has
	// a key the document does not name, is refused.
	msgs := doc.Components.Schemas["Messages"].Value
	for _, bad := range []string{`{"messages": [{"channelSegment": "one"}], "users": [], "files": []}`, `{"messages": [], "users": [], "files": [], "extra": 1}`} {
		var v any
		_ = json.Unmarshal([]byte(bad), &v)
		if matches(msgs, v) == nil {
			t.Fatalf("%s passed the Messages schema", bad)
		}
	}
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "amity", "*.txtar"))
	checked, routes := 0, map[string]bool{}
	for _, file := range files {
		for _, c := range goldenCases(t, file) {
			where := fmt.Sprintf("%s: %s %s → %d", filepath.Base(file), c.method, c.path, c.status)
			if c.body == nil || !strings.HasPrefix(c.path, "/api/") || strings.HasPrefix(c.path, "/api/cowork/") ||
				(c.status == 200 && strings.Contains(c.path, "/download")) {
				continue
			}
			tmpl := template(raw, c.path)
			item := doc.Paths.Find(tmpl)
			if tmpl == "" || item == nil || item.GetOperation(c.method) == nil {
				if c.status != 404 && c.status != 405 {
					t.Errorf("%s: no documented operation", where)
				}
				continue
			}
			resp := item.GetOperation(c.method).Responses.Status(c.status)
			if resp == nil && c.status >= 400 {
				resp = item.GetOperation(c.method).Responses.Default()
			}
			if resp == nil || resp.Value.Content.Get("application/json") == nil {
				t.Errorf("%s: the document has no JSON answer of this status", where)
				continue
			}
			var v any
			if err := json.Unmarshal(c.body, &v); err != nil {
				t.Errorf("%s: not JSON: %v", where, err)
				continue
			}
			if err := matches(resp.Value.Content.Get("application/json").Schema.Value, v); err != nil {
				t.Errorf("%s: the body does not match openapi.json:\n%v", where, err)
			}
			checked++
			if c.status == 200 {
				routes[c.method+" "+tmpl] = true
			}
		}
	}
	ops := 0
	for _, item := range doc.Paths.Map() {
		ops += len(item.Operations())
	}
	var list []string
	for r := range routes {
		list = append(list, r)
	}
	sort.Strings(list)
	t.Logf("%d responses validated; %d of %d operations have a 2xx golden case", checked, len(routes), ops)
	for p, item := range doc.Paths.Map() {
		for m := range item.Operations() {
			if !routes[m+" "+p] {
				t.Logf("no 2xx golden case: %s %s", m, p)
			}
		}
	}
	if checked < 100 || len(routes) < ops*3/4 {
		t.Errorf("only %d responses validated, %d operations with a 2xx case: %v", checked, len(routes), list)
	}
}

// matches validates v against s, and refuses keys an object schema with
// named properties does not name (unless it allows more).
func matches(s *openapi3.Schema, v any) error {
	if err := s.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
		return err
	}
	return undocumented(s, v, "")
}

func undocumented(s *openapi3.Schema, v any, at string) error {
	switch x := v.(type) {
	case map[string]any:
		open := s.AdditionalProperties.Has != nil && *s.AdditionalProperties.Has || s.AdditionalProperties.Schema != nil
		for k, y := range x {
			p, ok := s.Properties[k]
			if !ok {
				if len(s.Properties) > 0 && !open {
					return fmt.Errorf("%s.%s is not in the schema", at, k)
				}
				continue
			}
			if err := undocumented(p.Value, y, at+"."+k); err != nil {
				return err
			}
		}
	case []any:
		if s.Items == nil {
			return nil
		}
		for i, y := range x {
			if err := undocumented(s.Items.Value, y, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	}
	return nil
}
