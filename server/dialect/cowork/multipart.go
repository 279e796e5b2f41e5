package cowork

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// descriptor is i-net's attachment description in the json part.
type descriptor struct {
	Name           string `json:"name"`
	LastModified   any    `json:"lastModified,omitempty"` // "Datetime" in milliseconds: a number or a string
	AttachmentType string `json:"attachmentType,omitempty"`
	PreviewWidth   *int   `json:"previewWidth,omitempty"`
	PreviewHeight  *int   `json:"previewHeight,omitempty"`
}

// createMultipart sends a message with attachments: part json holds the
// message ({text, attachments: [descriptor…]}), parts attachment0..N the
// files in descriptor order. The message and its files are stored in one
// transaction, or none of it.
func (a *api) createMultipart(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	text, uploads, err := a.multipartMessage(r, c)
	if err != nil {
		return err
	}
	m, err := a.svc.SendChannelMessage(r.Context(), c, p.ByName("team"), p.ByName("channel"), core.SendInput{Body: text}, uploads)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, m.ID)
	return nil
}

// multipartMessage reads a multipart message: its text and its files, each
// streamed into the blob store as it arrives and described by its
// descriptor. A descriptor without its part and a part without its
// descriptor are discarded. A message with no text and no file left is
// refused. On error nothing staged is kept.
func (a *api) multipartMessage(r *http.Request, c *core.Caller) (string, []*core.PendingUpload, error) {
	in, uploads, err := a.readMultipart(r, c)
	if err != nil {
		for _, up := range uploads {
			a.svc.DiscardUploads(up)
		}
		return "", nil, err
	}
	var kept []*core.PendingUpload
	for i, d := range in.descriptors {
		up := uploads[i]
		if up == nil {
			continue // a descriptor without its part
		}
		delete(uploads, i)
		data, err := json.Marshal(d)
		if err != nil {
			data = nil // a descriptor always marshals; without it the file still counts
		}
		up.Describe(d.Name, data)
		kept = append(kept, up)
	}
	for _, up := range uploads { // parts without a descriptor
		a.svc.DiscardUploads(up)
	}
	if strings.TrimSpace(in.text) == "" && len(kept) == 0 {
		a.svc.DiscardUploads(kept...)
		return "", nil, core.Invalidf("text", "a message needs a text or an attachment")
	}
	return in.text, kept, nil
}

type multipartMessage struct {
	text        string
	descriptors []descriptor
}

// readMultipart reads the parts in the order they come, staging each
// attachmentN part by its index. On error the uploads staged so far are
// returned for the caller to discard.
func (a *api) readMultipart(r *http.Request, c *core.Caller) (multipartMessage, map[int]*core.PendingUpload, error) {
	var in multipartMessage
	uploads := map[int]*core.PendingUpload{}
	mr, err := r.MultipartReader()
	if err != nil {
		return in, uploads, core.Invalidf("body", "cannot read multipart/form-data: %v", err)
	}
	seenJSON := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return in, uploads, multipartError(err)
		}
		name := part.FormName()
		switch {
		case name == "json":
			var msg struct {
				Text        string       `json:"text"`
				Attachments []descriptor `json:"attachments"`
			}
			if err := json.NewDecoder(part).Decode(&msg); err != nil {
				return in, uploads, httpx.JSONError(err)
			}
			in.text, in.descriptors, seenJSON = msg.Text, msg.Attachments, true
		case strings.HasPrefix(name, "attachment"):
			i, err := strconv.Atoi(strings.TrimPrefix(name, "attachment"))
			if err != nil || i < 0 || i >= a.svc.Limits().Attachments || uploads[i] != nil {
				_, _ = io.Copy(io.Discard, part) // not an attachment part CoWork names: discarded
				break
			}
			up, err := a.svc.StageUpload(r.Context(), c, core.UploadInput{Name: part.FileName(),
				MimeType: part.Header.Get("Content-Type"), Body: part})
			if err != nil {
				return in, uploads, err
			}
			uploads[i] = up
		default:
			_, _ = io.Copy(io.Discard, part)
		}
		part.Close()
	}
	if !seenJSON {
		return in, uploads, core.Invalidf("json", "the multipart request has no json part")
	}
	return in, uploads, nil
}

// multipartError turns a body-reading error into a core error.
func multipartError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return core.Errorf(core.ETOOLARGE, "request body is larger than %d bytes", tooBig.Limit)
	}
	if errors.Is(err, multipart.ErrMessageTooLarge) {
		return core.Errorf(core.ETOOLARGE, "a multipart header is too large")
	}
	return core.Invalidf("body", "malformed multipart body: %v", err)
}

// downloadAttachment answers an attachment's bytes (Range, ETag and
// conditional requests through http.ServeContent) to whoever reads its
// message.
func (a *api) downloadAttachment(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	f, body, err := a.svc.OpenChannelAttachment(r.Context(), c, p.ByName("team"), p.ByName("channel"), p.ByName("message"), p.ByName("attachment"))
	if err != nil {
		return err
	}
	defer body.Close()
	if f.MimeType != "" {
		w.Header().Set("Content-Type", f.MimeType)
	}
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Header().Set("ETag", `"`+f.SHA256+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", f.CreatedAt, body)
	return nil
}
