package admin

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

type wireAdminToken struct {
	ID        string `json:"id"`
	Origin    string `json:"origin"`
	Token     string `json:"token,omitempty"` // only when just created
	CreatedAt string `json:"createdAt"`
}

func toWireAdminToken(t *core.AdminToken) wireAdminToken {
	return wireAdminToken{ID: t.ID, Origin: t.Origin, CreatedAt: wireTime(t.CreatedAt)}
}

func (a *api) listAdminTokens(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	tokens, err := a.svc.ListAdminTokens(r.Context(), c)
	if err != nil {
		return err
	}
	out := make([]wireAdminToken, len(tokens))
	for i, t := range tokens {
		out[i] = toWireAdminToken(t)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) createAdminToken(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	if err := httpx.DecodeJSON(r, &struct{}{}, true, true); err != nil {
		return err
	}
	token, t, err := a.svc.CreateAdminToken(r.Context(), c)
	if err != nil {
		return err
	}
	out := toWireAdminToken(t)
	out.Token = token
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *api) revokeAdminToken(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.RevokeAdminToken(r.Context(), c, p.ByName("token")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) rotateSecret(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	app, secret, err := a.svc.RotateSecret(r.Context(), c, p.ByName("app"))
	if err != nil {
		return err
	}
	out := toWireApp(app)
	out.SecretKey = secret
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
