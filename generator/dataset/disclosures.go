package dataset

import (
	"bytes"
	"crypto/sha1"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"portal/generator/diag"
	"portal/generator/model"
	"portal/generator/page"
)

// cell is one value of a disclosure row with where it was written.
type cell struct {
	name      string // the column or key as written in the file
	val       string
	line, col int
	isBool    bool // a JSON true/false
	bad       string
}

// DerivedID returns the id of a data-file disclosure without an id column:
// "d-" and the first 10 hex characters of the SHA-1 of its document number,
// so the id (and the page address) stays stable when rows are reordered.
func DerivedID(docNumber string) string {
	sum := sha1.Sum([]byte(strings.TrimSpace(docNumber)))
	return "d-" + hex.EncodeToString(sum[:])[:10]
}

// fieldFor returns the field a column name belongs to.
func fieldFor(name string) (page.Field, bool) {
	for _, f := range page.DisclosureFields {
		for _, n := range f.Names {
			if strings.EqualFold(n, name) {
				return f, true
			}
		}
	}
	return page.Field{}, false
}

func allowedColumns() string {
	parts := make([]string, len(page.DisclosureFields))
	for i, f := range page.DisclosureFields {
		parts[i] = strings.Join(f.Names, "/")
	}
	return strings.Join(parts, ", ")
}

// ReadCSV reads a disclosure CSV file: a header row naming the columns
// (English keys or national field names), then one record a row. A BOM, CRLF
// and blank lines are accepted. Diagnostics name the row's file line and the
// 1-based column number.
func ReadCSV(file string, data []byte, loc *time.Location, dl *diag.List) []*page.Page {
	data, err := page.Normalize(data)
	if err != nil {
		se := err.(*page.SplitError)
		dl.Errorf(file, se.Line, se.Col, "", "%s", se.Msg)
		return nil
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			dl.Errorf(file, 1, 1, "", "the file is empty: the first row must name the columns (%s)", allowedColumns())
		} else {
			reportCSV(file, data, err, dl)
		}
		return nil
	}
	keys, ok := mapHeader(header, func(i int) (int, int) { return 1, i + 1 }, [2]int{1, 1}, file, dl)
	if !ok {
		return nil
	}
	var pages []*page.Page
	lastErrLine := -1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Line == lastErrLine {
				break // the reader cannot move on; one report is enough
			}
			if pe != nil {
				lastErrLine = pe.Line
			}
			reportCSV(file, data, err, dl)
			continue
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rec) != len(header) {
			dl.Errorf(file, line, 1, "", "this row has %d columns, the header has %d (check for a missing or extra comma, or quote values containing commas)", len(rec), len(header))
			continue
		}
		cells := map[string]cell{}
		for i, v := range rec {
			if keys[i] == "" {
				continue
			}
			l, _ := r.FieldPos(i)
			cells[keys[i]] = cell{name: strings.TrimSpace(header[i]), val: v, line: l, col: i + 1}
		}
		if p := buildRow(file, line, cells, loc, dl); p != nil {
			pages = append(pages, p)
		}
	}
	return pages
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// mapHeader maps each column to its field key ("" for unknown columns, which
// are errors) and checks required columns are present.
func mapHeader(names []string, pos func(i int) (int, int), whole [2]int, file string, dl *diag.List) ([]string, bool) {
	keys := make([]string, len(names))
	where := map[string]int{}
	ok := true
	for i, n := range names {
		n = strings.TrimSpace(n)
		line, col := pos(i)
		f, known := fieldFor(n)
		switch {
		case n == "":
			dl.Errorf(file, line, col, "", "column %d has no name (allowed: %s)", i+1, allowedColumns())
			ok = false
		case !known:
			msg := "unknown column"
			var all []string
			for _, f := range page.DisclosureFields {
				all = append(all, f.Names...)
			}
			if c := page.Closest(n, all, 1); len(c) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", c[0])
			}
			dl.Errorf(file, line, col, n, "%s; allowed: %s", msg, allowedColumns())
			ok = false
		default:
			if prev, dup := where[f.Key]; dup {
				dl.Errorf(file, line, col, n, "repeats column %d (%s); give each field once", prev+1, strings.TrimSpace(names[prev]))
				ok = false
				continue
			}
			where[f.Key] = i
			keys[i] = f.Key
		}
	}
	for _, f := range page.DisclosureFields {
		if _, has := where[f.Key]; f.Required && !has {
			dl.Errorf(file, whole[0], whole[1], f.Key, "required column is missing (name it %s)", strings.Join(f.Names, " or "))
			ok = false
		}
	}
	return keys, ok
}

