package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"parley/db"
	"parley/server/core"
	"parley/server/testenv"
)

// TestDurabilityKill9 is the reliability suite's durability case: the real
// binary on a file database takes concurrent sends with client ids, is
// killed with SIGKILL mid-load, twice, and restarted. Every message it
// acknowledged is there exactly once, a resend of an acknowledged id
// returns it (200, not a second copy), and the database passes SQLite's
// integrity check. Bounded: at most a few hundred sends per round.
func TestDurabilityKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary three times")
	}
	dir := t.TempDir()
	args := []string{"--data", dir, "--addr", "127.0.0.1:0", "--admin-token", "durable-admin"}
	acked := map[string]bool{}
	const rounds, senders, perSender = 2, 8, 40
	for round := 0; round < rounds; round++ {
		a := args
		if round == 0 {
			a = append(a, "--fixtures", "testdata/fixtures.json")
		}
		p := testenv.StartBinary(t, a...)
		var mu sync.Mutex
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for s := 0; s < senders; s++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perSender; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("r%d-s%d-%d", round, s, i)
					if status := sendAs(p.URL, "alice-token", id, "durable "+id); status == http.StatusCreated || status == http.StatusOK {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
					}
				}
			}()
		}
		// Kill once some sends are acknowledged and others are in flight.
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			n := len(acked)
			mu.Unlock()
			if n >= (round+1)*senders*perSender/3 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = p.Cmd.Wait()
		close(stop)
		wg.Wait()
	}
	if len(acked) == 0 {
		t.Fatal("no send was acknowledged")
	}

	// Restarted, a resend of an acknowledged id returns the stored message
	// (Channelize answers a resend as it answered the send); the id stays
	// one row, which the check below sees.
	p := testenv.StartBinary(t, args...)
	resent := 0
	for id := range acked {
		if status := sendAs(p.URL, "alice-token", id, "durable "+id); status != http.StatusCreated {
			t.Fatalf("resend of acknowledged %s: %d, want 201 (the stored message)", id, status)
		}
		if resent++; resent == 5 {
			break
		}
	}
	if status := sendAs(p.URL, "alice-token", "r0-s0-0", "other content"); status != http.StatusConflict && acked["r0-s0-0"] {
		t.Fatalf("an acknowledged id with other content: %d, want 409", status)
	}
	if err := p.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.Cmd.Wait()

	ctx := context.Background()
	store, err := db.Open(ctx, db.Options{Path: filepath.Join(dir, "parley.db"), Schema: schemaSQL})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if msg, err := store.IntegrityCheck(ctx); err != nil || msg != "ok" {
		t.Fatalf("integrity check: %q, %v", msg, err)
	}
	found := 0
	err = store.Read(ctx, func(tx core.Tx) error {
		app, err := tx.AppByID("demo")
		if err != nil {
			return err
		}
		for id := range acked {
			m, err := tx.MessageByID(app.PK, id)
			if err != nil {
				return fmt.Errorf("acknowledged message %s: %w", id, err)
			}
			if m.Body != "durable "+id {
				return fmt.Errorf("message %s has body %q", id, m.Body)
			}
			found++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("durability: %d kills, %d acknowledged, %d found", rounds+1, len(acked), found)
}

// sendAs sends one Channelize message with a client id and returns the
// status (0 when the server was gone).
func sendAs(url, token, id, body string) int {
	auth := base64.StdEncoding.EncodeToString([]byte(token))
	req, err := http.NewRequest("POST", url+"/v2/messages/send",
		bytes.NewBufferString(fmt.Sprintf(`{"id":%q,"conversationId":"general","body":%q}`, id, body)))
	if err != nil {
		return 0
	}
	req.Header.Set("Public-Key", "demo-public")
	req.Header.Set("Authorization", "Bearer "+auth)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}
