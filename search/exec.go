package search

import (
	"context"
	"fmt"
	"sort"
	"sync"

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
	r      index.IndexReader
	facets [][]uint16 // doc number → ids of its facet values (Index.facetTerms)
	dates  []int32    // doc number → rank of its date (higher is newer); -1 without a date
}

// loadTables opens a reader per shard and fills the facet and date tables.
func (ix *Index) loadTables() error {
	facetIDs := map[string]uint16{}
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
		v := &shardView{r: r}
		ix.views = append(ix.views, v) // closed by Close from here on
		n, err := r.DocCount()
		if err != nil {
			return err
		}
		v.facets = make([][]uint16, n)
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
				if d < uint64(len(v.facets)) {
					v.facets[d] = append(v.facets[d], id)
				}
			}
		})
		if err != nil {
			return err
		}
		if len(ix.facetTerms) > 1<<16-1 {
			return fmt.Errorf("search: %d facet values, at most 65535", len(ix.facetTerms))
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
	id  index.IndexInternalID
}

// better orders hits: higher key first, then index order.
func (a *shardHit) better(b *shardHit) bool {
	return a.key > b.key || (a.key == b.key && a.doc < b.doc)
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

// runShard finds the k best hits of q in one shard (by score, or by date
// when byDate), the number of hits, and the hits per facet value.
func (ix *Index) runShard(ctx context.Context, v *shardView, q query.Query, byDate bool, k int) (ans shardAnswer) {
	opts := bsearch.SearcherOptions{}
	if byDate {
		opts.Score = "none" // no frequencies or norms are decoded
	}
	s, err := q.Searcher(ctx, v.r, ix.mapping, opts)
	if err != nil {
		ans.err = err
		return ans
	}
	defer s.Close()
	sctx := &bsearch.SearchContext{
		DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize()+1, 0),
		IndexReader:       v.r,
	}
	ans.counts = make([]int, len(ix.facetTerms))
	// A min-heap of the k best: heap[0] is the worst kept.
	heap := make([]shardHit, 0, min(k, 1024))
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			ans.err = err
			return ans
		}
		if dm == nil {
			break
		}
		ans.total++
		if ans.total%ctxCheckEvery == 0 && ctx.Err() != nil {
			ans.err = ctx.Err()
			return ans
		}
		doc := dm.IndexInternalID.Value()
		h := shardHit{key: dm.Score, doc: doc}
		if doc < uint64(len(v.facets)) {
			for _, f := range v.facets[doc] {
				ans.counts[f]++
			}
			if byDate {
				h.key = float64(v.dates[doc])
			}
		}
		switch {
		case k <= 0:
		case len(heap) < k:
			h.id = append(index.IndexInternalID(nil), dm.IndexInternalID...)
			heap = append(heap, h)
			siftUp(heap, len(heap)-1)
		case h.better(&heap[0]):
			h.id = append(heap[0].id[:0], dm.IndexInternalID...)
			heap[0] = h
			siftDown(heap, 0)
		}
		sctx.DocumentMatchPool.Put(dm)
	}
	sort.Slice(heap, func(i, j int) bool { return heap[i].better(&heap[j]) })
	ans.hits = heap
	return ans
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

// execute runs q on every shard at once and returns the hits from..from+size
// in order, the total, and the hits per facet term. Ties between shards go
// to the better rank inside its shard, then to the lower shard, so pages of
// tied hits (same date, same score) never repeat or skip.
func (ix *Index) execute(ctx context.Context, q query.Query, byDate bool, size, from int) ([]pageHit, int, map[string]int, error) {
	answers := make([]shardAnswer, len(ix.views))
	terms, fast := flatten(q)
	fast = fast && !slowPathOnly
	var wg sync.WaitGroup
	for i, v := range ix.views {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if fast {
				answers[i] = ix.runFast(ctx, v, terms, byDate, from+size)
			} else {
				answers[i] = ix.runShard(ctx, v, q, byDate, from+size)
			}
		}()
	}
	wg.Wait()
	type ranked struct {
		key         float64
		rank, shard int
		id          index.IndexInternalID
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
		for r, h := range a.hits {
			all = append(all, ranked{h.key, r, s, h.id})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.key != b.key {
			return a.key > b.key
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.shard < b.shard
	})
	var page []pageHit
	for i := from; i < len(all) && i < from+size; i++ {
		h := pageHit{shard: all[i].shard, id: all[i].id, score: all[i].key}
		if byDate {
			h.score = 0 // the key is a date rank, not a score
		}
		page = append(page, h)
	}
	byTerm := make(map[string]int)
	for i, c := range counts {
		if c > 0 {
			byTerm[ix.facetTerms[i]] = c
		}
	}
	return page, total, byTerm, nil
}

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
