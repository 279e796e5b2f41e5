package core

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Webhook is an app's subscription of a URL to its events: each matching
// event is POSTed there, signed with the secret. The app (its secret key,
// or Parley's admin in the app) registers and removes webhooks.
type Webhook struct {
	PK    int64
	AppPK int64
	ID    string // client-chosen, or the PK in decimal
	URL   string
	// Types lists the event types delivered; empty: every type but
	// typing.started and typing.stopped (too chatty for a server).
	Types []string
	// Secret signs every delivery (HMAC-SHA256); it is kept in clear, as
	// signing needs it.
	Secret    string
	CreatedAt time.Time
}

// Wants reports whether the webhook takes events of type typ.
func (w *Webhook) Wants(typ string) bool {
	if len(w.Types) == 0 {
		return !strings.HasPrefix(typ, "typing.")
	}
	return slices.Contains(w.Types, typ)
}

// WebhookInput registers a webhook.
type WebhookInput struct {
	ID     string
	URL    string
	Types  []string
	Secret string // a random one when empty
}

// Delivery is one event's delivery to one webhook, with its outcome so far.
type Delivery struct {
	ID         string
	WebhookID  string
	EventType  string
	Status     string // DeliveryPending, DeliveryRetrying, DeliveryDelivered or DeliveryFailed
	Attempts   int
	StatusCode int    // the receiver's last answer; 0: none
	Error      string // why the last attempt failed
	CreatedAt  time.Time
	UpdatedAt  time.Time
	NextTryAt  time.Time // when retrying
}

// Delivery statuses.
const (
	DeliveryPending   = "pending"
	DeliveryRetrying  = "retrying"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // given up
)

// Deliverer sends events to webhooks, away from the request that made
// them. Deliver must never block; Deliveries lists a webhook's recent
// deliveries, newest first.
type Deliverer interface {
	Deliver(e Event, hooks []*Webhook)
	Deliveries(webhookPK int64, limit int) []Delivery
}

// CreateWebhook registers a webhook of the caller's app.
func (s *Service) CreateWebhook(ctx context.Context, c *Caller, in WebhookInput) (*Webhook, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actManageWebhooks, nil); err != nil {
		return nil, err
	}
	if err := s.checkOptionalID("id", in.ID); err != nil {
		return nil, err
	}
	u, err := url.Parse(in.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, Invalidf("url", "url must be an absolute http or https URL")
	}
	if len(in.URL) > 2048 {
		return nil, Invalidf("url", "url is longer than 2048 bytes")
	}
	for _, t := range in.Types {
		if !slices.Contains(EventTypes, t) {
			return nil, Invalidf("types", "unknown event type %q", t)
		}
	}
	if in.Secret == "" {
		in.Secret = s.token()
	}
	if err := checkText("secret", in.Secret, 200); err != nil {
		return nil, err
	}
	w := &Webhook{AppPK: c.app.PK, ID: in.ID, URL: in.URL, Types: dedupe(in.Types), Secret: in.Secret, CreatedAt: s.Now()}
	if err := s.write(ctx, func(tx Tx) error { return tx.InsertWebhook(w) }); err != nil {
		return nil, err
	}
	s.hooks.invalidate()
	return w, nil
}

// ListWebhooks lists the caller's app's webhooks, oldest first.
func (s *Service) ListWebhooks(ctx context.Context, c *Caller) ([]*Webhook, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actManageWebhooks, nil); err != nil {
		return nil, err
	}
	var hooks []*Webhook
	err := s.read(ctx, func(tx Tx) (err error) {
		hooks, err = tx.ListWebhooks(c.app.PK)
		return err
	})
	return hooks, err
}

// DeleteWebhook removes a webhook of the caller's app; deliveries under way
// finish.
func (s *Service) DeleteWebhook(ctx context.Context, c *Caller, id string) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if err := allow(c, actManageWebhooks, nil); err != nil {
		return err
	}
	if err := s.write(ctx, func(tx Tx) error { return tx.DeleteWebhook(c.app.PK, id) }); err != nil {
		return err
	}
	s.hooks.invalidate()
	return nil
}

// WebhookDeliveries lists a webhook's recent deliveries, newest first. They
// are kept in memory: a restart forgets them.
func (s *Service) WebhookDeliveries(ctx context.Context, c *Caller, id string, limit int) ([]Delivery, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actManageWebhooks, nil); err != nil {
		return nil, err
	}
	var w *Webhook
	err := s.read(ctx, func(tx Tx) (err error) {
		w, err = tx.WebhookByID(c.app.PK, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > s.limits.MaxPageSize {
		limit = s.limits.MaxPageSize
	}
	if s.hooks.deliverer == nil {
		return nil, nil
	}
	return s.hooks.deliverer.Deliveries(w.PK, limit), nil
}

// hookIndex holds every app's webhooks in memory, read from the store on
// first use after each change, so that publishing an event costs no query.
type hookIndex struct {
	deliverer Deliverer

	mu     sync.Mutex
	loaded bool
	epoch  uint64 // grows with each change: a load that began before it is not kept
	byApp  map[int64][]*Webhook
}

func (h *hookIndex) invalidate() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.loaded, h.byApp = false, nil
	h.epoch++
}

// forApp returns the app's webhooks, loading them all when needed.
func (h *hookIndex) forApp(s *Service, appPK int64) []*Webhook {
	if h.deliverer == nil {
		return nil
	}
	h.mu.Lock()
	if h.loaded {
		hooks := h.byApp[appPK]
		h.mu.Unlock()
		return hooks
	}
	epoch := h.epoch
	h.mu.Unlock()

	var all []*Webhook
	err := s.read(context.Background(), func(tx Tx) (err error) {
		all, err = tx.AllWebhooks()
		return err
	})
	if err != nil {
		s.log.Error("webhooks: load", "err", err)
		return nil
	}
	byApp := make(map[int64][]*Webhook)
	for _, w := range all {
		byApp[w.AppPK] = append(byApp[w.AppPK], w)
	}
	h.mu.Lock()
	if h.epoch == epoch {
		h.loaded, h.byApp = true, byApp
	}
	h.mu.Unlock()
	return byApp[appPK]
}

// any reports whether the app has webhooks.
func (h *hookIndex) any(s *Service, appPK int64) bool { return len(h.forApp(s, appPK)) > 0 }

// deliver hands e to the deliverer for the app's webhooks that want it.
func (h *hookIndex) deliver(s *Service, e Event) {
	var want []*Webhook
	for _, w := range h.forApp(s, e.AppPK) {
		if w.Wants(e.Type) {
			want = append(want, w)
		}
	}
	if len(want) > 0 {
		h.deliverer.Deliver(e, want)
	}
}
