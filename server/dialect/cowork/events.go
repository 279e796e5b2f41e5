package cowork

import (
	"context"

	"parley/server/core"
	"parley/server/realtime"
)

// RenderMessage renders a message for the event stream's ?dialect=cowork:
// the message object of GET /api/cowork/teams/{t}/channels/{c}/messages/{id},
// its text in Markdown (the GET's default format).
func RenderMessage(_ context.Context, _ realtime.RenderContext, m *core.Message) any {
	return toWireMessage(m, nil)
}
