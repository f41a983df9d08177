//go:build !linux

package loader

import "io/fs"

// changeTimeInode is the change time and inode where the stat has them;
// elsewhere size and modification time stand alone.
func changeTimeInode(fs.FileInfo) (int64, uint64) { return 0, 0 }
