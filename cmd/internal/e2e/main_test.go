package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// Every wait is bounded so a hang fails the run instead of blocking CI; none
// of these is an assertion about speed.
const (
	buildTimeout = 5 * time.Minute  // go build of the portal command (cold cache: sqlite takes ~1 min)
	serveTimeout = 2 * time.Minute  // portal serve: first build of the site, then listening
	testTimeout  = 60 * time.Second // one test's browser steps
)

// env is what TestMain sets up for every test.
var env struct {
	skip     string // non-empty: why the package is skipped
	tmp      string // the package's temporary folder, removed after the run
	setupErr error  // set-up failed: every test fails with it
	base     string // the server's base URL, without the trailing slash
	office   string // the back office's base URL, without the trailing slash
	bin      string // the portal binary
	site     string // the served site folder
	db       string // the complaint store
	browser  context.Context
	logs     *syncBuffer // the server's output, shown when a test fails
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

// started is when the test binary started: the browser backstop counts from it.
var started = time.Now()

// browserDeadline is the backstop for the whole browser session: shortly
// before go test's own -timeout (default 10 min) would stop the binary, so
// it never fires in a run go test would let finish, yet a hung browser
// still ends the run with each test's own error rather than a panic. With
// -timeout 0 it is an hour.
func browserDeadline() time.Time {
	limit := time.Hour
	if f := flag.Lookup("test.timeout"); f != nil {
		if d, err := time.ParseDuration(f.Value.String()); err == nil && d > 0 {
			limit = d - 20*time.Second
		}
	}
	return started.Add(limit)
}

func run(m *testing.M) int {
	chromium, err := exec.LookPath("chromium")
	switch {
	case testing.Short():
		env.skip = "browser end-to-end tests skipped in -short mode"
	case err != nil:
		env.skip = "chromium is not on PATH: the browser end-to-end tests need Debian's chromium and fonts-noto-cjk (bash .ci/chromium.sh installs them as root)"
	}
	if env.skip != "" {
		return m.Run()
	}

	tmp, err := os.MkdirTemp("", "portal-e2e-")
	if err != nil {
		env.setupErr = err
		return m.Run()
	}
	defer removeAll(tmp)
	env.tmp = tmp

	env.logs = &syncBuffer{}
	srv, err := startServer(tmp)
	if srv != nil {
		defer srv.stop()
	}
	if err != nil {
		env.setupErr = err
		return m.Run()
	}
	env.base, env.office = srv.base, srv.office

	browser, stop, err := startBrowser(chromium, filepath.Join(tmp, "profile"))
	defer stop()
	if err != nil {
		env.setupErr = err
		return m.Run()
	}
	env.browser = browser
	code := m.Run()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "--- portal serve output ---\n%s\n", env.logs.String())
	}
	return code
}

// moduleRoot is the folder holding go.mod, above the test's folder.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the test folder")
		}
		dir = parent
	}
}

// server is a running `portal serve`.
type server struct {
	cmd    *exec.Cmd
	base   string
	office string
	done   chan struct{} // closed when the process has exited
}

