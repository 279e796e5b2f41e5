package channelize

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Users and access tokens.

// login exchanges a password for an access token (Public-Key only).
func (a *api) login(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in loginIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if in.login() == "" {
		return core.Invalidf("email", "email, userId or username is required")
	}
	t, err := a.svc.Login(r.Context(), c, in.login(), in.Password)
	if core.ErrorCode(err) == core.EUNAUTHENTICATED {
		return withCode(err, "LOGIN_FAILED")
	}
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireToken(t))
	return nil
}

// createAccessToken issues a token for a user: the app only.
func (a *api) createAccessToken(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in tokenIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	t, err := a.svc.IssueToken(r.Context(), c, in.UserID, "")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toWireToken(t))
	return nil
}

func (a *api) listUsers(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	pg, err := httpx.Page(r, 0)
	if err != nil {
		return err
	}
	users, err := a.svc.ListUsers(r.Context(), c, pg)
	if err != nil {
		return err
	}
	out := make([]wireUser, len(users.Items))
	for i, u := range users.Items {
		out[i] = toWireUser(u, seesEmail(c, u))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// createUser creates a user of the app: the app only.
func (a *api) createUser(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in userIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	ui, err := in.core()
	if err != nil {
		return err
	}
	u, err := a.svc.CreateUser(r.Context(), c, ui)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toWireUser(u, true))
	return nil
}

// getUser answers any caller of the app: the SDK fetches the next current
// user while still sending the previous one's User-Id.
func (a *api) getUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	u, err := a.svc.GetUser(r.Context(), c, p.ByName("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireUser(u, seesEmail(c, u)))
	return nil
}
