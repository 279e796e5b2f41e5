package channelize_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"parley/server/testenv"
)

// TestOfficialSDK drives the official Channelize JS SDK (channelize-chat,
// pinned in sdktest/package-lock.json, server mode) against the real binary
// in ephemeral mode. npm installs the SDK on first run into a cache folder
// outside the source tree (os.UserCacheDir()/parley-sdk/...), where the
// script runs; the SDK's requests are redirected to 127.0.0.1 and anything
// else is refused by the script. Skipped with -short and when node or npm
// is missing (unless $CI is set, where that is a failure).
func TestOfficialSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the binary and Node.js")
	}
	node, errNode := exec.LookPath("node")
	npm, errNpm := exec.LookPath("npm")
	if errNode != nil || errNpm != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs node and npm for the SDK test: %v %v", errNode, errNpm)
		}
		t.Skip("node and npm are not installed")
	}
	src := filepath.Join(testenv.RepoRoot(), "server", "dialect", "channelize", "sdktest")
	dir := sdkDir(t, src)
	installSDK(t, npm, dir)

	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "sdk-admin", "--log-level", "warn")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sdk_test.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PARLEY_URL="+p.URL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the SDK run failed: %v\nchannelize-chat against %s:\n%s", err, p.URL, out)
	}
}

// sdkDir copies the script and its package files from src into a cache
// folder named by their content, so npm never writes into the source tree
// and a changed pin gets a folder of its own.
func sdkDir(t *testing.T, src string) string {
	t.Helper()
	names := []string{"package.json", "package-lock.json", "sdk_test.js"}
	h := sha256.New()
	files := map[string][]byte{}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "parley-sdk", "channelize-"+hex.EncodeToString(h.Sum(nil))[:12])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// installSDK runs `npm ci` unless the pinned SDK is already installed.
func installSDK(t *testing.T, npm, dir string) {
	t.Helper()
	marker := filepath.Join(dir, "node_modules", ".package-lock.json")
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if installed, err := os.ReadFile(marker); err == nil && sameDeps(installed, lock) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
}

// sameDeps reports whether an installed tree's hidden lockfile still holds
// the channelize-chat version of package-lock.json (a cheap staleness check).
func sameDeps(installed, lock []byte) bool {
	const pin = `"node_modules/channelize-chat": {
      "version": "4.9.1"`
	return bytes.Contains(installed, []byte(pin)) && bytes.Contains(lock, []byte(pin))
}
