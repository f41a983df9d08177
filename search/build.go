package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/zeebo/xxh3"
	"golang.org/x/sync/errgroup"

	"portal/internal/atomicfile"
)

// pointerName is the file in the state folder naming the current index.
const pointerName = "CURRENT"

// metaName is the file in an index folder describing it.
const metaName = "meta.json"

// formatVersion changes whenever the mapping or the meta file changes in a
// way an older reader cannot use. 8: no _all field (an index updated in
// place keeps one kind of document).
const formatVersion = 8

// Options tune Build.
type Options struct {
	// Analysis is the Chinese analysis (AnalysisBigram,
	// AnalysisBigramUnigram, or a registered bleve tokenizer); empty means
	// DefaultAnalysis.
	Analysis string
	// Shards splits the index so that indexing and each query use several
	// cores; 0 means one per available CPU (at most 8).
	Shards int
	// BatchSize is the number of documents per in-memory segment; 0 means
	// 100. Measured: at 10,000 pages the same CPU as 500 with less memory
	// (bleve holds a whole batch's analysis until it writes the segment);
	// with more segments to merge, MergeMax keeps the merging at two levels.
	BatchSize int
	// MergeMax is how many segments bleve's builder merges at once; 0
	// means 50 (bleve's default is 10: at 100,000 pages and batches of 100
	// that is three levels of merging, each rewriting the whole shard;
	// 50 is two, and 6% less CPU).
	MergeMax int
}

// Stats report what Build did.
type Stats struct {
	Dir      string // the new index folder ("" when nothing changed)
	Docs     int
	Shards   int
	Rebuilt  bool // built anew (not updated in place)
	Added    int  // documents written (new or changed)
	Deleted  int  // documents removed
	Duration time.Duration
}

// meta is meta.json: what Open needs to know about an index.
type meta struct {
	Version  int                          `json:"version"`
	Analysis string                       `json:"analysis"`
	Shards   int                          `json:"shards"`
	Docs     int                          `json:"docs"`
	Labels   map[string]map[string]string `json:"labels"` // facet field → value → label
}

// Build indexes docs into a fresh folder under stateDir and makes it the
// current index. It returns only when the new index is complete and
// switched in; on error the previous index stays current.
func Build(ctx context.Context, stateDir string, docs []Document, opts Options) (Stats, error) {
	start := time.Now()
	if opts.Analysis == "" {
		opts.Analysis = DefaultAnalysis
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 100
	}
	if opts.MergeMax <= 0 {
		opts.MergeMax = 50
	}
	shards := opts.Shards
	if shards <= 0 {
		shards = min(runtime.GOMAXPROCS(0), 8)
	}
	// Every shard gets documents while there are more documents than
	// shards (a shard without any is an empty index, which bleve's offline
	// builder cannot write, so it is made otherwise).
	shards = max(1, min(shards, len(docs)))

	seen := make(map[string]bool, len(docs))
	for i, d := range docs {
		if d.URL == "" {
			return Stats{}, fmt.Errorf("search: document %d (%q) has no URL", i, d.Title)
		}
		if seen[d.URL] {
			return Stats{}, fmt.Errorf("search: two documents have the URL %s", d.URL)
		}
		seen[d.URL] = true
	}

	m, err := newMapping(opts.Analysis)
	if err != nil {
		return Stats{}, err
	}
	dm, err := newDocMapper(m, opts.Analysis)
	if err != nil {
		return Stats{}, err
	}
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return Stats{}, fmt.Errorf("search: %w", err)
	}
	dir, err := newIndexDir(stateDir)
	if err != nil {
		return Stats{}, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()

	byShard := make([][]int, shards)
	for i := range docs {
		s := shardOf(docs[i].URL, shards)
		byShard[s] = append(byShard[s], i)
	}
	g, gctx := errgroup.WithContext(ctx)
	for s := range shards {
		g.Go(func() error {
			return buildShard(gctx, filepath.Join(dir, shardName(s)), dm, docs, byShard[s], opts)
		})
	}
	if err := g.Wait(); err != nil {
		return Stats{}, err
	}
	prints := make(map[string]docPrint, len(docs))
	for i := range docs {
		prints[docs[i].URL] = fingerprintDoc(&docs[i])
	}
	md := meta{Version: formatVersion, Analysis: opts.Analysis, Shards: shards, Docs: len(docs), Labels: labels(docs)}
	if err := finish(dir, md, prints); err != nil {
		return Stats{}, err
	}
	if err := switchTo(stateDir, dir); err != nil {
		return Stats{}, err
	}
	ok = true
	return Stats{Dir: dir, Docs: len(docs), Shards: shards, Added: len(docs), Rebuilt: true, Duration: time.Since(start)}, nil
}

