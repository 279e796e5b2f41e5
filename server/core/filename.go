package core

import (
	"mime"
	"strings"
	"unicode/utf8"
)

// maxFileNameBytes is the longest file name kept (what most file systems
// allow for one name); longer names are cut, keeping their extension.
const maxFileNameBytes = 255

// CleanFileName makes a client's file name safe to keep and show. A name is
// only ever a label (blobs live under their content hash), but clients save
// downloads under it, so it is reduced to one harmless path element: the
// part after the last slash or backslash, without control characters (NUL
// included), invalid UTF-8, leading dots or surrounding spaces, at most 255
// bytes. What is left empty becomes "file".
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	name = strings.TrimSpace(name)
	if len(name) > maxFileNameBytes {
		ext := ""
		if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
			ext = name[i:]
		}
		base := name[:maxFileNameBytes-len(ext)]
		for len(base) > 0 && !utf8.ValidString(base) {
			base = base[:len(base)-1]
		}
		name = base + ext
	}
	if name == "" {
		return "file"
	}
	return name
}

// extension returns name's extension, lowercased, without the dot.
func extension(name string) string {
	i := strings.LastIndexByte(name, '.')
	if i <= 0 || i == len(name)-1 {
		return ""
	}
	return strings.ToLower(name[i+1:])
}

// typesByExtension is the MIME type of common attachments. It is ours, not
// the system's mime.types, so that every machine answers the same.
var typesByExtension = map[string]string{
	"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
	"webp": "image/webp", "svg": "image/svg+xml", "heic": "image/heic", "bmp": "image/bmp",
	"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "m4v": "video/x-m4v",
	"mp3": "audio/mpeg", "m4a": "audio/mp4", "aac": "audio/aac", "wav": "audio/wav", "ogg": "audio/ogg",
	"pdf": "application/pdf", "zip": "application/zip", "json": "application/json",
	"txt": "text/plain", "csv": "text/csv", "html": "text/html", "md": "text/markdown",
	"doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"ppt": "application/vnd.ms-powerpoint", "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

const octetStream = "application/octet-stream"

// fileMimeType decides a file's MIME type before its bytes are looked at:
// the client's declared type when it is a valid specific one, else the
// name's extension, else application/octet-stream. (Images are then
// recognised by their bytes.)
func fileMimeType(declared, name string) string {
	if mt, _, err := mime.ParseMediaType(declared); err == nil && mt != octetStream && strings.Contains(mt, "/") {
		return mt
	}
	if mt, ok := typesByExtension[extension(name)]; ok {
		return mt
	}
	return octetStream
}

// AttachmentKind is the attachment type of a MIME type: image, video,
// audio or file.
func AttachmentKind(mimeType string) string {
	switch {
	case strings.HasPrefix(mimeType, "image/"):
		return "image"
	case strings.HasPrefix(mimeType, "video/"):
		return "video"
	case strings.HasPrefix(mimeType, "audio/"):
		return "audio"
	}
	return "file"
}
