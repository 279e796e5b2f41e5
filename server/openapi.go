package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// serveDocument serves an OpenAPI document.
func serveDocument(doc []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	})
}

// Operation is one documented route: a method and a path template with
// {param} segments.
type Operation struct {
	Method string
	Path   string
}

// Operations lists the operations of an OpenAPI document, sorted.
func Operations(doc []byte) ([]Operation, error) {
	var d struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, fmt.Errorf("openapi: %w", err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.") {
		return nil, fmt.Errorf("openapi: version %q, want 3.x", d.OpenAPI)
	}
	var ops []Operation
	for path, item := range d.Paths {
		for method := range item {
			switch method {
			case "get", "put", "post", "delete", "options", "head", "patch", "trace":
				ops = append(ops, Operation{Method: strings.ToUpper(method), Path: path})
			}
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Path != ops[j].Path {
			return ops[i].Path < ops[j].Path
		}
		return ops[i].Method < ops[j].Method
	})
	return ops, nil
}

// routeTable finds the documented route pattern of a request path.
type routeTable struct {
	byMethod map[string][]template
}

type template struct {
	pattern string
	segs    []string // param stands for a {param}
}

// param marks a parameter segment of a template (no path segment is
// spelled so).
const param = "{}"

func newRouteTable(doc []byte) (*routeTable, error) {
	t := &routeTable{byMethod: map[string][]template{}}
	if doc == nil {
		return t, nil
	}
	ops, err := Operations(doc)
	if err != nil {
		return nil, err
	}
	for _, op := range ops {
		segs := strings.Split(op.Path, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
				segs[i] = param
			}
		}
		t.byMethod[op.Method] = append(t.byMethod[op.Method], template{op.Path, segs})
	}
	return t, nil
}

// match returns the pattern of the documented route the path takes, ""
// when none: a static segment wins over a parameter at the first place
// where two templates differ, as routers decide.
func (t *routeTable) match(method, path string) string {
	segs := strings.Split(path, "/")
	var best *template
	for i := range t.byMethod[method] {
		c := &t.byMethod[method][i]
		if len(c.segs) != len(segs) {
			continue
		}
		ok := true
		for k, s := range c.segs {
			if s != param && s != segs[k] || s == param && segs[k] == "" {
				ok = false
				break
			}
		}
		if ok && (best == nil || moreStatic(c, best)) {
			best = c
		}
	}
	if best == nil {
		return ""
	}
	return best.pattern
}

func moreStatic(a, b *template) bool {
	for k := range a.segs {
		if (a.segs[k] == param) != (b.segs[k] == param) {
			return a.segs[k] != param
		}
	}
	return false
}
