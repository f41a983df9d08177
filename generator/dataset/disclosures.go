package dataset

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"portal/generator/diag"
	"portal/generator/disclosure"
	"portal/generator/model"
	"portal/generator/page"
)

// Options says how to read a disclosure data file.
type Options struct {
	// Location is the site's zone for dates; nil means UTC.
	Location *time.Location
	// Config is the site's [disclosures]: the person-name rule, ignored
	// columns, declared encodings (by file name) and publicity rules.
	Config model.DisclosureConfig
	// Categories are the known disclosure categories; a record outside
	// them is a warning. Nil means model.DisclosureCategories.
	Categories []string
	// Encoding overrides the declared or detected text encoding of CSV
	// files: "utf-8", "gb18030" or "gbk" ("" = as declared, else detected).
	Encoding string
	// Limits bound a file's work: a value longer than LineBytes is an error
	// in its cell, and reading stops after RowsPerFile rows. Zero values
	// take the defaults (model.DefaultLimits).
	Limits model.Limits
}

// rules returns the publicity rules (the defaults when none are configured).
func (o Options) rules() []model.PublicityRule {
	if o.Config.Publicity == nil {
		return model.DefaultPublicityRules()
	}
	return o.Config.Publicity
}

func (o Options) loc() *time.Location {
	if o.Location == nil {
		return time.UTC
	}
	return o.Location
}

// DataFileExts are the data file types read from data/disclosures/.
var DataFileExts = []string{".csv", ".xlsx", ".json"}

// ReadFile reads a disclosure data file of any supported type, chosen by
// its extension (.csv, .xlsx, .json; letter case ignored).
func ReadFile(file string, data []byte, opts Options, dl *diag.List) []*page.Page {
	switch strings.ToLower(path.Ext(file)) {
	case ".csv":
		return ReadCSV(file, data, opts, dl)
	case ".xlsx":
		return ReadXLSX(file, data, opts, dl)
	case ".json":
		return ReadJSON(file, data, opts, dl)
	}
	dl.Errorf(file, 0, 0, "", "不是可读取的数据文件类型，请使用 %s (not a data file type portal reads: use %s)",
		strings.Join(DataFileExts, " "), strings.Join(DataFileExts, " "))
	return nil
}

// bi joins a Chinese message and its English version.
func bi(zh, en string) string { return zh + " (" + en + ")" }

// cell is one value of a disclosure row with where it was written.
type cell struct {
	name      string // the column or key as written in the file
	val       string
	line, col int
	bad       string
	unit      string // the amount unit the column name carries
}

// DerivedID returns the id of a data-file disclosure without an id column:
// "d-" and the first 10 hex characters of the SHA-1 of its document number,
// so the id (and the page address) stays stable when rows are reordered.
func DerivedID(docNumber string) string {
	sum := sha1.Sum([]byte(strings.TrimSpace(docNumber)))
	return "d-" + hex.EncodeToString(sum[:])[:10]
}

// where is the position of a header or row: the file, the sheet (or ""),
// and a function giving each column's line and character column.
type where struct {
	file, sheet string
}

func (w where) errorf(dl *diag.List, line, col int, key, format string, args ...any) {
	dl.Add(diag.Diagnostic{File: w.file, Sheet: w.sheet, Line: line, Col: col, Key: key, Message: fmt.Sprintf(format, args...), Severity: diag.Error})
}

func (w where) warnf(dl *diag.List, line, col int, key, format string, args ...any) {
	dl.Add(diag.Diagnostic{File: w.file, Sheet: w.sheet, Line: line, Col: col, Key: key, Message: fmt.Sprintf(format, args...), Severity: diag.Warning})
}

// header is a mapped header row.
type header struct {
	keys    []string // field key per column; "" for an ignored column
	units   []string // amount unit per column
	implied string   // the category the column names imply, or ""
}

// builtinIgnored are columns offices' exports carry that hold nothing to
// publish.
var builtinIgnored = []string{"序号"}

