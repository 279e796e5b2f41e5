package db

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"parley/server/core"
)

// messageRow is a row of messages joined with its conversation's, parent's
// and original's text ids and its owner.
type messageRow struct {
	PK                 int64          `db:"pk"`
	AppPK              int64          `db:"app_pk"`
	ID                 string         `db:"id"`
	ConversationPK     int64          `db:"conversation_pk"`
	ConversationID     string         `db:"conversation_id"`
	Seq                int64          `db:"seq"`
	OwnerPK            int64          `db:"owner_pk"`
	Owner              userRow        `db:"owner"`
	Type               string         `db:"type"`
	CustomType         string         `db:"custom_type"`
	Body               string         `db:"body"`
	HTML               string         `db:"html"`
	Dialect            string         `db:"dialect"`
	Metadata           []byte         `db:"metadata"`
	Entities           []byte         `db:"entities"`
	Annotations        []byte         `db:"annotations"`
	Tags               sql.NullString `db:"tags"`
	ParentPK           int64          `db:"parent_pk"`
	ParentID           string         `db:"parent_id"`
	ThreadRootPK       int64          `db:"thread_root_pk"`
	ReplyCount         int            `db:"reply_count"`
	ForwardedFromPK    int64          `db:"forwarded_from_pk"`
	ForwardedFromID    string         `db:"forwarded_from_id"`
	ShowInConversation bool           `db:"show_in_conversation"`
	Pinned             bool           `db:"pinned"`
	Encrypted          bool           `db:"encrypted"`
	MachineOnly        bool           `db:"machine_only"`
	HasRecipients      bool           `db:"has_recipients"`
	AttachmentCount    int            `db:"attachment_count"`
	MentionCount       int            `db:"mention_count"`
	ReactionCount      int            `db:"reaction_count"`
	FlagCount          int            `db:"flag_count"`
	CreatedAt          int64          `db:"created_at"`
	ReceivedAt         int64          `db:"received_at"`
	UpdatedAt          int64          `db:"updated_at"`
	EditedAt           sql.NullInt64  `db:"edited_at"`
	DeletedAt          sql.NullInt64  `db:"deleted_at"`
}

// messageFrom selects messageRow columns from messages m and its joins;
// a query adds its WHERE.
var messageFrom = `
	SELECT m.pk, m.app_pk, m.id, m.conversation_pk, c.id AS conversation_id, m.seq,
		IFNULL(m.owner_pk, 0) AS owner_pk, ` + userColumnsAs("u", "owner") + `,
		m.type, m.custom_type, m.body, m.html, m.dialect, m.metadata, m.entities, m.annotations, m.tags,
		IFNULL(m.parent_pk, 0) AS parent_pk, IFNULL(p.id, '') AS parent_id,
		m.thread_root_pk, m.reply_count,
		IFNULL(m.forwarded_from_pk, 0) AS forwarded_from_pk, IFNULL(fw.id, '') AS forwarded_from_id,
		m.show_in_conversation, m.pinned, m.encrypted, m.machine_only,
		m.has_recipients, m.attachment_count, m.mention_count, m.reaction_count, m.flag_count,
		m.created_at, m.received_at, m.updated_at, m.edited_at, m.deleted_at
	FROM messages m
	JOIN conversations c ON c.pk = m.conversation_pk
	LEFT JOIN users u ON u.pk = m.owner_pk
	LEFT JOIN messages p ON p.pk = m.parent_pk
	LEFT JOIN messages fw ON fw.pk = m.forwarded_from_pk`

