package generator

import (
	"html/template"
	"time"

	"portal/generator/theme"
)

// The publication log's views: .Data.History on every record page, and the
// .Data of the version, removed, changes, log and verify-guide layouts. Like
// the other views, their field names are the theme's interface.

// HistoryView is a record's 修订记录 and its ledger block.
type HistoryView struct {
	Key     string // kind/id: data-ledger-record
	Version int    // the version the page shows (0: not in the log)
	Hash    string // its full content hash (hex)
	Short   string // sha256:… for people
	Entry   int64  // its log entry
	// State is what the page is to the log: current, old, unpublished,
	// removed or unregistered (content the log does not have yet).
	State string
	// StateNote explains a state other than current in one sentence.
	StateNote string
	// Revisions, newest first.
	Revisions []RevisionView
	// Withheld: the record is off the site (公示期满, 已撤销, 已删除 disclosure
	// or record): dates and fields changed are shown, never values.
	Withheld   bool
	PageURL    string // the record's page
	LogURL     string // /log/
	GuideURL   string // /verify/
	Checkpoint int64  // entries in the checkpoint the site publishes
}

// RevisionView is one version in a record's history.
type RevisionView struct {
	Version  int
	Anchor   string // v3: the id of its row on the record page
	Date     time.Time
	Op       string // 首次发布 | 修改 | 删除 | 重新发布
	OpClass  string // add | change | remove
	Entry    int64
	Short    string // sha256:… ("" for a removal)
	Note     string // the editor's note
	URL      string // the old version's permanent page ("" for the current one and removals)
	Current  bool
	This     bool         // the version the page itself shows (an old version's page)
	Material []theme.Link // material changes: label, and the type as Name
	Changes  []ChangeView
}

// ChangeView is one field's change.
type ChangeView struct {
	Label    string
	Old, New string        // what the page showed before and after (short fields)
	Diff     template.HTML // text fields: character diff, <del> and <ins>
	Added    []string      // progress entries added
	Removed  []string      // progress entries removed or rewritten
	Withheld bool          // values not shown (the record is off the site)
}

// FieldView is one field of an old version's page.
type FieldView struct {
	Name    string   // data-ledger name
	Label   string   //
	Text    string   // what the page shows
	Value   string   // data-ledger-value (department ids), optional
	HasVal  bool     //
	Lines   []string // list fields: one element each (progress, tags)
	IsBody  bool     // the body: paragraphs
	Paras   []string // the body's paragraphs
	Summary bool     // a list field shown as one line each
}

// VersionData is the version layout's .Data: an old version's permanent page.
type VersionData struct {
	History   *HistoryView // History.Version is this page's version
	KindLabel string
	Title     string
	Date      time.Time // when this version was published
	Until     time.Time // when the next version replaced it
	Fields    []FieldView
	Body      []string // paragraphs
	Current   string   // the record's page
	CurrentV  int
	Prev      string // the previous version's page, "" for v1
	Next      string // the next old version's page, or the record's page
}

// RemovedData is the removed layout's .Data: the page a removed record keeps.
type RemovedData struct {
	History   *HistoryView
	KindLabel string
	Title     string // "" when withheld
	Date      time.Time
	ListURL   string
}

// ChangeRow is one row of the 变更记录 lists.
type ChangeRow struct {
	Date     time.Time
	Kind     string // kind label
	Title    string
	URL      string // the record's page, at the version's row
	Op       string
	OpClass  string
	Version  int
	Fields   string // labels of the changed fields
	Material []theme.Link
	Dept     string
	DeptURL  string
	Note     string
	Row      template.HTML // partials/change-row.html rendered once
}

// ChangesData is the changes layout's .Data.
type ChangesData struct {
	Intro   string
	Filters []theme.FilterGroup
	Rows    []ChangeRow
	Pager   *theme.Pager
	Feeds   []theme.Link
	Counts  []DeptChanges // per department (the material list's first page)
	Total   int
}

// DeptChanges is one department's count of material changes.
type DeptChanges struct {
	Name, URL string
	Total     int
	ByType    []theme.Link // per type, with counts
}

// LogData is the /log/ page's .Data.
type LogData struct {
	Origin    string
	Size      int64
	RootHash  string
	PublicKey string
	// PreviousKeys are the keys the site signed with before (portal.toml's
	// [ledger] previous_keys), oldest first as listed; Rotations links the
	// rotations the old keys signed (/log/rotations/N).
	PreviousKeys []string
	Rotations    []theme.Link
	Checkpoint   string // the signed checkpoint's text
	Latest       []ChangeRow
	Files        []theme.Link
	GuideURL     string
	FirstDate    time.Time
	LastDate     time.Time
	Records      int
	Unsigned     int64
	ChangesURL   string
	TileHeight   int
	DataTiles    int
	Redacted     int
	HasLog       bool
	ExampleCmds  []string
	// VerifierURL is where to get the portal program ([ledger]
	// verifier_url); ContactURL the contact page the guide points to
	// without it.
	VerifierURL string
	ContactURL  string
}
