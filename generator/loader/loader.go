// Package loader reads a whole site folder into a validated model.Site:
// portal.toml, the department registry, every content file under content/
// and the disclosure data files, with department names resolved to registry
// ids. Deriving state as of a date is not its job (model.Site.Derive, run by
// the generator's pipeline once per build).
//
// Contract: Load reports every problem it finds (never only the first) as
// positioned diagnostics, and returns a Site whenever the files could be
// listed, so callers decide from the diag.List's Err whether to build. The
// result is deterministic: files are read and parsed in parallel (bounded by
// GOMAXPROCS) but collected in path order, every kind is sorted by date
// (newest first) then id, and diagnostics are sorted. Local dates are read in
// the site's zone. Drafts stay in the Site with Draft set; renderers skip
// them. LoadSettings reads only portal.toml and the registry, for commands
// that need the site's settings without its content; LoadShell adds each
// section's _index.md, for a server that renders pages in the site's theme
// without holding its records.
package loader

import (
	"bytes"
	"cmp"
	"errors"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"portal/generator/dataset"
	"portal/generator/diag"
	"portal/generator/fingerprint"
	"portal/generator/model"
	"portal/generator/page"
)

// Options controls Load.
type Options struct {
	// Strict turns warnings into errors.
	Strict bool
	// Cache, when set, keeps parse results between loads: only files that
	// changed are read and parsed again.
	Cache *Cache
}

type jobKind int

const (
	jobPage jobKind = iota
	jobData         // a disclosure data file: .csv, .xlsx or .json
)

type job struct {
	path string
	kind model.Kind
	what jobKind
}

type result struct {
	pages  []*page.Page
	dl     diag.List
	cached bool  // from the cache: resolved already, dl complete
	stamp  stamp // the file's before it was read, for the cache; Size -1: not cached
	hash   fingerprint.Sum
}

// LoadSettings reads the site's settings in fsys: portal.toml over the
// defaults (Config.Location always set) and the department registry. The
// returned Site has no content. Commands that do not build (complaints,
// new) use it, so every command reads the settings the same way.
func LoadSettings(fsys fs.FS, opts Options) (*model.Site, *diag.List) {
	dl := &diag.List{Strict: opts.Strict}
	site, _, _ := loadSettings(fsys, dl)
	return site, dl
}

// LoadShell reads the site's settings (as LoadSettings) and each kind's
// section page (content/KIND/_index.md: its title names the section in the
// navigation), but no record: what the theme of a page rendered on request
// (search results, the complaint forms) needs, at a cost that does not grow
// with the site.
func LoadShell(fsys fs.FS, opts Options) (*model.Site, *diag.List) {
	dl := &diag.List{Strict: opts.Strict}
	site, _, fsys := loadSettings(fsys, dl)
	lim := page.LimitsOrDefault(site.Config.Limits)
	popts := page.Options{Location: site.Config.Location, CheckCreditCode: dataset.CheckCreditCode,
		Disclosures: site.Config.Disclosures, Vocabulary: site.Config.Vocabulary, Limits: lim}
	for _, k := range model.Kinds {
		name := "content/" + string(k) + "/_index.md"
		data, err := readBounded(fsys, name, lim.FileBytes, "file_bytes")
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			dl.Errorf(name, 0, 0, "", "%s", readError(err))
			continue
		}
		if p := page.Parse(name, k, data, popts, dl); p != nil && p.Section != nil {
			site.Sections[k] = p.Section
		}
	}
	return site, dl
}