func (r *messageRow) message() (*core.Message, error) {
	tags, err := fromTags(r.Tags)
	if err != nil {
		return nil, fmt.Errorf("db: message %d tags: %w", r.PK, err)
	}
	return &core.Message{
		PK: r.PK, AppPK: r.AppPK, ID: r.ID, ConversationPK: r.ConversationPK, ConversationID: r.ConversationID,
		Seq: r.Seq, OwnerPK: r.OwnerPK, Owner: r.Owner.user(), Type: core.MessageType(r.Type), CustomType: r.CustomType,
		Body: r.Body, HTML: r.HTML, Dialect: r.Dialect, Metadata: r.Metadata, Entities: r.Entities, Annotations: r.Annotations,
		Tags: tags, ParentPK: r.ParentPK, ParentID: r.ParentID, ThreadRootPK: r.ThreadRootPK,
		ReplyCount: r.ReplyCount, ForwardedFromPK: r.ForwardedFromPK, ForwardedFromID: r.ForwardedFromID,
		ShowInConversation: r.ShowInConversation, Pinned: r.Pinned, Encrypted: r.Encrypted,
		MachineOnly: r.MachineOnly, CreatedAt: fromMS(r.CreatedAt), ReceivedAt: fromMS(r.ReceivedAt), UpdatedAt: fromMS(r.UpdatedAt),
		EditedAt: fromOptMS(r.EditedAt), DeletedAt: fromOptMS(r.DeletedAt), FlagCount: r.FlagCount,
	}, nil
}

// messages selects messages with their details (see loadDetails).
func (t *tx) messages(op, query string, args ...any) ([]*core.Message, error) {
	var rows []messageRow
	if err := t.selIn(&rows, query, args...); err != nil {
		return nil, dbErr(op, err)
	}
	msgs := make([]*core.Message, len(rows))
	for i := range rows {
		m, err := rows[i].message()
		if err != nil {
			return nil, err
		}
		msgs[i] = m
	}
	if err := t.loadDetails(msgs, rows); err != nil {
		return nil, dbErr(op, err)
	}
	return msgs, nil
}

func (t *tx) messageBy(where string, args ...any) (*core.Message, error) {
	msgs, err := t.messages("get message", messageFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, core.Errorf(core.ENOTFOUND, "message not found")
	}
	return msgs[0], nil
}

// MessageByID returns the app's message with the given text id or key
// reference, with its details.
func (t *tx) MessageByID(appPK int64, id string) (*core.Message, error) {
	term, arg := idTerm("m.", id)
	return t.messageBy(`m.app_pk = ? AND `+term, appPK, arg)
}

// MessageByPK returns the app's message with the given key, with its details.
func (t *tx) MessageByPK(appPK, pk int64) (*core.Message, error) {
	return t.messageBy(`m.pk = ? AND m.app_pk = ?`, pk, appPK)
}

// MessagesByIDs returns the app's messages with the given ids (text ids or
// key references), with their details, in the order of ids, each message
// once; unknown ids are left out.
func (t *tx) MessagesByIDs(appPK int64, ids []string) ([]*core.Message, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	where, args := idsTerm("m.", ids, "m.app_pk = ?", appPK)
	msgs, err := t.messages("get messages", messageFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*core.Message, 2*len(msgs))
	for _, m := range msgs {
		byID[m.ID], byID[core.KeyRef(m.PK)] = m, m
	}
	msgs = msgs[:0]
	seen := make(map[int64]bool, len(byID))
	for _, id := range ids {
		if m, ok := byID[id]; ok && !seen[m.PK] {
			msgs = append(msgs, m)
			seen[m.PK] = true
		}
	}
	return msgs, nil
}

// MessagesByPKs returns the app's messages with the given keys, with their
// details, in no particular order; unknown keys are left out.
func (t *tx) MessagesByPKs(appPK int64, pks []int64) ([]*core.Message, error) {
	if len(pks) == 0 {
		return nil, nil
	}
	return t.messages("get messages", messageFrom+` WHERE m.pk IN (?) AND m.app_pk = ?`, pks, appPK)
}

