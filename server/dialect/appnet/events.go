package appnet

import (
	"context"

	"parley/server/core"
	"parley/server/realtime"
)

// eventOptions shape messages on the event stream: as a GET with
// include_html=1 (the default) and include_annotations=1, since a stream
// is a client's only copy of a new message and its files are annotations.
func eventOptions(base string) messageOptions {
	return messageOptions{html: true, annotations: true, base: base}
}

// RenderMessage renders a message for the event stream's ?dialect=appnet:
// the Message object of GET /stream/0/channels/{id}/messages/{id}
// (?include_annotations=1), integer ids, user object and all.
func RenderMessage(_ context.Context, rc realtime.RenderContext, m *core.Message) any {
	return toWireMessage(rc.App, m, eventOptions(rc.BaseURL))
}
