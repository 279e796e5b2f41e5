package core

import (
	"context"
	"io"
	"time"
)

// File is an uploaded blob with its description. Its owner or the app deletes it.
type File struct {
	PK        int64
	AppPK     int64
	ID        string
	OwnerPK   int64
	BlobKey   string
	Name      string
	MimeType  string
	Size      int64
	SHA256    string
	Width     int
	Height    int
	CreatedAt time.Time
}

// Blob describes stored bytes.
type Blob struct {
	Key    string // content address; never derived from a client-chosen name
	Size   int64
	SHA256 string // hex
}

// BlobReader is an open blob, ready for http.ServeContent.
type BlobReader interface {
	io.ReadSeekCloser
}

// Blobs keeps file contents.
type Blobs interface {
	// Put streams r into the store, refusing with ETOOLARGE past limit bytes.
	Put(ctx context.Context, r io.Reader, limit int64) (Blob, error)
	// Open returns the blob's contents and its modification time; ENOTFOUND if absent.
	Open(ctx context.Context, key string) (BlobReader, time.Time, error)
	// Delete removes the blob; deleting an absent blob is not an error.
	Delete(ctx context.Context, key string) error
}
