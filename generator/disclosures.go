package generator

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"portal/generator/disclosure"
	"portal/generator/model"
	"portal/generator/theme"
)

// Disclosure pages: list rows that name the subject, its credit code and
// the 文号; filters by deciding body and year beside the category; a table
// view of every list; detail pages with every national field that has a
// value.

// tableEvery is how many list pages' worth of rows a table page holds: a
// table is for scanning, so it shows more at once.
const tableEvery = 5

// disclosureItem fills a list row's disclosure fields.
func disclosureItem(d *model.Disclosure, v *Item) {
	v.Subject, v.CreditCode, v.DocNumber = d.SubjectName, d.CreditCode, d.DocNumber
}

// docNumberLabel is the national name of the 文号 for the record's table.
func docNumberLabel(category string) string {
	switch category {
	case "行政许可":
		return "行政许可决定文书号"
	case "行政处罚":
		return "行政处罚决定书文号"
	}
	return "决定文书号"
}

// disclosureFields lists every field of the record that has a value, under
// the national standard's names, in the standard's order.
func (ix *index) disclosureFields(d *model.Disclosure, subjectURL, categoryURL string) []FieldRow {
	licence, penalty := d.Category == "行政许可", d.Category == "行政处罚"
	pick := func(l, p, other string) string {
		switch {
		case licence:
			return l
		case penalty:
			return p
		}
		return other
	}
	var rows []FieldRow
	// Each row names its field in the publication log (data-ledger), so
	// portal verify can check what the page shows.
	text := func(label, name, value string) {
		if value != "" {
			rows = append(rows, FieldRow{Name: name, Label: label, Value: value})
		}
	}
	date := func(label, name string, t time.Time) {
		if !t.IsZero() {
			rows = append(rows, FieldRow{Name: name, Label: label, Date: t})
		}
	}
	rows = append(rows, FieldRow{Name: "category", Label: "类别", Value: d.Category, URL: categoryURL})
	rows = append(rows, FieldRow{Name: "subject_name", Label: "行政相对人名称", Value: d.SubjectName, URL: subjectURL})
	text("行政相对人类别", "subject_type", d.SubjectType)
	text("统一社会信用代码", "credit_code", d.CreditCode)
	text("工商注册号", "registration_number", d.RegistrationNumber)
	text("组织机构代码", "org_code", d.OrgCode)
	text("税务登记号", "tax_number", d.TaxNumber)
	text("事业单位证书号", "institution_code", d.InstitutionCode)
	text("社会组织登记证号", "social_org_code", d.SocialOrgCode)
	text("法定代表人", "legal_rep", d.LegalRep)
	text("行政许可决定文书名称", "doc_name", d.DocName)
	text(docNumberLabel(d.Category), "doc_number", d.DocNumber)
	text("许可类别", "licence_kind", d.LicenceKind)
	text("许可证书名称", "licence_name", d.LicenceName)
	text("许可编号", "licence_number", d.LicenceNumber)
	text("违法行为类型", "violation_type", d.ViolationType)
	text("违法事实", "violation_facts", d.ViolationFacts)
	text(pick("许可依据", "处罚依据", "依据"), "legal_basis", d.LegalBasis)
	text("处罚类别", "penalty_kind", d.PenaltyKind)
	text(pick("许可内容", "处罚内容", "内容"), "content", d.Content)
	text("罚款金额", "fine", d.FineAmount.String())
	text("没收违法所得、没收非法财物的金额", "confiscated", d.Confiscated.String())
	text("暂扣或吊销证照名称及编号", "suspended_licence", d.SuspendedLicence)
	date(pick("许可决定日期", "处罚决定日期", "决定日期"), "date", d.Date)
	date("有效期自", "valid_from", d.ValidFrom)
	date("有效期至", "valid_until", d.ValidUntil)
	date("处罚有效期", "penalty_until", d.PenaltyUntil)
	date("公示日期", "published", d.Published)
	if !d.PublicityUntil.IsZero() {
		rows = append(rows, FieldRow{Name: "publicity_until", Label: "公示截止期", Date: d.PublicityUntil, Note: d.PublicityBasis})
	} else if d.PublicityBasis != "" {
		rows = append(rows, FieldRow{Name: "publicity_until", Label: "公示截止期", Value: "长期公示", Note: d.PublicityBasis})
	}
	for _, l := range ix.deptLinks([]string{d.Department}) {
		rows = append(rows, FieldRow{Name: "department", Label: pick("许可机关", "处罚机关", "决定机关"), Value: l.Label, URL: l.URL})
	}
	text(pick("许可机关统一社会信用代码", "处罚机关统一社会信用代码", "决定机关统一社会信用代码"), "department_code", d.DepartmentCode)
	text("当前状态", "status", d.Status)
	text("数据来源单位", "data_source", d.DataSource)
	text("数据来源单位统一社会信用代码", "data_source_code", d.DataSourceCode)
	text("失信严重程度", "severity", d.Severity)
	text("备注", "remarks", d.Remarks)
	return rows
}

