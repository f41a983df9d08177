package siteindex

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"portal/generator/model"
	"portal/search"
)

// What the index learns from a published record is decided here, field by
// field: the mapping walks the model value behind each entry (Entry.Record)
// with reflection and looks every field up in searchFields. A field missing
// from the table is left out of the index (personal data never leaks by
// accident), and TestSearchFieldsCoverModel fails until it is classified, so
// a field added to the model is indexed or excluded on purpose.

// fieldUse is what the index does with one field.
type fieldUse int

const (
	// useEntry: the field reaches the index through the Entry the
	// generator made (title, rendered body, tags, category, status).
	useEntry fieldUse = iota
	// useText: a labelled line of the indexed text ("依据：…").
	useText
	// useID: the page's own identifier (exact match, ranks the page above
	// pages citing it), and a line of text when labelled.
	useID
	// useRef: an identifier or name the page cites (exact match, below the
	// page it belongs to), and a line of text.
	useRef
	// useName: a name of the body or subject the page is the profile of
	// (exact match, first of all), and a line of text.
	useName
	// useDepts: registry ids; every name of each body (full, short,
	// aliases) becomes text, so a record is found by any of them.
	useDepts
	// useSkip: not indexed (why says why).
	useSkip
)

// fieldRule classifies one field: "Type.Field" in searchFields.
type fieldRule struct {
	use   fieldUse
	label string // Chinese label of the text line; empty: no text line
	why   string // for useEntry and useSkip
}

func entry(why string) fieldRule { return fieldRule{use: useEntry, why: why} }
func skip(why string) fieldRule  { return fieldRule{use: useSkip, why: why} }

// searchRecordTypes are the model values entries carry, for the coverage test.
var searchRecordTypes = []any{
	model.Commitment{}, model.Disclosure{}, model.Policy{}, model.Case{}, model.News{}, model.Record{},
	model.Department{}, model.Subject{},
}