// mapHeader maps each column name to its field (unknown names are errors
// unless ignored) and checks that the required fields are present. pos
// gives a column's line and column; whole is the header's (or object's)
// position for missing columns.
func mapHeader(w where, names []string, pos func(i int) (int, int), whole [2]int, opts Options, dl *diag.List) (header, bool) {
	h := header{keys: make([]string, len(names)), units: make([]string, len(names))}
	seen := map[string]int{}
	ok := true
	ignored := map[string]bool{}
	for _, n := range append(slices.Clone(builtinIgnored), opts.Config.IgnoreColumns...) {
		ignored[disclosure.Normalize(n)] = true
	}
	implied := map[string]bool{}
	for i, raw := range names {
		n := strings.TrimSpace(raw)
		line, col := pos(i)
		if n == "" {
			w.errorf(dl, line, col, "", "%s", bi(fmt.Sprintf("第 %d 列没有列名", i+1), fmt.Sprintf("column %d has no name", i+1)))
			ok = false
			continue
		}
		if ignored[disclosure.Normalize(n)] {
			continue
		}
		m, known := disclosure.Lookup(n)
		if !known {
			zh, en := "未知的列", "unknown column"
			if c := page.Closest(n, disclosure.AllNames(), 1); len(c) > 0 {
				zh += "，是否应为 " + c[0] + "？"
				en += " (did you mean " + c[0] + "?)"
			}
			w.errorf(dl, line, col, n, "%s；不需要的列可写入 portal.toml 的 [disclosures] ignore_columns (%s; list columns to drop in portal.toml [disclosures] ignore_columns); 可用的列 (allowed): %s",
				zh, en, disclosure.AllowedNames())
			ok = false
			continue
		}
		if prev, dup := seen[m.Field.Key]; dup {
			w.errorf(dl, line, col, n, "%s", bi(fmt.Sprintf("与第 %d 列（%s）是同一字段，每个字段只能有一列", prev+1, strings.TrimSpace(names[prev])),
				fmt.Sprintf("repeats column %d (%s); give each field once", prev+1, strings.TrimSpace(names[prev]))))
			ok = false
			continue
		}
		seen[m.Field.Key] = i
		h.keys[i] = m.Field.Key
		h.units[i] = m.Unit
		if m.Implies != "" {
			implied[m.Implies] = true
		}
	}
	if len(implied) == 1 {
		for c := range implied {
			h.implied = c
		}
	}
	for _, f := range disclosure.Fields {
		if _, has := seen[f.Key]; !f.Required || has || (f.Key == "category" && h.implied != "") {
			continue
		}
		names := strings.Join(f.Names, " 或 ")
		w.errorf(dl, whole[0], whole[1], f.Key, "%s", bi("缺少必需的列，列名可写作 "+names, "required column is missing (name it "+strings.Join(f.Names, " or ")+")"))
		ok = false
	}
	return h, ok
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

func nonEmpty(rec []string) int {
	n := 0
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			n++
		}
	}
	return n
}

// fieldIndex maps a field key to its index in disclosure.Fields.
var fieldIndex = func() map[string]int {
	m := make(map[string]int, len(disclosure.Fields))
	for i, f := range disclosure.Fields {
		m[f.Key] = i
	}
	return m
}()

// rowBuilder turns the cells of one row into a disclosure page. Its cells
// are indexed like disclosure.Fields (a slice, not a map: at 100,000 rows
// the per-row map was a quarter of the reading time).
type rowBuilder struct {
	rows  int // rows started, against opts.Limits.RowsPerFile
	w     where
	line  int // the row's line (CSV file line, sheet row, JSON object line)
	col   int
	cells []cell
	opts  Options
	dl    *diag.List
	// compact gives the rows' strings their own, shared copies; dept does
	// the same for the deciding body's name as written.
	compact *Compactor
	dept    fieldTable
	// date1904 reads Excel date serial numbers in the 1904 date system.
	date1904 bool
	errs     int // errors reported for the current row
}

// start begins a row at line and col, clearing the previous row's cells
// (one builder serves a whole file, so a row allocates no cell table).
func (b *rowBuilder) start(line, col int) {
	if b.cells == nil {
		b.cells = make([]cell, len(disclosure.Fields))
		b.compact = NewCompactor()
		b.opts.Limits = page.LimitsOrDefault(b.opts.Limits)
	}
	clear(b.cells)
	b.line, b.col, b.errs = line, col, 0
	b.rows++
}

