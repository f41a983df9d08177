// Package page reads one content file: it splits the "+++" TOML front matter
// from the Markdown body and decodes the front matter into the model type of
// the file's kind, checking every key.
//
// Contract: Parse never panics and never stops at the first problem: every
// problem goes to the diag.List with the file line and character column of
// the key or value concerned (TOML positions are mapped to file lines; byte
// columns are converted to characters). Every key is known per kind; unknown
// keys, missing required keys, wrong types, bad dates and values outside an
// enumeration are errors that say what is allowed. A UTF-8 BOM and CRLF line
// endings are accepted; other encodings are errors. Local dates are
// interpreted in the site's zone (Options.Location), never the machine's.
// Department names are not resolved here: they come back as Refs for the
// loader to resolve against the registry and write into the model.
package page

import (
	"bytes"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"portal/generator/diag"
	"portal/generator/disclosure"
	"portal/generator/model"
)

// Options configures Parse.
type Options struct {
	// Location is the site's zone for local dates; nil means UTC.
	Location *time.Location
	// CheckCreditCode validates a 统一社会信用代码: bad is an error, warn a
	// warning (a wrong check character). Nil skips the check.
	CheckCreditCode func(code string) (bad, warn error)
	// Disclosures is the site's [disclosures]: the person-name rule and the
	// publicity rules (nil Publicity: model.DefaultPublicityRules).
	Disclosures model.DisclosureConfig
	// Vocabulary is the site's [vocabulary]; a nil list means its default.
	Vocabulary model.VocabularyConfig
	// Limits bound the file before it is parsed; zero values take the
	// defaults (model.DefaultLimits).
	Limits model.Limits
}

func (o Options) publicityRules() []model.PublicityRule {
	if o.Disclosures.Publicity == nil {
		return model.DefaultPublicityRules()
	}
	return o.Disclosures.Publicity
}

// Ref is a department name to resolve against the registry.
type Ref struct {
	File      string
	Sheet     string // the workbook sheet of a data row, or ""
	Line, Col int
	Key       string
	Name      string
	Set       func(id string) // stores the resolved id in the model
}

// Page is one parsed content file. Exactly one of the kind fields is set.
type Page struct {
	Kind       model.Kind
	Section    *model.Section // _index.md
	Commitment *model.Commitment
	Disclosure *model.Disclosure
	Policy     *model.Policy
	Case       *model.Case
	News       *model.News
	Record     *model.Record
	Refs       []Ref
	// Errors counts the errors a data-file reader reported for this row
	// (the row is still returned so later checks see it); 0 for pages.
	Errors int
}

// Common returns the page's shared fields (nil for a Section).
func (p *Page) Common() *model.Common {
	switch {
	case p.Commitment != nil:
		return &p.Commitment.Common
	case p.Disclosure != nil:
		return &p.Disclosure.Common
	case p.Policy != nil:
		return &p.Policy.Common
	case p.Case != nil:
		return &p.Case.Common
	case p.News != nil:
		return &p.News.Common
	case p.Record != nil:
		return &p.Record.Common
	}
	return nil
}

// DisclosureNames returns the accepted names of the disclosure field key
// (the English key, then the national column names).
func DisclosureNames(key string) []string { return disclosure.NamesOf(key) }

