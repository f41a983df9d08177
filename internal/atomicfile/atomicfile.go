// Package atomicfile writes a file so that a reader sees either the old
// file or the new one, whole: the data goes to a temporary file beside the
// target, which is renamed over it. Every package that replaces a file
// other processes may read (the search pointer, the output manifest, the
// parse cache, the publication log, verify's state, imported data) writes
// through here.
package atomicfile

import (
	"bufio"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with data, with permissions perm. With sync the data
// reaches the disk before the rename (for files whose loss after a crash
// matters; caches need not pay for it). On error path is left as it was
// and the temporary file is removed.
func Write(path string, data []byte, perm fs.FileMode, sync bool) error {
	return write(path, perm, sync, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// WriteFunc replaces path with what fn writes (through a buffer), as Write
// does: for data too large to hold whole in memory first (the parse cache
// of a 100,000-row data file is over 100 MB). An error from fn leaves path
// as it was.
func WriteFunc(path string, perm fs.FileMode, sync bool, fn func(w io.Writer) error) error {
	return write(path, perm, sync, func(f *os.File) error {
		w := bufio.NewWriterSize(f, 256<<10)
		if err := fn(w); err != nil {
			return err
		}
		return w.Flush()
	})
}

func write(path string, perm fs.FileMode, sync bool, fill func(f *os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	err = fill(f)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), perm)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
