package ledger

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"portal/generator/model"
)

// FieldType says how a field's canonical value is written, compared, shown
// and stored in an entry.
type FieldType int

const (
	// Text is free text, possibly several paragraphs (one per line); a change
	// is stored and shown as character edits.
	Text FieldType = iota
	// Date is YYYY-MM-DD, shown as 2025年6月30日.
	Date
	// Enum is one of a fixed set of words, shown as written (类别, 失信类型 …).
	Enum
	// Status is a commitment status id (in_progress …), shown by its label.
	Status
	// Ref is a department registry id, shown by the department's name.
	Ref
	// Refs is a list of department ids, one a line, shown joined by 、.
	Refs
	// Tags is a set of tags, sorted, one a line.
	Tags
	// Progress is a commitment's progress log, one entry a line: date, status,
	// note and evidence separated by tabs. A change is stored as character
	// edits and shown line by line.
	Progress
	// Number is a decimal number written without exponent or trailing zeros.
	Number
	// Measure is the number of a measure in the founding document (第N条).
	Measure
	// Bool is "true" or empty.
	Bool
)

// Field describes one published field of a kind.
type Field struct {
	Name  string    // canonical name: the front-matter key
	Label string    // the Chinese name the page uses
	Type  FieldType //
	// Page means the record page shows the field, marked with
	// data-ledger="Name", and verify checks what it shows.
	Page bool
	// Empty is what the page shows for an empty value ("" = nothing).
	Empty string
	// Unit follows the value on the page (元).
	Unit string
	// Content marks the fields whose change, for disclosures and records,
	// is a change of the published content (a material change before the
	// 公示截止期).
	Content bool
}

// edited reports whether changes of the field are stored as edits.
func (f Field) edited() bool { return f.Type == Text || f.Type == Progress }

var (
	fTitle    = Field{Name: "title", Label: "标题", Type: Text, Page: true, Content: true}
	fSummary  = Field{Name: "summary", Label: "摘要", Type: Text} // introduces the record in lists: not its content
	fBody     = Field{Name: "body", Label: "正文", Type: Text, Page: true, Content: true}
	fTags     = Field{Name: "tags", Label: "标签", Type: Tags, Page: true}
	fExample  = Field{Name: "example", Label: "示例", Type: Bool}
	fDeptRef  = Field{Name: "department", Type: Ref, Page: true, Content: true}
	fDeptRefs = Field{Name: "departments", Label: "相关单位", Type: Refs, Page: true, Content: true}
)

func with(f Field, label string) Field { f.Label = label; return f }

// disc is a 双公示 text field of the national standard: shown on the page,
// part of the published content.
func disc(name, label string) Field {
	return Field{Name: name, Label: label, Type: Text, Page: true, Content: true}
}