// Parse reads the content file file (a slash path relative to the site root)
// of the given kind. It returns nil when the file cannot be read at all
// (encoding, framing or TOML syntax); otherwise the page, even when some
// keys were wrong, so later checks (duplicate ids) still see it. The page's
// body shares data's bytes (a site's bodies are most of its bytes, and
// copying them was a tenth of loading it): the caller hands data over and
// must not change it afterwards.
func Parse(file string, kind model.Kind, data []byte, opts Options, dl *diag.List) *Page {
	base := path.Base(file)
	id := strings.TrimSuffix(base, ".md")
	lim := limitsOrDefault(opts.Limits)
	if len(data) > lim.FileBytes {
		dl.Errorf(file, 1, 1, "", "the file is %d bytes; at most %d bytes are read from one content file (split it, or raise [limits] file_bytes in portal.toml)", len(data), lim.FileBytes)
		return nil
	}
	data, err := Normalize(data)
	if err != nil {
		reportSplit(file, err, dl)
		return nil
	}
	if !CheckLines(file, data, lim.LineBytes, dl) {
		return nil
	}
	front, body, frontLine, err := Split(data)
	if err != nil {
		reportSplit(file, err, dl)
		return nil
	}
	if len(front) > lim.FrontMatterBytes {
		dl.Errorf(file, frontLine, 1, "", "the front matter is %d bytes; at most %d bytes are read (move long text into the body below the closing +++, or raise [limits] front_matter_bytes in portal.toml)", len(front), lim.FrontMatterBytes)
		return nil
	}
	bodyLine := 1 + bytes.Count(data[:len(data)-len(body)], []byte("\n"))
	if line, depth := MarkdownDepth(body, lim.MarkdownDepth); line > 0 {
		dl.Errorf(file, bodyLine+line-1, 1, "", "%s", depthError(diag.Text{ZH: "列表和引用", EN: "the lists and block quotes are"}, depth, lim.MarkdownDepth, "markdown_depth"))
		return nil
	}
	if line := LinkScan(body); line > 0 {
		dl.Errorf(file, bodyLine+line-1, 1, "", "this line holds so many links without spaces between them that rendering it would take minutes; put a space or a line break between links")
		return nil
	}
	t := DecodeTOMLDepth(file, front, frontLine, opts.Location, lim.FrontMatterDepth, dl)
	if t == nil {
		return nil
	}
	p := &Page{Kind: kind}
	if base == "_index.md" {
		p.Section = &model.Section{Kind: kind, Title: t.Str(kind != "", "title"), Body: string(body), Source: model.Source{File: file, Line: 1}}
		// A Hugo section's own keys describe its list page; portal's list
		// pages come from the records, so they are accepted and not used.
		for _, k := range hugoSectionKeys {
			t.Has(k)
		}
		t.Finish()
		return p
	}
	// data is the caller's no more (see the doc comment): the body's
	// string is its bytes.
	pp := &parser{t: t, p: p, file: file, opts: opts, body: unsafe.String(unsafe.SliceData(body), len(body)), bodyLine: bodyLine}
	switch kind {
	case model.KindCommitment:
		pp.commitment()
	case model.KindDisclosure:
		pp.disclosure()
	case model.KindPolicy:
		pp.policy()
	case model.KindCase:
		pp.caseFile()
	case model.KindNews:
		pp.news()
	case model.KindRecord:
		pp.record()
	default:
		dl.Errorf(file, 1, 1, "", "unknown kind %q", kind)
		return nil
	}
	// Hugo's slug names the page instead of its file.
	if t.Has("slug") {
		slug := t.Str(true, "slug")
		if err := CheckID(slug); err != nil {
			if te, ok := err.(*diag.TextError); ok {
				err = &diag.TextError{ZH: strings.Replace(te.ZH, "文件名", "slug", 1), EN: strings.Replace(te.EN, "file name", "slug", 1)}
			}
			t.Errorf("slug", "%v", err)
		} else if slug != "" {
			id = slug
		}
	} else if err := CheckID(id); err != nil {
		dl.Errorf(file, 1, 1, "", "%v", err)
	}
	c := p.Common()
	c.ID = id
	if p.Disclosure == nil { // a disclosure's body was read (and checked for personal data) by disclosure()
		c.Body = pp.body
	}
	c.Source = model.Source{File: file, Line: 1}
	t.Finish()
	return p
}

func reportSplit(file string, err error, dl *diag.List) {
	if se, ok := err.(*SplitError); ok {
		dl.Errorf(file, se.Line, se.Col, "", "%s", se.Msg)
		return
	}
	dl.Errorf(file, 1, 1, "", "%v", err)
}

