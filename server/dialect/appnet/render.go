package appnet

import "parley/server/core"

// RenderMessage is a message as App.net's API answers it by default (with
// html and annotations; file URLs relative, since there is no request), by
// the converter the handlers use, for Parley's inspector.
func RenderMessage(app *core.App, m *core.Message) any {
	return toWireMessage(app, m, messageOptions{html: true, annotations: true})
}
