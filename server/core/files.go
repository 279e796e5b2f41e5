package core

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
)

// The file service. Bytes are streamed into the blob store (never held
// whole), addressed by their sha256 and shared by every file with the same
// bytes; each upload is its own File row. A blob is removed when the last
// row naming it goes: the check and the removal run under blobLock, which
// every blob commit also takes, so no upload can start using a blob that a
// delete is removing. A crash between storing a blob and its row leaves an
// unnamed blob, which SweepBlobs removes at start.

// blobLock serialises blob commits and removals (held briefly: never while
// bytes stream in).
type blobLock struct{ sync.Mutex }

// UploadInput is one file to upload.
type UploadInput struct {
	ID       string    // optional client-chosen id
	Name     string    // the client's file name; cleaned, never a path
	MimeType string    // as declared; images are recognised by their bytes
	Body     io.Reader // streamed into the blob store
}

// PendingUpload is an upload whose bytes are received but which is not a
// File yet. Store it with UploadFile's siblings (SendMessageWithFiles) or
// drop it with DiscardUploads.
type PendingUpload struct {
	file  File
	blob  StagedBlob
	thumb StagedBlob // nil unless the file is an image with a thumbnail
	data  []byte     // the client's description of the attachment (Describe)
}

// File returns what the upload will be stored as (no PK or ID yet).
func (p *PendingUpload) File() File { return p.file }

func (p *PendingUpload) staged() []StagedBlob {
	if p.thumb != nil {
		return []StagedBlob{p.blob, p.thumb}
	}
	return []StagedBlob{p.blob}
}

// StageUpload receives an upload's bytes: streamed into the blob store's
// temporary space up to the size limit (ETOOLARGE past it, leaving nothing
// behind), recognised as an image (width, height and a thumbnail) from its
// bytes. Nothing is visible until it is stored.
func (s *Service) StageUpload(ctx context.Context, c *Caller, in UploadInput) (*PendingUpload, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	if err := allow(c, actUpload, nil); err != nil {
		return nil, err
	}
	if err := s.checkNewID("id", in.ID); err != nil {
		return nil, err
	}
	if s.blobs == nil {
		return nil, Errorf(EINTERNAL, "no blob store")
	}
	if in.Body == nil {
		return nil, Invalidf("file", "the file has no content")
	}
	name := CleanFileName(in.Name)
	st, err := s.blobs.Stage(ctx, in.Body, s.limits.MaxUploadBytes)
	if err != nil {
		return nil, uploadError(err)
	}
	b := st.Blob()
	p := &PendingUpload{blob: st, file: File{AppPK: c.app.PK, ID: in.ID, Name: name,
		MimeType: fileMimeType(in.MimeType, name), BlobKey: b.Key, Size: b.Size, SHA256: b.SHA256}}
	if c.user != nil {
		p.file.OwnerPK = c.user.PK
	}
	if err := s.probe(ctx, p); err != nil {
		s.DiscardUploads(p)
		return nil, err
	}
	return p, nil
}

// uploadError keeps the core's own errors (too large) and reports a broken
// stream as bad input: the client's body ended or failed mid-file.
func uploadError(err error) error {
	var ce *Error
	if errors.As(err, &ce) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return Invalidf("file", "the upload ended before the file did")
	}
	return err
}

// probe reads an image's size and renders its thumbnail from the staged
// bytes.
func (s *Service) probe(ctx context.Context, p *PendingUpload) error {
	if p.file.Size == 0 {
		return nil
	}
	r, err := p.blob.Open()
	if err != nil {
		return err
	}
	info, ok := probeImage(r)
	r.Close()
	if !ok {
		return nil
	}
	p.file.MimeType = "image/" + info.format
	p.file.Width, p.file.Height = info.width, info.height
	if info.thumb == nil {
		return nil
	}
	th, err := s.blobs.Stage(ctx, bytes.NewReader(info.thumb), 0)
	if err != nil {
		return err
	}
	tb := th.Blob()
	p.thumb = th
	p.file.Thumbnail = &Thumbnail{BlobKey: tb.Key, MimeType: info.thumbMime, Size: tb.Size,
		Width: info.thumbW, Height: info.thumbH}
	return nil
}

