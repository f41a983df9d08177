package markdown

import (
	"bytes"
	"encoding/binary"
)

// The fast path. Nine tenths of a typical body are one-line paragraphs of
// Chinese prose, ATX headings ("## 一、总体要求"), short "- " lists and
// simple tables, whose HTML is certain: <p>text</p>, <h2 id="slug">text</h2>
// and so on, with only " to escape. goldmark spends most of a page's time
// building and walking a tree for them, so render cuts a body into such
// plain blocks, written here byte for byte as goldmark writes them, and runs
// of all other lines, which goldmark parses and renders on their own, in
// order, with the same heading-id generator.
//
// Why a run of other lines renders alone as it does inside the document:
//   - Nothing in the body can reach across blocks: a body with '[' (link
//     reference definitions, footnotes), '`' or "~~~" (fenced code, which
//     spans blank lines), '<' (HTML blocks, some of which span blank lines)
//     or '\r' is left to goldmark whole (plainEligible).
//   - A plain paragraph, list or table starts at column 0 after an empty
//     line, a plain heading or the start of the body; a plain heading after
//     an empty line, a plain block or the start. A line at column 0 that
//     begins no container, after an empty line, closes every container
//     (lists, quotes, tables, indented code), and after a heading nothing is
//     open; so each run of other lines begins in the state of a fresh
//     document and is closed by the next plain block. A list must also not
//     follow an empty line after a run of other lines (it could continue a
//     list there).
//   - A plain block ends where nothing can continue it: a paragraph before
//     an empty line, an ATX heading (which interrupts it) or the end; a
//     table before an empty line or the end; a list before an ATX heading,
//     the end, or empty lines and then a line that is neither indented nor
//     a list marker (which would continue it or make it loose).
//   - Heading ids are generated in document order either way.
//
// TestPlainMatchesGoldmark*, FuzzPlainMatchesGoldmark and the random block
// mixes hold the fast path to goldmark's output; anything outside its
// subset falls back to goldmark.

// render appends source's HTML to sc.html and its text, before joinCJK,
// to sc.text. With fast set, plain blocks are written directly and only
// the lines between them go through goldmark.
func (r *Renderer) render(sc *scratch, source []byte, ids *ids, fast bool) error {
	if !fast {
		return r.goldmark(sc, source, ids)
	}
	chunk := 0 // where the lines not yet rendered begin
	prevEmpty, prevPlain, prevHeading := true, false, false
	// whether the last line that was not empty was in a plain block (or
	// there was none): a list after it cannot continue an earlier one
	afterPlain := true
	for pos := 0; pos < len(source); {
		line, next := lineAt(source, pos)
		kind, level, text := classify(line)
		plain := false
		blockEnd := next // where a plain block ends
		switch kind {
		case lineHeading:
			plain = prevEmpty || prevPlain
		case linePara:
			if prevEmpty || prevHeading {
				rest, _ := lineAt(source, next)
				plain = len(rest) == 0 || headingOpener(rest)
			}
		case lineItem:
			if prevEmpty && afterPlain || prevHeading {
				blockEnd, plain = plainList(source, pos)
			}
		case lineRow:
			if prevEmpty || prevHeading {
				blockEnd, plain = plainTable(source, pos)
			}
		}
		if plain {
			if err := r.goldmark(sc, source[chunk:pos], ids); err != nil {
				return err
			}
			chunk = blockEnd
			switch kind {
			case lineHeading:
				writeHeading(sc, ids, level, text)
			case linePara:
				sc.html.WriteString("<p>")
				appendEscaped(&sc.html, text)
				sc.html.WriteString("</p>\n")
				sc.text = append(sc.text, text...)
				sc.text = append(sc.text, '\n')
			case lineItem:
				writeList(sc, source[pos:blockEnd])
			case lineRow:
				writeTable(sc, source[pos:blockEnd])
			}
			next = blockEnd
		}
		prevEmpty, prevPlain, prevHeading = kind == lineEmpty, plain, plain && kind == lineHeading
		if !prevEmpty {
			afterPlain = plain
		}
		pos = next
	}
	return r.goldmark(sc, source[chunk:], ids)
}

// lineAt returns the line starting at pos, without its newline, and where
// the next one starts.
func lineAt(source []byte, pos int) (line []byte, next int) {
	if pos >= len(source) {
		return nil, len(source)
	}
	end := bytes.IndexByte(source[pos:], '\n')
	if end < 0 {
		return source[pos:], len(source)
	}
	return source[pos : pos+end], pos + end + 1
}

// writeHeading writes a plain heading as goldmark does, its id made by ids.
func writeHeading(sc *scratch, ids *ids, level int, text []byte) {
	id := ids.generate(text)
	sc.html.WriteString("<h")
	sc.html.WriteByte('0' + byte(level))
	sc.html.WriteString(` id="`)
	appendAttr(&sc.html, id)
	sc.html.WriteString(`">`)
	appendEscaped(&sc.html, text)
	sc.html.WriteString("</h")
	sc.html.WriteByte('0' + byte(level))
	sc.html.WriteString(">\n")
	sc.text = append(sc.text, text...)
	sc.text = append(sc.text, '\n')
}

