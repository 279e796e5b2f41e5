package channelize

import (
	"context"

	"parley/server/core"
	"parley/server/realtime"
)

// RenderMessage renders a message in Channelize's wire shape, for the event
// stream's ?dialect=channelize: the converter of GET
// /v2/conversations/{id}/messages/{id}.
func RenderMessage(_ context.Context, _ realtime.RenderContext, m *core.Message) any {
	return toWireMessage(m)
}
