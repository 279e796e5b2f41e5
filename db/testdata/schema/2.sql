-- Parley's one schema. db.Open applies it to a new database (PRAGMA
-- user_version 0) and sets user_version to the current version, in one
-- transaction. A database of an earlier version is upgraded: the steps of
-- db/migrate.go, then this file again with every CREATE made IF NOT
-- EXISTS. A change here needs a step there (see its comment).
--
-- Conventions:
--   * every table has an INTEGER PRIMARY KEY "pk" (the rowid: ordering and
--     cursors), except the pure join tables, which are WITHOUT ROWID and
--     clustered on their natural key; the keys of users, teams,
--     conversations, messages and files are AUTOINCREMENT: never reused,
--     not after a delete of the newest row, not after a restart (clients
--     address rows by key, and a reused key would hand them another row);
--   * rows that have a client-facing id keep it in "id", unique per app;
--   * times are INTEGER unix milliseconds (UTC); an optional time is NULL
--     when unset;
--   * raw JSON (metadata, entities, annotations, attachment data, tags) is
--     TEXT, NULL when absent;
--   * deleting an app deletes everything that belongs to it (ON DELETE
--     CASCADE all the way down);
--   * a foreign key column that a cascade has to search gets an index, so
--     deleting a user or an app never scans a whole table per row.

CREATE TABLE apps (
	pk          INTEGER PRIMARY KEY,
	id          TEXT    NOT NULL UNIQUE,
	name        TEXT    NOT NULL DEFAULT '',
	public_key  TEXT    NOT NULL UNIQUE,
	secret_hash TEXT    NOT NULL UNIQUE,
	created_at  INTEGER NOT NULL
);

CREATE TABLE admin_tokens (
	hash       TEXT    PRIMARY KEY,
	created_at INTEGER NOT NULL,
	-- start: made at first start; flag: --admin-token (replaced when it
	-- changes); api: POST /admin/v1/tokens
	origin     TEXT    NOT NULL DEFAULT 'start' CHECK (origin IN ('start', 'flag', 'api'))
) WITHOUT ROWID;

CREATE TABLE users (
	pk            INTEGER PRIMARY KEY AUTOINCREMENT,
	app_pk        INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
	id            TEXT    NOT NULL,
	username      TEXT    NOT NULL DEFAULT '',
	display_name  TEXT    NOT NULL DEFAULT '',
	avatar_url    TEXT    NOT NULL DEFAULT '',
	email         TEXT    NOT NULL DEFAULT '',
	metadata      TEXT,
	password_hash TEXT    NOT NULL DEFAULT '',
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	UNIQUE (app_pk, id)
);
-- An app's users in key order (ListUsers pages on the key).
CREATE INDEX users_app ON users (app_pk);
-- UserByLogin looks a user up by username or email too.
CREATE INDEX users_app_username ON users (app_pk, username);
CREATE INDEX users_app_email ON users (app_pk, email);

CREATE TABLE tokens (
	pk         INTEGER PRIMARY KEY,
	app_pk     INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
	user_pk    INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	hash       TEXT    NOT NULL UNIQUE,
	created_at INTEGER NOT NULL,
	expires_at INTEGER
);
CREATE INDEX tokens_user ON tokens (user_pk);

CREATE TABLE teams (
	pk         INTEGER PRIMARY KEY AUTOINCREMENT,
	app_pk     INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
	id         TEXT    NOT NULL,
	name       TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	UNIQUE (app_pk, id)
);

-- An app's teams in key order (ListTeams pages on the key).
CREATE INDEX teams_app ON teams (app_pk);

CREATE TABLE team_members (
	team_pk INTEGER NOT NULL REFERENCES teams (pk) ON DELETE CASCADE,
	user_pk INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	role    TEXT    NOT NULL DEFAULT 'member'
		CONSTRAINT team_member_role CHECK (role IN ('owner', 'admin', 'member')),
	PRIMARY KEY (team_pk, user_pk)
) WITHOUT ROWID;
CREATE INDEX team_members_user ON team_members (user_pk);