// disclosureYears groups the published disclosures by the year of their
// decision date, newest year first.
func disclosureYears(items []*item) (years []string, byYear map[string][]*item) {
	byYear = map[string][]*item{}
	for _, it := range items {
		y := strconv.Itoa(it.common.Date.Year())
		if _, ok := byYear[y]; !ok {
			years = append(years, y)
		}
		byYear[y] = append(byYear[y], it)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(years)))
	return years, byYear
}

// disclosureFilters adds the 决定机关 and 年度 filter groups to the
// section's (category) ones.
func (pl *planner) disclosureFilters(cur string, years []string, byYear map[string][]*item) []theme.FilterGroup {
	ix := pl.ix
	all := urlOf(string(model.KindDisclosure))
	g := theme.FilterGroup{Label: "决定机关", Links: []theme.Link{{Label: "全部", URL: all, Current: cur == all}}}
	for _, d := range pl.site.Departments {
		if n := len(ix.byDept[d.ID][model.KindDisclosure]); n > 0 {
			u := urlOf(string(model.KindDisclosure), "department", d.ID)
			g.Links = append(g.Links, theme.Link{Label: ix.deptName(d.ID), Name: d.Name, URL: u, Count: n, HasCount: true, Current: cur == u})
		}
	}
	groups := []theme.FilterGroup{g}
	if len(years) > 0 {
		y := theme.FilterGroup{Label: "年度", Links: []theme.Link{{Label: "全部", URL: all, Current: cur == all}}}
		for _, yr := range years {
			u := urlOf(string(model.KindDisclosure), "year", yr)
			y.Links = append(y.Links, theme.Link{Label: yr + "年", URL: u, Count: len(byYear[yr]), HasCount: true, Current: cur == u})
		}
		groups = append(groups, y)
	}
	return groups
}

// asTable turns a list's filters into its table view's: every link leads to
// the same filter's table, and a 显示方式 group switches between the two.
func asTable(filters func(cur string) []theme.FilterGroup) func(cur string) []theme.FilterGroup {
	return func(cur string) []theme.FilterGroup {
		list := strings.TrimSuffix(cur, "table/")
		view := theme.FilterGroup{Label: "显示方式", Links: []theme.Link{
			{Label: "列表", URL: list}, {Label: "表格", URL: cur, Current: true}}}
		groups := []theme.FilterGroup{view}
		for _, g := range filters(list) {
			links := make([]theme.Link, len(g.Links))
			for i, l := range g.Links {
				l.URL += "table/"
				l.Current = l.URL == cur
				links[i] = l
			}
			g.Links = links
			groups = append(groups, g)
		}
		return groups
	}
}

