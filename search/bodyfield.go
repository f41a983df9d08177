package search

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Indexing the body is most of the work of a build, and most of that work
// was bleve's generic analysis: a token object per term occurrence (two per
// character: ~3,200 of 64 bytes for a page of 1,900 characters), then a map
// from each term to its frequency sized on the token count, not on the
// ~1,250 distinct terms — allocated, cleared and then iterated twice by the
// segment builder. The body field here counts the terms of scanTerms
// straight into a reused table and hands bleve a map of exactly the
// distinct terms. The terms, their frequencies and the field length are
// those bleve's TextField with the zh analyzer gives
// (TestBodyFieldMatchesBleve), so an index built either way answers alike.

// docMapper maps a Document to bleve's document: every field but the body
// through the index mapping, the body through bodyField. Build gives it to
// bleve's builder as the mapping (the builder calls MapDocument with what
// is passed to Index, a *Document); Sync calls mapDocument itself.
type docMapper struct {
	*mapping.IndexMappingImpl
	bodyOptions index.FieldIndexingOptions
	// count is whether the analysis is a built-in one, which countTerms
	// does; another (a registered tokenizer, for evaluation) goes through
	// bleve's TextField with the analyzer.
	count    bool
	unigrams bool
	analyzer analysis.Analyzer
}

func newDocMapper(m *mapping.IndexMappingImpl, analysis string) (*docMapper, error) {
	dm := &docMapper{IndexMappingImpl: m, analyzer: m.AnalyzerNamed(textAnalyzer)}
	body := m.DefaultMapping.Properties[fBody]
	if body == nil || len(body.Fields) != 1 || dm.analyzer == nil {
		return nil, fmt.Errorf("search: the mapping has no body field")
	}
	dm.bodyOptions = body.Fields[0].Options()
	switch analysis {
	case AnalysisBigramUnigram, "":
		dm.count, dm.unigrams = true, true
	case AnalysisBigram:
		dm.count = true
	}
	return dm, nil
}

// MapDocument is mapping.IndexMapping's, for bleve's builder: data is the
// *Document passed to the builder's Index.
func (dm *docMapper) MapDocument(doc *document.Document, data any) error {
	d, ok := data.(*Document)
	if !ok {
		return fmt.Errorf("search: cannot index a %T", data)
	}
	return dm.fill(doc, d)
}

// MarshalJSON stores the plain mapping in the index (bleve's builder saves
// it), as bleve.New would.
func (dm *docMapper) MarshalJSON() ([]byte, error) {
	return json.Marshal(dm.IndexMappingImpl)
}

// mapDocument returns d as bleve indexes it.
func (dm *docMapper) mapDocument(d *Document) (*document.Document, error) {
	doc := document.NewDocument(d.URL)
	if err := dm.fill(doc, d); err != nil {
		return nil, err
	}
	return doc, nil
}

func (dm *docMapper) fill(doc *document.Document, d *Document) error {
	x, body := toIndexDoc(d)
	if err := dm.IndexMappingImpl.MapDocument(doc, x); err != nil {
		return err
	}
	if !dm.count {
		doc.AddField(document.NewTextFieldCustom(fBody, nil, []byte(body), dm.bodyOptions, dm.analyzer))
		return nil
	}
	doc.AddField(&bodyField{
		TextField: document.NewTextFieldCustom(fBody, nil, []byte(body), dm.bodyOptions, nil),
		text:      body,
		unigrams:  dm.unigrams,
	})
	return nil
}

// bodyField is the analysed body: a TextField whose analysis is
// countTerms.
type bodyField struct {
	*document.TextField
	text     string
	unigrams bool
	length   int
	freqs    index.TokenFrequencies
}

func (f *bodyField) Analyze() { f.length, f.freqs = countTerms(f.text, f.unigrams) }

func (f *bodyField) AnalyzedLength() int { return f.length }

func (f *bodyField) AnalyzedTokenFrequencies() index.TokenFrequencies { return f.freqs }

