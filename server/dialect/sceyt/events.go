package sceyt

import (
	"context"

	"parley/server/core"
	"parley/server/realtime"
)

// RenderMessage renders a message for the event stream's ?dialect=sceyt:
// the message object of GET /v1/{app}/channels/{id}/messages/{id}, its
// file links on the host the stream was opened at.
func RenderMessage(_ context.Context, rc realtime.RenderContext, m *core.Message) any {
	return (&encoder{base: rc.BaseURL, appID: rc.App.ID}).message(m)
}
