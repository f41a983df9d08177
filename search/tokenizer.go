package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// Tokenizer names registered with bleve.
const (
	tokenizerBigramUnigram = "portal_zh_bigram_unigram"
	tokenizerBigram        = "portal_zh_bigram"
)

// zhTokenizer is the Chinese analysis in one pass over text already
// normalised by normalize (NFKC, lower case):
//
//   - a run of Chinese characters gives every overlapping bigram, plus (with
//     unigrams) every single character; a lone character is always kept;
//   - a run of letters and digits is one term (gb2024, 295);
//   - a Chinese character touching such a run gives one more term joining
//     them (295号, 罚2022), so document numbers match precisely.
//
// It replaces bleve's unicode tokenizer + cjk_width + lowercase +
// cjk_bigram chain, which measured at about a third of indexing time;
// terms point into the input and tokens come from one slab, so a page
// costs a handful of allocations instead of one per token.
type zhTokenizer struct{ unigrams bool }

func (z zhTokenizer) Tokenize(input []byte) analysis.TokenStream {
	// Every character gives at most two tokens (a unigram and a bigram,
	// or a word and the term joining it to a neighbouring character), so
	// one slab and one stream of that size are never outgrown.
	size := 2*utf8.RuneCount(input) + 1
	slab := make([]analysis.Token, 0, size)
	out := make(analysis.TokenStream, 0, size)
	pos := 0
	scanTerms(string(input), z.unigrams, func(term, tail string, start, end int, typ analysis.TokenType) {
		pos++
		// A term that is the text it spans points into the input; one
		// joined across a gap is its own copy.
		t := input[start:end]
		if tail != "" {
			t = []byte(term + tail)
		}
		slab = append(slab, analysis.Token{Term: t, Start: start, End: end, Position: pos, Type: typ})
		if cap(slab) == len(slab) {
			// The next append would move the slab; earlier pointers stay
			// valid because they point into the old array.
			out = append(out, &slab[len(slab)-1])
			slab = make([]analysis.Token, 0, cap(slab))
			return
		}
		out = append(out, &slab[len(slab)-1])
	})
	return out
}

// scanTerms is the analysis itself: it calls emit with each term of input
// in order, its byte span in input and its type. The term is term+tail:
// tail is empty, and term is input[start:end], except for a bigram joined
// across a gap (punctuation between two characters), whose two characters
// are term and tail — so that no term needs a copy to be counted.
// Tokenize (queries, and bleve's own analysis) and countTerms (the body
// field at index time) both use it, so what is indexed and what is looked
// up are the same terms.
func scanTerms(input string, unigrams bool, emit func(term, tail string, start, end int, typ analysis.TokenType)) {

	prevHanStart, prevHanEnd := -1, -1 // the previous rune, if it was Chinese
	prevWordStart, prevWordEnd := -1, -1
	for i := 0; i < len(input); {
		r, n := utf8.DecodeRuneInString(input[i:])
		switch {
		case isHan(r):
			if prevWordEnd == i { // word then character: 295号
				emit(input[prevWordStart:i+n], "", prevWordStart, i+n, analysis.AlphaNumeric)
			}
			// Find the run. Punctuation, quotes and spaces between two
			// Chinese characters do not end it (双随机、一公开 is found by
			// 双随机一公开, “一把手”亮承诺 by 一把手亮承诺); a line break or
			// a longer gap does.
			start := i
			var bounds [2]int
			count := 0
			j := i
			prev, prevEnd := -1, -1
			for j < len(input) {
				r2, n2 := utf8.DecodeRuneInString(input[j:])
				if !isHan(r2) {
					next, ok := gapThenHan(input, j)
					if !ok {
						break
					}
					j = next
					continue
				}
				if unigrams {
					emit(input[j:j+n2], "", j, j+n2, analysis.Ideographic)
				}
				if prev >= 0 {
					if prevEnd == j {
						emit(input[prev:j+n2], "", prev, j+n2, analysis.Ideographic)
					} else {
						emit(input[prev:prevEnd], input[j:j+n2], prev, j+n2, analysis.Ideographic)
					}
				}
				bounds = [2]int{j, j + n2}
				prev, prevEnd = j, j+n2
				count++
				j += n2
			}
			if count == 1 && !unigrams {
				emit(input[start:j], "", start, j, analysis.Ideographic)
			}
			prevHanStart, prevHanEnd = bounds[0], bounds[1]
			prevWordEnd = -1
			i = j
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			start := i
			j := i
			for j < len(input) {
				r2, n2 := utf8.DecodeRuneInString(input[j:])
				if isHan(r2) || !(unicode.IsLetter(r2) || unicode.IsDigit(r2) || unicode.Is(unicode.Mn, r2)) {
					break
				}
				j += n2
			}
			emit(input[start:j], "", start, j, analysis.AlphaNumeric)
			if prevHanEnd == start { // character then word: 罚2022
				emit(input[prevHanStart:j], "", prevHanStart, j, analysis.AlphaNumeric)
			}
			prevWordStart, prevWordEnd = start, j
			prevHanEnd = -1
			i = j
		default:
			prevHanEnd, prevWordEnd = -1, -1
			i += n
		}
	}
}

// sentenceEnd and line breaks separate Chinese text (after NFKC, full-width
// ！？； are ASCII).
const sentenceEnd = "。!?;\n\r\u2029"

// maxGap is the longest run of punctuation and spaces inside Chinese text
// that does not separate words.
const maxGap = 2

// gapThenHan reports whether input[i:] starts with at most maxGap
// punctuation, symbol or space characters (no line break, letter or digit)
// followed by a Chinese character, and returns that character's offset.
func gapThenHan(input string, i int) (int, bool) {
	for k := 0; k < maxGap && i < len(input); k++ {
		r, n := utf8.DecodeRuneInString(input[i:])
		if strings.ContainsRune(sentenceEnd, r) || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			return 0, false
		}
		i += n
		if i < len(input) {
			if r2, _ := utf8.DecodeRuneInString(input[i:]); isHan(r2) {
				return i, true
			}
		}
	}
	return 0, false
}

func init() {
	// bleve finds analysis components by name in its global registry.
	registry.RegisterTokenizer(tokenizerBigramUnigram, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return zhTokenizer{unigrams: true}, nil
	})
	registry.RegisterTokenizer(tokenizerBigram, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return zhTokenizer{}, nil
	})
}
