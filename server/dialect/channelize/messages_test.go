package channelize_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"parley/server/core"
	"parley/server/dialect/channelize"
	"parley/server/testenv"
)

// countingStore counts the store lookups a request makes, so that a test
// can tell whether a page costs work per message.
type countingStore struct {
	core.Store
	calls atomic.Int64
}

// Credentials hands on the store's credential cache.
func (s *countingStore) Credentials() *core.CredentialCache {
	return s.Store.(core.CredentialKeeper).Credentials()
}

func (s *countingStore) Read(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.Read(ctx, func(tx core.Tx) error { return fn(&countingTx{tx, &s.calls}) })
}

func (s *countingStore) Write(ctx context.Context, fn func(core.Tx) error) error {
	return s.Store.Write(ctx, func(tx core.Tx) error { return fn(&countingTx{tx, &s.calls}) })
}

// countingTx counts every lookup that could be made once per message.
type countingTx struct {
	core.Tx
	n *atomic.Int64
}

func (t *countingTx) AppByPublicKey(key string) (*core.App, error) {
	t.n.Add(1)
	return t.Tx.AppByPublicKey(key)
}

func (t *countingTx) TokenByHash(hash string) (*core.Token, error) {
	t.n.Add(1)
	return t.Tx.TokenByHash(hash)
}

func (t *countingTx) AppByPK(pk int64) (*core.App, error) { t.n.Add(1); return t.Tx.AppByPK(pk) }
func (t *countingTx) UserByPK(app, pk int64) (*core.User, error) {
	t.n.Add(1)
	return t.Tx.UserByPK(app, pk)
}

func (t *countingTx) UserByID(app int64, id string) (*core.User, error) {
	t.n.Add(1)
	return t.Tx.UserByID(app, id)
}

func (t *countingTx) UsersByIDs(app int64, ids []string) ([]*core.User, error) {
	t.n.Add(1)
	return t.Tx.UsersByIDs(app, ids)
}

func (t *countingTx) ConversationByID(app int64, id string) (*core.Conversation, error) {
	t.n.Add(1)
	return t.Tx.ConversationByID(app, id)
}

func (t *countingTx) ConversationByPK(app, pk int64) (*core.Conversation, error) {
	t.n.Add(1)
	return t.Tx.ConversationByPK(app, pk)
}

func (t *countingTx) Member(conv, user int64) (*core.Member, error) {
	t.n.Add(1)
	return t.Tx.Member(conv, user)
}

func (t *countingTx) MessageByID(app int64, id string) (*core.Message, error) {
	t.n.Add(1)
	return t.Tx.MessageByID(app, id)
}

func (t *countingTx) MessageByPK(app, pk int64) (*core.Message, error) {
	t.n.Add(1)
	return t.Tx.MessageByPK(app, pk)
}

func (t *countingTx) MessagesByIDs(app int64, ids []string) ([]*core.Message, error) {
	t.n.Add(1)
	return t.Tx.MessagesByIDs(app, ids)
}

func (t *countingTx) ListMessages(f core.MessageFilter) ([]*core.Message, error) {
	t.n.Add(1)
	return t.Tx.ListMessages(f)
}

func (t *countingTx) IsHidden(message, user int64) (bool, error) {
	t.n.Add(1)
	return t.Tx.IsHidden(message, user)
}

func (t *countingTx) ListReactionUsers(message int64, name string, p core.Page) ([]*core.User, error) {
	t.n.Add(1)
	return t.Tx.ListReactionUsers(message, name, p)
}

