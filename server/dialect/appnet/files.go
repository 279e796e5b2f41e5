package appnet

import (
	"net/http"
	"strings"

	"parley/server/core"
	"parley/server/httpx"
)

// wireImageInfo is an image file's size.
type wireImageInfo struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// wireFile is App.net's File object, with what Parley keeps of a file.
type wireFile struct {
	ID        string         `json:"id"`
	Complete  bool           `json:"complete"`
	CreatedAt string         `json:"created_at,omitempty"`
	Kind      string         `json:"kind"`
	MimeType  string         `json:"mime_type"`
	Name      string         `json:"name"`
	Size      int64          `json:"size"`
	TotalSize int64          `json:"total_size"`
	SHA256    string         `json:"sha256,omitempty"`
	ImageInfo *wireImageInfo `json:"image_info,omitempty"`
	Source    *wireSource    `json:"source,omitempty"`
	Type      string         `json:"type"`
	URL       string         `json:"url"`
	User      *wireUser      `json:"user,omitempty"`
}

// fileType is the App.net type every file reports: Parley does not keep
// the type a client names on upload.
const fileType = "io.parley.file"

// fileKind is App.net's kind: image or other.
func fileKind(mime string) string {
	if strings.HasPrefix(mime, "image/") {
		return "image"
	}
	return "other"
}

// contentURL is where a file's bytes are read (with the reader's token).
func contentURL(r *http.Request, fileID string) string {
	return baseURL(r) + "/stream/0/files/" + fileID + "/content"
}

func toWireFile(r *http.Request, app *core.App, f *core.File, owner *core.User) wireFile {
	out := wireFile{ID: id(f.PK), Complete: true, CreatedAt: wireTime(f.CreatedAt), Kind: fileKind(f.MimeType),
		MimeType: f.MimeType, Name: f.Name, Size: f.Size, TotalSize: f.Size, SHA256: f.SHA256, Type: fileType,
		Source: &wireSource{ClientID: app.ID, Name: app.Name}, User: toWireUser(owner)}
	out.URL = contentURL(r, out.ID)
	if f.IsImage() {
		out.ImageInfo = &wireImageInfo{Width: f.Width, Height: f.Height}
		if f.Thumbnail != nil {
			out.TotalSize += f.Thumbnail.Size
		}
	}
	return out
}

// createFile is POST /stream/0/files: a multipart body whose "content"
// part is the file, streamed into the blob store. Fields before it (type,
// name, ...) are read; App.net's type is not kept.
func (a *api) createFile(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	mr, err := httpx.MultipartReader(r)
	if err != nil {
		return err
	}
	name := ""
	for {
		p, err := httpx.NextPart(mr)
		if err != nil {
			return err
		}
		if p == nil {
			return core.Invalidf("content", "the body has no content part with the file")
		}
		switch p.FormName() {
		case "content":
			if name == "" {
				name = p.FileName()
			}
			f, err := a.svc.UploadFile(r.Context(), c, core.UploadInput{Name: name, MimeType: p.Header.Get("Content-Type"), Body: httpx.FileBody(p)})
			if err != nil {
				return err
			}
			return ok(w, r, toWireFile(r, c.App(), f, c.User()))
		case "name":
			if name, err = httpx.FieldValue(p); err != nil {
				return err
			}
		default:
			if _, err := httpx.FieldValue(p); err != nil {
				return err
			}
		}
	}
}

// getFile is GET /stream/0/files/{file_id}.
func (a *api) getFile(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	ref, err := pathKey("file", r.PathValue("file_id"))
	if err != nil {
		return err
	}
	f, err := a.svc.GetFile(r.Context(), c, ref)
	if err != nil {
		return err
	}
	return ok(w, r, toWireFile(r, c.App(), f, nil))
}

// fileContent is GET /stream/0/files/{file_id}/content: the bytes, with
// Range, ETag (the bytes' sha256) and conditional requests.
func (a *api) fileContent(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	ref, err := pathKey("file", r.PathValue("file_id"))
	if err != nil {
		return err
	}
	f, body, err := a.svc.OpenFile(r.Context(), c, ref)
	if err != nil {
		return err
	}
	defer body.Close()
	w.Header().Set("Content-Type", f.MimeType)
	w.Header().Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, f.Name, f.CreatedAt, body)
	return nil
}

// deleteFile is DELETE /stream/0/files/{file_id}: its uploader deletes it;
// the answer is the file as it was.
func (a *api) deleteFile(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	ref, err := pathKey("file", r.PathValue("file_id"))
	if err != nil {
		return err
	}
	f, err := a.svc.RemoveFile(r.Context(), c, ref)
	if err != nil {
		return err
	}
	return ok(w, r, toWireFile(r, c.App(), f, nil))
}
