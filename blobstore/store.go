// Package blobstore keeps file contents on an afero file system, addressed by
// the sha256 of their bytes. It implements core.Blobs.
//
// Layout inside the file system:
//
//	tmp/                 uploads in progress, renamed away or removed when Put returns
//	sha256/ab/cdef...    a blob whose key (hex sha256) is "abcdef..."
//
// A path is derived only from a validated key, never from a client-chosen
// name, so no input can reach outside these two folders.
package blobstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/afero"

	"parley/server/core"
)

const (
	tmpDir  = "tmp"
	blobDir = "sha256"
)

// Store is a content-addressed blob store on an afero.Fs. It is safe for
// concurrent use: blobs are immutable once renamed into place, and a key names
// the same bytes whoever wrote them.
type Store struct {
	fs afero.Fs
}

var _ core.Blobs = (*Store)(nil)

// New returns a Store that keeps its blobs in fsys. Folders are created on
// first use. Use afero.NewMemMapFs for tests and ephemeral mode.
func New(fsys afero.Fs) *Store {
	return &Store{fs: fsys}
}

// OpenDir returns a Store on the operating system's file system, rooted at
// dir (created if missing). The base-path file system refuses any path that
// would leave dir.
func OpenDir(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("blobstore: open %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("blobstore: open %s: %w", dir, err)
	}
	return New(afero.NewBasePathFs(afero.NewOsFs(), abs)), nil
}

// Open returns the blob's contents, ready for http.ServeContent, and the time
// it was first stored. An invalid or unknown key is ENOTFOUND.
func (s *Store) Open(ctx context.Context, key string) (core.BlobReader, time.Time, error) {
	if !validKey(key) {
		return nil, time.Time{}, core.Errorf(core.ENOTFOUND, "file not found")
	}
	f, err := s.fs.Open(blobPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, time.Time{}, core.Errorf(core.ENOTFOUND, "file not found")
	} else if err != nil {
		return nil, time.Time{}, fmt.Errorf("blobstore: open: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, time.Time{}, fmt.Errorf("blobstore: open: %w", err)
	}
	return f, fi.ModTime(), nil
}

// Delete removes the blob. An absent blob, or a key that could never name
// one, is not an error: the caller's goal (no such blob) is reached.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !validKey(key) {
		return nil
	}
	if err := s.fs.Remove(blobPath(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobstore: delete: %w", err)
	}
	return nil
}

// Keys calls fn with the key of every stored blob, in no set order. Files in
// the blob folder that are not named by a valid key are skipped (nothing
// this store wrote).
func (s *Store) Keys(ctx context.Context, fn func(key string) error) error {
	err := afero.Walk(s.fs, blobDir, func(path string, fi fs.FileInfo, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if fi.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(blobDir, path)
		if err != nil {
			return nil
		}
		key := filepath.Dir(rel) + filepath.Base(rel)
		if !validKey(key) || blobPath(key) != filepath.Clean(path) {
			return nil
		}
		return fn(key)
	})
	if err != nil {
		return fmt.Errorf("blobstore: keys: %w", err)
	}
	return nil
}

// ClearTemp removes what interrupted uploads left in tmp/. Call it only
// while no upload runs (at start).
func (s *Store) ClearTemp(ctx context.Context) error {
	if err := s.fs.RemoveAll(tmpDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blobstore: clear temp: %w", err)
	}
	return nil
}