// withListView adds the 显示方式 group to a disclosure list's filters.
func withListView(filters func(cur string) []theme.FilterGroup) func(cur string) []theme.FilterGroup {
	return func(cur string) []theme.FilterGroup {
		view := theme.FilterGroup{Label: "显示方式", Links: []theme.Link{
			{Label: "列表", URL: cur, Current: true}, {Label: "表格", URL: cur + "table/"}}}
		return append([]theme.FilterGroup{view}, filters(cur)...)
	}
}

// disclosureOpenHeader is /data/disclosures.csv's header: the columns it
// had first, then the national standard's other fields.
var disclosureOpenHeader = []string{"id", "subject_name", "credit_code", "doc_number", "category", "title", "content", "date", "valid_until",
	"publicity_until", "published", "department", "legal_basis", "fine", "url", "example",
	"subject_type", "registration_number", "org_code", "tax_number", "institution_code", "social_org_code", "legal_rep", "doc_name",
	"licence_kind", "licence_name", "licence_number", "valid_from", "violation_type", "violation_facts", "penalty_kind", "fine_shown",
	"confiscated", "suspended_licence", "penalty_until", "department_code", "status", "data_source", "data_source_code", "severity",
	"remarks", "publicity_basis"}

// openDisclosure is one record of /data/disclosures.json.
type openDisclosure struct {
	ID                 string  `json:"id"`
	SubjectName        string  `json:"subject_name"`
	CreditCode         string  `json:"credit_code,omitempty"`
	DocNumber          string  `json:"doc_number"`
	Category           string  `json:"category"`
	Title              string  `json:"title"`
	Content            string  `json:"content,omitempty"`
	Date               string  `json:"date"`
	ValidUntil         string  `json:"valid_until,omitempty"`
	PublicityUntil     string  `json:"publicity_until,omitempty"`
	Published          string  `json:"published,omitempty"`
	Department         string  `json:"department"`
	LegalBasis         string  `json:"legal_basis,omitempty"`
	Fine               float64 `json:"fine,omitempty"` // in 元
	URL                string  `json:"url"`
	Example            bool    `json:"example,omitempty"`
	SubjectType        string  `json:"subject_type,omitempty"`
	RegistrationNumber string  `json:"registration_number,omitempty"`
	OrgCode            string  `json:"org_code,omitempty"`
	TaxNumber          string  `json:"tax_number,omitempty"`
	InstitutionCode    string  `json:"institution_code,omitempty"`
	SocialOrgCode      string  `json:"social_org_code,omitempty"`
	LegalRep           string  `json:"legal_rep,omitempty"`
	DocName            string  `json:"doc_name,omitempty"`
	LicenceKind        string  `json:"licence_kind,omitempty"`
	LicenceName        string  `json:"licence_name,omitempty"`
	LicenceNumber      string  `json:"licence_number,omitempty"`
	ValidFrom          string  `json:"valid_from,omitempty"`
	ViolationType      string  `json:"violation_type,omitempty"`
	ViolationFacts     string  `json:"violation_facts,omitempty"`
	PenaltyKind        string  `json:"penalty_kind,omitempty"`
	FineShown          string  `json:"fine_shown,omitempty"`  // as the page shows it: 20万元
	Confiscated        float64 `json:"confiscated,omitempty"` // in 元
	SuspendedLicence   string  `json:"suspended_licence,omitempty"`
	PenaltyUntil       string  `json:"penalty_until,omitempty"`
	DepartmentCode     string  `json:"department_code,omitempty"`
	Status             string  `json:"status,omitempty"`
	DataSource         string  `json:"data_source,omitempty"`
	DataSourceCode     string  `json:"data_source_code,omitempty"`
	Severity           string  `json:"severity,omitempty"`
	Remarks            string  `json:"remarks,omitempty"`
	PublicityBasis     string  `json:"publicity_basis,omitempty"`
}

