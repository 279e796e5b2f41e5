package blobstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/afero"
)

// Size returns the bytes of every stored blob (uploads in progress left
// out). It walks the store: callers asking often should keep the answer a
// while.
func (s *Store) Size() (int64, error) {
	var total int64
	err := afero.Walk(s.fs, blobDir, func(_ string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			total += fi.Size()
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil // nothing stored yet
	}
	if err != nil {
		return 0, fmt.Errorf("blobstore: size: %w", err)
	}
	return total, nil
}