type parser struct {
	t          *Table
	p          *Page
	file       string
	opts       Options
	body       string   // the Markdown after the front matter
	bodyLine   int      // its first line in the file
	categories []string // Hugo's categories
}

// hugoSectionKeys are the keys a Hugo _index.md may carry besides title.
var hugoSectionKeys = []string{"description", "date", "draft", "weight", "lastmod", "publishDate", "expiryDate", "slug", "aliases",
	"summary", "tags", "categories", "type", "layout", "linkTitle", "keywords", "cascade", "menu", "sitemap", "outputs", "build"}

func (pp *parser) common(titleNames, dateNames []string) model.Common {
	t := pp.t
	c := model.Common{Title: t.Str(true, titleNames...)}
	hasDate := t.Has(dateNames...)
	c = model.Common{
		Title:       c.Title,
		Summary:     t.Str(false, "summary"),
		Tags:        pp.segments("tags"),
		Draft:       t.Bool("draft"),
		Example:     t.Bool(pp.exampleNames()...),
		PublishDate: t.Date(false, "publishDate", "publishdate", "pubdate"),
		ExpiryDate:  t.Date(false, "expiryDate", "expirydate", "unpublishdate"),
		Lastmod:     t.Date(false, "lastmod", "lastMod", "modified"),
		Description: t.Str(false, "description"),
		Aliases:     pp.aliases(),
	}
	if w, ok := t.Int("weight"); ok {
		c.Weight = w
	}
	// Hugo's date falls back to publishDate, then lastmod.
	switch {
	case hasDate:
		c.Date = t.Date(true, dateNames...)
	case !c.PublishDate.IsZero():
		c.Date = c.PublishDate
	case !c.Lastmod.IsZero():
		c.Date = c.Lastmod
	default:
		c.Date = t.Date(true, dateNames...)
	}
	if c.Summary == "" {
		c.Summary = c.Description
	}
	if !c.ExpiryDate.IsZero() && !c.Date.IsZero() && c.ExpiryDate.Before(c.Date) {
		t.Errorf(pp.present([]string{"expiryDate", "expirydate", "unpublishdate"}), "%s is before the date %s", c.ExpiryDate.Format(time.DateOnly), c.Date.Format(time.DateOnly))
	}
	// Hugo's categories: each is also a tag; the first stands in for the
	// kind's own category key when that is absent (see fallbackCategory).
	pp.categories = pp.segments("categories")
	c.Tags = appendNew(c.Tags, pp.categories...)
	return c
}

func appendNew(dst []string, more ...string) []string {
	for _, s := range more {
		if !slices.Contains(dst, s) {
			dst = append(dst, s)
		}
	}
	return dst
}

// aliases reads Hugo's aliases: old site paths ("/old/path/", or relative
// to the section folder: "old-name") that redirect to the page. Each part of
// a path must be usable as a folder name.
func (pp *parser) aliases() []string {
	t := pp.t
	var out []string
	for _, a := range t.Strs("aliases") {
		p := strings.Trim(a, "/")
		ok := p != "" && !strings.ContainsAny(p, "?#")
		for _, seg := range strings.Split(p, "/") {
			if err := CheckSegment(seg); err != nil {
				ok = false
			}
		}
		if !ok {
			line, col := t.ElemPos("aliases", a)
			t.ErrorAt(line, col, "aliases", "%q is not a site path (write it as /section/old-name/ or old-name: folder names without ., .., ? or #)", a)
			continue
		}
		out = append(out, a)
	}
	return out
}

// fallbackCategory returns v, or when it is empty the first of Hugo's
// categories (checked against the vocabulary like v).
func (pp *parser) fallbackCategory(v string, configured, defaults []string, configKey string) string {
	if v != "" || len(pp.categories) == 0 {
		return v
	}
	c := pp.categories[0]
	known := configured
	if known == nil {
		known = defaults
	}
	if !slices.Contains(known, c) {
		pp.t.Warnf("categories", "%q is not one of the known values (%s); if it is a new one, add it to portal.toml [vocabulary] %s",
			c, strings.Join(known, " | "), configKey)
	}
	return c
}