// full reports, once, that the file holds more rows than
// [limits] rows_per_file, at the row just started; the reader stops there.
func (b *rowBuilder) full() bool {
	if b.rows <= b.opts.Limits.RowsPerFile {
		return false
	}
	n := b.opts.Limits.RowsPerFile
	b.w.errorf(b.dl, b.line, b.col, "", "%s", bi(fmt.Sprintf("文件超过 %d 行，其余各行未读取（请拆分为多个文件，或在 portal.toml 的 [limits] 中调高 rows_per_file）", n),
		fmt.Sprintf("the file has more than %d rows; the rest is not read (split it into several files, or raise [limits] rows_per_file in portal.toml)", n)))
	return true
}

// set stores the cell of field key; a value longer than [limits]
// line_bytes is refused in its cell.
func (b *rowBuilder) set(key string, c cell) {
	if n, max := len(c.val), b.opts.Limits.LineBytes; n > max {
		c.val, c.bad = "", bi(fmt.Sprintf("这个值长 %d 字节，一个单元格最多读取 %d 字节（请缩短，或在 portal.toml 的 [limits] 中调高 line_bytes）", n, max),
			fmt.Sprintf("this value is %d bytes long; at most %d bytes are read in one cell (shorten it, or raise [limits] line_bytes in portal.toml)", n, max))
	}
	b.cells[fieldIndex[key]] = c
}

// cell returns the cell of field key (the zero cell when absent).
func (b *rowBuilder) cell(key string) cell {
	if b.cells == nil {
		return cell{}
	}
	return b.cells[fieldIndex[key]]
}

func (b *rowBuilder) errf(c cell, format string, args ...any) {
	line, col := c.line, c.col
	if c.name == "" {
		line, col = b.line, b.col
	}
	b.errs++
	b.w.errorf(b.dl, line, col, c.name, format, args...)
}

func (b *rowBuilder) warnf(c cell, format string, args ...any) {
	line, col := c.line, c.col
	if c.name == "" {
		line, col = b.line, b.col
	}
	b.w.warnf(b.dl, line, col, c.name, format, args...)
}

func (b *rowBuilder) get(key string) (cell, string) {
	c := b.cell(key)
	return c, strings.TrimSpace(c.val)
}

func (b *rowBuilder) str(key string) string {
	_, v := b.get(key)
	return v
}

func (b *rowBuilder) required(key string) string {
	c, v := b.get(key)
	if v == "" && c.bad == "" {
		if c.name == "" { // a JSON object without the key
			b.errs++
			b.w.errorf(b.dl, b.line, b.col, key, "%s", bi("缺少必需的字段，可写作 "+strings.Join(disclosure.NamesOf(key), " 或 "),
				"required field is missing (name it "+strings.Join(disclosure.NamesOf(key), " or ")+")"))
		} else {
			b.errf(c, "%s", bi("不能为空", "must not be empty"))
		}
	}
	return v
}

const dateHint = "可写作 2024-03-05、2024/3/5、2024年3月5日、2024.03.05、20240305 或 Excel 日期"

func (b *rowBuilder) date(key string, req bool) time.Time {
	var v string
	if req {
		v = b.required(key)
	} else {
		_, v = b.get(key)
	}
	if v == "" {
		return time.Time{}
	}
	d, err := page.ParseDate(v, b.opts.loc())
	if err == nil {
		return d
	}
	if d, ok := excelSerial(v, b.date1904, b.opts.loc()); ok {
		return d
	}
	b.errf(b.cell(key), "%s", bi(fmt.Sprintf("%q 不是日期，%s", v, dateHint),
		fmt.Sprintf("%q is not a date (use 2024-03-05, 2024/3/5, 2024年3月5日, 2024.03.05, 20240305 or an Excel date)", v)))
	return time.Time{}
}

func (b *rowBuilder) boolean(key string) bool {
	c, v := b.get(key)
	switch strings.ToLower(v) {
	case "", "false", "0", "否", "no", "n":
		return false
	case "true", "1", "是", "yes", "y":
		return true
	}
	b.errf(c, "%s", bi(fmt.Sprintf("%q 不是是或否，可写作 是/否、true/false 或 1/0", v), fmt.Sprintf("%q is not true or false (use 是/否, true/false or 1/0)", v)))
	return false
}

