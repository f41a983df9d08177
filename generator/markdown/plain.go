package markdown

import (
	"bytes"
)

// The fast path. Nine tenths of a typical body are one-line paragraphs of
// Chinese prose and ATX headings ("## 一、总体要求"), whose HTML is certain:
// <p>text</p> and <h2 id="slug">text</h2>, with only " to escape. goldmark
// spends most of a page's time building and walking a tree for them, so
// Render cuts a body into such plain blocks, written here byte for byte as
// goldmark writes them, and runs of all other lines, which goldmark parses
// and renders on their own, in order, with the same heading-id generator.
//
// Why a run of other lines renders alone as it does inside the document:
//   - Nothing in the body can reach across blocks: a body with '[' (link
//     reference definitions, footnotes), '`' or "~~~" (fenced code, which
//     spans blank lines), '<' (HTML blocks, some of which span blank lines)
//     or '\r' is left to goldmark whole (plainEligible).
//   - A plain paragraph starts after an empty line, the start of the body or
//     a plain heading, and ends before an empty line, the end, or an ATX
//     heading (which interrupts a paragraph); a plain heading starts after an
//     empty line, the start or a plain block. A line at column 0 that begins
//     no block after an empty line closes every container (lists, quotes,
//     tables, indented code); after a heading nothing is open. So every run
//     of other lines begins where goldmark's state is that of a fresh
//     document and ends where the next plain block closes all it opened.
//   - Heading ids are generated in document order either way.
//
// FuzzPlainMatchesGoldmark holds the fast path to goldmark's output on
// arbitrary input; anything outside the subset falls back.

// plainEligible reports whether src may be cut into blocks at all.
func plainEligible(src []byte) bool {
	// One vectorised search per byte beats one pass testing four.
	for _, c := range []byte{'[', '`', '<', '\r'} {
		if bytes.IndexByte(src, c) >= 0 {
			return false
		}
	}
	return !bytes.Contains(src, []byte("~~~"))
}

// lineKind classifies one line (without its newline).
type lineKind uint8

const (
	lineOther   lineKind = iota // anything goldmark must see
	lineEmpty                   // no bytes at all
	lineHeading                 // "#{1,6} " and plain text
	linePara                    // plain text that starts no block
)

// classify returns line's kind and, for a heading, its level and text.
func classify(line []byte) (kind lineKind, level int, text []byte) {
	if len(line) == 0 {
		return lineEmpty, 0, nil
	}
	if line[0] == '#' {
		for level < len(line) && line[level] == '#' {
			level++
		}
		if level > 6 || level+1 >= len(line) || line[level] != ' ' {
			return lineOther, 0, nil
		}
		text = line[level+1:]
		if bytes.IndexByte(text, '#') >= 0 || !plainInline(text) {
			return lineOther, 0, nil
		}
		return lineHeading, level, text
	}
	if !startsNoBlock(line) || !plainInline(line) {
		return lineOther, 0, nil
	}
	return linePara, 0, line
}

// startsNoBlock reports whether line, at column 0, can only continue or
// begin a paragraph: it starts with a letter or a non-ASCII character, or
// with digits not followed by an ordered-list marker.
func startsNoBlock(line []byte) bool {
	c := line[0]
	switch {
	case c >= 0x80, c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	case c >= '0' && c <= '9':
		i := 1
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		return i < len(line) && line[i] != '.' && line[i] != ')'
	}
	return false
}

// inlineSafe marks the ASCII bytes that mean nothing to goldmark's inline
// parsers with the portal's extensions: no emphasis, strikethrough, escape,
// entity, link, autolink, table cell, or raw HTML can start with them.
var inlineSafe = func() (t [128]bool) {
	for c := ' '; c < 127; c++ {
		t[c] = true
	}
	for _, c := range "\\`*_[]!<>&~@|" {
		t[c] = false
	}
	return t
}()

// plainInline reports whether text renders as itself (with " escaped):
// safe bytes only, no leading or trailing space (goldmark trims them, and
// two at the end of a line would be a hard break), nothing Linkify would
// turn into a link (it needs "://", "www." or '@').
func plainInline(text []byte) bool {
	if len(text) == 0 || text[0] == ' ' || text[len(text)-1] == ' ' {
		return false
	}
	for _, c := range text {
		if c < 0x80 && !inlineSafe[c] {
			return false
		}
	}
	return !bytes.Contains(text, []byte("://")) && !bytes.Contains(text, []byte("www."))
}

// headingOpener reports whether line begins an ATX heading, which
// interrupts a paragraph whatever follows it on the line.
func headingOpener(line []byte) bool {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(line) || line[n] == ' ')
}

// appendEscaped appends text to b as goldmark writes plain text: of the
// characters it escapes only " can occur in a plain block.
func appendEscaped(b *bytes.Buffer, text []byte) {
	for {
		i := bytes.IndexByte(text, '"')
		if i < 0 {
			b.Write(text)
			return
		}
		b.Write(text[:i])
		b.WriteString("&quot;")
		text = text[i+1:]
	}
}

// appendAttr appends an attribute value escaped as goldmark's
// util.EscapeHTML does.
func appendAttr(b *bytes.Buffer, v []byte) {
	for _, c := range v {
		switch c {
		case '"':
			b.WriteString("&quot;")
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
}
