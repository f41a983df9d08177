package dataset

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"portal/generator/diag"
	"portal/generator/page"
)

// Text encodings a CSV file may be in.
const (
	EncodingUTF8    = "utf-8"
	EncodingGB18030 = "gb18030"
	EncodingUTF16   = "utf-16"
)

// Encodings lists the values [disclosures] encodings and -encoding accept.
var Encodings = []string{"utf-8", "gb18030", "gbk"}

// NormalizeEncoding maps an encoding name to one of the encodings read
// (GBK and GB2312 are read as GB18030, their superset); ok is false for a
// name portal does not read.
func NormalizeEncoding(name string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "":
		return "", true
	case "utf-8", "utf8":
		return EncodingUTF8, true
	case "gb18030", "gbk", "gb2312", "cp936":
		return EncodingGB18030, true
	}
	return "", false
}

// encodingFor returns the encoding declared for file: the override, else
// [disclosures] encodings by file name, else "" (detect).
func encodingFor(file string, opts Options) string {
	if opts.Encoding != "" {
		e, _ := NormalizeEncoding(opts.Encoding)
		return e
	}
	if e, ok := opts.Config.Encodings[path.Base(file)]; ok {
		e, _ = NormalizeEncoding(e)
		return e
	}
	return ""
}

// DecodeText returns data as UTF-8 text with LF line endings and the
// encoding it was read in. enc "" detects: a UTF-8 or UTF-16 byte-order
// mark, else valid UTF-8, else GB18030 (which covers GBK and GB2312). An
// error names the line and character column of the first byte that is not
// text in the encoding.
func DecodeText(data []byte, enc string) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) && enc != EncodingGB18030:
		enc = EncodingUTF8
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, "", &page.SplitError{Line: 1, Col: 1, Msg: bi("文件以 UTF-16 字节序标记开头，但内容不是 UTF-16 文本", "the file starts with a UTF-16 byte-order mark but is not UTF-16 text")}
		}
		out, err = page.Normalize(out)
		return out, EncodingUTF16, err
	case enc == "" && utf8.Valid(data):
		enc = EncodingUTF8
	case enc == "":
		enc = EncodingGB18030
	}
	if enc == EncodingUTF8 {
		out, err := page.Normalize(data)
		if se, ok := err.(*page.SplitError); ok {
			se.Msg = bi("文件不是 UTF-8 文本：请另存为 UTF-8，或在 portal.toml 的 [disclosures] encodings 中声明其编码（如 gbk）",
				"the file is not UTF-8 text: save it as UTF-8, or declare its encoding (e.g. gbk) in portal.toml [disclosures] encodings")
		}
		return out, enc, err
	}
	out, err := decodeWith(simplifiedchinese.GB18030, data)
	if err != nil {
		return nil, "", err
	}
	if i := bytes.IndexRune(out, utf8.RuneError); i >= 0 {
		line := bytes.Count(out[:i], []byte("\n")) + 1
		ls := bytes.LastIndexByte(out[:i], '\n') + 1
		return nil, "", &page.SplitError{Line: line, Col: utf8.RuneCount(bytes.TrimSuffix(out[ls:i], []byte("\r"))) + 1,
			Msg: bi("文件既不是 UTF-8 也不是 GB18030/GBK 文本（此处有无法识别的字节）", "the file is neither UTF-8 nor GB18030/GBK text (unreadable bytes here)")}
	}
	out, err = page.Normalize(out)
	return out, enc, err
}

func decodeWith(e encoding.Encoding, data []byte) ([]byte, error) {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return nil, &page.SplitError{Line: 1, Col: 1, Msg: bi("无法按 GB18030 解码", "cannot decode as GB18030") + ": " + err.Error()}
	}
	return out, nil
}

