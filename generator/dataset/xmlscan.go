package dataset

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner reads the parts of a SpreadsheetML (.xlsx) package as a
// stream of tags and text. It understands what those parts use (elements,
// attributes, character and entity references, comments, processing
// instructions, CDATA) and nothing more: no DTDs, no namespaces beyond
// dropping a prefix. It is several times faster than encoding/xml on a
// 100,000-row sheet, which is why it exists (see BenchmarkReadBig).
type xmlScanner struct {
	r   *bufio.Reader
	buf []byte // the current tag or text, valid until the next call
	err error
}

// Token kinds.
const (
	tokStart = iota + 1 // <name …>
	tokEnd              // </name>
	tokEmpty            // <name …/>
	tokText             // character data (references decoded)
)

type xmlToken struct {
	kind  int
	name  []byte // local name (prefix dropped)
	attrs []byte // raw attributes of a start or empty tag
	text  []byte // decoded text
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: bufio.NewReaderSize(r, 64<<10)}
}

var errXML = errors.New("malformed XML")

// maxToken bounds one tag or text run: Excel caps a cell at 32,767
// characters, so anything near a mebibyte is not a worksheet.
const maxToken = 1 << 20

var errTokenTooLong = errors.New("a tag or text longer than 1 MiB: not a worksheet Excel writes")

// readUntil reads up to and including delim into s.buf.
func (s *xmlScanner) readUntil(delim byte) bool {
	s.buf = s.buf[:0]
	for {
		b, err := s.r.ReadSlice(delim)
		s.buf = append(s.buf, b...)
		switch {
		case err == nil:
			return true
		case errors.Is(err, bufio.ErrBufferFull):
			if len(s.buf) > maxToken {
				s.err = errTokenTooLong
				return false
			}
			continue
		}
		s.err = err
		return false
	}
}

// unexpectedEOF turns the end of the part inside a token into an error.
func (s *xmlScanner) unexpectedEOF() {
	if errors.Is(s.err, io.EOF) {
		s.err = io.ErrUnexpectedEOF
	}
}

// next returns the next token; ok is false at the end of the part or on an
// error (see err).
func (s *xmlScanner) next() (t xmlToken, ok bool) {
	for s.err == nil {
		c, err := s.r.ReadByte()
		if err != nil {
			s.err = err
			return t, false
		}
		if c != '<' {
			s.r.UnreadByte()
			if !s.readUntil('<') {
				if len(bytes.TrimSpace(s.buf)) > 0 {
					s.unexpectedEOF() // text after the root element
				}
				return t, false
			}
			s.r.UnreadByte() // leave '<' for the tag
			text := s.buf[:len(s.buf)-1]
			t.kind, t.text = tokText, unescape(text)
			return t, true
		}
		// A tag, comment, CDATA section or processing instruction.
		p, _ := s.r.Peek(1)
		if len(p) == 1 && (p[0] == '!' || p[0] == '?') {
			if head, _ := s.r.Peek(8); bytes.HasPrefix(head, []byte("![CDATA[")) {
				s.r.Discard(8)
				if !s.readUntilSeq("]]>") {
					s.unexpectedEOF()
					return t, false
				}
				t.kind, t.text = tokText, s.buf[:len(s.buf)-3]
				return t, true
			}
			if head, _ := s.r.Peek(3); bytes.HasPrefix(head, []byte("!--")) {
				if !s.readUntilSeq("-->") {
					s.unexpectedEOF()
					return t, false
				}
				continue
			}
			if !s.readUntil('>') {
				s.unexpectedEOF()
				return t, false
			}
			continue
		}
		if !s.readUntil('>') {
			s.unexpectedEOF()
			return t, false
		}
		tag := s.buf[:len(s.buf)-1]
		switch {
		case len(tag) > 0 && tag[0] == '/':
			t.kind, t.name = tokEnd, localName(bytes.TrimSpace(tag[1:]))
			return t, true
		case len(tag) > 0 && tag[len(tag)-1] == '/':
			t.kind = tokEmpty
			tag = tag[:len(tag)-1]
		default:
			t.kind = tokStart
		}
		end := 0
		for end < len(tag) && tag[end] != ' ' && tag[end] != '\t' && tag[end] != '\r' && tag[end] != '\n' {
			end++
		}
		t.name, t.attrs = localName(tag[:end]), tag[end:]
		if len(t.name) == 0 {
			s.err = errXML
			return t, false
		}
		return t, true
	}
	return t, false
}

// readUntilSeq reads up to and including seq into s.buf.
func (s *xmlScanner) readUntilSeq(seq string) bool {
	var acc []byte
	last := seq[len(seq)-1]
	for {
		if !s.readUntil(last) {
			return false
		}
		acc = append(acc, s.buf...)
		if len(acc) > maxToken {
			s.err = errTokenTooLong
			return false
		}
		if bytes.HasSuffix(acc, []byte(seq)) {
			s.buf = acc
			return true
		}
	}
}

func localName(n []byte) []byte {
	if i := bytes.IndexByte(n, ':'); i >= 0 {
		return n[i+1:]
	}
	return n
}

// attr returns the decoded value of the attribute whose local name is name.
func attr(attrs []byte, name string) (string, bool) {
	v, ok := rawAttr(attrs, name)
	if !ok {
		return "", false
	}
	return string(unescape(v)), true
}

// rawAttr returns the attribute's value as written (references not
// decoded), without copying: for the r and t attributes of every cell.
func rawAttr(attrs []byte, name string) ([]byte, bool) {
	for len(attrs) > 0 {
		attrs = skipXMLSpace(attrs)
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return nil, false
		}
		key := localName(bytes.TrimSpace(attrs[:eq]))
		rest := skipXMLSpace(attrs[eq+1:])
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return nil, false
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return nil, false
		}
		if string(key) == name {
			return rest[1 : 1+end], true
		}
		attrs = rest[end+2:]
	}
	return nil, false
}

func skipXMLSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// unescape decodes the five predefined entities and character references;
// anything else is kept as written.
func unescape(b []byte) []byte {
	if bytes.IndexByte(b, '&') < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			out = append(out, b...)
			break
		}
		out = append(out, b[:i]...)
		b = b[i:]
		semi := bytes.IndexByte(b, ';')
		if semi < 0 || semi > 12 {
			out = append(out, '&')
			b = b[1:]
			continue
		}
		ent := string(b[1:semi])
		switch ent {
		case "amp":
			out = append(out, '&')
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			var n uint64
			var err error
			switch {
			case len(ent) > 2 && (ent[:2] == "#x" || ent[:2] == "#X"):
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			case len(ent) > 1 && ent[0] == '#':
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			default:
				err = errXML
			}
			if err != nil || !utf8.ValidRune(rune(n)) {
				out = append(out, b[:semi+1]...)
			} else {
				out = utf8.AppendRune(out, rune(n))
			}
		}
		b = b[semi+1:]
	}
	return out
}