CREATE TABLE conversations (
	pk               INTEGER PRIMARY KEY AUTOINCREMENT,
	app_pk           INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
	id               TEXT    NOT NULL,
	kind             TEXT    NOT NULL
		CONSTRAINT conversation_kind CHECK (kind IN ('direct', 'group', 'public', 'open', 'broadcast', 'channel')),
	type             TEXT    NOT NULL DEFAULT '',
	title            TEXT    NOT NULL DEFAULT '',
	avatar_url       TEXT    NOT NULL DEFAULT '',
	custom_type      TEXT    NOT NULL DEFAULT '',
	metadata         TEXT,
	owner_pk         INTEGER REFERENCES users (pk) ON DELETE SET NULL,
	team_pk          INTEGER REFERENCES teams (pk) ON DELETE SET NULL,
	-- direct_key is the members' keys, sorted, joined by ":" ("3:7") for
	-- direct conversations, NULL otherwise (NULLs never clash in a UNIQUE
	-- constraint).
	direct_key       TEXT,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	last_activity_at INTEGER NOT NULL,
	-- last_message_pk is a hint for lists, not a foreign key: it may outlive
	-- the message, and 0 means none.
	last_message_pk  INTEGER NOT NULL DEFAULT 0,
	-- member_count is kept by the members triggers below.
	member_count     INTEGER NOT NULL DEFAULT 0,
	UNIQUE (app_pk, id),
	UNIQUE (app_pk, direct_key)
);
-- An app's conversations, most recent activity first (ListConversations).
CREATE INDEX conversations_app_activity ON conversations (app_pk, last_activity_at, pk);
CREATE INDEX conversations_owner ON conversations (owner_pk) WHERE owner_pk IS NOT NULL;
CREATE INDEX conversations_team ON conversations (team_pk) WHERE team_pk IS NOT NULL;

-- members is a rowid table (not WITHOUT ROWID) so that its rowid keeps the
-- join order when several members join within the same millisecond.
CREATE TABLE members (
	conversation_pk INTEGER NOT NULL REFERENCES conversations (pk) ON DELETE CASCADE,
	user_pk         INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	role            TEXT    NOT NULL DEFAULT 'member'
		CONSTRAINT member_role CHECK (role IN ('owner', 'admin', 'member')),
	joined_at       INTEGER NOT NULL,
	last_read_pk    INTEGER NOT NULL DEFAULT 0,
	last_read_at    INTEGER,
	PRIMARY KEY (conversation_pk, user_pk)
);
-- A user's conversations (ListConversations for a user, UnreadTotal).
CREATE INDEX members_user ON members (user_pk, conversation_pk);
-- A conversation's members in join order (ListMembers).
CREATE INDEX members_conversation_joined ON members (conversation_pk, joined_at);

CREATE TRIGGER members_count_insert AFTER INSERT ON members BEGIN
	UPDATE conversations SET member_count = member_count + 1 WHERE pk = NEW.conversation_pk;
END;
CREATE TRIGGER members_count_delete AFTER DELETE ON members BEGIN
	UPDATE conversations SET member_count = member_count - 1 WHERE pk = OLD.conversation_pk;
END;

CREATE TABLE files (
	pk         INTEGER PRIMARY KEY AUTOINCREMENT,
	app_pk     INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
	id         TEXT    NOT NULL,
	owner_pk   INTEGER REFERENCES users (pk) ON DELETE SET NULL,
	blob_key   TEXT    NOT NULL,
	name       TEXT    NOT NULL DEFAULT '',
	mime_type  TEXT    NOT NULL DEFAULT '',
	size       INTEGER NOT NULL DEFAULT 0,
	sha256     TEXT    NOT NULL DEFAULT '',
	width      INTEGER NOT NULL DEFAULT 0,
	height     INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	-- files: an image's thumbnail, a blob of its own ('' when none).
	thumb_key    TEXT    NOT NULL DEFAULT '',
	thumb_mime   TEXT    NOT NULL DEFAULT '',
	thumb_size   INTEGER NOT NULL DEFAULT 0,
	thumb_width  INTEGER NOT NULL DEFAULT 0,
	thumb_height INTEGER NOT NULL DEFAULT 0,
	UNIQUE (app_pk, id)
);
CREATE INDEX files_owner ON files (owner_pk) WHERE owner_pk IS NOT NULL;
-- Blobs are content-addressed: the blob store asks whether a key is still used.
CREATE INDEX files_blob ON files (blob_key);
CREATE INDEX files_thumb ON files (thumb_key);

