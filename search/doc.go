// Package search is portal's full-text search: the bleve index mapping with
// Chinese analysis, building an index from documents, and answering queries.
// It is the only package that imports bleve.
//
// Contract:
//   - Documents come from the caller (cmd maps generator entries to
//     Document); search knows nothing of the generator.
//   - Build writes a complete new index into a fresh folder under the state
//     folder (<state>/index-<n>/) and then switches the pointer file
//     <state>/CURRENT to it with an atomic rename. Readers never see a
//     half-built index, and an index opened read-only (by any number of
//     serve processes) never blocks a rebuild. Build keeps the previous
//     index so readers still holding it finish their queries; older ones are
//     removed.
//   - Open opens the current index read-only and reads each shard's facet
//     values and dates into memory (a few MB at 100,000 pages), so counting
//     facets and sorting by date cost an array lookup per hit. Follow
//     returns a Searcher that reopens whenever the pointer changes, so a
//     rebuild swaps in without failed queries.
//   - Text and queries are NFKC-normalised, lower-cased and folded
//     (traditional and variant characters to one form, fold_table.go) before
//     analysis; display text is kept as written. Chinese is indexed as
//     overlapping character bigrams plus unigrams (chosen by measurement, see
//     README.md), punctuation and spaces inside Chinese text not breaking a
//     bigram, so any substring of two or more characters, and any single
//     character, is found.
//   - Identifiers (统一社会信用代码, 文书号/文号, ids) are exact keywords under
//     every loose form people type (keys.go). Hits are tiered: the profile
//     page a query names (Names), pages whose own identifier matched, pages
//     citing it (References) or in the state it names (States), pages
//     holding every clause whole (checked from stored text), then the rest.
//   - A query that finds nothing is relaxed and says so (Result.Relaxed);
//     question words need not match (Result.Ignored).
//   - Search validates its Query and returns *QueryError (the caller's
//     mistake) or ErrNoIndex; every query is bounded (length, page depth,
//     a deadline) so none can crash or stall the process.
//   - Snippets are HTML: every character is escaped except the <mark> and
//     </mark> around matches, and they never split a character.
package search

import "time"

// Document is one published page as the index sees it.
type Document struct {
	URL     string // site-relative path; unique, the document's id
	Title   string // shown as written
	Summary string // plain text, shown when no match falls in Text
	Text    string // the whole body as plain text
	// Facts are the record's other facts as labelled lines (决定机关：…,
	// 依据：…): searched like the text, shown when only they match.
	Facts           string
	Kind            string   // content kind, e.g. commitments
	KindLabel       string   // its Chinese name, for facets
	Departments     []string // registry ids, lead first
	DepartmentNames []string // display names, parallel to Departments
	Status          string   // status key, e.g. in_progress or 整改中
	StatusLabel     string   // its Chinese name, for facets
	Category        string   // indexed as text and keyword
	Tags            []string // indexed as text and keyword
	Identifiers     []string // the page's own exact-match keys: id, 统一社会信用代码, 文书号 …
	References      []string // identifiers of documents the page cites (a commitment's source 文号)
	// Names are the names of the body or subject the page is the profile of
	// (a department's full and short names and aliases, an enterprise's
	// name and credit code): a query that is or contains one puts the page
	// first, above every other hit.
	Names []string
	// States are words for the page's state (已逾期, 推进中, 整改中): a
	// query that is one of them puts the pages in that state first.
	States []string
	Date   time.Time // in the site's zone; the year facet uses it
}
