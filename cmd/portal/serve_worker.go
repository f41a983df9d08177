package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"portal/generator"
)

// serve's rebuilds run in a build worker: a child process (`portal
// build-worker`, the same program) that keeps one pipeline, and so the
// incremental build's memory, from run to run, and answers one build per
// request. Content can make a build crash or exhaust memory (a hostile file
// the limits did not foresee, a bug): in the worker that ends the worker,
// never the server, whose complaint intake, search and last good site go
// on; the server reports it and starts a new worker for the next build.
// The worker's memory is bounded (RLIMIT_DATA, which counts the Go heap),
// so a runaway build fails in seconds instead of pushing the machine, and
// the server with it, into swap or the kernel's OOM killer.
//
// Protocol: the server writes "build\n" or "cancel\n" to the worker's
// standard input; the worker answers each build with one JSON line
// (workerResult) on file descriptor 3. Its standard output and error are
// the build's summary and diagnostics, passed through to the server's.

// workerCommand is the hidden command name of the build worker.
const workerCommand = "build-worker"

// workerEnv marks the worker's environment: a test binary standing in for
// portal (os.Executable in tests) runs the command instead of the tests.
const workerEnv = "PORTAL_BUILD_WORKER"

// cancelGrace is how long a cancelled build may take to stop by itself
// before its worker is killed: a cancelled build ends within a second.
const cancelGrace = time.Second

// defaultBuildMemoryMiB bounds a build worker's memory: the shipped site
// builds in about 130 MiB, and a site of 10,000 pages in well under 1 GiB.
const defaultBuildMemoryMiB = 2048

// workerResult is the worker's answer to one build.
type workerResult struct {
	OK        bool     `json:"ok"`
	Cancelled bool     `json:"cancelled,omitempty"`
	Today     string   `json:"today,omitempty"`  // RFC 3339: the day the build is correct for
	Errors    []string `json:"errors,omitempty"` // content errors (file:line: message), the first few
	More      int      `json:"more,omitempty"`   // content errors not in Errors
}

// contentErrors is a build refused for content errors (printed in full by
// the worker); it is errReported, with the first few for staff.
type contentErrors struct {
	lines []string
	more  int
}

func (e *contentErrors) Error() string        { return errReported.Error() }
func (e *contentErrors) Is(target error) bool { return target == errReported }

// cmdBuildWorker is `portal build-worker -site DIR -out DIR [-base-url URL]
// [-db DSN] [-max-memory MiB]`, started by serve only.
func cmdBuildWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(workerCommand, "portal build-worker (started by portal serve)", stderr)
	siteDir := fs.String("site", ".", "site folder")
	outDir := fs.String("out", "", "output folder")
	baseURL := fs.String("base-url", "", "the public address every link uses")
	dsn := fs.String("db", "", "complaint store")
	maxMiB := fs.Int("max-memory", 0, "MiB the worker may use (0: no limit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := limitMemory(*maxMiB); err != nil {
		return err
	}
	// What the worker writes is public: the site, which a web server
	// running as another user serves, and the search index. The server
	// runs with umask 077 (portal@.service) for the complaint store; the
	// worker's files are readable by others whatever it inherited. (The
	// store, exports and backups are created 0600 explicitly.)
	unix.Umask(0o022)
	// Should the machine itself run short of memory, the kernel's OOM
	// killer takes the worker first, not the server (best effort: an
	// unprivileged process may raise its own score).
	_ = os.WriteFile("/proc/self/oom_score_adj", []byte("800\n"), 0)
	results := os.NewFile(3, "results")
	if results == nil {
		return errors.New("build-worker: no results pipe (it is started by portal serve)")
	}
	defer results.Close()
	opts := generator.Options{SiteDir: *siteDir, OutDir: *outDir, BaseURL: *baseURL, Progress: stderr}
	pipeline := sitePipeline(opts, *dsn, nil)

	var mu sync.Mutex
	var cancelBuild context.CancelFunc
	requests := make(chan struct{}, 1)
	go func() {
		defer close(requests)
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			switch sc.Text() {
			case "build":
				requests <- struct{}{}
			case "cancel":
				mu.Lock()
				if cancelBuild != nil {
					cancelBuild()
				}
				mu.Unlock()
			}
		}
		// The server closed our input (it stops) or died: stop too.
		mu.Lock()
		if cancelBuild != nil {
			cancelBuild()
		}
		mu.Unlock()
	}()
	enc := json.NewEncoder(results)
	builds := 0
	for {
		select {
		case <-ctx.Done():
			return nil
		case _, ok := <-requests:
			if !ok {
				return nil
			}
		}
		bctx, cancel := context.WithCancel(ctx)
		mu.Lock()
		cancelBuild = cancel
		mu.Unlock()
		if workerTestHook != nil {
			workerTestHook(bctx)
		}
		diags := &lineCapture{max: 20}
		builds++
		stopProfile := workerProfile(builds)
		res, err := runPipeline(bctx, pipeline, io.MultiWriter(stderr, diags))
		stopProfile()
		if workerTestAfterBuild != nil {
			workerTestAfterBuild(builds)
		}
		cancelled := bctx.Err() != nil
		mu.Lock()
		cancelBuild = nil
		mu.Unlock()
		cancel()
		var r workerResult
		switch {
		case err == nil:
			printSummary(stdout, res)
			r = workerResult{OK: true, Today: res.Today.Format(time.RFC3339)}
		case cancelled:
			r = workerResult{Cancelled: true}
		default:
			if !errors.Is(err, errReported) {
				fmt.Fprintln(stderr, "portal:", err)
			}
			r.Errors, r.More = diags.lines()
		}
		if err := enc.Encode(r); err != nil {
			return nil // the server is gone
		}
	}
}

