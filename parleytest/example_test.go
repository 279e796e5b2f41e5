package parleytest_test

import (
	"strings"
	"testing"
	"time"

	"parley/parleytest"
)

// TestExample is the whole use: start, drive the app, wait, fault, journal, reset.
func TestExample(t *testing.T) {
	p := parleytest.Start(t, parleytest.FixtureFile("../testdata/fixtures.json"))
	// The app under test speaks Channelize to p.URL as alice (token base64("alice-token")).
	alice := []string{"Public-Key: demo-public", "Authorization: Bearer YWxpY2UtdG9rZW4="}
	send := `{"conversationId":"general","body":"hello from the app"}`
	p.Do("POST", "/v2/messages/send", send, alice...)
	if m := p.WaitMessage("demo", parleytest.Query{Text: "from the app"}, 5*time.Second); m.From != "alice" || m.Dialect != "channelize" {
		t.Errorf("message: %+v", m)
	}
	p.AddFault("demo", parleytest.Fault{Route: "/v2/messages/send", Status: 503, Times: 1})
	if status, body := p.Do("POST", "/v2/messages/send", send, alice...); status != 503 || !strings.Contains(body, "SERVICE_UNAVAILABLE") {
		t.Errorf("faulted send: %d %s", status, body)
	}
	if j := p.Journal("demo", "faulted=true"); len(j) != 1 || j[0].Route != "/v2/messages/send" {
		t.Errorf("journal: %+v", j)
	}
	p.Reset("demo") // back to the fixtures, for the next test
	if n := len(p.Messages("demo", parleytest.Query{})); n != 3 {
		t.Errorf("after reset: %d messages, want the fixtures' 3", n)
	}
}
