// Package markdown turns the portal's Markdown bodies into safe HTML and
// plain text. It is the only package that imports goldmark.
//
// Contract: GitHub-flavoured Markdown (tables, strikethrough, autolinks) with
// footnotes; soft line breaks between Chinese characters never become spaces;
// headings get ids that keep Chinese characters (so 第一条 links as #第一条);
// raw HTML is dropped and dangerous link schemes are neutralised (goldmark's
// safe mode); typographic substitution is off, because curly quotes and
// dashes would alter the wording of official documents. Plain text and
// summaries count characters (runes), never words, because Chinese has no
// spaces between words. A Renderer is safe for concurrent use.
package markdown

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
)

// Doc is one rendered Markdown body.
type Doc struct {
	HTML string // safe HTML
	Text string // plain text: paragraphs separated by newlines, no markup
}

// Renderer converts Markdown. The zero value is not usable; call New.
type Renderer struct {
	md goldmark.Markdown
}

// New returns a Renderer with the portal's fixed extension set.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.Table,
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
			extension.Footnote,
			extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft), extension.WithEscapedSpace()),
		),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// html.WithUnsafe is deliberately absent: raw HTML is replaced by a comment.
		goldmark.WithRendererOptions(html.WithXHTML()),
	)
	return &Renderer{md: md}
}

// scratch holds one Render's working buffers, reused across calls: a
// body's source copy, HTML and first-pass text are garbage the moment the
// result strings are made, and at city scale they would be most of the
// build's allocations.
type scratch struct {
	src  []byte
	html bytes.Buffer
	text []byte
	bw   *bufio.Writer // writes to html, for goldmark's renderer
	ids  *ids
}

var scratches = sync.Pool{New: func() any { return new(scratch) }}

// Render converts src to HTML and plain text in one parse. Invalid UTF-8
// is replaced by U+FFFD first: goldmark's util.ToRune panics on a leading
// continuation byte when a line-break strategy is set (yuin/goldmark#597,
// unfixed in v1.8.7). The loader refuses such files anyway; this keeps every
// other caller safe. Any other panic inside goldmark becomes an error.
func (r *Renderer) Render(src string) (doc Doc, err error) { return r.renderDoc(src, true, true, 0) }

// RenderValid is Render for a src known to be valid UTF-8, which it does
// not check again: a body the loader read (page.Normalize refuses a file
// that is not UTF-8), 0.03 s of a 10,000-page build. Given invalid UTF-8
// it is as safe as Render (a panic inside goldmark becomes an error) but
// may render it differently.
func (r *Renderer) RenderValid(src string) (doc Doc, err error) {
	return r.renderDoc(src, true, false, 0)
}

// RenderLead is Render (RenderValid when valid is set) with Doc.Text cut
// short: a beginning of the text Render gives, long enough that
// Summary(Doc.Text, n) is Summary of the whole text (all of it when it is
// that short; "" exactly when the whole is ""). For a build whose plain
// text serves only summaries: most of a body's text is never joined.
func (r *Renderer) RenderLead(src string, n int, valid bool) (Doc, error) {
	return r.renderDoc(src, true, !valid, max(n, 1))
}

// renderDoc is Render, with the fast path (plain.go) or without it, with
// src's UTF-8 checked (and mended) or taken as valid, and with the whole
// text (lead 0) or the beginning RenderLead gives for Summary(text, lead).
func (r *Renderer) renderDoc(src string, fast, check bool, lead int) (doc Doc, err error) {
	if check && !utf8.ValidString(src) {
		src = strings.ToValidUTF8(src, "\uFFFD")
	}
	defer func() {
		if p := recover(); p != nil {
			doc, err = Doc{}, fmt.Errorf("the Markdown could not be rendered (%v); simplify the text around unusual markup", p)
		}
	}()
	sc := scratches.Get().(*scratch)
	defer scratches.Put(sc)
	// goldmark reads a []byte; the tree points into it, so it lives as
	// long as this call and no longer.
	sc.src = append(sc.src[:0], src...)
	sc.html.Reset()
	sc.text = sc.text[:0]
	if sc.ids == nil {
		sc.ids = newIDs()
	}
	sc.ids.reset()
	if err := r.render(sc, sc.src, sc.ids, fast && plainEligible(sc.src)); err != nil {
		return Doc{}, err
	}
	return Doc{HTML: sc.html.String(), Text: leadText(sc.text, lead)}, nil
}