// workerProfile writes a CPU profile of the worker's nth build to
// PORTAL_CPUPROFILE.n when that is set (serve passes its environment on),
// so a rebuild under serve can be profiled as `portal build` is.
func workerProfile(n int) (stop func()) {
	path := os.Getenv("PORTAL_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path + "." + strconv.Itoa(n))
	if err != nil {
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}

// workerTestHook, when set (by tests only), runs at the start of every
// build in the worker: a stand-in for a build that ignores cancellation.
var workerTestHook func(ctx context.Context)

// workerTestAfterBuild, when set (by tests only), runs after the worker's
// nth build, before it answers: a stand-in for an edit saved at the end of
// a build, after the build read the file.
var workerTestAfterBuild func(n int)

// limitMemory bounds this process's data segment to mib MiB (the Go heap
// lives there; RLIMIT_AS would also count address space the runtime only
// reserves) and asks the garbage collector to work harder near the bound,
// so a build over it fails with "out of memory" rather than growing.
func limitMemory(mib int) error {
	if mib <= 0 {
		return nil
	}
	n := uint64(mib) << 20
	if err := unix.Setrlimit(unix.RLIMIT_DATA, &unix.Rlimit{Cur: n, Max: n}); err != nil {
		return fmt.Errorf("build-worker: memory limit %d MiB: %w", mib, err)
	}
	debug.SetMemoryLimit(int64(n) / 10 * 9)
	return nil
}

// buildWorker is serve's side of the worker: it starts one when a build is
// asked for and none runs, and replaces one that crashed or was killed.
type buildWorker struct {
	args           []string // after the command name
	stdout, stderr io.Writer
	maxMiB         int

	cmd     *exec.Cmd
	in      io.WriteCloser
	results chan workerResult // closed when the worker's pipe closes
	exited  chan struct{}     // closed when the worker has exited
	waitErr error             // set before exited closes
	oom     *oomWatch         // over the worker's error output
}

func newBuildWorker(siteDir, outDir, baseURL, dsn string, maxMiB int, stdout, stderr io.Writer) *buildWorker {
	return &buildWorker{
		args: []string{"-site", siteDir, "-out", outDir, "-base-url", baseURL, "-db", dsn,
			"-max-memory", strconv.Itoa(maxMiB)},
		stdout: stdout, stderr: stderr, maxMiB: maxMiB,
	}
}

func (b *buildWorker) start() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("build worker: %w", err)
	}
	cmd := exec.Command(exe, append([]string{workerCommand}, b.args...)...)
	cmd.Env = append(os.Environ(), workerEnv+"=1")
	b.oom = &oomWatch{}
	cmd.Stdout = b.stdout
	cmd.Stderr = io.MultiWriter(b.stderr, b.oom)
	in, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("build worker: %w", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("build worker: %w", err)
	}
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return fmt.Errorf("build worker: %w", err)
	}
	w.Close()
	results := make(chan workerResult)
	exited := make(chan struct{})
	go func() {
		defer close(results)
		defer r.Close()
		dec := json.NewDecoder(r)
		for {
			var res workerResult
			if dec.Decode(&res) != nil {
				return
			}
			results <- res
		}
	}()
	go func() {
		err := cmd.Wait()
		b.waitErr = err
		close(exited)
	}()
	b.cmd, b.in, b.results, b.exited = cmd, in, results, exited
	return nil
}

// errBuildCancelled is build's error when ctx ended first.
var errBuildCancelled = errors.New("build cancelled")

