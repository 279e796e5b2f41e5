package core

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
)

// DefaultPasswordIterations is the PBKDF2-HMAC-SHA256 work factor for new
// password hashes: OWASP's current guidance (600,000). Existing hashes keep
// the count they were made with.
const DefaultPasswordIterations = 600_000

// EphemeralPasswordIterations is the work factor of throwaway instances
// (--ephemeral, tests): their passwords are fixtures, and they must start in
// milliseconds.
const EphemeralPasswordIterations = 1_000

// passwords stretches user-chosen passwords with a random salt.
type passwords struct {
	iterations int
	dummy      string // a hash to check unknown logins against
	// work counts the PBKDF2 iterations checks have run, so a test can
	// hold an unknown login to the cost of a wrong password.
	work atomic.Int64
}

func newPasswords(iterations int) *passwords {
	if iterations <= 0 {
		iterations = DefaultPasswordIterations
	}
	p := &passwords{iterations: iterations}
	p.dummy, _ = p.hash("parley: no such user")
	return p
}

// hash returns the storable hash of password.
func (p *passwords) hash(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("core: salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, p.iterations, 32)
	if err != nil {
		return "", fmt.Errorf("core: hash password: %w", err)
	}
	return fmt.Sprintf("pbkdf2-sha256$%d$%s$%s", p.iterations, hex.EncodeToString(salt), hex.EncodeToString(key)), nil
}

// burn spends the time of one check, so that an unknown login answers as
// slowly as a wrong password.
func (p *passwords) burn(password string) { p.check(p.dummy, password) }

// check is checkPassword, counted in work.
func (p *passwords) check(hash, password string) bool {
	if parts := strings.Split(hash, "$"); len(parts) == 4 {
		if n, err := strconv.Atoi(parts[1]); err == nil {
			p.work.Add(int64(n))
		}
	}
	return checkPassword(hash, password)
}

// checkPassword reports whether password matches a hash made by passwords.hash.
func checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter <= 0 {
		return false
	}
	salt, err1 := hex.DecodeString(parts[2])
	want, err2 := hex.DecodeString(parts[3])
	if err1 != nil || err2 != nil {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(want))
	return err == nil && subtle.ConstantTimeCompare(got, want) == 1
}
