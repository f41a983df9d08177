package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// This file runs queries without bleve's collector. A broad query (a term
// in nearly every page) spent about 40% of its time decoding the facet doc
// values of every hit and most of the rest in the collector's bookkeeping;
// here each shard keeps, in memory, a small table of every page's facet
// values and date (built once when the index is opened, from the postings of
// the facet and date fields), so counting a hit's facets or comparing dates
// is an array lookup. Stored fields are read only for the hits on the page
// asked for.

// shardView is one shard's reader, held open for the life of the Index
// (the index is read-only, so its snapshot never changes), with its tables.
type shardView struct {
	r index.IndexReader
	// facetVal[facetOff[d]:facetOff[d+1]] are the ids of doc number d's
	// facet values (Index.facetTerms): one array read in doc order as a
	// query walks its hits (a slice per page cost a cache miss per hit,
	// the largest part of counting the facets of 75,000 hits).
	facetOff []uint32
	facetVal []uint16
	dates    []int32 // doc number → rank of its date (higher is newer); -1 without a date
	// deptPage maps the doc number of each department's own page to its
	// department facet id.
	deptPage map[uint64]uint16
	// order is doc number → rank of the document's URL among every live
	// document of the index (see order.go); noDoc for a number that holds
	// no live document (deleted by an update). Ties are broken by it, so an
	// index updated in place answers exactly as one built anew.
	order []uint32
}

// docs is the number of doc numbers the shard's tables cover.
func (v *shardView) docs() uint64 { return uint64(len(v.facetOff) - 1) }

// facetsOf returns the ids of doc number d's facet values.
func (v *shardView) facetsOf(d uint64) []uint16 {
	if d+1 >= uint64(len(v.facetOff)) {
		return nil
	}
	return v.facetVal[v.facetOff[d]:v.facetOff[d+1]]
}

