// Package model is the site's domain model: the typed records that content
// and data files become (commitments, disclosures, policies, cases, news,
// dishonesty records, departments) and the derived facts the portal shows
// about them (overdue, due soon, published or not).
//
// Contract: model imports only the standard library. Loaders (generator/page,
// generator/dataset) produce these values; the renderer, feeds and the search
// mapping in cmd consume them. Nothing here reads files or renders HTML.
// Every time value is a calendar date or instant in the site's time zone.
package model

import (
	"strconv"
	"time"
)

// Kind names a content section; it is also the URL's first path segment.
type Kind string

// The content kinds, one folder each under content/.
const (
	KindCommitment Kind = "commitments"
	KindDisclosure Kind = "disclosures"
	KindPolicy     Kind = "policies"
	KindCase       Kind = "cases"
	KindNews       Kind = "news"
	KindRecord     Kind = "records"
)

// Profile pages: one per department and one per subject (an enterprise
// with a 统一社会信用代码). They are not content sections (not in Kinds):
// search finds them by name, feeds do not carry them.
const (
	KindDepartment Kind = "departments"
	KindSubject    Kind = "subjects"
)

// Kinds lists every kind in the order the site's navigation shows them.
var Kinds = []Kind{KindCommitment, KindDisclosure, KindRecord, KindCase, KindPolicy, KindNews}

// KindLabels are the Chinese section names.
var KindLabels = map[Kind]string{
	KindCommitment: "承诺践诺",
	KindDisclosure: "双公示",
	KindPolicy:     "政策文件",
	KindCase:       "典型案例",
	KindNews:       "信用动态",
	KindRecord:     "政务失信记录",
	KindDepartment: "单位",
	KindSubject:    "信用主体",
}

// Label returns the Chinese name of k.
func (k Kind) Label() string { return KindLabels[k] }

// Source is where a record came from, so every diagnostic and every page can
// point back at the file (and line) a user must edit.
type Source struct {
	File  string // path relative to the site root, slash-separated
	Sheet string // the workbook sheet of a data row (.xlsx), or ""
	Line  int    // 1-based line of the record (front matter start, CSV row, sheet row)
}

// Common holds the fields every content page shares.
type Common struct {
	ID      string    // from the file name (without .md) or the data row; unique per kind
	Title   string    // required
	Date    time.Time // required for every kind; the date it was promised/decided/published
	Summary string    // optional; when empty the renderer derives one from Body (by characters)
	Tags    []string
	Draft   bool   // drafts are never published
	Example bool   // shipped illustrative content; pages show a 示例 badge
	Body    string // Markdown after the front matter
	Source  Source

	// Hugo's own keys, so a Hugo site's content moves in unchanged.
	PublishDate time.Time // publishDate: not published before this day
	ExpiryDate  time.Time // expiryDate: not published after this day
	Lastmod     time.Time // lastmod: when the page last changed (feeds' updated date)
	Weight      int       // weight: kept for themes; lists are ordered by date
	Aliases     []string  // aliases: old addresses (site paths) that redirect to the page
	Description string    // description: the page's meta description

	// Unlisted is derived (Site.Derive): why the page is not published as of
	// the build date (未到发布日期 before its publishDate, 已过期 after its
	// expiryDate), empty when it is.
	Unlisted string
}

// Department is one body from data/departments.toml.
type Department struct {
	ID      string   // short ASCII id used in URLs, e.g. "fgw"
	Name    string   // full legal name, e.g. 临沂市发展和改革委员会
	Short   string   // the short name documents use, e.g. 市发展改革委
	Aliases []string // other names seen in documents, e.g. 市发改委
	Level   string   // 市 | 县区
	Parent  string   // id of the parent body, optional
	Type    string   // type of body, see DepartmentTypes
	URL     string   // the body's own website, optional
	Source  Source
}

