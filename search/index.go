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
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
)

// queryTimeout bounds one query's work, whatever it is.
const queryTimeout = 3 * time.Second

// Index is an open, read-only index. It is safe for concurrent use.
type Index struct {
	dir      string
	shards   []bleve.Index
	alias    bleve.IndexAlias
	analyzer analysis.Analyzer
	meta     meta
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
	ix := &Index{dir: dir, meta: md, analyzer: m.AnalyzerNamed(textAnalyzer)}
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
	ix.alias = bleve.NewIndexAlias(ix.shards...)
	return ix, nil
}

// Close releases the index files.
func (ix *Index) Close() error {
	var errs []error
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

// Result is one page of answers.
type Result struct {
	Query  Query // validated, defaults filled
	Total  int
	Hits   []Hit
	Facets []Facet // kind, department, year, status; only those with values
	Took   time.Duration
}

// Pages returns the number of pages of Total hits, at most MaxPage.
func (r Result) Pages() int {
	if r.Query.Size <= 0 {
		return 0
	}
	return min((r.Total+r.Query.Size-1)/r.Query.Size, MaxPage)
}

// Hit is one answer.
type Hit struct {
	URL         string
	Title       string
	Kind        string
	KindLabel   string
	Departments []string // display names, lead first
	Date        string   // YYYY-MM-DD, or empty
	Snippet     string   // HTML: escaped text with <mark> around matches
	Score       float64
}

// Facet counts the hits per value of one field.
type Facet struct {
	Field  string // kind, department, year, status (the Query field it filters)
	Values []FacetValue
}

// FacetValue is one value of a facet.
type FacetValue struct {
	Value    string
	Label    string
	Count    int
	Selected bool
}

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
	// Each shard gets its own request: bleve writes into requests.
	newRequest := func(size, from int) *bleve.SearchRequest {
		req := bleve.NewSearchRequestOptions(plan.query, size, from, false)
		req.Fields = []string{sURL, sTitle, fKind, fDate, sDept, sText, sSumm}
		// Room for every value of every facet (departments are the many).
		req.AddFacet(fFacet, bleve.NewFacetRequest(fFacet, 1000))
		// Sorting reads only what it must: ties are broken by index order
		// (see searchShards), since breaking them on _id or date would load
		// those for every hit.
		if q.Sort == SortDate || plan.matchAll {
			req.SortBy([]string{"-" + fDate})
			req.Score = "none"
		} else {
			req.SortBy([]string{"-_score"})
		}
		return req
	}
	sr, err := ix.searchShards(ctx, newRequest, q.Size, (q.Page-1)*q.Size)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("search: %w", ctx.Err())
		}
		return Result{}, fmt.Errorf("search: %w", err)
	}
	res := Result{Query: q, Total: int(sr.Total)}
	for _, h := range sr.Hits {
		hit := Hit{
			URL:         fieldString(h.Fields[sURL]),
			Title:       fieldString(h.Fields[sTitle]),
			Kind:        fieldString(h.Fields[fKind]),
			Departments: fieldStrings(h.Fields[sDept]),
			Date:        fieldString(h.Fields[fDate]),
			Score:       h.Score,
		}
		hit.KindLabel = ix.label(fKind, hit.Kind)
		if hit.URL == "" {
			hit.URL = h.ID
		}
		hit.Snippet = snippet(fieldString(h.Fields[sText]), fieldString(h.Fields[sSumm]), plan.needles, snippetRunes)
		res.Hits = append(res.Hits, hit)
	}
	selected := map[string]string{"kind": q.Kind, "department": q.Department, "status": q.Status}
	if q.Year != 0 {
		selected["year"] = strconv.Itoa(q.Year)
	}
	byName := map[string][]FacetValue{}
	if fr := sr.Facets[fFacet]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() { // by count, descending
			name, value, ok := strings.Cut(t.Term, facetSep)
			if !ok {
				continue
			}
			byName[name] = append(byName[name], FacetValue{Value: value, Count: t.Count, Selected: selected[name] == value})
		}
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

// searchShards runs req on every shard in parallel and merges the answers
// in shard order, breaking ties between equal sort values by shard and
// rank. bleve's alias merges in completion order with an unstable sort, so
// pages of a date-sorted list (many pages share a date) could repeat or
// skip hits from one request to the next.
func (ix *Index) searchShards(ctx context.Context, newRequest func(size, from int) *bleve.SearchRequest, size, from int) (*bleve.SearchResult, error) {
	if len(ix.shards) == 1 {
		return ix.shards[0].SearchInContext(ctx, newRequest(size, from))
	}
	n := len(ix.shards)
	results := make([]*bleve.SearchResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, sh := range ix.shards {
		sub := newRequest(from+size, 0)
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = sh.SearchInContext(ctx, sub)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for i, r := range results {
		for j, h := range r.Hits {
			h.HitNumber = uint64(j*n + i) // the tie-break Compare uses
		}
	}
	merged := results[0]
	for _, r := range results[1:] {
		merged.Merge(r)
	}
	req := newRequest(size, from)
	cs, cd := req.Sort.CacheIsScore(), req.Sort.CacheDescending()
	hits := merged.Hits
	sort.SliceStable(hits, func(a, b int) bool { return req.Sort.Compare(cs, cd, hits[a], hits[b]) < 0 })
	if from < len(hits) {
		hits = hits[from:]
	} else {
		hits = hits[:0]
	}
	if len(hits) > size {
		hits = hits[:size]
	}
	merged.Hits = hits
	for name, fr := range req.Facets {
		merged.Facets.Fixup(name, fr.Size)
	}
	return merged, nil
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
			filters = append(filters, tq)
		}
	}
	add(fKind, q.Kind)
	add(fDept, q.Department)
	add(fStatus, q.Status)
	if q.Year != 0 {
		add(fYear, strconv.Itoa(q.Year))
	}
	if len(filters) == 0 {
		p.query = main
		return p
	}
	bq := query.NewBooleanQuery([]query.Query{main}, nil, nil)
	bq.AddFilter(query.NewConjunctionQuery(filters))
	p.query = bq
	return p
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
	if len(filter) == 0 {
		return query.NewConjunctionQuery(scored)
	}
	bq := query.NewBooleanQuery([]query.Query{query.NewConjunctionQuery(scored)}, nil, nil)
	bq.AddFilter(query.NewConjunctionQuery(filter))
	return bq
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
	// One cheap search per candidate: there are at most maxClauses+1.
	for id := range ids {
		var alts []query.Query
		for _, f := range []string{fIDs, fRefs} {
			tq := query.NewTermQuery(id)
			tq.SetField(f)
			alts = append(alts, tq)
		}
		req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(alts), 0, 0, false)
		req.Score = "none"
		if sr, err := ix.alias.SearchInContext(ctx, req); err != nil || sr.Total > 0 {
			out[id] = true // on error keep the branch: correctness first
		}
	}
	return out
}

// docFreq returns how many pages contain term in the body, over all shards.
func (ix *Index) docFreq(ctx context.Context, term string) uint64 {
	var n uint64
	for _, sh := range ix.shards {
		adv, err := sh.Advanced()
		if err != nil {
			return 0
		}
		r, err := adv.Reader()
		if err != nil {
			return 0
		}
		tfr, err := r.TermFieldReader(ctx, []byte(term), fBody, false, false, false)
		if err == nil {
			n += tfr.Count()
			tfr.Close()
		}
		r.Close()
	}
	return n
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

func fieldString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		if len(v) > 0 {
			s, _ := v[0].(string)
			return s
		}
	}
	return ""
}

func fieldStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
