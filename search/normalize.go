package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// normalize is applied to all indexed text and to every query: NFKC folds
// full-width digits, letters and brackets to ASCII (bleve's tokenizer drops
// full-width digits otherwise), lower-casing makes Latin letters match in
// any case, and foldRune makes traditional, simplified and variant
// characters one (誠信 finds 诚信, 帐 finds 账).
//
// It runs over every page's text at build time, so it takes one pass.
// Most characters of a Chinese page normalise alone: a CJK character of
// U+3400–U+9FFF is its own NFKC form, takes part in no composition and has
// no case, so it is only folded; punctuation and full-width forms
// (，→, ：→: （→( ) likewise stand alone under NFKC, and their form comes
// from a small table. The text between such characters goes through NFKC,
// lower-casing and folding as a piece (ASCII by lower-casing only).
// Splitting there gives what the three passes over the whole string gave
// (TestNormalizeMatchesReference, FuzzNormalize), at a fraction of the cost.
func normalize(s string) string {
	var b strings.Builder
	seg := 0 // start of the text not yet written
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		cjk := r >= foldBase && r < 0xA000
		form := ""
		if !cjk {
			if form = aloneForm(r); form == "" {
				i += n
				continue
			}
		}
		if b.Cap() == 0 {
			b.Grow(len(s) + 8)
		}
		normalizePiece(&b, s[seg:i])
		switch {
		case !cjk:
			b.WriteString(form)
		case foldDense[r-foldBase] != 0:
			b.WriteRune(foldDense[r-foldBase])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
		seg = i
	}
	if b.Cap() == 0 {
		// Nothing stood alone: one piece (most queries and identifiers).
		return normalizeSlow(s)
	}
	normalizePiece(&b, s[seg:])
	return b.String()
}

// aloneBlocks are the blocks whose characters aloneForm knows: Latin-1,
// general punctuation, CJK symbols and punctuation, half- and full-width
// forms.
var aloneBlocks = [][2]rune{{0x00A0, 0x0100}, {0x2000, 0x2070}, {0x3000, 0x3040}, {0xFF00, 0xFFF0}}

// aloneForms holds, per block of aloneBlocks, the normalised form of each
// character that normalises on its own (NFKC sees a boundary before it, and
// its form is characters that combine with nothing on either side: ，→,
// but not Ｅ→e, which an accent after it would change), "" for the others.
var aloneForms = func() [][]string {
	out := make([][]string, len(aloneBlocks))
	for k, bl := range aloneBlocks {
		out[k] = make([]string, bl[1]-bl[0])
		for r := bl[0]; r < bl[1]; r++ {
			c := string(r)
			if p := norm.NFKC.PropertiesString(c); !p.BoundaryBefore() {
				continue
			}
			f := normalizeSlow(c)
			inert := true
			for _, x := range f {
				p := norm.NFKC.PropertiesString(string(x))
				inert = inert && p.BoundaryBefore() && p.BoundaryAfter()
			}
			if inert {
				out[k][r-bl[0]] = f
			}
		}
	}
	return out
}()

// aloneForm returns the normalised form of r when r normalises on its own
// and its block is tabled, else "".
func aloneForm(r rune) string {
	for k, bl := range aloneBlocks {
		if r >= bl[0] && r < bl[1] {
			return aloneForms[k][r-bl[0]]
		}
	}
	return ""
}

// normalizePiece appends the normalised form of s, which holds no
// character of U+3400–U+9FFF.
func normalizePiece(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			b.WriteString(normalizeSlow(s))
			return
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
}

// normalizeSlow is normalize by definition: NFKC, lower case, folding.
func normalizeSlow(s string) string {
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
	switch {
	case r < 0x2E80:
		return false
	case r >= 0x4E00 && r <= 0x9FFF: // CJK Unified Ideographs: nearly every character of a page
		return true
	}
	return unicode.Is(unicode.Han, r)
}
