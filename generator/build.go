package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"portal/generator/fingerprint"
	"portal/generator/loader"
	"portal/generator/model"
	"portal/generator/theme"
	"portal/themes"
)

// LoadTheme returns the theme the site configures: the embedded default,
// overridden file by file by <siteDir>/themes/<name>/ when that folder exists.
// A theme file that is a symbolic link leaving the site folder is refused
// unless cfg.AllowOutsideSymlinks.
func LoadTheme(siteDir string, cfg *model.Config) (*theme.Theme, error) {
	name, dir, own := themeDir(siteDir, cfg)
	var top fs.FS
	if own {
		site := os.DirFS(siteDir)
		if !cfg.AllowOutsideSymlinks {
			site = loader.Guard(site)
		}
		sub, err := fs.Sub(site, "themes/"+name)
		if err != nil {
			return nil, err
		}
		top = sub
	} else if name != "default" {
		return nil, fmt.Errorf("portal.toml: theme: %q: no folder %s (use \"default\" or a folder under themes/)", name, filepath.ToSlash(dir))
	}
	return theme.Load(theme.Overlay(top, themes.Default()))
}

// themeDir returns the theme the site names (default when none), its
// folder, and whether that folder exists: the site's own theme files,
// which LoadTheme lays over the embedded default.
func themeDir(siteDir string, cfg *model.Config) (name, dir string, own bool) {
	name = cfg.Theme
	if name == "" {
		name = "default"
	}
	dir = filepath.Join(siteDir, "themes", name)
	st, err := os.Stat(dir)
	return name, dir, err == nil && st.IsDir()
}

// hasOwnTheme reports whether the site has a theme folder of its own.
func hasOwnTheme(siteDir string, cfg *model.Config) bool {
	_, _, own := themeDir(siteDir, cfg)
	return own
}