func (b *rowBuilder) amount(key string) model.Amount {
	c, v := b.get(key)
	if v == "" {
		return model.Amount{}
	}
	a, err := disclosure.ParseAmount(v, c.unit)
	if err != nil {
		b.errf(c, "%q %v", v, err)
	}
	return a
}

func (b *rowBuilder) code(key string) string {
	c, v := b.get(key)
	if v == "" {
		return ""
	}
	bad, warn := CheckCreditCode(v)
	if bad != nil {
		b.errf(c, "%v", bad)
	} else if warn != nil {
		b.warnf(c, "%v", warn)
	}
	return v
}

// build validates one row and returns it as a page (nil when it has no
// usable document number or subject).
func (b *rowBuilder) build(implied string) *page.Page {
	for _, c := range b.cells {
		if c.bad != "" {
			b.errf(c, "%s", c.bad)
		}
	}
	d := &model.Disclosure{}
	d.SubjectName = b.required("subject_name")
	if c, v := b.get("subject_type"); v != "" {
		t, ok := disclosure.SubjectType(v)
		if !ok {
			b.errf(c, "%s", bi(fmt.Sprintf("%q 不是行政相对人类别，可写作 %s", v, strings.Join(model.SubjectTypes, "、")),
				fmt.Sprintf("%q is not a subject type (use %s)", v, strings.Join(model.SubjectTypes, ", "))))
		}
		d.SubjectType = t
	}
	d.CreditCode = b.code("credit_code")
	d.RegistrationNumber = b.str("registration_number")
	d.OrgCode = b.str("org_code")
	d.TaxNumber = b.str("tax_number")
	d.InstitutionCode = b.str("institution_code")
	d.SocialOrgCode = b.str("social_org_code")
	d.LegalRep = b.str("legal_rep")
	d.DocName = b.str("doc_name")
	d.DocNumber = b.required("doc_number")
	if c, v := b.get("category"); v != "" || c.name != "" || implied == "" {
		d.Category = b.required("category")
	} else {
		d.Category = implied
	}
	if d.Category != "" {
		if err := page.CheckSegment(d.Category); err != nil {
			b.errf(b.cell("category"), "%v; the category names its own list page, /disclosures/category/<类别>/", err)
			d.Category = ""
		}
	}
	checkCategory(d.Category, b.opts.Categories, func(format string, args ...any) { b.warnf(b.cell("category"), format, args...) })
	d.Title = b.str("title")
	d.LicenceKind = b.str("licence_kind")
	d.LicenceName = b.str("licence_name")
	d.LicenceNumber = b.str("licence_number")
	d.Content = b.str("content")
	d.ViolationType = b.str("violation_type")
	d.ViolationFacts = b.str("violation_facts")
	d.LegalBasis = b.str("legal_basis")
	d.PenaltyKind = b.str("penalty_kind")
	d.FineAmount = b.amount("fine")
	d.Fine = d.FineAmount.Yuan()
	d.Confiscated = b.amount("confiscated")
	d.SuspendedLicence = b.str("suspended_licence")
	d.Date = b.date("date", true)
	d.ValidFrom = b.date("valid_from", false)
	d.ValidUntil = b.date("valid_until", false)
	d.PenaltyUntil = b.date("penalty_until", false)
	d.PublicityUntil = b.date("publicity_until", false)
	if !d.PublicityUntil.IsZero() && !d.Date.IsZero() && d.PublicityUntil.Before(d.Date) {
		b.errf(b.cell("publicity_until"), "%s", bi(fmt.Sprintf("%s 早于决定日期 %s", d.PublicityUntil.Format(time.DateOnly), d.Date.Format(time.DateOnly)),
			fmt.Sprintf("%s is before the decision date %s", d.PublicityUntil.Format(time.DateOnly), d.Date.Format(time.DateOnly))))
	}
	d.Published = b.date("published", false)
	if !d.Published.IsZero() && !d.Date.IsZero() && d.Published.Before(d.Date) {
		b.errf(b.cell("published"), "%s", bi(fmt.Sprintf("%s 早于决定日期 %s（公示日期不能早于决定日期）", d.Published.Format(time.DateOnly), d.Date.Format(time.DateOnly)),
			fmt.Sprintf("%s is before the decision date %s (公示日期 cannot precede 决定日期)", d.Published.Format(time.DateOnly), d.Date.Format(time.DateOnly))))
	}
	if !d.ValidUntil.IsZero() && !d.ValidFrom.IsZero() && d.ValidUntil.Before(d.ValidFrom) {
		b.errf(b.cell("valid_until"), "%s", bi(fmt.Sprintf("%s 早于有效期自 %s", d.ValidUntil.Format(time.DateOnly), d.ValidFrom.Format(time.DateOnly)),
			fmt.Sprintf("%s is before valid_from %s", d.ValidUntil.Format(time.DateOnly), d.ValidFrom.Format(time.DateOnly))))
	}
	dept := b.required("department")
	d.DepartmentCode = b.code("department_code")
	d.Status = readStatus(b.str("status"))
	d.DataSource = b.str("data_source")
	d.DataSourceCode = b.code("data_source_code")
	if c, v := b.get("severity"); v != "" {
		if !slices.Contains(model.Severities, v) {
			b.errf(c, "%s", bi(fmt.Sprintf("%q 不是失信严重程度，可写作 %s", v, strings.Join(model.Severities, "、")),
				fmt.Sprintf("%q is not a severity (use %s)", v, strings.Join(model.Severities, ", "))))
		} else {
			d.Severity = v
		}
	}
	d.Remarks = b.str("remarks")
	d.Withdrawn = b.boolean("withdrawn")
	d.WithdrawnNote = b.str("withdrawn_note")
	d.Example = b.boolean("example")
	if c, id := b.get("id"); id != "" {
		if err := page.CheckID(id); err != nil {
			b.errf(c, "%v", err)
		}
		d.ID = id
	} else if d.DocNumber != "" {
		d.ID = DerivedID(d.DocNumber)
	}
	d.Source = model.Source{File: b.w.file, Sheet: b.w.sheet, Line: b.line}
	_, personalID := b.get("id_number")
	d.Withheld = disclosure.Finish(d, disclosure.Options{Names: b.opts.Config.PersonNames, Rules: b.opts.rules(), PersonalID: personalID != ""},
		func(key, format string, args ...any) { b.warnf(b.cell(key), format, args...) })
	b.compact.Disclosure(d)
	p := &page.Page{Kind: model.KindDisclosure, Disclosure: d, Errors: b.errs}
	if dept != "" {
		c := b.cell("department")
		p.Refs = []page.Ref{{File: b.w.file, Sheet: b.w.sheet, Line: c.line, Col: c.col, Key: c.name, Name: b.dept.keep(dept), Set: func(id string) { d.Department = id }}}
	}
	return p
}

