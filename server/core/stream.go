package core

import (
	"context"
	"slices"
)

// Watch is what one event stream may receive, built by the core from a
// verified credential: one user's events (those whose audience holds the
// user), every event of one app (the app's secret key), or every event of
// every app (Parley's admin token). A conversation narrows any of them.
type Watch struct {
	// App is the app watched; nil for Parley's admin watching every app.
	App *App
	// User is the user whose events are watched; nil when the app (or the
	// admin) watches every event.
	User *User
	// ConversationPK and ConversationID narrow the watch to one
	// conversation when not zero.
	ConversationPK int64
	ConversationID string
}

// WatchInput asks for an event stream.
type WatchInput struct {
	// Credential is a user token, an app's secret key or Parley's admin
	// token, tried in that order.
	Credential string
	// AppID narrows an admin's watch to one app (required with a
	// conversation); other credentials must belong to the app it names.
	AppID string
	// ConversationID narrows the watch to one conversation the watcher may
	// read.
	ConversationID string
}

// Watch authenticates an event stream: a user token watches that user's
// events, an app's secret key every event of the app, Parley's admin token
// every event of every app (or of the app it names).
func (s *Service) Watch(ctx context.Context, in WatchInput) (*Watch, error) {
	c, err := s.watcher(ctx, in)
	if err != nil {
		return nil, err
	}
	w := &Watch{App: c.app, User: c.user}
	if in.ConversationID == "" {
		return w, nil
	}
	if c.app == nil {
		return nil, Invalidf("app", "name the app of the conversation")
	}
	err = s.read(ctx, func(tx Tx) error {
		conv, _, err := s.conversation(tx, c, in.ConversationID)
		if err != nil {
			return err
		}
		w.ConversationPK, w.ConversationID = conv.PK, conv.ID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// watcher tries the credential as each kind a stream accepts.
func (s *Service) watcher(ctx context.Context, in WatchInput) (*Caller, error) {
	if in.Credential == "" {
		return nil, Errorf(EUNAUTHENTICATED, "missing credential")
	}
	if err := s.throttled(ctx); err != nil {
		return nil, err
	}
	// One failed guess when no kind fits, not one per kind tried.
	tries := withoutThrottle(ctx)
	for _, kind := range []CredentialKind{CredToken, CredSecret, CredAdmin} {
		c, err := s.Authenticate(tries, Credential{Kind: kind, Secret: in.Credential, AppID: in.AppID})
		if ErrorCode(err) != EUNAUTHENTICATED {
			return c, err
		}
	}
	s.failed(ctx, CredSecret, errBadCredentials)
	return nil, errBadCredentials
}

// AppPK is the watched app's key; 0 for every app.
func (w *Watch) AppPK() int64 {
	if w.App == nil {
		return 0
	}
	return w.App.PK
}

// UserPK is the watching user's key; 0 when the app or the admin watches.
func (w *Watch) UserPK() int64 {
	if w.User == nil {
		return 0
	}
	return w.User.PK
}

// Sees reports whether the watch receives e: e is of the watched app and
// conversation, and a user's watch only receives what e's audience names
// (an empty audience reaches no user).
func (w *Watch) Sees(e *Event) bool {
	if w.App != nil && e.AppPK != w.App.PK {
		return false
	}
	if w.ConversationPK != 0 && e.ConversationPK != w.ConversationPK {
		return false
	}
	return w.User == nil || slices.Contains(e.Audience, w.User.PK)
}