// schemas lists each kind's fields in canonical order.
var schemas = map[model.Kind][]Field{
	model.KindCommitment: {
		with(fTitle, "承诺事项"),
		{Name: "date", Label: "承诺日期", Type: Date, Page: true},
		with(fDeptRef, "牵头单位"),
		{Name: "partners", Label: "配合单位", Type: Refs, Page: true},
		{Name: "partners_note", Label: "配合单位说明", Type: Text, Page: true},
		{Name: "category", Label: "类别", Type: Enum, Page: true},
		{Name: "deadline", Label: "完成时限", Type: Date, Page: true, Empty: "长期坚持"},
		{Name: "status", Label: "状态", Type: Status, Page: true},
		{Name: "source", Label: "来源文件", Type: Text, Page: true},
		{Name: "measure", Label: "对应措施", Type: Measure, Page: true},
		fSummary,
		with(fBody, "承诺内容"),
		{Name: "progress", Label: "推进情况", Type: Progress, Page: true},
		fTags, fExample,
	},
	model.KindDisclosure: {
		with(fTitle, "名称"),
		disc("subject_name", "行政相对人名称"),
		disc("subject_type", "行政相对人类别"),
		disc("credit_code", "统一社会信用代码"),
		disc("registration_number", "工商注册号"),
		disc("org_code", "组织机构代码"),
		disc("tax_number", "税务登记号"),
		disc("institution_code", "事业单位证书号"),
		disc("social_org_code", "社会组织登记证号"),
		disc("legal_rep", "法定代表人"),
		disc("doc_name", "行政许可决定文书名称"),
		disc("doc_number", "决定文书号"),
		{Name: "category", Label: "类别", Type: Enum, Page: true, Content: true},
		disc("licence_kind", "许可类别"),
		disc("licence_name", "许可证书名称"),
		disc("licence_number", "许可编号"),
		disc("content", "内容"),
		disc("violation_type", "违法行为类型"),
		disc("violation_facts", "违法事实"),
		disc("legal_basis", "依据"),
		disc("penalty_kind", "处罚类别"),
		disc("fine", "罚款金额"),
		disc("confiscated", "没收违法所得、没收非法财物的金额"),
		disc("suspended_licence", "暂扣或吊销证照名称及编号"),
		{Name: "date", Label: "决定日期", Type: Date, Page: true, Content: true},
		{Name: "valid_from", Label: "有效期自", Type: Date, Page: true, Content: true},
		{Name: "valid_until", Label: "有效期至", Type: Date, Page: true, Content: true},
		{Name: "penalty_until", Label: "处罚有效期", Type: Date, Page: true, Content: true},
		{Name: "published", Label: "公示日期", Type: Date, Page: true, Content: true},
		{Name: "publicity_until", Label: "公示截止期", Type: Date, Page: true, Empty: "长期公示"},
		with(fDeptRef, "决定机关"),
		disc("department_code", "决定机关统一社会信用代码"),
		{Name: "status", Label: "当前状态", Type: Enum, Page: true},
		disc("data_source", "数据来源单位"),
		disc("data_source_code", "数据来源单位统一社会信用代码"),
		disc("severity", "失信严重程度"),
		disc("remarks", "备注"),
		{Name: "withdrawn", Label: "已撤销", Type: Bool},
		{Name: "withdrawn_note", Label: "撤销说明", Type: Text},
		fSummary, fBody, fTags, fExample,
	},
	model.KindRecord: {
		fTitle,
		with(fDeptRef, "失信主体"),
		{Name: "record_type", Label: "失信类型", Type: Enum, Page: true, Content: true},
		{Name: "basis", Label: "认定依据", Type: Text, Page: true, Content: true},
		{Name: "doc_number", Label: "文书号", Type: Text, Page: true, Content: true},
		{Name: "date", Label: "认定日期", Type: Date, Page: true, Content: true},
		{Name: "status", Label: "整改状态", Type: Enum, Page: true},
		{Name: "rectified_date", Label: "整改完成日期", Type: Date, Page: true},
		{Name: "publicity_until", Label: "公示截止期", Type: Date, Page: true},
		{Name: "withdrawn", Label: "已撤销", Type: Bool},
		{Name: "withdrawn_note", Label: "撤销说明", Type: Text},
		fSummary, fBody, fTags, fExample,
	},
	model.KindPolicy: {
		fTitle,
		{Name: "index_number", Label: "索引号", Type: Text, Page: true},
		{Name: "publisher", Label: "发布机构", Type: Text, Page: true},
		{Name: "departments", Label: "发布单位", Type: Refs},
		{Name: "written_date", Label: "成文日期", Type: Date, Page: true},
		{Name: "doc_number", Label: "文号", Type: Text, Page: true},
		{Name: "date", Label: "发布日期", Type: Date, Page: true},
		{Name: "topic", Label: "主题分类", Type: Enum, Page: true},
		{Name: "validity", Label: "有效性", Type: Enum, Page: true},
		{Name: "validity_note", Label: "有效性说明", Type: Text},
		fSummary, fBody, fTags, fExample,
	},
	model.KindCase: {
		fTitle,
		{Name: "date", Label: "日期", Type: Date, Page: true},
		{Name: "case_type", Label: "案例类型", Type: Enum, Page: true},
		{Name: "source", Label: "来源", Type: Text, Page: true},
		fDeptRefs, fSummary, fBody, fTags, fExample,
	},
	model.KindNews: {
		fTitle,
		{Name: "date", Label: "日期", Type: Date, Page: true},
		{Name: "source_name", Label: "来源", Type: Text, Page: true},
		{Name: "source_url", Label: "原文链接", Type: Text},
		fDeptRefs, fSummary, fBody, fTags, fExample,
	},
}

// fieldIndex finds a field of a kind by name.
var fieldIndex = func() map[model.Kind]map[string]int {
	m := map[model.Kind]map[string]int{}
	for k, fs := range schemas {
		m[k] = map[string]int{}
		for i, f := range fs {
			m[k][f.Name] = i
		}
	}
	return m
}()

// Schema returns the published fields of kind in canonical order, or nil for
// a kind the log does not know.
func Schema(kind model.Kind) []Field { return schemas[kind] }

// FieldOf returns the field of kind named name.
func FieldOf(kind model.Kind, name string) (Field, bool) {
	i, ok := fieldIndex[kind][name]
	if !ok {
		return Field{}, false
	}
	return schemas[kind][i], true
}

// Names resolves department ids to the names pages show. Verify uses it to
// check what a page says; nil skips that check (the id is still checked).
type Names func(id string) string

