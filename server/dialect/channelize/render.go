package channelize

import "parley/server/core"

// RenderMessage is a message as Channelize's API answers it (the same
// converter the handlers use), for Parley's inspector.
func RenderMessage(_ *core.App, m *core.Message) any { return toWireMessage(m) }
