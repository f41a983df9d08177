//go:build !unix

package search

import "os"

// Without flock, readers are not tracked and old indexes are kept until a
// later build finds them older than the current one's predecessor.
func lockShared(f *os.File) error { return nil }

func tryLockExclusive(f *os.File) bool { return false }
