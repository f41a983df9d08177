package verify

import (
	"bytes"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"portal/generator/ledger"
)

// The page states a record page declares (see ledger.StateCurrent …).
const (
	StateCurrent      = ledger.StateCurrent
	StateOld          = ledger.StateOld
	StateUnpublished  = ledger.StateUnpublished
	StateRemoved      = ledger.StateRemoved
	StateUnregistered = ledger.StateUnregistered
)

// Page is what a record page says about itself: the ledger block
// (data-ledger-record with its version, hash, entry and state) and every
// element marked data-ledger="field".
type Page struct {
	Key     string
	Version int
	Hash    string
	Entry   int64
	State   string
	Fields  map[string][]Mark
}

// Mark is one marked element: its visible text (links written out for the
// body), its data-ledger-value attribute, and the department ids its links
// point to (/departments/<id>/).
type Mark struct {
	Text     string
	Value    string
	HasValue bool
	Refs     []string
}

var (
	ledgerAttr = []byte(`data-ledger`) // what both begin with
	blockAttr  = []byte(`data-ledger-record="`)
	fieldAttr  = []byte(`data-ledger="`)
)

// maxMarks bounds the marked fields of one page (a record page has a few
// dozen; tags and progress entries included), so a hostile page cannot make
// the verifier tokenize it once per marker without end.
const maxMarks = 2000

// ParsePage reads the ledger block and the marked fields of a page. It
// scans for the markers and tokenizes only the marked elements, so a page
// costs about the size of its fields, not of its whole HTML.
func ParsePage(page []byte) (*Page, error) { return parsePage(page, nil) }

// textMemo holds the last body a record's check read and its visible
// text: the pages of a record's versions often show the same body, and
// VisibleText, a function of the bytes alone, is the costly part of
// reading a page (docs/LEDGER.md, 十).
type textMemo struct {
	html []byte
	text string
	ok   bool
}

// visible returns ledger.VisibleText of the body fragment html, from the
// memo when it is the same bytes.
func (m *textMemo) visible(html []byte) string {
	if m == nil {
		return ledger.VisibleText(string(html), true)
	}
	if m.ok && bytes.Equal(m.html, html) {
		return m.text
	}
	m.text = ledger.VisibleText(string(html), true)
	m.html, m.ok = append(m.html[:0], html...), true
	return m.text
}

// parsePage is ParsePage with a memo of the last body read (nil: none).
// It finds the ledger block (the first data-ledger-record) and the marked
// fields in one pass over the page, looking for "data-ledger" and telling
// the two apart by what follows; a problem with the block is reported
// before any problem with a field, as when the block was looked for first.
func parsePage(page []byte, memo *textMemo) (*Page, error) {
	p := &Page{Fields: map[string][]Mark{}}
	block := -1
	var fieldErr error
	for off, n := 0, 0; block < 0 || fieldErr == nil; {
		k := bytes.Index(page[off:], ledgerAttr)
		if k < 0 {
			break
		}
		k += off
		switch {
		case block < 0 && bytes.HasPrefix(page[k:], blockAttr):
			block = k
			off = k + 1
			continue
		case fieldErr != nil || !bytes.HasPrefix(page[k:], fieldAttr):
			off = k + 1
			continue
		}
		j := k
		next, err := parseField(p, page, j, n, memo)
		n++
		if err != nil {
			fieldErr = err
			off = j + 1
			continue
		}
		off = next
		if block < 0 && off > j+1 {
			// The block marker may be in the start tag passed over.
			win := page[j+1 : min(off+len(blockAttr)-1, len(page))]
			if b := bytes.Index(win, blockAttr); b >= 0 && j+1+b < off {
				block = j + 1 + b
			}
		}
	}
	if block < 0 {
		return nil, fmt.Errorf("页面没有发布记录标记（data-ledger-record）")
	}
	start := bytes.LastIndexByte(page[:block], '<')
	if start < 0 {
		return nil, fmt.Errorf("发布记录标记不在标签内")
	}
	_, attrs, _, err := element(page[start:], false)
	if err != nil {
		return nil, err
	}
	p.Key, p.State, p.Hash = attrs.get("data-ledger-record"), attrs.get("data-ledger-state"), attrs.get("data-ledger-hash")
	if v, ok := attrs.lookup("data-ledger-version"); ok {
		if p.Version, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("data-ledger-version=%q 不是版本号", v)
		}
	}
	if v, ok := attrs.lookup("data-ledger-entry"); ok {
		if p.Entry, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, fmt.Errorf("data-ledger-entry=%q 不是条目序号", v)
		}
	}
	if fieldErr != nil {
		return nil, fieldErr
	}
	return p, nil
}

