package channelize

import "parley/server/core"

// RenderMessage renders a message in Channelize's wire shape, for the event
// stream's ?dialect=channelize.
func RenderMessage(m *core.Message) any { return toWireMessage(m) }
