package blobstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"

	"github.com/spf13/afero"

	"parley/server/core"
)

// Put streams r into the store while hashing it, and returns the blob's key
// (its hex sha256), size and hash. More than limit bytes (limit <= 0: no
// limit) is ETOOLARGE, reported as soon as the extra byte arrives. Storing
// bytes that are already stored keeps the existing blob.
func (s *Store) Put(ctx context.Context, r io.Reader, limit int64) (core.Blob, error) {
	st, err := s.Stage(ctx, r, limit)
	if err != nil {
		return core.Blob{}, err
	}
	if err := st.Commit(); err != nil {
		return core.Blob{}, err
	}
	return st.Blob(), nil
}

// Stage streams r into a temporary file while hashing it, without making it
// a stored blob yet: the core first decides (under its own lock) whether a
// row will name it, then commits or discards it. Errors leave nothing behind.
func (s *Store) Stage(ctx context.Context, r io.Reader, limit int64) (core.StagedBlob, error) {
	if err := s.fs.MkdirAll(tmpDir, 0o755); err != nil {
		return nil, fmt.Errorf("blobstore: put: %w", err)
	}
	f, err := afero.TempFile(s.fs, tmpDir, "put-*")
	if err != nil {
		return nil, fmt.Errorf("blobstore: put: %w", err)
	}
	tmp := f.Name()
	blob, err := s.write(ctx, f, r, limit)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("blobstore: put: %w", cerr)
	}
	if err != nil {
		// Best effort: the temp file holds nothing anyone will ask for.
		_ = s.fs.Remove(tmp)
		return nil, err
	}
	return &staged{s: s, tmp: tmp, blob: blob}, nil
}

// staged is an upload in tmp/ that is not a blob yet.
type staged struct {
	s    *Store
	tmp  string
	blob core.Blob
	done bool
}

func (st *staged) Blob() core.Blob { return st.blob }

// Open reads the staged bytes back (to probe an image, say).
func (st *staged) Open() (core.BlobReader, error) {
	if st.done {
		return nil, errors.New("blobstore: staged blob already committed or discarded")
	}
	f, err := st.s.fs.Open(st.tmp)
	if err != nil {
		return nil, fmt.Errorf("blobstore: open staged: %w", err)
	}
	return f, nil
}

// Commit makes the bytes a stored blob under their key.
func (st *staged) Commit() error {
	if st.done {
		return errors.New("blobstore: staged blob already committed or discarded")
	}
	st.done = true
	if err := st.s.commit(st.tmp, st.blob.Key); err != nil {
		_ = st.s.fs.Remove(st.tmp)
		return err
	}
	return nil
}

// Discard removes the staged bytes; calling it after Commit does nothing.
func (st *staged) Discard() error {
	if st.done {
		return nil
	}
	st.done = true
	if err := st.s.fs.Remove(st.tmp); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobstore: discard: %w", err)
	}
	return nil
}

// write copies at most limit+1 bytes of r into f, hashing them, and syncs f
// so a key recorded in the database after Put never names lost bytes.
func (s *Store) write(ctx context.Context, f afero.File, r io.Reader, limit int64) (core.Blob, error) {
	src := io.Reader(ctxReader{ctx: ctx, r: r})
	if limit > 0 && limit < math.MaxInt64 {
		// One byte past the limit is enough to know the upload is too large;
		// the rest is never read.
		src = io.LimitReader(src, limit+1)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), src)
	if err != nil {
		var ce *core.Error
		if errors.As(err, &ce) {
			return core.Blob{}, err
		}
		return core.Blob{}, fmt.Errorf("blobstore: put: %w", err)
	}
	if limit > 0 && n > limit {
		return core.Blob{}, core.Errorf(core.ETOOLARGE, "file is larger than %d bytes", limit)
	}
	if err := f.Sync(); err != nil {
		return core.Blob{}, fmt.Errorf("blobstore: put: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return core.Blob{Key: sum, Size: n, SHA256: sum}, nil
}

// commit moves the temp file to the key's path, unless that blob exists
// already: equal keys mean equal bytes, so the first copy is kept. Two
// concurrent puts of the same bytes may both rename; either result is right.
func (s *Store) commit(tmp, key string) error {
	dst := blobPath(key)
	if _, err := s.fs.Stat(dst); err == nil {
		// The bytes are safely stored; a temp file left behind by a failed
		// remove costs only space, which is no reason to fail the upload.
		_ = s.fs.Remove(tmp)
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobstore: put: %w", err)
	}
	if err := s.fs.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("blobstore: put: %w", err)
	}
	if err := s.fs.Rename(tmp, dst); err != nil {
		return fmt.Errorf("blobstore: put: %w", err)
	}
	return nil
}

// ctxReader stops a long upload once its request is gone.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
