package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalize is applied to all indexed text and to every query: NFKC folds
// full-width digits, letters and brackets to ASCII (bleve's tokenizer drops
// full-width digits otherwise), and lower-casing makes Latin letters match in
// any case.
func normalize(s string) string {
	return strings.ToLower(norm.NFKC.String(s))
}

// bracketFold maps every bracket style people type around a document
// number's year to one canonical pair, after NFKC (which already turned
// ［］ and （） into [] and ()).
var bracketFold = strings.NewReplacer(
	"[", "〔", "]", "〕",
	"(", "〔", ")", "〕",
	"【", "〔", "】", "〕",
	"〖", "〔", "〗", "〕",
	"﹝", "〔", "﹞", "〕",
	"{", "〔", "}", "〕",
)

// canonicalID returns the exact-match key of an identifier: normalised,
// brackets unified, spaces and dashes dropped. 临发改信用[2024]295号 and
// 临发改信用〔2024〕295号 share a key, as do a credit code in either case.
func canonicalID(s string) string {
	s = bracketFold.Replace(normalize(s))
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '_' || r == '·' {
			return -1
		}
		return r
	}, s)
}

// isHan reports whether r is a CJK ideograph (what bleve's tokenizer marks
// Ideographic, which the bigram filter pairs up).
func isHan(r rune) bool {
	return unicode.Is(unicode.Han, r)
}
