package amity

import (
	"path"
	"strings"

	"parley/server/core"
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