// shardOf is the shard a URL's document lives in: by a hash of the URL, so
// a page stays in its shard from build to build and an index updated in
// place holds what one built anew holds, shard for shard.
func shardOf(url string, shards int) int {
	return int(xxh3.HashString(url) % uint64(shards))
}

// finish writes what an index folder holds beside its shards: the order
// tables, the documents' fingerprints and, last, meta.json, which Open
// requires (a folder without it is no index).
func finish(dir string, md meta, prints map[string]docPrint) error {
	if err := writeOrder(dir, md.Shards); err != nil {
		return err
	}
	if err := writePrints(dir, prints); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, metaName), mustJSON(md))
}

// switchTo makes dir the current index and removes the indexes no reader
// uses any more.
func switchTo(stateDir, dir string) error {
	if err := writeFileAtomic(filepath.Join(stateDir, pointerName), []byte(filepath.Base(dir)+"\n")); err != nil {
		return err
	}
	cleanOld(stateDir, filepath.Base(dir))
	return nil
}

func shardName(s int) string { return fmt.Sprintf("shard-%d", s) }

// buildShard indexes docs[i] for each i in which with bleve's offline
// builder, which writes one merged segment: fastest to build and to query.
func buildShard(ctx context.Context, path string, dm *docMapper, docs []Document, which []int, opts Options) (err error) {
	defer func() {
		// bleve panics on some states of its builder; a bad document must
		// fail the build, not crash the program.
		if r := recover(); r != nil {
			err = fmt.Errorf("search: build shard %s: %v", filepath.Base(path), r)
		}
	}()
	if len(which) == 0 {
		idx, err := bleve.NewUsing(path, dm.IndexMappingImpl, scorch.Name, scorch.Name, nil)
		if err != nil {
			return fmt.Errorf("search: create empty index: %w", err)
		}
		return idx.Close()
	}
	// The builder maps each document with dm, which is given the
	// *Document itself.
	b, err := bleve.NewBuilder(path, dm, map[string]any{
		"buildPathPrefix": filepath.Dir(path),
		"batchSize":       opts.BatchSize,
		"mergeMax":        opts.MergeMax,
	})
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for n, i := range which {
		// On error the builder is dropped, not closed (closing an empty
		// builder panics); Build removes the whole folder.
		if n%256 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := b.Index(docs[i].URL, &docs[i]); err != nil {
			return fmt.Errorf("search: index %s: %w", docs[i].URL, err)
		}
	}
	if err := b.Close(); err != nil {
		return fmt.Errorf("search: finish shard: %w", err)
	}
	return nil
}

