// Package channelize speaks the Channelize.io Application API v2
// at /v2/: it parses Channelize requests, makes one core call and writes the
// answer in Channelize's wire format. Every rule is the core's.
package channelize

import (
	"fmt"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// routes is the whole Channelize surface, one line per route. A static word
// that stands where another route of the same method has a parameter (send
// beside :id) is dispatched inside that parameter's route by httpx.Mount.
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
		{"POST", "/v2/conversations/:id/send_typing_status", authUser, a.sendTypingStatus},
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

		{"POST", "/v2/files", authUser, a.uploadFile},
		{"PUT", "/v2/files/upload/:token", authKey, a.putUpload}, // the token is the credential
		{"GET", "/v2/files/:id", authUser, a.downloadFile},
		{"GET", "/v2/files/:id/thumbnail", authUser, a.downloadThumbnail},
		{"GET", "/v2/files/:id/info", authUser, a.getFileInfo},
		{"DELETE", "/v2/files/:id", authUser, a.deleteFile},
	}
}

// New returns the Channelize handler, to be mounted at /v2/.
func New(svc *core.Service) http.Handler {
	a := &api{svc: svc, pages: newPageEncoder(20_000)}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, req, notFoundRoute(req))
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
			info.App = c.App().ID
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

// noContent answers 204 with no body (Channelize's answer to actions).
func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}