// disclosureOpenData returns a published record's row of
// /data/disclosures.csv and its object in /data/disclosures.json.
func disclosureOpenData(it *item) (header, row []string, obj any) {
	d := it.d
	o := openDisclosure{ID: d.ID, SubjectName: d.SubjectName, CreditCode: d.CreditCode, DocNumber: d.DocNumber, Category: d.Category,
		Title: d.Title, Content: d.Content, Date: day(d.Date), ValidUntil: day(d.ValidUntil), PublicityUntil: day(d.PublicityUntil),
		Published: day(d.Published), Department: d.Department, LegalBasis: d.LegalBasis, Fine: d.Fine, URL: it.url, Example: d.Example,
		SubjectType: d.SubjectType, RegistrationNumber: d.RegistrationNumber, OrgCode: d.OrgCode, TaxNumber: d.TaxNumber,
		InstitutionCode: d.InstitutionCode, SocialOrgCode: d.SocialOrgCode, LegalRep: d.LegalRep, DocName: d.DocName,
		LicenceKind: d.LicenceKind, LicenceName: d.LicenceName, LicenceNumber: d.LicenceNumber, ValidFrom: day(d.ValidFrom),
		ViolationType: d.ViolationType, ViolationFacts: d.ViolationFacts, PenaltyKind: d.PenaltyKind, FineShown: d.FineAmount.String(),
		Confiscated: d.Confiscated.Yuan(), SuspendedLicence: d.SuspendedLicence, PenaltyUntil: day(d.PenaltyUntil),
		DepartmentCode: d.DepartmentCode, Status: d.Status, DataSource: d.DataSource, DataSourceCode: d.DataSourceCode,
		Severity: d.Severity, Remarks: d.Remarks, PublicityBasis: d.PublicityBasis}
	fine := ""
	if d.Fine != 0 {
		fine = strconv.FormatFloat(d.Fine, 'f', -1, 64)
	}
	row = []string{o.ID, o.SubjectName, o.CreditCode, o.DocNumber, o.Category, o.Title, o.Content, o.Date, o.ValidUntil,
		o.PublicityUntil, o.Published, o.Department, o.LegalBasis, fine, o.URL, strconv.FormatBool(o.Example),
		o.SubjectType, o.RegistrationNumber, o.OrgCode, o.TaxNumber, o.InstitutionCode, o.SocialOrgCode, o.LegalRep, o.DocName,
		o.LicenceKind, o.LicenceName, o.LicenceNumber, o.ValidFrom, o.ViolationType, o.ViolationFacts, o.PenaltyKind, o.FineShown,
		d.Confiscated.In(model.UnitYuan), o.SuspendedLicence, o.PenaltyUntil, o.DepartmentCode, o.Status, o.DataSource, o.DataSourceCode,
		o.Severity, o.Remarks, o.PublicityBasis}
	return disclosureOpenHeader, row, o
}

// nationalOpenFiles are the open data files in the national standard's
// form, the tables the city's 信用平台 imports: licences and penalties.
var nationalOpenFiles = []struct {
	name, label, category string
	columns               []disclosure.Column
}{
	{"data/disclosures-licences.csv", "行政许可信息（国家数据标准）", disclosure.Licence, disclosure.LicenceColumns},
	{"data/disclosures-penalties.csv", "行政处罚信息（国家数据标准）", disclosure.Penalty, disclosure.PenaltyColumns},
}

// nationalOpenData writes the published licences and penalties in the
// national tables' columns (UTF-8 with a BOM, as Excel opens it).
func nationalOpenData(ix *index, files map[string][]byte) error {
	for _, f := range nationalOpenFiles {
		var buf bytes.Buffer
		buf.WriteString("\uFEFF")
		cw := csv.NewWriter(&buf)
		cw.Write(disclosure.ColumnNames(f.columns))
		for _, it := range ix.byCat[model.KindDisclosure][f.category] {
			name := ""
			if dep := ix.deptByID[it.d.Department]; dep != nil {
				name = dep.Name
			}
			cw.Write(disclosure.NationalRow(it.d, f.columns, name))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("open data %s: %w", f.name, err)
		}
		files[f.name] = buf.Bytes()
	}
	return nil
}
