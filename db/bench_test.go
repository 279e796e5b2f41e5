package db_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

// benchStores runs a benchmark on an in-memory and a file database.
func benchStores(b *testing.B, run func(b *testing.B, d *db.DB)) {
	b.Run("Memory", func(b *testing.B) { run(b, MustOpen(b)) })
	b.Run("File", func(b *testing.B) { run(b, MustOpenPath(b, filepath.Join(b.TempDir(), "parley.db"))) })
}

// benchMessage is a typical message: text, one attachment, one mention.
func benchMessage(f *fixture) *core.Message {
	m := f.msg(f.Alice, "", "hello @bob, look at this", 0)
	m.Attachments = []core.Attachment{{Type: "image", Name: "cat.png", MimeType: "image/png", URL: "http://x/cat.png",
		Size: 1234, Data: []byte(`{"type":"image","name":"cat.png","url":"http://x/cat.png","extra":1}`)}}
	m.Mentions = []core.Mention{{UserPK: f.Bob.PK, Order: 0, WordCount: 1}}
	return m
}

// BenchmarkInsertMessage measures one Write that inserts one message (and
// touches its conversation), one after the other.
func BenchmarkInsertMessage(b *testing.B) {
	benchStores(b, func(b *testing.B, d *db.DB) {
		f := seed(b, d)
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			m := benchMessage(f)
			if err := d.Write(ctx, func(tx core.Tx) error {
				if err := tx.InsertMessage(m); err != nil {
					return err
				}
				return tx.TouchConversation(m.ConversationPK, m.CreatedAt, m.PK)
			}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkInsertMessageParallel is BenchmarkInsertMessage from many
// goroutines at once: the group commit shares one transaction (and, on a
// file, one WAL write) among the writes queued together.
func BenchmarkInsertMessageParallel(b *testing.B) {
	benchStores(b, func(b *testing.B, d *db.DB) {
		f := seed(b, d)
		ctx := context.Background()
		b.ReportAllocs()
		b.SetParallelism(16)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m := benchMessage(f)
				if err := d.Write(ctx, func(tx core.Tx) error {
					if err := tx.InsertMessage(m); err != nil {
						return err
					}
					return tx.TouchConversation(m.ConversationPK, m.CreatedAt, m.PK)
				}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// BenchmarkListMessages reads a page of 50 messages, each with its owner,
// an attachment, a mention and reactions, from a conversation of 2,000.
func BenchmarkListMessages(b *testing.B) {
	benchStores(b, func(b *testing.B, d *db.DB) {
		f := seed(b, d)
		write(b, d, func(tx core.Tx) error {
			for i := range 2000 {
				m := benchMessage(f)
				if i%2 == 0 {
					m.OwnerPK = f.Bob.PK
				}
				if err := tx.InsertMessage(m); err != nil {
					return err
				}
				for _, u := range []*core.User{f.Alice, f.Bob, f.Carol} {
					if _, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: u.PK, Name: "like", CreatedAt: t0}); err != nil {
						return err
					}
				}
				if _, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: f.Bob.PK, Name: "wow", CreatedAt: t0}); err != nil {
					return err
				}
			}
			return nil
		})
		ctx := context.Background()
		filter := core.MessageFilter{AppPK: f.App.PK, ConversationPK: f.Conv.PK, ViewerPK: f.Carol.PK, BeforePK: 1500, Limit: 50}
		b.ReportAllocs()
		for b.Loop() {
			err := d.Read(ctx, func(tx core.Tx) error {
				ms, err := tx.ListMessages(filter)
				if err == nil && (len(ms) != 50 || len(ms[0].Reactions) != 2 || ms[0].Owner == nil || len(ms[0].Attachments) != 1) {
					b.Fatalf("page = %d messages, first %+v", len(ms), ms[0])
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// million adds the million-message size to BenchmarkReadState: its setup
// takes several seconds (much longer under -race), too long for CI's
// "go test -race -bench . -benchtime=1x ./...".
var million = flag.Bool("million", false, "BenchmarkReadState: also with 1,000,000 messages")

// BenchmarkReadState marks a conversation read up to a time and counts a
// member's unread messages, with a thousand and ten thousand (with
// -million, a million instead) messages in the conversation, all unread by
// the counting member: both cost the same at every size (read positions
// seek an index; counts stop at core.UnreadCap). The rows are inserted by
// one statement. For figures:
//
//	go test ./db -run '^$' -bench ReadState -benchtime 200x -million
func BenchmarkReadState(b *testing.B) {
	sizes := []int{1_000, 10_000}
	if *million {
		sizes[1] = 1_000_000
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("Messages=%d", n), func(b *testing.B) {
			d := MustOpen(b)
			f := seed(b, d)
			db.BulkMessages(b, d, f.App.PK, f.Conv.PK, f.Bob.PK, n, t0)
			ctx := context.Background()
			middle := t0.Add(time.Duration(n/2) * time.Millisecond)
			b.Run("MarkRead", func(b *testing.B) {
				for b.Loop() {
					if err := d.Write(ctx, func(tx core.Tx) error {
						pk, err := tx.LatestMessagePK(f.Conv.PK, middle)
						if err != nil {
							return err
						}
						return tx.SetReadPosition(f.Conv.PK, f.Alice.PK, pk, middle)
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("Unread", func(b *testing.B) {
				for b.Loop() {
					if err := d.Read(ctx, func(tx core.Tx) error {
						if _, err := tx.UnreadCount(f.Conv.PK, f.Carol.PK); err != nil {
							return err
						}
						if _, err := tx.UnreadCounts(f.Carol.PK, []int64{f.Conv.PK}); err != nil {
							return err
						}
						_, err := tx.UnreadTotal(f.Carol.PK)
						return err
					}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