// DiscardUploads drops uploads that will not be stored (their staged bytes
// go; stored ones are not touched).
func (s *Service) DiscardUploads(ps ...*PendingUpload) {
	for _, p := range ps {
		if p == nil {
			continue
		}
		for _, st := range p.staged() {
			if err := st.Discard(); err != nil {
				s.log.Warn("discard upload", "err", err)
			}
		}
	}
}

// UploadFile streams one upload into the blob store and records it as a
// File of the caller's app, owned by the acting user (or by the app when it
// acts as itself).
func (s *Service) UploadFile(ctx context.Context, c *Caller, in UploadInput) (*File, error) {
	p, err := s.StageUpload(ctx, c, in)
	if err != nil {
		return nil, err
	}
	files, err := s.storeUploads(ctx, []*PendingUpload{p}, nil)
	if err != nil {
		return nil, err
	}
	return files[0], nil
}

// StoreUploads records staged uploads as Files, all or none (a dialect
// stages a multipart body's file first and stores it once the form fields
// after it are read). The uploads are consumed either way.
func (s *Service) StoreUploads(ctx context.Context, c *Caller, ps ...*PendingUpload) ([]*File, error) {
	for _, p := range ps {
		if err := c.inApp(); err != nil || p.file.AppPK != c.app.PK {
			s.DiscardUploads(ps...)
			return nil, Errorf(EFORBIDDEN, "the upload belongs to another app")
		}
	}
	return s.storeUploads(ctx, ps, nil)
}

// storeUploads commits the staged blobs and inserts their File rows, with
// whatever then (which runs in the same transaction and may refuse). On any
// failure nothing is kept: rows roll back, blobs no row names are removed.
// The staged bytes are always consumed.
func (s *Service) storeUploads(ctx context.Context, ps []*PendingUpload, then func(tx Tx, files []*File) error) ([]*File, error) {
	defer s.DiscardUploads(ps...)
	s.blobMu.Lock()
	defer s.blobMu.Unlock()
	var keys []string
	var err error
	for _, p := range ps {
		for _, st := range p.staged() {
			if err = st.Commit(); err != nil {
				break
			}
			keys = append(keys, st.Blob().Key)
		}
		if err != nil {
			break
		}
	}
	var files []*File
	if err == nil {
		now := s.Now()
		err = s.write(ctx, func(tx Tx) error {
			files = make([]*File, len(ps))
			for i, p := range ps {
				f := p.file
				f.CreatedAt = now
				if f.Thumbnail != nil {
					th := *f.Thumbnail
					f.Thumbnail = &th
				}
				if err := tx.InsertFile(&f); err != nil {
					if ErrorCode(err) == ECONFLICT {
						return Errorf(ECONFLICT, "file id %q is already taken", f.ID)
					}
					return err
				}
				files[i] = &f
			}
			if then != nil {
				return then(tx, files)
			}
			return nil
		})
	}
	if err != nil {
		s.dropUnused(ctx, keys)
		return nil, err
	}
	return files, nil
}

// dropUnused removes the blobs no row names. The caller holds blobMu.
func (s *Service) dropUnused(ctx context.Context, keys []string) {
	if len(keys) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	var used map[string]bool
	err := s.read(ctx, func(tx Tx) (err error) {
		used, err = tx.BlobKeysInUse(keys)
		return err
	})
	if err != nil {
		// Kept bytes cost space only; the start-up sweep will find them.
		s.log.Warn("blobs in use", "err", err)
		return
	}
	for _, k := range keys {
		if used[k] {
			continue
		}
		used[k] = true // once
		if err := s.blobs.Delete(ctx, k); err != nil {
			s.log.Warn("delete blob", "key", k, "err", err)
		}
	}
}

