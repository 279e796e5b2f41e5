package core

import "time"

// LatestReaction is a message's newest reaction: who reacted, with which
// name, and when. Loaded with the message's reactions (no query of its
// own); of reactions made at the same instant, the one stored last.
type LatestReaction struct {
	Name      string
	UserID    string
	UserName  string // the user's display name
	CreatedAt time.Time
}
