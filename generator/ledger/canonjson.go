package ledger

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"portal/generator/model"
)

// A fast path for reading log lines. ParseEntry must accept a line only
// when Encode writes exactly that line, so it decoded each line with
// encoding/json, encoded the entry again and compared: over the 100,000
// entries of a 10,000-record site with 10 versions each that was most of
// reading the log (docs/LEDGER.md, 十). decodeCanonical instead reads only
// the one encoding Encode writes — the fields in their fixed order, empty
// ones omitted, map keys in increasing byte order, strings escaped as
// encoding/json escapes them without HTML escaping, integers without sign
// or leading zeros — so a line it accepts is by construction the encoding
// of what it returns. Anything else (ok false) goes to encoding/json as
// before, which also words the error. FuzzDecodeCanonical checks that every
// line it accepts is Encode's, and that ParseEntry's answer is unchanged.

// decodeLine decodes a line of the log when it is an entry as Encode
// writes it, without keeping a reference to line. A line without escapes
// is copied once and its strings are substrings of the copy (all of it is
// kept: the strings are most of it); in a line with escapes (a body's
// line breaks) each string is copied on its own, so that the line is not
// kept beside the decoded strings.
func decodeLine(line []byte) (*Entry, bool) {
	if bytes.IndexByte(line, '\\') < 0 {
		return decodeCanonical(string(line), false)
	}
	return decodeCanonical(unsafeString(line), true)
}

// decodeCanonical decodes line when it is an entry as Encode writes it.
// Strings without escapes are substrings of line, or copies with clone.
func decodeCanonical(line string, clone bool) (*Entry, bool) {
	r := canonReader{s: line, clone: clone}
	e := new(Entry)
	var ok bool
	if !r.lit(`{"n":`) {
		return nil, false
	}
	if e.N, ok = r.int(); !ok {
		return nil, false
	}
	if r.lit(`,"date":`) {
		if e.Date, ok = r.nonEmpty(); !ok {
			return nil, false
		}
	}
	if r.lit(`,"op":`) {
		if e.Op, ok = r.nonEmpty(); !ok {
			return nil, false
		}
	}
	var kind string
	if !r.lit(`,"kind":`) {
		return nil, false
	}
	if kind, ok = r.str(); !ok {
		return nil, false
	}
	e.Kind = model.Kind(kind)
	if !r.lit(`,"id":`) {
		return nil, false
	}
	if e.ID, ok = r.str(); !ok {
		return nil, false
	}
	if !r.lit(`,"v":`) {
		return nil, false
	}
	v, ok := r.int()
	if !ok {
		return nil, false
	}
	e.V = int(v)
	if r.lit(`,"hash":`) {
		if e.Hash, ok = r.nonEmpty(); !ok {
			return nil, false
		}
	}
	if r.lit(`,"set":{`) {
		e.Set = map[string]string{}
		if !r.object(func(k string) (ok bool) { e.Set[k], ok = r.str(); return ok }) {
			return nil, false
		}
	}
	if r.lit(`,"edit":{`) {
		e.Edit = map[string][]string{}
		if !r.object(func(k string) (ok bool) { e.Edit[k], ok = r.list(); return ok }) {
			return nil, false
		}
	}
	if r.lit(`,"unset":`) {
		if e.Unset, ok = r.list(); !ok {
			return nil, false
		}
	}
	if r.lit(`,"note":`) {
		if e.Note, ok = r.nonEmpty(); !ok {
			return nil, false
		}
	}
	if r.lit(`,"redacted":`) {
		if e.Redacted, ok = r.nonEmpty(); !ok {
			return nil, false
		}
	}
	if !r.lit("}") || r.i != len(r.s) {
		return nil, false
	}
	return e, true
}

// canonReader reads JSON written as encoding/json writes it.
type canonReader struct {
	s     string
	i     int
	clone bool // strings are copied, not substrings of s
}

// lit consumes p when the input continues with it.
func (r *canonReader) lit(p string) bool {
	if strings.HasPrefix(r.s[r.i:], p) {
		r.i += len(p)
		return true
	}
	return false
}