// segments reads an array of values that each name a folder of the output
// (tags: /tags/<tag>/), reporting each bad one at its own position and
// leaving it out.
func (pp *parser) segments(key string) []string {
	t := pp.t
	vals := t.Strs(key)
	out := vals[:0]
	for _, v := range vals {
		if err := CheckSegment(v); err != nil {
			line, col := t.ElemPos(key, v)
			t.ErrorAt(line, col, key, "%v; each value of %s names its own page, /%s/<value>/", err, key, key)
			continue
		}
		out = append(out, v)
	}
	return out
}

func (pp *parser) exampleNames() []string {
	if pp.p.Kind == model.KindDisclosure {
		return DisclosureNames("example")
	}
	return []string{"example"}
}

// ref records a department name under key for later resolution.
func (pp *parser) ref(t *Table, key string, required bool, set func(string)) {
	name := t.Str(required, key)
	if name == "" {
		return
	}
	line, col := t.Pos(key)
	pp.p.Refs = append(pp.p.Refs, Ref{File: pp.file, Line: line, Col: col, Key: key, Name: name, Set: set})
}

// refNames is ref for a key with aliases (disclosures).
func (pp *parser) refNames(names []string, required bool, set func(string)) {
	t := pp.t
	present := ""
	for _, n := range names {
		if _, ok := t.m[n]; ok {
			present = n
			break
		}
	}
	name := t.Str(required, names...)
	if name == "" || present == "" {
		return
	}
	line, col := t.Pos(present)
	pp.p.Refs = append(pp.p.Refs, Ref{File: pp.file, Line: line, Col: col, Key: present, Name: name, Set: set})
}

// refs records an array of department names; ids land in *dst in order.
// The singular "department" (a name or an array) is read where "departments"
// is meant, as Hugo sites often write it.
func (pp *parser) refs(key string, dst *[]string) {
	t := pp.t
	if key == "departments" {
		name, v, ok := t.lookup("departments", "department")
		if !ok {
			return
		}
		key = name
		if one, single := v.(string); single {
			one = strings.TrimSpace(one)
			if one == "" {
				t.Errorf(key, "must not be empty")
				return
			}
			*dst = make([]string, 1)
			line, col := t.Pos(key)
			pp.p.Refs = append(pp.p.Refs, Ref{File: pp.file, Line: line, Col: col, Key: key, Name: one, Set: func(id string) { (*dst)[0] = id }})
			return
		}
	}
	names := t.Strs(key)
	if len(names) == 0 {
		return
	}
	*dst = make([]string, len(names))
	for i, n := range names {
		line, col := t.ElemPos(key, n)
		pp.p.Refs = append(pp.p.Refs, Ref{File: pp.file, Line: line, Col: col, Key: key, Name: n, Set: func(id string) { (*dst)[i] = id }})
	}
}

func statusStrings() []string {
	out := make([]string, len(model.Statuses))
	for i, s := range model.Statuses {
		out[i] = string(s)
	}
	return out
}

func (pp *parser) status(t *Table, key string) model.Status {
	if v, ok := t.m[key].(string); ok && strings.TrimSpace(v) == string(model.StatusOverdue) {
		t.Has(key)
		t.Errorf(key, `"overdue" is derived from the deadline and never written (use one of: %s)`, strings.Join(statusStrings(), " | "))
		return ""
	}
	// An editor writes the status as the site shows it (已兑现): name the
	// code to write instead of only listing codes they cannot match.
	if v, ok := t.m[key].(string); ok {
		for _, st := range model.Statuses {
			if strings.TrimSpace(v) == st.Label() {
				t.Has(key)
				t.Errorf(key, "%q is how the site shows the status; write its code %q here (use one of: %s)", strings.TrimSpace(v), string(st), labelledStatuses())
				return ""
			}
		}
	}
	return model.Status(t.Enum(true, statusStrings(), key))
}