// loadTables opens a reader per shard and fills the facet and date tables.
func (ix *Index) loadTables() error {
	facetIDs := map[string]uint16{}
	ix.facetIDs = facetIDs
	ix.names = map[string]bool{}
	ix.deptForms = map[string][]uint16{}
	dateRank := map[string]int32{}
	var dates []string
	for _, sh := range ix.shards {
		adv, err := sh.Advanced()
		if err != nil {
			return err
		}
		r, err := adv.Reader()
		if err != nil {
			return err
		}
		v := &shardView{r: r, deptPage: map[uint64]uint16{}}
		ix.views = append(ix.views, v) // closed by Close from here on
		if v.order, err = ix.loadOrder(len(ix.views)-1, r); err != nil {
			return err
		}
		n := len(v.order) // doc numbers, deleted ones included
		facets := make([][]uint16, n)
		v.dates = make([]int32, n)
		for i := range v.dates {
			v.dates[i] = -1
		}
		err = visitPostings(r, fFacet, func(term string, docs []uint64) {
			id, ok := facetIDs[term]
			if !ok {
				id = uint16(len(ix.facetTerms))
				facetIDs[term] = id
				ix.facetTerms = append(ix.facetTerms, term)
			}
			for _, d := range docs {
				if d < uint64(len(facets)) {
					facets[d] = append(facets[d], id)
				}
			}
		})
		if err != nil {
			return err
		}
		v.facetOff = make([]uint32, n+1)
		for d, fs := range facets {
			v.facetOff[d+1] = v.facetOff[d] + uint32(len(fs))
		}
		v.facetVal = make([]uint16, 0, v.facetOff[n])
		for _, fs := range facets {
			v.facetVal = append(v.facetVal, fs...)
		}
		if len(ix.facetTerms) > 1<<16-1 {
			return fmt.Errorf("search: %d facet values, at most 65535", len(ix.facetTerms))
		}
		err = visitPostings(r, fNames, func(term string, docs []uint64) {
			if strings.HasPrefix(term, keyDocNumber) || strings.HasPrefix(term, keyDocNo) || strings.HasPrefix(term, keyCredit) {
				return
			}
			ix.names[term] = true
			ix.maxNameRunes = max(ix.maxNameRunes, utf8.RuneCountInString(term))
			for _, d := range docs {
				for _, f := range v.facetsOf(d) {
					if !strings.HasPrefix(ix.facetTerms[f], "department"+facetSep) {
						continue
					}
					v.deptPage[d] = f
					for _, form := range suffixes(term) {
						if utf8.RuneCountInString(form) >= 3 && !slices.Contains(ix.deptForms[form], f) {
							ix.deptForms[form] = append(ix.deptForms[form], f)
						}
					}
				}
			}
		})
		if err != nil {
			return err
		}
		err = visitPostings(r, fDate, func(term string, _ []uint64) {
			if _, ok := dateRank[term]; !ok {
				dateRank[term] = 0
				dates = append(dates, term)
			}
		})
		if err != nil {
			return err
		}
	}
	// Dates are YYYY-MM-DD: string order is time order.
	sort.Strings(dates)
	for i, d := range dates {
		dateRank[d] = int32(i)
	}
	for _, v := range ix.views {
		err := visitPostings(v.r, fDate, func(term string, docs []uint64) {
			for _, d := range docs {
				if d < uint64(len(v.dates)) {
					v.dates[d] = dateRank[term]
				}
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// visitPostings calls fn with every term of field and the doc numbers
// holding it.
func visitPostings(r index.IndexReader, field string, fn func(term string, docs []uint64)) error {
	dict, err := r.FieldDict(field)
	if err != nil {
		return err
	}
	defer dict.Close()
	var docs []uint64
	for {
		e, err := dict.Next()
		if err != nil {
			return err
		}
		if e == nil {
			return nil
		}
		tfr, err := r.TermFieldReader(context.Background(), []byte(e.Term), field, false, false, false)
		if err != nil {
			return err
		}
		docs = docs[:0]
		var tfd index.TermFieldDoc
		for {
			d, err := tfr.Next(&tfd)
			if err != nil {
				tfr.Close()
				return err
			}
			if d == nil {
				break
			}
			docs = append(docs, d.ID.Value())
		}
		tfr.Close()
		fn(e.Term, docs)
	}
}

// slowPathOnly makes every query go through bleve's searchers; tests set it
// to check that the fast path answers the same.
var slowPathOnly bool

// shardHit is one hit of a shard: its sort key and doc number.
type shardHit struct {
	key float64 // score, or date rank
	doc uint64
	ord uint32 // the URL's rank (shardView.order): breaks ties
	id  index.IndexInternalID
}

// better orders hits: higher key first, then by URL.
func (a *shardHit) better(b *shardHit) bool {
	return a.key > b.key || (a.key == b.key && a.ord < b.ord)
}

// shardAnswer is what one shard found.
type shardAnswer struct {
	hits   []shardHit // best first, at most k
	total  int
	counts []int // per facet id
	err    error
}

// ctxCheckEvery is how many hits pass between deadline checks.
const ctxCheckEvery = 1024

// Ranking tiers: a hit's key is tier×tierStep + bonus×bonusStep + its
// text score, so a profile page named by the query comes first, then pages
// whose own identifier matched, then pages citing it, then text hits
// holding every clause whole, then the rest; a bonus (the department the
// query names, how much of a 文号 matched) orders hits inside a tier.
const (
	tierStep  = 1e9
	bonusStep = 1e3

	tierName   = 4
	tierID     = 3
	tierRef    = 2
	tierPhrase = 1

	deptBonus = 50 // a page of the department the query names
)

// shardBoost is what the identifier and name branches found in one shard,
// and how text hits are keyed.
type shardBoost struct {
	docs       map[uint64]float64 // doc → tier×tierStep + bonus×bonusStep
	deptFacets []uint16           // departments the query names
	filters    []uint16           // facet ids a branch hit must carry (the user's filters)
	textTier   float64            // added to every text hit: tierPhrase×tierStep when no clause needs checking
	noText     bool               // only branch hits answer (the text has no terms)
}

// collector counts the hits of one shard and keeps the k best.
type collector struct {
	ix     *Index
	v      *shardView
	byDate bool
	boost  *shardBoost
	top    *topK
	ans    *shardAnswer
	seen   map[uint64]bool
}

func (ix *Index) newCollector(v *shardView, byDate bool, boost *shardBoost, k int, ans *shardAnswer) *collector {
	ans.counts = make([]int, len(ix.facetTerms))
	if boost == nil {
		boost = &shardBoost{}
	}
	return &collector{ix: ix, v: v, byDate: byDate, boost: boost, top: newTopK(k), ans: ans}
}

func (c *collector) add(doc uint64, score float64) {
	c.ans.total++
	facets := c.v.facetsOf(doc)
	for _, f := range facets {
		c.ans.counts[f]++
	}
	key := score
	switch {
	case c.byDate:
		key = -1
		if doc < uint64(len(c.v.dates)) {
			key = float64(c.v.dates[doc])
		}
	default:
		tier := c.boost.textTier
		if b, ok := c.boost.docs[doc]; ok {
			tier = max(tier, b)
		}
		key += tier
		for _, f := range c.boost.deptFacets {
			if slices.Contains(facets, f) {
				key += deptBonus * bonusStep
				break
			}
		}
	}
	if len(c.boost.docs) > 0 {
		if c.seen == nil {
			c.seen = map[uint64]bool{}
		}
		c.seen[doc] = true
	}
	ord := uint32(noDoc)
	if doc < uint64(len(c.v.order)) {
		ord = c.v.order[doc]
	}
	c.top.add(doc, ord, key)
}

// finish adds the branch hits the text did not find (when they pass the
// filters) and returns the shard's answer.
func (c *collector) finish() shardAnswer {
	docs := make([]uint64, 0, len(c.boost.docs))
	for d := range c.boost.docs {
		if !c.seen[d] {
			docs = append(docs, d)
		}
	}
	slices.Sort(docs)
	for _, d := range docs {
		if d >= c.v.docs() {
			continue
		}
		ok := true
		for _, f := range c.boost.filters {
			if !slices.Contains(c.v.facetsOf(d), f) {
				ok = false
				break
			}
		}
		if ok {
			c.add(d, 0)
		}
	}
	c.ans.hits = c.top.sorted()
	return *c.ans
}

// runShard finds the k best hits of q in one shard through bleve's
// searchers (queries the fast path cannot take, and tests).
func (ix *Index) runShard(ctx context.Context, v *shardView, q query.Query, byDate bool, boost *shardBoost, k int) (ans shardAnswer) {
	c := ix.newCollector(v, byDate, boost, k, &ans)
	if c.boost.noText {
		return c.finish()
	}
	opts := bsearch.SearcherOptions{}
	if byDate {
		opts.Score = "none" // no frequencies or norms are decoded
	}
	s, err := q.Searcher(ctx, globalStats{v.r, ix}, ix.mapping, opts)
	if err != nil {
		ans.err = err
		return ans
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       v.r,
	}
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			ans.err = err
			return ans
		}
		if dm == nil {
			break
		}
		if ans.total%ctxCheckEvery == 0 && ctx.Err() != nil {
			ans.err = ctx.Err()
			return ans
		}
		c.add(dm.IndexInternalID.Value(), dm.Score)
		sctx.DocumentMatchPool.Put(dm)
	}
	return c.finish()
}

// siftUp and siftDown keep the worst hit at the root.
func siftUp(h []shardHit, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h[p].better(&h[i]) {
			return
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func siftDown(h []shardHit, i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		w := l
		if r := l + 1; r < len(h) && h[l].better(&h[r]) {
			w = r
		}
		if !h[i].better(&h[w]) {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

// pageHit locates one hit of the page asked for.
type pageHit struct {
	shard int
	id    index.IndexInternalID
	score float64
}

// execute runs q on every shard at once, with each shard's branch hits,
// and returns the k best hits in order, the total, and the hits per facet
// term. Ties (same date, same score) are ordered by URL across all shards,
// so pages of tied hits never repeat or skip, and the order does not depend
// on where in the index a document was written.
func (ix *Index) execute(ctx context.Context, q query.Query, boosts []*shardBoost, byDate bool, k int) ([]pageHit, int, map[string]int, error) {
	answers := make([]shardAnswer, len(ix.views))
	terms, fast := flatten(q)
	fast = fast && !slowPathOnly
	if fast {
		for i := range terms {
			if terms[i].scored && !byDate {
				terms[i].total = ix.termCount(ctx, terms[i].term, terms[i].field)
			}
		}
	}
	var wg sync.WaitGroup
	for i, v := range ix.views {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b *shardBoost
			if i < len(boosts) {
				b = boosts[i]
			}
			if fast {
				answers[i] = ix.runFast(ctx, v, terms, byDate, b, k)
			} else {
				answers[i] = ix.runShard(ctx, v, q, byDate, b, k)
			}
		}()
	}
	wg.Wait()
	type ranked struct {
		key   float64
		ord   uint32
		shard int
		id    index.IndexInternalID
	}
	var all []ranked
	total := 0
	counts := make([]int, len(ix.facetTerms))
	for s, a := range answers {
		if a.err != nil {
			return nil, 0, nil, a.err
		}
		total += a.total
		for i, c := range a.counts {
			counts[i] += c
		}
		for _, h := range a.hits {
			all = append(all, ranked{h.key, h.ord, s, h.id})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.key != b.key {
			return a.key > b.key
		}
		return a.ord < b.ord
	})
	var hits []pageHit
	for i := 0; i < len(all) && i < k; i++ {
		hits = append(hits, pageHit{shard: all[i].shard, id: all[i].id, score: all[i].key})
	}
	byTerm := make(map[string]int)
	for i, c := range counts {
		if c > 0 {
			byTerm[ix.facetTerms[i]] = c
		}
	}
	return hits, total, byTerm, nil
}

// globalStats is a shard's reader that reports the whole index's document
// count and term counts, so bleve's scorers compute one idf for a term in
// every shard. Scores then do not depend on which shard a page landed in
// (shards hold different numbers of pages), and equal pages tie.
type globalStats struct {
	index.IndexReader
	ix *Index
}

func (g globalStats) DocCount() (uint64, error) { return uint64(g.ix.meta.Docs), nil }

func (g globalStats) TermFieldReader(ctx context.Context, term []byte, field string, freq, norm, vectors bool) (index.TermFieldReader, error) {
	tfr, err := g.IndexReader.TermFieldReader(ctx, term, field, freq, norm, vectors)
	if err != nil {
		return nil, err
	}
	return globalCount{tfr, g.ix.termCount(ctx, string(term), field)}, nil
}

// globalCount is a term's reader in one shard with its count in all.
type globalCount struct {
	index.TermFieldReader
	count uint64
}

func (c globalCount) Count() uint64 { return c.count }

// storedFields reads the stored fields of one hit: name → values.
func (ix *Index) storedFields(h pageHit) (string, map[string][]string, error) {
	r := ix.views[h.shard].r
	ext, err := r.ExternalID(h.id)
	if err != nil {
		return "", nil, err
	}
	doc, err := r.Document(ext)
	if err != nil || doc == nil {
		return ext, nil, err
	}
	out := map[string][]string{}
	doc.VisitFields(func(f index.Field) {
		out[f.Name()] = append(out[f.Name()], string(f.Value()))
	})
	return ext, out, nil
}

// termCount returns how many documents hold term in field, over all shards.
func (ix *Index) termCount(ctx context.Context, term, field string) uint64 {
	var n uint64
	for _, v := range ix.views {
		tfr, err := v.r.TermFieldReader(ctx, []byte(term), field, false, false, false)
		if err == nil {
			n += tfr.Count()
			tfr.Close()
		}
	}
	return n
}