// leadText returns strings.TrimSpace(joinCJK(raw)) when n is 0, and
// otherwise a beginning of it long enough for Summary(text, n): joinCJK of
// the raw text up to its (n+1)th character that is no white space.
// joinCJK writes white space only before a character that follows it, and
// decides it from that character and the one before; so cut at a
// character's end it writes a beginning of what it writes for the whole,
// without white space at either end, and Summary, which stops at the
// (n+1)th such character, reads the same characters from both. The cut is
// made only where the beginning is valid UTF-8 and holds n+1 characters
// that are no white space; otherwise the whole is joined.
func leadText(raw []byte, n int) string {
	if n > 0 {
		count, i := 0, 0
		for i < len(raw) && count <= n {
			r, size := rune(raw[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRune(raw[i:])
			}
			if !isSpace(r) {
				count++
			}
			i += size
		}
		if count > n && i < len(raw) && utf8.Valid(raw[:i]) {
			lead := joinCJK(raw[:i])
			if utf8.RuneCountInString(lead)-strings.Count(lead, " ")-strings.Count(lead, "\n") > n {
				return lead
			}
		}
	}
	return strings.TrimSpace(joinCJK(raw))
}

// goldmark parses and renders source with goldmark, appending to sc. It
// does nothing for a source of empty lines only.
func (r *Renderer) goldmark(sc *scratch, source []byte, ids *ids) error {
	if len(bytes.Trim(source, "\n")) == 0 {
		return nil
	}
	ctx := parser.NewContext(parser.WithIDs(ids))
	tree := r.md.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))
	if sc.bw == nil {
		sc.bw = bufio.NewWriter(&sc.html)
	}
	sc.bw.Reset(&sc.html) // drops what a panic left unwritten
	if err := r.md.Renderer().Render(sc.bw, source, tree); err != nil {
		return err
	}
	sc.text = appendPlainText(sc.text, tree, source)
	return nil
}

// PlainText returns src's text without markup.
func (r *Renderer) PlainText(src string) string {
	source := []byte(strings.ToValidUTF8(src, "\uFFFD"))
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	doc := r.md.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))
	return plainText(doc, source)
}

// plainText walks the tree and keeps the text, with a newline after every
// block so paragraphs and table cells do not run together.
func plainText(doc ast.Node, source []byte) string {
	return strings.TrimSpace(joinCJK(appendPlainText(make([]byte, 0, len(source)), doc, source)))
}

// appendPlainText appends the text of the tree to b, before spaces are
// collapsed by joinCJK.
func appendPlainText(b []byte, doc ast.Node, source []byte) []byte {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Text:
			if entering {
				b = append(b, n.Segment.Value(source)...)
				switch {
				case n.HardLineBreak():
					b = append(b, '\n')
				case n.SoftLineBreak():
					b = append(b, ' ') // dropped between wide characters by joinCJK
				}
			}
		case *ast.String:
			if entering {
				b = append(b, n.Value...)
			}
		case *ast.CodeSpan:
			// children are Text nodes; handled above
		case *ast.AutoLink:
			if entering {
				b = append(b, n.Label(source)...)
			}
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			if entering {
				lines := n.Lines()
				for i := 0; i < lines.Len(); i++ {
					seg := lines.At(i)
					b = append(b, seg.Value(source)...)
				}
			}
		case *east.TableCell:
			if !entering {
				b = append(b, '\t') // a separator kept even between wide characters
			}
			return ast.WalkContinue, nil
		case *east.FootnoteLink, *east.FootnoteBacklink:
			return ast.WalkSkipChildren, nil
		}
		if !entering && n.Type() == ast.TypeBlock {
			// joinCJK collapses repeated newlines, so no check is needed.
			b = append(b, '\n')
		}
		return ast.WalkContinue, nil
	})
	return b
}

// joinCJKLines is joinCJK for a string.
func joinCJKLines(s string) string { return joinCJK([]byte(s)) }

// joinCJK collapses runs of whitespace to one space or newline and
// removes a line break between two wide (CJK) characters, matching how the
// HTML renders them.
func joinCJK(s []byte) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune
	pendingSpace, pendingNL, forced := false, false, false
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(s[i:])
		}
		if r == '\t' {
			forced = true
		}
		if r == '\n' {
			pendingNL = true
			i += size
			continue
		}
		if isSpace(r) {
			pendingSpace = true
			i += size
			continue
		}
		if pendingNL {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
		} else if pendingSpace && b.Len() > 0 && (forced || !(isWide(prev) && isWide(r))) {
			b.WriteByte(' ')
		}
		pendingSpace, pendingNL, forced = false, false, false
		// Copy the run of characters up to the next space at once: only the
		// last one's width matters for the next break.
		j, valid := i+size, !(r == utf8.RuneError && size == 1)
		prev = r
		last := -1 // where the run's last character starts, once past r
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if c == ' ' || (c >= '\t' && c <= '\r') {
					break
				}
				last = j
				j++
				continue
			}
			// Most of a Chinese text is three-byte characters none of which
			// is a space: U+3001 to U+CFFF and U+E000 to U+FFFF (U+3000 is
			// one). Their lead bytes accept any continuation bytes.
			if j+2 < len(s) && (c >= 0xE3 && c <= 0xEC || c >= 0xEE) && c <= 0xEF &&
				s[j+1]&0xC0 == 0x80 && s[j+2]&0xC0 == 0x80 && !(c == 0xE3 && s[j+1] == 0x80 && s[j+2] == 0x80) {
				last = j
				j += 3
				continue
			}
			r, n := utf8.DecodeRune(s[j:])
			valid = valid && !(r == utf8.RuneError && n == 1)
			if isSpace(r) {
				break
			}
			last = j
			j += n
		}
		if last >= 0 {
			prev, _ = utf8.DecodeRune(s[last:j])
		}
		if valid {
			b.Write(s[i:j])
		} else {
			for _, c := range string(s[i:j]) { // invalid bytes become U+FFFD
				b.WriteRune(c)
			}
		}
		i = j
	}
	return b.String()
}