// parseField reads the n-th field marker, at page[j:], into p and returns
// where to look for the next: just after the marked element's start tag
// (markers nested in its content follow).
func parseField(p *Page, page []byte, j, n int, memo *textMemo) (int, error) {
	if n == maxMarks {
		return 0, fmt.Errorf("页面有超过 %d 个字段标记", maxMarks)
	}
	s := bytes.LastIndexByte(page[:j], '<')
	if s < 0 {
		return 0, fmt.Errorf("字段标记不在标签内")
	}
	inner, attrs, next, err := element(page[s:], true)
	if err != nil {
		return 0, fmt.Errorf("字段标记：%v", err)
	}
	name := attrs.get("data-ledger")
	v, has := attrs.lookup("data-ledger-value")
	m := Mark{Value: v, HasValue: has}
	if name == "body" {
		m.Text = memo.visible(inner)
	} else {
		m.Text = ledger.VisibleText(string(inner), false)
	}
	if !has && name != "body" {
		m.Refs = deptRefs(inner)
	}
	p.Fields[name] = append(p.Fields[name], m)
	off := s + max(next, 1)
	if off <= j {
		off = j + len(fieldAttr)
	}
	return off, nil
}

// attrList is an element's attributes in order (a few: a slice costs less
// than a map on the hundreds of thousands of elements of a big site).
type attrList []ledger.Attr

// lookup returns the value of key, the last when repeated (as a map
// filled in order would).
func (a attrList) lookup(key string) (string, bool) {
	for i := len(a) - 1; i >= 0; i-- {
		if a[i].Key == key {
			return a[i].Val, true
		}
	}
	return "", false
}

func (a attrList) get(key string) string {
	v, _ := a.lookup(key)
	return v
}

// element tokenizes the element starting at b[0] ('<'): its attributes,
// and with inner its content up to the matching end tag. next is the
// offset just after the start tag (where nested markers may follow).
func element(b []byte, inner bool) (content []byte, attrs attrList, next int, err error) {
	if content, attrs, next, ok := ledger.ScanElement(b, inner); ok {
		return content, attrs, next, nil
	}
	return elementTokenized(b, inner)
}

// elementTokenized is element by the HTML tokenizer, for any markup.
func elementTokenized(b []byte, inner bool) (content []byte, attrs attrList, next int, err error) {
	z := html.NewTokenizer(bytes.NewReader(b))
	tt := z.Next()
	if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
		return nil, nil, 0, fmt.Errorf("标记不在开始标签内")
	}
	next = len(z.Raw())
	name, more := z.TagName()
	tag := string(name)
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		attrs = append(attrs, ledger.Attr{Key: string(k), Val: string(v)})
	}
	if !inner || tt == html.SelfClosingTagToken {
		return nil, attrs, next, nil
	}
	pos, depth := next, 1
	for {
		tt := z.Next()
		raw := len(z.Raw())
		switch tt {
		case html.ErrorToken:
			return nil, nil, 0, fmt.Errorf("<%s> 没有结束标签", tag)
		case html.StartTagToken:
			if n, _ := z.TagName(); string(n) == tag {
				depth++
			}
		case html.EndTagToken:
			if n, _ := z.TagName(); string(n) == tag {
				depth--
				if depth == 0 {
					return b[next:pos], attrs, next, nil
				}
			}
		}
		pos += raw
	}
}

