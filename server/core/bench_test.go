package core_test

// Benchmarks of the core's hot paths on the real store: SQLite through the
// db package, both ":memory:" (one connection, as --ephemeral runs) and a
// file database in b.TempDir() (WAL, one writer, a reader pool). The setup is
// small so that CI's "go test -bench . -benchtime=1x ./..." stays quick;
// for figures, run for example
//
//	go test -run '^$' -bench . -benchtime 2s -cpuprofile cpu.prof ./server/core/
//
// and see bench/ for the load generator that drives the whole binary.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"parley/db"
	"parley/server/core"
)

// The bench data: benchUsers users in conversations of four (each user in
// one), benchMessages messages spread over them (56 per conversation, so a
// page of 50 is full); every fifth message has an attachment and every third
// a reaction, so a page carries all the details a history page loads. It is
// small so that CI's -race -benchtime=1x run stays quick.
const (
	benchUsers    = 8
	benchMessages = 112
)

// benchEnv is a service over a store holding the bench data.
type benchEnv struct {
	svc     *core.Service
	callers []*core.Caller // one per user
	convs   []string       // conversation id of each user
}

// stores are the two stores every benchmark runs on; "" is a file in b.TempDir().
var stores = []struct{ name, path string }{{"memory", db.Memory}, {"file", ""}}

