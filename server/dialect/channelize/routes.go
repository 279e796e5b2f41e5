// Package channelize speaks the Channelize.io Application API v2
// at /v2/: it parses Channelize requests, makes one core call and writes the
// answer in Channelize's wire format. Every rule is the core's.
package channelize

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// routes is the whole Channelize surface, one line per route. A static word
// that stands where another route of the same method has a parameter (send
// beside :id) is dispatched inside that parameter's route by mount, since
// httprouter v1.3 refuses such siblings.
func (a *api) routes() []route {
	return []route{
		{"POST", "/v2/users/login", authKey, a.login},
		{"POST", "/v2/users/create_access_token", authApp, a.createAccessToken},
		{"GET", "/v2/users", authUser, a.listUsers},
		{"GET", "/v2/users/", authUser, a.listUsers}, // the SDK's list URL
		{"POST", "/v2/users", authApp, a.createUser},
		{"GET", "/v2/users/:id", authApp, a.getUser}, // the SDK sends the previous user's User-Id here

		{"GET", "/v2/conversations", authUser, a.listConversations},
		{"POST", "/v2/conversations", authUser, a.createConversation},
		{"GET", "/v2/conversations/count", authUser, a.countConversations},
		{"GET", "/v2/conversations/:id", authUser, a.getConversation},
		{"GET", "/v2/conversations/:id/members", authUser, a.listMembers},
		{"POST", "/v2/conversations/:id/add_members", authUser, a.addMembers},
		{"POST", "/v2/conversations/:id/remove_members", authUser, a.removeMembers},
		{"PUT", "/v2/conversations/:id/mark_as_read", authUser, a.markAsRead},
		{"GET", "/v2/conversations/:id/messages", authUser, a.listMessages},
		{"GET", "/v2/conversations/:id/messages/count", authUser, a.countMessages},

		{"POST", "/v2/messages/send", authUser, a.sendMessage},
		{"POST", "/v2/messages/broadcast", authUser, a.broadcast},
		{"POST", "/v2/messages/forward", authUser, a.forward},
		{"POST", "/v2/messages/delete", authUser, a.deleteForMe},
		{"POST", "/v2/messages/delete_for_everyone", authUser, a.deleteForEveryone},
		{"GET", "/v2/messages/unread/count", authUser, a.unreadCount},
		{"POST", "/v2/messages/:id/add_reaction", authUser, a.addReaction},
		{"POST", "/v2/messages/:id/remove_reaction", authUser, a.removeReaction},
		{"GET", "/v2/messages/:id/reactions", authUser, a.listReactions},
		{"POST", "/v2/messages/:id/pin", authUser, a.pin},
		{"POST", "/v2/messages/:id/unpin", authUser, a.unpin},
	}
}

// New returns the Channelize handler, to be mounted at /v2/.
func New(svc *core.Service) http.Handler {
	a := &api{svc: svc, pages: newPageEncoder(20_000)}
	r := httprouter.New()
	// Redirects would send SDK clients (axios, maxRedirects 0) an empty 3xx;
	// an unknown path gets the JSON 404 instead.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	mount(r, a.routes(), a.wrap)
	r.NotFound = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, req, notFoundRoute(req))
	})
	r.MethodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, req, &core.Error{Code: codeMethod, Message: fmt.Sprintf("%s is not allowed on %s", req.Method, req.URL.Path)})
	})
	return r
}

type api struct {
	svc   *core.Service
	pages *pageEncoder
}

// handler serves one route for an authenticated caller. It returns its
// error; wrap writes it.
type handler func(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error

type route struct {
	method, path string
	auth         authMode
	h            handler
}

// wrap authenticates the caller as the route asks, runs the handler and
// writes its error.
func (a *api) wrap(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := httprouter.ParamsFromContext(r.Context())
		info := httpx.InfoOf(r.Context())
		info.Route = rt.path
		c, err := a.authenticate(r, rt.auth)
		if err == nil {
			info.App = c.App.ID
			err = rt.h(w, r, c, p)
		}
		if err != nil {
			writeError(w, r, err)
		}
	}
}

func notFoundRoute(r *http.Request) error {
	return core.Errorf(core.ENOTFOUND, "there is no endpoint %s %s", r.Method, r.URL.Path)
}

// mount registers routes on an httprouter. Routes whose static segment sits
// where a sibling route of the same method has a parameter are registered
// as that parameter route, and dispatched by the parameter's value.
func mount(r *httprouter.Router, routes []route, wrap func(route) http.HandlerFunc) {
	type target struct {
		param string
		words map[string]http.Handler // reserved word → route
		def   http.Handler            // the parameter route itself, if any
	}
	targets := map[string]*target{} // method + " " + pattern
	var order []string
	for _, rt := range routes {
		pattern, param, word := routePattern(rt, routes)
		key := rt.method + " " + pattern
		t := targets[key]
		if t == nil {
			t = &target{words: map[string]http.Handler{}}
			targets[key] = t
			order = append(order, key)
		}
		h := wrap(rt)
		switch {
		case word == "":
			t.def = h
		case t.words[word] != nil:
			panic("channelize: route registered twice: " + rt.method + " " + rt.path)
		default:
			t.param, t.words[word] = param, h
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
				writeError(w, req, notFoundRoute(req))
				return
			}
			h.ServeHTTP(w, req)
		}))
	}
}

// routePattern returns the httprouter pattern of rt: its path with at most
// one static segment replaced by the parameter a sibling route has there,
// with the parameter's name and the replaced word.
func routePattern(rt route, routes []route) (pattern, param, word string) {
	segs := strings.Split(rt.path, "/")
	for i, s := range segs {
		if s == "" || strings.HasPrefix(s, ":") {
			continue
		}
		for _, other := range routes {
			o := strings.Split(other.path, "/")
			if other.method != rt.method || len(o) <= i || !strings.HasPrefix(o[i], ":") ||
				strings.Join(o[:i], "/") != strings.Join(segs[:i], "/") {
				continue
			}
			if word != "" {
				panic("channelize: two reserved words in one route: " + rt.path)
			}
			param, word = o[i][1:], s
			segs[i] = o[i]
			break
		}
	}
	return strings.Join(segs, "/"), param, word
}

// page reads skip and limit, with the given default limit (0: the core's).
func page(r *http.Request, defLimit int) (core.Page, error) {
	skip, err := httpx.QueryInt(r, "skip", 0)
	if err != nil {
		return core.Page{}, err
	}
	limit, err := httpx.QueryInt(r, "limit", defLimit)
	return core.Page{Skip: skip, Limit: limit}, err
}

// noContent answers 204 with no body (Channelize's answer to actions).
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}
