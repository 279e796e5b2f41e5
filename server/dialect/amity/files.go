package amity

import (
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// wireFile is Amity's File.
type wireFile struct {
	FileID     string        `json:"fileId"`
	FileURL    string        `json:"fileUrl"`
	Type       string        `json:"type"`
	AccessType string        `json:"accessType"`
	AltText    *string       `json:"altText"`
	CreatedAt  string        `json:"createdAt"`
	UpdatedAt  string        `json:"updatedAt"`
	Attributes wireFileAttrs `json:"attributes"`
}

type wireFileAttrs struct {
	Name      string           `json:"name"`
	Extension string           `json:"extension"`
	Size      int64            `json:"size"`
	MimeType  string           `json:"mimeType"`
	Metadata  wireFileMetadata `json:"metadata"`
}

type wireFileMetadata struct {
	Height *int `json:"height,omitempty"`
	Width  *int `json:"width,omitempty"`
	IsFull bool `json:"isFull"`
}

// fileType is Amity's kind of a file: image, video or file.
func fileType(mime string) string {
	switch {
	case strings.HasPrefix(mime, "image/"):
		return "image"
	case strings.HasPrefix(mime, "video/"):
		return "video"
	}
	return "file"
}

func toWireFile(f *core.File) wireFile {
	wf := wireFile{FileID: f.ID, FileURL: "/api/v3/files/" + f.ID + "/download", Type: fileType(f.MimeType), AccessType: "public",
		CreatedAt: isoTime(f.CreatedAt), UpdatedAt: isoTime(f.CreatedAt),
		Attributes: wireFileAttrs{Name: f.Name, Extension: strings.TrimPrefix(path.Ext(f.Name), "."), Size: f.Size, MimeType: f.MimeType,
			Metadata: wireFileMetadata{IsFull: true}}}
	if f.Width > 0 && f.Height > 0 {
		w, h := f.Width, f.Height
		wf.Attributes.Metadata.Width, wf.Attributes.Metadata.Height = &w, &h
	}
	return wf
}

// attachmentFile is the File a message's attachment names, as side-loaded
// with the message: from the attachment's description (the file's
// dimensions come with GET /api/v3/files/{fileId}).
func attachmentFile(m *core.Message, a *core.Attachment) wireFile {
	t := isoTime(m.CreatedAt)
	return wireFile{FileID: a.FileID, FileURL: fileURL(a.FileID), Type: fileType(a.MimeType), AccessType: "public",
		CreatedAt: t, UpdatedAt: t, Attributes: wireFileAttrs{Name: a.Name, Extension: strings.TrimPrefix(path.Ext(a.Name), "."),
			Size: a.Size, MimeType: a.MimeType, Metadata: wireFileMetadata{IsFull: true}}}
}

// sideloadFiles lists the files messages carry (their fileId), once each.
func sideloadFiles(msgs []*core.Message) []wireFile {
	out := []wireFile{}
	seen := map[string]bool{}
	for _, m := range msgs {
		if a := dataAttachment(m); a != nil && a.FileID != "" && !seen[a.FileID] {
			seen[a.FileID] = true
			out = append(out, attachmentFile(m, a))
		}
	}
	return out
}

// uploadFile stores the one file of a multipart body (part "file", as
// Amity's SDKs send; preferredFilename renames it) and answers
// {"status": "success", "data": [File]}.
func (a *api) uploadFile(w http.ResponseWriter, r *http.Request, c *core.Caller, _ httprouter.Params) error {
	mr, err := httpx.MultipartReader(r)
	if err != nil {
		return err
	}
	name := ""
	var f *core.File
	for {
		p, err := httpx.NextPart(mr)
		if err != nil {
			return err
		}
		if p == nil {
			break
		}
		switch {
		case p.FormName() == "preferredFilename":
			if name, err = httpx.FieldValue(p); err != nil {
				return err
			}
			if err := checkLen("preferredFilename", name, 0, 1024); err != nil {
				return err
			}
		case p.FileName() != "" || p.FormName() == "file" || p.FormName() == "files":
			if f != nil {
				return core.Invalidf("file", "Upload one file per request.")
			}
			if name == "" {
				name = p.FileName()
			}
			in := core.UploadInput{Name: name, MimeType: p.Header.Get("Content-Type"), Body: httpx.FileBody(p)}
			if f, err = a.svc.UploadFile(r.Context(), c, in); err != nil {
				return err
			}
		default:
			if _, err := httpx.FieldValue(p); err != nil { // fullImage and the like
				return err
			}
		}
	}
	if f == nil {
		return core.Invalidf("file", "The 'file' field is required.")
	}
	return ok(w, struct {
		Status string     `json:"status"`
		Data   []wireFile `json:"data"`
	}{"success", []wireFile{toWireFile(f)}})
}

func (a *api) getFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	f, err := a.svc.GetFile(r.Context(), c, p.ByName("fileId"))
	if err != nil {
		return err
	}
	return ok(w, struct {
		Status string   `json:"status"`
		Data   wireFile `json:"data"`
	}{"success", toWireFile(f)})
}

// downloadFile serves a file's bytes (Range, ETag and conditional
// requests); size=small|medium asks for an image's thumbnail.
func (a *api) downloadFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	id := p.ByName("fileId")
	var f *core.File
	var body core.BlobReader
	var err error
	switch r.URL.Query().Get("size") {
	case "small", "medium":
		f, body, err = a.svc.OpenThumbnail(r.Context(), c, id)
		if core.ErrorCode(err) == core.ENOTFOUND {
			f, body, err = a.svc.OpenFile(r.Context(), c, id)
		}
	default:
		f, body, err = a.svc.OpenFile(r.Context(), c, id)
	}
	if err != nil {
		return err
	}
	defer body.Close()
	w.Header().Set("Content-Type", f.MimeType)
	w.Header().Set("ETag", `"`+f.SHA256+`"`)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": f.Name}))
	http.ServeContent(w, r, "", f.CreatedAt, body)
	return nil
}