// HiddenMessages returns which of the messages the user hid for themself.
func (t *tx) HiddenMessages(userPK int64, messagePKs []int64) (map[int64]bool, error) {
	hidden := map[int64]bool{}
	if len(messagePKs) == 0 {
		return hidden, nil
	}
	var pks []int64
	if err := t.selIn(&pks, `SELECT message_pk FROM hidden WHERE user_pk = ? AND message_pk IN (?)`, userPK, messagePKs); err != nil {
		return nil, dbErr("hidden messages", err)
	}
	for _, pk := range pks {
		hidden[pk] = true
	}
	return hidden, nil
}

// InsertMessage stores a new message with its attachments, mentions and
// recipients, and sets its PK and ID (the PK in decimal when empty), the
// IDs of attachments that have none ("<pk>-<position>"), and the PK of
// mentions given by user ID. An empty Type is TypeNormal. Unknown recipient,
// mentioned user or attachment file ids are EINVALID.
func (t *tx) InsertMessage(m *core.Message) error {
	if m.Type == "" {
		m.Type = core.TypeNormal
	}
	recipients, err := t.resolveRecipients(m)
	if err != nil {
		return err
	}
	if err := t.resolveMentions(m); err != nil {
		return err
	}
	if m.PK, err = t.nextMessagePK(); err != nil {
		return err
	}
	auto := m.ID == ""
	if auto {
		m.ID = strconv.FormatInt(m.PK, 10)
	}
	if m.ReceivedAt.IsZero() {
		m.ReceivedAt = m.CreatedAt
	}
	for attempt := 1; ; attempt++ {
		// seq is the conversation's next number (one seek on
		// messages_conversation_seq); inside the single writer's
		// transaction no other insert can take it, and a rollback gives it
		// back, so the numbers have no gap.
		err = t.scan(`
			INSERT INTO messages (pk, app_pk, id, conversation_pk, seq, owner_pk, type, custom_type, body, html,
				dialect, metadata, entities, annotations, tags, parent_pk, thread_root_pk, reply_count,
				forwarded_from_pk, show_in_conversation, pinned, encrypted, machine_only,
				has_recipients, attachment_count, mention_count, created_at, received_at, updated_at,
				edited_at, deleted_at)
			VALUES (?, ?, ?, ?, (SELECT IFNULL(MAX(seq), 0) + 1 FROM messages WHERE conversation_pk = ?),
				?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING seq`, []any{
			m.PK, m.AppPK, m.ID, m.ConversationPK, m.ConversationPK, optPK(m.OwnerPK), string(m.Type),
			m.CustomType, m.Body, m.HTML, m.Dialect,
			jsonText(m.Metadata), jsonText(m.Entities), jsonText(m.Annotations), tagsText(m.Tags),
			optPK(m.ParentPK), m.ThreadRootPK, m.ReplyCount, optPK(m.ForwardedFromPK),
			bit(m.ShowInConversation), bit(m.Pinned), bit(m.Encrypted), bit(m.MachineOnly),
			bit(len(recipients) > 0), len(m.Attachments), len(m.Mentions),
			ms(m.CreatedAt), ms(m.ReceivedAt), ms(m.UpdatedAt), optMS(m.EditedAt), optMS(m.DeletedAt)},
			&m.Seq)
		if err == nil {
			break
		}
		if !auto || attempt > 8 || !isIDConflict(err) {
			if auto {
				m.ID = ""
			}
			return dbErr("insert message", err)
		}
		// A client chose this decimal as its id: the default steps aside.
		m.ID = strconv.FormatInt(m.PK, 10) + "-" + retrySuffix(attempt)
	}
	if err := t.insertAttachments(m); err != nil {
		return err
	}
	if err := t.insertMentions(m); err != nil {
		return err
	}
	if len(recipients) > 0 {
		_, err := t.exec(`INSERT INTO recipients (message_pk, user_pk) VALUES `+
			values(len(recipients), "(?, ?)"), pairs(m.PK, recipients)...)
		if err != nil {
			return dbErr("insert recipients", err)
		}
	}
	return nil
}

