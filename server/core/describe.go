package core

// Describe gives a staged upload the name and description the client sent
// for it apart from its bytes (CoWork's attachment descriptors come in a
// JSON part of their own): the file takes the name (cleaned; an empty name
// keeps the part's), and the attachment made from it keeps data (a JSON
// object, at most Limits.MetadataBytes; larger is dropped) as its Data.
func (p *PendingUpload) Describe(name string, data []byte) {
	if n := CleanFileName(name); n != "" {
		p.file.Name = n
	}
	if len(data) <= DefaultLimits.MetadataBytes {
		p.data = data
	}
}
