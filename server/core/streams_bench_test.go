package core_test

import (
	"context"
	"fmt"
	"testing"

	"parley/server/core"
)

// BenchmarkStreamMessages reads an App.net stream page (20 messages, newest
// first, with the conversation and the caller's marker).
func BenchmarkStreamMessages(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			env := mustOpenBenchEnv(b, st.path)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				page, err := env.svc.StreamMessages(ctx, env.callers[0], env.convs[0], core.StreamQuery{Count: 20, IncludeDeleted: true})
				if err != nil || len(page.Messages) != 20 {
					b.Fatalf("%v, %d messages", err, len(page.Messages))
				}
			}
		})
	}
}

// BenchmarkGetMessages looks up 50 messages by id, most of them in the
// caller's conversation and the rest in another (dropped).
func BenchmarkGetMessages(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			env := mustOpenBenchEnv(b, st.path)
			ctx := context.Background()
			ids := make([]string, 50)
			for i := range ids {
				ids[i] = fmt.Sprintf("m%d", i)
			}
			b.ReportAllocs()
			for b.Loop() {
				msgs, err := env.svc.GetMessages(ctx, env.callers[0], ids)
				if err != nil || len(msgs) == 0 {
					b.Fatalf("%v, %d messages", err, len(msgs))
				}
			}
		})
	}
}

// BenchmarkListChannels lists a user's channels with their access lists,
// owners, last messages and unread counts.
func BenchmarkListChannels(b *testing.B) {
	for _, st := range stores {
		b.Run(st.name, func(b *testing.B) {
			env := mustOpenBenchEnv(b, st.path)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				chs, _, err := env.svc.ListChannels(ctx, env.callers[0], core.ChannelQuery{Count: 20})
				if err != nil || len(chs) == 0 {
					b.Fatalf("%v, %d channels", err, len(chs))
				}
			}
		})
	}
}
