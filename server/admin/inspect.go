package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// maxWait bounds a long poll (wait=).
const maxWait = 5 * time.Minute

// codeTimeout is the error code of a wait that ended before enough matched.
const codeTimeout = "timeout"

// waitParams reads wait= (a Go duration such as 2s or 500ms, or seconds)
// and count= (default 1).
func waitParams(r *http.Request) (time.Duration, int, error) {
	count, err := httpx.QueryInt(r, "count", 1)
	if err != nil {
		return 0, 0, err
	}
	if count < 1 {
		return 0, 0, core.Invalidf("count", "count must be at least 1")
	}
	raw := r.URL.Query().Get("wait")
	if raw == "" {
		return 0, count, nil
	}
	d, err := time.ParseDuration(raw)
	if err != nil {
		secs, err2 := strconv.ParseFloat(raw, 64)
		if err2 != nil {
			return 0, 0, core.Invalidf("wait", "wait must be a duration such as 5s or 500ms, or seconds, not %q", raw)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d < 0 || d > maxWait {
		return 0, 0, core.Invalidf("wait", "wait must be between 0 and %s", maxWait)
	}
	return d, count, nil
}

// writeTimeout answers a wait that ended first: 408, with what did match.
func writeTimeout(w http.ResponseWriter, matched any, got, count int, wait time.Duration) {
	var body struct {
		wireError
		Matched any `json:"matched"`
	}
	body.Error.Code = codeTimeout
	body.Error.Message = fmt.Sprintf("%d of %d wanted matched within %s", got, count, wait)
	body.Matched = matched
	httpx.WriteJSON(w, http.StatusRequestTimeout, body)
}

// inspectQuery reads the search filters of the messages routes.
func inspectQuery(r *http.Request, p httprouter.Params) (core.InspectQuery, error) {
	q := r.URL.Query()
	deleted, err := httpx.QueryBool(r, "deleted")
	if err != nil {
		return core.InspectQuery{}, err
	}
	limit, err := httpx.QueryInt(r, "limit", 0)
	if err != nil {
		return core.InspectQuery{}, err
	}
	in := core.InspectQuery{ConversationID: q.Get("conversation"), FromUserID: q.Get("from"), Text: q.Get("text"),
		AfterID: q.Get("after"), IncludeDeleted: deleted != nil && *deleted, Limit: limit}
	if conv := p.ByName("conv"); conv != "" {
		in.ConversationID = conv
	}
	return in, nil
}

// listMessages lists, searches and waits for the messages of an app or of
// one conversation: ?conversation=&from=&text=&after=&limit=&deleted=,
// and wait=5s&count=N to long-poll until N match.
func (a *api) listMessages(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	q, err := inspectQuery(r, p)
	if err != nil {
		return err
	}
	wait, count, err := waitParams(r)
	if err != nil {
		return err
	}
	var msgs []*core.Message
	ok := true
	if r.URL.Query().Has("wait") {
		msgs, ok, err = a.svc.WaitMessages(r.Context(), c, q, count, wait)
	} else {
		msgs, err = a.svc.SearchMessages(r.Context(), c, q)
	}
	if err != nil {
		return err
	}
	out := make([]wireMessage, len(msgs))
	for i, m := range msgs {
		out[i] = toWireMessage(m)
	}
	if !ok {
		writeTimeout(w, out, len(out), count, wait)
		return nil
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) getMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	m, err := a.svc.GetMessage(r.Context(), c, p.ByName("msg"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireMessage(m))
	return nil
}

// sendMessage sends a message as the user named by "from", through the
// same rules as any dialect (the message's dialect is "admin").
func (a *api) sendMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in messageIn
	if err := httpx.DecodeJSON(r, &in, true, false); err != nil {
		return err
	}
	if in.From == "" {
		return core.Invalidf("from", "from names the user who sends the message")
	}
	in.Conversation = p.ByName("conv")
	si, err := in.core()
	if err != nil {
		return err
	}
	// The admin token acts as the sender, under the sender's own rights.
	token := bearerToken(r)
	as, err := a.svc.Authenticate(r.Context(), core.Credential{Kind: core.CredAdmin, Secret: token, AppID: c.App().ID, ActAs: in.From})
	if err != nil {
		return err
	}
	m, created, err := a.svc.SendMessage(r.Context(), as, si)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	httpx.WriteJSON(w, status, toWireMessage(m))
	return nil
}

// wireMessage is a message in Parley's own shape.
type wireMessage struct {
	ID           string            `json:"id"`
	Conversation string            `json:"conversation"`
	From         string            `json:"from,omitempty"`
	Sender       *wireUser         `json:"sender,omitempty"`
	Dialect      string            `json:"dialect"`
	Type         string            `json:"type"`
	CustomType   string            `json:"customType,omitempty"`
	Body         string            `json:"body"`
	HTML         string            `json:"html,omitempty"`
	Metadata     json.RawMessage   `json:"metadata,omitempty"`
	Attachments  []json.RawMessage `json:"attachments"`
	Mentions     []string          `json:"mentions,omitempty"`
	Recipients   []string          `json:"recipients,omitempty"`
	Tags         []string          `json:"tags,omitempty"`
	Parent       string            `json:"parent,omitempty"`
	ReplyCount   int               `json:"replyCount"`
	ForwardedOf  string            `json:"forwardedFrom,omitempty"`
	Reactions    []wireReaction    `json:"reactions,omitempty"`
	Pinned       bool              `json:"pinned"`
	CreatedAt    string            `json:"createdAt"`
	UpdatedAt    string            `json:"updatedAt"`
	EditedAt     string            `json:"editedAt,omitempty"`
	DeletedAt    string            `json:"deletedAt,omitempty"`
}

type wireReaction struct {
	Name  string   `json:"name"`
	Count int      `json:"count"`
	Users []string `json:"users"`
}

func toWireMessage(m *core.Message) wireMessage {
	out := wireMessage{ID: m.ID, Conversation: m.ConversationID, Dialect: m.Dialect, Type: string(m.Type), CustomType: m.CustomType,
		Body: m.Body, HTML: m.HTML, Metadata: m.Metadata, Attachments: []json.RawMessage{}, Recipients: m.Recipients, Tags: m.Tags,
		Parent: m.ParentID, ReplyCount: m.ReplyCount, ForwardedOf: m.ForwardedFromID, Pinned: m.Pinned,
		CreatedAt: wireTime(m.CreatedAt), UpdatedAt: wireTime(m.UpdatedAt), EditedAt: wireTime(m.EditedAt), DeletedAt: wireTime(m.DeletedAt)}
	if m.Owner != nil {
		u := toWireUser(m.Owner)
		out.From, out.Sender = m.Owner.ID, &u
	}
	for _, a := range m.Attachments {
		data := a.Data
		if data == nil {
			data, _ = json.Marshal(map[string]any{"id": a.ID, "type": a.Type, "name": a.Name, "mimeType": a.MimeType, "fileUrl": a.URL, "size": a.Size})
		}
		out.Attachments = append(out.Attachments, data)
	}
	for _, mn := range m.Mentions {
		out.Mentions = append(out.Mentions, mn.UserID)
	}
	for _, g := range m.Reactions {
		out.Reactions = append(out.Reactions, wireReaction{Name: g.Name, Count: g.Count, Users: g.UserIDs})
	}
	return out
}