// labelledStatuses lists the status codes with the names the site shows,
// "pending（未启动） | in_progress（推进中） | …".
func labelledStatuses() string {
	out := make([]string, len(model.Statuses))
	for i, s := range model.Statuses {
		out[i] = string(s) + "（" + s.Label() + "）"
	}
	return strings.Join(out, " | ")
}

func (pp *parser) commitment() {
	t := pp.t
	c := &model.Commitment{}
	pp.p.Commitment = c
	c.Common = pp.common([]string{"title"}, []string{"date"})
	pp.ref(t, "department", true, func(id string) { c.Department = id })
	pp.refs("partners", &c.Partners)
	c.PartnersNote = t.Str(false, "partners_note")
	c.Category = pp.vocab(false, pp.opts.Vocabulary.CommitmentCategories, model.CommitmentCategories, "commitment_categories", "category")
	c.Category = pp.fallbackCategory(c.Category, pp.opts.Vocabulary.CommitmentCategories, model.CommitmentCategories, "commitment_categories")
	c.Deadline = t.Date(false, "deadline")
	c.Status = pp.status(t, "status")
	c.SourceDoc = t.Str(false, "source")
	if m, ok := t.Int("measure"); ok {
		if m < 1 || m > 18 {
			t.Errorf("measure", "%d is not a measure number (use 1 to 18)", m)
		} else {
			c.Measure = m
		}
	}
	if !c.Deadline.IsZero() && !c.Date.IsZero() && c.Deadline.Before(c.Date) {
		t.Errorf("deadline", "%s is before date %s (the deadline cannot come before the promise)",
			c.Deadline.Format(time.DateOnly), c.Date.Format(time.DateOnly))
	}
	for _, pt := range t.Tables("progress") {
		pr := model.Progress{Line: pt.Line()}
		pr.Date = pt.Date(true, "date")
		pr.Status = pp.status(pt, "status")
		pr.Note = pt.Str(true, "note")
		pr.Evidence = pt.Str(false, "evidence")
		if pr.Evidence != "" {
			if err := CheckEvidence(pr.Evidence); err != nil {
				pt.Errorf("evidence", "%v", err)
			}
		}
		pt.Finish()
		c.Progress = append(c.Progress, pr)
	}
	// The written status is the verdict; the newest log entry must back it.
	latest := -1
	for i, pr := range c.Progress {
		if !pr.Date.IsZero() && (latest < 0 || !pr.Date.Before(c.Progress[latest].Date)) {
			latest = i
		}
	}
	if latest >= 0 && c.Status != "" && c.Progress[latest].Status != "" && c.Progress[latest].Status != c.Status {
		pr := c.Progress[latest]
		t.Warnf("status", "is %q but the latest progress entry (%s, line %d) says %q; add a progress entry for the new status or correct one of them",
			c.Status, pr.Date.Format(time.DateOnly), pr.Line, pr.Status)
	}
}