// checkCategory warns about a category outside the known ones.
func checkCategory(cat string, known []string, warn func(format string, args ...any)) {
	if known == nil {
		known = model.DisclosureCategories
	}
	if cat == "" || slices.Contains(known, cat) {
		return
	}
	warn("%s", bi(fmt.Sprintf("%q 不在已知的类别中（%s）；如确为新类别，请加入 portal.toml 的 [vocabulary] disclosure_categories", cat, strings.Join(known, "、")),
		fmt.Sprintf("%q is not a known category (%s); add it to portal.toml [vocabulary] disclosure_categories if it is one", cat, strings.Join(known, " | "))))
}

// readStatus reads 当前状态: the standard's codes 1 (有效) and 2 (无效), or
// the words as written.
func readStatus(s string) string {
	switch s {
	case "1":
		return "有效"
	case "2":
		return "无效"
	}
	return s
}

// excelSerial reads an Excel date serial number (days since 1899-12-30, or
// since 1904-01-01 in a workbook using the 1904 date system; a fraction is
// the time of day).
func excelSerial(s string, date1904 bool, loc *time.Location) (time.Time, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 61 || f > 2958465 || strings.ContainsAny(s, "eE+-") {
		return time.Time{}, false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, loc)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, loc)
	}
	return base.AddDate(0, 0, int(f)), true
}
