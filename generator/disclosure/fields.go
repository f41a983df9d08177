// Package disclosure knows the national 双公示 data standard (行政许可信息
// and 行政处罚信息 数据标准, the columns 信用中国 and the city 信用平台 use):
// which column names mean which field, how amounts and subject types are
// written, which values are personal data, and how a record's publicity
// period is derived. Every reader of disclosure records (front matter,
// CSV, Excel, JSON) goes through it, so the rules hold for every input form.
//
// Contract: disclosure imports only the standard library, model and
// golang.org/x/text. It never sees a file: it maps names and values, and
// reports problems to a callback with the field's key so the caller can
// name the file, line and column.
package disclosure

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Field is one disclosure field.
type Field struct {
	Key   string // the English key (front matter, open data, JSON)
	Label string // the national column name, shown on pages
	// Names are the accepted names: Key first, then the national column
	// names and the variants offices' systems export. Headers are matched
	// after Normalize, so spaces, full-width brackets and letter case do
	// not matter.
	Names    []string
	Required bool // must be given in every source (category and title can be inferred)
	Private  bool // personal data: read, used to classify the subject, never kept
	Amount   bool // a sum of money (Amount)
	Date     bool // a calendar date
}

// Implied categories: a column only a licence or only a penalty has says
// which the record is, so the national files need no 类别 column.
const (
	Licence = "行政许可"
	Penalty = "行政处罚"
)

