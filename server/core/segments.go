package core

import "context"

// fillSegments fills each conversation's LastSeq and the caller's ReadSeq
// (Amity's messageCount and readToSegment) in one look-up.
func (s *Service) fillSegments(tx Tx, c *Caller, convs []*Conversation) error {
	var pks []int64
	for _, conv := range convs {
		if conv.LastMessagePK != 0 {
			pks = append(pks, conv.LastMessagePK)
		}
		if conv.Me != nil && conv.Me.LastReadPK != 0 {
			pks = append(pks, conv.Me.LastReadPK)
		}
	}
	if len(pks) == 0 {
		return nil
	}
	seqs, err := tx.MessageSeqs(c.app.PK, pks)
	if err != nil {
		return err
	}
	for _, conv := range convs {
		conv.LastSeq = seqs[conv.LastMessagePK]
		if conv.Me != nil {
			conv.Me.ReadSeq = seqs[conv.Me.LastReadPK]
		}
	}
	return nil
}

// fillReadSeqs fills members' ReadSeq in one look-up.
func (s *Service) fillReadSeqs(tx Tx, c *Caller, members []*Member) error {
	var pks []int64
	for _, m := range members {
		if m.LastReadPK != 0 {
			pks = append(pks, m.LastReadPK)
		}
	}
	if len(pks) == 0 {
		return nil
	}
	seqs, err := tx.MessageSeqs(c.app.PK, pks)
	if err != nil {
		return err
	}
	for _, m := range members {
		m.ReadSeq = seqs[m.LastReadPK]
	}
	return nil
}

// pkBySeq finds the key of the conversation's message with a Seq; a Seq
// past the newest reads up to the newest.
func (s *Service) pkBySeq(tx Tx, conv *Conversation, seq int64) (int64, error) {
	pk, err := tx.MessagePKBySeq(conv.PK, seq)
	if ErrorCode(err) == ENOTFOUND {
		return tx.LatestMessagePK(conv.PK, s.Now())
	}
	return pk, err
}

// ReadConversation moves the caller's read position (MarkRead) and returns
// the conversation as the caller now sees it (unread count, read Seq).
func (s *Service) ReadConversation(ctx context.Context, c *Caller, id string, in ReadInput) (*Conversation, error) {
	if err := s.MarkRead(ctx, c, id, in); err != nil {
		return nil, err
	}
	return s.GetConversation(ctx, c, id)
}
