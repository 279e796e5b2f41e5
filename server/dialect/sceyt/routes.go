// Package sceyt speaks the Sceyt Platform API v1 (its 2020 draft) at
// /v1/{appId}/: a server-to-server API authenticated by the app's secret
// key, acting as the user named in `from`. It parses Sceyt requests, makes
// one core call and writes the answer in Sceyt's wire format. Every rule is
// the core's.
package sceyt

import (
	"fmt"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// routes is the whole Sceyt surface, one line per route.
func (a *api) routes() []route {
	return []route{
		{"GET", "/v1/:appId/channels", a.listChannels},
		{"POST", "/v1/:appId/channels", a.createChannel},
		{"PUT", "/v1/:appId/channels", a.updateChannel}, // id in the body
		{"POST", "/v1/:appId/public-channels", a.createPublicChannel},
		{"POST", "/v1/:appId/channels-public", a.createPublicChannel},
		{"POST", "/v1/:appId/private-channels", a.createPrivateChannel},
		{"POST", "/v1/:appId/channels-private", a.createPrivateChannel},
		{"POST", "/v1/:appId/direct-channels", a.createDirectChannel},
		{"POST", "/v1/:appId/channels-direct", a.createDirectChannel},
		{"GET", "/v1/:appId/channels/:channelId", a.getChannel},
		{"PUT", "/v1/:appId/channels/:channelId", a.updateChannel},
		{"DELETE", "/v1/:appId/channels/:channelId", a.deleteChannel},
		{"GET", "/v1/:appId/channels/:channelId/users", a.listMembers},
		{"POST", "/v1/:appId/channels/:channelId/users", a.addMembers},
		{"DELETE", "/v1/:appId/channels/:channelId/users", a.removeMembers},

		{"GET", "/v1/:appId/channels/:channelId/messages", a.listMessages},
		{"POST", "/v1/:appId/channels/:channelId/messages", a.sendMessage},
		{"GET", "/v1/:appId/channels/:channelId/messages/:messageId", a.getMessage},
		{"PUT", "/v1/:appId/channels/:channelId/messages/:messageId", a.editMessage},
		{"DELETE", "/v1/:appId/channels/:channelId/messages/:messageId", a.deleteMessage},
		{"DELETE", "/v1/:appId/messages/:messageId/attachments", a.deleteAttachments},

		{"POST", "/v1/:appId/channels/:channelId/start-typing", a.startTyping},
		{"POST", "/v1/:appId/channels/:channelId/stop-typing", a.stopTyping},
		{"POST", "/v1/:appId/customer/v1/channels/:channelId/start-typing", a.startTyping}, // the draft's garbled path
		{"POST", "/v1/:appId/customer/v1/channels/:channelId/stop-typing", a.stopTyping},

		{"GET", "/v1/:appId/users", a.listUsers},
		{"POST", "/v1/:appId/users", a.createUser},
		{"GET", "/v1/:appId/users/:username", a.getUser},
		{"PUT", "/v1/:appId/users/:username", a.updateUser},
		{"DELETE", "/v1/:appId/users/:username", a.deleteUser},

		{"POST", "/v1/:appId/files", a.uploadFile},
		{"GET", "/v1/:appId/files/:name", a.downloadFile},
		{"GET", "/v1/:appId/files/:name/thumbnail", a.downloadThumbnail},
		{"DELETE", "/v1/:appId/files/:name", a.deleteFile},
	}
}

// New returns the Sceyt handler, to be mounted at /v1/.
func New(svc *core.Service) http.Handler {
	a := &api{svc: svc}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, core.Errorf(core.ENOTFOUND, "there is no endpoint %s %s", r.Method, r.URL.Path))
	})
	r := httpx.NewRouter(notFound, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, req, &core.Error{Code: codeMethod, Message: fmt.Sprintf("%s is not allowed on %s", req.Method, req.URL.Path)})
	}))
	routes := a.routes()
	mounted := make([]httpx.Route, len(routes))
	for i, rt := range routes {
		mounted[i] = httpx.Route{Method: rt.method, Path: rt.path, Handler: a.wrap(rt)}
	}
	httpx.Mount(r, mounted, notFound)
	return r
}

type api struct {
	svc *core.Service
}

// handler serves one route for the app's caller (the acting user, when the
// route has one, is resolved by the handler from `from`). It returns its
// error; wrap writes it.
type handler func(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error

type route struct {
	method, path string
	h            handler
}

// wrap authenticates the app's key against the path's app, runs the
// handler and writes its error.
func (a *api) wrap(rt route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := httprouter.ParamsFromContext(r.Context())
		c, err := a.authenticate(r)
		if err == nil {
			err = rt.h(w, r, c, p)
		}
		if err != nil {
			writeError(w, r, err)
		}
	}
}

// noContent answers 204 with no body (the answer to deletions and typing).
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}
