// Package atomicfile writes a file so that a reader sees either the old
// file or the new one, whole: the data goes to a temporary file beside the
// target, which is renamed over it. Every package that replaces a file
// other processes may read (the search pointer, the output manifest, the
// parse cache, the publication log, verify's state, imported data) writes
// through here.
package atomicfile

import (
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with data, with permissions perm. With sync the data
// reaches the disk before the rename (for files whose loss after a crash
// matters; caches need not pay for it). On error path is left as it was
// and the temporary file is removed.
func Write(path string, data []byte, perm fs.FileMode, sync bool) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
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
