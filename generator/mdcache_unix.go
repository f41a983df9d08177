//go:build unix

package generator

import (
	"os"
	"syscall"
)

// readShard maps a store shard into memory read-only instead of reading it:
// its documents are substrings of the mapping, so a new process takes
// 100 MB of rendered Markdown without zeroing and copying it. The mapping
// is never removed (a process reads the store once); shards are replaced by
// rename, never rewritten in place, so a mapped file never changes under it.
func readShard(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 || int64(int(st.Size())) != st.Size() {
		return os.ReadFile(path)
	}
	return syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
}