// TestMessagePageCost checks that a page of 50 rich messages (attachments,
// mentions, reactions, replies) costs the same store lookups as a page of
// one: no work per message in the dialect or the core. (The SQL inside
// Tx.ListMessages is the db package's to bound; its own tests trace it.)
func TestMessagePageCost(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	ctx := context.Background()
	alice, bob := env.Caller("demo", "alice"), env.Caller("demo", "bob")
	for i := range 60 {
		in := core.SendInput{ConversationID: "general", Body: fmt.Sprintf("message %d", i),
			Mentions:    []core.Mention{{UserID: "bob", Order: 1, WordCount: 1}, {UserID: "carol", Order: 2, WordCount: 1}},
			Attachments: []core.Attachment{{Type: "image", Data: []byte(`{"type":"image","fileUrl":"https://x.test/a.jpg"}`)}}}
		if i%10 == 0 {
			in.ParentID = "m1"
		}
		m, _, err := env.Service.SendMessage(ctx, alice, in)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.Service.AddReaction(ctx, bob, m.ID, "like"); err != nil {
			t.Fatal(err)
		}
	}

	store := &countingStore{Store: env.DB}
	srv := httptest.NewServer(channelize.New(core.NewService(core.Options{Store: store, Now: env.Clock.Now})))
	t.Cleanup(srv.Close)
	page := func(limit int) (n int64, messages int) {
		t.Helper()
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/v2/conversations/general/messages?limit=%d", srv.URL, limit), nil)
		req.Header.Set("Public-Key", "demo-public")
		req.Header.Set("Authorization", "Bearer Y2Fyb2wtdG9rZW4=") // carol
		before := store.calls.Load()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var list []map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != 200 {
			t.Fatalf("status %d: %v", resp.StatusCode, err)
		}
		return store.calls.Load() - before, len(list)
	}
	page(1) // the first request also proves who carol is; later ones find her in the auth cache
	one, n1 := page(1)
	fifty, n50 := page(50)
	if n1 != 1 || n50 != 50 {
		t.Fatalf("pages hold %d and %d messages, want 1 and 50", n1, n50)
	}
	if fifty != one {
		t.Errorf("a page of 50 costs %d store lookups, a page of 1 costs %d: work per message", fifty, one)
	}
	t.Logf("store lookups per page: %d", one)
}

// TestBodyTooLarge: a body past the server's limit is a JSON 413.
func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	body := `{"conversationId":"general","body":"` + strings.Repeat("x", 9<<20) + `"}`
	resp, data := env.Do("POST", "/v2/messages/send", body, "Public-Key: demo-public", "Authorization: Bearer YWxpY2UtdG9rZW4=")
	var e struct {
		Error struct {
			StatusCode int    `json:"statusCode"`
			Code       string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(data, &e); err != nil || resp.StatusCode != 413 || e.Error.StatusCode != 413 || e.Error.Code != "PAYLOAD_TOO_LARGE" {
		t.Errorf("got %d %s (%v), want a 413 PAYLOAD_TOO_LARGE error", resp.StatusCode, data, err)
	}
}

// TestMountedAtV2: the server mounts the dialect at /v2/.
func TestMountedAtV2(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	resp, data := env.Do("GET", "/v2/users/alice", "", "Public-Key: demo-public", "Authorization: Basic ZGVtby1zZWNyZXQ=")
	if resp.StatusCode != 200 || !strings.Contains(string(data), `"id":"alice"`) {
		t.Errorf("got %d %s", resp.StatusCode, data)
	}
}

// TestPagesFollowChanges: history pages reuse encoded messages, yet every
// change shows at once (a changed message is a new message to the encoder).
func TestPagesFollowChanges(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	const bob = "Authorization: Bearer Ym9iLXRva2Vu"
	page := func() string {
		t.Helper()
		resp, body := env.Do("GET", "/v2/conversations/general/messages", "", "Public-Key: demo-public", bob)
		if resp.StatusCode != 200 {
			t.Fatalf("page: %d %s", resp.StatusCode, body)
		}
		return string(body)
	}
	before := page()
	if page() != before {
		t.Fatal("two reads of an unchanged page differ")
	}
	if resp, body := env.Do("POST", "/v2/messages/m1/add_reaction", `{"type":"wow"}`, "Public-Key: demo-public", bob); resp.StatusCode != 204 {
		t.Fatalf("react: %d %s", resp.StatusCode, body)
	}
	if after := page(); !strings.Contains(after, `"wow":["bob"]`) {
		t.Fatalf("the page does not show the new reaction: %s", after)
	}
}