// plainList reports whether the lines from pos on are a plain tight
// bullet list ("- " and plain text on each line, nothing else), ending
// before an ATX heading, the end, or empty lines after which nothing could
// continue it; and where it ends. The caller makes sure that it cannot
// continue an earlier list.
func plainList(source []byte, pos int) (end int, ok bool) {
	for {
		line, next := lineAt(source, pos)
		if len(line) < 2 || line[0] != '-' || line[1] != ' ' {
			if len(line) > 0 {
				return pos, headingOpener(line)
			}
			// After empty lines, an indented line would continue the last
			// item and a list marker continue the list (or start one
			// whose looseness is in doubt).
			for len(line) == 0 && next < len(source) {
				line, next = lineAt(source, next)
			}
			return pos, len(line) == 0 || bytes.IndexByte([]byte(" \t-+*"), line[0]) < 0
		}
		if item := line[2:]; !startsNoBlock(item) || !plainInline(item) {
			return 0, false
		}
		if next == len(source) {
			return next, true
		}
		pos = next
	}
}

// writeList writes the plain list in block as goldmark does.
func writeList(sc *scratch, block []byte) {
	sc.html.WriteString("<ul>\n")
	for pos := 0; pos < len(block); {
		line, next := lineAt(block, pos)
		item := line[2:]
		sc.html.WriteString("<li>")
		appendEscaped(&sc.html, item)
		sc.html.WriteString("</li>\n")
		// goldmark's tree: Text in a TextBlock in a ListItem, each block
		// ending a line of the plain text.
		sc.text = append(sc.text, item...)
		sc.text = append(sc.text, '\n', '\n')
		pos = next
	}
	sc.html.WriteString("</ul>\n")
	sc.text = append(sc.text, '\n')
}

// tableCells calls cell for each cell of a table line ("| a | b |"),
// trimmed of spaces, and reports whether the line has that form.
func tableCells(line []byte, cell func([]byte) bool) bool {
	if len(line) < 2 || line[0] != '|' || line[len(line)-1] != '|' {
		return false
	}
	line = line[1 : len(line)-1]
	for {
		i := bytes.IndexByte(line, '|')
		c := line
		if i >= 0 {
			c = line[:i]
		}
		if !cell(bytes.Trim(c, " ")) {
			return false
		}
		if i < 0 {
			return true
		}
		line = line[i+1:]
	}
}

// plainTable reports whether the lines from pos on are a plain table: a
// header row, a delimiter row of dashes only (no alignment), at least one
// body row, the same number of non-empty plain cells in every row, and an
// empty line or the end after it; and where it ends.
func plainTable(source []byte, pos int) (end int, ok bool) {
	cols := -1
	for row := 0; ; row++ {
		line, next := lineAt(source, pos)
		if len(line) == 0 {
			return pos, row >= 3
		}
		n := 0
		if !tableCells(line, func(c []byte) bool {
			n++
			if row == 1 {
				return len(c) > 0 && len(bytes.Trim(c, "-")) == 0
			}
			return plainInline(c)
		}) || (cols >= 0 && n != cols) {
			return 0, false
		}
		cols = n
		if next == len(source) {
			return next, row >= 2
		}
		pos = next
	}
}

// writeTable writes the plain table in block as goldmark does.
func writeTable(sc *scratch, block []byte) {
	sc.html.WriteString("<table>\n<thead>\n<tr>\n")
	row := 0
	for pos := 0; pos < len(block); row++ {
		line, next := lineAt(block, pos)
		pos = next
		if row == 1 {
			sc.html.WriteString("</tr>\n</thead>\n<tbody>\n")
			continue
		}
		open, close := "<td>", "</td>\n"
		if row == 0 {
			open, close = "<th>", "</th>\n"
		} else {
			sc.html.WriteString("<tr>\n")
		}
		tableCells(line, func(c []byte) bool {
			sc.html.WriteString(open)
			appendEscaped(&sc.html, c)
			sc.html.WriteString(close)
			sc.text = append(sc.text, c...)
			sc.text = append(sc.text, '\t')
			return true
		})
		if row > 0 {
			sc.html.WriteString("</tr>\n")
		}
		sc.text = append(sc.text, '\n')
	}
	sc.html.WriteString("</tbody>\n</table>\n")
	sc.text = append(sc.text, '\n')
}

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
	lineItem                    // "- ": perhaps the start of a plain list
	lineRow                     // "|": perhaps the start of a plain table
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
	switch {
	case line[0] == '-' && len(line) > 1 && line[1] == ' ':
		return lineItem, 0, nil
	case line[0] == '|':
		return lineRow, 0, nil
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
	if len(line) == 0 {
		return false
	}
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
	for i := 0; i < len(text); {
		// Eight bytes at a time while none is ASCII: most of a Chinese
		// text, and no byte of it can be markup.
		if i+8 <= len(text) && binary.LittleEndian.Uint64(text[i:])&0x8080808080808080 == 0x8080808080808080 {
			i += 8
			continue
		}
		if c := text[i]; c < 0x80 && !inlineSafe[c] {
			return false
		}
		i++
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
func appendAttr(b *bytes.Buffer, v string) {
	for _, c := range []byte(v) {
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
