package core

import (
	"context"
	"io"
	"time"
)

// File is an uploaded blob with its description. It belongs to one app and
// to the user who uploaded it (OwnerPK 0: the app itself). Its owner or the
// app deletes it. Every upload is its own File, even of the same name and
// bytes; equal bytes share one blob.
type File struct {
	PK        int64
	AppPK     int64
	ID        string
	OwnerPK   int64
	BlobKey   string
	Name      string // the client's name, cleaned: never a path
	MimeType  string
	Size      int64
	SHA256    string
	Width     int // images only
	Height    int
	Thumbnail *Thumbnail // images only; nil when none could be made
	CreatedAt time.Time
}

// Extension returns the file name's extension without the dot, lowercased
// ("" when it has none).
func (f *File) Extension() string { return extension(f.Name) }

// IsImage reports whether the file is an image whose size was read.
func (f *File) IsImage() bool { return f.Width > 0 && f.Height > 0 }

// Thumbnail is a small rendition of an image file, kept as its own blob.
type Thumbnail struct {
	BlobKey  string
	MimeType string
	Size     int64
	Width    int
	Height   int
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

// StagedBlob is bytes received but not yet stored as a blob: the core
// commits it once a row will name it, or discards it.
type StagedBlob interface {
	Blob() Blob
	// Open reads the staged bytes from the start.
	Open() (BlobReader, error)
	// Commit stores the bytes under their key (an equal blob already
	// stored is kept).
	Commit() error
	// Discard removes the staged bytes; after Commit it does nothing.
	Discard() error
}

// Blobs keeps file contents, addressed by the sha256 of their bytes.
type Blobs interface {
	// Stage streams r into temporary storage, refusing with ETOOLARGE past
	// limit bytes; a failure leaves nothing behind.
	Stage(ctx context.Context, r io.Reader, limit int64) (StagedBlob, error)
	// Open returns the blob's contents and its modification time; ENOTFOUND if absent.
	Open(ctx context.Context, key string) (BlobReader, time.Time, error)
	// Delete removes the blob; deleting an absent blob is not an error.
	Delete(ctx context.Context, key string) error
	// Keys calls fn with every stored blob's key.
	Keys(ctx context.Context, fn func(key string) error) error
	// ClearTemp removes what interrupted uploads left behind.
	ClearTemp(ctx context.Context) error
}
