package sceyt

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Messages of a channel.

// messageIn is the body of send and edit.
type messageIn struct {
	ID          string            `json:"id"`
	From        string            `json:"from"`
	Body        *string           `json:"body"`
	Type        *string           `json:"type"`
	Metadata    json.RawMessage   `json:"metadata"`
	Attachments []json.RawMessage `json:"attachments"`
	ParentID    string            `json:"parent_id"`
	Mentions    []string          `json:"mentioned_users"`
}

// attachmentIn is one attachment: name, type, url, size, metadata (also
// spelled meta); file_id, or a url of this server's /v1/{appId}/files/{id},
// names an uploaded file. The whole object is kept as sent.
type attachmentIn struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Type     string          `json:"type"`
	URL      string          `json:"url"`
	Size     json.Number     `json:"size"`
	Metadata json.RawMessage `json:"metadata"`
	Meta     json.RawMessage `json:"meta"`
	FileID   string          `json:"file_id"`
}

func (in *messageIn) attachments(appID string) ([]core.Attachment, error) {
	out := make([]core.Attachment, 0, len(in.Attachments))
	for i, raw := range in.Attachments {
		field := fmt.Sprintf("attachments[%d]", i)
		data, err := httpx.RawObject(field, raw)
		if err != nil {
			return nil, err
		}
		if data == nil {
			return nil, core.Invalidf(field, "%s must be a JSON object", field)
		}
		var a attachmentIn
		if err := json.Unmarshal(data, &a); err != nil {
			return nil, core.Invalidf(field, "%s: %v", field, httpx.JSONError(err))
		}
		for _, m := range []json.RawMessage{a.Metadata, a.Meta} {
			if _, err := metadataIn(field+".metadata", m); err != nil {
				return nil, err
			}
		}
		var size int64
		if a.Size != "" {
			if size, err = a.Size.Int64(); err != nil || size < 0 {
				return nil, core.Invalidf(field+".size", "%s.size must be a whole number of bytes", field)
			}
		}
		fileID := a.FileID
		if fileID == "" {
			fileID = uploadedFileID(appID, a.URL)
		}
		url := a.URL
		if fileID != "" {
			url = "" // rendered from the file, on whatever host it is read through
		}
		out = append(out, core.Attachment{ID: a.ID, Type: a.Type, Name: a.Name, URL: url, Size: size,
			FileID: fileID, Data: compact(data)})
	}
	return out, nil
}

// uploadedFileID is the id in a URL this API answered for an upload
// (".../v1/{appId}/files/{id}"), or "".
func uploadedFileID(appID, raw string) string {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return ""
	}
	id, ok := strings.CutPrefix(u.EscapedPath(), "/v1/"+url.PathEscape(appID)+"/files/")
	if !ok || id == "" || strings.Contains(id, "/") {
		return ""
	}
	id, err = url.PathUnescape(id)
	if err != nil {
		return ""
	}
	return id
}

func mentions(ids []string) []core.Mention {
	out := make([]core.Mention, len(ids))
	for i, id := range ids {
		out[i] = core.Mention{UserID: id, Order: i + 1}
	}
	return out
}

func (a *api) listMessages(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	pg, err := readPaging(r, 50)
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, queryFrom(r), true); err != nil {
		return err
	}
	page, err := a.svc.ListMessages(r.Context(), c, p.ByName("channelId"), core.MessageQuery{Page: pg.core()})
	if err != nil {
		return err
	}
	total, err := a.svc.CountMessages(r.Context(), c, p.ByName("channelId"), core.MessageQuery{})
	if err != nil {
		return err
	}
	e := newEncoder(r, p.ByName("appId"))
	out := struct {
		Count      int           `json:"count"`
		TotalCount int           `json:"total_count"`
		Links      wireLinks     `json:"links"`
		Messages   []wireMessage `json:"messages"`
	}{Count: len(page.Items), TotalCount: total, Links: e.links(r, pg, total, page.More),
		Messages: make([]wireMessage, len(page.Items))}
	for i, m := range page.Items {
		out.Messages[i] = e.message(m)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *api) sendMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/") {
		return a.sendWithFiles(w, r, c, p)
	}
	var in messageIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	c, err := a.as(r, c, in.From, false)
	if err != nil {
		return err
	}
	send := core.SendInput{ID: in.ID, ConversationID: p.ByName("channelId"), ParentID: in.ParentID, Mentions: mentions(in.Mentions)}
	if in.Body != nil {
		send.Body = *in.Body
	}
	if in.Type != nil && *in.Type != "text" {
		send.CustomType = *in.Type
	}
	if send.Metadata, err = metadataIn("metadata", in.Metadata); err != nil {
		return err
	}
	if send.Attachments, err = in.attachments(p.ByName("appId")); err != nil {
		return err
	}
	m, created, err := a.svc.SendMessage(r.Context(), c, send)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	httpx.WriteJSON(w, status, newEncoder(r, p.ByName("appId")).message(m))
	return nil
}

