package generator

import (
	"html/template"
	"time"

	"portal/generator/fingerprint"
	"portal/generator/model"
	"portal/generator/theme"
)

// The types below are the templates' .Site and .Data values. Their field
// names are the theme's interface: a site theme overriding a layout relies
// on them, so rename nothing.

// SiteView is .Site: the same for every page of a build.
type SiteView struct {
	Title         string
	Description   string
	BaseURL       string
	Language      string
	Gov           model.GovernmentConfig
	Nav           []theme.Link
	Feeds         []theme.Link // the site-wide feeds
	BuildDate     time.Time
	Departments   []*model.Department
	HasSearch     bool // a /search/ page exists
	HasComplaints bool // a /complaints/ page exists
	// Furniture are the footer's service links (网站地图, 网站声明, 隐私政策,
	// 联系我们, 我为政府网站找错, 无障碍与长者模式 …), see furniture.go.
	Furniture      []theme.Link
	ErrorReportURL string // 我为政府网站找错
	HasLedger      bool   // the site keeps a publication log: /changes/, /log/, /verify/
	// Footer is footer.html rendered once per build (it shows only site
	// fields), so pages do not repeat the work.
	Footer template.HTML
}

// Item is one row of a list.
type Item struct {
	Kind        string
	Title       string
	URL         string
	Date        time.Time
	DateISO     string // 2006-01-02, precomputed: lists show thousands of rows
	DateText    string // 2024年11月25日
	Summary     string
	Department  string
	Category    string
	StatusLabel string
	StatusClass string
	Note        string // beside the status: a commitment's lateness (逾期 428 天)
	NoteClass   string // "late" when Note says the commitment is overdue
	Example     bool
	// Row is partials/item.html rendered once from the fields above (a row
	// appears in several lists). A page's key leaves it out: the fields and
	// the theme, which the key has, decide it.
	Row template.HTML `fingerprint:"-"`
	// Disclosures: what a row must show so sixteen licences do not read as
	// sixteen identical titles.
	Subject    string // 行政相对人名称
	CreditCode string // 统一社会信用代码
	DocNumber  string // 文号

	// sum stands for the row in page keys (fingerprint "sum"): a row is
	// hashed once, not once for every list that shows it. Set by prepare
	// from the row's key, after which no field changes.
	sum fingerprint.Sum `fingerprint:"sum"`
}

// ListData is the list layout's .Data.
type ListData struct {
	Intro template.HTML
	// Filters are the same on every page of a list: a page's key has their
	// fingerprint, filters, worked out once per list, instead.
	Filters []theme.FilterGroup `fingerprint:"-"`
	filters fingerprint.Sum
	// FiltersHTML is the rendered filters.html for Filters, the same on
	// every page of the list, so rendered once; empty: the layout renders it.
	FiltersHTML template.HTML `fingerprint:"-"`
	FeedURL     string
	Feeds       []theme.Link // the section's feeds, one per format
	Items       []Item
	Pager       *theme.Pager
}

// ShellSite gives theme.Render what the default baseof.html shows of the
// site, so it can write the page shell without the template.
func (s *SiteView) ShellSite() (theme.ShellSite, bool) {
	if s == nil {
		return theme.ShellSite{}, false
	}
	return theme.ShellSite{Title: s.Title, SiteName: s.Gov.SiteName, SiteDomain: s.Gov.SiteDomain, SiteIDCode: s.Gov.SiteIDCode, Footer: s.Footer}, true
}

// HomeData is the home layout's .Data.
type HomeData struct {
	Intro      template.HTML // content/_index.md's body, when the site has one
	AsOf       time.Time     // the build date the figures are counted on
	Figures    []theme.Link  // commitments by official status, then 其中已逾期, then the other kinds
	Overdue    []Item
	DueSoon    []Item
	News       []Item
	Complaints *model.DepartmentComplaintStats
}

// ProgressView is one entry of a commitment's timeline.
type ProgressView struct {
	Date        time.Time
	StatusLabel string
	StatusClass string
	Note        string
	Evidence    string
	EvidenceURL string // set when the evidence is an http(s) link
}

// CommitmentData is the commitment layout's .Data.
type CommitmentData struct {
	// C is the record; a page's key has rec instead (an item's key:
	// the fingerprint of the file it was read from, or the record).
	C   *model.Commitment `fingerprint:"-"`
	rec any
	// Body is the record's Markdown rendered: a page's key leaves it out,
	// since the source (in the record, which the key has) decides it.
	Body        template.HTML `fingerprint:"-"`
	StatusLabel string
	StatusClass string
	State       model.CommitmentState
	Standing    model.Standing // official status and lateness: the one way it is shown
	Lateness    string         // 逾期 428 天, 剩余 12 天 … ("" when nothing to say)
	Lead        []theme.Link
	Partners    []theme.Link
	CategoryURL string
	Progress    []ProgressView
	Tags        []theme.Link
	History     *HistoryView // 修订记录 and the ledger block; nil when the site keeps no log
	// SourceURL is the policy page of 来源文件, MeasureURL the page that
	// tracks 对应措施 (the policy page when this commitment is that page);
	// "" when the site has none. ComplaintURL opens the complaint form
	// filled in for this commitment.
	SourceURL, MeasureURL, ComplaintURL string
}

