package model

import "time"

// Entry is one published page as the search index and the feeds see it.
// The generator returns one per published page (never for drafts or records
// past their publicity period); cmd maps entries to search documents.
type Entry struct {
	Kind        Kind
	ID          string
	Path        string // site-relative URL path, percent-encoded, e.g. /commitments/c01/
	Title       string
	Summary     string // plain text, at most ~160 characters
	Text        string // the whole body as plain text (no markup)
	HTML        string // the rendered body as HTML with site-relative links
	Date        time.Time
	Updated     time.Time // newest progress entry or the date
	Departments []string  // registry ids: lead first
	Status      string    // commitments: display status (overdue wins); records: status
	Category    string    // commitment category, disclosure category, case type, record type, policy topic
	Tags        []string
	Identifiers []string // exact-match keys: id, 统一社会信用代码, 文书号/文号, 索引号
	Example     bool
	// Record is the model value the page shows: *Commitment, *Disclosure,
	// *Policy, *Case, *News, *Record, *Department or *Subject. The search
	// mapping walks its fields, so every fact a record carries (and every
	// field added later) reaches the index or is left out on purpose.
	Record any
}

// Subject is a 行政相对人 with a 统一社会信用代码: one page lists every
// published disclosure about it.
type Subject struct {
	CreditCode string   // 统一社会信用代码
	Name       string   // the name its newest record gives
	Names      []string // every name its records give (a company renamed keeps its old name findable)
}
