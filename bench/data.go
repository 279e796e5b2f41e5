package main

import (
	"encoding/json"
	"fmt"
	"os"
)

// The bench's one app.
const (
	appID     = "bench"
	publicKey = "bench-public"
	secretKey = "bench-secret"
	// benchTeam is the team of every conversation (CoWork addresses a
	// channel by its team); it has no members, so it is open to every user.
	benchTeam = "bench"
)

// dataset is the shape of what the bench loads: users u0000.. with tokens
// tok-u0000.., conversations c0000.. of four members each (every user is in
// two: one of the first ring, one of the second, shifted by two), and
// messages m0.. spread round-robin over the conversations. Every fifth
// message has an image attachment; every third has a "like", every sixth a
// "heart" too, so that any page of 50 carries owners, attachments and
// reactions.
type dataset struct {
	users    int
	messages int
}

func (d dataset) conversations() int { return d.users / 2 }

func userID(i int) string    { return fmt.Sprintf("u%04d", i) }
func userToken(i int) string { return fmt.Sprintf("tok-u%04d", i) }
func convID(j int) string    { return fmt.Sprintf("c%04d", j) }
func messageID(k int) string { return fmt.Sprintf("m%08d", k) }

// members returns the users of conversation j; the first is its admin.
func (d dataset) members(j int) [4]int {
	ring := d.users / 4
	var m [4]int
	for t := range m {
		if j < ring {
			m[t] = 4*j + t
		} else {
			m[t] = (4*(j-ring) + 2 + t) % d.users
		}
	}
	return m
}

// homes returns the two conversations user i is in.
func (d dataset) homes(i int) [2]int {
	ring := d.users / 4
	return [2]int{i / 4, ring + ((i-2+d.users)%d.users)/4}
}

// reaction is one user's reaction to a message.
type reaction struct {
	user int
	name string
}

// message describes message k of the dataset.
type message struct {
	conv       int
	from       int
	body       string
	attachment bool
	reactions  []reaction
}

func (d dataset) message(k int) message {
	n := d.conversations()
	j := k % n
	mem := d.members(j)
	i := (k / n) % 4
	m := message{conv: j, from: mem[i], attachment: k%5 == 0,
		body: fmt.Sprintf("message %d of %s: the quick brown fox jumps over the lazy dog", k, convID(j))}
	if k%3 == 0 {
		m.reactions = append(m.reactions, reaction{mem[(i+1)%4], "like"})
	}
	if k%6 == 0 {
		m.reactions = append(m.reactions, reaction{mem[(i+2)%4], "heart"})
	}
	return m
}

// attachmentJSON is the attachment object of message k (Channelize keys).
func attachmentJSON(k int) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"type":"image","fileUrl":"https://files.example.test/img/%d.jpg",`+
		`"name":"photo-%d.jpg","mimeType":"image/jpeg","extension":"jpg","size":%d}`, k, k, 40000+k%1000))
}

// The fixture document (docs/domain.md), as admin.DecodeFixtures reads it.
type (
	fixtureDoc struct {
		Apps []fixtureApp `json:"apps"`
	}
	fixtureApp struct {
		ID            string           `json:"id"`
		Name          string           `json:"name"`
		PublicKey     string           `json:"publicKey"`
		SecretKey     string           `json:"secretKey"`
		Users         []fixtureUser    `json:"users"`
		Teams         []fixtureTeam    `json:"teams"`
		Conversations []fixtureConv    `json:"conversations"`
		Messages      []fixtureMessage `json:"messages,omitempty"`
	}
	fixtureUser struct {
		ID          string `json:"id"`
		Username    string `json:"username"`
		DisplayName string `json:"displayName"`
		AvatarURL   string `json:"avatarUrl"`
		Token       string `json:"token"`
	}
	fixtureTeam struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	fixtureConv struct {
		ID      string          `json:"id"`
		Kind    string          `json:"kind"`
		Title   string          `json:"title"`
		Team    string          `json:"team"`
		Owner   string          `json:"owner"`
		Members []fixtureMember `json:"members"`
	}
	fixtureMember struct {
		User string `json:"user"`
		Role string `json:"role,omitempty"`
	}
	fixtureMessage struct {
		ID           string            `json:"id"`
		Conversation string            `json:"conversation"`
		From         string            `json:"from"`
		Body         string            `json:"body"`
		Attachments  []json.RawMessage `json:"attachments,omitempty"`
	}
)

// fixtures returns the dataset as a fixture document, with its messages
// when withMessages (reactions are not part of the format: see addReactions).
func (d dataset) fixtures(withMessages bool) fixtureDoc {
	app := fixtureApp{ID: appID, Name: "Bench", PublicKey: publicKey, SecretKey: secretKey,
		Teams: []fixtureTeam{{ID: benchTeam, Name: "Bench"}}}
	for i := 0; i < d.users; i++ {
		app.Users = append(app.Users, fixtureUser{ID: userID(i), Username: userID(i),
			DisplayName: fmt.Sprintf("User %d", i), AvatarURL: fmt.Sprintf("https://files.example.test/avatar/%d.png", i),
			Token: userToken(i)})
	}
	for j := 0; j < d.conversations(); j++ {
		mem := d.members(j)
		c := fixtureConv{ID: convID(j), Kind: "group", Title: "Conversation " + convID(j), Team: benchTeam, Owner: userID(mem[0])}
		for t, u := range mem {
			role := ""
			if t == 0 {
				role = "admin"
			}
			c.Members = append(c.Members, fixtureMember{User: userID(u), Role: role})
		}
		app.Conversations = append(app.Conversations, c)
	}
	if withMessages {
		for k := 0; k < d.messages; k++ {
			m := d.message(k)
			fm := fixtureMessage{ID: messageID(k), Conversation: convID(m.conv), From: userID(m.from), Body: m.body}
			if m.attachment {
				fm.Attachments = []json.RawMessage{attachmentJSON(k)}
			}
			app.Messages = append(app.Messages, fm)
		}
	}
	return fixtureDoc{Apps: []fixtureApp{app}}
}

// writeFixtures writes the document to path.
func writeFixtures(path string, doc fixtureDoc) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