// DepartmentLevels and DepartmentTypes are the allowed values.
var (
	DepartmentLevels = []string{"市", "县区"}
	DepartmentTypes  = []string{"党委机构", "政府工作部门", "政府直属机构", "事业单位", "审判机关", "检察机关", "纪检监察机关", "人民团体", "县区政府", "其他"}
)

// Status of a commitment.
type Status string

const (
	StatusPending    Status = "pending"     // 未启动
	StatusInProgress Status = "in_progress" // 推进中
	StatusFulfilled  Status = "fulfilled"   // 已兑现
	StatusPartial    Status = "partial"     // 部分兑现
	StatusBroken     Status = "broken"      // 未兑现
	StatusWithdrawn  Status = "withdrawn"   // 依法变更/撤回
	// StatusOverdue is never written by hand: it is derived (see
	// Commitment.Derive) and names the /commitments/status/overdue/ list,
	// which holds late commitments of every official status (see Standing).
	StatusOverdue Status = "overdue"
)

// Statuses lists the statuses a content file may use, in display order.
var Statuses = []Status{StatusPending, StatusInProgress, StatusFulfilled, StatusPartial, StatusBroken, StatusWithdrawn}

// StatusLabels are the Chinese names shown on badges.
var StatusLabels = map[Status]string{
	StatusPending:    "未启动",
	StatusInProgress: "推进中",
	StatusFulfilled:  "已兑现",
	StatusPartial:    "部分兑现",
	StatusBroken:     "未兑现",
	StatusWithdrawn:  "依法变更/撤回",
	StatusOverdue:    "已逾期",
}

// Label returns the Chinese name of s.
func (s Status) Label() string { return StatusLabels[s] }

// CommitmentCategories are the allowed commitment categories.
var CommitmentCategories = []string{"服务承诺", "招商引资", "政策兑现", "政府采购", "招标投标", "债务融资", "其他"}

// Progress is one dated entry of a commitment's append-only log.
type Progress struct {
	Date     time.Time
	Status   Status
	Note     string
	Evidence string // a link (http/https) or a document number (文号) backing the entry
	Line     int    // line of the [[progress]] table in the source file
}

// Commitment (承诺) is a promise a department made in public.
type Commitment struct {
	Common
	Department string   // lead body (牵头), resolved registry id
	Partners   []string // cooperating bodies (配合), resolved registry ids
	// PartnersNote keeps a phrase such as 市直有关部门单位配合 that names no
	// single registry body, so the page says exactly what the document says.
	PartnersNote string
	Category     string    // one of CommitmentCategories
	Deadline     time.Time // zero when the commitment is ongoing
	Status       Status
	SourceDoc    string // the document it comes from (front matter key "source")
	Measure      int    // number of the measure in the founding document, optional
	Progress     []Progress

	// Derived by Derive; never read from content.
	Derived CommitmentState
}

// CommitmentState is what the build date says about a commitment.
type CommitmentState struct {
	Overdue     bool // deadline passed and not fulfilled or withdrawn
	VeryOverdue bool // overdue by more than the very-overdue window
	DueSoon     bool // deadline within the due-soon window, not yet kept
	DaysLeft    int  // days until the deadline (>0), 0 on the day; meaningful only with a deadline
	DaysLate    int  // days past the deadline when overdue
	// OverdueSince is the deadline's date when the commitment is overdue.
	OverdueSince time.Time
}

// Closed reports whether the commitment needs no more action.
func (c *Commitment) Closed() bool {
	return c.Status == StatusFulfilled || c.Status == StatusWithdrawn
}

// Derive computes the commitment's state as of now (a date in the site's
// zone). dueSoonDays and veryOverdueDays are the configured windows.
func (c *Commitment) Derive(now time.Time, dueSoonDays, veryOverdueDays int) {
	c.Derived = CommitmentState{}
	if c.Deadline.IsZero() {
		return
	}
	days := DaysBetween(now, c.Deadline)
	if c.Closed() {
		return
	}
	switch {
	case days < 0:
		c.Derived.Overdue = true
		c.Derived.DaysLate = -days
		c.Derived.VeryOverdue = -days > veryOverdueDays
		c.Derived.OverdueSince = c.Deadline
	default:
		c.Derived.DaysLeft = days
		c.Derived.DueSoon = days <= dueSoonDays
	}
}