// toIndexDoc maps a Document to the indexed form: analysed fields are
// normalised, stored fields keep the text as written. The body, normalised,
// is returned apart: docMapper indexes it (bodyfield.go).
func toIndexDoc(d *Document) (indexDoc, string) {
	var body strings.Builder
	// The summary is left out: it repeats the start of the text (and is
	// shown when no match is found in the text).
	for _, s := range []string{d.Title, d.Title, d.Category, strings.Join(d.Tags, " "), strings.Join(d.DepartmentNames, " "), d.Text, d.Facts} {
		if s != "" {
			body.WriteString(s)
			body.WriteString("\n")
		}
	}
	canon := func(in []string) []string {
		out := make([]string, 0, len(in))
		for _, id := range in {
			out = append(out, idKeys(id)...)
		}
		return out
	}
	x := indexDoc{
		IDs:       canon(d.Identifiers),
		Refs:      canon(d.References),
		Names:     canon(d.Names),
		States:    canon(d.States),
		Kind:      d.Kind,
		Dept:      d.Departments,
		Status:    d.Status,
		URL:       d.URL,
		RawTitle:  d.Title,
		DeptNames: d.DepartmentNames,
		Text:      d.Text,
		Facts:     d.Facts,
		Summary:   d.Summary,
	}
	if !d.Date.IsZero() {
		x.Year = strconv.Itoa(d.Date.Year())
		x.Date = d.Date.Format(time.DateOnly)
	}
	facet := func(field, v string) {
		if v != "" {
			x.Facet = append(x.Facet, field+facetSep+v)
		}
	}
	facet("kind", x.Kind)
	for _, dp := range x.Dept {
		facet("department", dp)
	}
	facet("year", x.Year)
	facet("status", x.Status)
	return x, normalize(body.String())
}

// labels collects the display names of facet values.
func labels(docs []Document) map[string]map[string]string {
	l := map[string]map[string]string{fKind: {}, fDept: {}, fStatus: {}}
	for _, d := range docs {
		if d.KindLabel != "" {
			l[fKind][d.Kind] = d.KindLabel
		}
		if d.StatusLabel != "" {
			l[fStatus][d.Status] = d.StatusLabel
		}
		for i, id := range d.Departments {
			if i < len(d.DepartmentNames) && d.DepartmentNames[i] != "" {
				l[fDept][id] = d.DepartmentNames[i]
			}
		}
	}
	return l
}

// newIndexDir creates index-<n> with n one above every existing index, so
// concurrent builds never share a folder (Mkdir fails on a name taken).
func newIndexDir(stateDir string) (string, error) {
	n := 0
	for _, name := range indexDirs(stateDir) {
		v, _ := strconv.Atoi(strings.TrimPrefix(name, "index-"))
		n = max(n, v)
	}
	for range 100 {
		n++
		dir := filepath.Join(stateDir, "index-"+strconv.Itoa(n))
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("search: %w", err)
		}
	}
	return "", fmt.Errorf("search: no free index folder under %s", stateDir)
}

// indexDirs lists the index-<n> folders in stateDir, oldest first.
func indexDirs(stateDir string) []string {
	entries, _ := os.ReadDir(stateDir)
	var names []string
	for _, e := range entries {
		if _, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "index-")); e.IsDir() && strings.HasPrefix(e.Name(), "index-") && err == nil {
			names = append(names, e.Name())
		}
	}
	sort.Slice(names, func(i, j int) bool {
		a, _ := strconv.Atoi(strings.TrimPrefix(names[i], "index-"))
		b, _ := strconv.Atoi(strings.TrimPrefix(names[j], "index-"))
		return a < b
	})
	return names
}

// cleanOld removes every index older than current that no reader holds
// (see readers.go). Anything newer than current belongs to a build still
// running. An index still read is removed by its last reader (Close).
func cleanOld(stateDir, current string) {
	cur, _ := strconv.Atoi(strings.TrimPrefix(current, "index-"))
	for _, name := range indexDirs(stateDir) {
		n, _ := strconv.Atoi(strings.TrimPrefix(name, "index-"))
		if name == current || n > cur {
			continue
		}
		removeUnread(filepath.Join(stateDir, name))
	}
}

// Current returns the name of the current index folder in stateDir (the
// build records it, so that it can tell later that the index is still the
// one it left).
func Current(stateDir string) (string, error) {
	name, err := readPointer(stateDir)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(stateDir, name, metaName)); err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	return name, nil
}

// readPointer returns the name of the current index folder.
func readPointer(stateDir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(stateDir, pointerName))
	if err != nil {
		return "", err
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, "index-") || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("search: %s names %q, not an index folder", pointerName, name)
	}
	return name, nil
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // only our own plain structs reach here
	}
	return b
}

// writeFileAtomic replaces path with data, synced, so readers see the old
// or the new file, whole.
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, data, 0o600, true); err != nil {
		return fmt.Errorf("search: %w", err)
	}
	return nil
}