// nextMessagePK hands out the next message key. Only the writer inserts
// messages, so a counter read once from the database replaces MAX(pk)+1 and
// RETURNING on every insert; a key given to a write that rolls back is a
// harmless gap. The counter starts from the highest key ever given
// (sqlite_sequence: messages is AUTOINCREMENT, and an insert with an
// explicit key moves it too), so a key is not reused even when the newest
// message was deleted before a restart.
func (t *tx) nextMessagePK() (int64, error) {
	if t.db == nil {
		return 0, fmt.Errorf("db: insert message outside a write")
	}
	if t.db.msgSeq == 0 {
		if err := t.get(&t.db.msgSeq, `SELECT `+lastKey("messages")); err != nil {
			return 0, dbErr("next message key", err)
		}
	}
	t.db.msgSeq++
	return t.db.msgSeq, nil
}

// UpdateMessage writes back type (empty: TypeNormal), custom type, body,
// html, metadata, entities, tags, pinned, edited, updated and deleted
// times, and replaces the attachments and mentions with the message's
// (giving IDs as InsertMessage does). Annotations, recipients, reactions
// and the reply count stay as they are.
func (t *tx) UpdateMessage(m *core.Message) error {
	t.touch(m.PK)
	if m.Type == "" {
		m.Type = core.TypeNormal
	}
	if err := t.resolveMentions(m); err != nil {
		return err
	}
	err := t.change("update message", "message not found", `
		UPDATE messages SET type = ?, custom_type = ?, body = ?, html = ?, metadata = ?, entities = ?,
			tags = ?, pinned = ?, edited_at = ?, updated_at = ?, deleted_at = ?,
			attachment_count = ?, mention_count = ?
		WHERE pk = ?`,
		string(m.Type), m.CustomType, m.Body, m.HTML, jsonText(m.Metadata), jsonText(m.Entities),
		tagsText(m.Tags), bit(m.Pinned), optMS(m.EditedAt), ms(m.UpdatedAt), optMS(m.DeletedAt),
		len(m.Attachments), len(m.Mentions), m.PK)
	if err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM attachments WHERE message_pk = ?`, m.PK); err != nil {
		return dbErr("update message", err)
	}
	if _, err := t.exec(`DELETE FROM mentions WHERE message_pk = ?`, m.PK); err != nil {
		return dbErr("update message", err)
	}
	if err := t.insertAttachments(m); err != nil {
		return err
	}
	return t.insertMentions(m)
}

// AddReplyCount moves the message's reply count by delta (not below zero).
func (t *tx) AddReplyCount(pk int64, delta int) error {
	t.touch(pk)
	return t.change("add reply count", "message not found",
		`UPDATE messages SET reply_count = MAX(reply_count + ?, 0) WHERE pk = ?`, delta, pk)
}

// HideMessage hides the message from the user only; hiding twice is fine.
func (t *tx) HideMessage(messagePK, userPK int64, at time.Time) error {
	_, err := t.exec(`
		INSERT INTO hidden (message_pk, user_pk, hidden_at) VALUES (?, ?, ?)
		ON CONFLICT (message_pk, user_pk) DO NOTHING`, messagePK, userPK, ms(at))
	return dbErr("hide message", err)
}

// IsHidden reports whether the user hid the message.
func (t *tx) IsHidden(messagePK, userPK int64) (bool, error) {
	var ok bool
	err := t.get(&ok, `SELECT EXISTS (SELECT 1 FROM hidden WHERE message_pk = ? AND user_pk = ?)`,
		messagePK, userPK)
	return ok, dbErr("get hidden", err)
}

// values is n comma-separated copies of a VALUES tuple.
func values(n int, tuple string) string {
	return strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
}

// pairs is the arguments of n "(?, ?)" tuples (pk, other[i]).
func pairs(pk int64, others []int64) []any {
	args := make([]any, 0, 2*len(others))
	for _, o := range others {
		args = append(args, pk, o)
	}
	return args
}
