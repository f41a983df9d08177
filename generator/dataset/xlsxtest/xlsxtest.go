// Package xlsxtest writes .xlsx workbooks the way Excel saves them, for
// tests and benchmarks of the readers (portal itself only reads workbooks).
//
// Contract: standard library only; rows are streamed, so a 100,000-row
// sheet is cheap to write.
package xlsxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Sheet is one sheet of a workbook.
type Sheet struct {
	Name   string
	Hidden bool
	Rows   [][]any // string, int, float64, bool, time.Time (a date cell), nil; an empty row is left out
}

// Write writes a workbook as Excel saves one: shared strings, dates as
// serial numbers with a date number format (numFmtId 14), the 1904 date
// system when asked. Rows are streamed, so a 100,000-row sheet is cheap.
// generator/dataset/testdata/excelize-v2.11.1.xlsx is the same shape written
// by another implementation (github.com/xuri/excelize/v2), read in the
// dataset tests.
func Write(w io.Writer, sheets []Sheet, date1904 bool) (err error) {
	zw := zip.NewWriter(w)
	part := func(name, body string) {
		if err != nil {
			return
		}
		var f io.Writer
		if f, err = zw.Create(name); err == nil {
			_, err = io.WriteString(f, body)
		}
	}
	const hdr = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	var ct, wbSheets, wbRels bytes.Buffer
	for i, s := range sheets {
		fmt.Fprintf(&ct, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		state := ""
		if s.Hidden {
			state = ` state="hidden"`
		}
		fmt.Fprintf(&wbSheets, `<sheet name="%s" sheetId="%d"%s r:id="rId%d"/>`, esc(s.Name), i+1, state, i+1)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	n := len(sheets)
	part("[Content_Types].xml", hdr+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>`+ct.String()+`</Types>`)
	part("_rels/.rels", hdr+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	pr := ""
	if date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	part("xl/workbook.xml", hdr+`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`+pr+`<sheets>`+wbSheets.String()+`</sheets></workbook>`)
	fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, n+1)
	fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`, n+2)
	part("xl/_rels/workbook.xml.rels", hdr+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+wbRels.String()+`</Relationships>`)
	part("xl/styles.xml", hdr+`<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>`)

	strIndex := map[string]int{}
	var strs []string
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	for i, s := range sheets {
		if err != nil {
			return err
		}
		f, err := zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1))
		if err != nil {
			return err
		}
		var b bytes.Buffer
		b.WriteString(hdr + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		for r, row := range s.Rows {
			if len(row) == 0 {
				continue // a blank row is simply absent, as Excel writes it
			}
			fmt.Fprintf(&b, `<row r="%d">`, r+1)
			for c, v := range row {
				ref := colName(c+1) + strconv.Itoa(r+1)
				switch v := v.(type) {
				case nil:
				case string:
					k, ok := strIndex[v]
					if !ok {
						k = len(strs)
						strIndex[v] = k
						strs = append(strs, v)
					}
					fmt.Fprintf(&b, `<c r="%s" t="s"><v>%d</v></c>`, ref, k)
				case int:
					fmt.Fprintf(&b, `<c r="%s"><v>%d</v></c>`, ref, v)
				case float64:
					fmt.Fprintf(&b, `<c r="%s"><v>%s</v></c>`, ref, strconv.FormatFloat(v, 'g', -1, 64))
				case bool:
					x := 0
					if v {
						x = 1
					}
					fmt.Fprintf(&b, `<c r="%s" t="b"><v>%d</v></c>`, ref, x)
				case time.Time:
					days := v.Sub(base).Hours() / 24
					fmt.Fprintf(&b, `<c r="%s" s="1"><v>%s</v></c>`, ref, strconv.FormatFloat(days, 'f', -1, 64))
				default:
					return fmt.Errorf("xlsxtest: unsupported cell %T", v)
				}
			}
			b.WriteString(`</row>`)
			if b.Len() > 1<<20 {
				if _, err := f.Write(b.Bytes()); err != nil {
					return err
				}
				b.Reset()
			}
		}
		b.WriteString(`</sheetData></worksheet>`)
		if _, err := f.Write(b.Bytes()); err != nil {
			return err
		}
	}
	var ss bytes.Buffer
	fmt.Fprintf(&ss, hdr+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(strs), len(strs))
	for _, s := range strs {
		ss.WriteString(`<si><t xml:space="preserve">` + esc(s) + `</t></si>`)
	}
	ss.WriteString(`</sst>`)
	part("xl/sharedStrings.xml", ss.String())
	if err != nil {
		return err
	}
	return zw.Close()
}

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func colName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}
