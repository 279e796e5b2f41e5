package channelize_test

import (
	"testing"

	"parley/server/testenv"
)

// TestOfficialSDK drives the official Channelize JS SDK (channelize-chat,
// pinned in sdktest/package-lock.json, server mode) against the real binary
// in ephemeral mode; the SDK's requests are redirected to 127.0.0.1 and
// anything else is refused by the script. testenv.InstallNodeSDK says where
// npm installs it, and when the test is skipped.
func TestOfficialSDK(t *testing.T) {
	sdk := testenv.InstallNodeSDK(t, "server/dialect/channelize/sdktest")
	p := testenv.StartBinary(t, "--ephemeral", "--addr", "127.0.0.1:0", "--fixtures", "testdata/fixtures.json",
		"--admin-token", "sdk-admin", "--log-level", "warn")
	stdout, stderr, err := sdk.Run("sdk_test.js", "PARLEY_URL="+p.URL)
	if err != nil {
		t.Fatalf("the SDK run failed: %v\nchannelize-chat against %s:\n%s%s", err, p.URL, stdout, stderr)
	}
}