// DeptRow is one row of the departments index.
type DeptRow struct {
	ID, Name, URL, Type string
	// Commitments by official status (they add up to Total) and, across
	// them, how many are overdue (model.Standing).
	Pending, InProgress, Kept, Partial, Broken, Withdrawn int
	Overdue, Total                                        int
	order                                                 int
}

// DepartmentsData is the departments layout's .Data.
type DepartmentsData struct {
	AsOf      time.Time
	Rows      []DeptRow
	Sorts     []theme.FilterGroup
	SortLabel string
}

// Group is a titled, truncated list with a link to the whole list.
type Group struct {
	Label string
	Class string
	Total int
	Items []Item
	More  string
}

// DepartmentData is the department layout's .Data.
type DepartmentData struct {
	D          *model.Department
	Parent     *theme.Link
	Total      int
	Chart      template.HTML
	Groups     []Group // commitments by official status
	Overdue    int     // of them, how many are overdue
	Sections   []Group // disclosures, records, cases, news, policies
	FeedURL    string
	Feeds      []theme.Link // the department's feeds, one per format
	Complaints *model.DepartmentComplaintStats
	Indicators *IndicatorCard // the 政务诚信评价 card, nil when nothing is evaluated
}

// DisclosureData is the disclosure layout's .Data.
type DisclosureData struct {
	// D is the record; a page's key has rec instead (an item's key:
	// the fingerprint of the file it was read from, or the record).
	D   *model.Disclosure `fingerprint:"-"`
	rec any
	// Body is the record's Markdown rendered: a page's key leaves it out,
	// since the source (in the record, which the key has) decides it.
	Body         template.HTML `fingerprint:"-"`
	Dept         []theme.Link
	Fine         string
	SubjectURL   string
	CategoryURL  string
	ObjectionURL string
	Tags         []theme.Link
	// Fields are every national field that has a value, labelled as the
	// standard names them for the record's table, in the standard's order.
	Fields  []FieldRow
	History *HistoryView // 修订记录 and the ledger block; nil when the site keeps no log
}

// FieldRow is one labelled value of a record's detail page.
type FieldRow struct {
	Name  string // the field's name in the publication log (data-ledger), "" when the log does not keep it
	Label string
	Value string
	URL   string    // a link for the value, optional
	Date  time.Time // set instead of Value for a date
	Note  string    // how the value was derived, optional (the 公示期 rule)
}

// UnpublishedData is the stop-notice layout's .Data: no record content.
type UnpublishedData struct {
	KindLabel string
	Reason    string
	Since     time.Time
	ListURL   string
	History   *HistoryView // 修订记录 and the ledger block; nil when the site keeps no log
}

// SubjectData is the subject layout's .Data.
type SubjectData struct {
	Code  string
	Items []Item
}

// PolicyData is the policy layout's .Data.
type PolicyData struct {
	// P is the record; a page's key has rec instead (an item's key:
	// the fingerprint of the file it was read from, or the record).
	P   *model.Policy `fingerprint:"-"`
	rec any
	// Body is the record's Markdown rendered: a page's key leaves it out,
	// since the source (in the record, which the key has) decides it.
	Body     template.HTML `fingerprint:"-"`
	Depts    []theme.Link
	Validity string
	Banner   bool
	Tags     []theme.Link
	History  *HistoryView // 修订记录 and the ledger block; nil when the site keeps no log
	TOC      []TOCEntry   // the body's headings, for the table of contents
	Measures []MeasureRow // the commitments that track this document's measures, by number
}

// TOCEntry is one heading of a long page's table of contents.
type TOCEntry struct {
	Level int // 2 or 3
	ID    string
	Text  string
}

// MeasureRow is one measure of a policy and the commitment page tracking it.
type MeasureRow struct {
	N           int
	Title, URL  string
	StatusLabel string
	StatusClass string
}

// ArticleData is the article layout's .Data (cases and news).
type ArticleData struct {
	Date time.Time
	// Body is the Markdown rendered: a page's key has the source's
	// fingerprint (bodyKey) instead, which decides it.
	Body      template.HTML `fingerprint:"-"`
	bodyKey   fingerprint.Sum
	TypeLabel string
	TypeURL   string
	Source    string
	SourceURL string
	Depts     []theme.Link
	Tags      []theme.Link
	History   *HistoryView // 修订记录 and the ledger block; nil when the site keeps no log
}

// RecordData is the record layout's .Data.
type RecordData struct {
	// R is the record; a page's key has rec instead (an item's key:
	// the fingerprint of the file it was read from, or the record).
	R   *model.Record `fingerprint:"-"`
	rec any
	// Body is the record's Markdown rendered: a page's key leaves it out,
	// since the source (in the record, which the key has) decides it.
	Body         template.HTML `fingerprint:"-"`
	Dept         []theme.Link
	TypeURL      string
	ObjectionURL string
	Tags         []theme.Link
	History      *HistoryView // 修订记录 and the ledger block; nil when the site keeps no log
}

// TermsData is the terms layout's .Data (tag index, feed list, open data).
type TermsData struct {
	Groups []theme.FilterGroup
}