CREATE TABLE messages (
	pk                   INTEGER PRIMARY KEY AUTOINCREMENT,
	app_pk               INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
	id                   TEXT    NOT NULL,
	conversation_pk      INTEGER NOT NULL REFERENCES conversations (pk) ON DELETE CASCADE,
	-- seq numbers the conversation's messages 1, 2, 3, ... in key order.
	seq                  INTEGER NOT NULL,
	-- owner_pk is NULL for a message the app sent as itself.
	owner_pk             INTEGER REFERENCES users (pk) ON DELETE CASCADE,
	type                 TEXT    NOT NULL DEFAULT 'normal'
		CONSTRAINT message_type CHECK (type IN ('normal', 'reply', 'forward', 'admin', 'machine')),
	custom_type          TEXT    NOT NULL DEFAULT '',
	body                 TEXT    NOT NULL DEFAULT '',
	html                 TEXT    NOT NULL DEFAULT '',
	-- dialect names the API the message came through (inspection API).
	dialect              TEXT    NOT NULL DEFAULT '',
	metadata             TEXT,
	entities             TEXT,
	annotations          TEXT,
	tags                 TEXT, -- JSON array of strings
	parent_pk            INTEGER REFERENCES messages (pk) ON DELETE SET NULL,
	-- thread_root_pk is 0 for a message outside any thread.
	thread_root_pk       INTEGER NOT NULL DEFAULT 0,
	reply_count          INTEGER NOT NULL DEFAULT 0,
	forwarded_from_pk    INTEGER REFERENCES messages (pk) ON DELETE SET NULL,
	show_in_conversation INTEGER NOT NULL DEFAULT 1 CHECK (show_in_conversation IN (0, 1)),
	pinned               INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
	encrypted            INTEGER NOT NULL DEFAULT 0 CHECK (encrypted IN (0, 1)),
	machine_only         INTEGER NOT NULL DEFAULT 0 CHECK (machine_only IN (0, 1)),
	-- The counts below let a page of messages skip the detail queries it
	-- does not need. reaction_count is kept by the reactions triggers.
	has_recipients       INTEGER NOT NULL DEFAULT 0 CHECK (has_recipients IN (0, 1)),
	attachment_count     INTEGER NOT NULL DEFAULT 0,
	mention_count        INTEGER NOT NULL DEFAULT 0,
	reaction_count       INTEGER NOT NULL DEFAULT 0,
	flag_count           INTEGER NOT NULL DEFAULT 0, -- kept by the message_flags triggers
	-- created_at may be the client's claim (kept as data, never orders
	-- anything); received_at is the server's clock when it stored the row,
	-- which "read up to a time" follows.
	created_at           INTEGER NOT NULL,
	received_at          INTEGER NOT NULL,
	updated_at           INTEGER NOT NULL,
	edited_at            INTEGER,
	deleted_at           INTEGER,
	UNIQUE (app_pk, id)
);
-- A conversation's messages by sequence number (the next seq is MAX + 1).
CREATE UNIQUE INDEX messages_conversation_seq ON messages (conversation_pk, seq);
-- "Read up to a time": the newest message the server stored by then.
CREATE INDEX messages_conversation_received ON messages (conversation_pk, received_at);
-- A conversation's messages in order: ListMessages, CountMessages, unread counts.
-- Covering for history pages: the conversation's keys in order with every
-- column the default filters and the viewer's visibility read, so a page
-- of keys never touches the table.
CREATE INDEX messages_conversation ON messages (conversation_pk, pk, deleted_at, has_recipients, owner_pk, show_in_conversation);
-- A thread's replies.
CREATE INDEX messages_parent ON messages (parent_pk, pk) WHERE parent_pk IS NOT NULL;
-- A conversation's pinned messages (queries must say "pinned = 1" literally).
CREATE INDEX messages_pinned ON messages (conversation_pk, pk) WHERE pinned = 1;
CREATE INDEX messages_owner ON messages (owner_pk);
CREATE INDEX messages_forwarded ON messages (forwarded_from_pk) WHERE forwarded_from_pk IS NOT NULL;

CREATE TABLE attachments (
	pk         INTEGER PRIMARY KEY,
	message_pk INTEGER NOT NULL REFERENCES messages (pk) ON DELETE CASCADE,
	position   INTEGER NOT NULL,
	id         TEXT    NOT NULL,
	type       TEXT    NOT NULL DEFAULT '',
	name       TEXT    NOT NULL DEFAULT '',
	mime_type  TEXT    NOT NULL DEFAULT '',
	url        TEXT    NOT NULL DEFAULT '',
	size       INTEGER NOT NULL DEFAULT 0,
	file_pk    INTEGER REFERENCES files (pk) ON DELETE SET NULL,
	data       TEXT, -- the attachment object as the client sent it
	UNIQUE (message_pk, position)
);
CREATE INDEX attachments_file ON attachments (file_pk) WHERE file_pk IS NOT NULL;

