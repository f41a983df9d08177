package generator

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"portal/generator/diag"
	"portal/generator/fingerprint"
	"portal/generator/indicators"
	"portal/generator/loader"
	"portal/generator/model"
	"portal/generator/theme"
)

// The core stages, in the order they run. Added stages are placed relative
// to these names (Pipeline.After, Pipeline.Before).
const (
	// StageLoad reads and validates the site (portal.toml, the registry,
	// content and data) into Result.Site; content errors stop the run here
	// with every diagnostic.
	StageLoad = "加载 load"
	// StageDerive sets Result.Today and derives the site's state as of it
	// (overdue, due soon, unpublished).
	StageDerive = "推算 derive"
	// StageRender renders every page, feed, open-data file and asset into
	// the new output (not yet visible) and sets Result.Entries and
	// Result.Theme. Pages and figures added before it are rendered with the
	// rest.
	StageRender = "生成 render"
	// StagePublish makes the new output the published one in one step.
	StagePublish = "发布 publish"
)

// Stage is one step of a pipeline: a name for the summary and for placing
// other stages, and the work, which reads and adds to the run's Result.
// A stage that fails stops the run; nothing is published unless every
// stage before StagePublish succeeded.
type Stage struct {
	Name string
	Run  func(ctx context.Context, r *Result) error

	// Inputs returns what an added stage reads from outside the site's
	// files (the complaint store's state), and State what it keeps for the
	// site (the search index's current version): with them a run with
	// Options.SkipUnchanged can tell that nothing changed since the last
	// one. Inputs is read before a run (and after it: a change during the
	// run means the next run must build), State after it. A pipeline with
	// an added stage that has neither is never skipped.
	Inputs, State func(ctx context.Context, siteDir string, cfg model.Config) ([]byte, error)

	core bool // one of New's stages, whose inputs the site's files are
}

// Pipeline is the build as an ordered list of stages: the core ones (load,
// derive, render, publish) and those added by the caller. A Pipeline is run
// once by `portal build` and again after every change by `portal serve`.
type Pipeline struct {
	opts   Options
	stages []Stage
	anchor map[string]string // added stage → the stage it was placed after
	cache  *cache            // kept from run to run: Markdown, list rows
	ran    bool              // a run started (Options.Once allows one)
}

// New returns the core pipeline for opts.
func New(opts Options) *Pipeline {
	if opts.SiteDir == "" {
		opts.SiteDir = "."
	}
	if opts.OutDir == "" {
		opts.OutDir = filepath.Join(opts.SiteDir, "public")
	}
	return &Pipeline{opts: opts, cache: newCache(opts.SiteDir), stages: []Stage{
		{Name: StageLoad, Run: loadStage, core: true},
		{Name: StageLedger, Run: ledgerStage, core: true},
		{Name: StageDerive, Run: deriveStage, core: true},
		{Name: StageIndicators, Run: indicatorsStage, core: true},
		{Name: StageRender, Run: renderStage, core: true},
		{Name: StagePublish, Run: publishStage, core: true},
	}}
}

// SetNow sets the build date of the runs to come (zero: today, as each run
// starts).
func (p *Pipeline) SetNow(now time.Time) { p.opts.Now = now }

// Options returns the options the pipeline runs with (defaults filled).
func (p *Pipeline) Options() Options { return p.opts }

// After inserts s right after the stage named after (after earlier stages
// inserted there). It panics on an unknown or duplicate name: stages are
// wired once, in code, and a mistake must not build a site silently
// without them.
func (p *Pipeline) After(after string, s Stage) *Pipeline {
	return p.insert(after, 1, s)
}

// Before inserts s right before the stage named before.
func (p *Pipeline) Before(before string, s Stage) *Pipeline {
	return p.insert(before, 0, s)
}