func (pp *parser) disclosure() {
	t := pp.t
	d := &model.Disclosure{}
	pp.p.Disclosure = d
	n := DisclosureNames
	if t.Has("id") {
		t.Errorf("id", "the id of a Markdown disclosure is its file name; remove this key")
	}
	d.Common = pp.common(n("title"), n("date"))
	d.SubjectName = t.Str(true, n("subject_name")...)
	if v := t.Str(false, n("subject_type")...); v != "" {
		st, ok := disclosure.SubjectType(v)
		if !ok {
			t.Errorf(pp.present(n("subject_type")), "%q is not a subject type (use one of: %s)", v, strings.Join(model.SubjectTypes, " | "))
		}
		d.SubjectType = st
	}
	d.CreditCode = pp.code("credit_code")
	d.RegistrationNumber = t.Str(false, n("registration_number")...)
	d.OrgCode = t.Str(false, n("org_code")...)
	d.TaxNumber = t.Str(false, n("tax_number")...)
	d.InstitutionCode = t.Str(false, n("institution_code")...)
	d.SocialOrgCode = t.Str(false, n("social_org_code")...)
	d.LegalRep = t.Str(false, n("legal_rep")...)
	// Personal data: accepted so exports carrying it read cleanly, never kept.
	t.Str(false, n("legal_rep_id_type")...)
	t.Str(false, n("legal_rep_id_number")...)
	t.Str(false, n("id_type")...)
	personalID := t.Str(false, n("id_number")...) != ""
	d.DocName = t.Str(false, n("doc_name")...)
	d.DocNumber = t.Str(true, n("doc_number")...)
	implied := pp.impliedCategory()
	d.Category = pp.vocab(implied == "" && len(pp.categories) == 0, pp.opts.Vocabulary.DisclosureCategories, model.DisclosureCategories, "disclosure_categories", n("category")...)
	if d.Category == "" {
		d.Category = implied
	}
	d.Category = pp.fallbackCategory(d.Category, pp.opts.Vocabulary.DisclosureCategories, model.DisclosureCategories, "disclosure_categories")
	d.LicenceKind = t.Str(false, n("licence_kind")...)
	d.LicenceName = t.Str(false, n("licence_name")...)
	d.LicenceNumber = t.Str(false, n("licence_number")...)
	d.Content = t.Str(false, n("content")...)
	d.ViolationType = t.Str(false, n("violation_type")...)
	d.ViolationFacts = t.Str(false, n("violation_facts")...)
	d.LegalBasis = t.Str(false, n("legal_basis")...)
	d.PenaltyKind = t.Str(false, n("penalty_kind")...)
	d.FineAmount = pp.amount("fine")
	d.Fine = d.FineAmount.Yuan()
	d.Confiscated = pp.amount("confiscated")
	d.SuspendedLicence = t.Str(false, n("suspended_licence")...)
	d.ValidFrom = t.Date(false, n("valid_from")...)
	d.ValidUntil = t.Date(false, n("valid_until")...)
	d.PenaltyUntil = t.Date(false, n("penalty_until")...)
	d.PublicityUntil = t.Date(false, n("publicity_until")...)
	d.Published = t.Date(false, n("published")...)
	if !d.Published.IsZero() && !d.Date.IsZero() && d.Published.Before(d.Date) {
		t.Errorf(pp.present(n("published")), "%s is before the decision date %s (公示日期 cannot precede 决定日期)", d.Published.Format(time.DateOnly), d.Date.Format(time.DateOnly))
	}
	pp.refNames(n("department"), true, func(id string) { d.Department = id })
	d.DepartmentCode = pp.code("department_code")
	d.Status = t.Str(false, n("status")...)
	switch d.Status {
	case "1":
		d.Status = "有效"
	case "2":
		d.Status = "无效"
	}
	d.DataSource = t.Str(false, n("data_source")...)
	d.DataSourceCode = pp.code("data_source_code")
	d.Severity = t.Enum(false, model.Severities, n("severity")...)
	d.Remarks = t.Str(false, n("remarks")...)
	d.Withdrawn = t.Bool(n("withdrawn")...)
	d.WithdrawnNote = t.Str(false, n("withdrawn_note")...)
	if !d.PublicityUntil.IsZero() && !d.Date.IsZero() && d.PublicityUntil.Before(d.Date) {
		t.Errorf(pp.present(n("publicity_until")), "%s is before the decision date %s", d.PublicityUntil.Format(time.DateOnly), d.Date.Format(time.DateOnly))
	}
	if !d.ValidUntil.IsZero() && !d.ValidFrom.IsZero() && d.ValidUntil.Before(d.ValidFrom) {
		t.Errorf(pp.present(n("valid_until")), "%s is before valid_from %s", d.ValidUntil.Format(time.DateOnly), d.ValidFrom.Format(time.DateOnly))
	}
	d.Body = pp.body
	d.Withheld = disclosure.Finish(d, disclosure.Options{Names: pp.opts.Disclosures.PersonNames, Rules: pp.opts.publicityRules(), PersonalID: personalID},
		func(key, format string, args ...any) {
			if key == "body" {
				t.d.dl.Warnf(t.d.file, pp.bodyLine, 1, "body", format, args...)
				return
			}
			t.Warnf(pp.present(n(key)), format, args...)
		})
}