// renderStage is StageRender: every page, feed, open-data file and asset of the
// site, written into a new output folder that StagePublish makes visible.
func renderStage(ctx context.Context, r *Result) error {
	site, opts, now := r.Site, r.Options, r.Today
	cfg := &site.Config
	th, err := LoadTheme(opts.SiteDir, cfg)
	if err != nil {
		return err
	}
	if opts.Site == nil { // a site read from its folder: its state folder keeps the Markdown
		r.cache.useDisk(cfg.StatePath(opts.SiteDir, "build"))
	}
	if opts.Once && opts.Site == nil {
		// The only run: rendered Markdown leaves the heap batch by batch
		// (cache.startSpill). The records' sources go too once rendered,
		// when nothing later reads them: page keys stand for a record by
		// its file (asLoaded; otherwise they hash the record, source and
		// all), and the theme is the embedded one (a site's own could
		// show a source). The publication log compares rendered bodies,
		// and a stop notice's source is kept. The parse cache's save,
		// which encodes the sources, must have finished first.
		var free <-chan struct{}
		if r.asLoaded && !hasOwnTheme(opts.SiteDir, cfg) {
			free = r.parseSaved
		}
		r.cache.startSpill(cfg.StatePath(opts.SiteDir, "build"), free, spillAt(debug.SetMemoryLimit(-1)))
	}
	if r.asLoaded {
		r.cache.bodiesLoaded() // every body valid UTF-8: not checked again
	}
	if opts.NoText {
		r.cache.textForSummaries()
	}
	ix, err := prepare(ctx, site, th, r.cache)
	r.cache.endSpill()
	if err != nil {
		return err
	}
	r.background(r.cache.saveDisk())
	r.waitIndicators()
	if r.asLoaded {
		r.keys = ix.keyRecords(r.cache.files, r.cache.keys)
	} else {
		ix.keyRecords(nil, nil)
	}
	entries := ix.entries()
	if err := r.ledger.attach(ctx, ix, r); err != nil {
		return err
	}

	o, err := openOutput(r.OutDir, r.cache.published)
	if err != nil {
		return err
	}
	r.out = o // discarded by Run unless published
	// Pages only need to know which feed files exist; the feeds themselves
	// are written while the pages render (below).
	feeds := feedNamesOf(site)
	scored := defaultPeriod(r.Indicators) != nil
	if scored {
		for _, n := range indicatorFeedNames {
			feeds[n] = true
		}
	}
	sv := siteView(site, now, r.extra)
	if scored {
		sv.Nav = append(sv.Nav, theme.Link{Label: indicatorsSection, URL: "/indicators/"})
	}
	th.SetSite(sv)
	if r.ledger != nil {
		r.ledger.th = th
	}
	// Feeds, open data and the sitemap are written beside the planning and
	// the pages, so their serial parts overlap the planner (serial) and the
	// page workers instead of adding to them. The sitemap waits for the
	// planned pages (planned); a return before the pages' end cancels and
	// waits for the writer (it writes into the new version's folder).
	extraFiles := 0 // open data and sitemap files, set when written
	extraCtx, cancelExtra := context.WithCancel(ctx)
	defer cancelExtra()
	extraDone := make(chan [2]error, 1)
	planned := make(chan []string, 1) // the sitemap's pages, once planned
	sentPlanned := false
	defer func() {
		if extraDone != nil { // not waited for: a return before the pages' end
			cancelExtra()
			if !sentPlanned {
				close(planned)
			}
			<-extraDone
		}
	}()
	go func() {
		var errs [2]error
		errs[0] = writeFeeds(extraCtx, site, entries, now, o.put, o.reuse)
		if errs[0] == nil && scored {
			var fs map[string][]byte
			if fs, errs[0] = indicatorFeeds(site, r.Indicators); errs[0] == nil {
				for _, name := range sortedKeys(fs) {
					if errs[0] = o.putFile(name, fs[name]); errs[0] != nil {
						break
					}
				}
			}
		}
		if errs[0] == nil {
			data, keys := map[string][]byte{}, map[string]fingerprint.Sum{}
			errs[1] = openData(site, ix, data, keys, r.ledger, o.reuse)
			if errs[1] == nil && scored {
				errs[1] = indicatorOpenData(r.Indicators, data, keys, o.reuse)
			}
			if errs[1] == nil {
				if sm, ok := <-planned; ok {
					sitemaps(cfg.BaseURL, sm, data)
				} else {
					errs[1] = context.Canceled
				}
			}
			if errs[1] == nil {
				for _, name := range sortedKeys(data) {
					if errs[1] = o.put(name, keys[name], data[name]); errs[1] != nil {
						break
					}
				}
				extraFiles = len(data) // and the open data files kept from the live version:
				for name := range keys {
					if _, ok := data[name]; !ok {
						extraFiles++
					}
				}
			}
		}
		extraDone <- errs
	}()
	pl := &planner{site: site, ix: ix, feeds: feeds, stats: r.ComplaintStats, rep: r.Indicators, opts: opts, today: now, ledger: r.ledger, th: th}
	pl.plan()
	pl.furniture(sv, r.extra)
	groups := feedDirectory(site, entries, now)
	if scored {
		groups = append(groups, indicatorFeedGroup(site, r.Indicators))
	}
	if r.ledger != nil {
		groups = append(groups, r.ledger.feedGroup(site))
	}
	pl.feedsPage(groups)
	pl.dataPage()
	if r.ComplaintStats != nil {
		if err := pl.complaintStats(th); err != nil {
			return err
		}
	}
	for _, ep := range r.extra {
		if err := pl.extra(ep, th); err != nil {
			return err
		}
	}
	planned <- pl.sitemap // complete: every page is planned
	sentPlanned = true
	files := map[string][]byte{"robots.txt": robots(cfg.BaseURL)}
	if st := th.Static(); st != nil {
		if err := fs.WalkDir(st, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(st, p)
			files[p] = b
			return err
		}); err != nil {
			return fmt.Errorf("theme static: %w", err)
		}
	}
	fixed := fixedOutputs(feeds, files, len(pl.sitemap), cfg.Theme)
	if scored {
		fixed["data/indicators.json"] = "the open data file data/indicators.json"
		fixed["data/indicators.csv"] = "the open data file data/indicators.csv"
	}
	if err := checkDuplicates(pl.jobs, fixed); err != nil {
		return err
	}

	prog := newProgress(opts.Progress, len(pl.jobs))
	navs := navVariants(sv.Nav)
	th.SetNav(navs)
	if sv.Footer, err = th.Partial("footer.html", theme.Data{Site: sv, Page: &theme.Page{}}); err != nil {
		return err
	}
	headers := map[string]template.HTML{}
	furniture := map[string]fingerprint.Sum{} // a section's navigation and header, for page keys
	for key, nav := range navs {
		h, err := th.Partial("header.html", theme.Data{Site: sv, Page: &theme.Page{Nav: nav, SectionURL: key}})
		if err != nil {
			return err
		}
		headers[key] = h
		furniture[key] = fingerprint.Of(nav, h)
	}
	keys := newKeyer(th, sv)
	bufs := sync.Pool{New: func() any { b := new(bytes.Buffer); b.Grow(32 << 10); return b }}
	var rendered atomic.Int64
	// What every page's deps share: everything a page's key has besides
	// its .Page and .Data (the program, the theme, .Site with the date, the
	// sections' navigation and headers), and what the planner reads for
	// any page (feeds, sections' titles and feed links, the page size).
	global := pl.globalDeps(keys, furniture)
	alts := &alternates{th: th}
	do := func(i int) error {
		j := pl.jobs[i]
		var deps fingerprint.Sum
		if j.deps != nil {
			deps = fingerprint.Of(global, j.layout, j.file, j.deps())
			if kept, err := o.liveDeps(j.file, deps); kept || err != nil {
				prog.tick()
				return err
			}
		}
		var page *theme.Page
		var data any
		pprof.Do(ctx, pprof.Labels("layout", j.layout), func(context.Context) { page, data = j.make() })
		key := page.SectionURL
		if page.Path == "/" {
			key = "/"
		}
		if _, ok := navs[key]; !ok {
			key = ""
		}
		page.Nav, page.Header = navs[key], headers[key]
		prog.tick()
		k := keys.page(j.layout, page, furniture[key], data)
		ah, err := alts.html(page.Alternates)
		if err != nil {
			return fmt.Errorf("%s: %w", j.file, err)
		}
		page.AlternatesHTML = ah
		if live, hash, ok := o.liveKey(j.file); ok && live == k {
			// Its inputs have not changed since the live version: the
			// live file is the page, as it would be rendered again.
			return o.place(j.file, fileState{Key: k, Hash: hash, Deps: deps}, nil)
		}
		rendered.Add(1)
		buf := bufs.Get().(*bytes.Buffer)
		defer bufs.Put(buf)
		buf.Reset()
		var rerr error
		// Labelled so a CPU profile (PORTAL_CPUPROFILE) splits rendering
		// by layout: pprof -tagfocus layout=list.
		pprof.Do(ctx, pprof.Labels("layout", j.layout), func(context.Context) {
			rerr = th.Render(buf, j.layout, page, sv, data)
		})
		if rerr != nil {
			return fmt.Errorf("%s: %w", j.file, rerr)
		}
		return o.place(j.file, fileState{Key: k, Hash: fingerprint.Bytes(buf.Bytes()), Deps: deps}, buf.Bytes())
	}
	// The pages of the records just edited first, shown at once in the
	// live version (see earlyJobs), then every page.
	early := pl.earlyJobs(o, r.ledger != nil)
	for _, i := range early {
		if err := do(i); err != nil {
			return err
		}
	}
	if err := o.showEarly(pl.jobs, early, r.background); err != nil {
		return err
	}
	err = parallel(ctx, len(pl.jobs), func(i int) error {
		if pl.jobs[i].early {
			return nil // made above
		}
		return do(i)
	})
	prog.done()
	if err != nil {
		cancelExtra()
	}
	extraErrs := <-extraDone // before any return: it writes into tmp
	extraDone = nil
	// A feed error is reported first, as when feeds were made before the
	// pages, unless it is only the cancellation a failed page caused.
	if extraErrs[0] != nil && (err == nil || !errors.Is(extraErrs[0], context.Canceled)) {
		return fmt.Errorf("feeds: %w", extraErrs[0])
	}
	if err != nil {
		return err
	}
	if extraErrs[1] != nil {
		return extraErrs[1]
	}
	for _, name := range sortedKeys(files) {
		if err := o.putFile(name, files[name]); err != nil {
			return err
		}
	}
	if r.ledger != nil {
		if err := r.ledger.writeFiles(ctx, pl, o.putFile); err != nil {
			return err
		}
	}
	r.Entries, r.EntryKeys, r.Profiles, r.Theme = entries, ix.entryKeys(), ix.profiles(site), th
	r.Pages, r.Rendered = len(pl.jobs), int(rendered.Load())
	r.Files = len(pl.jobs) + len(feeds) + extraFiles + len(files)
	for k, n := range ix.omitted {
		r.Omitted[k] += n
	}
	return nil
}

