package dataset

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"portal/generator/diag"
	"portal/generator/disclosure"
	"portal/generator/page"
)

// xlsxPartLimit bounds how large one part of a workbook may be once
// unzipped, so a small hostile file cannot exhaust memory or time (a
// 100,000-row export's sheet unzips to about 100 MiB).
const xlsxPartLimit = 1 << 30

// ReadXLSX reads a disclosure workbook (.xlsx, as Excel, WPS and the
// 信用平台 save it), every visible worksheet in turn, each streamed row by
// row: per sheet, optional title rows (a single value), a header row with
// the same column names as a CSV file, then one record a row. Cells are read
// as stored, so dates entered as Excel dates arrive as date serial numbers
// (the workbook's 1904 date system is honoured) and amounts as plain
// numbers. A sheet whose header names no disclosure column is skipped with
// a warning, one with no header at all (an instructions sheet) silently;
// hidden sheets are skipped. Diagnostics name the sheet, the row and the
// column number.
//
// The reader is portal's own (zip + a SpreadsheetML tokenizer):
// github.com/xuri/excelize/v2, tried first, needed about 70 s and 5 GiB of
// allocations for a 100,000-row file on the build machine, against the
// issue's limit of 10 s, and links net/http into the generator.
func ReadXLSX(file string, data []byte, opts Options, dl *diag.List) []*page.Page {
	w := where{file: file}
	wb, err := openWorkbook(data)
	if err != nil {
		w.errorf(dl, 0, 0, "", "%s: %v", bi("无法读取 Excel 文件（须为未加密的 .xlsx 文件；.xls 请在 Excel 或 WPS 中另存为 .xlsx）",
			"cannot read the Excel file: it must be an .xlsx workbook without a password; save an .xls file as .xlsx in Excel or WPS"), err)
		return nil
	}
	var pages []*page.Page
	read := 0
	for _, sh := range wb.sheets {
		if sh.hidden {
			continue
		}
		ps, found := wb.readSheet(sh, where{file: file, sheet: sh.name}, opts, dl)
		if found {
			read++
		}
		pages = append(pages, ps...)
	}
	if read == 0 {
		w.errorf(dl, 0, 0, "", "%s", bi("工作簿中没有含表头行的工作表：表头应写列名，如 "+disclosure0(),
			"no sheet of the workbook has a header row: it must name the columns, e.g. "+disclosure0()))
	}
	return pages
}

type sheetInfo struct {
	name, part string
	hidden     bool
}

type workbook struct {
	files    map[string]*zip.File
	sheets   []sheetInfo
	shared   []string
	date1904 bool
}

