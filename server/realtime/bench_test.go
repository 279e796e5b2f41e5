package realtime_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"parley/server/core"
	"parley/server/testenv"
)

// BenchmarkStreamFanout sends messages through the core to one conversation
// of many members, each with a WebSocket stream open, and waits for every
// stream to receive each message. ns/op is one message's send-to-last-
// receipt; p50-ms and p99-ms are over every (message, stream) receipt.
func BenchmarkStreamFanout(b *testing.B) {
	const members = 200
	ctx := context.Background()
	env := testenv.New(b, testenv.WithFixtures(""))
	app := core.FixtureApp{AppInput: core.AppInput{ID: "bench", Name: "Bench", PublicKey: "bench-public", SecretKey: "bench-secret"}}
	conv := core.ConversationInput{ID: "room", OwnerID: "u0"}
	for i := range members {
		id := fmt.Sprint("u", i)
		app.Users = append(app.Users, core.FixtureUser{UserInput: core.UserInput{ID: id}, Token: "tok-" + id})
		conv.Members = append(conv.Members, core.MemberInput{UserID: id})
	}
	app.Conversations = []core.ConversationInput{conv}
	if err := env.Service.LoadFixtures(ctx, env.Service.StartupCaller(), core.Fixtures{Apps: []core.FixtureApp{app}}); err != nil {
		b.Fatal(err)
	}
	sender, err := env.Service.Authenticate(ctx, core.Credential{Kind: core.CredToken, Secret: "tok-u0"})
	if err != nil {
		b.Fatal(err)
	}
	type receipt struct {
		id string
		at time.Time
	}
	receipts := make(chan receipt, members*16)
	ws := "ws" + strings.TrimPrefix(env.URL, "http") + "/events?types=message.created&access_token=tok-u"
	for i := range members {
		c, _, err := websocket.Dial(ctx, ws+fmt.Sprint(i), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.CloseNow()
		go func() {
			for {
				_, data, err := c.Read(ctx)
				if err != nil {
					return
				}
				at := time.Now()
				// {"id":N,"type":"message.created",...,"data":{...,"message":{"id":"bN",...
				_, rest, _ := strings.Cut(string(data), `"message":{"id":"`)
				id, _, _ := strings.Cut(rest, `"`)
				receipts <- receipt{id, at}
			}
		}()
	}
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		id := fmt.Sprint("b", i)
		sent := time.Now()
		if _, _, err := env.Service.SendMessage(ctx, sender, core.SendInput{ID: id, ConversationID: "room", Body: "hi"}); err != nil {
			b.Fatal(err)
		}
		for range members {
			select {
			case r := <-receipts:
				if r.id != id {
					b.Fatalf("received %q while waiting for %q", r.id, id)
				}
				lat = append(lat, r.at.Sub(sent))
			case <-time.After(10 * time.Second):
				b.Fatal("a stream received nothing")
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/1e6, "p50-ms")
	b.ReportMetric(float64(lat[(len(lat)-1)*99/100])/1e6, "p99-ms")
}