// impliedCategory returns the category the front matter's keys imply
// (行政处罚决定书文号 → 行政处罚), or "" when they imply none or both.
func (pp *parser) impliedCategory() string {
	found := ""
	for k := range pp.t.m {
		m, ok := disclosure.Lookup(k)
		if !ok || m.Implies == "" {
			continue
		}
		if found != "" && found != m.Implies {
			return ""
		}
		found = m.Implies
	}
	return found
}

// code reads and checks a 统一社会信用代码 field.
func (pp *parser) code(key string) string {
	t := pp.t
	names := DisclosureNames(key)
	v := t.Str(false, names...)
	if v != "" && pp.opts.CheckCreditCode != nil {
		name := pp.present(names)
		bad, warn := pp.opts.CheckCreditCode(v)
		if bad != nil {
			t.Errorf(name, "%v", bad)
		} else if warn != nil {
			t.Warnf(name, "%v", warn)
		}
	}
	return v
}

// amount reads a sum of money: a number in the unit of the key used (元,
// or 万元 for 罚款金额（万元）), or text such as "20万元".
func (pp *parser) amount(key string) model.Amount {
	t := pp.t
	names := DisclosureNames(key)
	name, v, ok := t.lookup(names...)
	if !ok {
		return model.Amount{}
	}
	var s string
	switch v := v.(type) {
	case int64:
		s = strconv.FormatInt(v, 10)
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		s = v
	default:
		t.Errorf(name, "must be an amount such as 5000, 1250.5 or \"20万元\", not %s", typeName(v))
		return model.Amount{}
	}
	m, _ := disclosure.Lookup(name)
	a, err := disclosure.ParseAmount(s, m.Unit)
	if err != nil {
		t.Errorf(name, "%q %v", s, err)
	}
	return a
}

// vocab reads a value of an open vocabulary (categories, case types): a
// value outside the known ones (configured, else the defaults) is a warning
// that lists them, so -strict makes it an error.
func (pp *parser) vocab(required bool, configured, defaults []string, configKey string, names ...string) string {
	known := configured
	if known == nil {
		known = defaults
	}
	example := func() string {
		if len(known) > 0 {
			return fmt.Sprintf("%s = %q (known: %s)", names[0], known[0], strings.Join(known, " | "))
		}
		return names[0] + " = \"…\""
	}
	name, v := pp.t.str(required, names, example)
	if v == "" {
		return v
	}
	if err := CheckSegment(v); err != nil {
		pp.t.Errorf(name, "%v; the value names its own list page", err)
		return ""
	}
	if !slices.Contains(known, v) {
		pp.t.Warnf(name, "%q is not one of the known values (%s); if it is a new one, add it to portal.toml [vocabulary] %s",
			v, strings.Join(known, " | "), configKey)
	}
	return v
}

// present returns the first of names present in the front matter.
func (pp *parser) present(names []string) string {
	for _, n := range names {
		if _, ok := pp.t.m[n]; ok {
			return n
		}
	}
	return names[0]
}