// searchFields classifies every field of the published model records.
// Nested structs (Common, Progress) are keyed by their own type name.
var searchFields = map[string]fieldRule{
	"Common.ID":      {use: useID},
	"Common.Title":   entry("Entry.Title, weighted as the title"),
	"Common.Date":    skip("a date: the year facet and date sorting use Entry.Date"),
	"Common.Summary": {use: useText},
	"Common.Tags":    entry("Entry.Tags"),
	"Common.Draft":   skip("drafts are never published"),
	"Common.Example": skip("a flag: the page shows 示例"),
	"Common.Body":    entry("rendered to plain text as Entry.Text"),
	"Common.Source":  skip("where the file is, not what the page says"),
	// Hugo's keys (dataimport, #12).
	"Common.PublishDate": skip("a date: pages are not published before it"),
	"Common.ExpiryDate":  skip("a date: pages are not published after it"),
	"Common.Lastmod":     skip("a date: Entry.Updated"),
	"Common.Weight":      skip("an order for themes"),
	"Common.Aliases":     skip("old addresses that redirect to the page"),
	"Common.Description": {use: useText},
	"Common.Unlisted":    skip("unlisted pages are not published"),

	"Department.ID":      {use: useID},
	"Department.Name":    {use: useName, label: "单位名称"},
	"Department.Short":   {use: useName, label: "简称"},
	"Department.Aliases": {use: useName, label: "又称"},
	"Department.Level":   {use: useText, label: "层级"},
	"Department.Parent":  {use: useDepts, label: "上级单位"},
	"Department.Type":    {use: useText, label: "单位类型"},
	"Department.URL":     skip("a link to the body's own site"),
	"Department.Source":  skip("where the registry entry is"),

	"Subject.CreditCode": {use: useName, label: "统一社会信用代码"},
	"Subject.Name":       {use: useName, label: "名称"},
	"Subject.Names":      {use: useName, label: "记录中的名称"},

	"Commitment.Department":   {use: useDepts, label: "牵头单位"},
	"Commitment.Partners":     {use: useDepts, label: "配合单位"},
	"Commitment.PartnersNote": {use: useText, label: "配合单位"},
	"Commitment.Category":     entry("Entry.Category"),
	"Commitment.Deadline":     skip("a date, shown on the page"),
	"Commitment.Status":       entry("Entry.Status is the display status (overdue wins); its label is indexed"),
	"Commitment.SourceDoc":    {use: useRef, label: "来源文件"},
	"Commitment.Measure":      {use: useText, label: "对应措施"},
	"Commitment.Progress":     entry("its notes are appended to Entry.Text by the generator"),
	"Commitment.Derived":      entry("derived as of the build date; document adds its lateness (已逾期, 严重逾期, 即将到期) to the status line"),
	"Progress.Date":           skip("a date, shown in the timeline"),
	"Progress.Status":         skip("the status at that step; the current one is indexed"),
	"Progress.Note":           entry("appended to Entry.Text by the generator"),
	"Progress.Evidence":       {use: useRef, label: "进展依据"},
	"Progress.Line":           skip("where the entry is in the file"),

	"Disclosure.SubjectName":    {use: useRef, label: "行政相对人名称"},
	"Disclosure.CreditCode":     {use: useRef, label: "统一社会信用代码"},
	"Disclosure.DocNumber":      {use: useID, label: "决定文书号"},
	"Disclosure.Category":       entry("Entry.Category"),
	"Disclosure.Content":        {use: useText, label: "内容"},
	"Disclosure.ValidUntil":     skip("a date, shown on the page"),
	"Disclosure.PublicityUntil": skip("a date; past it the record is not published"),
	"Disclosure.Published":      skip("a date (公示日期), shown on the page; the year facet uses Entry.Date"),
	"Disclosure.Department":     {use: useDepts, label: "决定机关"},
	"Disclosure.LegalBasis":     {use: useText, label: "依据"},
	"Disclosure.Fine":           skip("a number; the content states the penalty in words"),
	"Disclosure.Withdrawn":      skip("withdrawn records are not published"),
	"Disclosure.WithdrawnNote":  skip("shown only on the stop-notice page, which is not indexed"),
	"Disclosure.Unpublished":    skip("unpublished records are not indexed"),
	// The national standard's other fields (dataimport, #12).
	"Disclosure.SubjectType":        {use: useText, label: "行政相对人类别"},
	"Disclosure.RegistrationNumber": {use: useRef, label: "工商注册号"},
	"Disclosure.OrgCode":            {use: useRef, label: "组织机构代码"},
	"Disclosure.TaxNumber":          {use: useRef, label: "税务登记号"},
	"Disclosure.InstitutionCode":    {use: useRef, label: "事业单位证书号"},
	"Disclosure.SocialOrgCode":      {use: useRef, label: "社会组织登记证号"},
	"Disclosure.LegalRep":           skip("a person's name: shown on the page (masked for sole traders), kept out of the index"),
	"Disclosure.DocName":            {use: useText, label: "决定文书名称"},
	"Disclosure.LicenceKind":        {use: useText, label: "许可类别"},
	"Disclosure.LicenceName":        {use: useText, label: "许可证书名称"},
	"Disclosure.LicenceNumber":      {use: useRef, label: "许可编号"},
	"Disclosure.ValidFrom":          skip("a date, shown on the page"),
	"Disclosure.ViolationType":      {use: useText, label: "违法行为类型"},
	"Disclosure.ViolationFacts":     {use: useText, label: "违法事实"},
	"Disclosure.PenaltyKind":        {use: useText, label: "处罚类别"},
	"Disclosure.FineAmount":         skip("an amount, shown on the page as written (20万元)"),
	"Disclosure.Confiscated":        skip("an amount, shown on the page as written"),
	"Disclosure.SuspendedLicence":   {use: useText, label: "暂扣或吊销证照名称及编号"},
	"Disclosure.PenaltyUntil":       skip("a date, shown on the page"),
	"Disclosure.DepartmentCode":     skip("the deciding body's code; the body is indexed by its names"),
	"Disclosure.Status":             {use: useText, label: "当前状态"},
	"Disclosure.DataSource":         {use: useText, label: "数据来源单位"},
	"Disclosure.DataSourceCode":     skip("the source body's code"),
	"Disclosure.Severity":           {use: useText, label: "失信严重程度"},
	"Disclosure.Remarks":            {use: useText, label: "备注"},
	"Disclosure.PublicityBasis":     skip("how the 公示截止期 was derived, shown on the page"),
	"Disclosure.Withheld":           skip("withheld records are not published"),
	"Disclosure.UnpublishedReason":  skip("unpublished records are not indexed"),

	"Policy.IndexNumber":  {use: useID, label: "索引号"},
	"Policy.Publisher":    {use: useText, label: "发布机构"},
	"Policy.Departments":  {use: useDepts, label: "发布单位"},
	"Policy.WrittenDate":  skip("a date, shown in the metadata block"),
	"Policy.DocNumber":    {use: useID, label: "文号"},
	"Policy.Topic":        entry("Entry.Category"),
	"Policy.Validity":     {use: useText, label: "有效性"},
	"Policy.ValidityNote": {use: useText, label: "效力说明"},

	"Case.CaseType":    entry("Entry.Category"),
	"Case.Departments": {use: useDepts, label: "相关单位"},
	"Case.SourceDoc":   {use: useRef, label: "来源"},

	"News.Departments": {use: useDepts, label: "相关单位"},
	"News.SourceName":  {use: useText, label: "来源"},
	"News.SourceURL":   skip("a link to the original"),

	"Record.Department":        {use: useDepts, label: "涉及单位"},
	"Record.RecordType":        entry("Entry.Category"),
	"Record.Basis":             {use: useText, label: "认定依据"},
	"Record.DocNumber":         {use: useID, label: "文书号"},
	"Record.Status":            entry("Entry.Status"),
	"Record.RectifiedDate":     skip("a date, shown on the page"),
	"Record.PublicityUntil":    skip("a date; past it the record is not published"),
	"Record.Withdrawn":         skip("withdrawn records are not published"),
	"Record.WithdrawnNote":     skip("shown only on the stop-notice page, which is not indexed"),
	"Record.Unpublished":       skip("unpublished records are not indexed"),
	"Record.UnpublishedReason": skip("unpublished records are not indexed"),
}

