package core

import (
	"context"
	"time"
)

// Reactor is one user's reaction of one name, with its user and time.
type Reactor struct {
	PK        int64
	User      *User
	Name      string
	CreatedAt time.Time
}

// ListReactors lists a message's reactions with their users, in reaction
// order; an empty name lists every name.
func (s *Service) ListReactors(ctx context.Context, c *Caller, messageID, name string, p Page) (*Message, []Reactor, error) {
	if name != "" {
		if err := s.checkReaction(name); err != nil {
			return nil, nil, err
		}
	}
	p, err := s.page(p)
	if err != nil {
		return nil, nil, err
	}
	var m *Message
	var out []Reactor
	err = s.read(ctx, func(tx Tx) error {
		if m, _, _, err = s.visibleMessage(tx, c, messageID); err != nil {
			return err
		}
		out, err = tx.ListReactors(m.PK, name, p)
		return err
	})
	return m, out, err
}
