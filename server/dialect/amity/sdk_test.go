package amity_test

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

// sdkVersion is the pinned @amityco/ts-sdk (sdktest/package-lock.json).
const sdkVersion = "6.35.3"

// TestOfficialSDK drives Amity's official TypeScript SDK (@amityco/ts-sdk,
// pinned in sdktest/package-lock.json) against the real binary in
// ephemeral mode: login, create a channel, add a member, send, query with
// paging, get, edit, react and unreact, reply in a thread, soft-delete and
// mark read. npm installs the SDK on first run into a cache folder outside
// the source tree; every request stays on 127.0.0.1 (see sdktest/sdk_test.js).
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
		t.Skip("node and npm are not installed, so Amity's SDK does not run")
	}
	src := filepath.Join(testenv.RepoRoot(), "server", "dialect", "amity", "sdktest")
	modules := installAmitySDK(t, npm, src)

	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "sdk-admin", "--log-level", "warn")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sdk_test.js")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "PARLEY_URL="+p.URL, "NODE_PATH="+modules)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	t.Logf("@amityco/ts-sdk %s against %s:\n%s", sdkVersion, p.URL, stdout.String())
	if err != nil {
		t.Fatalf("the SDK run failed: %v\n%s", err, stderr.String())
	}
}

// installAmitySDK runs `npm ci` in a cache folder (outside the source tree)
// unless the pinned SDK is installed there already, and returns its
// node_modules.
func installAmitySDK(t *testing.T, npm, src string) string {
	t.Helper()
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "parley", "amity-ts-sdk-"+sdkVersion)
	modules := filepath.Join(dir, "node_modules")
	lock, err := os.ReadFile(filepath.Join(src, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if installed, err := os.ReadFile(filepath.Join(modules, ".package-lock.json")); err == nil && sameSDK(installed, lock) {
		return modules
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, f), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
	return modules
}

// sameSDK reports whether an installed tree's hidden lockfile holds the
// pinned SDK of package-lock.json.
func sameSDK(installed, lock []byte) bool {
	pin := []byte(`"node_modules/@amityco/ts-sdk": {
      "version": "` + sdkVersion + `"`)
	return bytes.Contains(installed, pin) && bytes.Contains(lock, pin)
}
