package generator

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"portal/generator/fingerprint"
	"portal/generator/ledger"
	"portal/generator/model"
)

// entries returns one model.Entry per published record page, in a stable
// order (kind order, then newest first), for search and feeds.
func (ix *index) entries() []model.Entry {
	n := 0
	for _, k := range model.Kinds {
		n += len(ix.byKind[k])
	}
	// Sized by the published pages, not every item: a site whose 100,000
	// data rows are past their 公示期 held 27 MB of empty entries.
	out := make([]model.Entry, 0, n)
	for _, k := range model.Kinds {
		for _, it := range ix.byKind[k] {
			e := model.Entry{Kind: it.kind, ID: it.common.ID, Path: it.url, Title: it.common.Title, Summary: it.summary,
				Text: it.text, HTML: string(it.html), Date: it.common.Date, Updated: it.common.Date,
				Departments: it.depts, Status: it.status, Category: it.category, Tags: it.common.Tags, Example: it.common.Example,
				Record: it.record()}
			if it.common.Lastmod.After(e.Updated) {
				e.Updated = it.common.Lastmod // Hugo's lastmod
			}
			ids := []string{it.common.ID}
			switch {
			case it.c != nil:
				// Progress notes are part of what a commitment says: a search
				// for a word only a progress note uses must find the page.
				var notes strings.Builder
				for _, p := range it.c.Progress {
					if p.Date.After(e.Updated) {
						e.Updated = p.Date
					}
					notes.WriteString("\n")
					notes.WriteString(p.Note)
				}
				e.Text += notes.String()
				ids = append(ids, it.c.SourceDoc)
			case it.d != nil:
				ids = append(ids, it.d.CreditCode, it.d.DocNumber)
				if e.Text == "" {
					e.Text = it.d.Content
				}
			case it.p != nil:
				ids = append(ids, it.p.DocNumber, it.p.IndexNumber)
			case it.r != nil:
				ids = append(ids, it.r.DocNumber)
			}
			e.Identifiers = appendUnique(nil, ids...)
			if ix.noText {
				e.Text = "" // only the beginning of it was worked out
			}
			out = append(out, e)
		}
	}
	return out
}

// entryKeys returns the key of each of entries (ix.entries' order): the
// item's key from its file, and the program, which makes the entry; zero
// when the item's key is the record itself.
func (ix *index) entryKeys() []fingerprint.Sum {
	out := make([]fingerprint.Sum, 0, len(ix.items))
	for _, k := range model.Kinds {
		for _, it := range ix.byKind[k] {
			var key fingerprint.Sum
			if sum, ok := it.key.(fingerprint.Sum); ok {
				key = fingerprint.Of(program(), sum)
			}
			out = append(out, key)
		}
	}
	return out
}

// record returns the model value behind it.
func (it *item) record() any {
	switch {
	case it.c != nil:
		return it.c
	case it.d != nil:
		return it.d
	case it.p != nil:
		return it.p
	case it.cs != nil:
		return it.cs
	case it.n != nil:
		return it.n
	case it.r != nil:
		return it.r
	}
	return nil
}

// profiles returns one entry per department page and per subject page
// (/subjects/<统一社会信用代码>/), so that search can put the page of the
// body or enterprise a query names first. Their text is what the page says
// about itself; the records it lists are entries of their own.
func (ix *index) profiles(site *model.Site) []model.Entry {
	out := make([]model.Entry, 0, len(site.Departments)+len(ix.bySubject))
	for _, d := range site.Departments {
		e := model.Entry{Kind: model.KindDepartment, ID: d.ID, Path: urlOf("departments", d.ID), Title: d.Name,
			Departments: []string{d.ID}, Record: d}
		e.Summary = strings.Join(appendUnique([]string{d.Short}, d.Type, d.Level), " · ")
		if n := len(ix.byDept[d.ID][model.KindCommitment]); n > 0 {
			e.Summary += " · 承诺 " + itoa(n) + " 项"
		}
		out = append(out, e)
	}
	for _, code := range sortedKeys(ix.bySubject) {
		items := ix.bySubject[code] // newest first
		s := &model.Subject{CreditCode: code, Name: items[0].d.SubjectName}
		e := model.Entry{Kind: model.KindSubject, ID: code, Path: urlOf("subjects", code), Title: s.Name,
			Date: items[0].common.Date, Updated: items[0].common.Date, Record: s}
		for _, it := range items {
			s.Names = appendUnique(s.Names, it.d.SubjectName)
		}
		e.Summary = "统一社会信用代码 " + code + " · 公示信息 " + itoa(len(items)) + " 条"
		out = append(out, e)
	}
	return out
}

