package httpx

import (
	"mime"
	"net/http"
	"strings"

	"parley/server/core"
)

// ServeFile answers a download of a stored file (or its thumbnail) with
// http.ServeContent: Content-Type, Content-Length, an ETag from the bytes'
// sha256, Last-Modified, Range requests (206) and conditional requests
// (304, 412). Images, video and audio are shown inline; anything else is a
// download, so an uploaded HTML or SVG page never runs as the server's own.
// It closes rd.
func ServeFile(w http.ResponseWriter, r *http.Request, f *core.File, rd core.BlobReader, thumbnail bool) {
	defer rd.Close()
	ctype, etag, name := f.MimeType, f.SHA256, f.Name
	if thumbnail && f.Thumbnail != nil {
		ctype, etag = f.Thumbnail.MimeType, f.Thumbnail.BlobKey
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("ETag", `"`+etag+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, max-age=31536000, immutable")
	disposition := "attachment"
	switch core.AttachmentKind(ctype) {
	case "image", "video", "audio":
		if ctype != "image/svg+xml" {
			disposition = "inline"
		}
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": name}))
	http.ServeContent(w, r, "", f.CreatedAt, rd)
}

// BaseURL is the scheme and host the client reached the server at, for
// absolute URLs in answers: through a proxy that says so
// (X-Forwarded-Proto, X-Forwarded-Host), or directly. It only shapes the
// URLs of the caller's own answer (or event stream).
func BaseURL(r *http.Request) string {
	host, scheme := strings.TrimSuffix(r.Host, "/"), "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if h := strings.TrimSpace(r.Header.Get("X-Forwarded-Host")); h != "" && !strings.ContainsAny(h, "/ ,") {
		host = h
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	return scheme + "://" + host
}
