package core

import "context"

// Calls on a team channel as CoWork addresses it: by team and channel id
// (DirectTeamID for a direct conversation), and messages within it. Each
// first checks that the caller reads the channel and that it is in that
// team (ENOTFOUND otherwise), then does what the same call on the bare
// conversation or message does.

// ChannelMembers lists a page of a team channel's members (its team's,
// when it inherits them), each with Online set.
func (s *Service) ChannelMembers(ctx context.Context, c *Caller, teamID, channelID string, p Page) (List[*Member], error) {
	if err := c.inApp(); err != nil {
		return List[*Member]{}, err
	}
	p, err := s.page(p)
	if err != nil {
		return List[*Member]{}, err
	}
	var list List[*Member]
	err = s.read(ctx, func(tx Tx) error {
		ch, err := s.teamChannel(tx, c, teamID, channelID)
		if err != nil {
			return err
		}
		if list, err = s.listMembers(tx, ch.Conversation, p); err != nil {
			return err
		}
		s.markOnline(list.Items)
		return s.fillReadSeqs(tx, c, list.Items)
	})
	return list, err
}

// LeaveChannel takes the caller off a team channel's member list, or out
// of a direct conversation (which lasts until both have left).
func (s *Service) LeaveChannel(ctx context.Context, c *Caller, teamID, channelID string) error {
	if err := c.inApp(); err != nil {
		return err
	}
	if _, err := s.TeamChannel(ctx, c, teamID, channelID); err != nil {
		return err
	}
	return s.Leave(ctx, c, channelID)
}

// ChannelWindow is MessageWindow on a team channel.
func (s *Service) ChannelWindow(ctx context.Context, c *Caller, teamID, channelID string, w Window) ([]*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	var out []*Message
	err := s.read(ctx, func(tx Tx) error {
		ch, err := s.teamChannel(tx, c, teamID, channelID)
		if err != nil {
			return err
		}
		if err := s.checkWindow(w); err != nil {
			return err
		}
		out, err = s.messageWindow(tx, c, ch.ID, w)
		return err
	})
	return out, err
}

// SendChannelMessage sends a message, with the staged uploads as its
// attachments, to a team channel (in.ConversationID and in.ToUserID are
// ignored). The uploads are stored with the message or discarded.
func (s *Service) SendChannelMessage(ctx context.Context, c *Caller, teamID, channelID string, in SendInput, uploads []*PendingUpload) (*Message, error) {
	if err := c.inApp(); err != nil {
		s.DiscardUploads(uploads...)
		return nil, err
	}
	ch, err := s.TeamChannel(ctx, c, teamID, channelID)
	if err != nil {
		s.DiscardUploads(uploads...)
		return nil, err
	}
	in.ConversationID, in.ToUserID = ch.ID, ""
	if in.Dialect == "" {
		in.Dialect = dialectOf(ctx) // with files too
	}
	if len(uploads) == 0 {
		m, _, err := s.SendMessage(ctx, c, in)
		return m, err
	}
	m, _, err := s.SendMessageWithFiles(ctx, c, in, uploads)
	return m, err
}

// EditChannelMessage is EditMessage on a message of a team channel.
func (s *Service) EditChannelMessage(ctx context.Context, c *Caller, teamID, channelID, messageID string, in EditInput) (*Message, error) {
	if _, err := s.ChannelMessage(ctx, c, teamID, channelID, messageID); err != nil {
		return nil, err
	}
	return s.EditMessage(ctx, c, messageID, in)
}

// RecallChannelMessage deletes a message of a team channel for everyone
// (Recall).
func (s *Service) RecallChannelMessage(ctx context.Context, c *Caller, teamID, channelID, messageID string) error {
	if _, err := s.ChannelMessage(ctx, c, teamID, channelID, messageID); err != nil {
		return err
	}
	_, err := s.Recall(ctx, c, []string{messageID})
	return err
}

// ToggleChannelReaction is ToggleReaction on a message of a team channel;
// it answers the message with its reactions after the toggle.
func (s *Service) ToggleChannelReaction(ctx context.Context, c *Caller, teamID, channelID, messageID, name string) (*Message, error) {
	if _, err := s.ChannelMessage(ctx, c, teamID, channelID, messageID); err != nil {
		return nil, err
	}
	if _, err := s.ToggleReaction(ctx, c, messageID, name); err != nil {
		return nil, err
	}
	return s.GetMessage(ctx, c, messageID)
}

// OpenChannelAttachment opens the stored bytes of an attachment (by its
// id) of a message of a team channel, as OpenFile does. The caller closes
// the reader.
func (s *Service) OpenChannelAttachment(ctx context.Context, c *Caller, teamID, channelID, messageID, attachmentID string) (*File, BlobReader, error) {
	m, err := s.ChannelMessage(ctx, c, teamID, channelID, messageID)
	if err != nil {
		return nil, nil, err
	}
	var fileID string
	for _, att := range m.Attachments {
		if att.ID == attachmentID {
			if att.FileID == "" {
				return nil, nil, Errorf(ENOTFOUND, "attachment %q has no stored bytes", att.ID)
			}
			fileID = att.FileID
		}
	}
	if fileID == "" {
		return nil, nil, Errorf(ENOTFOUND, "attachment %q not found", attachmentID)
	}
	return s.OpenFile(ctx, c, fileID)
}