// loadSettings reads portal.toml and the registry; it returns the file
// system to read the rest through (guarded against symbolic links leaving
// the site unless the config allows them).
func loadSettings(fsys fs.FS, dl *diag.List) (*model.Site, *dataset.Registry, fs.FS) {
	cfg := loadConfig(fsys, dl)
	if !cfg.AllowOutsideSymlinks {
		fsys = Guard(fsys)
	}
	lim := page.LimitsOrDefault(cfg.Limits)
	dl.Max = lim.Diagnostics

	reg := &dataset.Registry{}
	if data, err := readBounded(fsys, dataset.RegistryFile, lim.FileBytes, "file_bytes"); err == nil {
		if page.CheckLines(dataset.RegistryFile, data, lim.LineBytes, dl) {
			reg = dataset.ParseRegistry(dataset.RegistryFile, data, dl)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		dl.Errorf(dataset.RegistryFile, 0, 0, "", "%s", readError(err))
	}
	return &model.Site{Config: cfg, Departments: reg.Departments, Sections: map[model.Kind]*model.Section{}}, reg, fsys
}

// Load reads the site in fsys (its root is the site root).
func Load(fsys fs.FS, opts Options) (*model.Site, *diag.List) {
	dl := &diag.List{Strict: opts.Strict}
	site, reg, fsys := loadSettings(fsys, dl)
	loc := site.Config.Location
	lim := page.LimitsOrDefault(site.Config.Limits)
	cache := opts.Cache
	if cache != nil {
		cache.begin(site.Config, settingsPrint(fsys))
	}

	jobs := listFiles(fsys, dl)
	results := make([]result, len(jobs))
	cfg := site.Config
	popts := page.Options{Location: loc, CheckCreditCode: dataset.CheckCreditCode, Disclosures: cfg.Disclosures, Vocabulary: cfg.Vocabulary, Limits: lim}
	dopts := dataset.Options{Location: loc, Config: cfg.Disclosures, Categories: cfg.Vocabulary.DisclosureCategories, Limits: lim}
	var wg sync.WaitGroup
	next := make(chan int)
	workers := min(runtime.GOMAXPROCS(0), max(len(jobs), 1))
	for range workers {
		wg.Go(func() {
			for i := range next {
				results[i] = parseJob(fsys, jobs[i], popts, dopts, cache)
			}
		})
	}
	for i := range jobs {
		next <- i
	}
	close(next)
	wg.Wait()

	// Where each id was first used (pointing at the record's Source: a
	// 100,000-row file's ids are two maps of 100,000 entries).
	ids := map[model.Kind]map[string]*model.Source{}
	for i := range results {
		r := &results[i]
		if !r.cached {
			// Names resolve into the file's own list, so the cache keeps
			// every diagnostic of the file.
			for _, p := range r.pages {
				resolve(reg, p, &r.dl)
				// Resolved: the names (and the closures setting them)
				// are not needed again, nor cached.
				p.Refs = nil
			}
			if cache != nil && r.stamp.Size >= 0 {
				cache.store(jobs[i].path, &cacheEntry{stamp: r.stamp.cacheable(time.Now()), Hash: r.hash, Pages: r.pages, Diags: r.dl.All()})
			}
		}
		dl.Merge(&r.dl)
		for _, p := range r.pages {
			if p.Section != nil {
				site.Sections[p.Kind] = p.Section
				continue
			}
			c := p.Common()
			if c == nil {
				continue
			}
			if ids[p.Kind] == nil {
				ids[p.Kind] = map[string]*model.Source{}
			}
			if c.ID != "" {
				if first, dup := ids[p.Kind][c.ID]; dup {
					kind := diag.Text{ZH: p.Kind.Label(), EN: string(p.Kind)}
					dl.Errorf(c.Source.File, c.Source.Line, 1, "id", "duplicate %s id %q: also used by %s:%d (ids must be unique within %s; Markdown file names and data-file ids share one space)",
						kind, c.ID, first.File, first.Line, kind)
					continue
				}
				ids[p.Kind][c.ID] = &c.Source
				// Output folders named by id must not collide on
				// case-insensitive file systems (macOS, Windows).
				fold := "\x00" + strings.ToLower(c.ID)
				if first, dup := ids[p.Kind][fold]; dup {
					dl.Errorf(c.Source.File, c.Source.Line, 1, "id", "%s id %q differs only in letter case from the one used by %s:%d (page addresses must differ in more than case)",
						diag.Text{ZH: p.Kind.Label(), EN: string(p.Kind)}, c.ID, first.File, first.Line)
				} else {
					ids[p.Kind][fold] = &c.Source
				}
			}
			add(site, p)
		}
	}
	if cache != nil {
		paths := make(map[string]bool, len(jobs))
		for _, j := range jobs {
			paths[j.path] = true
		}
		cache.keepOnly(paths)
	}
	sortSite(site)
	return site, dl
}

// racyWindow: a file modified this recently may change again without its
// modification time changing (file system clocks tick every few ms).
const racyWindow = 2 * time.Second

// resolve sets the registry id of every department name p gives, reporting
// names the registry does not know and bodies named twice.
func resolve(reg *dataset.Registry, p *page.Page, dl *diag.List) {
	seen := map[string]page.Ref{}
	for _, ref := range p.Refs {
		id, err := reg.Resolve(ref.Name)
		if err != nil {
			dl.Add(diag.Diagnostic{File: ref.File, Sheet: ref.Sheet, Line: ref.Line, Col: ref.Col, Key: ref.Key, Message: err.Error(), Severity: diag.Error})
			continue
		}
		if prev, dup := seen[id]; dup {
			dl.Warnf(ref.File, ref.Line, ref.Col, ref.Key, "%q names %s again (already given as %q in %s); list each body once",
				ref.Name, id, prev.Name, prev.Key)
		} else {
			seen[id] = ref
		}
		ref.Set(id)
	}
}

func add(site *model.Site, p *page.Page) {
	switch {
	case p.Commitment != nil:
		site.Commitments = append(site.Commitments, p.Commitment)
	case p.Disclosure != nil:
		site.Disclosures = append(site.Disclosures, p.Disclosure)
	case p.Policy != nil:
		site.Policies = append(site.Policies, p.Policy)
	case p.Case != nil:
		site.Cases = append(site.Cases, p.Case)
	case p.News != nil:
		site.News = append(site.News, p.News)
	case p.Record != nil:
		site.Records = append(site.Records, p.Record)
	}
}

func parseJob(fsys fs.FS, j job, opts page.Options, dopts dataset.Options, cache *Cache) (r result) {
	r.dl.Max = opts.Limits.Diagnostics
	limit, key := opts.Limits.FileBytes, "file_bytes"
	if j.what != jobPage {
		limit, key = opts.Limits.DataFileBytes, "data_file_bytes"
	}
	r.stamp.Size = -1 // not cached unless read whole
	var data []byte
	if cache != nil {
		e, st, b := cache.lookup(fsys, j.path, limit, key)
		if e != nil {
			r.cached, r.pages = true, e.Pages
			for _, d := range e.Diags {
				r.dl.Add(d)
			}
			return r
		}
		if st != nil {
			r.stamp = stampOf(st)
		}
		data = b
	}
	if data == nil {
		var st stamp
		var err error
		if data, st, err = readBoundedStat(fsys, j.path, limit, key); err != nil {
			r.stamp.Size = -1
			r.dl.Errorf(j.path, 0, 0, "", "%s", readError(err))
			return r
		}
		if cache != nil && r.stamp.Size < 0 {
			// Not in the cache, so not stat'ed by its lookup: the
			// open file's stat, taken before reading, is the stamp.
			r.stamp = st
		}
	}
	if r.stamp.Size >= 0 {
		if int64(len(data)) != r.stamp.Size {
			r.stamp.Size = -1 // it changed while being read: do not cache
		}
		r.hash = fingerprint.Bytes(data)
	}
	switch j.what {
	case jobData:
		r.pages = dataset.ReadFile(j.path, data, dopts, &r.dl)
	default:
		// data is the page's from here: its body shares the bytes.
		if p := page.Parse(j.path, j.kind, data, opts, &r.dl); p != nil {
			r.pages = []*page.Page{p}
		}
	}
	return r
}

func kindNames() string {
	names := make([]string, len(model.Kinds))
	for i, k := range model.Kinds {
		names[i] = string(k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func isKind(name string) bool {
	return slices.Contains(model.Kinds, model.Kind(name))
}

// listFiles finds every content and data file to read, in path order.
func listFiles(fsys fs.FS, dl *diag.List) []job {
	var jobs []job
	entries, err := fs.ReadDir(fsys, "content")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		dl.Errorf("content", 0, 0, "", "%s", readError(err))
	}
	for _, e := range entries {
		name := e.Name()
		p := "content/" + name
		if strings.HasPrefix(name, ".") {
			continue
		}
		isDir, err := entryIsDir(fsys, p, e)
		if err != nil {
			dl.Errorf(p, 0, 0, "", "%s", readError(err))
			continue
		}
		if !isDir && name == "_index.md" {
			// The home page's introduction (Hugo's root section).
			jobs = append(jobs, job{path: p, kind: "", what: jobPage})
			continue
		}
		if !isDir {
			dl.Errorf(p, 0, 0, "", "files directly under content/ are not read (except _index.md, the home page's introduction); put pages in a kind folder (%s)", kindNames())
			continue
		}
		if !isKind(name) {
			if c := page.Closest(name, strings.Split(kindNames(), ", "), 1); len(c) > 0 {
				dl.Errorf(p, 0, 0, "", "unknown folder %q (allowed kinds: %s); did you mean %s?", name, kindNames(), c[0])
			} else {
				dl.Errorf(p, 0, 0, "", "unknown folder %q (allowed kinds: %s)", name, kindNames())
			}
			continue
		}
		files, err := fs.ReadDir(fsys, p)
		if err != nil {
			dl.Errorf(p, 0, 0, "", "%s", readError(err))
			continue
		}
		for _, f := range files {
			fp := p + "/" + f.Name()
			if strings.HasPrefix(f.Name(), ".") {
				continue
			}
			isDir, err := entryIsDir(fsys, fp, f)
			switch {
			case err != nil:
				dl.Errorf(fp, 0, 0, "", "%s", readError(err))
			case isDir:
				dl.Errorf(fp, 0, 0, "", "subfolders are not read; put %s pages directly in %s/", name, p)
			case path.Ext(f.Name()) != ".md":
				dl.Warnf(fp, 0, 0, "", "not a Markdown (.md) file: ignored")
			default:
				jobs = append(jobs, job{path: fp, kind: model.Kind(name), what: jobPage})
			}
		}
	}
	const dataDir = "data/disclosures"
	files, err := fs.ReadDir(fsys, dataDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		dl.Errorf(dataDir, 0, 0, "", "%s", readError(err))
	}
	for _, f := range files {
		fp := dataDir + "/" + f.Name()
		if strings.HasPrefix(f.Name(), ".") || strings.HasPrefix(f.Name(), "~$") { // hidden, or an open workbook's lock file
			continue
		}
		isDir, err := entryIsDir(fsys, fp, f)
		switch ext := strings.ToLower(path.Ext(f.Name())); {
		case err != nil:
			dl.Errorf(fp, 0, 0, "", "%s", readError(err))
		case isDir:
			dl.Errorf(fp, 0, 0, "", "subfolders are not read; put .csv, .xlsx and .json files directly in %s/", dataDir)
		case slices.Contains(dataset.DataFileExts, ext):
			jobs = append(jobs, job{path: fp, kind: model.KindDisclosure, what: jobData})
		case ext == ".xls":
			dl.Errorf(fp, 0, 0, "", "旧版 Excel 文件（.xls）无法读取，请在 Excel 或 WPS 中另存为 .xlsx (old .xls workbooks are not read: save it as .xlsx in Excel or WPS)")
		default:
			dl.Warnf(fp, 0, 0, "", "not a .csv, .xlsx or .json file: ignored")
		}
	}
	return jobs
}

// readError words a failure to read a file for its diagnostic, which
// already names the file.
func readError(err error) string {
	var le *OutsideLinkError
	var tb *tooBigError
	switch {
	case errors.As(err, &le):
		return le.Error()
	case errors.As(err, &tb):
		return tb.Error()
	}
	return diag.Bilingual("cannot read: %v", err)
}

// tooBigError refuses a file larger than its limit, or one that is not a
// regular file (a pipe or device would block or never end).
type tooBigError struct {
	size, limit int64
	key         string // the [limits] key that sets limit
	irregular   bool
}

func (e *tooBigError) Error() string {
	if e.irregular {
		return diag.Bilingual("not a regular file (a pipe, socket or device is never read; use a plain file)")
	}
	return diag.Bilingual("the file is %d bytes; at most %d bytes are read from one file (split it, or raise [limits] %s in portal.toml)", e.size, e.limit, e.key)
}

// readBounded reads name unless it is larger than limit bytes (checked
// before reading, and again while reading, in case it grows) or not a
// regular file.
func readBounded(fsys fs.FS, name string, limit int, key string) ([]byte, error) {
	data, _, err := readBoundedStat(fsys, name, limit, key)
	return data, err
}

// readBoundedStat is readBounded also returning the stamp of the open
// file, from its stat taken before reading. A DirFS's file is read by
// readFast, which falls back to this function's slow path (readSlow) on
// anything but a regular file read whole.
func readBoundedStat(fsys fs.FS, name string, limit int, key string) ([]byte, stamp, error) {
	if data, st, ok := readFast(fsys, name, limit); ok {
		return data, st, nil
	}
	return readSlow(fsys, name, limit, key)
}

// readSlow is readBoundedStat through fsys's Open.
func readSlow(fsys fs.FS, name string, limit int, key string) ([]byte, stamp, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, stamp{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, stamp{}, err
	}
	if !st.Mode().IsRegular() {
		return nil, stamp{}, &tooBigError{irregular: true}
	}
	if st.Size() > int64(limit) {
		return nil, stamp{}, &tooBigError{size: st.Size(), limit: int64(limit), key: key}
	}
	// Sized from the stat (plus room to notice growth), so a large file
	// is read into one buffer rather than a series of doubling copies.
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, int64(limit)+1)); err != nil {
		return nil, stamp{}, err
	}
	data := buf.Bytes()
	if len(data) > limit {
		return nil, stamp{}, &tooBigError{size: int64(len(data)), limit: int64(limit), key: key}
	}
	return data, stampOf(st), nil
}

// entryIsDir reports whether a folder entry is a folder, following a
// symbolic link (through fsys, so a link leaving the site is an error).
func entryIsDir(fsys fs.FS, name string, e fs.DirEntry) (bool, error) {
	if e.Type()&fs.ModeSymlink == 0 {
		return e.IsDir(), nil
	}
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return false, err
	}
	return st.IsDir(), nil
}

func newestFirst(a, b *model.Common) int {
	return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.ID, b.ID))
}

func sortSite(s *model.Site) {
	slices.SortStableFunc(s.Commitments, func(a, b *model.Commitment) int { return newestFirst(&a.Common, &b.Common) })
	slices.SortStableFunc(s.Disclosures, func(a, b *model.Disclosure) int { return newestFirst(&a.Common, &b.Common) })
	slices.SortStableFunc(s.Policies, func(a, b *model.Policy) int { return newestFirst(&a.Common, &b.Common) })
	slices.SortStableFunc(s.Cases, func(a, b *model.Case) int { return newestFirst(&a.Common, &b.Common) })
	slices.SortStableFunc(s.News, func(a, b *model.News) int { return newestFirst(&a.Common, &b.Common) })
	slices.SortStableFunc(s.Records, func(a, b *model.Record) int { return newestFirst(&a.Common, &b.Common) })
}