func (pp *parser) policy() {
	t := pp.t
	p := &model.Policy{}
	pp.p.Policy = p
	p.Common = pp.common([]string{"title"}, []string{"date"})
	p.IndexNumber = t.Str(false, "index_number")
	p.Publisher = t.Str(false, "publisher")
	pp.refs("departments", &p.Departments)
	p.WrittenDate = t.Date(false, "written_date")
	p.DocNumber = t.Str(false, "doc_number")
	p.Topic = t.Str(false, "topic")
	if p.Topic != "" {
		if err := CheckSegment(p.Topic); err != nil {
			t.Errorf("topic", "%v; the topic names its own page, /policies/topic/<topic>/", err)
			p.Topic = ""
		}
	}
	p.Validity = t.Enum(false, model.PolicyValidities, "validity")
	if p.Validity == "" {
		p.Validity = model.PolicyValidities[0]
	}
	p.ValidityNote = t.Str(false, "validity_note")
	if !p.WrittenDate.IsZero() && !p.Date.IsZero() && p.Date.Before(p.WrittenDate) {
		t.Errorf("date", "the publication date %s is before written_date %s", p.Date.Format(time.DateOnly), p.WrittenDate.Format(time.DateOnly))
	}
}

func (pp *parser) caseFile() {
	t := pp.t
	c := &model.Case{}
	pp.p.Case = c
	c.Common = pp.common([]string{"title"}, []string{"date"})
	c.CaseType = pp.vocab(false, pp.opts.Vocabulary.CaseTypes, model.CaseTypes, "case_types", "case_type")
	c.CaseType = pp.fallbackCategory(c.CaseType, pp.opts.Vocabulary.CaseTypes, model.CaseTypes, "case_types")
	pp.refs("departments", &c.Departments)
	c.SourceDoc = t.Str(false, "source")
}

func (pp *parser) news() {
	t := pp.t
	n := &model.News{}
	pp.p.News = n
	n.Common = pp.common([]string{"title"}, []string{"date"})
	pp.refs("departments", &n.Departments)
	n.SourceName = t.Str(false, "source_name")
	n.SourceURL = t.Str(false, "source_url")
	if n.SourceURL != "" && !isHTTPURL(n.SourceURL) {
		t.Errorf("source_url", "%q is not a web address (use http:// or https://)", n.SourceURL)
		n.SourceURL = ""
	}
}

func (pp *parser) record() {
	t := pp.t
	r := &model.Record{}
	pp.p.Record = r
	r.Common = pp.common([]string{"title"}, []string{"date"})
	pp.ref(t, "department", true, func(id string) { r.Department = id })
	r.RecordType = t.Enum(true, model.RecordTypes, "record_type")
	r.Basis = t.Str(true, "basis")
	r.DocNumber = t.Str(false, "doc_number")
	r.Status = t.Enum(true, model.RecordStatuses, "status")
	r.RectifiedDate = t.Date(false, "rectified_date")
	r.PublicityUntil = t.Date(false, "publicity_until")
	r.Withdrawn = t.Bool("withdrawn")
	r.WithdrawnNote = t.Str(false, "withdrawn_note")
	if !r.RectifiedDate.IsZero() && !r.Date.IsZero() && r.RectifiedDate.Before(r.Date) {
		t.Errorf("rectified_date", "%s is before date %s", r.RectifiedDate.Format(time.DateOnly), r.Date.Format(time.DateOnly))
	}
}

var docNumberRE = regexp.MustCompile(`[〔\[（(【［]\s*(19|20)\d{2}\s*[〕\]）)】］]\s*第?\s*\d+\s*号`)

// IsDocNumber reports whether s looks like a Chinese document number (文号),
// such as 临发改信用〔2024〕295号.
func IsDocNumber(s string) bool { return docNumberRE.MatchString(s) }

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// CheckEvidence accepts a web address or a document number.
func CheckEvidence(s string) error {
	if isHTTPURL(s) || IsDocNumber(s) {
		return nil
	}
	if slices.ContainsFunc([]string{"http:", "https:", "www."}, func(p string) bool { return strings.HasPrefix(s, p) }) {
		return diag.NewError("%q is not a complete web address (use https://host/path)", s)
	}
	return diag.NewError("%q is neither a web address (http:// or https://) nor a document number such as 临发改信用〔2024〕295号", s)
}
