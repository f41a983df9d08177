//go:build !linux

package loader

import "io/fs"

// ChangeTimeInode is the change time and inode where the stat has them;
// elsewhere size and modification time stand alone.
func ChangeTimeInode(fs.FileInfo) (int64, uint64) { return 0, 0 }