CREATE TABLE mentions (
	message_pk INTEGER NOT NULL REFERENCES messages (pk) ON DELETE CASCADE,
	user_pk    INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	ord        INTEGER NOT NULL DEFAULT 0,
	word_count INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (message_pk, user_pk)
) WITHOUT ROWID;
CREATE INDEX mentions_user ON mentions (user_pk);

-- recipients: a message that has any is seen only by its owner and them.
CREATE TABLE recipients (
	message_pk INTEGER NOT NULL REFERENCES messages (pk) ON DELETE CASCADE,
	user_pk    INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	PRIMARY KEY (message_pk, user_pk)
) WITHOUT ROWID;
CREATE INDEX recipients_user ON recipients (user_pk);

-- hidden: messages a user deleted for themselves only.
CREATE TABLE hidden (
	message_pk INTEGER NOT NULL REFERENCES messages (pk) ON DELETE CASCADE,
	user_pk    INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	hidden_at  INTEGER NOT NULL,
	PRIMARY KEY (message_pk, user_pk)
) WITHOUT ROWID;
CREATE INDEX hidden_user ON hidden (user_pk);

-- reactions is a rowid table so that reactions within the same millisecond
-- keep their order (groups in first-reacted order, users in reaction order).
CREATE TABLE reactions (
	pk         INTEGER PRIMARY KEY,
	message_pk INTEGER NOT NULL REFERENCES messages (pk) ON DELETE CASCADE,
	user_pk    INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	name       TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (message_pk, name, user_pk)
);
-- A page's reactions in order (the index ends with the rowid: ties keep insert order).
CREATE INDEX reactions_message_time ON reactions (message_pk, created_at);
CREATE INDEX reactions_user ON reactions (user_pk);

CREATE TRIGGER reactions_count_insert AFTER INSERT ON reactions BEGIN
	UPDATE messages SET reaction_count = reaction_count + 1 WHERE pk = NEW.message_pk;
END;
CREATE TRIGGER reactions_count_delete AFTER DELETE ON reactions BEGIN
	UPDATE messages SET reaction_count = reaction_count - 1 WHERE pk = OLD.message_pk;
END;

-- cowork: team channels, edit history and full-text search.
--
-- team_channels holds what a channel of a team adds to its conversation:
-- a description, and whether it has no member list of its own and takes
-- its team's members instead (see core/teams.go).
CREATE TABLE team_channels (
	conversation_pk   INTEGER PRIMARY KEY REFERENCES conversations (pk) ON DELETE CASCADE,
	app_pk            INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
	description       TEXT    NOT NULL DEFAULT '',
	members_inherited INTEGER NOT NULL DEFAULT 0 CHECK (members_inherited IN (0, 1))
);

-- revisions keeps every earlier text of an edited message: the text, when
-- it was written, and who replaced it when.
CREATE TABLE revisions (
	pk          INTEGER PRIMARY KEY,
	message_pk  INTEGER NOT NULL REFERENCES messages (pk) ON DELETE CASCADE,
	body        TEXT    NOT NULL,
	written_at  INTEGER NOT NULL,
	editor_pk   INTEGER REFERENCES users (pk) ON DELETE SET NULL,
	replaced_at INTEGER NOT NULL
);
CREATE INDEX revisions_message ON revisions (message_pk, pk);
CREATE INDEX revisions_editor ON revisions (editor_pk) WHERE editor_pk IS NOT NULL;

