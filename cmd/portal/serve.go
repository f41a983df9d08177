package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"portal/cmd/internal/backoffice"
	"portal/cmd/internal/server"
	"portal/generator"
	"portal/generator/diag"
	"portal/generator/model"
	"portal/generator/theme"
)

// cmdServe is `portal serve [-site DIR] [-addr 127.0.0.1:1313] [-db PATH|postgres://…]`:
// build, serve public/ with search and complaint intake, rebuild on change,
// at midnight in the site's time zone and when the complaint figures move,
// and shut down gracefully on SIGINT/SIGTERM.
//
// Development (the default) links every page to the server's own address;
// -production links them to portal.toml's base_url (or -base-url), logs
// JSON lines, and is what runs behind nginx (docs/DEPLOY.md). -no-build
// serves an output another process built (portal build on a timer, or
// another serve) and follows each new build of it, building nothing.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", "portal serve [-site DIR] [-addr 127.0.0.1:1313] [-production] [-base-url URL] [-no-build] [-out DIR] [-db PATH|postgres://…]", stderr)
	siteDir := fs.String("site", ".", "site folder (portal.toml, content/, data/)")
	addr := fs.String("addr", "127.0.0.1:1313", "address to listen on")
	production := fs.Bool("production", false, "production: links, feeds and the sitemap use portal.toml's base_url; logs are JSON lines")
	baseURL := fs.String("base-url", "", "the public address every link uses (default: the listen address; with -production, portal.toml's base_url)")
	dsn := fs.String("db", "", "complaint store: a SQLite path or a postgres:// URL (default from portal.toml)")
	tokenFile := fs.String("admin-token-file", "", "file holding the admin API bearer token (default: $PORTAL_ADMIN_TOKEN; unset disables the admin API)")
	adminAddr := fs.String("admin-addr", "", "back office address (default: 127.0.0.1 at the -addr port + 1; \"off\" disables it); never expose it through the public proxy")
	watch := fs.Bool("watch", true, "rebuild when content/, data/, themes/ or portal.toml change")
	refresh := fs.Duration("refresh", time.Minute, "how often to look for new complaint figures to publish (0: only at the daily rebuild)")
	noBuild := fs.Bool("no-build", false, "serve the output portal build (or another serve) made, without building here; follow each new build")
	outFlag := fs.String("out", "", "output folder (default <site>/public)")
	buildMemory := fs.Int("build-memory", defaultBuildMemoryMiB, "MiB a rebuild may use; it runs in its own process, so a build over it ends, the server does not (0: no limit)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("serve: unexpected argument %q", fs.Arg(0))}
	}
	if *buildMemory < 0 {
		return usageError{"-build-memory: use a number of MiB, or 0 for no limit"}
	}
	if *refresh < 0 {
		return usageError{"-refresh: use a duration such as 1m, or 0"}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	// The settings first: the store is opened before the first build, so
	// the complaint figures (and /complaints/stats/) exist from the start.
	settings, err := loadSettings(*siteDir, stderr)
	if err != nil {
		return err
	}
	cfg := settings.Config
	base, err := publicBase(*baseURL, *production, cfg.BaseURL)
	if err != nil {
		return err
	}

	// Listen first: with -addr :0 the base URL must name the real port.
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	if base == "" {
		base = "http://" + ln.Addr().String() + "/"
	}
	var logHandler slog.Handler
	if *production {
		logHandler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})
	} else {
		logHandler = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})
	}
	// A burst of identical warnings (a database outage under load) is one
	// line and a count, not thousands.
	logger := slog.New(server.NewQuietHandler(logHandler, time.Minute))

	complaints, store, err := openServiceStore(ctx, settings, complaintDSN(*siteDir, cfg, *dsn))
	if err != nil {
		return fmt.Errorf("complaints: %w", err)
	}
	defer store.Close()

	outDir := *outFlag
	if outDir == "" {
		outDir = filepath.Join(*siteDir, "public")
	}
	opts := generator.Options{SiteDir: *siteDir, OutDir: outDir, BaseURL: base, Progress: stderr}
	// Builds run in a worker process (serve_worker.go): a crash or a
	// runaway build ends the worker, never this server.
	worker := newBuildWorker(*siteDir, outDir, base, *dsn, *buildMemory, stdout, stderr)
	defer worker.close()
	themes := newThemeLoader(opts, settings, stderr)
	status := &siteStatus{}
	live := &liveState{}
	pages := &pageSwitch{}

	var wg sync.WaitGroup
	bgCtx, stopBackground := context.WithCancel(ctx)
	defer func() { stopBackground(); wg.Wait() }()
	background := func(f func()) {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	rb := newRebuilds()
	// The watcher starts before the first build: an edit saved while it
	// runs, after it read the file, must be followed by a rebuild (the
	// request waits for the rebuild loop, which starts after it). Watching
	// only afterwards lost such an edit until the next one.
	if *watch && !*noBuild {
		if w, err := newWatcher(*siteDir); err != nil {
			fmt.Fprintf(stderr, "portal: not watching for changes: %v\n", err)
		} else {
			background(func() {
				defer w.Close()
				w.run(bgCtx, watchQuiet, func(paths []string) {
					rb.requestPaths(reasonContent, paths)
				})
			})
		}
	}
	if *noBuild {
		if _, err := os.Stat(filepath.Join(outDir, "index.html")); err != nil {
			return fmt.Errorf("serve -no-build: no built site in %s: run portal build -site %s first", outDir, *siteDir)
		}
		th, err := themes.load()
		if err != nil {
			return err
		}
		pages.set(th)
	} else {
		// The first build. When it fails (content errors, a crash) the
		// server starts all the same: it serves the last good build, if
		// any, and search and complaint intake in any case; the errors are
		// in the log and the next edit rebuilds.
		changes, changesErr := store.Changes(ctx)
		day, err := worker.build(ctx)
		status.record(err)
		switch {
		case err == nil:
			live.set(day, changes, changesErr == nil)
		case ctx.Err() != nil:
			return nil
		default:
			if !errors.Is(err, errReported) {
				fmt.Fprintln(stderr, "portal:", err)
			}
			if _, serr := os.Stat(filepath.Join(outDir, "index.html")); serr == nil {
				fmt.Fprintln(stderr, "portal: 生成失败，继续提供上一版网站；搜索和投诉受理照常 (build failed; serving the last good build)")
			} else {
				fmt.Fprintln(stderr, "portal: 生成失败，还没有可提供的网站；搜索和投诉受理照常，修正内容后自动生成 (build failed; no site yet)")
			}
			// The day is still watched: tomorrow's rebuild may succeed.
			live.set(model.Today(time.Now(), cfg.Location), changes, changesErr == nil)
		}
		// After a failed build the server does not read the content itself:
		// content that crashed the worker must not reach this process.
		var th *theme.Theme
		if err == nil {
			th, err = themes.load()
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if th, err = themes.fallback(); err != nil {
				return fmt.Errorf("serve: the theme: %w", err)
			}
		}
		pages.set(th)
	}
	searcher, err := openSearch(*siteDir, cfg)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer searcher.Close()

	token, err := adminToken(*tokenFile)
	if err != nil {
		return err
	}
	officeAddr, err := backOfficeAddr(*adminAddr, *addr)
	if err != nil {
		return usageError{err.Error()}
	}
	var office *backOffice
	if officeAddr != "" {
		related := &relatedPages{dir: outDir, base: base}
		if office, err = startBackOffice(ctx, officeAddr, complaints, store, cfg, token, logger, status.problem, related); err != nil {
			return err
		}
	}
	sopts := server.Options{
		PublicDir:  outDir,
		Pages:      pages,
		Search:     searcher,
		Complaints: complaints,
		AdminToken: token,
		Logger:     logger,
		PostRate:   float64(cfg.Complaints.PostsPerMinute) / 60,
		PostBurst:  cfg.Complaints.PostBurst,
	}
	httpCfg, err := publicServerSettings(cfg, &sopts)
	if err != nil {
		return err
	}
	srv := server.NewHTTPServer(server.New(sopts), httpCfg)

	// Rebuilds, one at a time, for every reason (serve_schedule.go).
	rebuild := func(ctx context.Context, reasons string) {
		fmt.Fprintf(stdout, "重新生成（%s）…\n", reasons)
		changes, changesErr := store.Changes(ctx)
		day, err := worker.build(ctx)
		if bgCtx.Err() == nil {
			status.record(err)
		}
		if err != nil {
			switch {
			case bgCtx.Err() != nil: // the server stops
			case errors.Is(err, errBuildCancelled):
				fmt.Fprintln(stdout, "重新生成已取消：内容又有修改，重新开始 (rebuild cancelled by a newer edit)")
			default:
				if !errors.Is(err, errReported) {
					logger.Error("portal: "+err.Error(), "event", "rebuild_failed")
				}
				fmt.Fprintln(stderr, "portal: 重新生成失败，继续提供上一版网站 (rebuild failed; still serving the previous site)")
			}
			return
		}
		live.set(day, changes, changesErr == nil)
		searcher.Reload()
		th, err := themes.load()
		if err != nil {
			if !errors.Is(err, errReported) {
				fmt.Fprintln(stderr, "portal:", err)
			}
			return // the pages keep the layouts they had
		}
		pages.set(th)
	}
	follow := func() {
		th, err := themes.load()
		if err != nil {
			if !errors.Is(err, errReported) {
				fmt.Fprintln(stderr, "portal:", err)
			}
			return // the pages keep the layouts they had
		}
		pages.set(th)
		fmt.Fprintln(stdout, "已切换到新生成的网站 (following a new build)")
	}
	switch {
	case *noBuild:
		background(func() { followBuilds(bgCtx, outDir, time.Second, follow) })
		// A build switches the index after the pages: look for a new one
		// every second too, so the one this server held is closed (and
		// removed, once no other process reads it) without waiting for a
		// query to notice.
		background(func() { every(bgCtx, time.Second, searcher.Reload) })
	default:
		background(func() { rb.run(bgCtx, rebuild) })
		background(func() { watchDay(bgCtx, time.Now, cfg.Location, live.builtDay, 20*time.Second, rb.request) })
		if *refresh > 0 {
			background(func() { watchFigures(bgCtx, store.Changes, live.builtChanges, *refresh, rb.request) })
		}
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(server.Listen(ln, httpCfg)) }()
	fmt.Fprintf(stdout, "正在提供服务 (serving) http://%s/  — 按 Ctrl+C 停止\n", ln.Addr())
	if base != "http://"+ln.Addr().String()+"/" {
		fmt.Fprintf(stdout, "公开地址 (public address) %s\n", base)
	}
	office.announce(stdout)

	select {
	case err := <-serveErr:
		stopBackground()
		wg.Wait()
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "正在停止服务，等待处理中的请求完成…")
	stopBackground()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = errors.Join(srv.Shutdown(shutdownCtx), office.shutdown(shutdownCtx))
	wg.Wait()
	if err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}