func (p *Pipeline) insert(name string, offset int, s Stage) *Pipeline {
	if s.Name == "" || s.Run == nil || slices.ContainsFunc(p.stages, func(x Stage) bool { return x.Name == s.Name }) {
		panic(fmt.Sprintf("generator: stage %q is unnamed, empty or already in the pipeline", s.Name))
	}
	i := slices.IndexFunc(p.stages, func(x Stage) bool { return x.Name == name })
	if i < 0 {
		panic(fmt.Sprintf("generator: no stage %q to place %q by", name, s.Name))
	}
	if offset == 1 {
		// After the stages added after the same one before it, so stages
		// placed at one spot run in the order they were added.
		i++
		for i < len(p.stages) && p.anchor[p.stages[i].Name] == name {
			i++
		}
		if p.anchor == nil {
			p.anchor = map[string]string{}
		}
		p.anchor[s.Name] = name
	}
	p.stages = slices.Insert(p.stages, i, s)
	return p
}

// Stages returns the stage names in order.
func (p *Pipeline) Stages() []string {
	out := make([]string, len(p.stages))
	for i, s := range p.stages {
		out[i] = s.Name
	}
	return out
}

// RunThrough runs the stages up to and including the one named last (portal
// check runs through StageDerive: everything but the output).
func (p *Pipeline) RunThrough(ctx context.Context, last string) (*Result, error) {
	i := slices.IndexFunc(p.stages, func(x Stage) bool { return x.Name == last })
	if i < 0 {
		return nil, fmt.Errorf("generator: no stage %q", last)
	}
	q := *p
	q.stages = p.stages[:i+1]
	return q.Run(ctx)
}

// Run runs every stage in order. Content errors come back as one error
// listing every diagnostic (errors.As reaches each diag.Diagnostic); the
// Result is returned even then, with the warnings found.
func (p *Pipeline) Run(ctx context.Context) (*Result, error) {
	if p.opts.Once && p.ran {
		return nil, errors.New("generator: a pipeline with Options.Once runs once")
	}
	p.ran = true
	start := time.Now()
	var files, inputs fingerprint.Sum
	var cfg model.Config
	keyed := false
	if p.opts.SkipUnchanged {
		if files, cfg, keyed = p.filesKey(); keyed {
			inputs, keyed = p.stagesKey(ctx, cfg, false)
		}
		if keyed {
			if state, ok := p.stagesKey(ctx, cfg, true); ok {
				if rec, ok := p.unchanged(fingerprint.Of(files, inputs, state), cfg); ok {
					return p.unchangedResult(rec, start), nil
				}
			}
			p.forgetUnchanged(cfg)
		}
	}
	r := &Result{Options: p.opts, OutDir: p.opts.OutDir, extra: slices.Clone(p.opts.ExtraPages), Omitted: map[string]int{}, cache: p.cache,
		asLoaded: p.opts.Site == nil && p.recordsAsLoaded()}
	defer r.discard()
	defer p.cache.endRun()
	defer r.pending.Wait()
	if p.opts.Once {
		// The run reads its bodies from mapped files (cache.saveAndMap):
		// give back the pages read so far every so often, so what the
		// stages have read once does not stay in the resident set.
		stop := releaseEvery(250 * time.Millisecond)
		defer stop()
	}
	defer r.waitIndicators()
	for _, s := range p.stages {
		t := time.Now()
		if !s.core {
			r.waitIndicators() // an added stage may read Result.Indicators
		}
		if err := s.Run(ctx, r); err != nil {
			return r, err
		}
		if s.Name == StagePublish && p.opts.Once {
			r.shed()
		}
		r.Stages = append(r.Stages, StageTime{Name: s.Name, Duration: time.Since(t)})
	}
	if err := r.waitCleanup(); err != nil {
		return r, fmt.Errorf("removing the previous site: %w", err)
	}
	if err := r.waitBackground(); err != nil {
		return r, err
	}
	if keyed {
		again, ok := p.stagesKey(ctx, cfg, false)
		state, sok := p.stagesKey(ctx, cfg, true)
		if ok && sok && again == inputs {
			if err := p.saveUnchanged(fingerprint.Of(files, inputs, state), cfg, r); err != nil {
				return r, err
			}
		}
	}
	r.Duration = time.Since(start)
	return r, nil
}

