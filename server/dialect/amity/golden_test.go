package amity_test

import (
	"testing"

	"parley/server/testenv"
)

// TestGolden runs the wire cases of testdata/amity against a fresh instance
// each; -update rewrites their responses.
func TestGolden(t *testing.T) { testenv.RunGolden(t, "testdata/amity") }
