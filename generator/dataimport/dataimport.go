// Package dataimport checks disclosure data files (CSV, Excel, JSON in the
// national 双公示 columns) against a site before they are published: which
// rows are new, changed, unchanged, invalid, past their 公示期 or withheld,
// per deciding body, and which rows of the file it replaces would go. It is
// the logic behind `portal import` (and `portal check FILE`); placing the
// file into data/disclosures/ is the command's part.
//
// Contract: Check reads nothing but the site (through the loader, as a build
// would) and the given bytes, reports every problem of the files as
// positioned diagnostics (the site's own problems are left to `portal
// check`), and never writes. A row counts as invalid when its reader or the
// registry reported an error for it; invalid rows are in no other count.
package dataimport

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"strings"
	"time"

	"portal/generator/dataset"
	"portal/generator/diag"
	"portal/generator/loader"
	"portal/generator/model"
)

// DataDir is where a site keeps its disclosure data files.
const DataDir = "data/disclosures"

// File is one data file to check.
type File struct {
	Name string // as the user named it, for messages
	Data []byte
}

// Target is where the file is placed in the site: data/disclosures/<its name>.
func (f File) Target() string { return DataDir + "/" + path.Base(strings.ReplaceAll(f.Name, `\`, "/")) }

// Options controls Check.
type Options struct {
	Now      time.Time // the build date for 公示期 (zero: today in the site's zone)
	Strict   bool      // warnings are errors
	Encoding string    // overrides the declared or detected encoding of CSV files
}

// Counts are the rows of a file or a body, by what publishing would do.
type Counts struct {
	New, Changed, Unchanged int // rows that will be published
	Invalid                 int // rows with errors
	Expired                 int // past their 公示截止期: not published
	Withheld                int // a publicity rule keeps them off the site (不予公示)
	Withdrawn               int // withdrawn (已撤销): not published
}

func (c *Counts) add(o Counts) {
	c.New += o.New
	c.Changed += o.Changed
	c.Unchanged += o.Unchanged
	c.Invalid += o.Invalid
	c.Expired += o.Expired
	c.Withheld += o.Withheld
	c.Withdrawn += o.Withdrawn
}

// Total is every row counted.
func (c Counts) Total() int {
	return c.New + c.Changed + c.Unchanged + c.Invalid + c.Expired + c.Withheld + c.Withdrawn
}

// Change is one changed row: where it is and which fields differ.
type Change struct {
	Sheet     string
	Line      int
	DocNumber string
	Fields    []string // national labels of the fields that differ
}

// FileReport is what one file would do.
type FileReport struct {
	File     File
	Target   string // data/disclosures/<name>
	Replaces bool   // a file of that name is in the site now
	Read     bool   // the file could be read (a header was found)
	Counts
	Removed int      // rows of the replaced file that the new one no longer has
	Changes []Change // in file order
}

// DeptCounts are the counts of one deciding body.
type DeptCounts struct {
	ID, Name string // registry id and full name; "" when the body was not recognised
	Counts
}

// Report is the result of Check.
type Report struct {
	Files  []FileReport
	Depts  []DeptCounts // registry order, then unrecognised
	Total  Counts
	Today  time.Time
	Errors int // errors among the files' diagnostics
}

// Check reads the site in fsys as a build would and checks files against
// it. The diagnostics are the files' only.
func Check(fsys fs.FS, files []File, opts Options) (*Report, *diag.List) {
	site, _ := loader.Load(fsys, loader.Options{Strict: opts.Strict})
	cfg := site.Config
	reg := registry(site.Departments)
	today := model.Today(opts.Now, cfg.Location)
	dopts := dataset.Options{Location: cfg.Location, Config: cfg.Disclosures, Categories: cfg.Vocabulary.DisclosureCategories,
		Limits: cfg.Limits, Encoding: opts.Encoding}

	existing := map[string]*model.Disclosure{}
	for _, d := range site.Disclosures {
		existing[d.ID] = d
	}
	deptIndex := map[string]int{}
	rep := &Report{Today: today}
	for i, d := range site.Departments {
		deptIndex[d.ID] = i
		rep.Depts = append(rep.Depts, DeptCounts{ID: d.ID, Name: d.Name})
	}
	var unknown Counts
	dl := &diag.List{Strict: opts.Strict, Max: cfg.Limits.Diagnostics}
	for _, f := range files {
		fr := FileReport{File: f, Target: f.Target()}
		if _, err := fs.Stat(fsys, fr.Target); err == nil {
			fr.Replaces = true
		}
		var fdl diag.List
		pages := dataset.ReadFile(f.Name, f.Data, dopts, &fdl)
		fr.Read = len(pages) > 0 || !headerFailed(&fdl)
		seen := map[string]bool{}
		withPage := map[[2]any]bool{}
		for _, p := range pages {
			d := p.Disclosure
			withPage[[2]any{d.Source.Sheet, d.Source.Line}] = true
			for _, ref := range p.Refs {
				id, err := reg.Resolve(ref.Name)
				if err != nil {
					fdl.Add(diag.Diagnostic{File: ref.File, Sheet: ref.Sheet, Line: ref.Line, Col: ref.Col, Key: ref.Key, Message: err.Error(), Severity: diag.Error})
					p.Errors++
					continue
				}
				ref.Set(id)
			}
			if seen[d.ID] {
				fdl.Add(diag.Diagnostic{File: f.Name, Sheet: d.Source.Sheet, Line: d.Source.Line, Col: 1, Key: "决定文书号",
					Message: fmt.Sprintf("文件中已有同一文号的行（%s），每个文号只能有一行 (another row of this file has the same 文号 %s: give each 文号 one row)", d.DocNumber, d.DocNumber), Severity: diag.Error})
				p.Errors++
			}
			seen[d.ID] = true
			var c Counts
			switch old, ok := existing[d.ID]; {
			case p.Errors > 0:
				c.Invalid++
			case ok && old.Source.File != fr.Target:
				fdl.Add(diag.Diagnostic{File: f.Name, Sheet: d.Source.Sheet, Line: d.Source.Line, Col: 1, Key: "决定文书号",
					Message: fmt.Sprintf("文号 %s 已由 %s:%d 公示；同一条信息只能在一处，请从其中一处删去 (the 文号 %s is already published by %s:%d: keep the record in one place)",
						d.DocNumber, old.Source.File, old.Source.Line, d.DocNumber, old.Source.File, old.Source.Line), Severity: diag.Error})
				c.Invalid++
			default:
				switch {
				case d.Withdrawn:
					c.Withdrawn++
				case !d.PublicityUntil.IsZero() && model.DaysBetween(today, d.PublicityUntil) < 0:
					c.Expired++
				case d.Withheld:
					c.Withheld++
				case !ok:
					c.New++
				case !sameRecord(old, d):
					c.Changed++
					fr.Changes = append(fr.Changes, Change{Sheet: d.Source.Sheet, Line: d.Source.Line, DocNumber: d.DocNumber, Fields: differences(old, d)})
				default:
					c.Unchanged++
				}
			}
			fr.Counts.add(c)
			if i, ok := deptIndex[d.Department]; ok {
				rep.Depts[i].Counts.add(c)
			} else {
				unknown.add(c)
			}
		}
		// Rows the reader refused whole (a wrong number of columns).
		orphans := map[[2]any]bool{}
		for _, e := range fdl.Errors() {
			k := [2]any{e.Sheet, e.Line}
			if e.Line > 0 && !withPage[k] && !orphans[k] && !isHeaderProblem(e) {
				orphans[k] = true
				fr.Invalid++
				unknown.Invalid++
			}
		}
		if fr.Replaces {
			for _, d := range site.Disclosures {
				if d.Source.File == fr.Target && !seen[d.ID] {
					fr.Removed++
				}
			}
		}
		rep.Errors += len(fdl.Errors())
		dl.Merge(&fdl)
		rep.Total.add(fr.Counts)
		rep.Files = append(rep.Files, fr)
	}
	if unknown.Total() > 0 {
		rep.Depts = append(rep.Depts, DeptCounts{Counts: unknown})
	}
	rep.Depts = slices.DeleteFunc(rep.Depts, func(d DeptCounts) bool { return d.Total() == 0 })
	return rep, dl
}

// headerFailed reports whether the file's problems stopped it being read
// (no header, or a header with errors).
func headerFailed(dl *diag.List) bool {
	for _, e := range dl.Errors() {
		if isHeaderProblem(e) {
			return true
		}
	}
	return false
}

// isHeaderProblem reports whether a diagnostic is about the file or its
// header rather than one row.
func isHeaderProblem(e diag.Diagnostic) bool {
	if e.Line == 0 {
		return true
	}
	for _, s := range []string{"缺少必需的列", "未知的列", "是同一字段", "没有列名", "没有表头行", "无法读取", "文件不是", "文件既不是"} {
		if strings.Contains(e.Message, s) {
			return true
		}
	}
	return false
}

// registry indexes the site's departments by every name for resolving the
// files' 决定机关.
func registry(ds []*model.Department) *dataset.Registry {
	return dataset.NewRegistry(ds)
}

// sameRecord reports whether two records say the same (where they were
// read from and derived state aside).
func sameRecord(a, b *model.Disclosure) bool { return len(differences(a, b)) == 0 }

// ignored are the fields a re-import may differ in without a change.
var ignored = map[string]bool{"Source": true, "Unpublished": true, "UnpublishedReason": true}

// differences lists the national labels of the fields in which a and b
// differ.
func differences(a, b *model.Disclosure) []string {
	var out []string
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	var walk func(va, vb reflect.Value)
	walk = func(va, vb reflect.Value) {
		t := va.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if ignored[f.Name] {
				continue
			}
			if f.Anonymous {
				walk(va.Field(i), vb.Field(i))
				continue
			}
			x, y := va.Field(i).Interface(), vb.Field(i).Interface()
			if tx, ok := x.(time.Time); ok {
				if !tx.Equal(y.(time.Time)) {
					out = append(out, label(f.Name))
				}
				continue
			}
			if !reflect.DeepEqual(x, y) {
				out = append(out, label(f.Name))
			}
		}
	}
	walk(va, vb)
	return slices.Compact(out)
}

// labels are the national names of model.Disclosure's fields.
var labels = map[string]string{
	"SubjectName": "行政相对人名称", "SubjectType": "行政相对人类别", "CreditCode": "统一社会信用代码", "DocNumber": "决定文书号",
	"Category": "类别", "Title": "名称", "Content": "内容", "Date": "决定日期", "ValidFrom": "有效期自", "ValidUntil": "有效期至",
	"PublicityUntil": "公示截止期", "PublicityBasis": "公示截止期", "Published": "公示日期", "Department": "决定机关", "LegalBasis": "依据",
	"Fine": "罚款金额", "FineAmount": "罚款金额", "Confiscated": "没收违法所得、没收非法财物的金额", "Withdrawn": "已撤销",
	"WithdrawnNote": "撤销说明", "RegistrationNumber": "工商注册号", "OrgCode": "组织机构代码", "TaxNumber": "税务登记号",
	"InstitutionCode": "事业单位证书号", "SocialOrgCode": "社会组织登记证号", "LegalRep": "法定代表人", "DocName": "行政许可决定文书名称",
	"LicenceKind": "许可类别", "LicenceName": "许可证书名称", "LicenceNumber": "许可编号", "ViolationType": "违法行为类型",
	"ViolationFacts": "违法事实", "PenaltyKind": "处罚类别", "SuspendedLicence": "暂扣或吊销证照名称及编号", "PenaltyUntil": "处罚有效期",
	"DepartmentCode": "决定机关统一社会信用代码", "Status": "当前状态", "DataSource": "数据来源单位", "DataSourceCode": "数据来源单位统一社会信用代码",
	"Severity": "失信严重程度", "Remarks": "备注", "Withheld": "公示截止期", "ID": "编号", "Summary": "摘要", "Tags": "标签",
	"Draft": "草稿", "Example": "示例", "Body": "正文",
}

func label(field string) string {
	if l, ok := labels[field]; ok {
		return l
	}
	return field
}

// SortChanges orders changes by sheet and line.
func SortChanges(cs []Change) {
	slices.SortFunc(cs, func(a, b Change) int { return cmp.Or(strings.Compare(a.Sheet, b.Sheet), cmp.Compare(a.Line, b.Line)) })
}
