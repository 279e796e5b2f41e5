package sceyt

import (
	"net/http"

	"github.com/julienschmidt/httprouter"

	"parley/server/core"
	"parley/server/httpx"
)

// Files. An upload is owned by from (query, or a form field before the
// file) or by the app; {name} in the paths is the id the upload answered.

// uploadFile streams the multipart body's first file part into the blob
// store and answers 201 {"url": ...} (with id, name, size, mime_type and,
// for images, width, height and thumbnail_url).
func (a *api) uploadFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	mr, err := httpx.MultipartReader(r)
	if err != nil {
		return err
	}
	from := queryFrom(r)
	var pending *core.PendingUpload
	defer func() { a.svc.DiscardUploads(pending) }()
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
			as, err := a.as(r, c, from, true)
			if err != nil {
				return err
			}
			pending, err = a.svc.StageUpload(r.Context(), as, core.UploadInput{Name: part.FileName(),
				MimeType: part.Header.Get("Content-Type"), Body: httpx.FileBody(part)})
			if err != nil {
				return err
			}
		case part.FormName() == "from":
			v, err := httpx.FieldValue(part)
			if err != nil {
				return err
			}
			if pending != nil && v != from {
				return core.Invalidf("from", "send from before the file part (or in the query)")
			}
			from = v
		default:
			if _, err := httpx.FieldValue(part); err != nil {
				return err
			}
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
	httpx.WriteJSON(w, http.StatusCreated, newEncoder(r, p.ByName("appId")).file(files[0]))
	return nil
}

func (a *api) downloadFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.serveFile(w, r, c, p, false)
}

func (a *api) downloadThumbnail(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	return a.serveFile(w, r, c, p, true)
}

// serveFile answers the bytes with Range, ETag and conditional requests.
func (a *api) serveFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params, thumb bool) error {
	c, err := a.as(r, c, queryFrom(r), true)
	if err != nil {
		return err
	}
	open := a.svc.OpenFile
	if thumb {
		open = a.svc.OpenThumbnail
	}
	f, rd, err := open(r.Context(), c, p.ByName("name"))
	if err != nil {
		return err
	}
	httpx.ServeFile(w, r, f, rd, thumb)
	return nil
}

// deleteFile deletes a file: its uploader (from) or the app.
func (a *api) deleteFile(w http.ResponseWriter, r *http.Request, c *core.Caller, p httprouter.Params) error {
	from, err := fromBodyOrQuery(r)
	if err != nil {
		return err
	}
	if c, err = a.as(r, c, from, true); err != nil {
		return err
	}
	if err := a.svc.DeleteFile(r.Context(), c, p.ByName("name")); err != nil {
		return err
	}
	return noContent(w)
}
