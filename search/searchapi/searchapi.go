// Package searchapi is the search service's interface: a query, its
// answer and their errors, in the standard library only, so the HTTP server
// (which must not import bleve) and the index (package search) share one
// set of types instead of copying them field by field.
//
// Contract: Query.Validate is the one check of a query's bounds; a
// Searcher returns *QueryError for the caller's mistakes (safe to show) and
// ErrNoIndex while no index exists. Snippets are HTML that the searcher has
// escaped, with <mark> around matches.
package searchapi

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Searcher answers queries: package search's index and follower implement
// it, the server and tests depend on it.
type Searcher interface {
	Search(ctx context.Context, q Query) (Result, error)
}

// Limits that bound the work of one query.
const (
	MaxQueryRunes = 200 // longer queries are refused
	MaxPage       = 100 // deeper pages are refused
	MaxPageSize   = 50
	DefPageSize   = 10
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

// Result is one page of answers.
type Result struct {
	Query  Query // validated, defaults filled
	Total  int
	Hits   []Hit
	Facets []Facet // kind, department, year, status; only those with values
	Took   time.Duration
	// Relaxed is set when no page held every word: the hits answer the
	// loosened query it describes.
	Relaxed *Relaxation
	// Folded is the query as searched when folding changed its characters
	// (誠信 is searched as 诚信).
	Folded string
	// Ignored are the question words that did not have to match (怎么, 吗).
	Ignored []string
}

// Relaxation says how a query that found nothing was loosened.
type Relaxation struct {
	Query   string   // the words searched instead, space-separated
	Dropped []string // words left out
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
	Departments []string      // display names, lead first
	Date        string        // YYYY-MM-DD, or empty
	Snippet     template.HTML // escaped text with <mark> around matches
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
