package admin

import (
	"io"
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

func (a *api) listApps(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	apps, err := a.svc.ListApps(r.Context(), c)
	if err != nil {
		return err
	}
	out := make([]wireApp, len(apps))
	for i, app := range apps {
		out[i] = toWireApp(app)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) createApp(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in struct {
		ID        string `json:"id"`
		Name      string `json:"name"`
		PublicKey string `json:"publicKey"`
		SecretKey string `json:"secretKey"`
	}
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	app, secret, err := a.svc.CreateApp(r.Context(), c, core.AppInput(in))
	if err != nil {
		return err
	}
	out := toWireApp(app)
	out.SecretKey = secret
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *api) getApp(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	httpx.WriteJSON(w, http.StatusOK, toWireApp(c.App()))
	return nil
}

func (a *api) deleteApp(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.DeleteApp(r.Context(), c, p.ByName("app")); err != nil {
		return err
	}
	a.forget(p.ByName("app"))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) resetApp(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	app, err := a.svc.ResetApp(r.Context(), c, p.ByName("app"))
	if err != nil {
		return err
	}
	a.forget(app.ID) // a reset starts the app's test afresh
	httpx.WriteJSON(w, http.StatusOK, toWireApp(app))
	return nil
}

func (a *api) resetAll(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	if err := a.svc.ResetAll(r.Context(), c); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) loadFixtures(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return httpx.JSONError(err)
	}
	f, err := DecodeFixtures(data)
	if err != nil {
		return err
	}
	switch as := r.URL.Query().Get("as"); as {
	case "":
	case "new":
		return a.loadFixturesAsNew(w, r, c, f)
	default:
		return core.Invalidf("as", "as must be new (load each app under a generated id), not %q", as)
	}
	if err := a.svc.LoadFixtures(r.Context(), c, f); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// loadFixturesAsNew loads each app of the document under a generated id
// and answers with the credentials each got.
func (a *api) loadFixturesAsNew(w http.ResponseWriter, r *http.Request, c *core.Caller, f core.Fixtures) error {
	loaded, err := a.svc.LoadFixturesAsNew(r.Context(), c, f)
	if err != nil {
		return err
	}
	type wireLoaded struct {
		FixtureID string `json:"fixtureId"`
		wireApp
		Tokens map[string]string `json:"tokens"`
	}
	out := struct {
		Apps []wireLoaded `json:"apps"`
	}{}
	for _, la := range loaded {
		app := toWireApp(la.App)
		app.SecretKey = la.SecretKey
		out.Apps = append(out.Apps, wireLoaded{FixtureID: la.FixtureID, wireApp: app, Tokens: la.Tokens})
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *api) listUsers(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	users, err := a.svc.ListUsers(r.Context(), c, pg)
	if err != nil {
		return err
	}
	out := make([]wireUser, len(users.Items))
	for i, u := range users.Items {
		out[i] = toWireUser(u)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) createUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in userIn
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
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
	if in.Token != "" {
		if _, err := a.svc.IssueToken(r.Context(), c, u.ID, in.Token); err != nil {
			return err
		}
	}
	httpx.WriteJSON(w, http.StatusCreated, toWireUser(u))
	return nil
}

func (a *api) getUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	u, err := a.svc.GetUser(r.Context(), c, p.ByName("user"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireUser(u))
	return nil
}

func (a *api) updateUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in userIn
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	ui, err := in.core()
	if err != nil {
		return err
	}
	u, err := a.svc.UpdateUser(r.Context(), c, p.ByName("user"), ui)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireUser(u))
	return nil
}

func (a *api) deleteUser(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.DeleteUser(r.Context(), c, p.ByName("user")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) createToken(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in struct {
		Token string `json:"token"`
	}
	if err := httpx.DecodeJSON(r, &in, true, true); err != nil {
		return err
	}
	t, err := a.svc.IssueToken(r.Context(), c, p.ByName("user"), in.Token)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, map[string]string{"token": t.Token, "userId": t.User.ID,
		"createdAt": wireTime(t.CreatedAt), "expiresAt": wireTime(t.ExpiresAt)})
	return nil
}
