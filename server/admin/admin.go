// Package admin is Parley's own API at /admin/v1: apps, users, tokens,
// teams, conversations, members, webhooks, fixtures and resets. Every call needs the
// admin token (Authorization: Bearer TOKEN).
package admin

import (
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/fault"
	"parley/server/httpx"
	"parley/server/journal"
	"parley/server/realtime"
)

// Tools are the server's test tools the admin API drives: the request
// journal (nil when off) and the fault rules.
type Tools struct {
	Journal *journal.Journal
	Faults  *fault.Set
	// Renderers render a message in each dialect's wire shape, by dialect
	// name (GET /apps/{app}/messages/{id}/wire).
	Renderers map[string]realtime.Renderer
}

// New returns the admin API handler, to be mounted at /admin/v1/.
func New(svc *core.Service, tools Tools) http.Handler {
	if tools.Faults == nil {
		tools.Faults = fault.NewSet()
	}
	a := &api{svc: svc, tools: tools}
	r := httprouter.New()
	for _, rt := range []struct {
		method, path string
		h            handler
	}{
		{"GET", "/admin/v1/apps", a.listApps},
		{"POST", "/admin/v1/apps", a.createApp},
		{"GET", "/admin/v1/apps/:app", a.inApp(a.getApp)},
		{"DELETE", "/admin/v1/apps/:app", a.deleteApp},
		{"POST", "/admin/v1/apps/:app/reset", a.resetApp},
		{"POST", "/admin/v1/apps/:app/rotate-secret", a.rotateSecret},
		{"POST", "/admin/v1/reset", a.resetAll},
		{"POST", "/admin/v1/fixtures", a.loadFixtures},
		{"GET", "/admin/v1/tokens", a.listAdminTokens},
		{"POST", "/admin/v1/tokens", a.createAdminToken},
		{"DELETE", "/admin/v1/tokens/:token", a.revokeAdminToken},
		{"GET", "/admin/v1/apps/:app/users", a.inApp(a.listUsers)},
		{"POST", "/admin/v1/apps/:app/users", a.inApp(a.createUser)},
		{"GET", "/admin/v1/apps/:app/users/:user", a.inApp(a.getUser)},
		{"PATCH", "/admin/v1/apps/:app/users/:user", a.inApp(a.updateUser)},
		{"DELETE", "/admin/v1/apps/:app/users/:user", a.inApp(a.deleteUser)},
		{"POST", "/admin/v1/apps/:app/users/:user/tokens", a.inApp(a.createToken)},
		{"GET", "/admin/v1/apps/:app/teams", a.inApp(a.listTeams)},
		{"POST", "/admin/v1/apps/:app/teams", a.inApp(a.createTeam)},
		{"GET", "/admin/v1/apps/:app/conversations", a.inApp(a.listConversations)},
		{"POST", "/admin/v1/apps/:app/conversations", a.inApp(a.createConversation)},
		{"GET", "/admin/v1/apps/:app/conversations/:conv", a.inApp(a.getConversation)},
		{"GET", "/admin/v1/apps/:app/conversations/:conv/members", a.inApp(a.listMembers)},
		{"POST", "/admin/v1/apps/:app/conversations/:conv/members", a.inApp(a.addMembers)},
		{"DELETE", "/admin/v1/apps/:app/conversations/:conv/members/:user", a.inApp(a.removeMember)},
		{"GET", "/admin/v1/apps/:app/webhooks", a.inApp(a.listWebhooks)},
		{"POST", "/admin/v1/apps/:app/webhooks", a.inApp(a.createWebhook)},
		{"DELETE", "/admin/v1/apps/:app/webhooks/:webhook", a.inApp(a.deleteWebhook)},
		{"GET", "/admin/v1/apps/:app/webhooks/:webhook/deliveries", a.inApp(a.listDeliveries)},
		{"PUT", "/admin/v1/apps/:app/teams/:team/members/:user", a.inApp(a.setTeamRole)},
		{"GET", "/admin/v1/apps/:app/messages/:msg/revisions", a.inApp(a.listRevisions)},
		{"GET", "/admin/v1/apps/:app/search", a.inApp(a.search)},
		{"POST", "/admin/v1/apps/:app/files", a.inApp(a.uploadFile)},
		{"GET", "/admin/v1/apps/:app/files/:file", a.inApp(a.downloadFile(false))},
		{"GET", "/admin/v1/apps/:app/files/:file/thumbnail", a.inApp(a.downloadFile(true))},
		{"GET", "/admin/v1/apps/:app/files/:file/info", a.inApp(a.getFileInfo)},

		// The test toolkit: inspect and wait, journal, faults, retention.
		{"GET", "/admin/v1/apps/:app/messages", a.inApp(a.listMessages)},
		{"GET", "/admin/v1/apps/:app/messages/:msg", a.inApp(a.getMessage)},
		{"GET", "/admin/v1/apps/:app/messages/:msg/wire", a.inApp(a.messageWire)},
		{"POST", "/admin/v1/apps/:app/messages/:msg/actions", a.inApp(a.messageAction)},
		{"GET", "/admin/v1/apps/:app/conversations/:conv/messages", a.inApp(a.listMessages)},
		{"POST", "/admin/v1/apps/:app/conversations/:conv/messages", a.inApp(a.sendMessage)},
		{"GET", "/admin/v1/apps/:app/journal", a.inApp(a.appJournal)},
		{"DELETE", "/admin/v1/apps/:app/journal", a.inApp(a.clearAppJournal)},
		{"GET", "/admin/v1/journal", a.instanceJournal},
		{"DELETE", "/admin/v1/journal", a.clearJournal},
		{"GET", "/admin/v1/apps/:app/faults", a.inApp(a.listFaults)},
		{"POST", "/admin/v1/apps/:app/faults", a.inApp(a.addFault)},
		{"DELETE", "/admin/v1/apps/:app/faults", a.inApp(a.clearFaults)},
		{"DELETE", "/admin/v1/apps/:app/faults/:fault", a.inApp(a.removeFault)},
		{"GET", "/admin/v1/apps/:app/retention", a.inApp(a.getRetention)},
		{"PUT", "/admin/v1/apps/:app/retention", a.inApp(a.setRetention)},
	} {
		r.Handle(rt.method, rt.path, a.wrap(rt.path, rt.h))
	}
	r.NotFound = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, req, core.Errorf(core.ENOTFOUND, "no such admin endpoint"))
	})
	r.MethodNotAllowed = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		writeError(w, req, &core.Error{Code: "method", Message: "method not allowed"})
	})
	return r
}

