package httpx

import (
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"
)

// Route is one line of a dialect's route table, ready to mount.
type Route struct {
	Method, Path string
	Handler      http.Handler
}

// Mount registers routes on an httprouter. httprouter v1.3 refuses a static
// segment beside a parameter of a sibling route (/v2/messages/send beside
// /v2/messages/:id/pin), so a route whose static segment sits where a
// sibling route of the same method has a parameter is registered as that
// parameter's route and dispatched by the parameter's value. A parameter
// value that names no route and no parameter route of its own gets
// notFound.
func Mount(r *httprouter.Router, routes []Route, notFound http.Handler) {
	type target struct {
		param string
		words map[string]http.Handler // reserved word → route
		def   http.Handler            // the parameter route itself, if any
	}
	targets := map[string]*target{} // method + " " + pattern
	var order []string
	for _, rt := range routes {
		pattern, param, word := routePattern(rt, routes)
		key := rt.Method + " " + pattern
		t := targets[key]
		if t == nil {
			t = &target{words: map[string]http.Handler{}}
			targets[key] = t
			order = append(order, key)
		}
		switch {
		case word == "":
			t.def = rt.Handler
		case t.words[word] != nil:
			panic("httpx: route registered twice: " + rt.Method + " " + rt.Path)
		default:
			t.param, t.words[word] = param, rt.Handler
		}
	}
	for _, key := range order {
		t := targets[key]
		method, pattern, _ := strings.Cut(key, " ")
		r.Handler(method, pattern, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			h := t.def
			if len(t.words) > 0 {
				if wh := t.words[httprouter.ParamsFromContext(req.Context()).ByName(t.param)]; wh != nil {
					h = wh
				}
			}
			if h == nil {
				h = notFound
			}
			h.ServeHTTP(w, req)
		}))
	}
}

// routePattern returns the httprouter pattern of rt: its path with each
// static segment replaced by the parameter a sibling route has there (at
// most one per route), with the parameter's name and the replaced word.
func routePattern(rt Route, routes []Route) (pattern, param, word string) {
	segs := strings.Split(rt.Path, "/")
	for i, s := range segs {
		if s == "" || strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			continue
		}
		for _, other := range routes {
			o := strings.Split(other.Path, "/")
			if other.Method != rt.Method || len(o) <= i || !strings.HasPrefix(o[i], ":") ||
				strings.Join(o[:i], "/") != strings.Join(segs[:i], "/") {
				continue
			}
			if word != "" {
				panic("httpx: two reserved words in one route: " + rt.Path)
			}
			param, word = o[i][1:], s
			segs[i] = o[i]
			break
		}
	}
	return strings.Join(segs, "/"), param, word
}

// NewRouter returns an httprouter that never redirects (SDK clients such as
// axios with maxRedirects 0 would see an empty 3xx) and answers unknown
// paths and methods with the dialect's own errors.
func NewRouter(notFound, methodNotAllowed http.Handler) *httprouter.Router {
	r := httprouter.New()
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	r.NotFound = notFound
	if methodNotAllowed != nil {
		r.MethodNotAllowed = methodNotAllowed
	}
	return r
}
