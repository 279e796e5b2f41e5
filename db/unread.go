package db

import (
	"strconv"
	"time"

	"parley/server/core"
)

// unreadWhere selects the messages m that member mb has not read yet and
// would see: after the read position, not the member's own, not recalled,
// shown in the conversation, addressed to everyone or to the member, and
// not hidden by the member. It walks messages_conversation from the read
// position on.
const unreadWhere = `m.conversation_pk = mb.conversation_pk AND m.pk > mb.last_read_pk
		AND m.owner_pk IS NOT mb.user_pk
		AND m.deleted_at IS NULL
		AND m.show_in_conversation = 1
		AND (m.has_recipients = 0 OR EXISTS (
			SELECT 1 FROM recipients rc WHERE rc.message_pk = m.pk AND rc.user_pk = mb.user_pk))
		AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.message_pk = m.pk AND h.user_pk = mb.user_pk)`

// unreadCap is core.UnreadCap as SQL text.
var unreadCap = strconv.Itoa(core.UnreadCap)

// unreadOfMember counts member mb's unread messages, up to core.UnreadCap
// (so the cost stops growing with the backlog).
var unreadOfMember = `(SELECT COUNT(*) FROM (SELECT 1 FROM messages m WHERE ` + unreadWhere + ` LIMIT ` + unreadCap + `))`

// UnreadAfter counts the messages of the conversation after lastReadPK
// that the user has not read yet, up to core.UnreadCap: a team channel the
// user inherits, whose read position is not a member row.
func (t *tx) UnreadAfter(convPK, userPK, lastReadPK int64) (int, error) {
	var n int
	err := t.get(&n, `SELECT `+unreadOfMember+` FROM (SELECT ? AS conversation_pk, ? AS user_pk, ? AS last_read_pk) mb`,
		convPK, userPK, lastReadPK)
	return n, dbErr("unread count", err)
}

// UnreadCount counts the messages of the conversation the user has not
// read yet, up to core.UnreadCap (0 for a non-member).
func (t *tx) UnreadCount(convPK, userPK int64) (int, error) {
	var n int
	err := t.get(&n, `SELECT IFNULL((SELECT `+unreadOfMember+`
		FROM members mb WHERE mb.conversation_pk = ? AND mb.user_pk = ?), 0)`, convPK, userPK)
	return n, dbErr("unread count", err)
}

// UnreadTotal counts the unread messages of all the user's conversations
// (the team channels they inherit too), up to core.UnreadCap in all.
func (t *tx) UnreadTotal(userPK int64) (int, error) {
	var n int
	err := t.get(&n, `SELECT COUNT(*) FROM (SELECT 1 FROM `+userConversations+` mb JOIN messages m ON `+unreadWhere+`
		LIMIT `+unreadCap+`)`, userConversationArgs(userPK)...)
	return n, dbErr("unread total", err)
}

// UnreadCounts counts the user's unread messages in each of the
// conversations (each up to core.UnreadCap), in one query; conversations
// with none are left out.
func (t *tx) UnreadCounts(userPK int64, convPKs []int64) (map[int64]int, error) {
	counts := map[int64]int{}
	if len(convPKs) == 0 {
		return counts, nil
	}
	var rows []struct {
		Conv int64 `db:"conversation_pk"`
		N    int   `db:"n"`
	}
	err := t.selIn(&rows, `SELECT mb.conversation_pk, `+unreadOfMember+` AS n
		FROM `+userConversations+` mb WHERE mb.conversation_pk IN (?)`, append(userConversationArgs(userPK), convPKs)...)
	if err != nil {
		return nil, dbErr("unread counts", err)
	}
	for _, r := range rows {
		if r.N > 0 {
			counts[r.Conv] = r.N
		}
	}
	return counts, nil
}

// LatestMessagePK returns the PK of the conversation's newest message the
// server received at or before at, 0 if there is none: one seek on
// messages_conversation_received. A sender's claimed created_at plays no
// part, so a back-dated message cannot pull a read position forward.
func (t *tx) LatestMessagePK(convPK int64, at time.Time) (int64, error) {
	var pk int64
	err := t.get(&pk, `
		SELECT IFNULL((SELECT pk FROM messages WHERE conversation_pk = ? AND received_at <= ?
			ORDER BY received_at DESC, pk DESC LIMIT 1), 0)`, convPK, ms(at))
	return pk, dbErr("latest message", err)
}
