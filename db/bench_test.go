package db_test

import (
	"context"
	"path/filepath"
	"testing"

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
