package db

import (
	"fmt"

	"parley/server/core"
)

// resolveRecipients returns the keys of the message's recipients (user ids
// or key references of its app), each once, and names them in
// m.Recipients by their text ids, as a loaded message does.
func (t *tx) resolveRecipients(m *core.Message) ([]int64, error) {
	if len(m.Recipients) == 0 {
		return nil, nil
	}
	byID, err := t.rowsByID("users", m.AppPK, m.Recipients)
	if err != nil {
		return nil, err
	}
	pks := make([]int64, 0, len(byID))
	ids := make([]string, 0, len(byID))
	seen := make(map[int64]bool, len(byID))
	for _, id := range m.Recipients {
		r, ok := byID[id]
		if !ok {
			return nil, core.Invalidf("recipients", "unknown recipient %q", id)
		}
		if !seen[r.PK] {
			seen[r.PK] = true
			pks, ids = append(pks, r.PK), append(ids, r.ID)
		}
	}
	m.Recipients = ids
	return pks, nil
}

// resolveMentions fills the UserPK of mentions given by UserID only and
// drops repeated mentions of a user (the first one stays).
func (t *tx) resolveMentions(m *core.Message) error {
	var ids []string
	for _, mn := range m.Mentions {
		if mn.UserPK == 0 {
			if mn.UserID == "" {
				return core.Invalidf("mentions", "mention without a user")
			}
			ids = append(ids, mn.UserID)
		}
	}
	if len(ids) > 0 {
		byID, err := t.rowsByID("users", m.AppPK, ids)
		if err != nil {
			return err
		}
		for i, mn := range m.Mentions {
			if mn.UserPK == 0 {
				r, ok := byID[mn.UserID]
				if !ok {
					return core.Invalidf("mentions", "unknown mentioned user %q", mn.UserID)
				}
				m.Mentions[i].UserPK, m.Mentions[i].UserID = r.PK, r.ID
			}
		}
	}
	seen := make(map[int64]bool, len(m.Mentions))
	kept := m.Mentions[:0]
	for _, mn := range m.Mentions {
		if !seen[mn.UserPK] {
			seen[mn.UserPK] = true
			kept = append(kept, mn)
		}
	}
	m.Mentions = kept
	return nil
}

// insertAttachments stores the message's attachments in order, giving
// those without an ID "<message pk>-<position>".
func (t *tx) insertAttachments(m *core.Message) error {
	if len(m.Attachments) == 0 {
		return nil
	}
	var fileIDs []string
	for _, a := range m.Attachments {
		if a.FileID != "" {
			fileIDs = append(fileIDs, a.FileID)
		}
	}
	var files map[string]idPK
	if len(fileIDs) > 0 {
		var err error
		if files, err = t.rowsByID("files", m.AppPK, fileIDs); err != nil {
			return err
		}
	}
	args := make([]any, 0, 10*len(m.Attachments))
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if a.ID == "" {
			a.ID = fmt.Sprintf("%d-%d", m.PK, i)
		}
		var filePK int64
		if a.FileID != "" {
			f, ok := files[a.FileID]
			if !ok {
				return core.Invalidf("attachments", "unknown file %q", a.FileID)
			}
			filePK, a.FileID = f.PK, f.ID
		}
		args = append(args, m.PK, i, a.ID, a.Type, a.Name, a.MimeType, a.URL, a.Size, optPK(filePK), jsonText(a.Data))
	}
	_, err := t.exec(`
		INSERT INTO attachments (message_pk, position, id, type, name, mime_type, url, size, file_pk, data)
		VALUES `+values(len(m.Attachments), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), args...)
	return dbErr("insert attachments", err)
}

// insertMentions stores the message's mentions (resolved by resolveMentions).
func (t *tx) insertMentions(m *core.Message) error {
	if len(m.Mentions) == 0 {
		return nil
	}
	args := make([]any, 0, 4*len(m.Mentions))
	for _, mn := range m.Mentions {
		args = append(args, m.PK, mn.UserPK, mn.Order, mn.WordCount)
	}
	_, err := t.exec(`INSERT INTO mentions (message_pk, user_pk, ord, word_count) VALUES `+
		values(len(m.Mentions), "(?, ?, ?, ?)"), args...)
	return dbErr("insert mentions", err)
}

