package search

import (
	"html"
	"strings"
	"unicode"
)

// snippetRunes is the length of a snippet in characters.
const snippetRunes = 120

// maxMarksPerNeedle bounds the highlighting work on a long text.
const maxMarksPerNeedle = 64

// snippet returns an HTML excerpt of text around the first match of
// needles, with <mark>…</mark> around every match inside it. Matching runs
// on the normalised text, mapped back rune by rune to the text as written,
// so full-width digits and letters match and no character is ever cut.
// Everything except the marks is escaped. With no match it is the start of
// the summary (or of the text).
//
// needles holds one list per query clause: the clause itself, then its
// terms; the terms are marked only where the whole clause does not occur.
func snippet(text, summary string, needles [][]string, maxRunes int) string {
	s, _ := excerpt(text, summary, needles, maxRunes)
	return s
}

// excerpt is snippet, and whether a needle was found in text.
func excerpt(text, summary string, needles [][]string, maxRunes int) (string, bool) {
	if strings.TrimSpace(text) == "" {
		text = summary
	}
	orig := []rune(collapseSpace(text))
	var norm []rune
	var from []int // norm index → orig index
	norm = make([]rune, 0, len(orig))
	from = make([]int, 0, len(orig))
	for i, r := range orig {
		if stableRune(r) { // most characters: no need to normalise
			norm = append(norm, r)
			from = append(from, i)
			continue
		}
		// Brackets fold like identifiers, so 〔2024〕 matches [2024].
		for _, n := range bracketFold.Replace(normalize(string(r))) {
			norm = append(norm, n)
			from = append(from, i)
		}
	}
	marked := make([]bool, len(orig))
	first := -1
	mark := func(needle string) bool {
		nr := []rune(bracketFold.Replace(needle))
		found := false
		count := 0
		for i := 0; i+len(nr) <= len(norm) && count < maxMarksPerNeedle; i++ {
			if !runesEqual(norm[i:i+len(nr)], nr) {
				continue
			}
			for j := from[i]; j <= from[i+len(nr)-1]; j++ {
				marked[j] = true
			}
			if first < 0 || from[i] < first {
				first = from[i]
			}
			found = true
			count++
			i += len(nr) - 1
		}
		return found
	}
	for _, ns := range needles {
		if len(ns) == 0 || ns[0] == "" {
			continue
		}
		if mark(ns[0]) {
			continue
		}
		for _, t := range ns[1:] {
			mark(t)
		}
	}

	if first < 0 && summary != "" && text != summary {
		return snippet(summary, "", nil, maxRunes), false
	}
	start := 0
	if first > 0 {
		// Show some context before the first match.
		start = max(0, first-maxRunes/5)
		if len(orig)-start < maxRunes {
			start = max(0, len(orig)-maxRunes)
		}
		// Begin at a sentence if one starts in the lead-in.
		for k := start; k < first; k++ {
			if strings.ContainsRune("。！？；!?;", orig[k]) {
				start = k + 1
				break
			}
		}
	}
	end := min(len(orig), start+maxRunes)

	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	in := false
	for i := start; i < end; i++ {
		if marked[i] != in {
			if in {
				b.WriteString("</mark>")
			} else {
				b.WriteString("<mark>")
			}
			in = marked[i]
		}
		b.WriteString(html.EscapeString(string(orig[i])))
	}
	if in {
		b.WriteString("</mark>")
	}
	if end < len(orig) {
		b.WriteString("…")
	}
	return b.String(), first >= 0
}

// collapseSpace turns every run of white space into one space, so line
// breaks of the body do not show in a one-paragraph excerpt.
func collapseSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stableRune reports whether normalising r (NFKC, lower case, bracket
// folding) leaves it as it is, for the characters that make up nearly all
// of a page: lower-case ASCII letters, digits and common punctuation, and
// the CJK Unified Ideographs block (no compatibility forms there). Checking
// this first made snippets of ten long pages ~5× cheaper.
func stableRune(r rune) bool {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF:
		return foldDense[r-foldBase] == 0
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return true
	case r < 0x80:
		return r >= ' ' && !strings.ContainsRune("[](){}", r) && !(r >= 'A' && r <= 'Z')
	}
	return false
}
