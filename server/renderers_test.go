package server_test

import (
	"context"
	"testing"

	"parley/server"
	"parley/server/core"
	"parley/server/realtime"
	"parley/server/testenv"
)

// TestEveryDialectRendersMessages: GET /events?dialect=NAME and the
// inspector's wire view work for every dialect in the table.
func TestEveryDialectRendersMessages(t *testing.T) {
	for _, d := range server.Dialects() {
		if d.RenderMessage == nil {
			t.Errorf("%s has no RenderMessage: ?dialect=%s would be refused", d.Name, d.Name)
		}
	}
}

// BenchmarkRenderMessage is the cost of one event's envelope in each
// dialect's shape: what a stream of that dialect pays once per event (per
// viewer for a per-viewer renderer).
func BenchmarkRenderMessage(b *testing.B) {
	env := testenv.New(b)
	c := env.Caller("demo", "bob")
	m, err := env.Service.GetMessage(context.Background(), c, "m2")
	if err != nil {
		b.Fatal(err)
	}
	e := core.Event{Type: core.EventMessageCreated, AppID: "demo", App: c.App(), ConversationID: "general", Message: m}
	rc := realtime.RenderContext{App: c.App(), BaseURL: "http://parley.test", Viewer: c.User()}
	for _, d := range server.Dialects() {
		b.Run(d.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := realtime.MarshalEnvelope(1, &e, func(m *core.Message) any { return d.RenderMessage(b.Context(), rc, m) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
