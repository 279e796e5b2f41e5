package db

import (
	"strings"
	"time"

	"parley/server/core"
)

// convRow is a row of conversations with its owner's and team's text ids.
type convRow struct {
	PK             int64  `db:"pk"`
	AppPK          int64  `db:"app_pk"`
	ID             string `db:"id"`
	Kind           string `db:"kind"`
	Type           string `db:"type"`
	Title          string `db:"title"`
	AvatarURL      string `db:"avatar_url"`
	CustomType     string `db:"custom_type"`
	Metadata       []byte `db:"metadata"`
	OwnerPK        int64  `db:"owner_pk"`
	OwnerID        string `db:"owner_id"`
	TeamPK         int64  `db:"team_pk"`
	TeamID         string `db:"team_id"`
	DirectKey      string `db:"direct_key"`
	CreatedAt      int64  `db:"created_at"`
	UpdatedAt      int64  `db:"updated_at"`
	LastActivityAt int64  `db:"last_activity_at"`
	LastMessagePK  int64  `db:"last_message_pk"`
	MemberCount    int    `db:"member_count"`
}

// convSelect selects convRow columns from conversations c.
const convSelect = `
	SELECT c.pk, c.app_pk, c.id, c.kind, c.type, c.title, c.avatar_url, c.custom_type, c.metadata,
		IFNULL(c.owner_pk, 0) AS owner_pk, IFNULL(o.id, '') AS owner_id,
		IFNULL(c.team_pk, 0) AS team_pk, IFNULL(tm.id, '') AS team_id,
		IFNULL(c.direct_key, '') AS direct_key, c.created_at, c.updated_at, c.last_activity_at,
		c.last_message_pk, c.member_count`

// convJoins name the owner and the team of conversations c.
const convJoins = `
	LEFT JOIN users o ON o.pk = c.owner_pk
	LEFT JOIN teams tm ON tm.pk = c.team_pk`

func (r *convRow) conversation() *core.Conversation {
	return &core.Conversation{
		PK: r.PK, AppPK: r.AppPK, ID: r.ID, Kind: core.ConversationKind(r.Kind), Type: r.Type,
		Title: r.Title, AvatarURL: r.AvatarURL, CustomType: r.CustomType, Metadata: r.Metadata,
		OwnerPK: r.OwnerPK, OwnerID: r.OwnerID, TeamPK: r.TeamPK, TeamID: r.TeamID,
		DirectKey: r.DirectKey, CreatedAt: fromMS(r.CreatedAt), UpdatedAt: fromMS(r.UpdatedAt),
		LastActivityAt: fromMS(r.LastActivityAt), LastMessagePK: r.LastMessagePK, MemberCount: r.MemberCount,
	}
}

