package search

import (
	"context"
	"math"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// The fast path: nearly every query is a conjunction of terms (the text's
// terms, some unscored, and the filters). For those, runShard walks the
// postings itself, stepping the rarest term and advancing the others to it,
// and scores with bleve's tf-idf formula, without bleve's searcher,
// document-match and scorer objects per hit (a third of a broad query's
// time). Other queries (an identifier branch) go through bleve.

// fastTerm is one term of a conjunction.
type fastTerm struct {
	field, term string
	scored      bool
	boost       float64
	total       uint64 // documents holding it in the whole index (scored terms), for its idf
}

// flatten returns the terms of q when q is a conjunction of terms (or
// match-all), and whether it is.
func flatten(q query.Query) (terms []fastTerm, ok bool) {
	switch q := q.(type) {
	case *query.TermQuery:
		return []fastTerm{{field: q.Field(), term: q.Term, scored: true, boost: q.Boost()}}, q.Field() != ""
	case unscored:
		t, ok := flatten(q.Query)
		for i := range t {
			t[i].scored = false
		}
		return t, ok
	case *query.ConjunctionQuery:
		if q.Boost() != 1 {
			return nil, false
		}
		for _, c := range q.Conjuncts {
			t, ok := flatten(c)
			if !ok {
				return nil, false
			}
			terms = append(terms, t...)
		}
		return terms, true
	case *query.MatchAllQuery:
		return nil, true
	}
	return nil, false
}

// fastReader is one term's postings in one shard.
type fastReader struct {
	tfr   index.TermFieldReader
	count uint64
	// weight is idf × bleve's query weight (boost × idf × query norm), so
	// a hit scores sqrt(freq) × norm × weight, as bleve's term scorer does.
	idf, qweight float64
	scored       bool
	doc          index.TermFieldDoc
	at           bool   // positioned on a document
	cur          uint64 // that document
	freq         uint64 // its frequency and norm there
	norm         float64
}

// runFast is runShard for a conjunction of terms. matchAll with no terms
// means every document.
func (ix *Index) runFast(ctx context.Context, v *shardView, terms []fastTerm, byDate bool, boost *shardBoost, k int) (ans shardAnswer) {
	c := ix.newCollector(v, byDate, boost, k, &ans)
	if c.boost.noText {
		return c.finish()
	}
	n := v.docs()
	add := c.add
	every := func() shardAnswer {
		for d := range n {
			if d%ctxCheckEvery == 0 && ctx.Err() != nil {
				ans.err = ctx.Err()
				return ans
			}
			if v.order[d] == noDoc {
				continue // deleted by an update
			}
			add(d, 1)
		}
		return c.finish()
	}
	if len(terms) == 0 {
		return every()
	}

	// The idf uses the whole index's counts (see globalStats); whether a
	// term is absent or everywhere is a question about this shard.
	docTotal, err := v.r.DocCount()
	if err != nil {
		ans.err = err
		return ans
	}
	allDocs := float64(ix.meta.Docs)
	rs := make([]*fastReader, 0, len(terms))
	defer func() {
		for _, r := range rs {
			r.tfr.Close()
		}
	}()
	sumWeights := 0.0
	for _, t := range terms {
		scored := t.scored && !byDate
		tfr, err := v.r.TermFieldReader(ctx, []byte(t.term), t.field, scored, scored, false)
		if err != nil {
			ans.err = err
			return ans
		}
		r := &fastReader{tfr: tfr, count: tfr.Count(), scored: scored}
		rs = append(rs, r)
		if r.count == 0 {
			return c.finish() // a conjunction with an absent term matches nothing
		}
		if scored {
			r.idf = 1.0 + math.Log(allDocs/float64(t.total+1))
			w := t.boost * r.idf
			sumWeights += w * w
			r.qweight = t.boost * r.idf
		}
	}
	qnorm := 1.0
	if sumWeights > 0 {
		qnorm = 1 / math.Sqrt(sumWeights)
	}
	for _, r := range rs {
		r.qweight *= qnorm
	}
	// An unscored term in every document filters nothing: the generated
	// text puts each bigram of 政务诚信 in every page, and stepping three
	// such terms to each of 100,000 pages was most of that query's time.
	walk := make([]*fastReader, 0, len(rs))
	for _, r := range rs {
		if r.scored || r.count < docTotal {
			walk = append(walk, r)
		}
	}
	if len(walk) == 0 {
		return every()
	}
	// The rarest term leads; the others are advanced to its documents.
	sort.SliceStable(walk, func(i, j int) bool { return walk[i].count < walk[j].count })
	if len(walk) > 1 && intersectPostings(v, walk) {
		// Every reader now yields only the pages all of them hold, so the
		// unscored ones need no stepping: only the scored ones are walked,
		// for their frequencies (or the rarest, when none is scored).
		scored := make([]*fastReader, 0, len(walk))
		for _, r := range walk {
			if r.scored {
				scored = append(scored, r)
			}
		}
		if len(scored) == 0 {
			scored = walk[:1]
		}
		walk = scored
	}
	// Each reader only moves forward: bleve restarts a reader from the
	// beginning when asked to go back.
	var buf [8]byte
	lead := walk[0]
	d, err := lead.tfr.Next(lead.doc.Reset())
	for steps := 1; d != nil && err == nil; steps++ {
		if steps%ctxCheckEvery == 0 && ctx.Err() != nil {
			ans.err = ctx.Err()
			return ans
		}
		target := d.ID.Value()
		matched := true
		for _, r := range walk[1:] {
			if !r.at || r.cur < target {
				o, err := r.tfr.Advance(index.NewIndexInternalID(buf[:0], target), r.doc.Reset())
				if err != nil {
					ans.err = err
					return ans
				}
				if o == nil { // this term has no more documents
					return c.finish()
				}
				r.at, r.cur, r.freq, r.norm = true, o.ID.Value(), o.Freq, o.Norm
			}
			if r.cur > target {
				matched, target = false, r.cur
				break
			}
		}
		if !matched {
			d, err = lead.tfr.Advance(index.NewIndexInternalID(buf[:0], target), lead.doc.Reset())
			continue
		}
		score := 0.0
		if !byDate {
			lead.freq, lead.norm = d.Freq, d.Norm
			for _, r := range walk {
				if r.scored {
					score += math.Sqrt(float64(r.freq)) * r.norm * r.idf * r.qweight
				}
			}
		}
		add(target, score)
		d, err = lead.tfr.Next(lead.doc.Reset())
	}
	if err != nil {
		ans.err = err
		return ans
	}
	return c.finish()
}

// intersectPostings ANDs the postings bitmaps of rs in the shard and makes
// every reader iterate only that intersection (bleve's own conjunction
// optimisation, which its conjunction searcher applies too). Stepping each
// term to every candidate page was most of a broad phrase's cost:
// 临沂市委宣传部 is six bigrams in 75–95% of the pages each, so the walk
// advanced five readers per page of the rarest one; ANDing the bitmaps costs
// a few microseconds. It reports whether the intersection applies to every
// reader: only for a shard of one segment (a fresh build; an index updated
// in place keeps the leapfrog walk) and terms in two pages or more (a term
// in one page is stored without a bitmap, and bleve leaves it out).
func intersectPostings(v *shardView, rs []*fastReader) bool {
	snap, ok := v.r.(*scorch.IndexSnapshot)
	if !ok || len(snap.Segments()) != 1 {
		return false
	}
	var octx index.OptimizableContext
	for _, r := range rs {
		o, ok := r.tfr.(index.Optimizable)
		if !ok || r.count < 2 {
			return false
		}
		var err error
		if octx, err = o.Optimize("conjunction", octx); err != nil || octx == nil {
			return false
		}
	}
	_, err := octx.Finish()
	return err == nil
}

// topK keeps the k best hits in a min-heap: h[0] is the worst kept.
type topK struct {
	k int
	h []shardHit
}

func newTopK(k int) *topK { return &topK{k: k, h: make([]shardHit, 0, min(k, 1024))} }

func (t *topK) add(doc uint64, ord uint32, key float64) {
	h := shardHit{key: key, doc: doc, ord: ord}
	switch {
	case t.k <= 0:
	case len(t.h) < t.k:
		t.h = append(t.h, h)
		siftUp(t.h, len(t.h)-1)
	case h.better(&t.h[0]):
		t.h[0] = h
		siftDown(t.h, 0)
	}
}

// sorted returns the hits kept, best first, with their internal ids.
func (t *topK) sorted() []shardHit {
	sort.Slice(t.h, func(i, j int) bool { return t.h[i].better(&t.h[j]) })
	for i := range t.h {
		t.h[i].id = index.NewIndexInternalID(nil, t.h[i].doc)
	}
	return t.h
}
