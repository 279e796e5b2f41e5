package httpx

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"parley/server/core"
)

// maxFieldBytes bounds a multipart form field that is not a file.
const maxFieldBytes = 1 << 20

// MultipartReader returns a streaming reader over a multipart/form-data
// body: parts are read one after the other and a file part goes straight to
// the blob store, never into memory or a temporary form file (which
// r.ParseMultipartForm would make). Another content type is EINVALID.
func MultipartReader(r *http.Request) (*multipart.Reader, error) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil, core.Invalidf("body", "the body must be multipart/form-data with the file in a part")
	}
	if params["boundary"] == "" {
		return nil, core.Invalidf("body", "the multipart Content-Type has no boundary")
	}
	return multipart.NewReader(r.Body, params["boundary"]), nil
}

// NextPart returns the next part, or nil at the end of the body. A broken
// body is EINVALID (malformed multipart) or ETOOLARGE.
func NextPart(mr *multipart.Reader) (*multipart.Part, error) {
	p, err := mr.NextPart()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, PartError(err)
	}
	return p, nil
}

// PartError turns an error met while reading a multipart body into a core
// error.
func PartError(err error) error {
	var tooBig *http.MaxBytesError
	var ce *core.Error
	switch {
	case errors.As(err, &ce):
		return err
	case errors.As(err, &tooBig):
		return core.Errorf(core.ETOOLARGE, "request body is larger than %d bytes", tooBig.Limit)
	}
	return core.Invalidf("body", "malformed multipart body: %v", err)
}

// FieldValue reads a form field part (at most 1 MiB).
func FieldValue(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
	if err != nil {
		return "", PartError(err)
	}
	if len(b) > maxFieldBytes {
		return "", core.Invalidf(p.FormName(), "form field %s is longer than %d bytes", p.FormName(), maxFieldBytes)
	}
	return string(b), nil
}

// FileBody is a file part's content as a stream whose errors are core
// errors (a cut or malformed body is EINVALID, an over-large one ETOOLARGE).
func FileBody(p *multipart.Part) io.Reader { return partReader{p} }

type partReader struct{ p *multipart.Part }

func (r partReader) Read(b []byte) (int, error) {
	n, err := r.p.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		err = PartError(err)
	}
	return n, err
}

// RawBody is a request body that is a file's bytes (a PUT of a reserved
// upload) as a stream whose errors are core errors.
func RawBody(r *http.Request) io.Reader { return rawReader{r.Body} }

type rawReader struct{ r io.Reader }

func (r rawReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			err = core.Errorf(core.ETOOLARGE, "request body is larger than %d bytes", tooBig.Limit)
		} else {
			err = core.Invalidf("body", "the upload ended early: %v", err)
		}
	}
	return n, err
}
