package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits that bound the work of one query.
const (
	MaxQueryRunes = 200 // longer queries are refused
	MaxPage       = 100 // deeper pages are refused
	MaxPageSize   = 50
	DefPageSize   = 10
	maxClauses    = 16 // words or phrases per query
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDate      = "date" // newest first
)

// Query is one search request. The zero value of each filter means "any".
type Query struct {
	Text       string // what the user typed
	Kind       string
	Department string // registry id
	Year       int
	Status     string
	Sort       string // SortRelevance (default) or SortDate
	Page       int    // 1-based; 0 means 1
	Size       int    // hits per page; 0 means DefPageSize
}

// QueryError is a query the caller must fix: which field, what is wrong.
// Its message is safe to show to the user.
type QueryError struct {
	Field string // q, kind, department, year, status, sort, page, size
	Msg   string // English
	MsgZH string // Chinese
}

func (e *QueryError) Error() string { return "search: " + e.Field + ": " + e.Msg }

// ErrNoIndex means no index has been built yet.
var ErrNoIndex = errors.New("search: no index has been built")

// Validate checks q and fills defaults; it returns a *QueryError.
func (q *Query) Validate() error {
	if !utf8.ValidString(q.Text) {
		return &QueryError{"q", "is not valid UTF-8", "搜索词包含无效字符"}
	}
	if n := utf8.RuneCountInString(q.Text); n > MaxQueryRunes {
		return &QueryError{"q", fmt.Sprintf("is %d characters long; at most %d are allowed", n, MaxQueryRunes),
			fmt.Sprintf("搜索词过长（%d 个字符），最多 %d 个字符", n, MaxQueryRunes)}
	}
	for _, f := range []struct{ name, v string }{{"kind", q.Kind}, {"department", q.Department}, {"status", q.Status}} {
		if len(f.v) > 64 || !utf8.ValidString(f.v) || strings.ContainsFunc(f.v, unicode.IsControl) {
			return &QueryError{f.name, "is not a valid value", "筛选条件“" + f.name + "”无效"}
		}
	}
	if q.Year != 0 && (q.Year < 1949 || q.Year > 2200) {
		return &QueryError{"year", "must be a year between 1949 and 2200", "年份须在 1949 至 2200 之间"}
	}
	switch q.Sort {
	case "":
		q.Sort = SortRelevance
	case SortRelevance, SortDate:
	default:
		return &QueryError{"sort", `must be "relevance" or "date"`, "排序方式只能是 relevance（相关度）或 date（日期）"}
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 1 || q.Page > MaxPage {
		return &QueryError{"page", fmt.Sprintf("must be between 1 and %d", MaxPage), fmt.Sprintf("页码须在 1 至 %d 之间", MaxPage)}
	}
	if q.Size == 0 {
		q.Size = DefPageSize
	}
	if q.Size < 1 || q.Size > MaxPageSize {
		return &QueryError{"size", fmt.Sprintf("must be between 1 and %d", MaxPageSize), fmt.Sprintf("每页条数须在 1 至 %d 之间", MaxPageSize)}
	}
	return nil
}

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