// siteStatus is whether the public site is current: the last build's
// failure, for the supervisors' inbox in the back office.
type siteStatus struct {
	mu sync.Mutex
	p  *backoffice.SiteProblem
}

// record notes the outcome of a build; a cancelled one says nothing.
func (s *siteStatus) record(err error) {
	if errors.Is(err, errBuildCancelled) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		s.p = nil
		return
	}
	p := &backoffice.SiteProblem{Since: time.Now()}
	if s.p != nil {
		p.Since = s.p.Since
	}
	var ce *contentErrors
	switch {
	case errors.As(err, &ce):
		p.Lines, p.More = ce.lines, ce.more
		p.Summary = fmt.Sprintf("网站内容有 %d 处错误", len(ce.lines)+ce.more)
	default:
		p.Summary = err.Error()
	}
	s.p = p
}

func (s *siteStatus) problem() *backoffice.SiteProblem {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.p
}

// themeLoader returns the theme for pages rendered on request, as a
// build would set it, from the site's settings and section pages only
// (generator.ServingTheme): the records stay in the build worker (or the
// process that built the output), so this server's memory does not grow
// with the site.
type themeLoader struct {
	opts     generator.Options
	settings *model.Site
	stderr   io.Writer
}

func newThemeLoader(opts generator.Options, settings *model.Site, stderr io.Writer) *themeLoader {
	opts.ExtraPages = append(append(opts.ExtraPages, searchPages()...), complaintPages(settings)...)
	opts.Progress = nil
	return &themeLoader{opts: opts, settings: settings, stderr: stderr}
}