// Standing is how a commitment stands as of the build date: its official
// status, always, and its lateness beside it, never instead of it. Every
// page, list, count, chart, feed and open-data row reads a commitment
// through Standing, so they cannot disagree: a commitment officially
// 未兑现 and 428 days past its deadline is counted under 未兑现 and under
// 已逾期, and shown as "未兑现 · 逾期 428 天".
type Standing struct {
	Status      Status // the official (written) status
	Overdue     bool   // past its deadline and not fulfilled or withdrawn
	VeryOverdue bool   // overdue by more than the very-overdue window
	DaysLate    int    // days past the deadline when overdue
	DueSoon     bool   // deadline within the due-soon window, not yet kept
	DaysLeft    int    // days until the deadline when DueSoon (0 = today)
}

// Standing returns the commitment's standing as derived for the build date.
func (c *Commitment) Standing() Standing {
	d := c.Derived
	return Standing{Status: c.Status, Overdue: d.Overdue, VeryOverdue: d.VeryOverdue, DaysLate: d.DaysLate, DueSoon: d.DueSoon, DaysLeft: d.DaysLeft}
}

// StatusLabel is the official status's name (未兑现).
func (s Standing) StatusLabel() string { return s.Status.Label() }

// Lateness is what the deadline says beside the status: 逾期 428 天,
// 严重逾期 428 天, 今日到期, 剩余 12 天, or "" when there is nothing to say.
func (s Standing) Lateness() string {
	switch {
	case s.VeryOverdue:
		return "严重逾期 " + strconv.Itoa(s.DaysLate) + " 天"
	case s.Overdue:
		return "逾期 " + strconv.Itoa(s.DaysLate) + " 天"
	case s.DueSoon && s.DaysLeft == 0:
		return "今日到期"
	case s.DueSoon:
		return "剩余 " + strconv.Itoa(s.DaysLeft) + " 天"
	}
	return ""
}

// Label is the status with its lateness: 未兑现 · 逾期 428 天.
func (s Standing) Label() string {
	if l := s.Lateness(); l != "" {
		return s.StatusLabel() + " · " + l
	}
	return s.StatusLabel()
}

// Lists are the status lists the commitment is counted in: its official
// status, and StatusOverdue as well when it is late. The counts of the
// official statuses add up to the number of commitments; 已逾期 is a count
// of its own across them.
func (s Standing) Lists() []Status {
	if s.Overdue {
		return []Status{s.Status, StatusOverdue}
	}
	return []Status{s.Status}
}

// ListedStatuses are the status lists in display order: every official
// status, then 已逾期 (which cuts across them).
func ListedStatuses() []Status {
	return append(append([]Status{}, Statuses...), StatusOverdue)
}

// DaysBetween returns the whole calendar days from a to b (b-a), comparing
// dates only, so daylight saving and times of day never shift the count.
func DaysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// DisclosureCategories are the allowed disclosure categories (双公示 and the
// other administrative acts measure 2 asks to publish).
var DisclosureCategories = []string{"行政许可", "行政处罚", "行政强制", "行政征收", "行政检查", "行政确认", "行政奖励", "其他"}

