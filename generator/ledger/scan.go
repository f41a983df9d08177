package ledger

import (
	"bytes"
	"slices"

	"golang.org/x/net/html/atom"
)

// A fast path for the HTML the verifier reads most: the marked fields of
// record and old-version pages, as html/template writes them. Tokenizing
// them with golang.org/x/net/html costs a 4 KiB buffer and a pass of its
// state machine per element, which over the 100,000 pages of a 10,000-record
// site with 10 versions each was most of portal verify's time
// (docs/LEDGER.md, 十). The scanner below accepts only a strict subset of
// HTML on which it yields exactly what the tokenizer yields: lower-case
// tags from a fixed list (no raw-text elements such as script, title or
// textarea), attributes written name="value" separated by one space, end
// tags written </name>, text without '<', and character references among
// the few html/template writes (&amp; &lt; &gt; &quot; &#NN; for printable
// ASCII). Anything else — a comment, an upper-case or unknown tag, a
// self-closing tag, another reference, a carriage return — makes it give
// up (ok false), and the caller tokenizes as before. FuzzScanMatches
// checks the two agree on every input the scanner accepts.

// scanTagOK reports whether the scanner accepts the element a: none it
// accepts is a raw-text element (whose content the tokenizer would not
// split into tags). A switch: a map lookup for every tag of 100,000 pages
// showed in verify's profile.
func scanTagOK(a atom.Atom) bool {
	switch a {
	case atom.A, atom.Abbr, atom.B, atom.Blockquote, atom.Br, atom.Caption, atom.Cite, atom.Code, atom.Dd, atom.Del, atom.Div,
		atom.Dl, atom.Dt, atom.Em, atom.Figcaption, atom.Figure, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Hr, atom.I, atom.Img, atom.Ins, atom.Li, atom.Mark, atom.Ol, atom.P, atom.Pre, atom.S, atom.Section,
		atom.Small, atom.Span, atom.Strong, atom.Sub, atom.Sup, atom.Table, atom.Tbody, atom.Td, atom.Tfoot, atom.Th,
		atom.Thead, atom.Time, atom.Tr, atom.U, atom.Ul:
		return true
	}
	return false
}

// scannedTag is one tag the scanner read.
type scannedTag struct {
	end   bool
	name  []byte // lower case, as written
	atom  atom.Atom
	attrs []scannedAttr // start tags only
	size  int           // bytes from '<' to '>' inclusive
}

type scannedAttr struct {
	key []byte
	val []byte // raw, references not yet replaced
}

// scanTag reads the tag starting at b[0] ('<'), its attributes into
// attrs[:0] (a caller's buffer, so that reading a tag allocates nothing).
func scanTag(b []byte, attrs []scannedAttr) (t scannedTag, ok bool) {
	t.attrs = attrs[:0]
	i := 1
	if i < len(b) && b[i] == '/' {
		t.end = true
		i++
	}
	start := i
	for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || i > start && b[i] >= '0' && b[i] <= '9') {
		i++
	}
	if i == start || i >= len(b) {
		return t, false
	}
	t.name = b[start:i]
	if t.atom = atom.Lookup(t.name); !scanTagOK(t.atom) {
		return t, false
	}
	if t.end {
		if b[i] != '>' {
			return t, false
		}
		t.size = i + 1
		return t, true
	}
	for {
		switch {
		case i >= len(b):
			return t, false
		case b[i] == '>':
			t.size = i + 1
			return t, true
		case b[i] != ' ':
			return t, false
		}
		i++
		ks := i
		for i < len(b) && (b[i] >= 'a' && b[i] <= 'z' || b[i] == '-' || i > ks && b[i] >= '0' && b[i] <= '9') {
			i++
		}
		if i == ks || i+1 >= len(b) || b[i] != '=' || b[i+1] != '"' {
			return t, false
		}
		key := b[ks:i]
		i += 2
		vs := i
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			return t, false
		}
		i += j
		val := b[vs:i]
		if bytes.IndexByte(val, '\r') >= 0 || bytes.IndexByte(val, 0) >= 0 {
			return t, false
		}
		if !slices.ContainsFunc(t.attrs, func(a scannedAttr) bool { return bytes.Equal(a.key, key) }) {
			t.attrs = append(t.attrs, scannedAttr{key: key, val: val}) // the tokenizer keeps the first of duplicates
		}
		i++
	}
}

// unescapeSimple appends s to dst with the references html/template writes
// replaced; ok is false for any other '&' (the tokenizer's rules for the
// rest are many).
func unescapeSimple(dst, s []byte) ([]byte, bool) {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...), true
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		r, n := simpleRef(s)
		if n == 0 {
			return dst, false
		}
		dst = append(dst, r)
		s = s[n:]
	}
}

// simpleRef reads a reference at s[0] ('&'): &amp; &lt; &gt; &quot; or
// &#NN; / &#NNN; naming printable ASCII. n is 0 for anything else.
func simpleRef(s []byte) (r byte, n int) {
	for _, ref := range [...]struct {
		text string
		r    byte
	}{{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}} {
		if bytes.HasPrefix(s, []byte(ref.text)) {
			return ref.r, len(ref.text)
		}
	}
	if len(s) < 5 || s[1] != '#' {
		return 0, 0
	}
	v, i := 0, 2
	for ; i < len(s) && i < 5 && s[i] >= '0' && s[i] <= '9'; i++ {
		v = v*10 + int(s[i]-'0')
	}
	if i < 4 || i >= len(s) || s[i] != ';' || s[2] == '0' || v < 0x20 || v > 0x7e {
		return 0, 0
	}
	return byte(v), i + 1
}