-- messages_fts indexes the text of every message that is not recalled. It
-- is an external-content table over messages, kept by the triggers below in
-- the transaction of each insert, edit, recall and delete. Prefix indexes
-- of 2 to 4 characters answer a prefix query from one list instead of
-- merging the lists of every word that starts so (a million messages:
-- 350 ms without, milliseconds with).
CREATE VIRTUAL TABLE messages_fts USING fts5 (
	body, content = 'messages', content_rowid = 'pk', tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3 4'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN NEW.deleted_at IS NULL AND NEW.body <> '' BEGIN
	INSERT INTO messages_fts (rowid, body) VALUES (NEW.pk, NEW.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN OLD.deleted_at IS NULL AND OLD.body <> '' BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', OLD.pk, OLD.body);
END;
-- An update touches the index only when the text or the recall changed:
-- out with the old text, in with the new (one trigger, so in that order).
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, deleted_at ON messages
WHEN OLD.body IS NOT NEW.body OR OLD.deleted_at IS NOT NEW.deleted_at BEGIN
	INSERT INTO messages_fts (messages_fts, rowid, body)
		SELECT 'delete', OLD.pk, OLD.body WHERE OLD.deleted_at IS NULL AND OLD.body <> '';
	INSERT INTO messages_fts (rowid, body)
		SELECT NEW.pk, NEW.body WHERE NEW.deleted_at IS NULL AND NEW.body <> '';
END;
-- The search scope: an app's open conversations and inherited channels.
CREATE INDEX conversations_open ON conversations (app_pk) WHERE kind = 'open';
CREATE INDEX team_channels_inherited ON team_channels (app_pk, conversation_pk) WHERE members_inherited = 1;

-- appnet channels: the access lists and annotations of App.net channels
-- (conversations of kind 'channel', whose rights come from these lists;
-- their members are their subscribers).
CREATE TABLE channel_access (
	conversation_pk   INTEGER PRIMARY KEY REFERENCES conversations (pk) ON DELETE CASCADE,
	readers_any_user  INTEGER NOT NULL DEFAULT 0 CHECK (readers_any_user IN (0, 1)),
	readers_public    INTEGER NOT NULL DEFAULT 0 CHECK (readers_public IN (0, 1)),
	readers_immutable INTEGER NOT NULL DEFAULT 0 CHECK (readers_immutable IN (0, 1)),
	writers_any_user  INTEGER NOT NULL DEFAULT 0 CHECK (writers_any_user IN (0, 1)),
	writers_immutable INTEGER NOT NULL DEFAULT 0 CHECK (writers_immutable IN (0, 1)),
	annotations       TEXT, -- JSON array of {type, value}
	inactive_at       INTEGER
);
-- The users an access list names, in the order given.
CREATE TABLE channel_acl_users (
	conversation_pk INTEGER NOT NULL REFERENCES channel_access (conversation_pk) ON DELETE CASCADE,
	list            TEXT    NOT NULL CHECK (list IN ('readers', 'writers')),
	user_pk         INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	position        INTEGER NOT NULL,
	PRIMARY KEY (conversation_pk, list, user_pk)
) WITHOUT ROWID;
CREATE INDEX channel_acl_users_user ON channel_acl_users (user_pk);
-- Channels a user muted (App.net): left out of their channel list.
CREATE TABLE channel_mutes (
	user_pk         INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	conversation_pk INTEGER NOT NULL REFERENCES conversations (pk) ON DELETE CASCADE,
	muted_at        INTEGER NOT NULL,
	PRIMARY KEY (user_pk, conversation_pk)
) WITHOUT ROWID;
CREATE INDEX channel_mutes_conversation ON channel_mutes (conversation_pk);
-- webhooks: an app's subscriptions of a URL to its events. The secret is
-- kept in clear: it signs every delivery. Deliveries live in memory only.
CREATE TABLE webhooks (
	pk         INTEGER PRIMARY KEY,
	app_pk     INTEGER NOT NULL REFERENCES apps (pk) ON DELETE CASCADE,
	id         TEXT    NOT NULL,
	url        TEXT    NOT NULL,
	types      TEXT,   -- comma-separated event types; NULL: every type but typing
	secret     TEXT    NOT NULL,
	created_at INTEGER NOT NULL,
	UNIQUE (app_pk, id)
);
-- flags: users report messages to the conversation's moderators (Amity's
-- flag, unflag, clearFlags). One flag per user and message.
CREATE TABLE message_flags (
	message_pk INTEGER NOT NULL REFERENCES messages (pk) ON DELETE CASCADE,
	user_pk    INTEGER NOT NULL REFERENCES users (pk) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (message_pk, user_pk)
) WITHOUT ROWID;
CREATE INDEX message_flags_user ON message_flags (user_pk);

CREATE TRIGGER message_flags_count_insert AFTER INSERT ON message_flags BEGIN
	UPDATE messages SET flag_count = flag_count + 1 WHERE pk = NEW.message_pk;
END;
CREATE TRIGGER message_flags_count_delete AFTER DELETE ON message_flags BEGIN
	UPDATE messages SET flag_count = flag_count - 1 WHERE pk = OLD.message_pk;
END;
