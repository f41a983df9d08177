//go:build !unix

package generator

import (
	"os"
	"path/filepath"
)

// lockDir opens dir's lock file; systems without flock build unlocked.
func lockDir(dir string) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, "lock"), os.O_CREATE|os.O_RDWR, 0o644)
}

func unlockDir(f *os.File) { f.Close() }

// writeNew creates (or truncates) path and writes data to it.
func writeNew(path string, data []byte, perm os.FileMode) error {
	return os.WriteFile(path, data, perm)
}
