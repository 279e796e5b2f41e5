package core_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"parley/server/core"
	"parley/server/testenv"
)

// FuzzSendInput holds the core's message validation to its promise for
// any input: an accepted send stores exactly what was sent (and only valid
// UTF-8 within the limits); a refused one is a client error, never an
// internal one, and writes nothing.
func FuzzSendInput(f *testing.F) {
	for _, s := range []struct{ id, conv, body, customType, meta string }{
		{"", "general", "hello", "", ""},
		{"c-1", "general", "hi", "text", `{"a":1}`},
		{"a/b", "general", "x", "", ""},
		{"#1", "general", "x", "", ""},
		{"", "general", "\xff\xfe", "", ""},
		{"", "general", "", "", ""},
		{"", "nowhere", "x", "", ""},
		{"", "lobby", "x", "\x00", ""},
		{"x\u200by", "general", "x", "", "not json"},
		{"m1", "general", "squat", "", ""},
		{"", "general", strings.Repeat("é", 5000), "", ""},
		{strings.Repeat("i", 300), "general", "x", "", ""},
	} {
		f.Add(s.id, s.conv, s.body, s.customType, []byte(s.meta))
	}
	env := testenv.New(f)
	alice := env.Caller("demo", "alice")
	f.Fuzz(func(t *testing.T, id, conv, body, customType string, meta []byte) {
		before, err := env.Service.CountMessages(ctx, alice, "general", core.MessageQuery{})
		if err != nil {
			t.Fatal(err)
		}
		m, created, err := env.Service.SendMessage(ctx, alice, core.SendInput{ID: id, ConversationID: conv, Body: body, CustomType: customType, Metadata: meta})
		if err != nil {
			switch core.ErrorCode(err) {
			case core.EINTERNAL, "":
				t.Fatalf("send %q %q %q: internal error %v", id, conv, body, err)
			}
			if after, _ := env.Service.CountMessages(ctx, alice, "general", core.MessageQuery{}); after != before {
				t.Fatalf("refused send %q changed general: %d -> %d messages", id, before, after)
			}
			return
		}
		if !utf8.ValidString(body) || !utf8.ValidString(id) || !utf8.ValidString(customType) {
			t.Fatalf("accepted invalid UTF-8: id %q body %q type %q", id, body, customType)
		}
		if !created {
			return // an existing id of alice's: the resend answers the original
		}
		got, err := env.Service.GetMessage(ctx, alice, m.ID)
		if err != nil {
			t.Fatalf("sent %q then: %v", m.ID, err)
		}
		if got.Body != body || id != "" && got.ID != id {
			t.Fatalf("sent id %q body %q, stored id %q body %q", id, body, got.ID, got.Body)
		}
	})
}

// FuzzIDs: a client-chosen id is accepted only when valid (UTF-8, no
// slash, space or control character, not a key reference) and then
// reads back as itself.
func FuzzIDs(f *testing.F) {
	for _, id := range []string{"bob2", "a/b", "a b", "\x00", "\xff", "#12", "ü", "x\u2028y", "..", strings.Repeat("z", 200), "alice"} {
		f.Add(id)
	}
	env := testenv.New(f)
	app := env.Caller("demo", "")
	f.Fuzz(func(t *testing.T, id string) {
		u, err := env.Service.CreateUser(ctx, app, core.UserInput{ID: id, Username: id})
		if err != nil {
			if code := core.ErrorCode(err); code != core.EINVALID && code != core.ECONFLICT {
				t.Fatalf("id %q: %v (code %q)", id, err, code)
			}
			return
		}
		if !utf8.ValidString(id) || strings.HasPrefix(id, "#") {
			t.Fatalf("accepted id %q", id)
		}
		for _, r := range id {
			if r == '/' || unicode.IsSpace(r) || unicode.IsControl(r) {
				t.Fatalf("accepted id %q with %q", id, r)
			}
		}
		got, err := env.Service.GetUser(ctx, app, u.ID)
		if err != nil || got.ID != u.ID || id != "" && u.ID != id {
			t.Fatalf("created %q, read back %+v, %v", id, got, err)
		}
	})
}