// Fields lists every field in the order of docs/CONTENT.md and the detail
// page.
var Fields = []Field{
	{Key: "id", Label: "编号", Names: []string{"id"}},
	{Key: "subject_name", Label: "行政相对人名称", Names: []string{"subject_name", "行政相对人名称"}, Required: true},
	{Key: "subject_type", Label: "行政相对人类别", Names: []string{"subject_type", "行政相对人类别"}},
	{Key: "credit_code", Label: "统一社会信用代码", Names: []string{"credit_code", "统一社会信用代码", "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_1", "行政相对人统一社会信用代码"}},
	{Key: "registration_number", Label: "工商注册号", Names: []string{"registration_number", "行政相对人代码_2（工商注册号）", "行政相对人代码_2", "工商注册号", "工商登记码", "工商登记号"}},
	{Key: "org_code", Label: "组织机构代码", Names: []string{"org_code", "行政相对人代码_3（组织机构代码）", "行政相对人代码_3", "组织机构代码"}},
	{Key: "tax_number", Label: "税务登记号", Names: []string{"tax_number", "行政相对人代码_4（税务登记号）", "行政相对人代码_4", "税务登记号"}},
	{Key: "institution_code", Label: "事业单位证书号", Names: []string{"institution_code", "行政相对人代码_5（事业单位证书号）", "行政相对人代码_5", "事业单位证书号"}},
	{Key: "social_org_code", Label: "社会组织登记证号", Names: []string{"social_org_code", "行政相对人代码_6（社会组织登记证号）", "行政相对人代码_6", "社会组织登记证号"}},
	{Key: "legal_rep", Label: "法定代表人", Names: []string{"legal_rep", "法定代表人", "法定代表人姓名", "负责人"}},
	{Key: "legal_rep_id_type", Label: "法定代表人证件类型", Names: []string{"legal_rep_id_type", "法定代表人证件类型"}, Private: true},
	{Key: "legal_rep_id_number", Label: "法定代表人证件号码", Names: []string{"legal_rep_id_number", "法定代表人证件号码", "法定代表人身份证号", "法定代表人身份证号码"}, Private: true},
	{Key: "id_type", Label: "证件类型", Names: []string{"id_type", "证件类型"}, Private: true},
	{Key: "id_number", Label: "证件号码", Names: []string{"id_number", "证件号码", "居民身份证号", "居民身份证号码", "身份证号", "身份证号码"}, Private: true},
	{Key: "doc_name", Label: "行政许可决定文书名称", Names: []string{"doc_name", "行政许可决定文书名称", "决定文书名称"}},
	{Key: "doc_number", Label: "决定文书号", Names: []string{"doc_number", "决定文书号", "行政许可决定文书号", "行政处罚决定书文号", "决定书文号", "文号"}, Required: true},
	{Key: "category", Label: "类别", Names: []string{"category", "类别"}, Required: true},
	{Key: "title", Label: "名称", Names: []string{"title", "名称", "项目名称", "处罚名称", "案件名称"}},
	{Key: "licence_kind", Label: "许可类别", Names: []string{"licence_kind", "许可类别"}},
	{Key: "licence_name", Label: "许可证书名称", Names: []string{"licence_name", "许可证书名称"}},
	{Key: "licence_number", Label: "许可编号", Names: []string{"licence_number", "许可编号", "许可证书编号"}},
	{Key: "content", Label: "内容", Names: []string{"content", "处罚内容", "许可内容", "内容"}},
	{Key: "violation_type", Label: "违法行为类型", Names: []string{"violation_type", "违法行为类型"}},
	{Key: "violation_facts", Label: "违法事实", Names: []string{"violation_facts", "违法事实", "处罚事由"}},
	{Key: "legal_basis", Label: "依据", Names: []string{"legal_basis", "依据", "处罚依据", "许可依据"}},
	{Key: "penalty_kind", Label: "处罚类别", Names: []string{"penalty_kind", "处罚类别"}},
	{Key: "fine", Label: "罚款金额", Names: []string{"fine", "罚款金额", "罚款金额（万元）", "罚款金额（元）"}, Amount: true},
	{Key: "confiscated", Label: "没收违法所得、没收非法财物的金额", Names: []string{"confiscated", "没收违法所得、没收非法财物的金额（万元）", "没收违法所得、没收非法财物的金额", "没收违法所得、没收非法财物的金额（元）", "没收违法所得没收非法财物的金额", "没收金额"}, Amount: true},
	{Key: "suspended_licence", Label: "暂扣或吊销证照名称及编号", Names: []string{"suspended_licence", "暂扣或吊销证照名称及编号"}},
	{Key: "date", Label: "决定日期", Names: []string{"date", "决定日期", "许可决定日期", "处罚决定日期"}, Required: true, Date: true},
	{Key: "valid_from", Label: "有效期自", Names: []string{"valid_from", "有效期自"}, Date: true},
	{Key: "valid_until", Label: "有效期至", Names: []string{"valid_until", "有效期至", "许可截止期"}, Date: true},
	{Key: "penalty_until", Label: "处罚有效期", Names: []string{"penalty_until", "处罚有效期"}, Date: true},
	{Key: "publicity_until", Label: "公示截止期", Names: []string{"publicity_until", "公示截止期"}, Date: true},
	{Key: "published", Label: "公示日期", Names: []string{"published", "公示日期", "上网公示日期"}, Date: true},
	{Key: "department", Label: "决定机关", Names: []string{"department", "决定机关", "许可机关", "处罚机关"}, Required: true},
	{Key: "department_code", Label: "决定机关统一社会信用代码", Names: []string{"department_code", "决定机关统一社会信用代码", "许可机关统一社会信用代码", "处罚机关统一社会信用代码"}},
	{Key: "status", Label: "当前状态", Names: []string{"status", "当前状态"}},
	{Key: "data_source", Label: "数据来源单位", Names: []string{"data_source", "数据来源单位"}},
	{Key: "data_source_code", Label: "数据来源单位统一社会信用代码", Names: []string{"data_source_code", "数据来源单位统一社会信用代码"}},
	{Key: "severity", Label: "失信严重程度", Names: []string{"severity", "失信严重程度"}},
	{Key: "remarks", Label: "备注", Names: []string{"remarks", "备注"}},
	{Key: "withdrawn", Label: "已撤销", Names: []string{"withdrawn", "已撤销"}},
	{Key: "withdrawn_note", Label: "撤销说明", Names: []string{"withdrawn_note", "撤销说明"}},
	{Key: "example", Label: "示例", Names: []string{"example", "示例"}},
}

// implies maps normalized names used only by one of the two national tables
// to the category they imply.
var implies = map[string]string{}

// byName maps every normalized accepted name to its field's index.
var byName = map[string]int{}

