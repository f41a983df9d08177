package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

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
	Relaxation = searchapi.Relaxation
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

// questionWords need not match: they ask, they do not name what is asked
// about. Particles count only at the end of a clause (了解 keeps its 了).
var (
	questionWords = []string{"为什么", "怎么办", "怎么样", "怎么", "怎样", "如何", "哪里", "哪儿", "哪些", "在哪", "去哪", "什么",
		"是否", "能否", "能不能", "可否", "可不可以", "请问", "我要", "我想", "应该", "可以", "找谁",
		"多长时间", "多久", "需要", "的"}
	endParticles = "吗呢吧啊了么"
)

func init() {
	// Queries are folded before they are split (怎么 is searched as 怎幺
	// only if the fold table says so): fold the words the same way.
	for i, w := range questionWords {
		questionWords[i] = normalize(w)
	}
	endParticles = normalize(endParticles)
}

// stripQuestionWords removes question words from a normalised clause and
// returns what is left, in parts, and the words removed.
func stripQuestionWords(text string) (parts, removed []string) {
	rest := text
	for {
		r, n := utf8.DecodeLastRuneInString(rest)
		if n == 0 || !strings.ContainsRune(endParticles, r) || utf8.RuneCountInString(rest) < 2 || !isHan(r) {
			break
		}
		removed = append(removed, string(r))
		rest = rest[:len(rest)-n]
	}
	var cur strings.Builder
	for i := 0; i < len(rest); {
		hit := ""
		for _, w := range questionWords {
			if strings.HasPrefix(rest[i:], w) {
				hit = w
				break
			}
		}
		if hit == "" {
			_, n := utf8.DecodeRuneInString(rest[i:])
			cur.WriteString(rest[i : i+n])
			i += n
			continue
		}
		removed = append(removed, hit)
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
		i += len(hit)
	}
	if cur.Len() > 0 {
		parts = append(parts, cur.String())
	}
	if len(parts) == 0 && len(removed) > 0 {
		// Only question words: search them as typed.
		return []string{text}, nil
	}
	return parts, removed
}