func reportCSV(file string, data []byte, err error, dl *diag.List) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		dl.Errorf(file, 1, 1, "", "cannot read CSV: %v", err)
		return
	}
	line, col := pe.Line, pe.Column
	// csv counts columns in bytes; count characters as editors do.
	if lines := bytes.Split(data, []byte("\n")); line >= 1 && line <= len(lines) && col >= 1 {
		l := lines[line-1]
		col = utf8.RuneCount(l[:min(col-1, len(l))]) + 1
	}
	msg := pe.Err.Error()
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		msg += ` (a value containing " must be quoted as a whole and its quotes doubled: "say ""hello""")`
	}
	dl.Errorf(file, line, col, "", "CSV: %s", msg)
}

// ReadJSON reads a disclosure JSON file: an array of objects with the same
// keys as the CSV columns. Diagnostics point at the key (or the object).
func ReadJSON(file string, data []byte, loc *time.Location, dl *diag.List) []*page.Page {
	data, err := page.Normalize(data)
	if err != nil {
		se := err.(*page.SplitError)
		dl.Errorf(file, se.Line, se.Col, "", "%s", se.Msg)
		return nil
	}
	lc := newLineCounter(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	jsonErr := func(err error) {
		off := int(dec.InputOffset())
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		line, col := lc.pos(off)
		dl.Errorf(file, line, col, "", "JSON: %v (the file must be an array of objects: [{\"doc_number\": \"…\", …}, …])", err)
	}
	tok, err := dec.Token()
	if err != nil {
		jsonErr(err)
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		line, col := lc.pos(0)
		dl.Errorf(file, line, col, "", "JSON: the file must be an array of objects: [{\"doc_number\": \"…\", …}, …]")
		return nil
	}
	var pages []*page.Page
	for dec.More() {
		start := skipSpace(data, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			jsonErr(err)
			return pages
		}
		line, col := lc.pos(start)
		var obj map[string]any
		d2 := json.NewDecoder(bytes.NewReader(raw))
		d2.UseNumber()
		if err := d2.Decode(&obj); err != nil || obj == nil {
			dl.Errorf(file, line, col, "", "JSON: each element must be an object {\"doc_number\": \"…\", …}")
			continue
		}
		names := slices.Sorted(func(yield func(string) bool) {
			for k := range obj {
				if !yield(k) {
					return
				}
			}
		})
		keyPos := func(i int) (int, int) { return lc.pos(start + keyOffset(raw, names[i])) }
		keys, ok := mapHeader(names, keyPos, [2]int{line, col}, file, dl)
		if !ok {
			continue
		}
		cells := map[string]cell{}
		for i, n := range names {
			l, c := keyPos(i)
			ce := cell{name: n, line: l, col: c}
			switch v := obj[n].(type) {
			case string:
				ce.val = v
			case json.Number:
				ce.val = v.String()
			case bool:
				ce.val, ce.isBool = strconv.FormatBool(v), true
			case nil:
			default:
				ce.bad = "must be text, a number or true/false, not an array or object"
			}
			cells[keys[i]] = ce
		}
		if p := buildRow(file, line, cells, loc, dl); p != nil {
			pages = append(pages, p)
		}
	}
	if _, err := dec.Token(); err != nil {
		jsonErr(err)
	}
	return pages
}

func skipSpace(data []byte, off int) int {
	for off < len(data) && (data[off] == ' ' || data[off] == '\n' || data[off] == '\t' || data[off] == '\r' || data[off] == ',') {
		off++
	}
	return off
}

// keyOffset finds the byte offset of "name": inside raw (0 if not found).
func keyOffset(raw []byte, name string) int {
	q, _ := json.Marshal(name)
	for from := 0; from < len(raw); {
		i := bytes.Index(raw[from:], q)
		if i < 0 {
			break
		}
		j := skipSpace(raw, from+i+len(q))
		if j < len(raw) && raw[j] == ':' {
			return from + i
		}
		from += i + 1
	}
	return 0
}

// lineCounter turns byte offsets into 1-based lines and character columns.
type lineCounter struct {
	data   []byte
	starts []int
}

func newLineCounter(data []byte) *lineCounter {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &lineCounter{data: data, starts: starts}
}

func (lc *lineCounter) pos(off int) (line, col int) {
	off = max(0, min(off, len(lc.data)))
	i, found := slices.BinarySearch(lc.starts, off)
	if !found {
		i--
	}
	return i + 1, utf8.RuneCount(lc.data[lc.starts[i]:off]) + 1
}

// buildRow validates one data-file disclosure and returns it as a page.
func buildRow(file string, line int, cells map[string]cell, loc *time.Location, dl *diag.List) *page.Page {
	errf := func(c cell, format string, args ...any) {
		dl.Errorf(file, c.line, c.col, c.name, format, args...)
	}
	for _, c := range cells {
		if c.bad != "" {
			errf(c, "%s", c.bad)
		}
	}
	get := func(key string) (cell, string) {
		c := cells[key]
		return c, strings.TrimSpace(c.val)
	}
	required := func(key string) string {
		c, v := get(key)
		if v == "" && c.bad == "" {
			if c.name == "" { // JSON object without the key
				dl.Errorf(file, line, 1, key, "required field is missing (name it %s)", strings.Join(page.DisclosureNames(key), " or "))
			} else {
				errf(c, "must not be empty")
			}
		}
		return v
	}
	date := func(key string, req bool) time.Time {
		var v string
		if req {
			v = required(key)
		} else {
			_, v = get(key)
		}
		if v == "" {
			return time.Time{}
		}
		d, err := page.ParseDate(v, loc)
		if err != nil {
			errf(cells[key], "%q is not a date (use YYYY-MM-DD)", v)
		}
		return d
	}
	boolean := func(key string) bool {
		c, v := get(key)
		switch strings.ToLower(v) {
		case "", "false", "0", "否", "no":
			return false
		case "true", "1", "是", "yes":
			return true
		}
		errf(c, "%q is not true or false (use true/false, 是/否 or 1/0)", v)
		return false
	}
	d := &model.Disclosure{}
	d.SubjectName = required("subject_name")
	if c, v := get("credit_code"); v != "" {
		bad, warn := CheckCreditCode(v)
		if bad != nil {
			errf(c, "%v", bad)
		} else if warn != nil {
			dl.Warnf(file, c.line, c.col, c.name, "%v", warn)
		}
		d.CreditCode = v
	}
	d.DocNumber = required("doc_number")
	d.Category = required("category")
	if d.Category != "" && !slices.Contains(model.DisclosureCategories, d.Category) {
		errf(cells["category"], "%q is not allowed (use one of: %s)", d.Category, strings.Join(model.DisclosureCategories, " | "))
	}
	d.Title = required("title")
	_, d.Content = get("content")
	d.Date = date("date", true)
	d.ValidUntil = date("valid_until", false)
	d.PublicityUntil = date("publicity_until", false)
	if !d.PublicityUntil.IsZero() && !d.Date.IsZero() && d.PublicityUntil.Before(d.Date) {
		errf(cells["publicity_until"], "%s is before the decision date %s", d.PublicityUntil.Format(time.DateOnly), d.Date.Format(time.DateOnly))
	}
	d.Published = date("published", false)
	if !d.Published.IsZero() && !d.Date.IsZero() && d.Published.Before(d.Date) {
		errf(cells["published"], "%s is before the decision date %s (公示日期 cannot precede 决定日期)", d.Published.Format(time.DateOnly), d.Date.Format(time.DateOnly))
	}
	dept := required("department")
	_, d.LegalBasis = get("legal_basis")
	if c, v := get("fine"); v != "" {
		f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64)
		if err != nil || f < 0 {
			errf(c, "%q is not an amount in 元 (use a number such as 5000 or 1250.50)", v)
		}
		d.Fine = f
	}
	d.Withdrawn = boolean("withdrawn")
	_, d.WithdrawnNote = get("withdrawn_note")
	d.Example = boolean("example")
	if c, id := get("id"); id != "" {
		if err := page.CheckID(id); err != nil {
			errf(c, "%v", err)
		}
		d.ID = id
	} else if d.DocNumber != "" {
		d.ID = DerivedID(d.DocNumber)
	}
	d.Source = model.Source{File: file, Line: line}
	p := &page.Page{Kind: model.KindDisclosure, Disclosure: d}
	if dept != "" {
		c := cells["department"]
		p.Refs = append(p.Refs, page.Ref{File: file, Line: c.line, Col: c.col, Key: c.name, Name: dept, Set: func(id string) { d.Department = id }})
	}
	return p
}