// openDataKinds are the open data files, /data/<kind>.json and .csv.
var openDataKinds = []string{"commitments", "disclosures", "records", "cases", "policies", "news", "departments"}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// openData adds /data/<kind>.json and .csv for every kind to files: only
// published records, commitments with their derived status. With a
// publication log each record also carries the version it is, its content
// hash and its log entry (version, hash, log_entry). Each kind's files are
// keyed by their rows (keys): when reuse is set and says the published file
// has that key already (and keeps it), the file is not encoded again, so an
// edit re-encodes only its own kind's files.
func openData(site *model.Site, ix *index, files map[string][]byte, keys map[string]fingerprint.Sum, lr *ledgerRun,
	reuse func(name string, key fingerprint.Sum) (bool, error)) error {
	type table struct {
		header []string
		rows   [][]string
		json   []any
	}
	tables := map[string]*table{}
	add := func(kind string, header []string, row []string, obj any) {
		// With a publication log every row of a logged kind has the log's
		// columns, empty for a record not (yet) published in it: a CSV
		// whose rows differ in length from its header does not load.
		if lr != nil && ledger.Schema(model.Kind(kind)) != nil {
			header = append(header[:len(header):len(header)], openDataLogColumns...)
			if v, ok := lr.openData(model.Kind(kind), row[0]); ok {
				row = append(row, strconv.Itoa(v.version), v.hash, strconv.FormatInt(v.entry, 10))
				obj = v.extend(obj)
			} else {
				row = append(row, "", "", "")
			}
		}
		t := tables[kind]
		if t == nil {
			t = &table{header: header}
			tables[kind] = t
		}
		t.rows = append(t.rows, row)
		t.json = append(t.json, obj)
	}
	type commitment struct {
		ID           string   `json:"id"`
		Title        string   `json:"title"`
		Department   string   `json:"department"`
		Partners     []string `json:"partners"`
		PartnersNote string   `json:"partners_note,omitempty"`
		Category     string   `json:"category"`
		Date         string   `json:"date"`
		Deadline     string   `json:"deadline,omitempty"`
		Status       string   `json:"status"`       // the official status, always
		StatusLabel  string   `json:"status_label"` // its name with the lateness: 未兑现 · 逾期 428 天
		Overdue      bool     `json:"overdue"`
		VeryOverdue  bool     `json:"very_overdue,omitempty"`
		DaysLate     int      `json:"days_late,omitempty"`
		Source       string   `json:"source,omitempty"`
		URL          string   `json:"url"`
		Example      bool     `json:"example,omitempty"`
	}
	hdr := openDataHeaders["commitments"]
	for _, it := range ix.byKind[model.KindCommitment] {
		c := it.c
		st := c.Standing()
		partners := append([]string{}, c.Partners...)
		o := commitment{ID: c.ID, Title: c.Title, Department: c.Department, Partners: partners, PartnersNote: c.PartnersNote,
			Category: c.Category, Date: day(c.Date), Deadline: day(c.Deadline), Status: string(st.Status), StatusLabel: st.Label(),
			Overdue: st.Overdue, VeryOverdue: st.VeryOverdue, DaysLate: st.DaysLate, Source: c.SourceDoc, URL: it.url, Example: c.Example}
		add("commitments", hdr, []string{o.ID, o.Title, o.Department, join(partners), o.Category, o.Date, o.Deadline, o.Status, o.StatusLabel,
			strconv.FormatBool(o.Overdue), strconv.FormatBool(o.VeryOverdue), strconv.Itoa(o.DaysLate), o.Source, o.URL, strconv.FormatBool(o.Example)}, o)
	}
	for _, it := range ix.byKind[model.KindDisclosure] {
		hdr, row, obj := disclosureOpenData(it)
		add("disclosures", hdr, row, obj)
	}
	type record struct {
		ID            string `json:"id"`
		Title         string `json:"title"`
		Department    string `json:"department"`
		RecordType    string `json:"record_type"`
		Basis         string `json:"basis"`
		DocNumber     string `json:"doc_number,omitempty"`
		Status        string `json:"status"`
		Date          string `json:"date"`
		RectifiedDate string `json:"rectified_date,omitempty"`
		URL           string `json:"url"`
		Example       bool   `json:"example,omitempty"`
	}
	hdr = openDataHeaders["records"]
	for _, it := range ix.byKind[model.KindRecord] {
		r := it.r
		o := record{r.ID, r.Title, r.Department, r.RecordType, r.Basis, r.DocNumber, r.Status, day(r.Date), day(r.RectifiedDate), it.url, r.Example}
		add("records", hdr, []string{o.ID, o.Title, o.Department, o.RecordType, o.Basis, o.DocNumber, o.Status, o.Date, o.RectifiedDate, o.URL, strconv.FormatBool(o.Example)}, o)
	}
	type article struct {
		ID          string   `json:"id"`
		Title       string   `json:"title"`
		Date        string   `json:"date"`
		Type        string   `json:"type,omitempty"`
		Departments []string `json:"departments"`
		Source      string   `json:"source,omitempty"`
		Summary     string   `json:"summary"`
		URL         string   `json:"url"`
		Example     bool     `json:"example,omitempty"`
	}
	for _, k := range []model.Kind{model.KindCase, model.KindNews} {
		for _, it := range ix.byKind[k] {
			o := article{ID: it.common.ID, Title: it.common.Title, Date: day(it.common.Date), Type: it.category,
				Departments: append([]string{}, it.depts...), Summary: it.summary, URL: it.url, Example: it.common.Example}
			if it.cs != nil {
				o.Source = it.cs.SourceDoc
			} else {
				o.Source = it.n.SourceName
			}
			add(string(k), openDataHeaders[string(k)], []string{o.ID, o.Title, o.Date, o.Type, join(o.Departments), o.Source, o.Summary, o.URL, strconv.FormatBool(o.Example)}, o)
		}
	}
	type policy struct {
		ID          string `json:"id"`
		Title       string `json:"title"`
		IndexNumber string `json:"index_number,omitempty"`
		Publisher   string `json:"publisher,omitempty"`
		WrittenDate string `json:"written_date,omitempty"`
		Date        string `json:"date"`
		DocNumber   string `json:"doc_number,omitempty"`
		Topic       string `json:"topic,omitempty"`
		Validity    string `json:"validity"`
		URL         string `json:"url"`
	}
	hdr = openDataHeaders["policies"]
	for _, it := range ix.byKind[model.KindPolicy] {
		p := it.p
		v := p.Validity
		if v == "" {
			v = "有效"
		}
		o := policy{p.ID, p.Title, p.IndexNumber, p.Publisher, day(p.WrittenDate), day(p.Date), p.DocNumber, p.Topic, v, it.url}
		add("policies", hdr, []string{o.ID, o.Title, o.IndexNumber, o.Publisher, o.WrittenDate, o.Date, o.DocNumber, o.Topic, o.Validity, o.URL}, o)
	}
	type department struct {
		ID      string   `json:"id"`
		Name    string   `json:"name"`
		Short   string   `json:"short"`
		Aliases []string `json:"aliases"`
		Level   string   `json:"level"`
		Parent  string   `json:"parent,omitempty"`
		Type    string   `json:"type"`
		URL     string   `json:"url"`
	}
	hdr = openDataHeaders["departments"]
	for _, d := range site.Departments {
		o := department{d.ID, d.Name, d.Short, append([]string{}, d.Aliases...), d.Level, d.Parent, d.Type, urlOf("departments", d.ID)}
		add("departments", hdr, []string{o.ID, o.Name, o.Short, join(o.Aliases), o.Level, o.Parent, o.Type, o.URL}, o)
	}
	for _, k := range openDataKinds {
		t := tables[k]
		if t == nil {
			t = &table{json: []any{}}
		}
		if t.json == nil {
			t.json = []any{}
		}
		jsonName, csvName := "data/"+k+".json", "data/"+k+".csv"
		jsonKey, csvKey := fingerprint.Of(program(), "json", t.json), fingerprint.Of(program(), "csv", t.header, t.rows)
		keys[jsonName], keys[csvName] = jsonKey, csvKey
		if kept, err := reusable(reuse, jsonName, jsonKey); err != nil {
			return err
		} else if !kept {
			var jb bytes.Buffer
			if !writeOpenJSON(&jb, t.json) { // a row it does not write as encoding/json would
				jb.Reset()
				enc := json.NewEncoder(&jb)
				enc.SetEscapeHTML(false) // open data is read by programs, not pasted into HTML
				enc.SetIndent("", "  ")
				if err := enc.Encode(t.json); err != nil {
					return fmt.Errorf("open data %s: %w", k, err)
				}
			}
			files[jsonName] = jb.Bytes()
		}
		if kept, err := reusable(reuse, csvName, csvKey); err != nil {
			return err
		} else if kept {
			continue
		}
		var buf bytes.Buffer
		buf.WriteString("\uFEFF") // a BOM so spreadsheet programs read the Chinese as UTF-8
		cw := csv.NewWriter(&buf)
		if t.header != nil {
			cw.Write(t.header)
		}
		cw.WriteAll(t.rows)
		if err := cw.Error(); err != nil {
			return fmt.Errorf("open data %s: %w", k, err)
		}
		files[csvName] = buf.Bytes()
	}
	return nationalOpenData(ix, files)
}