// mustOpenBenchEnv opens a store at path (a file in b.TempDir() when empty)
// and loads the bench data.
func mustOpenBenchEnv(tb testing.TB, path string) *benchEnv {
	tb.Helper()
	ctx := context.Background()
	schema, err := os.ReadFile(filepath.Join("..", "..", "schema.sql"))
	if err != nil {
		tb.Fatal(err)
	}
	if path == "" {
		path = filepath.Join(tb.TempDir(), "parley.db")
	}
	store, err := db.Open(ctx, db.Options{Path: path, Schema: string(schema)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	svc := core.NewService(core.Options{Store: store})

	fa := core.FixtureApp{AppInput: core.AppInput{ID: "bench", Name: "Bench", PublicKey: "bench-public", SecretKey: "bench-secret"}}
	// A user and a conversation nobody benchmarks take the keys 1: SQLite
	// (3.54) re-prepares a cached statement when a bound key switches
	// between 0/1 and other values, which a tiny data set would do on
	// almost every call, unlike a real one.
	fa.Users = append(fa.Users, core.FixtureUser{UserInput: core.UserInput{ID: "nobody"}})
	fa.Conversations = append(fa.Conversations, core.ConversationInput{ID: "nowhere", Kind: core.KindGroup, OwnerID: "nobody"})
	env := &benchEnv{svc: svc}
	for i := 0; i < benchUsers; i++ {
		id := fmt.Sprintf("u%02d", i)
		fa.Users = append(fa.Users, core.FixtureUser{UserInput: core.UserInput{ID: id, DisplayName: "User " + id}, Token: "tok-" + id})
		env.convs = append(env.convs, fmt.Sprintf("c%02d", i/4))
	}
	for j := 0; j < benchUsers/4; j++ {
		c := core.ConversationInput{ID: fmt.Sprintf("c%02d", j), Kind: core.KindGroup, OwnerID: fmt.Sprintf("u%02d", 4*j)}
		for t := 0; t < 4; t++ {
			c.Members = append(c.Members, core.MemberInput{UserID: fmt.Sprintf("u%02d", 4*j+t)})
		}
		fa.Conversations = append(fa.Conversations, c)
	}
	for k := 0; k < benchMessages; k++ {
		from := k % benchUsers
		m := core.FixtureMessage{From: fmt.Sprintf("u%02d", from), SendInput: core.SendInput{ID: fmt.Sprintf("m%d", k),
			ConversationID: env.convs[from], Body: fmt.Sprintf("message %d: the quick brown fox jumps over the lazy dog", k)}}
		if k%5 == 0 {
			m.Attachments = []core.Attachment{{Type: "image", Name: "photo.jpg", MimeType: "image/jpeg", URL: "https://files.example.test/photo.jpg",
				Size: 40000, Data: []byte(`{"type":"image","fileUrl":"https://files.example.test/photo.jpg","name":"photo.jpg"}`)}}
		}
		fa.Messages = append(fa.Messages, m)
	}
	if err := svc.LoadFixtures(ctx, svc.StartupCaller(), core.Fixtures{Apps: []core.FixtureApp{fa}}); err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < benchUsers; i++ {
		c, err := svc.Authenticate(ctx, core.Credential{Kind: core.CredToken, Secret: fmt.Sprintf("tok-u%02d", i)})
		if err != nil {
			tb.Fatal(err)
		}
		env.callers = append(env.callers, c)
	}
	for k := 0; k < benchMessages; k += 3 {
		reactor := env.callers[(k+1)%4+4*((k%benchUsers)/4)] // another member of the message's conversation
		if err := svc.AddReaction(ctx, reactor, fmt.Sprintf("m%d", k), "like"); err != nil {
			tb.Fatal(err)
		}
	}
	return env
}

// BenchmarkSendMessage sends one message at a time: each is its own write
// transaction and commit.
func BenchmarkSendMessage(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			env := mustOpenBenchEnv(b, st.path)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				u := i % benchUsers
				if _, _, err := env.svc.SendMessage(ctx, env.callers[u], core.SendInput{ConversationID: env.convs[u], Body: "hello there"}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkSendMessageParallel sends from 16 goroutines per CPU. The store
// commits the writes queued at the same time in one transaction (group
// commit), so msgs/s here should be well above BenchmarkSendMessage's.
func BenchmarkSendMessageParallel(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			env := mustOpenBenchEnv(b, st.path)
			ctx := context.Background()
			var next atomic.Int64
			b.ReportAllocs()
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				u := int(next.Add(1)) % benchUsers
				for pb.Next() {
					if _, _, err := env.svc.SendMessage(ctx, env.callers[u], core.SendInput{ConversationID: env.convs[u], Body: "hello there"}); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkListMessagesPage reads the latest 50 messages of a conversation
// with their owners, reactions and attachments.
func BenchmarkListMessagesPage(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			env := mustOpenBenchEnv(b, st.path)
			ctx := context.Background()
			page, err := env.svc.ListMessages(ctx, env.callers[0], env.convs[0], core.MessageQuery{Page: core.Page{Limit: 50}})
			if err != nil {
				b.Fatal(err)
			}
			checkPage(b, page)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				u := i % benchUsers
				if _, err := env.svc.ListMessages(ctx, env.callers[u], env.convs[u], core.MessageQuery{Page: core.Page{Limit: 50}}); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// checkPage makes sure a page is what the benchmark claims to measure.
func checkPage(tb testing.TB, page core.List[*core.Message]) {
	tb.Helper()
	var owners, reactions, attachments int
	for _, m := range page.Items {
		if m.Owner != nil {
			owners++
		}
		if len(m.Reactions) > 0 {
			reactions++
		}
		if len(m.Attachments) > 0 {
			attachments++
		}
	}
	if len(page.Items) != 50 || owners != 50 || reactions == 0 || attachments == 0 {
		tb.Fatalf("page: %d messages, %d with owner, %d with reactions, %d with attachments; want 50, 50, >0, >0",
			len(page.Items), owners, reactions, attachments)
	}
}

// BenchmarkCountMessagesFiltered counts a conversation's messages of one
// type, owner and attachment type.
func BenchmarkCountMessagesFiltered(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			env := mustOpenBenchEnv(b, st.path)
			ctx := context.Background()
			q := func(u int) core.MessageQuery {
				return core.MessageQuery{Types: []core.MessageType{core.TypeNormal}, OwnerIDs: []string{fmt.Sprintf("u%02d", u)},
					AttachmentTypes: []string{"image"}}
			}
			if n, err := env.svc.CountMessages(ctx, env.callers[0], env.convs[0], q(0)); err != nil || n == 0 {
				b.Fatalf("count: %d, %v; want some", n, err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				u := i % benchUsers
				if _, err := env.svc.CountMessages(ctx, env.callers[u], env.convs[u], q(u)); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkUnreadTotal counts a user's unread messages over all their
// conversations (nothing read yet: every other member's message counts).
func BenchmarkUnreadTotal(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			env := mustOpenBenchEnv(b, st.path)
			ctx := context.Background()
			if n, err := env.svc.UnreadTotal(ctx, env.callers[0]); err != nil || n == 0 {
				b.Fatalf("unread: %d, %v; want some", n, err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := env.svc.UnreadTotal(ctx, env.callers[i%benchUsers]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
