package generator

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"portal/generator/fingerprint"
	"portal/generator/loader"
	"portal/generator/model"
	"portal/internal/atomicfile"
)

// StageUnchanged names the only stage of a run that found nothing changed
// (Options.SkipUnchanged) and so did nothing.
const StageUnchanged = "未变 unchanged"

// The up-to-date check: a run records, in <state_dir>/build/unchanged, the
// key of every input it read (taken before it read them) and the summary of
// what it published. A later run with Options.SkipUnchanged whose inputs
// have the same key, and whose output is still the version that run
// published, does nothing and returns that summary: `portal build` with
// nothing changed costs a walk of the site's folders, not a build.
//
// The key covers the program, the options that shape the output, the build
// date (the day in the site's zone), every file and folder under
// portal.toml, content/, data/ and themes/ by path, size, modification and
// change time and inode (so a rewrite with the same size and mtime, a file
// replaced by another, a touch and a rename are all changes), and each
// added stage's inputs from outside the site (Stage.Inputs, read before the
// run: the complaint store) and the state it keeps (Stage.State, read after
// the run: the search index's current version). A run during which a
// stage's inputs changed records nothing. A site with a symbolic link in
// those folders, an added stage with neither Inputs nor State, a publish
// (Options.Publish), a pipeline without StagePublish or a site built in Go
// (Options.Site) is never skipped.

// unchangedRecord is what a run leaves for the next one to compare with.
type unchangedRecord struct {
	Key     fingerprint.Sum
	Link    string // the output link's target after publishing
	Version int

	Pages, Files int
	Omitted      map[string]int
	Warnings     []string
	Ledger       *LedgerSummary
}

// unchangedPath is where the record lives.
func unchangedPath(siteDir string, cfg model.Config) string {
	return cfg.StatePath(siteDir, "build", "unchanged")
}

// filesKey returns the key of the site's files and the options, or false
// when the run cannot be keyed (and so must run).
func (p *Pipeline) filesKey() (key fingerprint.Sum, cfg model.Config, ok bool) {
	opts := p.opts
	if opts.Site != nil || opts.Publish != nil || !slices.ContainsFunc(p.stages, func(s Stage) bool { return s.Name == StagePublish }) {
		return key, cfg, false
	}
	for _, s := range p.stages {
		if !s.core && s.Inputs == nil && s.State == nil {
			return key, cfg, false
		}
	}
	settings, dl := loader.LoadSettings(os.DirFS(opts.SiteDir), loader.Options{Strict: opts.Strict})
	if dl.Err() != nil {
		return key, cfg, false
	}
	cfg = settings.Config
	out, err := filepath.Abs(opts.OutDir)
	if err != nil {
		return key, cfg, false
	}
	h := fingerprint.New()
	defer func() {
		if recover() != nil { // page data that cannot be hashed: not keyed
			ok = false
		}
	}()
	h.Add(program())
	h.WriteString(out)
	h.WriteString(opts.BaseURL)
	h.Add(opts.Strict)
	h.Add(opts.ExtraPages)
	h.Add(model.Today(opts.Now, cfg.Location))
	h.WriteString(cfg.Location.String())
	for _, name := range []string{"portal.toml", "content", "data", "themes"} {
		if !hashTree(h, opts.SiteDir, name) {
			return key, cfg, false
		}
	}
	return h.Sum(), cfg, true
}

// stagesKey returns the key of the added stages' inputs (state: false) or
// of the state they keep (state: true).
func (p *Pipeline) stagesKey(ctx context.Context, cfg model.Config, state bool) (fingerprint.Sum, bool) {
	h := fingerprint.New()
	for _, s := range p.stages {
		fn := s.Inputs
		if state {
			fn = s.State
		}
		if s.core || fn == nil {
			continue
		}
		b, err := fn(ctx, p.opts.SiteDir, cfg)
		if err != nil {
			h.Sum()
			return fingerprint.Sum{}, false
		}
		h.WriteString(s.Name)
		h.WriteString(string(b))
	}
	return h.Sum(), true
}

// hashTree adds every file and folder under siteDir/name (absent is fine)
// to h; false when it meets a symbolic link or cannot read a folder.
func hashTree(h *fingerprint.Hasher, siteDir, name string) bool {
	root := filepath.Join(siteDir, name)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				h.WriteString("-" + name)
				return nil
			}
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return errors.New("symbolic link")
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		h.WriteString(p)
		h.Add(uint32(info.Mode()))
		h.Add(info.Size())
		h.Add(info.ModTime().UnixNano())
		if ctime, ino := loader.ChangeTimeInode(info); ctime != 0 || ino != 0 {
			h.Add(ino)
			h.Add(ctime)
		}
		return nil
	})
	return err == nil
}

// unchanged returns the summary of the last run when its inputs had key
// and its output is still published.
func (p *Pipeline) unchanged(key fingerprint.Sum, cfg model.Config) (*unchangedRecord, bool) {
	b, err := os.ReadFile(unchangedPath(p.opts.SiteDir, cfg))
	if err != nil {
		return nil, false
	}
	var rec unchangedRecord
	if gob.NewDecoder(bytes.NewReader(b)).Decode(&rec) != nil || rec.Key != key {
		return nil, false
	}
	target, err := os.Readlink(p.opts.OutDir)
	if err != nil || target != rec.Link {
		return nil, false
	}
	if _, err := os.Stat(manifestPath(versionsDir(p.opts.OutDir), rec.Version)); err != nil {
		return nil, false
	}
	return &rec, true
}

// saveUnchanged records a successful run for the next one.
func (p *Pipeline) saveUnchanged(key fingerprint.Sum, cfg model.Config, r *Result) error {
	path := unchangedPath(p.opts.SiteDir, cfg)
	target, err := os.Readlink(p.opts.OutDir)
	if err != nil || filepath.Base(target) != strconv.Itoa(r.Version) {
		os.Remove(path)
		return nil
	}
	rec := unchangedRecord{Key: key, Link: target, Version: r.Version, Pages: r.Pages, Files: r.Files,
		Omitted: r.Omitted, Warnings: r.Warnings, Ledger: r.Ledger}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&rec); err != nil {
		os.Remove(path)
		return nil // a summary gob cannot carry: the next run builds
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes(), 0o600, false)
}

// forgetUnchanged removes the record before a run changes anything, so a
// run that fails halfway is never taken for the last good one.
func (p *Pipeline) forgetUnchanged(cfg model.Config) {
	os.Remove(unchangedPath(p.opts.SiteDir, cfg))
}

// unchangedResult is the Result of a run that found nothing changed.
func (p *Pipeline) unchangedResult(rec *unchangedRecord, start time.Time) *Result {
	r := &Result{Options: p.opts, OutDir: p.opts.OutDir, Unchanged: true, Version: rec.Version,
		Pages: rec.Pages, Files: rec.Files, Omitted: rec.Omitted, Warnings: rec.Warnings, Ledger: rec.Ledger}
	if r.Omitted == nil {
		r.Omitted = map[string]int{}
	}
	r.Duration = time.Since(start)
	r.Stages = []StageTime{{Name: StageUnchanged, Duration: r.Duration}}
	return r
}
