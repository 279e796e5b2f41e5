package admin

import (
	"net/http"
	"net/url"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// wireFile is an uploaded file as the admin API answers it; url and
// thumbnailUrl need the admin token like every admin route.
type wireFile struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	Name         string `json:"name"`
	MimeType     string `json:"mimeType"`
	Size         int64  `json:"size"`
	Width        int    `json:"width,omitempty"`
	Height       int    `json:"height,omitempty"`
	SHA256       string `json:"sha256"`
	URL          string `json:"url"`
	ThumbnailURL string `json:"thumbnailUrl,omitempty"`
	CreatedAt    string `json:"createdAt"`
}

func toWireFile(app string, f *core.File) wireFile {
	u := "/admin/v1/apps/" + url.PathEscape(app) + "/files/" + url.PathEscape(f.ID)
	out := wireFile{ID: f.ID, Type: core.AttachmentKind(f.MimeType), Name: f.Name, MimeType: f.MimeType, Size: f.Size,
		Width: f.Width, Height: f.Height, SHA256: f.SHA256, URL: u, CreatedAt: wireTime(f.CreatedAt)}
	if f.Thumbnail != nil {
		out.ThumbnailURL = u + "/thumbnail"
	}
	return out
}

// uploadFile stores the request body as a file of the app, uploaded by
// the user named by as= (whose message may then attach it with
// {"fileId": ID}), or by the app itself without it. The bytes stream into
// the blob store up to the server's upload limit (413 past it); the file
// name comes from name=, the type from Content-Type (an image is
// recognised by its bytes).
func (a *api) uploadFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	q := r.URL.Query()
	as := c
	if user := q.Get("as"); user != "" {
		var err error
		if as, err = a.actAs(r, c, user); err != nil {
			return err
		}
	}
	f, err := a.svc.UploadFile(r.Context(), as, core.UploadInput{ID: q.Get("id"), Name: q.Get("name"),
		MimeType: r.Header.Get("Content-Type"), Body: httpx.RawBody(r)})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toWireFile(c.App().ID, f))
	return nil
}

// getFileInfo answers a file's description.
func (a *api) getFileInfo(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	f, err := a.svc.GetFile(r.Context(), c, p.ByName("file"))
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, toWireFile(c.App().ID, f))
	return nil
}

// downloadFile answers a file's bytes (images inline, others as a
// download), or its thumbnail's.
func (a *api) downloadFile(thumbnail bool) handler {
	return func(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
		open := a.svc.OpenFile
		if thumbnail {
			open = a.svc.OpenThumbnail
		}
		f, rd, err := open(r.Context(), c, p.ByName("file"))
		if err != nil {
			return err
		}
		httpx.ServeFile(w, r, f, rd, thumbnail)
		return nil
	}
}
