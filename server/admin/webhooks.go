package admin

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// wireWebhook is a webhook; its secret shows only on creation.
type wireWebhook struct {
	ID        string   `json:"id"`
	URL       string   `json:"url"`
	Types     []string `json:"types"`
	Secret    string   `json:"secret,omitempty"`
	CreatedAt string   `json:"createdAt"`
}

func toWireWebhook(w *core.Webhook) wireWebhook {
	types := w.Types
	if types == nil {
		types = []string{}
	}
	return wireWebhook{ID: w.ID, URL: w.URL, Types: types, CreatedAt: wireTime(w.CreatedAt)}
}

type wireDelivery struct {
	ID         string `json:"id"`
	Webhook    string `json:"webhook"`
	Event      string `json:"event"`
	Status     string `json:"status"`
	Attempts   int    `json:"attempts"`
	StatusCode int    `json:"statusCode,omitempty"`
	Error      string `json:"error,omitempty"`
	CreatedAt  string `json:"createdAt"`
	UpdatedAt  string `json:"updatedAt"`
	NextTryAt  string `json:"nextTryAt,omitempty"`
}

type webhookIn struct {
	ID     string   `json:"id"`
	URL    string   `json:"url"`
	Types  []string `json:"types"`
	Secret string   `json:"secret"`
}

func (a *api) listWebhooks(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	hooks, err := a.svc.ListWebhooks(r.Context(), c)
	if err != nil {
		return err
	}
	out := make([]wireWebhook, len(hooks))
	for i, h := range hooks {
		out[i] = toWireWebhook(h)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) createWebhook(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	var in webhookIn
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	h, err := a.svc.CreateWebhook(r.Context(), c, core.WebhookInput(in))
	if err != nil {
		return err
	}
	out := toWireWebhook(h)
	out.Secret = h.Secret
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *api) deleteWebhook(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.DeleteWebhook(r.Context(), c, p.ByName("webhook")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) listDeliveries(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	limit, err := httpx.QueryInt(r, "limit", 0)
	if err != nil {
		return err
	}
	ds, err := a.svc.WebhookDeliveries(r.Context(), c, p.ByName("webhook"), limit)
	if err != nil {
		return err
	}
	out := make([]wireDelivery, len(ds))
	for i, d := range ds {
		out[i] = wireDelivery{ID: d.ID, Webhook: d.WebhookID, Event: d.EventType, Status: d.Status, Attempts: d.Attempts,
			StatusCode: d.StatusCode, Error: d.Error, CreatedAt: wireTime(d.CreatedAt), UpdatedAt: wireTime(d.UpdatedAt),
			NextTryAt: wireTime(d.NextTryAt)}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}