type api struct {
	svc   *core.Service
	tools Tools
}

// wrap proves the admin token, acting in the app the path names (if any),
// runs the handler and writes its error.
func (a *api) wrap(route string, h handler) httprouter.Handle {
	return func(w http.ResponseWriter, r *http.Request, p httprouter.Params) {
		httpx.InfoOf(r.Context()).Route = route
		token := bearerToken(r)
		c, err := a.svc.Authenticate(r.Context(), core.Credential{Kind: core.CredAdmin, Secret: token, AppID: p.ByName("app")})
		if err == nil {
			err = h(w, r, c, p)
		}
		if err != nil {
			writeError(w, r, err)
		}
	}
}

// bearerToken is the admin token of Authorization: Bearer TOKEN, the only
// way the admin API takes it ("" otherwise: a missing admin token).
func bearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// handler serves one admin route for the admin caller (acting as the app
// the path names, if any).
type handler func(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error

// inApp marks a route under /apps/:app: its caller acts as that app, with
// the app's full rights.
func (a *api) inApp(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
		if c.App() == nil {
			return core.Errorf(core.ENOTFOUND, "app not found")
		}
		httpx.InfoOf(r.Context()).App = c.App().ID
		return h(w, r, c, p)
	}
}

// page reads the after and before cursors (ids), skip and limit from the
// query.
func page(r *http.Request) (core.Page, error) {
	skip, err := httpx.QueryInt(r, "skip", 0)
	if err != nil {
		return core.Page{}, err
	}
	limit, err := httpx.QueryInt(r, "limit", 0)
	q := r.URL.Query()
	return core.Page{After: q.Get("after"), Before: q.Get("before"), Skip: skip, Limit: limit}, err
}
