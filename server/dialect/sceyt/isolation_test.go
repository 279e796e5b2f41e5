package sceyt_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestAppIsolation: one app's key never reaches another app's channels,
// messages, users or files, whether it names the other app in the path or
// the other app's ids under its own.
func TestAppIsolation(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	if _, _, err := env.Service.CreateApp(ctx, env.Service.StartupCaller(), core.AppInput{ID: "other", Name: "Other", SecretKey: "other-secret"}); err != nil {
		t.Fatal(err)
	}
	app := env.Caller("other", "")
	if _, err := env.Service.CreateUser(ctx, app, core.UserInput{ID: "olga", Username: "olga"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := env.Service.CreateConversation(ctx, app, core.ConversationInput{ID: "vault", Kind: core.KindPublic, OwnerID: "olga"}); err != nil {
		t.Fatal(err)
	}
	olga := env.Caller("other", "olga")
	m, _, err := env.Service.SendMessage(ctx, olga, core.SendInput{ID: "hidden-msg", ConversationID: "vault", Body: "top secret"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := env.Service.UploadFile(ctx, olga, core.UploadInput{ID: "hidden-file", Name: "plans.txt", Body: strings.NewReader("plans")})
	if err != nil {
		t.Fatal(err)
	}
	demoKey, otherKey := "Authorization: Bearer demo-secret", "Authorization: Bearer other-secret"
	tests := []struct {
		name, method, path, body, key string
		want                          int
	}{
		// The demo key naming the other app: 401, whatever the route.
		{"KeyOtherApp/Channel", "GET", "/v1/other/channels/vault", "", demoKey, 401},
		{"KeyOtherApp/Messages", "GET", "/v1/other/channels/vault/messages", "", demoKey, 401},
		{"KeyOtherApp/Send", "POST", "/v1/other/channels/vault/messages", `{"from": "olga", "body": "x"}`, demoKey, 401},
		{"KeyOtherApp/File", "GET", "/v1/other/files/hidden-file", "", demoKey, 401},
		{"KeyOtherApp/DeleteFile", "DELETE", "/v1/other/files/hidden-file", "", demoKey, 401},
		{"KeyOtherApp/User", "GET", "/v1/other/users/olga", "", demoKey, 401},
		{"KeyOtherApp/DeleteChannel", "DELETE", "/v1/other/channels/vault", "", demoKey, 401},
		// The other app's ids under the demo app: not found.
		{"OwnApp/Channel", "GET", "/v1/demo/channels/vault", "", demoKey, 404},
		{"OwnApp/Messages", "GET", "/v1/demo/channels/vault/messages", "", demoKey, 404},
		{"OwnApp/Message", "GET", "/v1/demo/channels/vault/messages/hidden-msg", "", demoKey, 404},
		{"OwnApp/Edit", "PUT", "/v1/demo/channels/general/messages/hidden-msg", `{"from": "alice", "body": "x"}`, demoKey, 404},
		{"OwnApp/DeleteMessage", "DELETE", "/v1/demo/channels/vault/messages/hidden-msg?from=alice", "", demoKey, 404},
		{"OwnApp/DeleteAttachments", "DELETE", "/v1/demo/messages/hidden-msg/attachments?from=alice", "", demoKey, 404},
		{"OwnApp/File", "GET", "/v1/demo/files/hidden-file", "", demoKey, 404},
		{"OwnApp/DeleteFile", "DELETE", "/v1/demo/files/hidden-file", "", demoKey, 404},
		{"OwnApp/ActAsOtherUser", "POST", "/v1/demo/channels/general/messages", `{"from": "olga", "body": "x"}`, demoKey, 400},
		{"OwnApp/AttachOtherFile", "POST", "/v1/demo/channels/general/messages",
			`{"from": "alice", "attachments": [{"type": "file", "file_id": "hidden-file"}]}`, demoKey, 400},
		{"OwnApp/AddOtherUser", "POST", "/v1/demo/channels/general/users", `{"members": ["olga"]}`, demoKey, 400},
		// And the other way round.
		{"OtherKey/DemoChannel", "GET", "/v1/demo/channels/general/messages", "", otherKey, 401},
		{"OtherKey/OwnAppDemoID", "GET", "/v1/other/channels/general/messages", "", otherKey, 404},
		// The owner still sees its own.
		{"OtherKey/Own", "GET", "/v1/other/channels/vault/messages", "", otherKey, 200},
		{"OtherKey/OwnFile", "GET", "/v1/other/files/hidden-file", "", otherKey, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := env.Do(tt.method, tt.path, tt.body, tt.key)
			if resp.StatusCode != tt.want {
				t.Errorf("%s %s: %d %s, want %d", tt.method, tt.path, resp.StatusCode, body, tt.want)
			}
			if tt.want != http.StatusOK && (strings.Contains(string(body), "top secret") || strings.Contains(string(body), "plans")) {
				t.Errorf("%s %s leaked: %s", tt.method, tt.path, body)
			}
		})
	}
	// Nothing changed over there.
	got, err := env.Service.GetMessage(ctx, olga, m.ID)
	if err != nil || got.Body != "top secret" || got.Deleted() {
		t.Errorf("other app's message: %+v, %v", got, err)
	}
	if _, err := env.Service.GetFile(ctx, olga, f.ID); err != nil {
		t.Errorf("other app's file: %v", err)
	}
}
