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