// loadDetails fills the attachments, mentions (with users), reactions and
// recipients of msgs (rows are their rows, in the same order) with at most
// one query for each, skipped when no message of the page has any.
func (t *tx) loadDetails(msgs []*core.Message, rows []messageRow) error {
	byPK := make(map[int64]*core.Message, len(msgs))
	var withAttachments, withMentions, withReactions, withRecipients []int64
	for i, r := range rows {
		byPK[r.PK] = msgs[i]
		if r.AttachmentCount > 0 {
			withAttachments = append(withAttachments, r.PK)
		}
		if r.MentionCount > 0 {
			withMentions = append(withMentions, r.PK)
		}
		if r.ReactionCount > 0 {
			withReactions = append(withReactions, r.PK)
		}
		if r.HasRecipients {
			withRecipients = append(withRecipients, r.PK)
		}
	}
	if len(withAttachments) > 0 {
		var as []struct {
			MessagePK int64  `db:"message_pk"`
			ID        string `db:"id"`
			Type      string `db:"type"`
			Name      string `db:"name"`
			MimeType  string `db:"mime_type"`
			URL       string `db:"url"`
			Size      int64  `db:"size"`
			FileID    string `db:"file_id"`
			Data      []byte `db:"data"`
		}
		if err := t.selIn(&as, `
			SELECT a.message_pk, a.id, a.type, a.name, a.mime_type, a.url, a.size,
				IFNULL(f.id, '') AS file_id, a.data
			FROM attachments a LEFT JOIN files f ON f.pk = a.file_pk
			WHERE a.message_pk IN (?) ORDER BY a.message_pk, a.position`, withAttachments); err != nil {
			return fmt.Errorf("load attachments: %w", err)
		}
		for _, a := range as {
			m := byPK[a.MessagePK]
			m.Attachments = append(m.Attachments, core.Attachment{ID: a.ID, Type: a.Type, Name: a.Name,
				MimeType: a.MimeType, URL: a.URL, Size: a.Size, FileID: a.FileID, Data: a.Data})
		}
	}
	if len(withMentions) > 0 {
		var mns []struct {
			MessagePK int64   `db:"message_pk"`
			Order     int     `db:"ord"`
			WordCount int     `db:"word_count"`
			User      userRow `db:"user"`
		}
		if err := t.selIn(&mns, `
			SELECT mn.message_pk, mn.ord, mn.word_count, `+userColumnsAs("u", "user")+`
			FROM mentions mn JOIN users u ON u.pk = mn.user_pk
			WHERE mn.message_pk IN (?) ORDER BY mn.message_pk, mn.ord`, withMentions); err != nil {
			return fmt.Errorf("load mentions: %w", err)
		}
		for _, mn := range mns {
			m := byPK[mn.MessagePK]
			m.Mentions = append(m.Mentions, core.Mention{UserPK: mn.User.PK, UserID: mn.User.ID,
				User: mn.User.user(), Order: mn.Order, WordCount: mn.WordCount})
		}
	}
	if len(withReactions) > 0 {
		var rs []struct {
			MessagePK int64  `db:"message_pk"`
			Name      string `db:"name"`
			UserID    string `db:"user_id"`
			UserName  string `db:"user_name"`
			CreatedAt int64  `db:"created_at"`
		}
		if err := t.selIn(&rs, `
			SELECT r.message_pk, r.name, u.id AS user_id, u.display_name AS user_name, r.created_at
			FROM reactions r JOIN users u ON u.pk = r.user_pk
			WHERE r.message_pk IN (?) ORDER BY r.message_pk, r.created_at, r.pk`, withReactions); err != nil {
			return fmt.Errorf("load reactions: %w", err)
		}
		for _, r := range rs {
			m := byPK[r.MessagePK]
			g := len(m.Reactions) - 1
			for g >= 0 && m.Reactions[g].Name != r.Name {
				g--
			}
			if g < 0 {
				m.Reactions = append(m.Reactions, core.ReactionGroup{Name: r.Name})
				g = len(m.Reactions) - 1
			}
			m.Reactions[g].Count++
			m.Reactions[g].UserIDs = append(m.Reactions[g].UserIDs, r.UserID)
			m.Reactions[g].Times = append(m.Reactions[g].Times, fromMS(r.CreatedAt))
			// rows come oldest first: the last one of a message is its newest
			m.LatestReaction = &core.LatestReaction{Name: r.Name, UserID: r.UserID, UserName: r.UserName, CreatedAt: fromMS(r.CreatedAt)}
		}
	}
	if len(withRecipients) > 0 {
		var rs []struct {
			MessagePK int64  `db:"message_pk"`
			UserID    string `db:"user_id"`
		}
		if err := t.selIn(&rs, `
			SELECT rc.message_pk, u.id AS user_id
			FROM recipients rc JOIN users u ON u.pk = rc.user_pk
			WHERE rc.message_pk IN (?) ORDER BY rc.message_pk, u.pk`, withRecipients); err != nil {
			return fmt.Errorf("load recipients: %w", err)
		}
		for _, r := range rs {
			m := byPK[r.MessagePK]
			m.Recipients = append(m.Recipients, r.UserID)
		}
	}
	return nil
}