// reusable asks reuse (when set) whether the published name has key.
func reusable(reuse func(string, fingerprint.Sum) (bool, error), name string, key fingerprint.Sum) (bool, error) {
	if reuse == nil {
		return false, nil
	}
	return reuse(name, key)
}

func join(s []string) string {
	var b bytes.Buffer
	for i, v := range s {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(v)
	}
	return b.String()
}

// sitemapMax is the protocol's limit of URLs per sitemap file.
const sitemapMax = 50000

// sitemaps adds sitemap.xml for the indexable pages to files; past the
// protocol's 50,000 URLs per file it becomes an index of sitemap-N.xml files.
func sitemaps(base string, paths []string, files map[string][]byte) {
	if len(paths) <= sitemapMax {
		files["sitemap.xml"] = urlset(base, paths)
		return
	}
	var idx bytes.Buffer
	idx.WriteString(xml.Header)
	idx.WriteString(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for i, n := 0, 1; i < len(paths); i, n = i+sitemapMax, n+1 {
		name := "sitemap-" + strconv.Itoa(n) + ".xml"
		files[name] = urlset(base, paths[i:min(i+sitemapMax, len(paths))])
		idx.WriteString("<sitemap><loc>")
		xml.EscapeText(&idx, []byte(absURL(base, "/"+name)))
		idx.WriteString("</loc></sitemap>\n")
	}
	idx.WriteString("</sitemapindex>\n")
	files["sitemap.xml"] = idx.Bytes()
}

func urlset(base string, paths []string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	for _, p := range paths {
		b.WriteString("<url><loc>")
		xml.EscapeText(&b, []byte(absURL(base, p)))
		b.WriteString("</loc></url>\n")
	}
	b.WriteString("</urlset>\n")
	return b.Bytes()
}

func robots(base string) []byte {
	return []byte("User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: " + absURL(base, "/sitemap.xml") + "\n")
}
