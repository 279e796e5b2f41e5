package amity

import (
	"context"

	"parley/server/core"
	"parley/server/realtime"
)

// RenderMessage renders a message for the event stream's ?dialect=amity:
// the v5 message payload ({messages, messageFeeds, users, files}) that GET
// /api/v5/messages/{id} answers and Amity's realtime events carry, with
// myReactions as the stream's user sees them.
func RenderMessage(_ context.Context, rc realtime.RenderContext, m *core.Message) any {
	return messagesV5Of(rc.App, rc.Viewer, m)
}
