package appnet

import (
	"encoding/json"
	"strings"

	"parley/server/core"
)

// App.net's replacement values: an annotation value holding
// "+net.app.core.file" ({file_id, file_token, format}) or
// "+net.app.core.file_list" (a list of them) names uploaded files. On
// create the files become the message's attachments, in order (the core
// checks that the sender may attach each); when the message is read the
// keys are replaced by the files' metadata and URLs.

const (
	fileKey     = "+net.app.core.file"
	fileListKey = "+net.app.core.file_list"
)

// fileRef is one file named in an annotation.
type fileRef struct {
	FileID    flexID `json:"file_id"`
	FileToken string `json:"file_token,omitempty"`
	Format    string `json:"format,omitempty"`
}

// annotationFiles returns, in order, the files an annotation value names.
func annotationFiles(value json.RawMessage) ([]fileRef, error) {
	var v map[string]json.RawMessage
	if json.Unmarshal(value, &v) != nil {
		return nil, nil
	}
	var out []fileRef
	if raw, ok := v[fileKey]; ok {
		var one fileRef
		if err := json.Unmarshal(raw, &one); err != nil || one.FileID == "" {
			return nil, core.Invalidf("annotations", "%s must be {file_id, file_token, format}", fileKey)
		}
		out = append(out, one)
	}
	if raw, ok := v[fileListKey]; ok {
		var list []fileRef
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, core.Invalidf("annotations", "%s must be a list of {file_id, file_token, format}", fileListKey)
		}
		for _, f := range list {
			if f.FileID == "" {
				return nil, core.Invalidf("annotations", "every file of %s needs a file_id", fileListKey)
			}
		}
		out = append(out, list...)
	}
	return out, nil
}

// fileAttachments turns the files named in annotations into attachments
// that name the stored files.
func fileAttachments(list []annotation) ([]core.Attachment, error) {
	var out []core.Attachment
	for _, a := range list {
		refs, err := annotationFiles(a.Value)
		if err != nil {
			return nil, err
		}
		for _, f := range refs {
			ref, err := parseKey("file_id", string(f.FileID))
			if err != nil {
				return nil, err
			}
			out = append(out, core.Attachment{FileID: ref})
		}
	}
	return out, nil
}

// fileMeta is a file as an annotation shows it, from the attachment that
// names it (a deleted file keeps its description, without a url).
func fileMeta(ref fileRef, a *core.Attachment, base string) map[string]any {
	out := map[string]any{"file_id": string(ref.FileID)}
	if ref.FileToken != "" {
		out["file_token"] = ref.FileToken
	}
	if a == nil {
		return out
	}
	switch ref.Format {
	case "url":
	case "oembed":
		out["version"], out["type"], out["title"] = "1.0", "link", a.Name
		if strings.HasPrefix(a.MimeType, "image/") {
			out["type"] = "photo"
		}
	default:
		out["id"], out["name"], out["mime_type"], out["size"], out["kind"] = string(ref.FileID), a.Name, a.MimeType, a.Size, fileKind(a.MimeType)
	}
	if a.FileID != "" && base != "" {
		out["url"] = base + "/stream/0/files/" + string(ref.FileID) + "/content"
	}
	return out
}

// renderAnnotations replaces the file keys of a message's annotations with
// the files' metadata, taking the message's file attachments in order.
func renderAnnotations(list []wireAnnotation, atts []core.Attachment, base string) []wireAnnotation {
	var files []*core.Attachment
	for i := range atts {
		files = append(files, &atts[i])
	}
	next := func() *core.Attachment {
		if len(files) == 0 {
			return nil
		}
		a := files[0]
		files = files[1:]
		return a
	}
	for i, a := range list {
		var v map[string]json.RawMessage
		if json.Unmarshal(a.Value, &v) != nil {
			continue
		}
		_, one := v[fileKey]
		_, many := v[fileListKey]
		if !one && !many {
			continue
		}
		out := map[string]any{}
		for k, raw := range v {
			if k != fileKey && k != fileListKey {
				out[k] = raw
			}
		}
		if one {
			var ref fileRef
			_ = json.Unmarshal(v[fileKey], &ref)
			for k, x := range fileMeta(ref, next(), base) {
				out[k] = x
			}
		}
		if many {
			var refs []fileRef
			_ = json.Unmarshal(v[fileListKey], &refs)
			metas := make([]map[string]any, len(refs))
			for j, ref := range refs {
				if ref.Format == "" {
					ref.Format = "metadata"
				}
				metas[j] = fileMeta(ref, next(), base)
			}
			out["net.app.core.file_list"] = metas
		}
		if b, err := json.Marshal(out); err == nil {
			list[i].Value = b
		}
	}
	return list
}
