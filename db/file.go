package db

import (
	"database/sql"
	"errors"

	"parley/server/core"
)

// fileRow is a row of files as the queries below select it.
type fileRow struct {
	PK          int64  `db:"pk"`
	AppPK       int64  `db:"app_pk"`
	ID          string `db:"id"`
	OwnerPK     int64  `db:"owner_pk"`
	BlobKey     string `db:"blob_key"`
	Name        string `db:"name"`
	MimeType    string `db:"mime_type"`
	Size        int64  `db:"size"`
	SHA256      string `db:"sha256"`
	Width       int    `db:"width"`
	Height      int    `db:"height"`
	CreatedAt   int64  `db:"created_at"`
	ThumbKey    string `db:"thumb_key"`
	ThumbMime   string `db:"thumb_mime"`
	ThumbSize   int64  `db:"thumb_size"`
	ThumbWidth  int    `db:"thumb_width"`
	ThumbHeight int    `db:"thumb_height"`
}

func (r *fileRow) file() *core.File {
	f := &core.File{
		PK: r.PK, AppPK: r.AppPK, ID: r.ID, OwnerPK: r.OwnerPK, BlobKey: r.BlobKey, Name: r.Name,
		MimeType: r.MimeType, Size: r.Size, SHA256: r.SHA256, Width: r.Width, Height: r.Height,
		CreatedAt: fromMS(r.CreatedAt),
	}
	if r.ThumbKey != "" {
		f.Thumbnail = &core.Thumbnail{BlobKey: r.ThumbKey, MimeType: r.ThumbMime, Size: r.ThumbSize,
			Width: r.ThumbWidth, Height: r.ThumbHeight}
	}
	return f
}

// InsertFile stores a file's description and sets its PK (and its ID, when
// empty, to the PK in decimal).
func (t *tx) InsertFile(f *core.File) error {
	var th core.Thumbnail
	if f.Thumbnail != nil {
		th = *f.Thumbnail
	}
	return t.insertWithID("insert file", &f.PK, &f.ID, `
		INSERT INTO files (pk, app_pk, id, owner_pk, blob_key, name, mime_type, size, sha256,
			width, height, created_at, thumb_key, thumb_mime, thumb_size, thumb_width, thumb_height)
		SELECT n, ?, `+idSQL+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM `+nextPK("files")+`
		RETURNING pk, id`,
		func(attempt int) []any {
			return append(append([]any{f.AppPK}, idArgs(f.ID, attempt)...),
				optPK(f.OwnerPK), f.BlobKey, f.Name, f.MimeType, f.Size, f.SHA256, f.Width, f.Height,
				ms(f.CreatedAt), th.BlobKey, th.MimeType, th.Size, th.Width, th.Height)
		})
}

// FileByID returns the app's file with the given text id or key reference.
func (t *tx) FileByID(appPK int64, id string) (*core.File, error) {
	term, arg := idTerm("", id)
	var r fileRow
	if err := t.one("get file", "file not found", &r, `
		SELECT pk, app_pk, id, IFNULL(owner_pk, 0) AS owner_pk, blob_key, name, mime_type, size, sha256,
			width, height, created_at, thumb_key, thumb_mime, thumb_size, thumb_width, thumb_height
		FROM files WHERE app_pk = ? AND `+term, appPK, arg); err != nil {
		return nil, err
	}
	return r.file(), nil
}

// DeleteFile deletes the file's description (the blob is the caller's);
// attachments that pointed at it keep their URL and lose their FileID.
func (t *tx) DeleteFile(pk int64) error {
	t.touchAll() // attachments refer to files
	return t.change("delete file", "file not found", `DELETE FROM files WHERE pk = ?`, pk)
}

// BlobKeysInUse reports which of the blob keys a file or thumbnail of any
// app still names (one indexed look-up per key).
func (t *tx) BlobKeysInUse(keys []string) (map[string]bool, error) {
	used := make(map[string]bool, len(keys))
	for _, k := range keys {
		if _, seen := used[k]; seen {
			continue
		}
		var n int
		if err := t.get(&n, `
			SELECT EXISTS (SELECT 1 FROM files WHERE blob_key = ?)
				OR EXISTS (SELECT 1 FROM files WHERE thumb_key = ?)`, k, k); err != nil {
			return nil, dbErr("blob keys in use", err)
		}
		used[k] = n != 0
	}
	return used, nil
}

// FileVisibleTo reports whether the user sees a message that attaches the
// file: a message not recalled, in a conversation the user belongs to (or an
// open one), addressed to everyone or to the user (or sent by them).
func (t *tx) FileVisibleTo(filePK, userPK int64) (bool, error) {
	var n int
	err := t.get(&n, `
		SELECT EXISTS (
			SELECT 1 FROM attachments a
			JOIN messages m ON m.pk = a.message_pk
			JOIN conversations c ON c.pk = m.conversation_pk
			WHERE a.file_pk = ? AND m.deleted_at IS NULL
				AND (c.kind = 'open' OR EXISTS (
					SELECT 1 FROM members mb WHERE mb.conversation_pk = c.pk AND mb.user_pk = ?))
				AND (m.has_recipients = 0 OR m.owner_pk = ? OR EXISTS (
					SELECT 1 FROM recipients r WHERE r.message_pk = m.pk AND r.user_pk = ?))
				AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.message_pk = m.pk AND h.user_pk = ?))`,
		filePK, userPK, userPK, userPK, userPK)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbErr("file visible", err)
	}
	return n != 0, nil
}

// FileAttachmentCount returns how many attachments name the file.
func (t *tx) FileAttachmentCount(filePK int64) (int, error) {
	var n int
	if err := t.get(&n, `SELECT COUNT(*) FROM attachments WHERE file_pk = ?`, filePK); err != nil {
		return 0, dbErr("count file attachments", err)
	}
	return n, nil
}
