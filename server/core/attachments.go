package core

import "context"

// resolveAttachments checks the attachments that name an uploaded file: the
// file must be of the caller's app and be the caller's own or one the
// caller sees. Blank descriptive fields are filled from the file.
func (s *Service) resolveAttachments(tx Tx, c *Caller, as []Attachment) error {
	for i := range as {
		a := &as[i]
		if a.FileID == "" {
			continue
		}
		f, err := s.visibleFile(tx, c, a.FileID)
		if ErrorCode(err) == ENOTFOUND {
			return Invalidf("attachments", "unknown file %q", a.FileID)
		} else if err != nil {
			return err
		}
		a.FileID = f.ID
		if a.Name == "" {
			a.Name = f.Name
		}
		if a.MimeType == "" {
			a.MimeType = f.MimeType
		}
		if a.Size == 0 {
			a.Size = f.Size
		}
		if a.Type == "" {
			a.Type = AttachmentKind(f.MimeType)
		}
	}
	return nil
}

// FileAttachment is the attachment that presents a stored file.
func FileAttachment(f *File) Attachment {
	return Attachment{Type: AttachmentKind(f.MimeType), Name: f.Name, MimeType: f.MimeType, Size: f.Size, FileID: f.ID}
}

// SendMessageWithFiles sends a message with staged uploads in one unit: the
// files are stored and attached (after in.Attachments, in order) in the
// message's own transaction, so either the message and every file exist or
// none does. The uploads are consumed either way.
func (s *Service) SendMessageWithFiles(ctx context.Context, c *Caller, in SendInput, uploads []*PendingUpload) (*Message, []*File, error) {
	if err := c.inApp(); err != nil {
		s.DiscardUploads(uploads...)
		return nil, nil, err
	}
	if c.user == nil {
		s.DiscardUploads(uploads...)
		return nil, nil, needUser("sending a message")
	}
	if len(in.Attachments)+len(uploads) > s.limits.Attachments {
		s.DiscardUploads(uploads...)
		return nil, nil, Invalidf("attachments", "at most %d attachments are allowed", s.limits.Attachments)
	}
	if err := s.checkSend(&in); err != nil {
		s.DiscardUploads(uploads...)
		return nil, nil, err
	}
	var conv *Conversation
	var m *Message
	var created bool
	files, err := s.storeUploads(ctx, uploads, func(tx Tx, files []*File) (err error) {
		send := in
		send.Attachments = append([]Attachment(nil), in.Attachments...)
		for i, f := range files {
			a := FileAttachment(f)
			a.Data = uploads[i].data
			send.Attachments = append(send.Attachments, a)
		}
		conv, m, created, err = s.send(tx, c, send)
		if err == nil && !created {
			return Errorf(ECONFLICT, "message id %q is already taken", in.ID)
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	s.publishMessage(ctx, EventMessageCreated, c, conv, m)
	return m, files, nil
}

// DeleteAttachments removes every attachment of a message: its sender only.
// Uploaded files the sender attached go too, unless another message still
// attaches them; their bytes go when no other file shares them.
func (s *Service) DeleteAttachments(ctx context.Context, c *Caller, messageID string) (*Message, error) {
	if err := c.inApp(); err != nil {
		return nil, err
	}
	s.blobMu.Lock()
	defer s.blobMu.Unlock()
	var m *Message
	var conv *Conversation
	var keys []string
	err := s.write(ctx, func(tx Tx) (err error) {
		if m, conv, _, err = s.visibleMessage(tx, c, messageID); err != nil {
			return err
		}
		if err := allow(c, actEdit, &standing{conv: conv, msg: m}); err != nil {
			return err
		}
		old := m.Attachments
		m.Attachments = nil
		m.UpdatedAt = s.Now()
		if err := tx.UpdateMessage(m); err != nil {
			return err
		}
		keys = nil
		for _, a := range old {
			if a.FileID == "" {
				continue
			}
			f, err := tx.FileByID(c.app.PK, a.FileID)
			if ErrorCode(err) == ENOTFOUND {
				continue
			} else if err != nil {
				return err
			}
			if f.OwnerPK != m.OwnerPK {
				continue
			}
			n, err := tx.FileAttachmentCount(f.PK)
			if err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			if err := tx.DeleteFile(f.PK); err != nil && ErrorCode(err) != ENOTFOUND {
				return err
			}
			keys = append(keys, f.blobKeys()...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.dropUnused(ctx, keys)
	s.publishMessage(ctx, EventMessageUpdated, c, conv, m)
	return m, nil
}
