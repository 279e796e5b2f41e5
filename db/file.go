package db

import "parley/server/core"

// fileRow is a row of files as the queries below select it.
type fileRow struct {
	PK        int64  `db:"pk"`
	AppPK     int64  `db:"app_pk"`
	ID        string `db:"id"`
	OwnerPK   int64  `db:"owner_pk"`
	BlobKey   string `db:"blob_key"`
	Name      string `db:"name"`
	MimeType  string `db:"mime_type"`
	Size      int64  `db:"size"`
	SHA256    string `db:"sha256"`
	Width     int    `db:"width"`
	Height    int    `db:"height"`
	CreatedAt int64  `db:"created_at"`
}

// InsertFile stores a file's description and sets its PK (and its ID, when
// empty, to the PK in decimal).
func (t *tx) InsertFile(f *core.File) error {
	return t.insertWithID("insert file", &f.PK, &f.ID, `
		INSERT INTO files (pk, app_pk, id, owner_pk, blob_key, name, mime_type, size, sha256,
			width, height, created_at)
		SELECT n, ?, `+idSQL+`, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM `+nextPK("files")+`
		RETURNING pk, id`,
		func(attempt int) []any {
			return append(append([]any{f.AppPK}, idArgs(f.ID, attempt)...),
				optPK(f.OwnerPK), f.BlobKey, f.Name, f.MimeType, f.Size, f.SHA256, f.Width, f.Height,
				ms(f.CreatedAt))
		})
}

// FileByID returns the app's file with the given text id or key reference.
func (t *tx) FileByID(appPK int64, id string) (*core.File, error) {
	term, arg := idTerm("", id)
	var r fileRow
	if err := t.one("get file", "file not found", &r, `
		SELECT pk, app_pk, id, IFNULL(owner_pk, 0) AS owner_pk, blob_key, name, mime_type, size, sha256,
			width, height, created_at
		FROM files WHERE app_pk = ? AND `+term, appPK, arg); err != nil {
		return nil, err
	}
	return &core.File{
		PK: r.PK, AppPK: r.AppPK, ID: r.ID, OwnerPK: r.OwnerPK, BlobKey: r.BlobKey, Name: r.Name,
		MimeType: r.MimeType, Size: r.Size, SHA256: r.SHA256, Width: r.Width, Height: r.Height,
		CreatedAt: fromMS(r.CreatedAt),
	}, nil
}

// DeleteFile deletes the file's description (the blob is the caller's);
// attachments that pointed at it keep their URL and lose their FileID.
func (t *tx) DeleteFile(pk int64) error {
	t.touchAll() // attachments refer to files
	return t.change("delete file", "file not found", `DELETE FROM files WHERE pk = ?`, pk)
}
