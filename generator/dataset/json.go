package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"

	"portal/generator/diag"
	"portal/generator/page"
)

const jsonShape = `[{"doc_number": "…", …}, …]`

// ReadJSON reads a disclosure JSON file (UTF-8): an array of objects with
// the same keys as the CSV columns. Diagnostics point at the key (or the
// object).
func ReadJSON(file string, data []byte, opts Options, dl *diag.List) []*page.Page {
	w := where{file: file}
	data, err := page.Normalize(data)
	if err != nil {
		se := err.(*page.SplitError)
		w.errorf(dl, se.Line, se.Col, "", "%s", bi("文件不是 UTF-8 文本（JSON 文件须为 UTF-8）", "the file is not UTF-8 text (JSON files must be UTF-8)"))
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
		w.errorf(dl, line, col, "", "JSON 格式错误：%v（文件应为对象数组 %s）(JSON: %v; the file must be an array of objects: %s)", err, jsonShape, err, jsonShape)
	}
	tok, err := dec.Token()
	if err != nil {
		jsonErr(err)
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		line, col := lc.pos(0)
		w.errorf(dl, line, col, "", "%s", bi("文件应为对象数组 "+jsonShape, "JSON: the file must be an array of objects: "+jsonShape))
		return nil
	}
	var pages []*page.Page
	b := &rowBuilder{w: w, opts: opts, dl: dl}
	for dec.More() {
		start := skipSpace(data, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			jsonErr(err)
			return pages
		}
		line, col := lc.pos(start)
		b.start(line, col) // every element counts against rows_per_file
		if b.full() {
			return pages
		}
		var obj map[string]any
		d2 := json.NewDecoder(bytes.NewReader(raw))
		d2.UseNumber()
		if err := d2.Decode(&obj); err != nil || obj == nil {
			w.errorf(dl, line, col, "", "%s", bi("数组的每个元素都应是对象 {\"doc_number\": \"…\", …}", "JSON: each element must be an object {\"doc_number\": \"…\", …}"))
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
		h, ok := mapHeader(w, names, keyPos, [2]int{line, col}, opts, dl)
		if !ok {
			continue
		}
		for i, n := range names {
			if h.keys[i] == "" {
				continue
			}
			l, c := keyPos(i)
			ce := cell{name: n, line: l, col: c, unit: h.units[i]}
			switch v := obj[n].(type) {
			case string:
				ce.val = v
			case json.Number:
				ce.val = v.String()
			case bool:
				ce.val = strconv.FormatBool(v)
			case nil:
			default:
				ce.bad = bi("应为文字、数字或 true/false，不能是数组或对象", "must be text, a number or true/false, not an array or object")
			}
			b.set(h.keys[i], ce)
		}
		if p := b.build(h.implied); p != nil {
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