// ReadCSV reads a disclosure CSV file: an optional title row (a row with a
// single value), a header row naming the columns (English keys or the
// national column names, matched ignoring spaces, full-width brackets and
// letter case), then one record a row. Text may be UTF-8 (with or without
// BOM), GB18030/GBK or UTF-16 with a BOM; a file whose header has more tabs
// than commas is read as tab-separated. Blank rows are skipped.
// Diagnostics name the row's file line and the 1-based column number.
func ReadCSV(file string, data []byte, opts Options, dl *diag.List) []*page.Page {
	w := where{file: file}
	text, _, err := DecodeText(data, encodingFor(file, opts))
	if err != nil {
		if se, ok := err.(*page.SplitError); ok {
			w.errorf(dl, se.Line, se.Col, "", "%s", se.Msg)
		} else {
			w.errorf(dl, 1, 1, "", "%v", err)
		}
		return nil
	}
	lim := page.LimitsOrDefault(opts.Limits)
	if line, n := page.LongLine(text, lim.LineBytes); line > 0 {
		w.errorf(dl, line, 1, "", "%s", bi(fmt.Sprintf("这一行长 %d 字节，一行最多读取 %d 字节（请检查文件，或在 portal.toml 的 [limits] 中调高 line_bytes）", n, lim.LineBytes),
			fmt.Sprintf("this line is %d bytes long; at most %d bytes are read in one line (check the file, or raise [limits] line_bytes in portal.toml)", n, lim.LineBytes)))
		return nil
	}
	lines := &lazyLines{data: text}
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	if first, _, _ := bytes.Cut(text, []byte("\n")); bytes.Count(first, []byte("\t")) > bytes.Count(first, []byte(",")) {
		r.Comma = '\t'
	}
	var (
		h          header
		hdrNames   []string
		haveHeader bool
		pages      []*page.Page
	)
	lastErrLine := -1
	b := &rowBuilder{w: w, opts: opts, dl: dl}
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
			reportCSV(w, lines, err, dl)
			if !haveHeader {
				return nil
			}
			continue
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		if !haveHeader {
			if nonEmpty(rec) < 2 {
				continue // a title row above the header
			}
			hdrNames = make([]string, len(rec))
			for i, n := range rec {
				hdrNames[i] = strings.TrimSpace(n)
			}
			var ok bool
			h, ok = mapHeader(w, hdrNames, func(i int) (int, int) { return line, i + 1 }, [2]int{line, 1}, opts, dl)
			if !ok {
				return nil
			}
			haveHeader = true
			continue
		}
		b.start(line, 1) // every row counts against rows_per_file, good or bad
		if b.full() {
			break
		}
		if len(rec) != len(hdrNames) {
			if len(rec) > len(hdrNames) && blank(rec[len(hdrNames):]) {
				rec = rec[:len(hdrNames)] // trailing empty cells, as spreadsheets export them
			} else {
				w.errorf(dl, line, 1, "", "%s", bi(fmt.Sprintf("这一行有 %d 列，表头有 %d 列（检查是否多了或少了逗号，含逗号的值要加英文双引号）", len(rec), len(hdrNames)),
					fmt.Sprintf("this row has %d columns, the header has %d (check for a missing or extra comma, or quote values containing commas)", len(rec), len(hdrNames))))
				continue
			}
		}
		for i, v := range rec {
			if h.keys[i] == "" {
				continue
			}
			l, _ := r.FieldPos(i)
			b.set(h.keys[i], cell{name: hdrNames[i], val: v, line: l, col: i + 1, unit: h.units[i]})
		}
		if p := b.build(h.implied); p != nil {
			pages = append(pages, p)
		}
	}
	if !haveHeader && lastErrLine < 0 {
		w.errorf(dl, 1, 1, "", "%s", bi("文件中没有表头行：第一行应写列名，如 "+disclosure0(), "the file has no header row: the first row must name the columns, e.g. "+disclosure0()))
	}
	return pages
}

// disclosure0 is a short example of a header row.
func disclosure0() string {
	return "行政相对人名称,统一社会信用代码,行政处罚决定书文号,处罚决定日期,处罚机关"
}

// lazyLines indexes a file's lines the first time an error needs one, once
// per file: splitting the file once per error made a file of millions of bad
// rows quadratic.
type lazyLines struct {
	data []byte
	lc   *lineCounter
}

func reportCSV(w where, lines *lazyLines, err error, dl *diag.List) {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		w.errorf(dl, 1, 1, "", "%s: %v", bi("无法读取 CSV", "cannot read CSV"), err)
		return
	}
	line, col := pe.Line, pe.Column
	// csv counts columns in bytes; count characters as editors do.
	if lines.lc == nil {
		lines.lc = newLineCounter(lines.data)
	}
	if starts := lines.lc.starts; line >= 1 && line <= len(starts) && col >= 1 {
		_, col = lines.lc.pos(min(starts[line-1]+col-1, len(lines.data)))
	}
	msg := pe.Err.Error()
	zh := "CSV 格式错误"
	if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
		zh = "CSV 格式错误：含英文双引号的值须整体加引号，并把其中的引号写两遍"
		msg += ` (a value containing " must be quoted as a whole and its quotes doubled: "say ""hello""")`
	}
	w.errorf(dl, line, col, "", "%s (CSV: %s)", zh, msg)
}