// Check compares a page's marked fields with version want of the record
// and returns what differs, one message a field. names resolves
// department ids (nil: only the ids are compared).
func Check(p *Page, want *ledger.Version, names ledger.Names) []string {
	var out []string
	for _, f := range ledger.Schema(want.Kind) {
		if !f.Page {
			continue
		}
		val := want.Get(f.Name)
		marks := p.Fields[f.Name]
		label := f.Label
		if len(marks) == 0 {
			if val != "" {
				out = append(out, fmt.Sprintf("%s：页面没有显示，发布记录为「%s」", label, short(ledger.Display(f, val, names))))
			}
			continue
		}
		switch f.Type {
		case ledger.Progress, ledger.Tags:
			var got, exp []string
			for _, m := range marks {
				got = append(got, oneLine(m.Text))
			}
			for _, line := range lines(val) {
				if f.Type == ledger.Progress {
					line = ledger.ProgressLine(line)
				}
				exp = append(exp, oneLine(line))
			}
			if f.Type == ledger.Tags {
				slices.Sort(got)
			}
			if !slices.Equal(got, exp) {
				out = append(out, fmt.Sprintf("%s：页面显示「%s」，发布记录为「%s」", label, short(strings.Join(got, "；")), short(strings.Join(exp, "；"))))
			}
			continue
		}
		if len(marks) > 1 {
			out = append(out, fmt.Sprintf("%s：页面标记了 %d 处", label, len(marks)))
			continue
		}
		m := marks[0]
		switch f.Type {
		case ledger.Ref, ledger.Refs:
			ids := m.Refs
			if m.HasValue {
				ids = strings.Fields(m.Value)
			}
			if exp := lines(val); !slices.Equal(ids, exp) {
				out = append(out, fmt.Sprintf("%s：页面为「%s」，发布记录为「%s」", label, strings.Join(ids, " "), strings.Join(exp, " ")))
				continue
			}
			if names == nil {
				continue
			}
		}
		var got, exp string
		if f.Name == "body" {
			got, exp = m.Text, val
		} else {
			got, exp = oneLine(m.Text), oneLine(ledger.Display(f, val, names))
		}
		if got != exp {
			out = append(out, differs(label, got, exp))
		}
	}
	return out
}

// differs describes a text difference by where it starts.
func differs(label, got, exp string) string {
	g, e := []rune(got), []rune(exp)
	i := 0
	for i < len(g) && i < len(e) && g[i] == e[i] {
		i++
	}
	if len(g) <= 40 && len(e) <= 40 {
		return fmt.Sprintf("%s：页面显示「%s」，发布记录为「%s」", label, got, exp)
	}
	return fmt.Sprintf("%s：从第 %d 个字起不同：页面「%s」，发布记录「%s」", label, i+1, window(g, i), window(e, i))
}

func window(r []rune, i int) string {
	lo := max(0, i-8)
	hi := min(len(r), i+24)
	s := string(r[lo:hi])
	if lo > 0 {
		s = "…" + s
	}
	if hi < len(r) {
		s += "…"
	}
	return s
}

func short(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

// oneLine joins the words of s (split at Unicode white space) with one
// space.
func oneLine(s string) string {
	if isOneLine(s) {
		return s // most texts are: no copy
	}
	return strings.Join(strings.Fields(s), " ")
}

// isOneLine reports whether oneLine(s) is s: no white space but single
// spaces between words.
func isOneLine(s string) bool {
	space := true // at the start, or after a space
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ':
			if space {
				return false
			}
			space = true
			i++
			continue
		case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			return false
		case c == 0xc2 || c == 0xe1 || c == 0xe2 || c == 0xe3:
			// The only lead bytes of white space beyond ASCII (U+0085,
			// U+00A0, U+1680, U+2000–U+205F, U+3000); never a
			// continuation byte, so a rune strings.Fields decodes starts
			// here.
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return false
			}
			i += size
		default:
			i++
		}
		space = false
	}
	return !space || s == ""
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// deptRefs returns the department ids the links in an HTML fragment point
// to (…/departments/<id>/), in order.
func deptRefs(fragment []byte) []string {
	if hrefs, ok := ledger.ScanHrefs(fragment); ok {
		var out []string
		for _, h := range hrefs {
			out = appendDeptRef(out, h)
		}
		return out
	}
	return deptRefsTokenized(fragment)
}

// appendDeptRef appends the department id an href points to, if any.
func appendDeptRef(out []string, href string) []string {
	u, err := url.Parse(href)
	if err != nil {
		return out
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) >= 2 && segs[len(segs)-2] == "departments" {
		out = append(out, segs[len(segs)-1])
	}
	return out
}

// deptRefsTokenized is deptRefs by the HTML tokenizer, for any markup.
func deptRefsTokenized(fragment []byte) []string {
	var out []string
	z := html.NewTokenizer(bytes.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken:
			name, more := z.TagName()
			if string(name) != "a" {
				continue
			}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "href" {
					out = appendDeptRef(out, string(v))
				}
			}
		}
	}
}
