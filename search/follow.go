package search

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// reloadInterval is how often a Follower looks at the pointer file.
const reloadInterval = time.Second

// Follower answers queries from the current index under a state folder and
// switches to a new index when a build moves the pointer, without failing a
// query: a query runs on the index it started with, and an index is closed
// only after its last query returns. It is safe for concurrent use.
type Follower struct {
	stateDir  string
	cur       atomic.Pointer[handle]
	lastCheck atomic.Int64 // unix nanoseconds
	checking  sync.Mutex
	closed    atomic.Bool
}

type handle struct {
	name   string
	ix     *Index
	mu     sync.RWMutex // read-held by each query; write-held to close
	closed bool
}

// Follow returns a Follower for stateDir. Before a first build, Search
// returns ErrNoIndex; it starts answering once an index appears.
func Follow(stateDir string) *Follower {
	f := &Follower{stateDir: stateDir}
	f.reload()
	return f
}

// Search answers q from the current index.
func (f *Follower) Search(ctx context.Context, q Query) (Result, error) {
	if err := q.Validate(); err != nil {
		return Result{}, err
	}
	if time.Now().UnixNano()-f.lastCheck.Load() > int64(reloadInterval) {
		f.reload()
	}
	for range 3 {
		h := f.cur.Load()
		if h == nil {
			return Result{}, ErrNoIndex
		}
		h.mu.RLock()
		if h.closed { // swapped out and closed between Load and RLock
			h.mu.RUnlock()
			continue
		}
		res, err := h.ix.Search(ctx, q)
		h.mu.RUnlock()
		return res, err
	}
	return Result{}, ErrNoIndex
}

// Reload looks at the pointer now, so an index a build just made current
// answers the next query (otherwise it is noticed within reloadInterval).
func (f *Follower) Reload() { f.reload() }

// Docs returns the number of documents in the current index (0 if none).
func (f *Follower) Docs() int {
	if h := f.cur.Load(); h != nil {
		return h.ix.Docs()
	}
	return 0
}

// reload opens the index the pointer names if it is not the open one. One
// caller checks at a time; the others go on with the index they have.
func (f *Follower) reload() {
	if !f.checking.TryLock() {
		return
	}
	defer f.checking.Unlock()
	f.lastCheck.Store(time.Now().UnixNano())
	if f.closed.Load() {
		return
	}
	name, err := readPointer(f.stateDir)
	if err != nil {
		return
	}
	if h := f.cur.Load(); h != nil && h.name == name {
		return
	}
	ix, err := openDir(filepath.Join(f.stateDir, name))
	if err != nil {
		return // keep the open index; try again at the next interval
	}
	old := f.cur.Swap(&handle{name: name, ix: ix})
	if old != nil {
		go old.retire()
	}
}

// retire closes h once its running queries have returned.
func (h *handle) retire() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		h.ix.Close()
	}
}

// Close closes the open index; Search then returns ErrNoIndex.
func (f *Follower) Close() error {
	f.closed.Store(true)
	f.checking.Lock()
	defer f.checking.Unlock()
	if h := f.cur.Swap(nil); h != nil {
		h.mu.Lock()
		defer h.mu.Unlock()
		if !h.closed {
			h.closed = true
			return h.ix.Close()
		}
	}
	return nil
}
