// Package jsonstr writes a JSON string exactly as encoding/json writes it
// with SetEscapeHTML(false), for the strings that need nothing unusual.
//
// Contract: Append writes s quoted, escaping " \ newline, return and tab as
// encoding/json does, and reports true; for a string encoding/json writes
// in some other way (invalid UTF-8, other control characters, U+2028 and
// U+2029) it writes nothing and reports false, and the caller encodes s
// with encoding/json. The feed and open-data writers share it.
package jsonstr

import (
	"bytes"
	"unicode/utf8"
)

// Append appends s as a JSON string to b, or reports false having written
// nothing.
func Append(b *bytes.Buffer, s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	n := b.Len()
	b.WriteByte('"')
	written := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch c := s[i]; {
		case c == '"':
			esc = `\"`
		case c == '\\':
			esc = `\\`
		case c == '\n':
			esc = `\n`
		case c == '\r':
			esc = `\r`
		case c == '\t':
			esc = `\t`
		case c < 0x20, c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9): // U+2028, U+2029
			b.Truncate(n)
			return false
		default:
			continue
		}
		b.WriteString(s[written:i])
		b.WriteString(esc)
		written = i + 1
	}
	b.WriteString(s[written:])
	b.WriteByte('"')
	return true
}