// Display returns what a page shows for value of f: the text a reader sees,
// whitespace aside. List fields give one line per item.
func Display(f Field, value string, names Names) string {
	if value == "" {
		return f.Empty
	}
	var s string
	switch f.Type {
	case Date:
		s = ChineseDate(value)
	case Status:
		if l := model.Status(value).Label(); l != "" {
			s = l
		} else {
			s = value
		}
	case Ref:
		s = refName(value, names)
	case Refs:
		ids := strings.Split(value, "\n")
		for i, id := range ids {
			ids[i] = refName(id, names)
		}
		s = strings.Join(ids, "、")
	case Progress:
		lines := strings.Split(value, "\n")
		for i, l := range lines {
			lines[i] = ProgressLine(l)
		}
		s = strings.Join(lines, "\n")
	case Measure:
		s = "第" + value + "条"
	case Bool:
		s = "是"
	default:
		s = value
	}
	if f.Unit != "" {
		s += " " + f.Unit
	}
	return s
}

func refName(id string, names Names) string {
	if names != nil {
		if n := names(id); n != "" {
			return n
		}
	}
	return id
}

// ChineseDate writes YYYY-MM-DD as 2025年6月30日 (the value itself when it is
// not a date).
func ChineseDate(iso string) string {
	return string(appendChineseDate(nil, iso))
}

// appendChineseDate appends ChineseDate(iso) to b. Verify writes every
// progress line of every version so: a date written as the log writes it
// is read without time.Parse.
func appendChineseDate(b []byte, iso string) []byte {
	y, m, d, ok := isoDate(iso)
	if !ok {
		t, err := time.Parse(time.DateOnly, iso)
		if err != nil {
			return append(b, iso...)
		}
		y, m, d = t.Year(), int(t.Month()), t.Day()
	}
	b = strconv.AppendInt(b, int64(y), 10)
	b = append(b, "年"...)
	b = strconv.AppendInt(b, int64(m), 10)
	b = append(b, "月"...)
	b = strconv.AppendInt(b, int64(d), 10)
	return append(b, "日"...)
}

// isoDate reads YYYY-MM-DD naming a real day (ok false for anything else,
// which time.Parse then decides).
func isoDate(s string) (y, m, d int, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, 0, 0, false
	}
	num := func(t string) (int, bool) {
		n := 0
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return 0, false
			}
			n = n*10 + int(t[i]-'0')
		}
		return n, true
	}
	var oy, om, od bool
	y, oy = num(s[:4])
	m, om = num(s[5:7])
	d, od = num(s[8:])
	if !oy || !om || !od || m < 1 || m > 12 || d < 1 || d > 28 && d > time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// ProgressItem is one progress entry of a canonical progress line.
type ProgressItem struct {
	Date, Status, Note, Evidence string
}

// ParseProgressLine splits a canonical progress line.
func ParseProgressLine(line string) ProgressItem {
	parts := strings.SplitN(line, "\t", 4)
	for len(parts) < 4 {
		parts = append(parts, "")
	}
	return ProgressItem{Date: parts[0], Status: parts[1], Note: parts[2], Evidence: parts[3]}
}

// ProgressLine is what a page shows for one canonical progress line:
// 2025年1月15日 推进中 已完成系统改造 佐证：临政办字〔2025〕12号.
func ProgressLine(line string) string {
	p := ParseProgressLine(line)
	b := make([]byte, 0, len(line)+32)
	b = appendChineseDate(b, p.Date)
	if l := model.Status(p.Status).Label(); l != "" {
		b = append(append(b, ' '), l...)
	} else if p.Status != "" {
		b = append(append(b, ' '), p.Status...)
	}
	if p.Note != "" {
		b = append(append(b, ' '), p.Note...)
	}
	if p.Evidence != "" {
		b = append(append(b, " 佐证："...), p.Evidence...)
	}
	return unsafeString(b) // b is not used again
}

// PagePath is a record's page, e.g. /commitments/e01/ (each segment
// percent-encoded once, as the site writes it).
func PagePath(kind model.Kind, id string) string {
	return "/" + url.PathEscape(string(kind)) + "/" + url.PathEscape(id) + "/"
}

// VersionPath is the permanent page of version v of a record, e.g.
// /commitments/e01/v2/.
func VersionPath(kind model.Kind, id string, v int) string {
	return PagePath(kind, id) + "v" + strconv.Itoa(v) + "/"
}

// The states a record page declares in its ledger block
// (data-ledger-state), which verify checks against the log.
const (
	StateCurrent      = "current"      // the record's latest version
	StateOld          = "old"          // an old version's permanent page
	StateUnpublished  = "unpublished"  // a stop notice (公示期满, 已撤销): no content
	StateRemoved      = "removed"      // the record was removed: its history, no content
	StateUnregistered = "unregistered" // built from content the log does not have
)
