// Package cowork speaks the i-net CoWork Web API at /api/cowork/: teams,
// channels, direct messages, Markdown messages with attachments, reactions,
// team administration and search. It parses CoWork requests, makes one
// core call and writes the answer in CoWork's wire format. Every rule is
// the core's.
package cowork

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

const prefix = "/api/cowork"

// routes is the whole CoWork surface, one line per route. The direct
// message routes (/teams/directmessages/:user[/leave]) sit where
// /teams/:team/channels has its static segment, which httprouter cannot
// hold beside a parameter; New dispatches them before the router.
func (a *api) routes() []route {
	const ch = prefix + "/teams/:team/channels/:channel"
	return []route{
		{"GET", prefix + "/teams", a.listTeams},
		{"GET", prefix + "/teams/directmessages", a.listDirect},
		{"GET", prefix + "/teams/:team", a.getTeam},
		{"GET", prefix + "/teams/:team/channels", a.listChannels},
		{"GET", ch, a.getChannel},
		{"POST", ch + "/leave", a.leaveChannel},
		{"GET", ch + "/members", a.listMembers},
		{"GET", ch + "/messages", a.listMessages},
		{"POST", ch + "/messages", a.createMessage},
		{"PUT", ch + "/messages", a.createMessage},
		{"GET", ch + "/messages/:message", a.getMessage},
		{"POST", ch + "/messages/:message", a.editMessage},
		{"PUT", ch + "/messages/:message", a.editMessage},
		{"DELETE", ch + "/messages/:message", a.deleteMessage},
		{"GET", ch + "/messages/:message/reactions", a.listReactions},
		{"POST", ch + "/messages/:message/reactions", a.toggleReaction},
		{"GET", ch + "/messages/:message/attachments/:attachment", a.downloadAttachment},

		{"GET", prefix + "/search", a.search},
		{"POST", prefix + "/search", a.search},

		{"GET", prefix + "/admin/teams", a.adminListTeams},
		{"POST", prefix + "/admin/teams", a.adminCreateTeam},
		{"PUT", prefix + "/admin/teams", a.adminCreateTeam},
		{"GET", prefix + "/admin/teams/:team", a.adminGetTeam},
		{"POST", prefix + "/admin/team/:team", a.adminUpdateTeam},
		{"PUT", prefix + "/admin/team/:team", a.adminUpdateTeam},
		{"GET", prefix + "/admin/teams/:team/channels", a.adminListChannels},
		{"POST", prefix + "/admin/teams/:team/channels", a.adminCreateChannel},
		{"PUT", prefix + "/admin/teams/:team/channels", a.adminCreateChannel},
		{"GET", prefix + "/admin/teams/:team/channels/:channel", a.adminGetChannel},
		{"POST", prefix + "/admin/teams/:team/channels/:channel/botmessage", a.botMessage},
		{"PUT", prefix + "/admin/teams/:team/channels/:channel/botmessage", a.botMessage},
	}
}

// directRoutes are the routes under /teams/directmessages/:user, by method
// and the rest of the path.
func (a *api) directRoutes() map[string]handler {
	return map[string]handler{
		"GET ":       a.openDirect,
		"POST ":      a.openDirect,
		"PUT ":       a.openDirect,
		"POST leave": a.leaveDirect,
	}
}

// New returns the CoWork handler, to be mounted at /api/cowork/.
func New(svc *core.Service) http.Handler {
	a := &api{svc: svc, html: newRenderer()}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, notFoundRoute(r))
	})
	r := httpx.NewRouter(notFound, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, &core.Error{Code: codeMethod, Message: fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path)})
	}))
	routes := a.routes()
	mounted := make([]httpx.Route, len(routes))
	for i, rt := range routes {
		mounted[i] = httpx.Route{Method: rt.method, Path: rt.path, Handler: a.wrap(rt.h)}
	}
	httpx.Mount(r, mounted, notFound)
	direct := a.directRoutes()
	patterns := make([]string, 0, len(routes)+len(direct))
	for _, rt := range routes {
		patterns = append(patterns, rt.method+" "+braces(rt.path))
	}
	for key := range direct {
		method, rest, _ := strings.Cut(key, " ")
		path := prefix + "/teams/" + core.DirectTeamID + "/{user}"
		if rest != "" {
			path += "/" + rest
		}
		patterns = append(patterns, method+" "+path)
	}
	sort.Strings(patterns[len(routes):])
	return &router{patterns: patterns, serve: func(w http.ResponseWriter, req *http.Request) {
		user, rest, ok := directPath(req.URL.Path)
		if !ok {
			r.ServeHTTP(w, req)
			return
		}
		h := direct[req.Method+" "+rest]
		if h == nil {
			notFound.ServeHTTP(w, req)
			return
		}
		ctx := context.WithValue(req.Context(), httprouter.ParamsKey, httprouter.Params{{Key: "user", Value: user}})
		a.wrap(h).ServeHTTP(w, req.WithContext(ctx))
	}}
}

// router is the CoWork handler: the httprouter routes behind the direct
// message dispatch, with the patterns of both, so that a test can hold
// them to the OpenAPI document.
type router struct {
	patterns []string
	serve    http.HandlerFunc
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.serve(w, r) }

// Patterns lists the routes as "METHOD /path/{param}": the route table,
// then the direct message routes.
func (rt *router) Patterns() []string { return rt.patterns }

// braces spells httprouter's :param segments {param}.
func braces(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, ":") {
			segs[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(segs, "/")
}

// directPath splits /api/cowork/teams/directmessages/USER[/REST]; a USER
// of "channels" is the pseudo-team's channel list, not a user.
func directPath(path string) (user, rest string, ok bool) {
	tail, found := strings.CutPrefix(path, prefix+"/teams/"+core.DirectTeamID+"/")
	if !found {
		return "", "", false
	}
	user, rest, _ = strings.Cut(tail, "/")
	if user == "" || user == "channels" || strings.Contains(rest, "/") {
		return "", "", false
	}
	return user, rest, true
}

type api struct {
	svc  *core.Service
	html *renderer
}

// handler serves one route for an authenticated caller. It returns its
// error; wrap writes it.
type handler func(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error

type route struct {
	method, path string
	h            handler
}

// wrap authenticates the caller, runs the handler and writes its error.
func (a *api) wrap(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := a.authenticate(r)
		if err == nil {
			err = h(w, r, c, httprouter.ParamsFromContext(r.Context()))
		}
		if err != nil {
			writeError(w, r, err)
		}
	}
}

func notFoundRoute(r *http.Request) error {
	return core.Errorf(core.ENOTFOUND, "there is no endpoint %s %s", r.Method, r.URL.Path)
}

// ok answers 200 with no body (CoWork's answer to deletes and leaves).
func ok(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusOK)
	return nil
}

// decodeJSON decodes a JSON body. Its errors name no field when the body
// as a whole is at fault ("body" is the core's name of a message's text).
func decodeJSON(r *http.Request, v any, strict bool) error {
	err := httpx.DecodeJSON(r, v, strict, false)
	if core.ErrorCode(err) == core.EINVALID && core.ErrorField(err) == "body" {
		return &core.Error{Code: core.EINVALID, Message: core.ErrorMessage(err)}
	}
	return err
}