// termCounter is countTerms's table, reused from page to page.
type termCounter struct {
	// uni holds, for each character of U+4E00–U+9FFF (the unigrams, half
	// of a page's terms), gen<<32 | its index in terms; a slot of an older
	// gen is empty, so a new page needs no clearing.
	uni []uint64
	gen uint32
	// short maps another term of up to 7 bytes (every bigram of Chinese
	// characters, most numbers), packed by packTerm, to its index in
	// terms: an integer key hashes and compares faster than a string.
	short map[uint64]int32
	long  map[string]int32 // longer terms
	terms []string
	freq  []int32
}

// The unigrams counted in termCounter.uni.
const uniFirst, uniEnd = 0x4E00, 0xA000

var counters = sync.Pool{New: func() any {
	return &termCounter{uni: make([]uint64, uniEnd-uniFirst), short: make(map[uint64]int32, 2048), long: make(map[string]int32, 64)}
}}

// packTerm packs the term a+b, if it has up to 7 bytes, into a key no
// other term has: its length in the top byte, its bytes below.
func packTerm(a, b string) (uint64, bool) {
	n := len(a) + len(b)
	if n > 7 {
		return 0, false
	}
	k := uint64(n) << 56
	for i := 0; i < len(a); i++ {
		k |= uint64(a[i]) << (8 * i)
	}
	for i := 0; i < len(b); i++ {
		k |= uint64(b[i]) << (8 * (len(a) + i))
	}
	return k, true
}

// add counts one occurrence of the term a+b (b is mostly empty).
func (c *termCounter) add(a, b string) {
	// Terms are valid UTF-8 (scanTerms keeps no invalid byte), so three
	// bytes led by 0xE0–0xEF are one character.
	if len(a) == 3 && b == "" && a[0] >= 0xE0 {
		if r := rune(a[0]&0x0F)<<12 | rune(a[1]&0x3F)<<6 | rune(a[2]&0x3F); r >= uniFirst && r < uniEnd {
			slot := &c.uni[r-uniFirst]
			if uint32(*slot>>32) == c.gen {
				c.freq[uint32(*slot)]++
				return
			}
			*slot = uint64(c.gen)<<32 | uint64(len(c.terms))
			c.terms = append(c.terms, a)
			c.freq = append(c.freq, 1)
			return
		}
	}
	if k, ok := packTerm(a, b); ok {
		if i, ok := c.short[k]; ok {
			c.freq[i]++
			return
		}
		c.short[k] = int32(len(c.terms))
	} else {
		term := a + b
		if i, ok := c.long[term]; ok {
			c.freq[i]++
			return
		}
		c.long[term] = int32(len(c.terms))
	}
	// Only a term joined across a gap is copied, and only once per page.
	c.terms = append(c.terms, a+b)
	c.freq = append(c.freq, 1)
}

// countTerms returns how many terms scanTerms finds in text and each
// distinct term with its frequency, as bleve's TokenFrequency would for
// a field without term vectors.
func countTerms(text string, unigrams bool) (int, index.TokenFrequencies) {
	c := counters.Get().(*termCounter)
	c.gen++
	if c.gen == 0 { // wrapped: slots of gen 0 would read as this page's
		clear(c.uni)
		c.gen = 1
	}
	n := 0
	scanTerms(text, unigrams, func(term, tail string, _, _ int, _ analysis.TokenType) {
		n++
		c.add(term, tail)
	})
	out := make(index.TokenFrequencies, len(c.terms))
	tfs := make([]index.TokenFreq, len(c.terms))
	size := 0
	for _, t := range c.terms {
		size += len(t)
	}
	// One buffer for the terms' bytes; the map's keys are the terms
	// themselves (mostly substrings of text, so no copies).
	buf := make([]byte, 0, size)
	for i, t := range c.terms {
		buf = append(buf, t...)
		tfs[i].Term = buf[len(buf)-len(t) : len(buf) : len(buf)]
		tfs[i].SetFrequency(int(c.freq[i]))
		out[t] = &tfs[i]
	}
	clear(c.short)
	clear(c.long)
	clear(c.terms) // drop the references to text
	c.terms, c.freq = c.terms[:0], c.freq[:0]
	counters.Put(c)
	return n, out
}