// publishStage is StagePublish: the files stages added are placed, the
// files of the last version that this one lacks are removed, and the new
// version replaces the live one in one rename. Versions that no reader
// needs any more are removed in the background (Run waits for it).
func publishStage(_ context.Context, r *Result) error {
	o := r.out
	for _, name := range sortedKeys(r.files) {
		if o.has(name) {
			return fmt.Errorf("publish: %s was added by a stage but the build already wrote it", name)
		}
		if err := o.putFile(name, r.files[name]); err != nil {
			return err
		}
		r.Files++
	}
	removed, err := o.removeStale()
	if err != nil {
		return err
	}
	trash, err := o.publish()
	if err != nil {
		return err
	}
	r.Written, r.Linked, r.Removed = int(o.written.Load()), int(o.linked.Load()), removed
	r.Version = o.next.Version
	r.cache.published = &manifests{root: o.root, live: &o.next, prev: o.cur}
	r.cache.keys = r.keys // edits are fresh until a run publishes them
	o.unlock()
	r.out = nil
	if len(trash) > 0 {
		r.cleanup = make(chan error, 1)
		go func() {
			var errs []error
			for _, d := range trash {
				errs = append(errs, os.RemoveAll(d))
			}
			r.cleanup <- errors.Join(errs...)
		}()
	}
	return nil
}

