package db

import (
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"parley/server/core"
)

// conflicts names, for each UNIQUE or PRIMARY KEY constraint of the schema
// (as SQLite reports its columns), the client-safe text of its ECONFLICT.
var conflicts = map[string]string{
	"apps.id":                "app id already exists",
	"apps.public_key":        "app public key already exists",
	"apps.secret_hash":       "app secret key already exists",
	"admin_tokens.hash":      "admin token already exists",
	"users.app_pk, users.id": "user id already exists",
	"tokens.hash":            "token already exists",
	"teams.app_pk, teams.id": "team id already exists",
	"team_members.team_pk, team_members.user_pk":              "team member already exists",
	"conversations.app_pk, conversations.id":                  "conversation id already exists",
	"conversations.app_pk, conversations.direct_key":          "direct conversation already exists",
	"members.conversation_pk, members.user_pk":                "member already exists",
	"files.app_pk, files.id":                                  "file id already exists",
	"messages.app_pk, messages.id":                            "message id already exists",
	"attachments.message_pk, attachments.position":            "attachment already exists",
	"mentions.message_pk, mentions.user_pk":                   "mention already exists",
	"recipients.message_pk, recipients.user_pk":               "recipient already exists",
	"hidden.message_pk, hidden.user_pk":                       "message already hidden",
	"reactions.message_pk, reactions.name, reactions.user_pk": "reaction already exists",
}

// dbErr maps a driver error of operation op ("insert message") to the
// domain: UNIQUE and PRIMARY KEY violations become ECONFLICT, foreign key,
// CHECK and NOT NULL violations EINVALID (with messages that never carry
// driver text); anything else is wrapped with op. *core.Error and nil pass.
func dbErr(op string, err error) error {
	var ce *core.Error
	if err == nil || errors.As(err, &ce) {
		return err
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return fmt.Errorf("db: %s: %w", op, err)
	}
	noun := op[strings.LastIndexByte(op, ' ')+1:]
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		if msg, ok := conflicts[constraintName(se, "constraint failed: ")]; ok {
			return core.Errorf(core.ECONFLICT, "%s", msg)
		}
		return core.Errorf(core.ECONFLICT, "%s already exists", noun)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return core.Errorf(core.EINVALID, "%s refers to a record that does not exist", noun)
	case sqlite3.SQLITE_CONSTRAINT_CHECK:
		// Named checks read "<noun>_<field>": "message_type" → "invalid message type".
		name := constraintName(se, "CHECK constraint failed: ")
		if name == "" || strings.ContainsAny(name, " ()") {
			name = noun
		}
		return core.Errorf(core.EINVALID, "invalid %s", strings.ReplaceAll(name, "_", " "))
	case sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		return core.Errorf(core.EINVALID, "%s is missing a required value", noun)
	}
	return fmt.Errorf("db: %s: %w", op, err)
}

// isIDConflict reports whether err is the clash of a text id with another
// row's of the same app (the case where a default id may try again).
func isIDConflict(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code() != sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return false
	}
	return strings.HasSuffix(constraintName(se, "constraint failed: "), ".id")
}

// constraintName returns what follows after in a constraint error's text,
// up to the driver's " (code)" suffix: "users.app_pk, users.id", "message_type".
func constraintName(se *sqlite.Error, after string) string {
	msg := se.Error()
	i := strings.LastIndex(msg, after)
	if i < 0 {
		return ""
	}
	msg = msg[i+len(after):]
	if j := strings.LastIndex(msg, " ("); j >= 0 {
		msg = msg[:j]
	}
	return strings.TrimSpace(msg)
}