// releaseEvery calls releaseMapped every interval until stop is called.
func releaseEvery(interval time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				releaseMapped()
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// recordsAsLoaded reports whether the records reach StageRender as their
// files say (with derived state): no added stage runs between StageLoad and
// StageDerive, the one place a stage may add or correct records.
func (p *Pipeline) recordsAsLoaded() bool {
	load := slices.IndexFunc(p.stages, func(s Stage) bool { return s.Name == StageLoad })
	derive := slices.IndexFunc(p.stages, func(s Stage) bool { return s.Name == StageDerive })
	if load < 0 || derive < 0 {
		return false
	}
	for _, s := range p.stages[load:derive] {
		if !s.core {
			return false
		}
	}
	return true
}

// Build runs the core pipeline once: load the site in opts.SiteDir and
// publish it to opts.OutDir. When the site has errors it writes nothing
// and returns an error that lists every diagnostic.
func Build(ctx context.Context, opts Options) (*Result, error) {
	return New(opts).Run(ctx)
}

// Generate runs the core pipeline on a site built in Go (Options.Site).
func Generate(ctx context.Context, site *model.Site, opts Options) (*Result, error) {
	opts.Site = site
	return New(opts).Run(ctx)
}

// Result is one run of a pipeline: what the stages have read and made so
// far. Each stage reads the fields earlier stages set (documented on each
// field) and may set its own; when Run returns it is the build's summary.
type Result struct {
	Options Options // as given to New, defaults filled
	OutDir  string  // the published output folder

	// Set by StageLoad.
	Site        *model.Site
	Warnings    []string   // formatted warnings (file:line:col: key: …)
	Diagnostics *diag.List // every error and warning of the site's files (nil for Options.Site)

	// Set by StageLedger when the site keeps a publication log (nil
	// otherwise): its size, checkpoint, the records whose content differs
	// from it (set by StageRender) and what a publish appended.
	Ledger *LedgerSummary

	// Set by StageDerive.
	Today time.Time // the build date: midnight in the site's zone

	// ComplaintStats, when a stage sets it before StageRender, adds
	// complaint figures to the home page, department pages and
	// /complaints/stats/.
	ComplaintStats *model.ComplaintStats

	// Set by StageIndicators: the 正反向评价 of every body, every period
	// (computed beside the render stage's first steps: an added stage
	// finds it set, and the render stage sets it before it reads it).
	Indicators *indicators.Report

	// Set by StageRender.
	Entries []model.Entry // every published record page, for search indexing and feeds
	// EntryKeys stand for everything each of Entries is made from (the
	// record's file, the build date and the program), when that is known
	// (zero otherwise): a stage that maps entries may reuse what it made
	// from an entry with the same key in an earlier run.
	EntryKeys []fingerprint.Sum
	// Profiles are the department and subject pages, for search indexing
	// only (they are not publications, so no feed carries them).
	Profiles []model.Entry
	Pages    int            // HTML pages written
	Files    int            // all files written
	Omitted  map[string]int // records left out, by reason (公示期满, 信用修复, 草稿 …)
	// Theme is the build's theme with .Site set, for pages rendered on
	// request (search, complaints); it satisfies server.PageRenderer.
	Theme *theme.Theme

	// Set by the search stage (cmd/internal/siteindex).
	Indexed, Unindexed int // documents written to and deleted from the index

	// Set by Run.
	Duration  time.Duration
	Unchanged bool        // nothing changed since the last run (Options.SkipUnchanged): this is its summary, and Site is nil
	Stages    []StageTime // where the time went, in order

	// Set by StagePublish.
	Version                  int // the published version (.<out>.versions/N)
	Written, Linked, Removed int // files written anew, hard-linked from the last version, removed
	Rendered                 int // pages rendered (the others' inputs had not changed)

	extra []ExtraPage
	cache *cache // what earlier runs of the pipeline computed
	// asLoaded: the records are as their files say (recordsAsLoaded), so
	// a page's key may stand a record's file for the record.
	asLoaded bool
	out      *output           // the next version being written (StageRender → StagePublish)
	cleanup  chan error        // old versions' removal, after publish
	files    map[string][]byte // files added by stages, written at publish
	ledger   *ledgerRun        // the publication log (StageLedger → StageRender)
	keys     *recordKeys       // the records' keys (StageRender → StagePublish: cache.keys)

	// indicators delivers StageIndicators' report, computed beside the
	// render stage's first steps, until waitIndicators takes it.
	indicators chan *indicators.Report

	// parseSaved is closed when the parse cache's save (which encodes
	// the records' sources) has returned; nil for Options.Site.
	parseSaved chan struct{}

	pending sync.WaitGroup // background work (cache saves)
	bgMu    sync.Mutex
	bgErrs  []error
}

// AddPage adds a page rendered in the site theme with caller data. Stages
// call it before StageRender.
func (r *Result) AddPage(p ExtraPage) { r.extra = append(r.extra, p) }

// AddFile adds a file to the output (name relative to its root, slash
// separated). Stages call it between StageRender and StagePublish; a name
// the build already wrote is an error at publish.
func (r *Result) AddFile(name string, data []byte) {
	if r.files == nil {
		r.files = map[string][]byte{}
	}
	r.files[name] = data
}

// discard gives up the unpublished output of a failed run.
func (r *Result) discard() {
	if r.out != nil {
		r.out.discard()
		r.out = nil
	}
}

// shed drops, in a pipeline's only run (Options.Once), once the output is
// published, what no later stage reads and no later run reuses: the
// rendered Markdown (the cache's, and each entry's HTML, which the feeds
// read) and the records' Markdown sources. The stages after publish read
// the entries' text and the records' other fields.
func (r *Result) shed() {
	r.pending.Wait() // the parse cache's save encodes the sources
	r.cache.forget()
	for _, list := range [][]model.Entry{r.Entries, r.Profiles} {
		for i := range list {
			list[i].HTML = ""
		}
	}
	if r.Site != nil && r.Options.Site == nil { // never a caller's model
		r.Site.DropBodies()
	}
}

// background runs fn beside the stages (saving caches); Run waits for it.
func (r *Result) background(fn func() error) {
	r.pending.Add(1)
	go func() {
		defer r.pending.Done()
		if err := fn(); err != nil {
			r.bgMu.Lock()
			r.bgErrs = append(r.bgErrs, err)
			r.bgMu.Unlock()
		}
	}()
}

func (r *Result) waitBackground() error {
	r.pending.Wait()
	r.bgMu.Lock()
	defer r.bgMu.Unlock()
	return errors.Join(r.bgErrs...)
}

func (r *Result) waitCleanup() error {
	if r.cleanup == nil {
		return nil
	}
	err := <-r.cleanup
	r.cleanup = nil
	return err
}

// loadStage is StageLoad.
func loadStage(_ context.Context, r *Result) error {
	opts := r.Options
	site := opts.Site
	if site == nil {
		s, dl := loader.Load(loader.DirFS(opts.SiteDir), loader.Options{Strict: opts.Strict, Cache: r.cache.files})
		r.Diagnostics = dl
		saved := make(chan struct{})
		r.parseSaved = saved
		r.background(func() error {
			defer close(saved)
			return r.cache.files.Save()
		})
		for _, w := range dl.Warnings() {
			r.Warnings = append(r.Warnings, w.Error())
		}
		if err := dl.Err(); err != nil {
			return err
		}
		site = s
	}
	cfg := &site.Config
	if cfg.Location == nil {
		return errors.New("generator: the site's Config has no Location (start from model.DefaultConfig)")
	}
	cfg.BaseURL = baseURL(cfg.BaseURL, opts.BaseURL)
	r.Site = site
	return nil
}

// deriveStage is StageDerive.
func deriveStage(_ context.Context, r *Result) error {
	r.Today = model.Today(r.Options.Now, r.Site.Config.Location)
	r.Site.Derive(r.Today)
	return nil
}