// int reads a non-negative integer written without sign or leading zeros
// (at most 18 digits: it fits an int64 and an int).
func (r *canonReader) int() (int64, bool) {
	start := r.i
	var n int64
	for r.i < len(r.s) && r.s[r.i] >= '0' && r.s[r.i] <= '9' {
		n = n*10 + int64(r.s[r.i]-'0')
		r.i++
	}
	d := r.i - start
	if d == 0 || d > 18 || d > 1 && r.s[start] == '0' {
		return 0, false
	}
	return n, true
}

// key reads a map key and its colon; keys increase strictly (Encode sorts
// them, and a repeated key is not Encode's).
func (r *canonReader) key(prev string, first bool) (string, bool) {
	k, ok := r.str()
	if !ok || !first && k <= prev || !r.lit(":") {
		return "", false
	}
	return k, true
}

// nonEmpty reads a string that omitempty would not omit.
// object reads the members of an object whose "{" is read, keys sorted
// and unique, each value by value, and its closing "}".
func (r *canonReader) object(value func(key string) bool) bool {
	prev := ""
	for first := true; ; first = false {
		if !first && !r.lit(",") {
			break
		}
		k, ok := r.key(prev, first)
		if !ok || !value(k) {
			return false
		}
		prev = k
	}
	return r.lit("}")
}

func (r *canonReader) nonEmpty() (string, bool) {
	s, ok := r.str()
	return s, ok && s != ""
}

// list reads a non-empty array of strings (an empty or null one is not
// what Encode writes of a field that carries something).
func (r *canonReader) list() ([]string, bool) {
	if !r.lit("[") {
		return nil, false
	}
	var out []string
	for {
		s, ok := r.str()
		if !ok {
			return nil, false
		}
		out = append(out, s)
		if r.lit("]") {
			return out, true
		}
		if !r.lit(",") {
			return nil, false
		}
	}
}

// str reads a string as encoding/json writes it with HTML escaping off:
// printable ASCII and valid UTF-8 as they are, but for \" and \\, the
// control characters \b \f \n \r \t, the other ones as \u00xx (lower-case
// hex), and U+2028 and U+2029 as \u2028 and \u2029.
func (r *canonReader) str() (string, bool) {
	if !r.lit(`"`) {
		return "", false
	}
	start := r.i
	var b []byte // the decoded string once an escape is met
	for r.i < len(r.s) {
		c := r.s[r.i]
		switch {
		case c == '"':
			s := r.s[start:r.i]
			r.i++
			switch {
			case b != nil:
				return string(append(b, s...)), true
			case r.clone:
				return strings.Clone(s), true
			}
			return s, true
		case c < 0x20:
			return "", false
		case c == '\\':
			if b == nil {
				b = make([]byte, 0, len(r.s)-start) // at most the rest of the line: no growing
			}
			b = append(b, r.s[start:r.i]...)
			d, n := canonEscape(r.s[r.i:])
			if n == 0 {
				return "", false
			}
			b = utf8.AppendRune(b, d)
			r.i += n
			start = r.i
		case c < utf8.RuneSelf:
			r.i++
		default:
			d, n := utf8.DecodeRuneInString(r.s[r.i:])
			if d == utf8.RuneError && n == 1 || d == '\u2028' || d == '\u2029' {
				return "", false
			}
			r.i += n
		}
	}
	return "", false
}

// canonEscape reads the escape at s[0] ('\\') when it is one Encode
// writes; n is 0 otherwise.
func canonEscape(s string) (rune, int) {
	if len(s) < 2 {
		return 0, 0
	}
	switch s[1] {
	case '"', '\\':
		return rune(s[1]), 2
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
	default:
		return 0, 0
	}
	if len(s) < 6 {
		return 0, 0
	}
	switch u := s[2:6]; {
	case u == "2028":
		return '\u2028', 6
	case u == "2029":
		return '\u2029', 6
	case u[0] == '0' && u[1] == '0' && (u[2] == '0' || u[2] == '1'):
		v, ok := lowerHex(u[3])
		if !ok {
			return 0, 0
		}
		c := rune(u[2]-'0')<<4 | v
		switch c {
		case '\b', '\f', '\n', '\r', '\t':
			return 0, 0 // written short
		}
		return c, 6
	}
	return 0, 0
}

func lowerHex(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c >= 'a' && c <= 'f':
		return rune(c-'a') + 10, true
	}
	return 0, false
}