// inChannel loads a message the caller sees and checks that it is in the
// path's channel (a message id of another channel is not found here).
func (a *api) inChannel(r *http.Request, c *core.Caller, p httprouter.Params) (*core.Message, error) {
	m, err := a.svc.GetMessage(r.Context(), c, p.ByName("messageId"))
	if err != nil {
		return nil, err
	}
	if m.ConversationID != p.ByName("channelId") {
		return nil, core.Errorf(core.ENOTFOUND, "message %q is not in channel %q", m.ID, p.ByName("channelId"))
	}
	return m, nil
}

func (a *api) getMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	c, err := a.as(r, c, queryFrom(r), true)
	if err != nil {
		return err
	}
	m, err := a.inChannel(r, c, p)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newEncoder(r, p.ByName("appId")).message(m))
	return nil
}

// editMessage changes a message: its author only (from).
func (a *api) editMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	var in messageIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	c, err := a.as(r, c, in.From, false)
	if err != nil {
		return err
	}
	edit := core.EditInput{Body: in.Body}
	if in.Type != nil {
		t := *in.Type
		if t == "text" {
			t = ""
		}
		edit.CustomType = &t
	}
	if edit.Metadata, err = metadataIn("metadata", in.Metadata); err != nil {
		return err
	}
	if in.Attachments != nil {
		as, err := in.attachments(p.ByName("appId"))
		if err != nil {
			return err
		}
		edit.Attachments = &as
	}
	if in.Mentions != nil {
		ms := mentions(in.Mentions)
		edit.Mentions = &ms
	}
	if _, err := a.inChannel(r, c, p); err != nil {
		return err
	}
	m, err := a.svc.EditMessage(r.Context(), c, p.ByName("messageId"), edit)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newEncoder(r, p.ByName("appId")).message(m))
	return nil
}

// fromBodyOrQuery reads from out of an optional JSON body (DELETE and the
// typing calls), falling back to the query.
func fromBodyOrQuery(r *http.Request) (string, error) {
	var in struct {
		From string `json:"from"`
	}
	if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
		if err := httpx.DecodeJSON(r, &in, false, true); err != nil {
			return "", err
		}
	}
	if in.From == "" {
		in.From = queryFrom(r)
	}
	return in.From, nil
}

// deleteMessage deletes a message for everyone: its author or a channel
// admin (from).
func (a *api) deleteMessage(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	from, err := fromBodyOrQuery(r)
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, from, false); err != nil {
		return err
	}
	if _, err := a.inChannel(r, c, p); err != nil {
		return err
	}
	if _, err := a.svc.Recall(r.Context(), c, []string{p.ByName("messageId")}); err != nil {
		return err
	}
	return noContent(w)
}

// deleteAttachments removes every attachment of a message: its author only
// (from). The app_id query parameter, when given, must be the path's app.
func (a *api) deleteAttachments(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if id := r.URL.Query().Get("app_id"); id != "" && id != p.ByName("appId") {
		return core.Invalidf("app_id", "app_id %q is not the application of the path", id)
	}
	from, err := fromBodyOrQuery(r)
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, from, false); err != nil {
		return err
	}
	m, err := a.svc.DeleteAttachments(r.Context(), c, p.ByName("messageId"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, newEncoder(r, p.ByName("appId")).message(m))
	return nil
}

// sendWithFiles sends a message whose files come in the same request: a
// multipart body of form fields (from, body, type, metadata, parent_id, id;
// from before the first file) and file parts, each attached in order. The
// message and its files are stored together or not at all.
func (a *api) sendWithFiles(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	mr, err := httpx.MultipartReader(r)
	if err != nil {
		return err
	}
	var uploads []*core.PendingUpload
	defer func() { a.svc.DiscardUploads(uploads...) }()
	fields := map[string]string{}
	var as *core.Caller
	for {
		part, err := httpx.NextPart(mr)
		if err != nil {
			return err
		}
		if part == nil {
			break
		}
		if part.FileName() == "" {
			v, err := httpx.FieldValue(part)
			if err != nil {
				return err
			}
			if part.FormName() == "from" && as != nil && v != fields["from"] {
				return core.Invalidf("from", "send from before the first file")
			}
			fields[part.FormName()] = v
			continue
		}
		if as == nil {
			if as, err = a.as(r, c, fields["from"], false); err != nil {
				return err
			}
		}
		up, err := a.svc.StageUpload(r.Context(), as, core.UploadInput{Name: part.FileName(),
			MimeType: part.Header.Get("Content-Type"), Body: httpx.FileBody(part)})
		if err != nil {
			return err
		}
		uploads = append(uploads, up)
	}
	if as == nil {
		if as, err = a.as(r, c, fields["from"], false); err != nil {
			return err
		}
	}
	send := core.SendInput{ID: fields["id"], ConversationID: p.ByName("channelId"), Body: fields["body"], ParentID: fields["parent_id"],
		Metadata: metadataText(fields["metadata"])}
	if t := fields["type"]; t != "text" {
		send.CustomType = t
	}
	pending := uploads
	uploads = nil // the core consumes them
	m, _, err := a.svc.SendMessageWithFiles(r.Context(), as, send, pending)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, newEncoder(r, p.ByName("appId")).message(m))
	return nil
}