func init() {
	for i, f := range Fields {
		for _, n := range f.Names {
			byName[Normalize(n)] = i
		}
	}
	for _, n := range []string{"行政许可决定文书号", "行政许可决定文书名称", "许可类别", "许可证书名称", "许可编号", "许可证书编号",
		"许可内容", "许可决定日期", "许可机关", "许可机关统一社会信用代码", "许可依据", "许可截止期", "有效期自"} {
		implies[Normalize(n)] = Licence
	}
	for _, n := range []string{"行政处罚决定书文号", "违法行为类型", "违法事实", "处罚事由", "处罚依据", "处罚类别", "处罚内容", "处罚名称",
		"罚款金额", "罚款金额（万元）", "罚款金额（元）", "没收违法所得、没收非法财物的金额（万元）", "没收违法所得、没收非法财物的金额",
		"没收违法所得、没收非法财物的金额（元）", "没收违法所得没收非法财物的金额", "暂扣或吊销证照名称及编号", "处罚决定日期", "处罚有效期",
		"处罚机关", "处罚机关统一社会信用代码"} {
		implies[Normalize(n)] = Penalty
	}
}

// FieldByKey returns the field with key.
func FieldByKey(key string) (Field, bool) {
	for _, f := range Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// NamesOf returns the accepted names of key (key alone when unknown).
func NamesOf(key string) []string {
	if f, ok := FieldByKey(key); ok {
		return f.Names
	}
	return []string{key}
}

// Normalize folds a column name for matching: NFKC (full-width letters,
// digits and brackets become their ASCII forms), every space removed
// (including the ideographic space and zero-width marks), ASCII letters
// lower-cased, "-" read as "_", and a leading "*" (a template's required
// marker) or a trailing colon dropped.
func Normalize(name string) string {
	s := norm.NFKC.String(name)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff':
			continue
		case r == '-':
			r = '_'
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	s = strings.TrimLeft(b.String(), "*")
	return strings.TrimRight(s, ":")
}

// Match is what a column name says.
type Match struct {
	Field    Field
	Unit     string // the amount unit the name carries: 元, 万元, or "" (元 by default)
	Implies  string // the category the name implies (Licence, Penalty), or ""
	Original string // the name as written
}

// Lookup finds the field a column or key name means. A name with a
// parenthesised part is also tried by that part, then by what comes before
// it, so "行政相对人代码_1（统一社会信用代码）", "行政相对人代码_5(居民身份证号)"
// (the 2016 standard's fifth code) and "罚款金额（万元）" all resolve.
func Lookup(name string) (Match, bool) {
	n := Normalize(name)
	if n == "" {
		return Match{}, false
	}
	m := Match{Original: name, Implies: implies[n], Unit: unitOf(n)}
	if i, ok := byName[n]; ok {
		m.Field = Fields[i]
		return m, true
	}
	open := strings.LastIndexByte(n, '(')
	if open <= 0 || !strings.HasSuffix(n, ")") {
		return Match{}, false
	}
	inner, outer := n[open+1:len(n)-1], n[:open]
	if m.Implies == "" {
		m.Implies = implies[outer]
	}
	if i, ok := byName[inner]; ok {
		m.Field = Fields[i]
		return m, true
	}
	if i, ok := byName[outer]; ok {
		m.Field = Fields[i]
		return m, true
	}
	return Match{}, false
}

func unitOf(n string) string {
	switch {
	case strings.HasSuffix(n, "(万元)"):
		return "万元"
	case strings.HasSuffix(n, "(元)"):
		return "元"
	}
	return ""
}

// AllowedNames lists the accepted names of every field for messages:
// "subject_name/行政相对人名称, …", each field's key and its first national
// name only, so the list stays readable.
func AllowedNames() string {
	parts := make([]string, 0, len(Fields))
	for _, f := range Fields {
		if len(f.Names) > 1 {
			parts = append(parts, f.Names[0]+"/"+f.Names[1])
		} else {
			parts = append(parts, f.Names[0])
		}
	}
	return strings.Join(parts, ", ")
}

// AllNames returns every accepted name, for typo suggestions.
func AllNames() []string {
	var out []string
	for _, f := range Fields {
		out = append(out, f.Names...)
	}
	return out
}
