package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// queryTimeout bounds one query's work, whatever it is.
const queryTimeout = 3 * time.Second

// Index is an open, read-only index. It is safe for concurrent use.
type Index struct {
	dir      string
	shards   []bleve.Index
	analyzer analysis.Analyzer
	mapping  *mapping.IndexMappingImpl
	meta     meta

	views      []*shardView // one per shard, see exec.go
	facetTerms []string     // facet id → "<field>\x1f<value>"
	readers    *os.File     // our shared lock on the folder (readers.go)
	facetIDs   map[string]uint16

	// names holds the canonical names of profile pages (departments,
	// subjects), to find one inside a query; deptForms maps every ending
	// of a department's names (three characters or more: 发改委,
	// 市场监督管理局) to the department facet ids it may mean.
	names        map[string]bool
	maxNameRunes int
	deptForms    map[string][]uint16
}

// Open opens the current index under stateDir read-only. It returns
// ErrNoIndex when none has been built.
func Open(stateDir string) (*Index, error) {
	name, err := readPointer(stateDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoIndex
	}
	if err != nil {
		return nil, err
	}
	return openDir(filepath.Join(stateDir, name))
}

// openDir opens one index folder read-only.
func openDir(dir string) (*Index, error) {
	b, err := os.ReadFile(filepath.Join(dir, metaName))
	if err != nil {
		return nil, fmt.Errorf("search: open index: %w", err)
	}
	var md meta
	if err := json.Unmarshal(b, &md); err != nil {
		return nil, fmt.Errorf("search: %s: %w", filepath.Join(dir, metaName), err)
	}
	if md.Version != formatVersion {
		return nil, fmt.Errorf("search: index %s has format %d, this program reads %d: run portal build", dir, md.Version, formatVersion)
	}
	m, err := newMapping(md.Analysis)
	if err != nil {
		return nil, err
	}
	ix := &Index{dir: dir, meta: md, analyzer: m.AnalyzerNamed(textAnalyzer), mapping: m}
	if ix.analyzer == nil {
		return nil, fmt.Errorf("search: index %s: analysis %q is not available", dir, md.Analysis)
	}
	// Held from before the shards open, so no build removes the folder
	// under us; a build that removed it just before leaves no meta.json,
	// which the next reload notices.
	if ix.readers, err = holdReaders(dir); err != nil {
		return nil, fmt.Errorf("search: open index: %w", err)
	}
	for s := range md.Shards {
		// bleve.OpenUsing can return a non-nil index with an error, and
		// closing that one panics: trust err only.
		idx, err := bleve.OpenUsing(filepath.Join(dir, shardName(s)), map[string]any{"read_only": true})
		if err != nil {
			ix.Close()
			return nil, fmt.Errorf("search: open %s: %w", dir, err)
		}
		ix.shards = append(ix.shards, idx)
	}
	if err := ix.loadTables(); err != nil {
		ix.Close()
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	return ix, nil
}

// Close releases the index files. The last reader of an index that is no
// longer current removes it.
func (ix *Index) Close() error {
	var errs []error
	for _, v := range ix.views {
		errs = append(errs, v.r.Close())
	}
	ix.views = nil
	for _, s := range ix.shards {
		errs = append(errs, s.Close())
	}
	ix.shards = nil
	if ix.readers != nil {
		releaseReaders(ix.readers)
		ix.readers = nil
		stateDir := filepath.Dir(ix.dir)
		if cur, err := readPointer(stateDir); err == nil && cur != filepath.Base(ix.dir) {
			cleanOld(stateDir, cur)
		}
	}
	return errors.Join(errs...)
}

// Docs returns the number of documents in the index.
func (ix *Index) Docs() int { return ix.meta.Docs }

// Dir returns the index folder.
func (ix *Index) Dir() string { return ix.dir }

// facetFields are the Query filter names with facets, in display order,
// the index field holding labels, and how many values each shows.
var facetFields = []struct {
	name, field string
	size        int
}{
	{"kind", fKind, 10},
	{"department", fDept, 30},
	{"year", fYear, 30},
	{"status", fStatus, 12},
}

// facetSep separates the facet name from the value in fFacet terms.
const facetSep = "\x1f"

func (ix *Index) label(field, value string) string {
	if l := ix.meta.Labels[field][value]; l != "" {
		return l
	}
	return value
}

// unscored matches like its query but scores nothing: no frequencies or
// norms are decoded, and it adds zero to the score of a conjunction.
type unscored struct{ query.Query }

func (u unscored) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts bsearch.SearcherOptions) (bsearch.Searcher, error) {
	opts.Score = "none"
	opts.Explain = false
	return u.Query.Searcher(ctx, r, m, opts)
}

// commonShare is the share of pages above which a term is "common": it
// still filters, but is not scored.
const commonShare = 0.2

// textQuery requires every term. Terms found in most pages have an inverse
// document frequency near zero, so they barely move the ranking, yet
// decoding their frequencies and norms for every hit is most of a broad
// query's cost: they become a non-scoring filter, and the rarest terms
// (always at least one) score.
func (ix *Index) textQuery(ctx context.Context, musts []query.Query) query.Query {
	if len(musts) < 2 || ix.meta.Docs < 1000 {
		return query.NewConjunctionQuery(musts)
	}
	type tdf struct {
		q  query.Query
		df uint64
	}
	ts := make([]tdf, 0, len(musts))
	for _, m := range musts {
		tq := m.(*query.TermQuery)
		ts = append(ts, tdf{m, ix.docFreq(ctx, tq.Term)})
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].df < ts[j].df })
	limit := uint64(commonShare * float64(ix.meta.Docs))
	var scored, filter []query.Query
	for i, t := range ts {
		if i == 0 || t.df <= limit {
			scored = append(scored, t.q)
		} else {
			filter = append(filter, t.q)
		}
	}
	for _, f := range filter {
		scored = append(scored, unscored{f})
	}
	return query.NewConjunctionQuery(scored)
}

// docFreq returns how many pages contain term in the body, over all shards.
func (ix *Index) docFreq(ctx context.Context, term string) uint64 {
	return ix.termCount(ctx, term, fBody)
}

// terms analyses normalised text like the body field, dropping duplicates
// and, when longer terms exist, the single Chinese characters they imply.
func (ix *Index) terms(text string) []string {
	toks := ix.analyzer.Analyze([]byte(text))
	long := false
	for _, t := range toks {
		if utf8.RuneCount(t.Term) > 1 {
			long = true
			break
		}
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range toks {
		s := string(t.Term)
		if seen[s] {
			continue
		}
		if r, n := utf8.DecodeRuneInString(s); long && n == len(s) && isHan(r) {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