// build asks the worker for one build and waits for it. It returns the day
// the new build is correct for; errReported when the content has errors
// (the worker printed them); errBuildCancelled when ctx ended first (the
// build stopped, or its worker was killed, within cancelGrace); any other
// error when the worker crashed, saying how.
func (b *buildWorker) build(ctx context.Context) (time.Time, error) {
	if b.cmd == nil {
		if err := b.start(); err != nil {
			return time.Time{}, err
		}
	}
	if _, err := io.WriteString(b.in, "build\n"); err != nil {
		return time.Time{}, b.crashed()
	}
	select {
	case res, ok := <-b.results:
		if !ok {
			return time.Time{}, b.crashed()
		}
		return b.answer(res)
	case <-ctx.Done():
	}
	io.WriteString(b.in, "cancel\n")
	select {
	case res, ok := <-b.results:
		if ok && !res.Cancelled {
			return b.answer(res) // it had just finished
		}
		if !ok {
			b.reap()
		}
	case <-time.After(cancelGrace):
		b.kill()
		// The next build starts a new worker, without the kept pipeline:
		// it renders every page, which under load takes long enough that
		// the log must say why.
		fmt.Fprintf(b.stderr, "portal: 已取消的重新生成 %s 内未停止，重新生成进程已结束；下一次生成在新进程中重新生成全部页面 (a cancelled build did not stop within %s: its worker was killed; the next build renders every page)\n", cancelGrace, cancelGrace)
	}
	return time.Time{}, errBuildCancelled
}

func (b *buildWorker) answer(res workerResult) (time.Time, error) {
	switch {
	case res.OK:
		day, err := time.Parse(time.RFC3339, res.Today)
		if err != nil {
			return time.Time{}, fmt.Errorf("build worker: bad day %q", res.Today)
		}
		return day, nil
	case res.Cancelled:
		return time.Time{}, errBuildCancelled
	default:
		return time.Time{}, &contentErrors{lines: res.Errors, more: res.More}
	}
}

// crashed waits for the worker that stopped answering and says why it
// ended; the next build starts a new one.
func (b *buildWorker) crashed() error {
	b.reap()
	why := "未知原因"
	if b.waitErr != nil {
		why = b.waitErr.Error()
	}
	msg := fmt.Sprintf("重新生成进程异常退出（%s）", why)
	switch {
	case b.oom.outOfMemory():
		msg = fmt.Sprintf("重新生成进程内存超过上限 %d MiB（-build-memory）后退出（%s）", b.maxMiB, why)
	case b.maxMiB > 0:
		// Near its bound the runtime may also fail in other ways.
		msg += fmt.Sprintf("；如因内存不足，可用 -build-memory 提高上限（现为 %d MiB）", b.maxMiB)
	}
	return errors.New(msg)
}

// reap waits for an exiting worker (its pipes are closed) and forgets it.
func (b *buildWorker) reap() {
	if b.cmd == nil {
		return
	}
	select {
	case <-b.exited:
	case <-time.After(cancelGrace):
		b.cmd.Process.Kill()
		<-b.exited
	}
	b.in.Close()
	b.cmd = nil
}

// kill ends the worker at once (a build that did not stop when cancelled).
func (b *buildWorker) kill() {
	if b.cmd == nil {
		return
	}
	b.cmd.Process.Kill()
	<-b.exited
	b.in.Close()
	b.cmd = nil
}

// close stops the worker: its input closes, so it cancels what it runs and
// exits; one that does not within cancelGrace is killed.
func (b *buildWorker) close() {
	if b.cmd == nil {
		return
	}
	b.in.Close()
	b.reap()
}

// lineCapture keeps the lines written to it that name a position in the
// site (content errors: "content/news/a.md:3:8: …"), at most max, and
// counts the rest.
type lineCapture struct {
	mu      sync.Mutex
	max     int
	partial []byte
	kept    []string
	more    int
}

var positionRe = regexp.MustCompile(`^[^\s:]+\.[A-Za-z0-9]+:\d+(:\d+)?: `)

func (c *lineCapture) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.partial = append(c.partial, p...)
	for {
		i := bytes.IndexByte(c.partial, '\n')
		if i < 0 {
			break
		}
		line := string(c.partial[:i])
		c.partial = c.partial[i+1:]
		if j := strings.LastIndexByte(line, '\r'); j >= 0 {
			line = line[j+1:] // after a progress line redrawn in place
		}
		if !positionRe.MatchString(line) {
			continue
		}
		if len(c.kept) < c.max {
			c.kept = append(c.kept, line)
		} else {
			c.more++
		}
	}
	if len(c.partial) > 64<<10 {
		c.partial = c.partial[:0] // a line this long is no diagnostic
	}
	return len(p), nil
}

func (c *lineCapture) lines() ([]string, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.kept), c.more
}

// oomWatch notes whether the Go runtime said it ran out of memory
// ("fatal error: runtime: cannot allocate memory", "…: out of memory") in
// what is written to it, across writes.
type oomWatch struct {
	mu   sync.Mutex
	tail []byte // the end of the last write, for a marker split across two
	seen bool
}

var oomMarkers = []string{"cannot allocate memory", "out of memory"}

func (o *oomWatch) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.seen {
		return len(p), nil
	}
	buf := append(o.tail, p...)
	for _, m := range oomMarkers {
		if strings.Contains(string(buf), m) {
			o.seen = true
		}
	}
	if len(buf) > 64 {
		buf = buf[len(buf)-64:]
	}
	o.tail = append([]byte(nil), buf...)
	return len(p), nil
}

func (o *oomWatch) outOfMemory() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.seen
}
