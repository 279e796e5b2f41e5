// Package appnet speaks App.net's Stream API (seed 004: channels and
// messages) at /stream/0/: it parses App.net requests, makes one core call
// and writes the answer in App.net's envelope. Every rule is the core's.
package appnet

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"parley/server/core"
)

// routes is the whole App.net surface, one line per route. Channels,
// messages and users are named by their integer ids.
func (a *api) routes() []route {
	return []route{
		{"GET", "/stream/0/channels", authAny, a.listChannels}, // with ids=: those channels
		{"POST", "/stream/0/channels", authUser, a.createChannel},
		{"GET", "/stream/0/channels/{channel_id}", authAny, a.getChannel},
		{"PUT", "/stream/0/channels/{channel_id}", authUser, a.updateChannel},
		{"DELETE", "/stream/0/channels/{channel_id}", authUser, a.deactivateChannel},
		{"POST", "/stream/0/channels/{channel_id}/subscribe", authUser, a.subscribe},
		{"DELETE", "/stream/0/channels/{channel_id}/subscribe", authUser, a.unsubscribe},
		{"GET", "/stream/0/channels/{channel_id}/subscribers", authAny, a.listSubscribers},
		{"GET", "/stream/0/channels/{channel_id}/subscribers/ids", authAny, a.listSubscriberIDs},
		{"GET", "/stream/0/channels/subscribers/ids", authAny, a.subscriberIDsOf}, // ?ids=
		{"POST", "/stream/0/channels/{channel_id}/mute", authUser, a.mute},
		{"DELETE", "/stream/0/channels/{channel_id}/mute", authUser, a.unmute},
		{"GET", "/stream/0/users/me/channels", authUser, a.listOwnChannels},
		{"GET", "/stream/0/users/me/channels/muted", authUser, a.listMutedChannels},
		{"GET", "/stream/0/users/me/channels/pm/num_unread", authUser, a.numUnreadPM},
		{"POST", "/stream/0/posts/marker", authUser, a.updateMarkers},

		{"GET", "/stream/0/channels/messages", authAny, a.getMessages},
		{"GET", "/stream/0/channels/{channel_id}/messages", authAny, a.listMessages},
		{"POST", "/stream/0/channels/{channel_id}/messages", authUser, a.createMessage},
		{"GET", "/stream/0/channels/{channel_id}/messages/{message_id}", authAny, a.getMessage},
		{"DELETE", "/stream/0/channels/{channel_id}/messages/{message_id}", authUser, a.deleteMessage},
		{"GET", "/stream/0/users/me/messages", authUser, a.listOwnMessages},

		{"POST", "/stream/0/files", authUser, a.createFile},
		{"GET", "/stream/0/files/{file_id}", authAny, a.getFile},
		{"GET", "/stream/0/files/{file_id}/content", authAny, a.fileContent},
		{"DELETE", "/stream/0/files/{file_id}", authUser, a.deleteFile},
	}
}

// New returns the App.net handler, to be mounted at /stream/0/.
func New(svc *core.Service) http.Handler {
	a := &api{svc: svc}
	mux := http.NewServeMux()
	routes := a.routes()
	patterns := make([]string, len(routes))
	for i, rt := range routes {
		patterns[i] = rt.method + " " + rt.path
		mux.HandleFunc(patterns[i], a.wrap(rt))
	}
	// Whatever no route takes: 405 with Allow for a known path, else 404,
	// both in the envelope (the mux's own answers are plain text).
	mux.HandleFunc("/stream/0/", func(w http.ResponseWriter, r *http.Request) {
		if allow := allowed(routes, r.URL.Path); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, r, &core.Error{Code: codeMethod, Message: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)})
			return
		}
		writeError(w, r, &core.Error{Code: codeNoRoute, Message: fmt.Sprintf("there is no endpoint %s %s", r.Method, r.URL.Path)})
	})
	return &router{mux, patterns}
}

// router is the App.net handler: a ServeMux, which cannot list what it
// holds, beside the patterns registered on it, so that a test can hold
// the routes to the OpenAPI document.
type router struct {
	*http.ServeMux
	patterns []string
}

// Patterns lists the routes as "METHOD /path/{param}", in table order.
func (rt *router) Patterns() []string { return rt.patterns }

type api struct {
	svc *core.Service
}

// handler serves one route for an authenticated caller. It returns its
// error; wrap writes it.
type handler func(w http.ResponseWriter, r *http.Request, c *core.Caller) error

type route struct {
	method, path string
	auth         authMode
	h            handler
}

// wrap authenticates the caller as the route asks, runs the handler and
// writes its error.
func (a *api) wrap(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := a.authenticate(r, rt.auth)
		if err == nil {
			err = rt.h(w, r, c)
		}
		if err != nil {
			writeError(w, r, err)
		}
	}
}

// allowed lists the methods of the routes whose pattern matches path.
func allowed(routes []route, path string) []string {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	seen := map[string]bool{}
	var out []string
	for _, rt := range routes {
		p := strings.Split(strings.Trim(rt.path, "/"), "/")
		if len(p) != len(segs) || seen[rt.method] {
			continue
		}
		match := true
		for i := range p {
			if !strings.HasPrefix(p[i], "{") && p[i] != segs[i] {
				match = false
				break
			}
		}
		if match {
			seen[rt.method] = true
			out = append(out, rt.method)
		}
	}
	sort.Strings(out)
	return out
}
