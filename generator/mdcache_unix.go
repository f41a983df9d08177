//go:build unix

package generator

import (
	"os"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"

	"portal/generator/markdown"
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
	b, err := unix.Mmap(int(f.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_PRIVATE)
	if err == nil {
		mapped.Lock()
		mapped.list = append(mapped.list, b)
		mapped.Unlock()
	}
	return b, err
}

// mapped are the shards this process mapped, for releaseMapped.
var mapped struct {
	sync.Mutex
	list [][]byte
}

// releaseMapped gives the pages of every mapped shard back to the page
// cache: the mapping stays valid (its file is never written in place, and
// a page read again is faulted in from the file), but the pages read so far
// stop counting as the process's own memory. A build that reads every
// body once from the store would otherwise hold the whole store in its
// resident set until it exits.
func releaseMapped() {
	mapped.Lock()
	defer mapped.Unlock()
	for _, b := range mapped.list {
		_ = unix.Madvise(b, unix.MADV_DONTNEED) // advice only: an error leaves the pages where they are
	}
}

// spill is where a pipeline's only run (Options.Once) moves each batch of
// Markdown it has rendered, out of the heap: an unlinked file in the state
// folder, written once and mapped back read-only, whose pages
// releaseMapped gives back once read. The file goes when the process does.
type spill struct {
	f   *os.File
	off int64
}

// newSpill returns a spill in dir, or nil when there is none to be had
// (the documents then stay in the heap: a build that uses more memory, not
// one that fails).
func newSpill(dir string) *spill {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	f, err := os.CreateTemp(dir, "spill-*")
	if err != nil {
		return nil
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil
	}
	return &spill{f: f}
}

// put writes docs and returns them as substrings of a mapping of what was
// written (the same bytes). On an error docs are returned as they are.
func (s *spill) put(docs []markdown.Doc) []markdown.Doc {
	n := 0
	for _, d := range docs {
		n += len(d.HTML) + len(d.Text)
	}
	if n == 0 {
		return docs
	}
	page := os.Getpagesize()
	buf := make([]byte, 0, n+page)
	for _, d := range docs {
		buf = append(buf, d.HTML...)
		buf = append(buf, d.Text...)
	}
	// The next batch's mapping starts on a page boundary.
	buf = buf[:n+(page-n%page)%page]
	if _, err := s.f.WriteAt(buf, s.off); err != nil {
		return docs
	}
	b, err := unix.Mmap(int(s.f.Fd()), s.off, n, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return docs
	}
	s.off += int64(len(buf))
	mapped.Lock()
	mapped.list = append(mapped.list, b)
	mapped.Unlock()
	all := unsafe.String(unsafe.SliceData(b), len(b))
	out := make([]markdown.Doc, len(docs))
	i := 0
	for k, d := range docs {
		out[k].HTML = all[i : i+len(d.HTML)]
		i += len(d.HTML)
		out[k].Text = all[i : i+len(d.Text)]
		i += len(d.Text)
	}
	return out
}

func (s *spill) close() { s.f.Close() }