func (l *themeLoader) load() (*theme.Theme, error) {
	th, err := generator.ServingTheme(l.opts)
	if err != nil {
		if errors.As(err, new(diag.Diagnostic)) {
			fmt.Fprintln(l.stderr, err) // every content error, with its file and line
			return nil, errReported
		}
		return nil, err
	}
	return th, nil
}

// fallback is the theme from portal.toml alone, for a server whose content
// has errors from its first start: the search and complaint pages keep the
// site's look, name and footer while an editor fixes the content.
func (l *themeLoader) fallback() (*theme.Theme, error) {
	res := &generator.Result{Options: l.opts, Site: l.settings, Today: model.Today(time.Now(), l.settings.Config.Location)}
	for _, p := range l.opts.ExtraPages {
		res.AddPage(p) // the menu links search and complaints
	}
	return generator.PageTheme(res)
}

// publicBase is the address every generated link uses: -base-url, else
// with -production portal.toml's base_url, else "" (the listen address).
func publicBase(flagValue string, production bool, configured string) (string, error) {
	if flagValue != "" {
		u, err := url.Parse(flagValue)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", usageError{fmt.Sprintf("-base-url %q: not an absolute web address (use https://host/ or https://host/path/)", flagValue)}
		}
		if !strings.HasSuffix(flagValue, "/") {
			flagValue += "/"
		}
		return flagValue, nil
	}
	if production {
		if configured == "" {
			return "", usageError{"serve -production: portal.toml has no base_url (the public address, e.g. https://xyxx.example.gov.cn/); set it or give -base-url"}
		}
		return configured, nil
	}
	return "", nil
}