// attrValue returns the first value of the attribute key, references
// replaced, as VisibleText's attr does ("" when absent); ok is false when a
// reference needs the tokenizer.
func (t *scannedTag) attrValue(key string) (string, bool) {
	for _, a := range t.attrs {
		if string(a.key) == key {
			v, ok := unescapeSimple(nil, a.val)
			return string(v), ok
		}
	}
	return "", true
}

// Attr is an attribute as the tokenizer gives it: lower-case name, value
// with references replaced.
type Attr struct{ Key, Val string }

// ScanElement reads the element starting at b[0] ('<') when the scanner
// accepts it: its attributes (references replaced; of duplicates the first,
// as the tokenizer keeps), its content up to the matching end tag (when
// inner), and next, the offset just after the start tag. ok is false when
// the element needs the full tokenizer.
func ScanElement(b []byte, inner bool) (content []byte, attrs []Attr, next int, ok bool) {
	var buf [8]scannedAttr // the ledger block has six
	t, ok := scanTag(b, buf[:0])
	if !ok || t.end {
		return nil, nil, 0, false
	}
	attrs = make([]Attr, 0, len(t.attrs))
	for _, a := range t.attrs {
		v, ok := unescapeSimple(nil, a.val)
		if !ok {
			return nil, nil, 0, false
		}
		attrs = append(attrs, Attr{string(a.key), string(v)})
	}
	next = t.size
	if !inner {
		return nil, attrs, next, true
	}
	pos, depth := next, 1
	for {
		j := bytes.IndexByte(b[pos:], '<')
		if j < 0 {
			return nil, nil, 0, false
		}
		pos += j
		u, ok := scanTag(b[pos:], buf[:0]) // t's attributes are copied out: buf is free
		if !ok {
			return nil, nil, 0, false
		}
		if bytes.Equal(u.name, t.name) {
			if u.end {
				depth--
				if depth == 0 {
					return b[next:pos], attrs, next, true
				}
			} else {
				depth++
			}
		}
		pos += u.size
	}
}

// visibleTextSimple is VisibleText for fragments the scanner accepts.
func visibleTextSimple(fragment string, links bool) (string, bool) {
	b := unsafeBytes(fragment)
	out := make([]byte, 0, len(b))
	type open struct {
		href  string
		start int
	}
	var anchors []open
	var buf [4]scannedAttr // each tag's, used before the next is read
	for len(b) > 0 {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			i = len(b)
		}
		if i > 0 {
			if bytes.IndexByte(b[:i], '\r') >= 0 {
				return "", false
			}
			var ok bool
			if out, ok = unescapeSimple(out, b[:i]); !ok {
				return "", false
			}
			b = b[i:]
			continue
		}
		t, ok := scanTag(b, buf[:0])
		if !ok {
			return "", false
		}
		b = b[t.size:]
		switch {
		case isBlock(t.atom):
			out = append(out, '\n')
		case t.atom == atom.A && links && !t.end:
			href, ok := t.attrValue("href")
			if !ok {
				return "", false
			}
			anchors = append(anchors, open{href: href, start: len(out)})
		case t.atom == atom.A && links && len(anchors) > 0:
			o := anchors[len(anchors)-1]
			anchors = anchors[:len(anchors)-1]
			if o.href != "" && o.href[0] != '#' {
				text := string(bytes.TrimSpace(out[o.start:]))
				if text != o.href && "mailto:"+text != o.href {
					out = append(out, " <"+o.href+">"...)
				}
			}
		case t.atom == atom.Img && !t.end:
			alt, ok := t.attrValue("alt")
			if !ok {
				return "", false
			}
			if alt != "" {
				out = append(out, "[图片："+alt+"]"...)
			} else {
				out = append(out, "[图片]"...)
			}
		}
	}
	// out is not used again: it is normalised in place and returned as
	// the string.
	if s, ok := normInPlace(out); ok {
		return s, true
	}
	return "", false // invalid UTF-8: the tokenizer's way replaces it
}

// ScanHrefs returns the href values of the <a> start tags in an HTML
// fragment, in order (every href of a tag, references replaced), when the
// scanner accepts the fragment.
func ScanHrefs(fragment []byte) (hrefs []string, ok bool) {
	b := fragment
	var buf [4]scannedAttr // each tag's, used before the next is read
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			return hrefs, true
		}
		b = b[i:]
		t, ok := scanTag(b, buf[:0])
		if !ok {
			return nil, false
		}
		b = b[t.size:]
		if t.end || t.atom != atom.A {
			continue
		}
		for _, a := range t.attrs {
			if string(a.key) == "href" {
				v, ok := unescapeSimple(nil, a.val)
				if !ok {
					return nil, false
				}
				hrefs = append(hrefs, string(v))
			}
		}
	}
}
