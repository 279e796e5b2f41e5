package db_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
)

func searchIDs(tb testing.TB, d *db.DB, f core.SearchFilter) []string {
	tb.Helper()
	var ids []string
	read(tb, d, func(tx core.Tx) error {
		msgs, err := tx.FullTextSearch(f)
		for _, m := range msgs {
			ids = append(ids, m.ID)
		}
		return err
	})
	return ids
}

// TestFullTextIndex: the index follows every write in its transaction:
// insert, edit, recall, a rolled-back write, and deleting the conversation.
func TestFullTextIndex(t *testing.T) {
	t.Parallel()
	d := MustOpen(t)
	f := seed(t, d)
	insert(t, d, f.msg(f.Alice, "a", "Café at the launch pad", 0), f.msg(f.Bob, "b", "lunch at noon", time.Second),
		f.msg(f.Bob, "c", "", 2*time.Second))
	all := func(q ...core.SearchTerm) []string {
		return searchIDs(t, d, core.SearchFilter{AppPK: f.App.PK, Terms: q, ConversationPKs: []int64{f.Conv.PK}})
	}
	word := func(w string) core.SearchTerm { return core.SearchTerm{Text: w} }
	tests := []struct {
		name  string
		terms []core.SearchTerm
		want  string
	}{
		{"Word", []core.SearchTerm{word("launch")}, "a"},
		{"Diacritics", []core.SearchTerm{word("cafe")}, "a"},
		{"CaseFolded", []core.SearchTerm{word("LUNCH")}, "b"},
		{"Prefix", []core.SearchTerm{{Text: "l", Prefix: true}}, "b a"},
		{"Phrase", []core.SearchTerm{word("launch pad")}, "a"},
		{"PhraseOrder", []core.SearchTerm{word("pad launch")}, ""},
		{"Quotes", []core.SearchTerm{word(`"launch" OR "lunch"`)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(all(tt.terms...), " "); got != tt.want {
				t.Fatalf("search = %q, want %q", got, tt.want)
			}
		})
	}
	var b *core.Message
	read(t, d, func(tx core.Tx) (err error) { b, err = tx.MessageByID(f.App.PK, "b"); return err })
	b.Body = "brunch at noon"
	write(t, d, func(tx core.Tx) error { return tx.UpdateMessage(b) })
	if got := all(word("lunch")); got != nil {
		t.Fatalf("old text still found: %v", got)
	}
	if got := all(word("brunch")); len(got) != 1 {
		t.Fatalf("new text not found: %v", got)
	}
	b.Pinned = true // an update that leaves the text alone
	write(t, d, func(tx core.Tx) error { return tx.UpdateMessage(b) })
	b.DeletedAt, b.Body = t0, ""
	write(t, d, func(tx core.Tx) error { return tx.UpdateMessage(b) })
	if got := all(word("brunch")); got != nil {
		t.Fatalf("recalled text still found: %v", got)
	}
	err := d.Write(context.Background(), func(tx core.Tx) error {
		if err := tx.InsertMessage(f.msg(f.Alice, "d", "rollback me", 0)); err != nil {
			return err
		}
		return fmt.Errorf("changed my mind")
	})
	if err == nil || all(word("rollback")) != nil {
		t.Fatalf("a rolled-back message is searchable (err %v)", err)
	}
	write(t, d, func(tx core.Tx) error { return tx.DeleteConversation(f.Conv.PK) })
	if got := searchIDs(t, d, core.SearchFilter{AppPK: f.App.PK, Terms: []core.SearchTerm{word("launch")}, AllConversations: true}); got != nil {
		t.Fatalf("deleted conversation's text still found: %v", got)
	}
	read(t, d, func(tx core.Tx) error {
		// The external-content index must agree with its table.
		_, err := tx.FullTextSearch(core.SearchFilter{AppPK: f.App.PK, Terms: []core.SearchTerm{word("x")}, AllConversations: true})
		return err
	})
}

// BenchmarkSearch searches an app of PARLEY_SEARCH_ROWS messages (5,000
// unless set; 1,000,000 for the figure in the README) in 100
// conversations, as a user who reads 10 of them: a common word, a rare
// word, a prefix and a phrase. Building the table is not timed.
func BenchmarkSearch(b *testing.B) {
	rows := 5_000
	if s := os.Getenv("PARLEY_SEARCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		rows = n
	}
	d := MustOpen(b)
	f := seed(b, d)
	var convs []int64
	write(b, d, func(tx core.Tx) error {
		for i := range 100 {
			c := &core.Conversation{AppPK: f.App.PK, ID: fmt.Sprintf("c%d", i), Kind: core.KindGroup, CreatedAt: t0, UpdatedAt: t0}
			if err := tx.InsertConversation(c); err != nil {
				return err
			}
			if i > 0 && c.PK != convs[i-1]+1 {
				return fmt.Errorf("conversation keys are not consecutive: %d after %d", c.PK, convs[i-1])
			}
			convs = append(convs, c.PK)
		}
		return nil
	})
	db.BulkTextMessages(b, d, f.App.PK, convs[0], len(convs), f.Alice.PK, rows, t0)
	w := func(k int) string { return fmt.Sprintf("w%d", k) }
	queries := map[string][]core.SearchTerm{
		"Common": {{Text: w(0)}},
		"Rare":   {{Text: "needle"}},
		"Prefix": {{Text: "w12", Prefix: true}},
		"Phrase": {{Text: "rare needle"}},
		"Two":    {{Text: w(60)}, {Text: w(90)}},
	}
	for name, terms := range queries {
		b.Run(name, func(b *testing.B) {
			filter := core.SearchFilter{AppPK: f.App.PK, Terms: terms, ConversationPKs: convs[:10], ViewerPK: f.Bob.PK, Limit: 50}
			for b.Loop() {
				read(b, d, func(tx core.Tx) error {
					_, err := tx.FullTextSearch(filter)
					return err
				})
			}
		})
	}
}

// BenchmarkInsertIndexed measures what the full-text index costs a send:
// BenchmarkInsertMessage's write with and without the index's triggers.
func BenchmarkInsertIndexed(b *testing.B) {
	for _, indexed := range []bool{true, false} {
		b.Run(map[bool]string{true: "Indexed", false: "Unindexed"}[indexed], func(b *testing.B) {
			d := MustOpen(b)
			f := seed(b, d)
			if !indexed {
				db.DropSearchIndex(b, d)
			}
			ctx := context.Background()
			for b.Loop() {
				m := benchMessage(f)
				if err := d.Write(ctx, func(tx core.Tx) error { return tx.InsertMessage(m) }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