// siteView builds .Site once per build.
func siteView(site *model.Site, now time.Time, extra []ExtraPage) *SiteView {
	cfg := site.Config
	sv := &SiteView{Title: cfg.Title, Description: cfg.Description, BaseURL: cfg.BaseURL, Language: cfg.Language,
		Gov: cfg.Government, BuildDate: now, Departments: site.Departments, HasLedger: site.Log != nil}
	for _, ep := range extra {
		switch ep.Path {
		case "/search/":
			sv.HasSearch = true
		case "/complaints/":
			sv.HasComplaints = true
		}
	}
	for _, k := range model.Kinds {
		sv.Nav = append(sv.Nav, theme.Link{Label: sectionTitle(site, k), URL: urlOf(string(k))})
	}
	sv.Nav = append(sv.Nav, theme.Link{Label: "单位", URL: "/departments/"})
	if sv.HasSearch {
		sv.Nav = append(sv.Nav, theme.Link{Label: "搜索", URL: "/search/"})
	}
	if sv.HasComplaints {
		sv.Nav = append(sv.Nav, theme.Link{Label: ComplaintsName, URL: "/complaints/"})
	}
	sv.Furniture = furnitureLinks(sv)
	sv.ErrorReportURL = errorReportURL(cfg.Government)
	return sv
}

// navVariants returns the navigation once per section with that section
// marked current, keyed by the section's URL ("" = none marked), so no page
// builds or compares the navigation itself.
func navVariants(nav []theme.Link) map[string][]theme.Link {
	nav = append([]theme.Link{{Label: "首页", URL: "/"}}, nav...)
	out := map[string][]theme.Link{}
	for cur := -1; cur < len(nav); cur++ {
		links := make([]theme.Link, len(nav))
		for i, l := range nav {
			links[i] = theme.Link{Label: l.Label, URL: l.URL, Current: i == cur}
		}
		key := ""
		if cur >= 0 {
			key = nav[cur].URL
		}
		out[key] = links
	}
	return out
}

// extra adds a caller-supplied page (search form, complaint form).
func (pl *planner) extra(ep ExtraPage, th *theme.Theme) error {
	if !th.Has(ep.Template) {
		return fmt.Errorf("extra page %s: the theme has no layout %q (layouts/%s.html)", ep.Path, ep.Template, ep.Template)
	}
	file, err := fileForURL(ep.Path)
	if err != nil || !strings.HasPrefix(ep.Path, "/") {
		return fmt.Errorf("extra page %q: not a site path", ep.Path)
	}
	pl.add(ep.Path, file, ep.Template, false, func() (*theme.Page, any) {
		p := pl.page(ep.Title, ep.Path, "", ep.Template)
		p.Section, p.SectionURL = ep.Title, ep.Path
		return p, ep.Data
	})
	return nil
}