// Disclosure (公示) is one administrative licence, penalty or other act,
// following the national 双公示 data standard (行政许可信息 and 行政处罚信息
// 数据标准; docs/CONTENT.md maps every column).
//
// Personal data never reaches this type: a natural person's or a sole
// trader's 证件号码 and a legal representative's ID number are dropped by
// the readers, and names of natural persons arrive already shown as the
// site's rule says (masked by default), so every output built from a
// Disclosure is safe to publish.
type Disclosure struct {
	Common
	SubjectName    string    // 行政相对人名称, required (a natural person's name as the name rule shows it)
	CreditCode     string    // 统一社会信用代码 (行政相对人代码_1), optional (natural persons have none)
	DocNumber      string    // 决定文书号 / 行政许可决定文书号 / 行政处罚决定书文号, required
	Category       string    // 类别: 行政许可, 行政处罚 … (an open vocabulary, see VocabularyConfig)
	Content        string    // 处罚内容 / 许可内容
	ValidUntil     time.Time // 有效期至, optional
	PublicityUntil time.Time // 公示截止期, optional (derived by the publicity rules when absent); past it the record is not published
	Published      time.Time // 公示日期 (day it went online), optional; else the publication log's date
	Department     string    // 决定机关 (许可机关 / 处罚机关), resolved registry id
	LegalBasis     string    // 依据 (许可依据 / 处罚依据)
	Fine           float64   // 罚款金额 in 元, optional (FineAmount keeps the unit written)
	Withdrawn      bool      // withdrawn after 信用修复 or correction
	WithdrawnNote  string    // why, shown on the stop-notice page

	// The other fields of the national standard, each optional.
	SubjectType        string    // 行政相对人类别: one of SubjectTypes
	RegistrationNumber string    // 行政相对人代码_2 工商注册号
	OrgCode            string    // 行政相对人代码_3 组织机构代码
	TaxNumber          string    // 行政相对人代码_4 税务登记号
	InstitutionCode    string    // 行政相对人代码_5 事业单位证书号
	SocialOrgCode      string    // 行政相对人代码_6 社会组织登记证号
	LegalRep           string    // 法定代表人 (a sole trader's operator is shown as the name rule says)
	DocName            string    // 行政许可决定文书名称
	LicenceKind        string    // 许可类别: 普通 | 特许 | 认可 | 核准 | 登记 | 其他
	LicenceName        string    // 许可证书名称
	LicenceNumber      string    // 许可编号
	ValidFrom          time.Time // 有效期自
	ViolationType      string    // 违法行为类型
	ViolationFacts     string    // 违法事实
	PenaltyKind        string    // 处罚类别 (several joined by ；)
	FineAmount         Amount    // 罚款金额 with the unit the source used (罚款金额（万元）)
	Confiscated        Amount    // 没收违法所得、没收非法财物的金额
	SuspendedLicence   string    // 暂扣或吊销证照名称及编号
	PenaltyUntil       time.Time // 处罚有效期
	DepartmentCode     string    // 许可机关 / 处罚机关统一社会信用代码
	Status             string    // 当前状态: 有效 | 无效 (the standard's codes 1 and 2 are read as these)
	DataSource         string    // 数据来源单位
	DataSourceCode     string    // 数据来源单位统一社会信用代码
	Remarks            string    // 备注
	Severity           string    // 失信严重程度 of a penalty: one of Severities, written or derived (see PublicityBasis)

	// PublicityBasis says how PublicityUntil was derived when the source
	// gave no 公示截止期 (empty when it did): the rule, its legal basis and
	// how the severity was judged. Pages show it beside the date.
	PublicityBasis string
	// Withheld says a publicity rule keeps the record off the site
	// (不予公示, e.g. 轻微失信信息 by default).
	Withheld bool

	// Derived by the build.
	Unpublished       bool   // past its publicity period, withdrawn, or withheld by a rule
	UnpublishedReason string // 公示期满 | 信用修复 | 不予公示 … (no record content)
}

// Subject types (行政相对人类别) of the national standard.
const (
	SubjectOrganization = "法人及非法人组织"
	SubjectPerson       = "自然人"
	SubjectSoleTrader   = "个体工商户"
)

// SubjectTypes lists the 行政相对人类别 values in the standard's order.
var SubjectTypes = []string{SubjectOrganization, SubjectPerson, SubjectSoleTrader}

