package server

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// QuietHandler wraps a slog.Handler so that a burst of identical warnings
// or errors is written once: the first as it comes, then, when Window has
// passed since it, one line saying how many more there were. "Identical"
// is the level, the message and the err attribute; attributes that differ
// on every line (a reference id, the path, the client) do not count. A
// database outage under load is thus a handful of lines, not tens of
// thousands. Info and debug lines pass as they are.
type QuietHandler struct {
	next   slog.Handler
	window time.Duration
	st     *quietState
}

type quietState struct {
	mu     sync.Mutex
	bursts map[string]*burst
}

type burst struct {
	first  slog.Record
	since  time.Time
	more   int
	timer  *time.Timer
	closed bool
}

// NewQuietHandler returns h with identical warnings and errors folded per
// window (a minute when zero).
func NewQuietHandler(h slog.Handler, window time.Duration) *QuietHandler {
	if window <= 0 {
		window = time.Minute
	}
	return &QuietHandler{next: h, window: window, st: &quietState{bursts: map[string]*burst{}}}
}

// Enabled implements slog.Handler.
func (q *QuietHandler) Enabled(ctx context.Context, l slog.Level) bool { return q.next.Enabled(ctx, l) }

// WithAttrs implements slog.Handler.
func (q *QuietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &QuietHandler{next: q.next.WithAttrs(as), window: q.window, st: q.st}
}

// WithGroup implements slog.Handler.
func (q *QuietHandler) WithGroup(name string) slog.Handler {
	return &QuietHandler{next: q.next.WithGroup(name), window: q.window, st: q.st}
}

// Handle implements slog.Handler.
func (q *QuietHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return q.next.Handle(ctx, r)
	}
	key := quietKey(r)
	q.st.mu.Lock()
	b := q.st.bursts[key]
	if b != nil && r.Time.Sub(b.since) < q.window {
		b.more++
		if b.timer == nil {
			b.timer = time.AfterFunc(q.window-r.Time.Sub(b.since), func() { q.flush(key, b) })
		}
		q.st.mu.Unlock()
		return nil
	}
	if b != nil {
		q.flushLocked(ctx, key, b)
	}
	q.st.bursts[key] = &burst{first: r.Clone(), since: r.Time}
	q.st.mu.Unlock()
	return q.next.Handle(ctx, r)
}

func (q *QuietHandler) flush(key string, b *burst) {
	q.st.mu.Lock()
	defer q.st.mu.Unlock()
	q.flushLocked(context.Background(), key, b)
}

// flushLocked writes b's count (once) and forgets it.
func (q *QuietHandler) flushLocked(ctx context.Context, key string, b *burst) {
	if b.closed {
		return
	}
	b.closed = true
	if b.timer != nil {
		b.timer.Stop()
	}
	if q.st.bursts[key] == b {
		delete(q.st.bursts, key)
	}
	if b.more == 0 {
		return
	}
	r := slog.NewRecord(time.Now(), b.first.Level, b.first.Message, 0)
	b.first.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			r.AddAttrs(a)
		}
		return true
	})
	r.AddAttrs(slog.Int("repeated", b.more), slog.String("during", time.Since(b.since).Round(time.Second).String()))
	_ = q.next.Handle(ctx, r)
}

// quietKey is what makes two records the same: level, message and error.
func quietKey(r slog.Record) string {
	var k strings.Builder
	fmt.Fprintf(&k, "%d\x00%s", r.Level, r.Message)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			k.WriteString("\x00")
			k.WriteString(a.Value.String())
		}
		return true
	})
	return k.String()
}
