package search

import (
	"strings"
	"unicode"

	"portal/search/searchapi"
)

// The query, its answer and their errors are searchapi's: the server
// shares them without importing bleve.
type (
	Query      = searchapi.Query
	QueryError = searchapi.QueryError
	Result     = searchapi.Result
	Hit        = searchapi.Hit
	Facet      = searchapi.Facet
	FacetValue = searchapi.FacetValue
)

// Limits and sort orders (see searchapi).
const (
	MaxQueryRunes = searchapi.MaxQueryRunes
	MaxPage       = searchapi.MaxPage
	MaxPageSize   = searchapi.MaxPageSize
	DefPageSize   = searchapi.DefPageSize
	SortRelevance = searchapi.SortRelevance
	SortDate      = searchapi.SortDate

	maxClauses = 16 // words or phrases per query
)

// ErrNoIndex means no index has been built yet.
var ErrNoIndex = searchapi.ErrNoIndex

// clause is one unit of a parsed query: a quoted phrase or a bare word.
type clause struct {
	text   string // normalised
	phrase bool
}

// quotes pairs opening and closing quote marks (after NFKC, which folds
// full-width " to ASCII).
var quotes = map[rune]rune{'"': '"', '“': '”', '「': '」', '『': '』', '«': '»', '”': '”'}

// parseQuery splits normalised text into clauses: quoted phrases (an
// unclosed quote runs to the end) and whitespace-separated words. Empty
// clauses are dropped; at most maxClauses are kept.
func parseQuery(text string) []clause {
	var out []clause
	rs := []rune(normalize(text))
	for i := 0; i < len(rs) && len(out) < maxClauses; {
		r := rs[i]
		switch {
		case unicode.IsSpace(r) || r == '\u3000':
			i++
		case quotes[r] != 0:
			end := quotes[r]
			j := i + 1
			for j < len(rs) && rs[j] != end {
				j++
			}
			if s := strings.TrimSpace(string(rs[i+1 : min(j, len(rs))])); s != "" {
				out = append(out, clause{text: s, phrase: true})
			}
			i = j + 1
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '\u3000' && quotes[rs[j]] == 0 {
				j++
			}
			out = append(out, clause{text: string(rs[i:j])})
			i = j
		}
	}
	return out
}
