package search

import (
	"os"
	"path/filepath"
)

// Who reads an index. Every process that opens an index holds a shared
// lock on its readers file until it closes it; a build removes an older
// index only when it can take the lock exclusively, that is when no
// process reads it. The last reader of an index that is no longer current
// removes it as it closes. So the disk holds the current index plus those
// still answering queries, never a needless copy.

const readersName = "readers"

// holdReaders takes a shared lock on dir's readers file; release with
// releaseReaders.
func holdReaders(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, readersName), os.O_CREATE|os.O_RDONLY, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockShared(f); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func releaseReaders(f *os.File) {
	if f != nil {
		f.Close() // closing drops the lock
	}
}

// removeUnread removes the index folder dir unless a process reads it.
// It reports whether it did.
func removeUnread(dir string) bool {
	f, err := os.OpenFile(filepath.Join(dir, readersName), os.O_CREATE|os.O_RDONLY, 0o644)
	if err != nil {
		// No readers file can be made (the folder is going or broken):
		// nothing can hold it.
		os.RemoveAll(dir)
		return true
	}
	defer f.Close()
	if !tryLockExclusive(f) {
		return false
	}
	os.RemoveAll(dir)
	return true
}
