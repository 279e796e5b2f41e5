// Package amity speaks Amity's (social.plus) chat API at /api/: the v3
// messages of seed 002 with their sessions, channels, reactions and flags,
// and the v5 messages, v1 markers and v2 reactions that Amity's current
// TypeScript SDK sends. It parses Amity requests, makes one core call and
// writes the answer in Amity's wire format. Every rule is the core's.
package amity

import (
	"fmt"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// routes is the whole Amity surface, one line per route.
func (a *api) routes() []route {
	return []route{
		{"POST", "/api/v3/sessions", authKey, a.createSession},
		{"POST", "/api/v4/sessions", authKey, a.createSession},
		{"POST", "/api/v5/sessions", authKey, a.createSession},
		{"GET", "/api/v3/sessions", authBearer, a.verifySession},
		{"DELETE", "/api/v4/sessions", authBearer, a.deleteSession},
		{"GET", "/api/v3/network-settings/chat", authBearer, a.chatSettings},

		{"POST", "/api/v3/messages", authBearer, a.createMessage},
		{"GET", "/api/v3/messages", authBearer, a.queryMessages},
		{"GET", "/api/v3/messages/list", authBearer, a.listMessagesByIDs},
		{"GET", "/api/v3/messages/:messageId", authBearer, a.getMessage},
		{"PUT", "/api/v3/messages/:messageId", authBearer, a.updateMessage},
		{"DELETE", "/api/v3/messages/:messageId", authBearer, a.deleteMessage},
		{"POST", "/api/v3/messages/:messageId/flag", authBearer, a.flagMessage},
		{"DELETE", "/api/v3/messages/:messageId/unflag", authBearer, a.unflagMessage},
		{"DELETE", "/api/v3/messages/:messageId/clearFlags", authBearer, a.clearFlags},
		{"GET", "/api/v3/messages/:messageId/isFlaggedByMe", authBearer, a.isFlaggedByMe},

		{"POST", "/api/v5/messages", authBearer, a.createMessageV5},
		{"GET", "/api/v5/messages", authBearer, a.queryMessagesV5},
		{"GET", "/api/v5/messages/list", authBearer, a.listMessagesByIDsV5},
		{"GET", "/api/v5/messages/:messageId", authBearer, a.getMessageV5},
		{"PUT", "/api/v5/messages/:messageId", authBearer, a.updateMessageV5},
		{"DELETE", "/api/v5/messages/:messageId", authBearer, a.deleteMessageV5},

		{"POST", "/api/v2/reactions", authBearer, a.addReaction},
		{"DELETE", "/api/v2/reactions", authBearer, a.removeReaction},
		{"GET", "/api/v2/reactions", authBearer, a.listReactionsV2},
		{"GET", "/api/v3/reactions", authBearer, a.listReactionsV3},

		{"POST", "/api/v3/channels", authBearer, a.createChannel},
		{"GET", "/api/v3/channels", authBearer, a.queryChannels},
		{"POST", "/api/v3/channels/conversation", authBearer, a.createConversation},
		{"GET", "/api/v3/channels/list", authBearer, a.listChannelsByIDs},
		{"GET", "/api/v3/channels/:channelId", authBearer, a.getChannel},
		{"PUT", "/api/v3/channels/:channelId", authBearer, a.updateChannel},
		{"DELETE", "/api/v3/channels/:channelId", authBearer, a.deleteChannel},
		{"POST", "/api/v3/channels/:channelId/join", authBearer, a.joinChannel},
		{"DELETE", "/api/v3/channels/:channelId/leave", authBearer, a.leaveChannel},
		{"GET", "/api/v3/channels/:channelId/users", authBearer, a.listChannelUsers},
		{"GET", "/api/v4/channels/:channelId/users", authBearer, a.listChannelUsers},
		{"POST", "/api/v3/channels/:channelId/users", authBearer, a.addChannelUsers},
		{"DELETE", "/api/v3/channels/:channelId/users", authBearer, a.removeChannelUsers},
		{"POST", "/api/v3/channels/:channelId/seen", authBearer, a.seen},

		{"POST", "/api/v3/files", authBearer, a.uploadFile},
		{"GET", "/api/v3/files/:fileId", authBearer, a.getFile},
		{"GET", "/api/v3/files/:fileId/download", authFile, a.downloadFile},

		{"GET", "/api/v1/markers/channels", authBearer, a.channelMarkers},
		{"PUT", "/api/v1/markers/channels/:channelId/mark-read", authBearer, a.markChannelRead},
		{"GET", "/api/v1/markers/messages", authBearer, a.messageMarkers},
	}
}

// New returns the Amity handler, to be mounted at /api/.
func New(svc *core.Service) http.Handler {
	a := &api{svc: svc}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, req, core.Errorf(core.ENOTFOUND, "there is no endpoint %s %s", req.Method, req.URL.Path))
	})
	r := httpx.NewRouter(notFound, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, req, &core.Error{Code: codeMethod, Message: fmt.Sprintf("%s is not allowed on %s", req.Method, req.URL.Path)})
	}))
	var routes []httpx.Route
	for _, rt := range a.routes() {
		routes = append(routes, httpx.Route{Method: rt.method, Path: rt.path, Handler: a.wrap(rt)})
	}
	httpx.Mount(r, routes, notFound)
	return r
}

type api struct {
	svc *core.Service
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
		c, err := a.authenticate(r, rt.auth)
		if err == nil {
			err = rt.h(w, r, c, p)
		}
		if err != nil {
			writeError(w, r, err)
		}
	}
}

// ok writes a success body (Amity's successes are bare objects).
func ok(w http.ResponseWriter, v any) error {
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}