// InsertConversation stores a new conversation (without members) and sets
// its PK (and its ID, when empty, to the PK in decimal). A zero
// LastActivityAt becomes CreatedAt, so that new conversations list first.
func (t *tx) InsertConversation(c *core.Conversation) error {
	if c.LastActivityAt.IsZero() {
		c.LastActivityAt = c.CreatedAt
	}
	return t.insertWithID("insert conversation", &c.PK, &c.ID, `
		INSERT INTO conversations (pk, app_pk, id, kind, type, title, avatar_url, custom_type, metadata,
			owner_pk, team_pk, direct_key, created_at, updated_at, last_activity_at, last_message_pk)
		SELECT n, ?, `+idSQL+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM `+nextPK("conversations")+`
		RETURNING pk, id`,
		func(attempt int) []any {
			return append(append([]any{c.AppPK}, idArgs(c.ID, attempt)...),
				string(c.Kind), c.Type, c.Title, c.AvatarURL, c.CustomType, jsonText(c.Metadata),
				optPK(c.OwnerPK), optPK(c.TeamPK), optText(c.DirectKey),
				ms(c.CreatedAt), ms(c.UpdatedAt), ms(c.LastActivityAt), c.LastMessagePK)
		})
}

// UpdateConversation writes back title, avatar, custom type, metadata, type,
// owner and updated time.
func (t *tx) UpdateConversation(c *core.Conversation) error {
	return t.change("update conversation", "conversation not found", `
		UPDATE conversations SET title = ?, avatar_url = ?, custom_type = ?, metadata = ?, type = ?,
			owner_pk = ?, updated_at = ?
		WHERE pk = ?`,
		c.Title, c.AvatarURL, c.CustomType, jsonText(c.Metadata), c.Type, optPK(c.OwnerPK), ms(c.UpdatedAt), c.PK)
}

func (t *tx) conversationBy(where string, args ...any) (*core.Conversation, error) {
	var r convRow
	if err := t.one("get conversation", "conversation not found", &r,
		convSelect+` FROM conversations c `+convJoins+` WHERE `+where, args...); err != nil {
		return nil, err
	}
	return r.conversation(), nil
}

// ConversationByID returns the app's conversation with the given text id
// or key reference.
func (t *tx) ConversationByID(appPK int64, id string) (*core.Conversation, error) {
	term, arg := idTerm("c.", id)
	return t.conversationBy(`c.app_pk = ? AND `+term, appPK, arg)
}

// ConversationByPK returns the app's conversation with the given key.
func (t *tx) ConversationByPK(appPK, pk int64) (*core.Conversation, error) {
	return t.conversationBy(`c.pk = ? AND c.app_pk = ?`, pk, appPK)
}

// ConversationAs returns the app's conversation with the given text id (or
// key reference) and the user's membership of it (nil when not a member),
// in one statement: the check every send and history page makes.
func (t *tx) ConversationAs(appPK int64, id string, userPK int64) (*core.Conversation, *core.Member, error) {
	term, arg := idTerm("c.", id)
	var r struct {
		convRow
		Me memberRow `db:"me"`
	}
	err := t.one("get conversation", "conversation not found", &r, convSelect+`,
			IFNULL(me.conversation_pk, 0) AS "me.conversation_pk", IFNULL(me.user_pk, 0) AS "me.user_pk",
			IFNULL(me.role, '') AS "me.role", IFNULL(me.joined_at, 0) AS "me.joined_at",
			IFNULL(me.last_read_pk, 0) AS "me.last_read_pk", me.last_read_at AS "me.last_read_at"
		FROM conversations c `+convJoins+`
		LEFT JOIN members me ON me.conversation_pk = c.pk AND me.user_pk = ?
		WHERE c.app_pk = ? AND `+term, userPK, appPK, arg)
	if err != nil {
		return nil, nil, err
	}
	conv := r.conversation()
	if r.Me.Role == "" {
		return conv, nil, nil
	}
	return conv, r.Me.member(), nil
}

// convName names a conversation within its app.
type convName struct {
	app int64
	id  string
}

// convKey is what never changes about a conversation.
type convKey struct {
	pk   int64
	kind core.ConversationKind
}

// ConversationKey returns the key and kind of the app's conversation with
// the given text id or key reference. Writes remember them (see DB.convKeys): every send
// asks, and the full row costs the one writer a fifth of its time.
func (t *tx) ConversationKey(appPK int64, id string) (int64, core.ConversationKind, error) {
	name := convName{appPK, id}
	if t.db != nil {
		if k, ok := t.db.convKeys[name]; ok {
			return k.pk, k.kind, nil
		}
	}
	var r struct {
		PK   int64  `db:"pk"`
		Kind string `db:"kind"`
	}
	term, arg := idTerm("", id)
	if err := t.one("get conversation", "conversation not found", &r,
		`SELECT pk, kind FROM conversations WHERE app_pk = ? AND `+term, appPK, arg); err != nil {
		return 0, "", err
	}
	if t.db != nil {
		if len(t.db.convKeys) >= 100_000 {
			clear(t.db.convKeys)
		}
		t.db.convKeys[name] = convKey{r.PK, core.ConversationKind(r.Kind)}
	}
	return r.PK, core.ConversationKind(r.Kind), nil
}

// forgetConversations drops what the writer remembers of conversations.
func (t *tx) forgetConversations() {
	if t.db != nil {
		clear(t.db.convKeys)
	}
}

// DirectConversation returns the app's direct conversation with this key.
func (t *tx) DirectConversation(appPK int64, key string) (*core.Conversation, error) {
	return t.conversationBy(`c.app_pk = ? AND c.direct_key = ?`, appPK, key)
}

// ListConversations returns a page of conversations, most recent activity
// first; cursors are conversations' ids. With f.UserPK, only the user's
// (with the team channels they inherit), each with Me filled.
func (t *tx) ListConversations(f core.ConversationFilter) ([]*core.Conversation, error) {
	after, before, err := t.cursors(f.Page, 2, func(id string) (string, []any) {
		term, arg := idTerm("", id)
		return `SELECT last_activity_at, pk FROM conversations WHERE app_pk = ? AND ` + term, []any{f.AppPK, arg}
	})
	if err != nil {
		return nil, err
	}
	query, args := conversationQuery(f, convSelect, f.UserPK != 0)
	where, whereArgs, tail, tailArgs := keyset{cols: "c.last_activity_at, c.pk", desc: true}.window(f.Page, after, before)
	query += andWhere(where) + tail
	args = append(append(args, whereArgs...), tailArgs...)

	var rows []struct {
		convRow
		Me        memberRow `db:"me"`
		Inherited bool      `db:"me_inherited"`
	}
	if err := t.selIn(&rows, query, args...); err != nil {
		return nil, dbErr("list conversations", err)
	}
	convs := make([]*core.Conversation, len(rows))
	for i := range rows {
		convs[i] = rows[i].conversation()
		if f.UserPK != 0 {
			convs[i].Me = rows[i].Me.member()
			convs[i].Me.Inherited = rows[i].Inherited
		}
	}
	return convs, nil
}

// conversationQuery starts the list query of f (what to select, from
// where, filtered by user, app and kinds); the caller adds to its WHERE.
func conversationQuery(f core.ConversationFilter, sel string, withMe bool) (string, []any) {
	where := []string{`1 = 1`}
	var args []any
	query := sel + ` FROM conversations c `
	if f.UserPK != 0 {
		// CROSS JOIN makes SQLite start from the user's conversations
		// (memberships and inherited team channels) and sort them, rather
		// than walk all the app's conversations by activity probing each
		// for a membership: a user is in few of them.
		if withMe {
			sel += `, ` + memberColumnsAs("me", "me") + `, me.inherited AS me_inherited`
		}
		query = sel + ` FROM ` + userConversations + ` me CROSS JOIN conversations c ON c.pk = me.conversation_pk `
		args = append(args, userConversationArgs(f.UserPK)...)
	}
	query += convJoins
	if f.AppPK != 0 {
		where = append(where, `c.app_pk = ?`)
		args = append(args, f.AppPK)
	}
	if len(f.Kinds) > 0 {
		where = append(where, `c.kind IN (?)`)
		args = append(args, f.Kinds)
	}
	return query + ` WHERE ` + strings.Join(where, ` AND `), args
}

// CountConversations counts the conversations ListConversations would
// list, all pages (f.Page is ignored).
func (t *tx) CountConversations(f core.ConversationFilter) (int, error) {
	query, args := conversationQuery(f, `SELECT COUNT(*)`, false)
	var n int
	err := t.getIn(&n, query, args...)
	return n, dbErr("count conversations", err)
}

// TouchConversation records a new message: its time as the last activity
// and its PK as the last message (neither moves backwards).
func (t *tx) TouchConversation(pk int64, at time.Time, messagePK int64) error {
	return t.change("touch conversation", "conversation not found", `
		UPDATE conversations SET last_activity_at = MAX(last_activity_at, ?),
			last_message_pk = MAX(last_message_pk, ?)
		WHERE pk = ?`, ms(at), messagePK, pk)
}

// DeleteConversation deletes the conversation with its members and messages.
func (t *tx) DeleteConversation(pk int64) error {
	t.touchAll()
	t.forgetConversations()
	return t.change("delete conversation", "conversation not found", `DELETE FROM conversations WHERE pk = ?`, pk)
}
