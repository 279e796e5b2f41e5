package channelize_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"parley/server/testenv"
)

// TestOfficialSDK drives the official Channelize JS SDK (channelize-chat,
// pinned in sdktest/package-lock.json, server mode) against the real binary
// in ephemeral mode. npm installs the SDK on first run; the SDK's requests
// are redirected to 127.0.0.1 and anything else is refused by the script.
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
	dir := filepath.Join(testenv.RepoRoot(), "server", "dialect", "channelize", "sdktest")
	installSDK(t, npm, dir)

	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "sdk-admin", "--log-level", "warn")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sdk_test.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PARLEY_URL="+p.URL)
	out, err := cmd.CombinedOutput()
	t.Logf("channelize-chat against %s:\n%s", p.URL, out)
	if err != nil {
		t.Fatalf("the SDK run failed: %v", err)
	}
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
