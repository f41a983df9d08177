package search

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// phraseBudget is how many hits beyond the page asked for are checked for
// holding a clause whole (read from their stored text, best scored first);
// checking stops as soon as the page is full of hits that hold it.
const phraseBudget = 200

// plan is a query worked out: what the text must contain, which pages the
// identifiers and names it holds lead to, and what to check and mark.
type plan struct {
	query    query.Query // text terms and filters; nil: only the branches answer
	matchAll bool
	words    [][]string // per text clause: its terms
	clauses  []clause   // the text clauses searched
	phrases  []phrase   // clauses a hit should hold whole
	boosts   []*shardBoost
	needles  [][]string // per clause: the clause, then its terms (for snippets)
	ignored  []string   // question words left out
	filters  []query.Query
}

// phrase is a clause to find whole in a page.
type phrase struct {
	squashed string // normalised, without punctuation and spaces
	exact    bool   // quoted: only pages holding it answer
}

// Search answers q. Errors are *QueryError (the caller's mistake),
// context errors, or internal errors.
func (ix *Index) Search(ctx context.Context, q Query) (Result, error) {
	start := time.Now()
	if err := q.Validate(); err != nil {
		return Result{}, err
	}
	if err := ix.checkFilters(&q); err != nil {
		return Result{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	p := ix.plan(ctx, q)
	byDate := q.Sort == SortDate || p.matchAll
	need := q.Page * q.Size
	k := need
	if len(p.phrases) > 0 {
		k += phraseBudget
	}
	hits, total, facetCounts, err := ix.execute(ctx, p.query, p.boosts, byDate, k)
	res := Result{Query: q, Ignored: p.ignored}
	if err == nil && total == 0 && p.query != nil && !p.matchAll {
		// Nothing holds every word: loosen the query and say how.
		if r, ok := ix.relax(ctx, q, p, byDate, need); ok {
			p, res.Relaxed = r.plan, r.relaxed
			hits, total, facetCounts, err = r.hits, r.total, r.facetCounts, r.err
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, fmt.Errorf("search: %w", ctx.Err())
		}
		return Result{}, fmt.Errorf("search: %w", err)
	}
	if f := normalize(q.Text); f != strings.ToLower(q.Text) && q.Text != "" {
		res.Folded = f
	}
	stored := map[int]map[string][]string{}
	if len(p.phrases) > 0 {
		hits, total, err = ix.checkPhrases(p, hits, total, need, byDate, stored)
		if err != nil {
			return Result{}, fmt.Errorf("search: %w", err)
		}
	}
	res.Total = total
	from := (q.Page - 1) * q.Size
	// Long pages of hits get shorter snippets, so one answer stays small
	// (≤ 30 KiB of JSON at the largest page size).
	runes := snippetRunes
	if q.Size > 20 {
		runes = snippetRunes / 2
	}
	for i := from; i < len(hits) && i < from+q.Size; i++ {
		h := hits[i]
		fields, id := stored[i], ""
		if fields == nil {
			id, fields, err = ix.storedFields(h)
			if err != nil {
				return Result{}, fmt.Errorf("search: %w", err)
			}
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
		if byDate {
			hit.Score = 0
		}
		hit.KindLabel = ix.label(fKind, hit.Kind)
		if hit.URL == "" {
			hit.URL = id
		}
		// A match in the page's own text reads best; the facts (labelled
		// lines: 决定机关, 依据 …) are shown when only they match.
		sn, found := excerpt(first(sText), "", p.needles, runes)
		if !found {
			if s, ok := excerpt(first(sFacts), "", p.needles, runes); ok {
				sn = s
			} else {
				sn = snippet(first(sText), first(sSumm), p.needles, runes)
			}
		}
		hit.Snippet = template.HTML(sn) // escaped but for <mark>
		res.Hits = append(res.Hits, hit)
	}
	res.Facets = ix.facets(q, facetCounts)
	res.Took = time.Since(start)
	return res, nil
}

// facets turns facet-term counts into the result's facets.
func (ix *Index) facets(q Query, facetCounts map[string]int) []Facet {
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
	var out []Facet
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
		out = append(out, Facet{Field: f.name, Values: vs})
	}
	return out
}

// checkFilters refuses a kind, department, status or year the index does
// not hold, naming what is allowed; a department or status given by its
// name (市发改委, 已逾期) is taken as its id.
func (ix *Index) checkFilters(q *Query) error {
	check := func(name, field, zh string, v *string) error {
		if *v == "" {
			return nil
		}
		if _, ok := ix.facetIDs[name+facetSep+*v]; ok {
			return nil
		}
		labels := ix.meta.Labels[field]
		for id, l := range labels {
			if l == *v {
				if _, ok := ix.facetIDs[name+facetSep+id]; ok {
					*v = id
					return nil
				}
			}
		}
		if name == "department" {
			if fs := ix.deptForms[canonicalID(*v)]; len(fs) == 1 {
				*v = strings.TrimPrefix(ix.facetTerms[fs[0]], name+facetSep)
				return nil
			}
		}
		var ids, zhs []string
		for _, t := range ix.facetTerms {
			if id, ok := strings.CutPrefix(t, name+facetSep); ok {
				ids = append(ids, id)
			}
		}
		sort.Strings(ids)
		for _, id := range ids {
			if l := labels[id]; l != "" && l != id {
				zhs = append(zhs, l+"（"+id+"）")
			} else {
				zhs = append(zhs, id)
			}
		}
		return &QueryError{Field: name,
			Msg:   fmt.Sprintf("%q is not a known %s; allowed: %s", *v, name, strings.Join(ids, ", ")),
			MsgZH: fmt.Sprintf("%s“%s”不存在，可选：%s", zh, *v, strings.Join(zhs, "、"))}
	}
	if err := check("kind", fKind, "栏目", &q.Kind); err != nil {
		return err
	}
	if err := check("department", fDept, "部门", &q.Department); err != nil {
		return err
	}
	if err := check("status", fStatus, "状态", &q.Status); err != nil {
		return err
	}
	if q.Year != 0 {
		y := strconv.Itoa(q.Year)
		if err := check("year", fYear, "年份", &y); err != nil {
			return err
		}
	}
	return nil
}

// plan turns q into the text query, the identifier and name branches, and
// the clauses to check.
func (ix *Index) plan(ctx context.Context, q Query) plan {
	var p plan
	add := func(field, v string) {
		if v != "" {
			tq := query.NewTermQuery(v)
			tq.SetField(field)
			p.filters = append(p.filters, unscored{tq})
		}
	}
	add(fKind, q.Kind)
	add(fDept, q.Department)
	add(fStatus, q.Status)
	if q.Year != 0 {
		add(fYear, strconv.Itoa(q.Year))
	}
	var filterFacets []uint16
	for name, v := range map[string]string{"kind": q.Kind, "department": q.Department, "status": q.Status} {
		if v != "" {
			filterFacets = append(filterFacets, ix.facetIDs[name+facetSep+v])
		}
	}
	if q.Year != 0 {
		filterFacets = append(filterFacets, ix.facetIDs["year"+facetSep+strconv.Itoa(q.Year)])
	}

	raw := parseQuery(q.Text)
	var clauses []clause
	for _, c := range raw {
		if c.phrase {
			clauses = append(clauses, c)
			continue
		}
		parts, ignored := stripQuestionWords(c.text)
		p.ignored = append(p.ignored, ignored...)
		for _, part := range parts {
			for _, s := range ix.splitNames(part) {
				clauses = append(clauses, clause{text: s})
			}
		}
	}

	// Branches: identifiers and names the query holds.
	br := newBranches(ix, filterFacets)
	whole := strings.Join(strings.Fields(q.Text), "")
	typed := []string{whole}
	for _, c := range raw {
		typed = append(typed, c.text)
	}
	for _, t := range slices.Compact(typed) {
		for _, g := range queryKeys(t) {
			br.lookup(ctx, fNames, g.keys, tierName, g.strength)
			br.lookup(ctx, fIDs, g.keys, tierID, g.strength)
			br.lookup(ctx, fRefs, g.keys, tierRef, g.strength)
			if g.prefix != "" {
				br.namedDepts(g.prefix)
			}
		}
	}
	for _, name := range ix.namesIn(squash(q.Text)) {
		br.lookup(ctx, fNames, []string{name}, tierName, float64(utf8.RuneCountInString(name)))
	}
	for _, c := range clauses {
		br.namedDepts(c.text)
		// A state word (已逾期, 未兑现) puts the pages in that state first.
		br.lookup(ctx, fStates, []string{canonicalID(c.text)}, tierRef, 1)
	}
	// A clause naming a department inside a longer word (罗庄区某新材料) is
	// more likely part of an enterprise's name: that enterprise comes first.
	for _, c := range raw {
		if s := squash(c.text); !c.phrase && utf8.RuneCountInString(s) >= 4 && !ix.names[s] {
			if names := ix.namesContaining(s, 5); len(names) > 0 {
				for _, n := range names {
					br.lookup(ctx, fNames, []string{n}, tierName, 80)
				}
			}
		}
	}
	p.boosts = br.shards

	var musts []query.Query
	seenTerm := map[string]bool{}
	for _, c := range clauses {
		terms := ix.terms(c.text)
		if len(terms) == 0 {
			continue
		}
		p.clauses = append(p.clauses, c)
		p.words = append(p.words, terms)
		p.needles = append(p.needles, append([]string{c.text}, terms...))
		if s := squash(c.text); c.phrase && utf8.RuneCountInString(s) >= 2 || hasHan(s) && utf8.RuneCountInString(s) > 2 {
			p.phrases = append(p.phrases, phrase{squashed: s, exact: c.phrase})
		}
		for _, t := range terms {
			if seenTerm[t] { // a repeated word adds work, not precision
				continue
			}
			seenTerm[t] = true
			tq := query.NewTermQuery(t)
			tq.SetField(fBody)
			musts = append(musts, tq)
		}
	}
	textTier := float64(tierPhrase * tierStep)
	if len(p.phrases) > 0 {
		textTier = 0
	}
	for _, b := range p.boosts {
		b.textTier = textTier
	}
	switch {
	case len(musts) > 0:
		p.query = ix.textQuery(ctx, musts)
		if len(p.filters) > 0 {
			// Filters join the conjunction, which steps every part to the
			// next page all of them may hold: a rare filter (one
			// department, one year) skips most of a common term's pages.
			p.query = query.NewConjunctionQuery(append([]query.Query{p.query}, p.filters...))
		}
	case br.found || strings.TrimSpace(q.Text) != "":
		// Only identifiers (or nothing searchable) were typed.
		p.query = query.NewMatchNoneQuery()
		for _, b := range p.boosts {
			b.noText = true
		}
	case len(p.filters) > 0:
		p.query = query.NewConjunctionQuery(p.filters)
		p.matchAll = true
	default:
		p.query = query.NewMatchAllQuery()
		p.matchAll = true
	}
	return p
}

// branches collects, per shard, the pages the identifiers and names of a
// query lead to.
type branches struct {
	ix     *Index
	shards []*shardBoost
	found  bool
}

func newBranches(ix *Index, filters []uint16) *branches {
	b := &branches{ix: ix}
	for range ix.views {
		b.shards = append(b.shards, &shardBoost{docs: map[uint64]float64{}, filters: filters})
	}
	return b
}

// lookup finds the pages holding every key in field and keys them at
// tier with bonus strength (the best key wins).
func (b *branches) lookup(ctx context.Context, field string, keys []string, tier int, strength float64) {
	key := float64(tier)*tierStep + strength*bonusStep
	for s, v := range b.ix.views {
		var docs []uint64
		for i, k := range keys {
			tfr, err := v.r.TermFieldReader(ctx, []byte(k), field, false, false, false)
			if err != nil {
				return
			}
			var got []uint64
			tfd := &index.TermFieldDoc{}
			for {
				d, err := tfr.Next(tfd)
				if err != nil || d == nil {
					break
				}
				got = append(got, d.ID.Value())
			}
			tfr.Close()
			if i == 0 {
				docs = got
			} else {
				docs = intersect(docs, got)
			}
			if len(docs) == 0 {
				break
			}
		}
		for _, d := range docs {
			b.found = true
			if key > b.shards[s].docs[d] {
				b.shards[s].docs[d] = key
			}
		}
	}
}

// namedDepts finds department names inside text (发改委, 市场监督管理局):
// their pages come first and their records rank above others.
func (b *branches) namedDepts(text string) {
	rs := []rune(canonicalID(text))
	for i := 0; i < len(rs); i++ {
		for j := len(rs); j-i >= 3; j-- {
			fs, ok := b.ix.deptForms[string(rs[i:j])]
			if !ok || len(fs) > 2 {
				continue
			}
			for _, sb := range b.shards {
				for _, f := range fs {
					if !slices.Contains(sb.deptFacets, f) {
						sb.deptFacets = append(sb.deptFacets, f)
					}
				}
			}
			b.deptPages(fs)
			i = j - 1
			break
		}
	}
}

// deptPages puts the department pages of facets first.
func (b *branches) deptPages(facets []uint16) {
	for s, v := range b.ix.views {
		for d, fs := range v.deptPage {
			for _, f := range facets {
				if fs == f {
					b.found = true
					key := float64(tierName)*tierStep + 10*bonusStep
					if key > b.shards[s].docs[d] {
						b.shards[s].docs[d] = key
					}
				}
			}
		}
	}
}

func intersect(a, b []uint64) []uint64 {
	out := a[:0]
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j < len(b) && b[j] == x {
			out = append(out, x)
		}
	}
	return out
}

// namesIn returns the profile names (three characters or more) found
// inside the squashed query, longest first at each place.
func (ix *Index) namesIn(s string) []string {
	rs := []rune(s)
	var out []string
	for i := 0; i < len(rs); i++ {
		for j := min(len(rs), i+ix.maxNameRunes); j-i >= 3; j-- {
			if ix.names[string(rs[i:j])] {
				out = append(out, string(rs[i:j]))
				i = j - 1
				break
			}
		}
	}
	return out
}

// namesContaining returns the profile names holding s, when there are at
// most limit of them (more means s is too common a part to name one).
func (ix *Index) namesContaining(s string, limit int) []string {
	var out []string
	for n := range ix.names {
		if len(n) > len(s) && strings.Contains(n, s) {
			if out = append(out, n); len(out) > limit {
				return nil
			}
		}
	}
	sort.Strings(out)
	return out
}

// splitNames cuts a clause around the department and profile names it
// holds, so 市发改委承诺 searches 市发改委 and 承诺 (the page text has no
// 委承).
func (ix *Index) splitNames(text string) []string {
	rs := []rune(text)
	var out []string
	last := 0
	for i := 0; i < len(rs); i++ {
		for j := min(len(rs), i+max(ix.maxNameRunes, 12)); j-i >= 3; j-- {
			s := string(rs[i:j])
			if _, ok := ix.deptForms[s]; ok || ix.names[s] {
				if i > last {
					out = append(out, string(rs[last:i]))
				}
				out = append(out, s)
				last = j
				i = j - 1
				break
			}
		}
	}
	if last == 0 {
		return []string{text}
	}
	if last < len(rs) {
		out = append(out, string(rs[last:]))
	}
	return out
}

// squash normalises s and drops everything but letters and digits, so
// punctuation and spaces never decide whether a page holds a phrase.
func squash(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if stableRune(r) { // most characters: no need to normalise
			if r >= 0x80 || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
			continue
		}
		for _, n := range normalize(string(r)) {
			if unicode.IsLetter(n) || unicode.IsDigit(n) {
				b.WriteRune(n)
			}
		}
	}
	return b.String()
}

