package server_test

import (
	"testing"

	"parley/server"
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
