package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"portal/generator/model"
)

// A serving site is rebuilt for three reasons: its content changed (the
// watcher), a new day began in the site's time zone (overdue counts,
// due-soon lists and the end of 公示期 are facts of a date), and the
// complaint figures moved (a complaint arrived or was handled, on this
// replica or another sharing the store). The reasons are requested from
// their own goroutines; one loop runs the rebuilds, one at a time, and
// requests made while a rebuild runs are served by a single next one.

// Why a rebuild was requested, as printed in the log.
const (
	reasonContent = "内容修改"
	reasonDay     = "新的一天"
	reasonFigures = "投诉数据变化"
)

// rebuilds coalesces rebuild requests and runs them one at a time.
type rebuilds struct {
	kick    chan struct{} // holds at most one pending wake-up
	mu      sync.Mutex
	pending []string           // the reasons since the last rebuild started
	paths   []string           // the changed files since then, for the log
	cancel  context.CancelFunc // the running rebuild's, if any
}

// shownPaths is how many changed files a rebuild's log line names.
const shownPaths = 5

func newRebuilds() *rebuilds { return &rebuilds{kick: make(chan struct{}, 1)} }

// request asks for a rebuild; it never blocks. A content change cancels
// the running rebuild, which builds what is now out of date: the next one
// starts at once with the newer content. (A new day or new figures wait
// for the running rebuild: it is not wasted, and the next one follows.)
func (r *rebuilds) request(reason string) { r.requestPaths(reason, nil) }

// requestPaths is request for a change of the files at paths, which the
// rebuild's log line names: what triggered each rebuild is on record.
func (r *rebuilds) requestPaths(reason string, paths []string) {
	r.mu.Lock()
	for _, p := range paths {
		if !slices.Contains(r.paths, p) {
			r.paths = append(r.paths, p)
		}
	}
	if !slices.Contains(r.pending, reason) {
		r.pending = append(r.pending, reason)
	}
	if reason == reasonContent && r.cancel != nil {
		r.cancel()
	}
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default: // a wake-up is already pending: it will see this reason too
	}
}

// run calls build with the pending reasons whenever there are some, until
// ctx ends. It returns after the running build, if any, has returned. The
// build's context ends when ctx does or a content change cancels it.
func (r *rebuilds) run(ctx context.Context, build func(ctx context.Context, reasons string)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.kick:
		}
		bctx, cancel := context.WithCancel(ctx)
		r.mu.Lock()
		reasons, paths := r.pending, r.paths
		r.pending, r.paths = nil, nil
		r.cancel = cancel
		r.mu.Unlock()
		if len(reasons) > 0 {
			build(bctx, strings.Join(reasons, "、")+describePaths(paths))
		}
		r.mu.Lock()
		r.cancel = nil
		r.mu.Unlock()
		cancel()
	}
}

// watchDay requests a rebuild when the day in loc is later than the day
// the live site was built for (builtDay), looking every interval: within
// one interval after midnight, and also after a suspended machine wakes or
// the clock is corrected.
func watchDay(ctx context.Context, clock func() time.Time, loc *time.Location, builtDay func() time.Time,
	interval time.Duration, request func(string)) {
	every(ctx, interval, func() {
		if built := builtDay(); !built.IsZero() && model.Today(clock(), loc).After(built) {
			request(reasonDay)
		}
	})
}

// watchFigures requests a rebuild when the complaint store's change count
// differs from the one the live figures were built from, looking every
// interval. A store that cannot be read is tried again at the next look
// (intake reports the outage itself).
func watchFigures(ctx context.Context, changes func(context.Context) (int64, error), built func() (int64, bool),
	interval time.Duration, request func(string)) {
	every(ctx, interval, func() {
		n, err := changes(ctx)
		if err != nil {
			return
		}
		if b, ok := built(); ok && n != b {
			request(reasonFigures)
		}
	})
}

// every calls look once per interval until ctx ends.
func every(ctx context.Context, interval time.Duration, look func()) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			look()
		}
	}
}

// liveState is what the live build was made from: the day it is correct
// for and the store's change count its figures include.
type liveState struct {
	mu      sync.Mutex
	day     time.Time
	changes int64
	known   bool // changes was read
}

func (s *liveState) set(day time.Time, changes int64, known bool) {
	s.mu.Lock()
	s.day, s.changes, s.known = day, changes, known
	s.mu.Unlock()
}

func (s *liveState) builtDay() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.day
}

func (s *liveState) builtChanges() (int64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changes, s.known
}

// followBuilds calls reload whenever the output folder is a different one
// than before (a build swaps in a new folder, or moves the link to a new
// version, in one step), looking every interval, until ctx ends.
func followBuilds(ctx context.Context, outDir string, interval time.Duration, reload func()) {
	prev, _ := os.Stat(outDir)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cur, err := os.Stat(outDir)
		if err != nil {
			continue // between two steps of a swap, or not built yet
		}
		if prev == nil || !os.SameFile(prev, cur) {
			prev = cur
			reload()
		}
	}
}

// describePaths names the changed files for a rebuild's log line: the
// first few and how many more.
func describePaths(paths []string) string {
	if len(paths) == 0 {
		return ""
	}
	shown := paths[:min(len(paths), shownPaths)]
	s := "：" + strings.Join(shown, "、")
	if more := len(paths) - len(shown); more > 0 {
		s += fmt.Sprintf(" 等 %d 个文件", len(paths))
	}
	return s
}