// searchMapper maps entries to search documents; it knows the registry so
// that a body is indexed under every name it has.
type searchMapper struct {
	depts map[string]*model.Department
}

func newSearchMapper(departments []*model.Department) *searchMapper {
	m := &searchMapper{depts: map[string]*model.Department{}}
	for _, d := range departments {
		m.depts[d.ID] = d
	}
	return m
}

// names returns every name of the body with registry id id.
func (m *searchMapper) names(id string) []string {
	d := m.depts[id]
	if d == nil {
		return []string{id}
	}
	return append([]string{d.Name, d.Short}, d.Aliases...)
}

// displayName is the short name shown with hits and in facets.
func (m *searchMapper) displayName(id string) string {
	if d := m.depts[id]; d != nil {
		if d.Short != "" {
			return d.Short
		}
		return d.Name
	}
	return id
}

// document maps one published entry (a record page or a profile page).
func (m *searchMapper) document(e model.Entry) search.Document {
	d := search.Document{
		URL: e.Path, Title: e.Title, Summary: e.Summary,
		Kind: string(e.Kind), KindLabel: e.Kind.Label(),
		Departments: e.Departments, Status: e.Status, Category: e.Category,
		Tags: e.Tags, Date: e.Date,
	}
	for _, id := range e.Departments {
		d.DepartmentNames = append(d.DepartmentNames, m.displayName(id))
	}
	d.StatusLabel = e.Status
	if l := model.Status(e.Status).Label(); l != "" && e.Kind == model.KindCommitment {
		d.StatusLabel = l
	}
	d.Text = e.Text
	var text strings.Builder
	line := func(label string, values ...string) {
		var vs []string
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" && !strings.Contains(e.Text, v) {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			return
		}
		if text.Len() > 0 {
			text.WriteString("\n")
		}
		if label != "" {
			text.WriteString(label + "：")
		}
		text.WriteString(strings.Join(vs, "；"))
	}
	if d.StatusLabel != "" {
		status := []string{d.StatusLabel}
		if c, ok := e.Record.(*model.Commitment); ok {
			// Lateness stands beside the official status (model.Standing):
			// a search for 已逾期 finds every late commitment.
			st := c.Standing()
			switch {
			case st.VeryOverdue:
				status = append(status, model.StatusOverdue.Label(), "严重逾期")
			case st.Overdue:
				status = append(status, model.StatusOverdue.Label())
			case st.DueSoon:
				status = append(status, "即将到期")
			}
		}
		line("状态", status...)
		d.States = status
	}
	// The category and tags are in the text too, so a page filed under
	// 政策兑现 holds the phrase 政策兑现 when search checks for it.
	line("类别", e.Category)
	line("标签", e.Tags...)
	if e.Record != nil {
		walkRecord(reflect.ValueOf(e.Record), func(rule fieldRule, values []string) {
			switch rule.use {
			case useID:
				d.Identifiers = appendNew(d.Identifiers, values...)
			case useRef:
				d.References = appendNew(d.References, values...)
			case useName:
				d.Names = appendNew(d.Names, values...)
			case useDepts:
				var names []string
				for _, id := range values {
					ns := m.names(id)
					names = append(names, ns[0]+"（"+strings.Join(ns[1:], "、")+"）")
				}
				values = names
			case useEntry, useSkip:
				return
			}
			if rule.label != "" || rule.use == useText {
				line(rule.label, values...)
			}
		})
	}
	d.Facts = text.String()
	return d
}

// walkRecord calls fn with the rule and the text values of every
// classified field of v (a pointer to a model struct). Unclassified fields
// are skipped here; the coverage test fails on them.
func walkRecord(v reflect.Value, fn func(fieldRule, []string)) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		fv := v.Field(i)
		if f.Anonymous {
			walkRecord(fv, fn)
			continue
		}
		rule, ok := searchFields[t.Name()+"."+f.Name]
		if !ok || rule.use == useSkip {
			continue
		}
		if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct {
			for j := range fv.Len() {
				walkRecord(fv.Index(j), fn)
			}
			if rule.use == useEntry {
				continue
			}
		}
		if vals := textValues(fv, f.Name); len(vals) > 0 {
			fn(rule, vals)
		}
	}
}

// textValues renders a field's value as text: strings as written, numbers
// in the form the pages use (a measure number as 第N条).
func textValues(v reflect.Value, name string) []string {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); s != "" {
			return []string{s}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.String {
			return nil
		}
		var out []string
		for i := range v.Len() {
			if s := v.Index(i).String(); s != "" {
				out = append(out, s)
			}
		}
		return out
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n := v.Int(); n != 0 {
			if name == "Measure" {
				return []string{"第" + strconv.FormatInt(n, 10) + "条"}
			}
			return []string{strconv.FormatInt(n, 10)}
		}
	case reflect.Float64, reflect.Float32:
		if f := v.Float(); f != 0 {
			return []string{fmt.Sprint(f)}
		}
	}
	return nil
}

func appendNew(dst []string, more ...string) []string {
	for _, s := range more {
		if s != "" && !containsString(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
