package search

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// mixedFilterName joins a number or Latin word to the Chinese character or
// number right beside it (no space or punctuation between), adding 295号,
// 2024年, 罚2022 as extra terms. Document numbers are mostly digits and a
// few characters; without these terms a query for 〔2022〕6号 matches every
// page that mentions "6" and "号" anywhere.
const mixedFilterName = "portal_mixed"

type mixedFilter struct{}

func (mixedFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(in)+len(in)/8)
	for i, t := range in {
		out = append(out, t)
		if i == 0 {
			continue
		}
		prev := in[i-1]
		if prev.End != t.Start || (prev.Type == analysis.Ideographic && t.Type == analysis.Ideographic) {
			continue
		}
		if prev.Type != analysis.Ideographic && t.Type != analysis.Ideographic {
			continue // two Latin/number tokens are never adjacent in the tokenizer's output
		}
		// Join with the nearest character only, so the term does not
		// depend on how long the neighbouring Chinese run is.
		a, b := prev.Term, t.Term
		if prev.Type == analysis.Ideographic {
			a = lastRune(a)
		} else {
			b = firstRune(b)
		}
		term := make([]byte, 0, len(a)+len(b))
		term = append(append(term, a...), b...)
		out = append(out, &analysis.Token{
			Term: term, Start: prev.End - len(a), End: t.Start + len(b),
			Position: t.Position, Type: analysis.AlphaNumeric,
		})
	}
	return out
}

func firstRune(b []byte) []byte {
	for i := range b {
		if i > 0 && b[i]&0xC0 != 0x80 {
			return b[:i]
		}
	}
	return b
}

func lastRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i]&0xC0 != 0x80 {
			return b[i:]
		}
	}
	return b
}

func init() {
	// bleve finds analysis components by name in its global registry.
	registry.RegisterTokenFilter(mixedFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return mixedFilter{}, nil
	})
}
