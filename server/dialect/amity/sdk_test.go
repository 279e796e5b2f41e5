package amity_test

import (
	"testing"

	"parley/server/testenv"
)

// sdkVersion is the pinned @amityco/ts-sdk (sdktest/package-lock.json).
const sdkVersion = "6.35.3"

// TestOfficialSDK drives Amity's official TypeScript SDK (@amityco/ts-sdk,
// pinned in sdktest/package-lock.json) against the real binary in
// ephemeral mode: login, create a channel, add a member, send, query with
// paging, get, edit, react and unreact, reply in a thread, soft-delete and
// mark read. Every request stays on 127.0.0.1 (see sdktest/sdk_test.js);
// testenv.InstallNodeSDK says where npm installs the SDK, and when the
// test is skipped.
func TestOfficialSDK(t *testing.T) {
	sdk := testenv.InstallNodeSDK(t, "server/dialect/amity/sdktest")
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "sdk-admin", "--log-level", "warn")
	stdout, stderr, err := sdk.Run("sdk_test.js", "PARLEY_URL="+p.URL)
	t.Logf("@amityco/ts-sdk %s against %s:\n%s", sdkVersion, p.URL, stdout)
	if err != nil {
		t.Fatalf("the SDK run failed: %v\n%s", err, stderr)
	}
}
