package cowork

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// The list window: the target, up to 100 messages before it and up to 99
// after it (at most 200 ids).
const (
	windowBefore = 100
	windowAfter  = 99
)

// listMessages answers the ids of a window of the channel's messages,
// oldest first.
func (a *api) listMessages(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	msgs, err := a.svc.ChannelWindow(r.Context(), c, p.ByName("team"), p.ByName("channel"), core.Window{
		Target: r.URL.Query().Get("targetMessage"), Before: windowBefore, After: windowAfter})
	if err != nil {
		return err
	}
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	httpx.WriteJSON(w, http.StatusOK, ids)
	return nil
}

// messageIn is the body of a new message or an edit.
type messageIn struct {
	Text        *string           `json:"text"`
	Attachments []json.RawMessage `json:"attachments"`
}

// createMessage sends a message and answers its id as a JSON string. A
// JSON body has no files: its attachment descriptors have no part and are
// discarded; multipart/form-data carries them.
func (a *api) createMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if isMultipart(r) {
		return a.createMultipart(w, r, c, p)
	}
	var in messageIn
	if err := decodeJSON(r, &in, false); err != nil {
		return err
	}
	text := ""
	if in.Text != nil {
		text = *in.Text
	}
	if strings.TrimSpace(text) == "" {
		return core.Invalidf("text", "a message needs a text or an attachment")
	}
	m, err := a.svc.SendChannelMessage(r.Context(), c, p.ByName("team"), p.ByName("channel"), core.SendInput{Body: text}, nil)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m.ID)
	return nil
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/")
}

// getMessage answers the message object; format=html renders its text.
func (a *api) getMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.ChannelMessage(r.Context(), c, p.ByName("team"), p.ByName("channel"), p.ByName("message"))
	if err != nil {
		return err
	}
	render, err := a.format(r)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireMessage(m, render))
	return nil
}

// format reads the format parameter: "html" renders Markdown as HTML.
func (a *api) format(r *http.Request) (func(string) string, error) {
	switch f := r.URL.Query().Get("format"); strings.ToLower(f) {
	case "", "text", "plain", "markdown":
		return nil, nil
	case "html":
		return a.html.HTML, nil
	default:
		return nil, core.Invalidf("format", "format must be html or left out, not %q", f)
	}
}

// editMessage changes a message's text (its creator only) and answers the
// message.
func (a *api) editMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in messageIn
	if err := decodeJSON(r, &in, false); err != nil {
		return err
	}
	if in.Attachments != nil {
		return core.Invalidf("attachments", "only the text of a message may change")
	}
	if in.Text == nil || strings.TrimSpace(*in.Text) == "" {
		return core.Invalidf("text", "text is required")
	}
	m, err := a.svc.EditChannelMessage(r.Context(), c, p.ByName("team"), p.ByName("channel"), p.ByName("message"), core.EditInput{Body: in.Text})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireMessage(m, nil))
	return nil
}

// deleteMessage deletes a message for everyone: its creator or a team
// admin who is a member of the channel.
func (a *api) deleteMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.RecallChannelMessage(r.Context(), c, p.ByName("team"), p.ByName("channel"), p.ByName("message")); err != nil {
		return err
	}
	return ok(w)
}

// listReactions answers the message's reactions: short name → who and when.
func (a *api) listReactions(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.ChannelMessage(r.Context(), c, p.ByName("team"), p.ByName("channel"), p.ByName("message"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireReactions(m))
	return nil
}

// toggleReaction adds the caller's reaction or takes it back, and answers
// the message's reactions.
func (a *api) toggleReaction(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in struct {
		ToggleEmoji string `json:"toggleEmoji"`
	}
	if err := decodeJSON(r, &in, true); err != nil {
		return err
	}
	if strings.TrimSpace(in.ToggleEmoji) == "" {
		return core.Invalidf("toggleEmoji", "toggleEmoji is required")
	}
	m, err := a.svc.ToggleChannelReaction(r.Context(), c, p.ByName("team"), p.ByName("channel"), p.ByName("message"), in.ToggleEmoji)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireReactions(m))
	return nil
}
