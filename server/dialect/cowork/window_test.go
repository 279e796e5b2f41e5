package cowork_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"parley/server/core"
	"parley/server/testenv"
)

// TestWindow pins down the list's window on a channel of 250 messages: at
// the start, in the middle and at the end, as CoWork documents it.
func TestWindow(t *testing.T) {
	t.Parallel()
	env := testenv.New(t)
	bob := env.Caller("demo", "bob")
	ids := []string{"m1", "m2"}
	for i := len(ids); i < 250; i++ {
		m, _, err := env.Service.SendMessage(t.Context(), bob, core.SendInput{ID: fmt.Sprintf("w%03d", i), ConversationID: "general", Body: "x"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	tests := []struct {
		name, target string
		from, to     int // the window is ids[from:to]
	}{
		{"NoTarget", "", 149, 250},    // the last and 100 before it
		{"End", "w249", 149, 250},     // the same
		{"Start", "m1", 0, 100},       // the first and 99 after it
		{"Middle", "w150", 50, 250},   // 100 before, it, 99 after
		{"NearStart", "w010", 0, 110}, // what there is before, it, 99 after
		{"NearEnd", "w245", 145, 250}, // 100 before, it, what there is after
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/api/cowork/teams/eng/channels/general/messages"
			if tt.target != "" {
				path += "?targetMessage=" + tt.target
			}
			resp, body := env.Do("GET", path, "", "Authorization: Bearer carol-token")
			if resp.StatusCode != 200 {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var got []string
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if want := ids[tt.from:tt.to]; !slices.Equal(got, want) {
				t.Fatalf("got %d ids %s..%s, want %d ids %s..%s", len(got), got[0], got[len(got)-1], len(want), want[0], want[len(want)-1])
			}
		})
	}
}