func hasHan(s string) bool { return strings.ContainsFunc(s, isHan) }

// checkPhrases puts the hits that hold every phrase whole above those
// holding only its parts, checking the best-scored first until the pages
// asked for are full; a quoted phrase drops the hits that do not hold it.
// stored keeps the fields read, by final position, for the page.
func (ix *Index) checkPhrases(p plan, hits []pageHit, total, need int, byDate bool, stored map[int]map[string][]string) ([]pageHit, int, error) {
	exact := false
	for _, ph := range p.phrases {
		exact = exact || ph.exact
	}
	type checked struct {
		h      pageHit
		fields map[string][]string
	}
	var out []checked
	holding := 0
	for _, h := range hits {
		if !byDate && h.score >= tierPhrase*tierStep {
			holding++
		}
	}
	for i, h := range hits {
		c := checked{h: h}
		tier0 := byDate || h.score < tierPhrase*tierStep
		if tier0 && holding < need && i < need+phraseBudget {
			_, fields, err := ix.storedFields(h)
			if err != nil {
				return nil, 0, err
			}
			c.fields = fields
			all := holdsPhrases(fields, p.phrases)
			switch {
			case all && !byDate:
				c.h.score += tierPhrase * tierStep
				holding++
			case !all && exact:
				total--
				continue
			}
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].h.score > out[j].h.score })
	hits = hits[:0]
	for i, c := range out {
		hits = append(hits, c.h)
		if c.fields != nil {
			stored[i] = c.fields
		}
	}
	return hits, total, nil
}

