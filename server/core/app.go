package core

import "time"

// App is the tenant. Every other row belongs to exactly one app. Only Parley's
// admin API creates, changes or removes apps.
type App struct {
	PK        int64
	ID        string
	Name      string
	PublicKey string // identifies the app to clients (Channelize Public-Key, Amity x-api-key)
	// SecretHash is the hash of the server-to-server secret key; it never
	// leaves the server.
	SecretHash string
	CreatedAt  time.Time
}

// User is a person or bot of one app. Its ID is chosen by the client or the
// admin (or defaults to the integer key in decimal). Users change their own
// profile; the app changes any.
type User struct {
	PK          int64
	AppPK       int64
	ID          string
	Username    string
	DisplayName string
	AvatarURL   string
	Email       string
	Metadata    []byte // raw JSON object, or nil
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Token is a user's bearer credential. Only its hash is stored.
type Token struct {
	PK        int64
	AppPK     int64
	UserPK    int64
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
}

// Team groups conversations (CoWork teams, later Amity communities).
type Team struct {
	PK        int64
	AppPK     int64
	ID        string
	Name      string
	CreatedAt time.Time
}

// TeamMember is a user's membership of a team: owners and admins
// administer the team and its channels.
type TeamMember struct {
	UserPK int64
	User   *User
	Role   Role
}