// pageSwitch hands the server the latest build's theme, so a rebuild that
// changes a layout changes the dynamic pages too.
type pageSwitch struct{ t atomic.Pointer[theme.Theme] }

func (p *pageSwitch) set(t *theme.Theme) {
	if t != nil {
		p.t.Store(t)
	}
}

// RenderPage implements server.PageRenderer.
func (p *pageSwitch) RenderPage(w io.Writer, name, title, path string, data any) error {
	t := p.t.Load()
	if t == nil {
		return errors.New("no theme loaded")
	}
	return t.RenderPage(w, name, title, path, data)
}

// watcher watches content/, data/, themes/ (recursively) and portal.toml.
type watcher struct {
	fsw  *fsnotify.Watcher
	root string
}

// watchQuiet is how long the watcher waits after a change for the next one
// before rebuilding: an editor's save (write, rename, chmod) arrives within
// a few milliseconds, and the wait is part of the 300 ms in which an edited
// page must be served. A change after it cancels the rebuild it started,
// which begins again with the newer content.
const watchQuiet = 20 * time.Millisecond

// watchedDirs are the site folders whose changes trigger a rebuild.
var watchedDirs = []string{"content", "data", "themes"}

func newWatcher(root string) (*watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fsw: fsw, root: root}
	// The site root itself is watched for portal.toml (and for the watched
	// folders being created later).
	if err := fsw.Add(root); err != nil {
		fsw.Close()
		return nil, err
	}
	for _, d := range watchedDirs {
		w.addTree(filepath.Join(root, d))
	}
	return w, nil
}

// addTree watches dir and every folder below it; fsnotify is not recursive.
func (w *watcher) addTree(dir string) {
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a folder that vanished or is unreadable is skipped
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != dir {
				return filepath.SkipDir
			}
			_ = w.fsw.Add(p)
		}
		return nil
	})
}

func (w *watcher) Close() error { return w.fsw.Close() }

// relevant reports whether a change at name should trigger a rebuild.
func (w *watcher) relevant(name string) bool {
	rel, err := filepath.Rel(w.root, name)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	if rel == "portal.toml" {
		return true
	}
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") {
		return false // editor temporary files
	}
	for _, d := range watchedDirs {
		if rel == d || strings.HasPrefix(rel, d+"/") {
			return true
		}
	}
	return false
}

// run calls rebuild once per burst of changes: after the last change, it
// waits for quiet (debounce) so saving many files rebuilds once. rebuild
// gets the changed paths (relative to the site, each once), for the log.
// Events the kernel dropped (its queue overflowed) may be any change: the
// watcher rebuilds for them too, rather than wait for the next edit.
func (w *watcher) run(ctx context.Context, debounce time.Duration, rebuild func(paths []string)) {
	var timer *time.Timer
	var fire <-chan time.Time
	var paths []string
	arm := func() {
		if timer == nil {
			timer = time.NewTimer(debounce)
		} else {
			timer.Reset(debounce)
		}
		fire = timer.C
	}
	for {
		select {
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if !w.relevant(ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					w.addTree(ev.Name) // a new folder: watch it and what is inside
				}
			}
			rel, err := filepath.Rel(w.root, ev.Name)
			if err != nil {
				rel = ev.Name
			}
			if rel = filepath.ToSlash(rel); !slices.Contains(paths, rel) {
				paths = append(paths, rel)
			}
			arm()
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				if !slices.Contains(paths, lostEvents) {
					paths = append(paths, lostEvents)
				}
				arm()
			}
		case <-fire:
			fire = nil
			rebuild(paths)
			paths = nil
		}
	}
}

// lostEvents stands for the changes the kernel's event queue dropped.
const lostEvents = "（文件事件溢出，未知的修改 events lost）"