// IsPerson reports whether the subject is a natural person or a sole trader,
// whose names and ID numbers are personal data.
func (d *Disclosure) IsPerson() bool {
	return d.SubjectType == SubjectPerson || d.SubjectType == SubjectSoleTrader
}

// Severities are the 失信严重程度 classes of 《信用修复管理办法》
// (国家发展改革委令2025年第36号), which set a penalty's publicity period.
var Severities = []string{"轻微", "一般", "严重"}

// CaseTypes are the allowed typical-case types.
var CaseTypes = []string{"守信激励", "失信惩戒", "信用修复", "政务失信治理", "承诺践诺"}

// Case (典型案例) is a published typical case.
type Case struct {
	Common
	CaseType    string   // one of CaseTypes
	Departments []string // resolved registry ids, optional
	SourceDoc   string   // where it was first published, optional
}

// News (信用动态) is an integrity news item.
type News struct {
	Common
	Departments []string // resolved registry ids, optional
	SourceName  string   // 来源, e.g. 临沂日报; ContentSource meta tag
	SourceURL   string   // optional link to the original
}

// PolicyValidities are the allowed values of a policy's 有效性.
var PolicyValidities = []string{"有效", "废止", "失效", "修订"}

// Policy (政策文件) carries the 政府信息公开 metadata block.
type Policy struct {
	Common                 // Date is the 发布日期
	IndexNumber  string    // 索引号
	Publisher    string    // 发布机构 (free text; several bodies may co-issue)
	Departments  []string  // resolved registry ids of the issuing bodies, optional
	WrittenDate  time.Time // 成文日期
	DocNumber    string    // 文号
	Topic        string    // 主题分类
	Validity     string    // 有效性, one of PolicyValidities; default 有效
	ValidityNote string    // e.g. 被某文件废止, shown in the banner
}

// RecordTypes are the allowed dishonesty record types.
var RecordTypes = []string{"违约毁约", "拖欠账款", "政策不兑现", "败诉未履行", "失信被执行", "新官不理旧账", "其他"}

// RecordStatuses are the allowed states of a dishonesty record.
var RecordStatuses = []string{"整改中", "已整改", "已修复", "异议处理中"}

// Record (政务失信记录) is a government body's dishonesty record (measure 11).
type Record struct {
	Common                   // Date is the 认定日期
	Department     string    // the body concerned, resolved registry id, required
	RecordType     string    // one of RecordTypes
	Basis          string    // 认定依据 (judgment, decision)
	DocNumber      string    // 文书号, optional
	Status         string    // one of RecordStatuses
	RectifiedDate  time.Time // 整改完成日期, optional
	PublicityUntil time.Time // optional; past it the record is not published
	Withdrawn      bool      // withdrawn after objection or 信用修复
	WithdrawnNote  string

	Unpublished       bool
	UnpublishedReason string
}

// Section is a section's _index.md: the introduction above its list.
type Section struct {
	Kind   Kind
	Title  string
	Body   string
	Source Source
}

// Site is everything loaded from a site folder, validated and resolved.
type Site struct {
	Config      Config
	Departments []*Department // registry order
	Commitments []*Commitment
	Disclosures []*Disclosure
	Policies    []*Policy
	Cases       []*Case
	News        []*News
	Records     []*Record
	Sections    map[Kind]*Section
	// Log is what the publication log says (set by the log stage; nil when
	// the site keeps no log).
	Log *PublicationLog
}

// DropBodies empties every record's Markdown source (Body), for a build
// that has written its pages and needs the memory for what follows (the
// generator's Options.Once): nothing is rendered from the site afterwards.
func (s *Site) DropBodies() {
	for _, c := range s.Commons() {
		c.Body = ""
	}
}

// DepartmentByID returns the department with id, or nil.
func (s *Site) DepartmentByID(id string) *Department {
	for _, d := range s.Departments {
		if d.ID == id {
			return d
		}
	}
	return nil
}
