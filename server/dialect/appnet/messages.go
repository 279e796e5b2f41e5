package appnet

import (
	"net/http"
	"strings"

	"parley/server/core"
	"parley/server/httpx"
)

// pageMeta is the meta of a page of messages: its bounds (ids as
// strings; left out for an empty page) and whether there is more.
func pageMeta(msgs []wireMessage, more bool) meta {
	m := meta{More: &more}
	if len(msgs) > 0 {
		m.MaxID, m.MinID = msgs[0].PaginationID, msgs[len(msgs)-1].PaginationID
	}
	return m
}

func toWireMessages(app *core.App, msgs []*core.Message, o messageOptions) []wireMessage {
	out := make([]wireMessage, len(msgs))
	for i, m := range msgs {
		out[i] = toWireMessage(app, m, o)
	}
	return out
}

// listMessages is GET /stream/0/channels/{channel_id}/messages: the
// channel's messages, newest first, with the caller's stream marker.
func (a *api) listMessages(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	ch, err := pathKey("channel", r.PathValue("channel_id"))
	if err != nil {
		return err
	}
	q, o, err := streamParams(r)
	if err != nil {
		return err
	}
	page, err := a.svc.StreamMessages(r.Context(), c, ch, q)
	if err != nil {
		return err
	}
	msgs := toWireMessages(c.App(), page.Messages, o)
	m := pageMeta(msgs, page.More)
	if c.User() != nil {
		m.Marker = channelMarker(page.Conversation)
	}
	return okPage(w, r, msgs, m)
}

// createMessage is POST /stream/0/channels/{channel_id}/messages; the
// channel id "pm" (or the draft's "auto") sends to the private-message
// channel of the destinations, found or created.
func (a *api) createMessage(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	o, err := messageParams(r)
	if err != nil {
		return err
	}
	var body messageInput
	if err := httpx.DecodeJSON(r, &body, false, false); err != nil {
		return err
	}
	in, err := body.sendInput()
	if err != nil {
		return err
	}
	var m *core.Message
	if channel := r.PathValue("channel_id"); channel == "pm" || channel == "auto" {
		dest, err := destinations(body.Destinations)
		if err != nil {
			return err
		}
		m, err = a.svc.SendPrivate(r.Context(), c, dest, in)
		if err != nil {
			return err
		}
	} else {
		if len(body.Destinations) > 0 {
			return core.Invalidf("destinations", "destinations are taken only with the channel id pm")
		}
		if in.ConversationID, err = pathKey("channel", channel); err != nil {
			return err
		}
		if m, _, err = a.svc.SendMessage(r.Context(), c, in); err != nil {
			return err
		}
	}
	return ok(w, r, toWireMessage(c.App(), m, o))
}

// getMessage is GET /stream/0/channels/{channel_id}/messages/{message_id}.
func (a *api) getMessage(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	ch, msg, err := messagePath(r)
	if err != nil {
		return err
	}
	o, err := messageParams(r)
	if err != nil {
		return err
	}
	m, err := a.svc.GetMessageIn(r.Context(), c, ch, msg)
	if err != nil {
		return err
	}
	return ok(w, r, toWireMessage(c.App(), m, o))
}

// deleteMessage is DELETE /stream/0/channels/{channel_id}/messages/{message_id}:
// the creator deletes; the answer is the deleted message.
func (a *api) deleteMessage(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	ch, msg, err := messagePath(r)
	if err != nil {
		return err
	}
	o, err := messageParams(r)
	if err != nil {
		return err
	}
	m, err := a.svc.DeleteOwnMessage(r.Context(), c, ch, msg)
	if err != nil {
		return err
	}
	return ok(w, r, toWireMessage(c.App(), m, o))
}

func messagePath(r *http.Request) (string, string, error) {
	ch, err := pathKey("channel", r.PathValue("channel_id"))
	if err != nil {
		return "", "", err
	}
	msg, err := pathKey("message", r.PathValue("message_id"))
	return ch, msg, err
}

// maxIDs is how many ids one look-up takes.
const maxIDs = 200

// getMessages is GET /stream/0/channels/messages?ids=: the messages the
// caller may see, in the order asked; unknown and hidden ones are left
// out without an error.
func (a *api) getMessages(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	o, err := messageParams(r)
	if err != nil {
		return err
	}
	raw := httpx.QueryList(r, "ids")
	if len(raw) == 0 {
		return core.Invalidf("ids", "ids must list at least one message id")
	}
	if len(raw) > maxIDs {
		return core.Invalidf("ids", "ids lists %d ids; at most %d are allowed", len(raw), maxIDs)
	}
	var refs []string
	for _, s := range raw {
		if ref, err := parseKey("ids", s); err == nil {
			refs = append(refs, ref)
		}
	}
	var msgs []*core.Message
	if len(refs) > 0 {
		if msgs, err = a.svc.GetMessages(r.Context(), c, refs); err != nil {
			return err
		}
	}
	return ok(w, r, toWireMessages(c.App(), msgs, o))
}

// listOwnMessages is GET /stream/0/users/me/messages: the caller's own
// messages in every channel, newest first.
func (a *api) listOwnMessages(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	q, o, err := streamParams(r)
	if err != nil {
		return err
	}
	page, err := a.svc.StreamOwnMessages(r.Context(), c, q)
	if err != nil {
		return err
	}
	msgs := toWireMessages(c.App(), page.Messages, o)
	return okPage(w, r, msgs, pageMeta(msgs, page.More))
}

// channelMarker is the caller's stream marker of a channel: its name, and
// the read position once there is one.
func channelMarker(conv *core.Conversation) *wireMarker {
	if conv == nil {
		return nil
	}
	mk := &wireMarker{Name: "channel:" + id(conv.PK)}
	if me := conv.Me; me != nil && me.LastReadPK != 0 {
		zero := 0
		mk.ID, mk.LastReadID, mk.Percentage = id(me.LastReadPK), id(me.LastReadPK), &zero
		mk.UpdatedAt = wireTime(me.LastReadAt)
		mk.Version = markerVersion(me)
	}
	return mk
}

// markerVersion changes whenever the read position moves.
func markerVersion(me *core.Member) string {
	return strings.ToUpper(id(me.LastReadPK)) + "-" + id(me.LastReadAt.UnixMilli())
}

// destinations reads a pm's destinations: "@username" or integer ids.
func destinations(in []flexID) ([]string, error) {
	if len(in) == 0 {
		return nil, core.Invalidf("destinations", "destinations must name at least one user")
	}
	out := make([]string, len(in))
	for i, d := range in {
		ref, err := userRef("destinations", string(d))
		if err != nil {
			return nil, err
		}
		out[i] = ref
	}
	return out, nil
}
