package core

import "context"

// SendPrivate sends a message to the direct conversation of the caller and
// the users named by destinations (ids, key references or username
// references), found or created in the same transaction: App.net's pm
// channel of exactly that set of users. in.ConversationID and in.ToUserID
// are ignored.
func (s *Service) SendPrivate(ctx context.Context, c *Caller, destinations []string, in SendInput) (*Message, error) {
	if err := actingUser(c, "sending a private message"); err != nil {
		return nil, err
	}
	if len(destinations) == 0 {
		return nil, Invalidf("destinations", "destinations must name at least one user")
	}
	if len(destinations) > MaxACLUsers {
		return nil, Invalidf("destinations", "destinations names %d users; at most %d are allowed", len(destinations), MaxACLUsers)
	}
	in.ToUserID, in.ConversationID = "", "-"
	if err := s.checkSend(&in); err != nil {
		return nil, err
	}
	var conv *Conversation
	var m *Message
	created := false
	err := s.write(ctx, func(tx Tx) error {
		users, err := s.usersByRefs(tx, c.app.PK, "destinations", destinations)
		if err != nil {
			return err
		}
		refs := make([]string, len(users))
		for i, u := range users {
			refs[i] = KeyRef(u.PK)
		}
		if conv, created, err = s.openDirectSet(tx, c, refs); err != nil {
			return err
		}
		in.ConversationID = KeyRef(conv.PK)
		conv, m, _, err = s.send(tx, c, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	if created {
		s.publishToMembers(ctx, conv, s.newEvent(EventConversationCreated, c, conv))
	}
	s.publishMessage(ctx, EventMessageCreated, c, conv, m)
	return m, nil
}
