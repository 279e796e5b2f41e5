package blobstore

import "path/filepath"

// keyLen is the length of a key: a sha256 in lowercase hex.
const keyLen = 64

// validKey reports whether key is exactly 64 lowercase hex digits. Only such
// keys are turned into paths, which is what keeps "../" and every other
// client-supplied string away from the file system.
func validKey(key string) bool {
	if len(key) != keyLen {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// blobPath returns where a valid key's blob lives: sha256/ab/cdef...
// The two-character fan-out keeps folders small.
func blobPath(key string) string {
	return filepath.Join(blobDir, key[:2], key[2:])
}