// openWorkbook reads the package's structure: where the workbook part is,
// its sheets (names, parts, visibility), the date system and the shared
// strings.
func openWorkbook(data []byte) (*workbook, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
			return nil, errors.New("an .xls workbook or a password-protected one (OLE file), not .xlsx")
		}
		return nil, fmt.Errorf("not an .xlsx (zip) file: %w", err)
	}
	wb := &workbook{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		wb.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	main := "xl/workbook.xml"
	if rels, err := wb.rels("_rels/.rels", ""); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") {
				main = r.target
			}
		}
	}
	dir := path.Dir(main)
	rels, err := wb.rels(path.Join(dir, "_rels", path.Base(main)+".rels"), dir)
	if err != nil {
		return nil, err
	}
	byID := map[string]rel{}
	sharedPart := ""
	for _, r := range rels {
		byID[r.id] = r
		if strings.HasSuffix(r.typ, "/sharedStrings") {
			sharedPart = r.target
		}
	}
	if err := wb.scan(main, func(s *xmlScanner, t xmlToken) error {
		switch {
		case t.kind != tokStart && t.kind != tokEmpty:
		case string(t.name) == "workbookPr":
			v, _ := attr(t.attrs, "date1904")
			wb.date1904 = v == "1" || v == "true"
		case string(t.name) == "sheet":
			name, _ := attr(t.attrs, "name")
			id, _ := attr(t.attrs, "id")
			state, _ := attr(t.attrs, "state")
			r, ok := byID[id]
			if !ok || !strings.HasSuffix(r.typ, "/worksheet") {
				return nil // a chart sheet, or a sheet the package does not hold
			}
			wb.sheets = append(wb.sheets, sheetInfo{name: name, part: r.target, hidden: state == "hidden" || state == "veryHidden"})
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if sharedPart != "" {
		if err := wb.readShared(sharedPart); err != nil {
			return nil, err
		}
	}
	return wb, nil
}

type rel struct{ id, typ, target string }

// rels reads a relationships part; targets are resolved against dir.
func (wb *workbook) rels(part, dir string) ([]rel, error) {
	var out []rel
	err := wb.scan(part, func(s *xmlScanner, t xmlToken) error {
		if (t.kind == tokStart || t.kind == tokEmpty) && string(t.name) == "Relationship" {
			var r rel
			r.id, _ = attr(t.attrs, "Id")
			r.typ, _ = attr(t.attrs, "Type")
			target, _ := attr(t.attrs, "Target")
			if strings.HasPrefix(target, "/") {
				r.target = strings.TrimPrefix(target, "/")
			} else {
				r.target = path.Join(dir, target)
			}
			out = append(out, r)
		}
		return nil
	})
	return out, err
}

// open returns a reader of part, bounded by xlsxPartLimit.
func (wb *workbook) open(part string) (io.ReadCloser, error) {
	f, ok := wb.files[part]
	if !ok {
		return nil, fmt.Errorf("the package has no part %s", part)
	}
	if f.UncompressedSize64 > xlsxPartLimit {
		return nil, fmt.Errorf("part %s unzips to %d bytes, more than the limit of %d", part, f.UncompressedSize64, xlsxPartLimit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("part %s: %w", part, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, xlsxPartLimit), rc}, nil
}

// scan calls fn with every token of part.
func (wb *workbook) scan(part string, fn func(*xmlScanner, xmlToken) error) error {
	rc, err := wb.open(part)
	if err != nil {
		return err
	}
	defer rc.Close()
	s := newXMLScanner(rc)
	for {
		t, ok := s.next()
		if !ok {
			break
		}
		if err := fn(s, t); err != nil {
			return err
		}
	}
	if s.err != nil && !errors.Is(s.err, io.EOF) {
		return fmt.Errorf("part %s: %w", part, s.err)
	}
	return nil
}

// readShared reads the shared string table: each <si> is the text of its
// <t> elements, rich-text runs joined, phonetic guides (<rPh>) left out.
func (wb *workbook) readShared(part string) error {
	var cur []byte
	inSI, inT, inPh := false, false, 0
	return wb.scan(part, func(s *xmlScanner, t xmlToken) error {
		switch t.kind {
		case tokStart:
			switch string(t.name) {
			case "si":
				inSI, cur = true, cur[:0]
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		case tokEmpty:
			if string(t.name) == "si" {
				wb.shared = append(wb.shared, "")
			}
		case tokEnd:
			switch string(t.name) {
			case "si":
				inSI = false
				wb.shared = append(wb.shared, string(cur))
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case tokText:
			if inSI && inT && inPh == 0 {
				cur = append(cur, t.text...)
			}
		}
		return nil
	})
}

// sheetRows streams the rows of a sheet: fn gets the row number and its
// cells' values in column order (missing cells are ""). rec is reused.
func (wb *workbook) sheetRows(part string, fn func(row int, rec []string)) error {
	var (
		rec              []string
		row, col         int
		cellType         string
		val              []byte
		inRow, inV, inIS bool
		inT              bool
		haveRow          bool
	)
	flush := func() {
		if haveRow {
			fn(row, rec)
		}
		haveRow = false
	}
	setCell := func() {
		if col < 1 || col > 16384 {
			return
		}
		for len(rec) < col {
			rec = append(rec, "")
		}
		v := string(val)
		switch cellType {
		case "s":
			i, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || i < 0 || i >= len(wb.shared) {
				v = ""
			} else {
				v = wb.shared[i]
			}
		case "b":
			if v == "1" {
				v = "true"
			} else if v == "0" {
				v = "false"
			}
		}
		rec[col-1] = v
	}
	return wb.scan(part, func(s *xmlScanner, t xmlToken) error {
		switch t.kind {
		case tokStart, tokEmpty:
			switch string(t.name) {
			case "row":
				flush()
				n := row + 1
				if r, ok := attr(t.attrs, "r"); ok {
					if v, err := strconv.Atoi(r); err == nil && v > row {
						n = v
					}
				}
				row, col, rec, inRow, haveRow = n, 0, rec[:0], t.kind == tokStart, true
				if t.kind == tokEmpty {
					flush()
				}
			case "c":
				if !inRow {
					return nil
				}
				col++
				if r, ok := rawAttr(t.attrs, "r"); ok {
					if c := columnOf(r); c > 0 {
						col = c
					}
				}
				cellType = ""
				if ct, ok := rawAttr(t.attrs, "t"); ok {
					cellType = cellTypes[string(ct)] // no allocation: a map lookup by converted bytes
				}
				val = val[:0]
				if t.kind == tokEmpty {
					setCell()
				}
			case "v":
				inV = t.kind == tokStart
			case "is":
				inIS = t.kind == tokStart
			case "t":
				inT = t.kind == tokStart && inIS
			}
		case tokEnd:
			switch string(t.name) {
			case "row":
				inRow = false
				flush()
			case "c":
				if inRow {
					setCell()
				}
			case "v":
				inV = false
			case "is":
				inIS = false
			case "t":
				inT = false
			}
		case tokText:
			if inV || inT {
				val = append(val, t.text...)
			}
		}
		return nil
	})
}

// cellTypes are the cell types (the t attribute) the reader tells apart.
var cellTypes = map[string]string{"s": "s", "b": "b", "str": "str", "inlineStr": "inlineStr", "n": "n", "e": "e", "d": "d"}

// columnOf returns the 1-based column of a cell reference such as "AB12".
func columnOf(ref []byte) int {
	n := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i]
		switch {
		case c >= 'A' && c <= 'Z':
			n = n*26 + int(c-'A') + 1
		case c >= 'a' && c <= 'z':
			n = n*26 + int(c-'a') + 1
		default:
			return n
		}
		if n > 16384 {
			return 0
		}
	}
	return n
}

// readSheet reads one sheet; found says it had a header row.
func (wb *workbook) readSheet(sh sheetInfo, w where, opts Options, dl *diag.List) (pages []*page.Page, found bool) {
	var (
		h        header
		hdrNames []string
		skip     bool
		b        = &rowBuilder{w: w, opts: opts, dl: dl, date1904: wb.date1904}
	)
	err := wb.sheetRows(sh.part, func(row int, rec []string) {
		if skip || blank(rec) {
			return
		}
		if hdrNames == nil {
			if nonEmpty(rec) < 2 {
				return // a title row above the header
			}
			known := 0
			for _, n := range rec {
				if _, ok := disclosure.Lookup(n); ok {
					known++
				}
			}
			if known == 0 {
				w.warnf(dl, row, 1, "", "%s", bi("这个工作表没有可识别的列名，已跳过", "this sheet has no column a disclosure has: skipped"))
				skip = true
				return
			}
			hdrNames = append([]string(nil), rec...)
			found = true
			var ok bool
			h, ok = mapHeader(w, hdrNames, func(i int) (int, int) { return row, i + 1 }, [2]int{row, 1}, opts, dl)
			skip = !ok
			return
		}
		b.start(row, 1) // every row counts against rows_per_file
		if b.full() {
			skip = true
			return
		}
		if len(rec) > len(hdrNames) {
			if !blank(rec[len(hdrNames):]) {
				w.errorf(dl, row, len(hdrNames)+1, "", "%s", bi(fmt.Sprintf("这一行在表头之外的第 %d 列还有内容", len(hdrNames)+1),
					fmt.Sprintf("this row has a value in column %d, beyond the header's columns", len(hdrNames)+1)))
				return
			}
			rec = rec[:len(hdrNames)]
		}
		for i := range hdrNames {
			if h.keys[i] == "" {
				continue
			}
			v := ""
			if i < len(rec) {
				v = rec[i]
			}
			b.set(h.keys[i], cell{name: strings.TrimSpace(hdrNames[i]), val: v, line: row, col: i + 1, unit: h.units[i]})
		}
		if p := b.build(h.implied); p != nil {
			pages = append(pages, p)
		}
	})
	if err != nil {
		w.errorf(dl, 0, 0, "", "%s: %v", bi("无法读取工作表", "cannot read the sheet"), err)
	}
	return pages, found
}