// holdsPhrases reports whether a page's stored title, text and facts hold
// every phrase once squashed. A phrase found as written in one field is
// held (squash maps character by character, and leaves a squashed phrase's
// characters as they are), which spares squashing the whole page for most
// pages that hold it; the others are squashed and searched.
func holdsPhrases(fields map[string][]string, phrases []phrase) bool {
	var text string // the page squashed, when needed
	for _, ph := range phrases {
		found := false
		for _, f := range [...]string{sTitle, sText, sFacts} {
			for _, v := range fields[f] {
				if strings.Contains(v, ph.squashed) {
					found = true
				}
			}
		}
		if found {
			continue
		}
		if text == "" {
			text = squash(strings.Join(fields[sTitle], "") + strings.Join(fields[sText], "") + "\n" + strings.Join(fields[sFacts], ""))
		}
		if !strings.Contains(text, ph.squashed) {
			return false
		}
	}
	return true
}

// relaxed is a loosened query and what it found.
type relaxed struct {
	plan        plan
	relaxed     *Relaxation
	hits        []pageHit
	total       int
	facetCounts map[string]int
	err         error
}

// relax loosens a query that found nothing: long Chinese clauses become
// their two-character words, words no page holds are dropped, then the
// rarest until something is found (at most three tries). The try that
// finds something is the answer (its k best hits, by date when byDate):
// counting it first and running it again cost twice the walk.
func (ix *Index) relax(ctx context.Context, q Query, p plan, byDate bool, k int) (relaxed, bool) {
	type word struct {
		text string
		df   uint64
	}
	var words []word
	var dropped []string
	for _, c := range p.clauses {
		var parts []string
		rs := []rune(squash(c.text))
		if hasHan(c.text) && len(rs) > 2 {
			for i := 0; i+1 < len(rs); i += 2 {
				parts = append(parts, string(rs[i:i+2]))
			}
			if len(rs)%2 == 1 {
				parts = append(parts, string(rs[len(rs)-2:]))
			}
		} else {
			parts = []string{c.text}
		}
		for _, w := range parts {
			df := uint64(0)
			for i, t := range ix.terms(w) {
				n := ix.docFreq(ctx, t)
				if i == 0 || n < df {
					df = n
				}
			}
			if df == 0 {
				dropped = append(dropped, w)
				continue
			}
			if !slices.ContainsFunc(words, func(x word) bool { return x.text == w }) {
				words = append(words, word{w, df})
			}
		}
	}
	for try := 0; len(words) > 0 && try < 3; try++ {
		var musts []query.Query
		var needles [][]string
		var texts []string
		for _, w := range words {
			ts := ix.terms(w.text)
			needles = append(needles, append([]string{w.text}, ts...))
			texts = append(texts, w.text)
			for _, t := range ts {
				tq := query.NewTermQuery(t)
				tq.SetField(fBody)
				musts = append(musts, tq)
			}
		}
		rq := ix.textQuery(ctx, musts)
		if len(p.filters) > 0 {
			rq = query.NewConjunctionQuery(append([]query.Query{rq}, p.filters...))
		}
		// The branch hits (identifiers, names) passed no filter in the
		// first run (it found nothing), so a total above zero here means
		// text hits.
		rp := p
		rp.query, rp.needles, rp.phrases = rq, needles, nil
		boosts := make([]*shardBoost, len(p.boosts))
		for i, b := range p.boosts {
			nb := *b
			nb.textTier = tierPhrase * tierStep
			boosts[i] = &nb
		}
		rp.boosts = boosts
		hits, total, counts, err := ix.execute(ctx, rq, rp.boosts, byDate, k)
		if err != nil {
			return relaxed{err: err}, true
		}
		if total > 0 {
			return relaxed{plan: rp, relaxed: &Relaxation{Query: strings.Join(texts, " "), Dropped: dropped},
				hits: hits, total: total, facetCounts: counts}, true
		}
		if len(words) == 1 {
			break
		}
		// Drop the rarest word: it is the one no page shares with the others.
		sort.SliceStable(words, func(i, j int) bool { return words[i].df < words[j].df })
		dropped = append(dropped, words[0].text)
		words = words[1:]
	}
	return relaxed{}, false
}
