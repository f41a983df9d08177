package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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

// Close releases the index files.
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

// Search answers q. Errors are *QueryError (the caller's mistake),
// context errors, or internal errors.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	if err := q.Validate(); err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	plan := ix.plan(ctx, q)
	page, total, facetCounts, err := ix.execute(ctx, plan.query, q.Sort == SortDate || plan.matchAll, q.Size, (q.Page-1)*q.Size)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("search: %w", ctx.Err())
		}
		return Result{}, fmt.Errorf("search: %w", err)
	}
	res := Result{Query: q, Total: total}
	for _, h := range page {
		id, fields, err := ix.storedFields(h)
		if err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
		first := func(name string) string {
			if v := fields[name]; len(v) > 0 {
				return v[0]
			}
			return ""
		}
		hit := Hit{
			URL:         first(sURL),
			Title:       first(sTitle),
			Kind:        first(fKind),
			Departments: fields[sDept],
			Date:        first(fDate),
			Score:       h.score,
		}
		hit.KindLabel = ix.label(fKind, hit.Kind)
		if hit.URL == "" {
			hit.URL = id
		}
		hit.Snippet = template.HTML(snippet(first(sText), first(sSumm), plan.needles, snippetRunes)) // escaped but for <mark>
		res.Hits = append(res.Hits, hit)
	}
	selected := map[string]string{"kind": q.Kind, "department": q.Department, "status": q.Status}
	if q.Year != 0 {
		selected["year"] = strconv.Itoa(q.Year)
	}
	terms := make([]string, 0, len(facetCounts))
	for t := range facetCounts {
		terms = append(terms, t)
	}
	// By count, descending, then by value.
	sort.Slice(terms, func(i, j int) bool {
		if a, b := facetCounts[terms[i]], facetCounts[terms[j]]; a != b {
			return a > b
		}
		return terms[i] < terms[j]
	})
	byName := map[string][]FacetValue{}
	for _, t := range terms {
		name, value, ok := strings.Cut(t, facetSep)
		if !ok {
			continue
		}
		byName[name] = append(byName[name], FacetValue{Value: value, Count: facetCounts[t], Selected: selected[name] == value})
	}
	for _, f := range facetFields {
		vs := byName[f.name]
		if len(vs) == 0 {
			continue
		}
		if f.name == "year" {
			// Years read best newest first.
			sort.Slice(vs, func(i, j int) bool { return vs[i].Value > vs[j].Value })
		}
		if len(vs) > f.size {
			vs = vs[:f.size]
		}
		for i := range vs {
			vs[i].Label = ix.label(f.field, vs[i].Value)
		}
		res.Facets = append(res.Facets, Facet{Field: f.name, Values: vs})
	}
	res.Took = time.Since(start)
	return res, nil
}

func (ix *Index) label(field, value string) string {
	if l := ix.meta.Labels[field][value]; l != "" {
		return l
	}
	return value
}

// plan is a parsed query: the bleve query and the strings to highlight.
type plan struct {
	query    query.Query
	matchAll bool
	needles  [][]string // per clause: the clause, then its terms
}

// plan turns q into a bleve query:
//
//	(ids:ID^10000 OR refs:ID^100 OR body:all terms of every clause)
//	filtered by kind, department, year and status.
//
// The identifier branches are planned only for identifiers that exist.
// Titles weigh through the body, which holds the title twice: a separate
// title clause cost up to half of a broad query's time at 100,000 pages
// and changed no judged ranking.
//
// Each clause is analysed like the body; a clause's terms must all occur
// (all bigrams ≈ the phrase, without the cost of positions). When a clause
// has bigrams its unigrams are implied and left out, so common single
// characters never enlarge the intersection.
func (ix *Index) plan(ctx context.Context, q Query) plan {
	var p plan
	clauses := parseQuery(q.Text)
	var musts []query.Query
	ids := map[string]bool{}
	seenTerm := map[string]bool{}
	if c := canonicalID(q.Text); c != "" && utf8.RuneCountInString(c) >= 2 {
		ids[c] = true
	}
	for _, c := range clauses {
		if id := canonicalID(c.text); utf8.RuneCountInString(id) >= 2 {
			ids[id] = true
		}
		terms := ix.terms(c.text)
		if len(terms) == 0 {
			continue
		}
		p.needles = append(p.needles, append([]string{c.text}, terms...))
		conj := make([]query.Query, 0, len(terms))
		for _, t := range terms {
			if seenTerm[t] { // a repeated word adds work, not precision
				continue
			}
			seenTerm[t] = true
			tq := query.NewTermQuery(t)
			tq.SetField(fBody)
			conj = append(conj, tq)
		}
		musts = append(musts, conj...)
	}

	var main query.Query
	switch {
	case len(musts) == 0 && len(ids) == 0:
		main = query.NewMatchAllQuery()
		p.matchAll = true
	default:
		var alts []query.Query
		for id := range ix.existingIDs(ctx, ids) {
			nq := query.NewTermQuery(id)
			nq.SetField(fNames)
			nq.SetBoost(1000000)
			alts = append(alts, nq)
			tq := query.NewTermQuery(id)
			tq.SetField(fIDs)
			tq.SetBoost(10000)
			rq := query.NewTermQuery(id)
			rq.SetField(fRefs)
			rq.SetBoost(100)
			alts = append(alts, tq, rq)
		}
		if len(musts) > 0 {
			alts = append(alts, ix.textQuery(ctx, musts))
		}
		if len(alts) == 1 {
			main = alts[0]
		} else {
			main = query.NewDisjunctionQuery(alts)
		}
		if len(alts) == 0 {
			main = query.NewMatchNoneQuery()
		}
	}

	var filters []query.Query
	add := func(field, v string) {
		if v != "" {
			tq := query.NewTermQuery(v)
			tq.SetField(field)
			filters = append(filters, unscored{tq})
		}
	}
	add(fKind, q.Kind)
	add(fDept, q.Department)
	add(fStatus, q.Status)
	if q.Year != 0 {
		add(fYear, strconv.Itoa(q.Year))
	}
	switch {
	case len(filters) == 0:
		p.query = main
	case p.matchAll:
		p.query = query.NewConjunctionQuery(filters)
	default:
		// Filters join the conjunction, which steps every part to the next
		// page all of them may hold: a rare filter (one department, one
		// year) skips most of a common term's pages instead of scoring
		// them all and dropping them afterwards, as bleve's boolean filter
		// does.
		p.query = query.NewConjunctionQuery(append([]query.Query{main}, filters...))
	}
	return p
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

// existingIDs returns the identifiers that some page has or cites. Looking
// them up first (a dictionary lookup, well under a millisecond) keeps the
// identifier branch out of the query plan when, as for most queries, the
// text is no identifier: the disjunction around the text query then costs
// nothing per hit.
func (ix *Index) existingIDs(ctx context.Context, ids map[string]bool) map[string]bool {
	if len(ids) == 0 {
		return nil
	}
	out := map[string]bool{}
	for id := range ids {
		if ix.termCount(ctx, id, fIDs)+ix.termCount(ctx, id, fRefs)+ix.termCount(ctx, id, fNames) > 0 {
			out[id] = true
		}
	}
	return out
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