// visibleFile loads the app's file when the caller may see it: the app
// itself, its uploader, and the users who see a message attaching it.
// Others get ENOTFOUND, as if it did not exist.
func (s *Service) visibleFile(tx Tx, c *Caller, id string) (*File, error) {
	if err := s.checkID("fileId", id); err != nil {
		return nil, Errorf(ENOTFOUND, "file not found")
	}
	if err := c.inApp(); err != nil {
		return nil, err
	}
	f, err := tx.FileByID(c.app.PK, id)
	if err != nil {
		return nil, err
	}
	st := &standing{file: f}
	if !appWide(c) && c.user != nil && f.OwnerPK != c.user.PK {
		if st.attached, err = tx.FileVisibleTo(f.PK, c.user.PK); err != nil {
			return nil, err
		}
	}
	if err := allow(c, actSeeFile, st); err != nil {
		return nil, err
	}
	return f, nil
}

// GetFile returns a file's description.
func (s *Service) GetFile(ctx context.Context, c *Caller, id string) (*File, error) {
	var f *File
	err := s.read(ctx, func(tx Tx) (err error) {
		f, err = s.visibleFile(tx, c, id)
		return err
	})
	return f, err
}

// OpenFile returns a file's description and its bytes, ready for
// http.ServeContent. The caller closes the reader.
func (s *Service) OpenFile(ctx context.Context, c *Caller, id string) (*File, BlobReader, error) {
	return s.openFile(ctx, c, id, false)
}

// OpenThumbnail is OpenFile for the file's thumbnail (ENOTFOUND when it has
// none).
func (s *Service) OpenThumbnail(ctx context.Context, c *Caller, id string) (*File, BlobReader, error) {
	return s.openFile(ctx, c, id, true)
}

func (s *Service) openFile(ctx context.Context, c *Caller, id string, thumbnail bool) (*File, BlobReader, error) {
	f, err := s.GetFile(ctx, c, id)
	if err != nil {
		return nil, nil, err
	}
	key := f.BlobKey
	if thumbnail {
		if f.Thumbnail == nil {
			return nil, nil, Errorf(ENOTFOUND, "file has no thumbnail")
		}
		key = f.Thumbnail.BlobKey
	}
	r, _, err := s.blobs.Open(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	return f, r, nil
}

// DeleteFile deletes a file: its uploader or the app. Its bytes go with it
// unless another file has the same bytes. Attachments that named it keep
// their description and lose the link.
func (s *Service) DeleteFile(ctx context.Context, c *Caller, id string) error {
	s.blobMu.Lock()
	defer s.blobMu.Unlock()
	var keys []string
	err := s.write(ctx, func(tx Tx) error {
		f, err := s.visibleFile(tx, c, id)
		if err != nil {
			return err
		}
		if err := allow(c, actDeleteFile, &standing{file: f}); err != nil {
			return err
		}
		keys = f.blobKeys()
		return tx.DeleteFile(f.PK)
	})
	if err != nil {
		return err
	}
	s.dropUnused(ctx, keys)
	return nil
}

func (f *File) blobKeys() []string {
	if f.Thumbnail != nil {
		return []string{f.BlobKey, f.Thumbnail.BlobKey}
	}
	return []string{f.BlobKey}
}

// SweepBlobs removes what no row names: leftovers of interrupted uploads and
// blobs whose row was never written (a crash between the two). Run it at
// start, before serving; it returns how many blobs it removed.
func (s *Service) SweepBlobs(ctx context.Context) (int, error) {
	if s.blobs == nil {
		return 0, nil
	}
	s.blobMu.Lock()
	defer s.blobMu.Unlock()
	if err := s.blobs.ClearTemp(ctx); err != nil {
		return 0, err
	}
	removed := 0
	var batch []string
	flush := func() error {
		var used map[string]bool
		err := s.read(ctx, func(tx Tx) (err error) {
			used, err = tx.BlobKeysInUse(batch)
			return err
		})
		if err != nil {
			return err
		}
		for _, k := range batch {
			if !used[k] {
				if err := s.blobs.Delete(ctx, k); err != nil {
					return err
				}
				removed++
			}
		}
		batch = batch[:0]
		return nil
	}
	err := s.blobs.Keys(ctx, func(key string) error {
		batch = append(batch, key)
		if len(batch) >= 500 {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	return removed, err
}
