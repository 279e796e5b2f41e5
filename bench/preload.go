package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"parley/db"
	"parley/server/core"
)

// preloadChunk is how many messages one write transaction stores: large
// enough that commits cost nothing next to the inserts, small enough that
// progress shows.
const preloadChunk = 25_000

// preload creates the file database at path holding the dataset, without
// HTTP and before any server runs: the app, users, tokens and
// conversations through core.LoadFixtures (the same rules as --fixtures),
// then the messages and reactions straight through core.Tx in large
// transactions. It returns how long that took.
func preload(ctx context.Context, root, path string, d dataset) (time.Duration, error) {
	schema, err := os.ReadFile(filepath.Join(root, "schema.sql"))
	if err != nil {
		return 0, err
	}
	start := time.Now()
	store, err := db.Open(ctx, db.Options{Path: path, Schema: string(schema)})
	if err != nil {
		return 0, err
	}
	defer store.Close()
	svc := core.NewService(core.Options{Store: store})
	if err := svc.LoadFixtures(ctx, svc.StartupCaller(), d.coreFixtures()); err != nil {
		return 0, fmt.Errorf("preload fixtures: %w", err)
	}

	var app *core.App
	userPKs := make([]int64, d.users)
	convs := make([]*core.Conversation, d.conversations())
	err = store.Read(ctx, func(tx core.Tx) (err error) {
		if app, err = tx.AppByID(appID); err != nil {
			return err
		}
		for i := range userPKs {
			u, err := tx.UserByID(app.PK, userID(i))
			if err != nil {
				return err
			}
			userPKs[i] = u.PK
		}
		for j := range convs {
			if convs[j], err = tx.ConversationByID(app.PK, convID(j)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("preload keys: %w", err)
	}

	// Messages are a millisecond apart, the newest a minute ago.
	base := time.Now().UTC().Truncate(time.Millisecond).Add(-time.Minute - time.Duration(d.messages)*time.Millisecond)
	lastPK := make([]int64, len(convs))
	lastAt := make([]time.Time, len(convs))
	for lo := 0; lo < d.messages; lo += preloadChunk {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		hi := min(lo+preloadChunk, d.messages)
		err := store.Write(ctx, func(tx core.Tx) error {
			for k := lo; k < hi; k++ {
				spec := d.message(k)
				conv := convs[spec.conv]
				at := base.Add(time.Duration(k) * time.Millisecond)
				m := &core.Message{AppPK: app.PK, ID: messageID(k), ConversationPK: conv.PK, ConversationID: conv.ID,
					OwnerPK: userPKs[spec.from], Type: core.TypeNormal, Body: spec.body, ShowInConversation: true,
					CreatedAt: at, UpdatedAt: at}
				if spec.attachment {
					m.Attachments = []core.Attachment{{Type: "image", Name: fmt.Sprintf("photo-%d.jpg", k), MimeType: "image/jpeg",
						URL: fmt.Sprintf("https://files.example.test/img/%d.jpg", k), Size: int64(40000 + k%1000), Data: attachmentJSON(k)}}
				}
				if err := tx.InsertMessage(m); err != nil {
					return fmt.Errorf("message %d: %w", k, err)
				}
				for _, r := range spec.reactions {
					if _, err := tx.AddReaction(&core.Reaction{MessagePK: m.PK, UserPK: userPKs[r.user], Name: r.name, CreatedAt: at}); err != nil {
						return fmt.Errorf("reaction on message %d: %w", k, err)
					}
				}
				lastPK[spec.conv], lastAt[spec.conv] = m.PK, at
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("preload messages: %w", err)
		}
		if d.messages >= 200_000 && hi%200_000 == 0 {
			progress("  %d of %d messages stored (%.1fs)", hi, d.messages, time.Since(start).Seconds())
		}
	}
	err = store.Write(ctx, func(tx core.Tx) error {
		for j, conv := range convs {
			if lastPK[j] != 0 {
				if err := tx.TouchConversation(conv.PK, lastAt[j], lastPK[j]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("preload conversations: %w", err)
	}
	if err := store.Close(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// coreFixtures is the dataset's app, users and conversations, without
// messages, as the core loads them.
func (d dataset) coreFixtures() core.Fixtures {
	doc := d.fixtures(false).Apps[0]
	fa := core.FixtureApp{AppInput: core.AppInput{ID: doc.ID, Name: doc.Name, PublicKey: doc.PublicKey, SecretKey: doc.SecretKey}}
	for _, u := range doc.Users {
		fa.Users = append(fa.Users, core.FixtureUser{Token: u.Token,
			UserInput: core.UserInput{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, AvatarURL: u.AvatarURL}})
	}
	for _, t := range doc.Teams {
		fa.Teams = append(fa.Teams, core.TeamInput{ID: t.ID, Name: t.Name})
	}
	for _, c := range doc.Conversations {
		ci := core.ConversationInput{ID: c.ID, Kind: core.ConversationKind(c.Kind), Title: c.Title, TeamID: c.Team, OwnerID: c.Owner}
		for _, m := range c.Members {
			ci.Members = append(ci.Members, core.MemberInput{UserID: m.User, Role: core.Role(m.Role)})
		}
		fa.Conversations = append(fa.Conversations, ci)
	}
	return core.Fixtures{Apps: []core.FixtureApp{fa}}
}
