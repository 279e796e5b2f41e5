package main

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"parley/db"
)

// A backup archive is a tar file (gzip-compressed when its name ends in
// .gz or .tgz) holding:
//
//	parley.db                 a snapshot of the database (VACUUM INTO)
//	blobs/sha256/ab/cdef...   every stored file, by content
//
// The snapshot is taken first and the files copied after: a file is
// written before the row that names it commits, so every file the snapshot
// names is there (files added later are extra, and harmless).

func runBackup(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet("backup")
	data := fs.String("data", "data", "the data folder of the (running or stopped) server")
	_, pos, err := parse(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("backup takes one archive file name")
	}
	n, err := backup(ctx, *data, pos[0])
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "backed up %s into %s (database and %d files)\n", *data, pos[0], n)
	return nil
}

// backup writes the archive of the data folder dir into file, atomically
// (a failed backup leaves no file), and returns the number of blobs.
func backup(ctx context.Context, dir, file string) (int, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(file), ".parley-backup-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	snapshot := filepath.Join(tmp, "parley.db")
	if err := db.Snapshot(ctx, filepath.Join(dir, "parley.db"), snapshot); err != nil {
		return 0, err
	}
	part := filepath.Join(tmp, "archive")
	out, err := os.Create(part)
	if err != nil {
		return 0, err
	}
	defer out.Close()
	bw := bufio.NewWriterSize(out, 1<<20)
	var w io.Writer = bw
	var gz *gzip.Writer
	if strings.HasSuffix(file, ".gz") || strings.HasSuffix(file, ".tgz") {
		gz = gzip.NewWriter(bw)
		w = gz
	}
	tw := tar.NewWriter(w)
	if err := addFile(tw, snapshot, "parley.db"); err != nil {
		return 0, err
	}
	n := 0
	blobs := filepath.Join(dir, "blobs", "sha256")
	err = filepath.WalkDir(blobs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == blobs {
				return nil // no file stored yet
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(filepath.Join(dir, "blobs"), p)
		if err != nil {
			return err
		}
		n++
		return addFile(tw, p, "blobs/"+filepath.ToSlash(rel))
	})
	if err != nil {
		return 0, fmt.Errorf("backup: files: %w", err)
	}
	if err := tw.Close(); err != nil {
		return 0, err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return 0, err
		}
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	if err := out.Sync(); err != nil {
		return 0, err
	}
	if err := out.Close(); err != nil {
		return 0, err
	}
	return n, os.Rename(part, file)
}

func addFile(tw *tar.Writer, src, name string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	hdr := &tar.Header{Name: name, Mode: 0o644, Size: fi.Size(), ModTime: fi.ModTime(), Typeflag: tar.TypeReg}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, f)
	return err
}

func runRestore(ctx context.Context, env *cliEnv, args []string) error {
	fs := newFlagSet("restore")
	data := fs.String("data", "data", "the data folder to restore into: absent or empty")
	_, pos, err := parse(fs, env, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("restore takes one archive file name")
	}
	n, err := restore(ctx, pos[0], *data)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "restored %s into %s (database and %d files)\n", pos[0], *data, n)
	return nil
}

// restore unpacks the archive file into dir, which must be absent or
// empty; it unpacks beside dir first, so a failed restore leaves dir as
// it was. It returns the number of blobs.
func restore(ctx context.Context, file, dir string) (int, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return 0, fmt.Errorf("%s is not empty: restore only into an empty or new data folder", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return 0, err
		}
		r = gz
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(abs), ".parley-restore-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	n, sawDB := 0, false
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("%s: %w", file, err)
		}
		name := path.Clean(hdr.Name)
		switch {
		case hdr.Typeflag != tar.TypeReg:
			return 0, fmt.Errorf("%s: unexpected entry %q", file, hdr.Name)
		case name == "parley.db":
			sawDB = true
		case strings.HasPrefix(name, "blobs/sha256/") && !strings.Contains(name, ".."):
			n++
		default:
			return 0, fmt.Errorf("%s: unexpected entry %q (not a Parley backup?)", file, hdr.Name)
		}
		dest := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
			return 0, err
		}
		if err := writeFile(dest, tr); err != nil {
			return 0, err
		}
	}
	if !sawDB {
		return 0, fmt.Errorf("%s holds no parley.db: not a Parley backup", file)
	}
	// Opening the database checks it is one this program reads.
	d, err := db.Open(ctx, db.Options{Path: filepath.Join(tmp, "parley.db"), Schema: schemaSQL})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	if err := d.Close(); err != nil {
		return 0, err
	}
	if err := os.Remove(abs); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, err // an empty folder goes; a non-empty one was refused above
	}
	return n, os.Rename(tmp, abs)
}

func writeFile(dest string, r io.Reader) error {
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