// fixedOutputs names the files written beside the pages, and what writes
// each: feeds, open data, sitemaps, robots.txt and the theme's assets.
func fixedOutputs(feeds map[string]bool, files map[string][]byte, sitemapURLs int, themeName string) map[string]string {
	out := map[string]string{}
	for name := range feeds {
		out[name] = "the feed " + name
	}
	for _, k := range openDataKinds {
		out["data/"+k+".json"] = "the open data file data/" + k + ".json"
		out["data/"+k+".csv"] = "the open data file data/" + k + ".csv"
	}
	for _, f := range nationalOpenFiles {
		out[f.name] = "the open data file " + f.name
	}
	out["sitemap.xml"] = "the sitemap"
	if sitemapURLs > sitemapMax {
		for n := 1; (n-1)*sitemapMax < sitemapURLs; n++ {
			name := "sitemap-" + strconv.Itoa(n) + ".xml"
			out[name] = "the sitemap " + name
		}
	}
	for name := range files {
		if name == "robots.txt" {
			out[name] = "robots.txt"
		} else {
			out[name] = "the theme file themes/" + themeName + "/static/" + name
		}
	}
	return out
}

// checkDuplicates refuses a plan in which two outputs claim one file, or two
// files differ only in letter case (one file on macOS and Windows), naming
// both sources. fixed are the files written beside the pages (feeds, open
// data, theme assets), keyed by path, valued by what writes them.
func checkDuplicates(jobs []job, fixed map[string]string) error {
	seen := make(map[string]string, len(jobs)+len(fixed))
	var errs []error
	claim := func(file, src string) {
		if err := outputPath(file); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", src, err))
			return
		}
		key := strings.ToLower(file)
		if prev, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("two outputs would be written to %s (file names that differ only in letter case count as one): %s and %s; rename one of them", file, prev, src))
			return
		}
		seen[key] = src
	}
	for _, j := range jobs {
		claim(j.file, j.src)
	}
	for _, name := range sortedKeys(fixed) {
		claim(name, fixed[name])
	}
	return errors.Join(errs...)
}

// progress prints "生成页面 n/N" on a terminal, every few hundred pages.
type progress struct {
	w     io.Writer
	total int64
	n     atomic.Int64
	mu    sync.Mutex
}

func newProgress(w io.Writer, total int) *progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || total < 500 {
		return &progress{total: int64(total)}
	}
	return &progress{w: w, total: int64(total)}
}

func (p *progress) tick() {
	n := p.n.Add(1)
	if p.w == nil || n%250 != 0 {
		return
	}
	p.mu.Lock()
	fmt.Fprintf(p.w, "\r生成页面 %d/%d", n, p.total)
	p.mu.Unlock()
}

func (p *progress) done() {
	if p.w != nil {
		fmt.Fprintf(p.w, "\r生成页面 %d/%d\n", p.n.Load(), p.total)
	}
}

// alternates renders the alternates.html partial once per distinct set of
// feed links: the pages of a section share one set, so the partial runs a
// few dozen times a build instead of once a page.
type alternates struct {
	th   *theme.Theme
	seen sync.Map // key of the links → template.HTML
}

func (a *alternates) html(links []theme.Link) (template.HTML, error) {
	if len(links) == 0 {
		return "", nil
	}
	// Every field the partial may show, each with its length, so two
	// different sets never share a key.
	b := make([]byte, 0, 512)
	for _, l := range links {
		for _, f := range [...]string{l.Label, l.Name, l.URL, l.Type, l.Note} {
			b = strconv.AppendInt(b, int64(len(f)), 10)
			b = append(b, ':')
			b = append(b, f...)
		}
		b = strconv.AppendInt(b, int64(l.Count), 10)
		b = strconv.AppendBool(b, l.HasCount)
		b = strconv.AppendBool(b, l.Current)
		b = append(b, ';')
	}
	if h, ok := a.seen.Load(string(b)); ok {
		return h.(template.HTML), nil
	}
	key := string(b)
	h, err := a.th.Partial("alternates.html", links)
	if err != nil {
		return "", err
	}
	a.seen.Store(key, h)
	return h, nil
}
