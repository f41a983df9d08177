package feed

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// xmlTextRef is xmlText as it was before its one-pass check: the
// definition it must keep.
func xmlTextRef(s string) string {
	ok := utf8.ValidString(s)
	if ok {
		for _, r := range s {
			if !isXMLChar(r) {
				ok = false
				break
			}
		}
	}
	if ok {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !isXMLChar(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

var xmlTextCases = []string{"", "plain", "中文 “引号”", "\t\n\r", "\x00", "a\x1fb", "\x7f", "\uFFFD", "\uFFFE", "\uFFFF", "\xff", "a\xe4\xb8", "\xed\xa0\x80",
	"\U0001F600", "\U0010FFFF", "\uD7FF\uE000", "<&>]]>"}

func TestXMLText(t *testing.T) {
	for _, s := range xmlTextCases {
		assert.Equal(t, xmlTextRef(s), xmlText(s), "%q", s)
	}
}

func FuzzXMLText(f *testing.F) {
	for _, s := range xmlTextCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := xmlText(s), xmlTextRef(s); got != want {
			t.Fatalf("%q: got %q, want %q", s, got, want)
		}
	})
}
