package server_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"parley/server/testenv"
)

// BenchmarkSend compares Channelize sends with the journal off and on
// (1000 entries per app, bodies kept): the journal must cost under 5% of
// send throughput.
func BenchmarkSend(b *testing.B) {
	for _, bc := range []struct {
		name    string
		journal int
	}{{"JournalOff", 0}, {"JournalOn", 1000}} {
		b.Run(bc.name, func(b *testing.B) {
			env := testenv.New(b, testenv.WithJournal(bc.journal))
			h := env.Server.Config.Handler
			auth := asUser("alice")
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				{
					req := httptest.NewRequest("POST", "/v2/messages/send", strings.NewReader(`{"conversationId":"general","body":"benchmark message"}`))
					for _, hdr := range auth {
						name, value, _ := strings.Cut(hdr, ": ")
						req.Header.Set(name, value)
					}
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != 201 {
						b.Fatalf("send: %d %s", rec.Code, rec.Body)
					}
				}
			}
		})
	}
}