// isSpace is unicode.IsSpace with the common cases answered first: no
// character above U+3000 is white space, and most of a Chinese text is.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || (r >= '\t' && r <= '\r')
	}
	if r > 0x3000 {
		return false
	}
	return unicode.IsSpace(r)
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// Summary returns the first n characters (runes) of text on one line, cut at
// a sentence end when one falls in the last third, with an ellipsis when
// anything was cut.
func Summary(text string, n int) string {
	if n <= 0 {
		return ""
	}
	// Only the first n characters are looked at, so a long body costs no
	// more than a short one.
	runes := make([]rune, 0, n)
	space, cut := false, false
	for _, r := range text {
		if unicode.IsSpace(r) {
			space = len(runes) > 0
			continue
		}
		if space {
			if len(runes) == n {
				cut = true
				break
			}
			runes = append(runes, ' ')
			space = false
		}
		if len(runes) == n {
			cut = true
			break
		}
		runes = append(runes, r)
	}
	if !cut {
		return string(runes)
	}
	for i := len(runes) - 1; i >= n*2/3; i-- {
		switch runes[i] {
		case '。', '！', '？', '；', '.', '!', '?':
			return string(runes[:i+1])
		}
	}
	return strings.TrimRight(string(runes), " ") + "…"
}

// ids generates heading ids that keep Chinese characters: letters and digits
// of any script stay, ASCII is lower-cased, everything else becomes one
// hyphen. Repeated ids get -1, -2 … suffixes.
type ids struct {
	used map[string]bool
	next map[string]int // the last number given to each base
	buf  []byte         // the slug being made
}

func newIDs() *ids { return &ids{used: map[string]bool{}, next: map[string]int{}} }

// reset forgets every id given, keeping the maps' memory for the next body.
func (s *ids) reset() {
	clear(s.used)
	clear(s.next)
}

// Generate implements parser.IDs.
func (s *ids) Generate(value []byte, kind ast.NodeKind) []byte {
	return []byte(s.generate(value))
}

// generate returns the id for a heading whose text is value.
func (s *ids) generate(value []byte) string {
	s.buf = appendSlug(s.buf[:0], value)
	if len(s.buf) == 0 {
		s.buf = append(s.buf, "section"...)
	}
	if !s.used[string(s.buf)] { // the usual case, one string made
		id := string(s.buf)
		s.used[id] = true
		return id
	}
	base := string(s.buf)
	id := base
	// Numbering resumes where this base left off: counting from 1 for
	// every heading made n equal headings cost n² lookups (10,000 "# 标题"
	// lines took over a minute).
	for i := s.next[base] + 1; s.used[id]; i++ {
		id = base + "-" + itoa(i)
		s.next[base] = i
	}
	s.used[id] = true
	return id
}

// Put implements parser.IDs.
func (s *ids) Put(value []byte) { s.used[string(value)] = true }

// Slug turns a heading or tag into an id fragment: letters and digits of any
// script kept, ASCII lower-cased, other runs collapsed to one hyphen.
func Slug(s string) string { return string(appendSlug(nil, []byte(s))) }

// appendSlug appends the Slug of s to b.
func appendSlug(b []byte, s []byte) []byte {
	start := len(b)
	hyphen := false
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(s[i:])
		}
		i += n
		if l, ok := slugRune(r); ok {
			if hyphen && len(b) > start {
				b = append(b, '-')
			}
			hyphen = false
			b = utf8.AppendRune(b, l)
		} else if len(b) > start {
			hyphen = true
		}
	}
	return b
}

// slugRune reports whether Slug keeps r (a letter, digit or non-spacing
// mark) and as what (lower-cased). ASCII and the CJK Unified Ideographs,
// nearly every character of a Chinese heading, are answered without the
// Unicode tables; TestSlugRune checks every rune against them.
func slugRune(r rune) (rune, bool) {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r, true
		case 'A' <= r && r <= 'Z':
			return r + 'a' - 'A', true
		}
		return r, false
	case 0x4E00 <= r && r <= 0x9FFF:
		return r, true
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
		return unicode.ToLower(r), true
	}
	return r, false
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d [20]byte
	p := len(d)
	for i > 0 {
		p--
		d[p] = byte('0' + i%10)
		i /= 10
	}
	return string(d[p:])
}
