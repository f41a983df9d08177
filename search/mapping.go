package search

import (
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Analysis names how Chinese text is split into index terms.
const (
	// AnalysisBigram is bleve's cjk analysis: overlapping bigrams; a lone
	// character between non-Chinese text stays a unigram.
	AnalysisBigram = "bigram"
	// AnalysisBigramUnigram adds every character as a unigram too, so a
	// one-character query finds the character inside longer words. The
	// default, chosen by measurement.
	AnalysisBigramUnigram = "bigram+unigram"
	// DefaultAnalysis is what Build uses when Options.Analysis is empty.
	DefaultAnalysis = AnalysisBigramUnigram
)

// Field names inside the index. Short, because stored field names are
// repeated in every document.
const (
	fBody   = "body" // title (twice) + category + tags + departments + text, normalised; analysed
	fIDs    = "ids"  // canonical identifiers; exact keywords
	fRefs   = "refs" // canonical identifiers of cited documents
	fNames  = "nm"   // canonical names of the body or subject a profile page is about
	fStates = "st"   // words for the page's state (已逾期); exact keywords
	fKind   = "kind" // keyword, facet
	fDept   = "dept" // registry ids; keyword, facet
	fStatus = "status"
	fYear   = "year"
	fDate   = "date" // YYYY-MM-DD; keyword with doc values, for sorting
	// fFacet holds every facet value of a page as "<field>\x1f<value>" in
	// one doc-values field: counting facets then reads one field per hit
	// instead of four, which is most of the cost of a broad query.
	fFacet = "fc"

	// Stored only (not indexed): what a hit shows.
	sURL   = "u"
	sTitle = "t"
	sDept  = "dn"
	sText  = "x"
	sFacts = "f"
	sSumm  = "s"
)

const textAnalyzer = "zh"

// indexDoc is what bleve's mapping indexes for one Document; the body is
// added by docMapper (bodyfield.go).
type indexDoc struct {
	IDs    []string `json:"ids"`
	Refs   []string `json:"refs"`
	Names  []string `json:"nm"`
	States []string `json:"st"`
	Kind   string   `json:"kind"`
	Dept   []string `json:"dept"`
	Status string   `json:"status"`
	Year   string   `json:"year"`
	Date   string   `json:"date"`
	Facet  []string `json:"fc"`

	URL       string   `json:"u"`
	RawTitle  string   `json:"t"`
	DeptNames []string `json:"dn"`
	Text      string   `json:"x"`
	Facts     string   `json:"f"`
	Summary   string   `json:"s"`
}

// newMapping returns the index mapping for the named analysis. Any name
// other than the built-in ones is taken as a registered bleve tokenizer
// (used to evaluate dictionary segmenters without shipping them).
//
// Field options are chosen for size and speed at 100,000 documents: no
// term vectors (snippets are made by this package from the stored text, and
// phrases are matched as all-bigrams), no _all field, doc values only where
// facets and sorting need them, and stored fields only for display.
func newMapping(analysis string) (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	// Text reaches the analyzer normalised (NFKC, lower case), so the
	// built-in analyses need no width or case filters.
	filters := []any{}
	var tokenizer string
	switch analysis {
	case AnalysisBigram:
		tokenizer = tokenizerBigram
	case AnalysisBigramUnigram, "":
		tokenizer = tokenizerBigramUnigram
	default:
		tokenizer = analysis
		filters = []any{lowercase.Name}
	}
	if err := m.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     tokenizer,
		"token_filters": filters,
	}); err != nil {
		return nil, fmt.Errorf("analysis %q: %w", analysis, err)
	}

	text := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = textAnalyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	kw := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = docValues
		f.SkipFreqNorm = true
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = keyword.Name
		f.Index = false
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fBody, text())
	ids := kw(false)
	ids.SkipFreqNorm = false // an identifier hit is scored (and must outrank text)
	dm.AddFieldMappingsAt(fIDs, ids)
	refs := kw(false)
	refs.SkipFreqNorm = false
	dm.AddFieldMappingsAt(fRefs, refs)
	names := kw(false)
	names.SkipFreqNorm = false
	dm.AddFieldMappingsAt(fNames, names)
	dm.AddFieldMappingsAt(fStates, kw(false))
	for _, f := range []string{fKind, fDept, fStatus, fYear, fDate, fFacet} {
		// Only sorting (date) and facet counting read doc values.
		k := kw(f == fDate || f == fFacet)
		// kind and date are shown with every hit.
		k.Store = f == fKind || f == fDate
		dm.AddFieldMappingsAt(f, k)
	}
	for _, f := range []string{sURL, sTitle, sDept, sText, sFacts, sSumm} {
		dm.AddFieldMappingsAt(f, stored())
	}
	// No _all field: nothing searches it, and bleve would otherwise add an
	// empty composite field to every document.
	dm.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())
	m.DefaultMapping = dm
	m.DefaultAnalyzer = textAnalyzer
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("analysis %q: %w", analysis, err)
	}
	return m, nil
}
