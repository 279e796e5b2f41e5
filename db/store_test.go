package db_test

import (
	"path/filepath"
	"testing"

	"parley/server/core"
	"parley/server/core/storetest"
)

// TestStoreContract runs the core's store contract on both kinds of
// database.
func TestStoreContract(t *testing.T) {
	t.Run("Memory", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, func(t *testing.T) core.Store { return MustOpen(t) })
	})
	t.Run("File", func(t *testing.T) {
		t.Parallel()
		storetest.Run(t, func(t *testing.T) core.Store {
			return MustOpenPath(t, filepath.Join(t.TempDir(), "parley.db"))
		})
	})
}
