package channelize

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Files: a multipart upload answers the fields a message attachment needs,
// and the URLs in the answer serve the bytes (with Channelize's usual
// credentials). The SDK's own two steps work too: POST {name} reserves an
// upload URL, and a PUT of the raw bytes there (no credentials) stores it.

// wireFile is an uploaded file as an attachment takes it.
type wireFile struct {
	ID           string  `json:"id"`
	Type         string  `json:"type"`
	FileURL      string  `json:"fileUrl"`
	Name         string  `json:"name"`
	MimeType     string  `json:"mimeType"`
	Extension    string  `json:"extension"`
	Size         int64   `json:"size"`
	ThumbnailURL *string `json:"thumbnailUrl"`
	Width        int     `json:"width,omitempty"`
	Height       int     `json:"height,omitempty"`
}

func toWireFile(base string, f *core.File) wireFile {
	u := base + "/v2/files/" + url.PathEscape(f.ID)
	out := wireFile{ID: f.ID, Type: core.AttachmentKind(f.MimeType), FileURL: u, Name: f.Name, MimeType: f.MimeType,
		Extension: f.Extension(), Size: f.Size, Width: f.Width, Height: f.Height}
	if f.Thumbnail != nil {
		t := u + "/thumbnail"
		out.ThumbnailURL = &t
	}
	return out
}

// reserveIn is the first step of the SDK's upload: the file's name (and a
// thumbnail's, when the client made one).
type reserveIn struct {
	Name      string `json:"name"`
	MimeType  string `json:"mimeType"`
	Thumbnail *struct {
		Name string `json:"name"`
	} `json:"thumbnail"`
}

// wireReserved tells the client where to PUT the bytes and where the file
// will be.
type wireReserved struct {
	UploadURL          string  `json:"uploadUrl"`
	FileURL            string  `json:"fileUrl"`
	UploadThumbnailURL *string `json:"uploadThumbnailUrl,omitempty"`
	ThumbnailURL       *string `json:"thumbnailUrl,omitempty"`
}

// uploadFile is POST /v2/files: a JSON body reserves an upload (the SDK's
// two steps), a multipart body is the upload itself.
func (a *api) uploadFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if !strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/") {
		return a.reserveUpload(w, r, c)
	}
	return a.uploadMultipart(w, r, c)
}

// reserveUpload answers uploadUrl (to PUT the bytes to, without
// credentials) and fileUrl (where the file will be), and the same pair for
// a thumbnail the client uploads itself.
func (a *api) reserveUpload(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	var in reserveIn
	if err := httpx.DecodeJSON(r, &in, false, false); err != nil {
		return err
	}
	if strings.TrimSpace(in.Name) == "" {
		return core.Invalidf("name", "name is required: the file's name (or send the file as multipart/form-data)")
	}
	base := httpx.BaseURL(r)
	slot, err := a.svc.ReserveUpload(r.Context(), c, in.Name, in.MimeType)
	if err != nil {
		return err
	}
	out := wireReserved{UploadURL: base + "/v2/files/upload/" + url.PathEscape(slot.Token),
		FileURL: base + "/v2/files/" + url.PathEscape(slot.FileID)}
	if in.Thumbnail != nil && strings.TrimSpace(in.Thumbnail.Name) != "" {
		th, err := a.svc.ReserveUpload(r.Context(), c, in.Thumbnail.Name, "")
		if err != nil {
			return err
		}
		up, at := base+"/v2/files/upload/"+url.PathEscape(th.Token), base+"/v2/files/"+url.PathEscape(th.FileID)
		out.UploadThumbnailURL, out.ThumbnailURL = &up, &at
	}
	httpx.WriteJSON(w, http.StatusOK, out)
	return nil
}

// putUpload receives the bytes of a reserved upload: the raw body, with
// its Content-Type; the token in the URL is the only credential needed.
func (a *api) putUpload(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	f, err := a.svc.CompleteUpload(r.Context(), c, p.ByName("token"), r.Header.Get("Content-Type"), httpx.RawBody(r))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireFile(httpx.BaseURL(r), f))
	return nil
}

// uploadMultipart takes a multipart body whose first file part is the file.
// Optional fields: name (the attachment's label in the answer; the stored
// file keeps the part's file name) and type (the attachment type the client
// means: image, audio, video, file).
func (a *api) uploadMultipart(w http.ResponseWriter, r *http.Request, c *core.Caller) error {
	mr, err := httpx.MultipartReader(r)
	if err != nil {
		return err
	}
	var pending *core.PendingUpload
	defer func() { a.svc.DiscardUploads(pending) }()
	var name, kind string
	for {
		part, err := httpx.NextPart(mr)
		if err != nil {
			return err
		}
		if part == nil {
			break
		}
		switch {
		case part.FileName() != "" && pending == nil:
			pending, err = a.svc.StageUpload(r.Context(), c, core.UploadInput{Name: part.FileName(),
				MimeType: part.Header.Get("Content-Type"), Body: httpx.FileBody(part)})
		case part.FormName() == "name":
			name, err = httpx.FieldValue(part)
		case part.FormName() == "type":
			kind, err = httpx.FieldValue(part)
		default:
			_, err = httpx.FieldValue(part) // other fields are read past
		}
		if err != nil {
			return err
		}
	}
	if pending == nil {
		return core.Invalidf("file", "the multipart body has no file part")
	}
	files, err := a.svc.StoreUploads(r.Context(), c, pending)
	pending = nil
	if err != nil {
		return err
	}
	out := toWireFile(httpx.BaseURL(r), files[0])
	if name != "" {
		out.Name = core.CleanFileName(name)
	}
	if kind != "" {
		out.Type = kind
	}
	httpx.WriteJSON(w, http.StatusCreated, out)
	return nil
}

func (a *api) downloadFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.serveFile(w, r, c, p.ByName("id"), false)
}

func (a *api) downloadThumbnail(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.serveFile(w, r, c, p.ByName("id"), true)
}

func (a *api) serveFile(w http.ResponseWriter, r *http.Request, c *core.Caller, id string, thumb bool) error {
	open := a.svc.OpenFile
	if thumb {
		open = a.svc.OpenThumbnail
	}
	f, rd, err := open(r.Context(), c, id)
	if err != nil {
		return err
	}
	httpx.ServeFile(w, r, f, rd, thumb)
	return nil
}

// getFileInfo answers a file's description as the upload did.
func (a *api) getFileInfo(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	f, err := a.svc.GetFile(r.Context(), c, p.ByName("id"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireFile(httpx.BaseURL(r), f))
	return nil
}

func (a *api) deleteFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	if err := a.svc.DeleteFile(r.Context(), c, p.ByName("id")); err != nil {
		return err
	}
	return noContent(w)
}
