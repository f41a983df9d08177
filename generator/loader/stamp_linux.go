package loader

import (
	"io/fs"
	"syscall"
)

// ChangeTimeInode returns the file's change time (UnixNano) and inode.
func ChangeTimeInode(st fs.FileInfo) (int64, uint64) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return s.Ctim.Nano(), s.Ino
	}
	return 0, 0 // not an operating-system file (a test's in-memory one)
}