// startServer builds the binary, copies the shipped site into tmp and runs
// `portal serve` on a free port; it returns once the server answers.
func startServer(tmp string) (*server, error) {
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(tmp, "portal")
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = "/usr/local/go/bin/go" // where Go is installed on a fresh machine, even if PATH lacks it
	}
	build := exec.CommandContext(ctx, goBin, "build", "-o", bin, "./cmd/portal")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build ./cmd/portal: %v\n%s", err, out)
	}

	site := filepath.Join(tmp, "site")
	if err := copyShippedSite(root, site); err != nil {
		return nil, err
	}
	toml, err := os.ReadFile(filepath.Join(site, "portal.toml"))
	if err != nil {
		return nil, err
	}
	// Every test posts from 127.0.0.1: raise the per-client POST limit so
	// -count=N does not meet 429 (the limit has its own tests).
	limits := "[complaints]\nposts_per_minute = 6000\npost_burst = 1000\n"
	if bytes.Contains(toml, []byte("\n[complaints]\n")) {
		toml = bytes.Replace(toml, []byte("\n[complaints]\n"), []byte("\n"+limits), 1)
	} else {
		toml = append(toml, "\n"+limits...)
	}
	if err := os.WriteFile(filepath.Join(site, "portal.toml"), toml, 0o644); err != nil {
		return nil, err
	}

	// -addr 127.0.0.1:0: serve listens first and prints its real address.
	env.bin, env.site, env.db = bin, site, filepath.Join(tmp, "intake.db")
	cmd := exec.Command(bin, "serve", "-site", site, "-addr", "127.0.0.1:0", "-db", env.db)
	cmd.Stderr = env.logs
	dieWithParent(cmd)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start portal serve: %w", err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	office := make(chan string, 1)
	go func() {
		// Keep reading to the end so the server never blocks on a full pipe.
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(env.logs, line)
			if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "back office") {
				u, _, _ := strings.Cut(line[i:], " ")
				select {
				case office <- strings.TrimSuffix(u, "/"):
				default:
				}
			}
			if i := strings.Index(line, "http://"); i >= 0 && strings.Contains(line, "serving") {
				u, _, _ := strings.Cut(line[i:], " ")
				select {
				case addr <- strings.TrimSuffix(u, "/"):
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()

	select {
	case s.base = <-addr:
		select {
		case s.office = <-office:
		case <-time.After(10 * time.Second):
			return s, fmt.Errorf("portal serve did not print the back office's address:\n%s", env.logs.String())
		}
	case <-s.done:
		return s, fmt.Errorf("portal serve exited before serving:\n%s", env.logs.String())
	case <-time.After(serveTimeout):
		return s, fmt.Errorf("portal serve did not print its address within %v:\n%s", serveTimeout, env.logs.String())
	}

	// It listens before printing, but make sure a page comes back.
	deadline := time.Now().Add(serveTimeout)
	for {
		resp, err := http.Get(s.base + "/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
			err = fmt.Errorf("GET /: %s", resp.Status)
		}
		if time.Now().After(deadline) {
			return s, fmt.Errorf("portal serve at %s does not answer: %v", s.base, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// copyShippedSite copies the repository's site (content, data, portal.toml)
// into dst, so a build or server never writes its state into the repository.
func copyShippedSite(root, dst string) error {
	for _, dir := range []string{"content", "data"} {
		if err := os.CopyFS(filepath.Join(dst, dir), os.DirFS(filepath.Join(root, dir))); err != nil {
			return fmt.Errorf("copy the shipped site: %w", err)
		}
	}
	toml, err := os.ReadFile(filepath.Join(root, "portal.toml"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dst, "portal.toml"), toml, 0o644)
}

// stop asks the server to stop gracefully (SIGINT), and kills it if it has
// not stopped after a while.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// startBrowser starts headless chromium with a fresh profile. The returned
// context is the browser; each test opens its own tab in it.
func startBrowser(chromium, profile string) (context.Context, func(), error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // CI runs as root, where the sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(1280, 800),
	)
	// The first Run binds the browser's life to its context: a deadline
	// there is the backstop for the whole session.
	root, cancelRoot := context.WithDeadline(context.Background(), browserDeadline())
	alloc, cancelAlloc := chromedp.NewExecAllocator(root, opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	stop := func() {
		cancelBrowser()
		cancelAlloc()
		cancelRoot()
	}
	if err := chromedp.Do(browser); err != nil {
		return nil, stop, fmt.Errorf("start chromium: %w", err)
	}
	return browser, stop, nil
}

// newTab opens a tab with page scripts disabled and returns a context bound
// to testTimeout for the test's steps. It skips or fails the test when the
// package could not set up.
func newTab(t *testing.T) context.Context {
	t.Helper()
	if env.skip != "" {
		t.Skip(env.skip)
	}
	require.NoError(t, env.setupErr, "end-to-end set-up")
	tab, cancelTab := chromedp.NewContext(env.browser)
	t.Cleanup(cancelTab)
	ctx, cancel := context.WithTimeout(tab, testTimeout)
	t.Cleanup(cancel)
	// The tab is created by its first action, under the test's deadline;
	// cancelling the deadline closes the tab, which the test ends with anyway.
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	require.NoError(t, err, "disable scripts")
	return ctx
}

// open navigates to path on the server and returns the response.
func open(t *testing.T, ctx context.Context, path string) *network.Response {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(env.base+path))
	require.NoError(t, err, "navigate to %s", path)
	return resp
}

// follow runs an action that navigates (a click, Enter in a form) and waits
// for the new page, returning its response.
func follow(t *testing.T, ctx context.Context, what string, a chromedp.Action[chromedp.Void]) *network.Response {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, a)
	require.NoError(t, err, what)
	require.NotNil(t, resp, what)
	return resp
}

// The pages have no scripts, so once a navigation has finished the page is
// complete: the helpers below look for elements without waiting, and a
// missing element fails at once, naming its selector.

// text is the rendered text of the first element matching css.
func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	all := texts(t, ctx, css)
	require.NotEmpty(t, all, "no element matches %s on %s", css, location(t, ctx))
	return all[0]
}

// value is the current value of a form field.
func value(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	present(t, ctx, css)
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(css)))
	require.NoError(t, err, "value of %s", css)
	return s
}

// attr is an attribute of the first element matching css ("" when absent).
func attr(t *testing.T, ctx context.Context, css, name string) string {
	t.Helper()
	present(t, ctx, css)
	r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(css), name))
	require.NoError(t, err, "attribute %s of %s", name, css)
	return r.Value
}

// present fails the test unless an element matches css.
func present(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.QueryAfter(chromedp.CSSAll(css),
		func(ctx context.Context, tg *chromedp.Target, nodes []*chromedp.Node) (int, error) {
			return len(nodes), nil
		}, chromedp.AtLeast(0)))
	require.NoError(t, err, "query %s", css)
	require.Positive(t, n, "no element matches %s on %s", css, location(t, ctx))
}

// texts is the rendered text of every element matching css, without waiting:
// none is an empty list.
func texts(t *testing.T, ctx context.Context, css string) []string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.QueryAfter(chromedp.CSSAll(css),
		func(ctx context.Context, tg *chromedp.Target, nodes []*chromedp.Node) ([]string, error) {
			out := make([]string, 0, len(nodes))
			for _, n := range nodes {
				s, err := chromedp.Text(chromedp.NodeIDs{n.NodeID})(ctx, tg)
				if err != nil {
					return nil, err
				}
				out = append(out, strings.TrimSpace(s))
			}
			return out, nil
		}, chromedp.AtLeast(0)))
	require.NoError(t, err, "elements %s", css)
	return out
}

// location is the tab's current URL, without the server's base.
func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	u, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	return strings.TrimPrefix(u, env.base)
}

// syncBuffer collects the server's output from two goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// removeAll retries: chromium's helpers can still write in the profile for a
// moment after the browser stops.
func removeAll(dir string) {
	for range 50 {
		if err := os.RemoveAll(dir); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}
