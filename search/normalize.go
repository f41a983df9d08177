package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalize is applied to all indexed text and to every query: NFKC folds
// full-width digits, letters and brackets to ASCII (bleve's tokenizer drops
// full-width digits otherwise), lower-casing makes Latin letters match in
// any case, and foldRune makes traditional, simplified and variant
// characters one (誠信 finds 诚信, 帐 finds 账).
func normalize(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	for _, r := range s {
		if foldRune(r) != r {
			return strings.Map(foldRune, s)
		}
	}
	return s
}

// foldDense holds the folding of the CJK blocks where nearly every Chinese
// character lies (0 = unchanged); foldOther the rest. Both come from
// foldPairs (fold_table.go, generated from OpenCC and Unihan).
const foldBase, foldEnd = 0x3400, 0xA000

var foldDense, foldOther = func() ([]rune, map[rune]rune) {
	dense := make([]rune, foldEnd-foldBase)
	other := map[rune]rune{}
	rs := []rune(foldPairs)
	for i := 0; i+1 < len(rs); i += 2 {
		if from := rs[i]; from >= foldBase && from < foldEnd {
			dense[from-foldBase] = rs[i+1]
		} else {
			other[from] = rs[i+1]
		}
	}
	return dense, other
}()

// foldRune returns the form r is indexed and searched as.
func foldRune(r rune) rune {
	if r >= foldBase && r < foldEnd {
		if to := foldDense[r-foldBase]; to != 0 {
			return to
		}
		return r
	}
	if r < 0x2E80 {
		return r
	}
	if to, ok := foldOther[r]; ok {
		return to
	}
	return r
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
