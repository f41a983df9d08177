package intake

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Personal data is masked out of anything published (replies on
// /complaints/stats/) however it was written. Text is searched through two
// folded views of itself:
//
//   - characters are folded as NFKC folds them (full-width ０１２ and ＠,
//     other digit scripts, circled and super/subscript digits, mathematical
//     letters …; see foldRanges, checked against golang.org/x/text's NFKC
//     table by TestFoldRangesAreNFKC);
//   - the digit view also drops what people put between digits: spaces
//     (the ideographic one too), dots, dashes, brackets and invisible
//     zero-width characters; the text view drops spaces and invisibles.
//
// A match in a view masks the whole stretch of the original text it came
// from, separators included. Numbers are taken only whole: digits joined
// to more digits without a separator are a longer number (a receipt
// number, a date), not a phone number inside it.

// mask is what replaces personal data.
const mask = "＊＊＊"

var (
	// ID numbers (身份证号): 18 characters with the birth date checked,
	// and the 15-digit form issued before 1999.
	id18Re = regexp.MustCompile(`^[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]$`)
	id15Re = regexp.MustCompile(`^[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}$`)
	// Mobile numbers, with or without +86 / 0086 / 86.
	maskMobileRe = regexp.MustCompile(`^(?:\+86|0086|86)?1[3-9][0-9]{9}$`)
	// Landlines: a 3- or 4-digit area code starting 0, a 7- or 8-digit
	// number, with or without the dash, and an optional extension.
	maskLandlineRe = regexp.MustCompile(`^0[1-9][0-9]{1,2}[2-9][0-9]{6,7}(?:[0-9]{1,5})?$`)
	// E-mail addresses, also with (at)/[at] and (dot)/[dot] written out.
	emailRe = regexp.MustCompile(`[A-Za-z0-9._%+-]+(?:@|\(at\)|\[at\])[A-Za-z0-9-]+(?:(?:\.|\(dot\)|\[dot\])[A-Za-z0-9-]+)*(?:\.|\(dot\)|\[dot\])[A-Za-z]{2,}`)
)

// view is a folded copy of a text with, for each rune kept, the byte span
// of the original it came from and whether separators were dropped just
// before it.
type view struct {
	text []rune
	span [][2]int
	gap  []bool
}

func makeView(s string, drop func(r rune) bool) view {
	var v view
	gap := false
	for i, r := range s {
		f := fold(r)
		if drop(f) {
			gap = len(v.text) > 0
			continue
		}
		v.text = append(v.text, f)
		v.span = append(v.span, [2]int{i, i + utf8.RuneLen(r)})
		v.gap = append(v.gap, gap)
		gap = false
	}
	return v
}

// invisible reports characters that render as nothing or as a blank.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || r == '\u3164' || r == '\u115f' || r == '\u1160'
}

// digitSeparator reports what people write between the digits of one
// number: blanks, invisibles, dots, dashes and brackets.
func digitSeparator(r rune) bool {
	switch r {
	case '.', '·', '・', '･', '(', ')', '[', ']', '/', '_':
		return true
	}
	return invisible(r) || unicode.Is(unicode.Pd, r)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// numberSpans returns the original byte spans of the phone and ID numbers
// in s, found on its digit view.
func numberSpans(s string) [][2]int {
	v := makeView(s, digitSeparator)
	var out [][2]int
	n := len(v.text)
	for i := 0; i < n; i++ {
		startsNumber := isDigit(v.text[i]) || (v.text[i] == '+' && i+1 < n && isDigit(v.text[i+1]))
		if !startsNumber || (i > 0 && isDigit(v.text[i-1]) && !v.gap[i]) {
			continue // inside a longer number
		}
		// The longest number starting here that ends where the number ends.
		for j := min(n, i+24); j >= i+7; j-- {
			if j < n && isDigit(v.text[j]) && !v.gap[j] {
				continue
			}
			cand := string(v.text[i:j])
			if strings.ContainsFunc(cand[1:], func(r rune) bool { return !isDigit(r) && r != 'X' && r != 'x' }) {
				continue
			}
			if id18Re.MatchString(cand) || id15Re.MatchString(cand) || maskMobileRe.MatchString(cand) || maskLandlineRe.MatchString(cand) {
				out = append(out, [2]int{v.span[i][0], v.span[j-1][1]})
				i = j - 1
				break
			}
		}
	}
	return out
}

// emailSpans returns the original byte spans of the e-mail addresses in s.
func emailSpans(s string) [][2]int {
	v := makeView(s, invisible)
	vs, offs := runesWithOffsets(v.text)
	var out [][2]int
	for _, m := range emailRe.FindAllStringIndex(vs, -1) {
		a, b := offs[m[0]], offs[m[1]]-1
		out = append(out, [2]int{v.span[a][0], v.span[b][1]})
	}
	return out
}

// valueSpans returns the original byte spans where the personal value val
// (a name, a phone number, an address) occurs in s, both folded and with
// blanks and invisibles ignored; a phone-like value is also looked for on
// the digit view. Values shorter than two characters are not looked for.
func valueSpans(s, val string) [][2]int {
	var out [][2]int
	want := makeView(val, invisible).text
	if len(want) >= 2 {
		v := makeView(s, invisible)
		out = append(out, find(v, want, false)...)
	}
	if digits := makeView(val, digitSeparator).text; len(digits) >= 5 && !slices.ContainsFunc(digits, func(r rune) bool { return !isDigit(r) && r != '+' }) {
		out = append(out, find(makeView(s, digitSeparator), digits, true)...)
	}
	return out
}

// find returns the original spans of every occurrence of want in v; whole
// requires digit occurrences not to be glued to more digits.
func find(v view, want []rune, whole bool) [][2]int {
	var out [][2]int
	for i := 0; i+len(want) <= len(v.text); i++ {
		if !slices.Equal(v.text[i:i+len(want)], want) {
			continue
		}
		j := i + len(want)
		if whole && ((i > 0 && isDigit(v.text[i-1]) && !v.gap[i]) || (j < len(v.text) && isDigit(v.text[j]) && !v.gap[j])) {
			continue
		}
		out = append(out, [2]int{v.span[i][0], v.span[j-1][1]})
		i = j - 1
	}
	return out
}

// runesWithOffsets returns string(rs) and, for every byte offset of it
// (and its end), the index of the rune there.
func runesWithOffsets(rs []rune) (string, []int) {
	var b strings.Builder
	offs := make([]int, 0, len(rs)+1)
	for i, r := range rs {
		for range utf8.RuneLen(r) {
			offs = append(offs, i)
		}
		b.WriteRune(r)
	}
	offs = append(offs, len(rs))
	return b.String(), offs
}

// maskSpans replaces each span of s (merged where they overlap or touch)
// with the mask.
func maskSpans(s string, spans [][2]int) string {
	if len(spans) == 0 {
		return s
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i][0] < spans[j][0] })
	var b strings.Builder
	last := 0
	cur := spans[0]
	flush := func() {
		b.WriteString(s[last:cur[0]])
		b.WriteString(mask)
		last = cur[1]
	}
	for _, sp := range spans[1:] {
		if sp[0] <= cur[1] {
			cur[1] = max(cur[1], sp[1])
			continue
		}
		flush()
		cur = sp
	}
	flush()
	b.WriteString(s[last:])
	return b.String()
}

// MaskPersonal replaces phone numbers, ID numbers and e-mail addresses in a
// text meant for publication, however they are written, and every
// occurrence of the given personal values (the complainant's name, phone
// and e-mail), with ＊＊＊.
func MaskPersonal(s string, own ...string) string {
	spans := append(numberSpans(s), emailSpans(s)...)
	for _, v := range own {
		spans = append(spans, valueSpans(s, v)...)
	}
	return maskSpans(s, spans)
}

// maskComplainant masks the complainant's own name, phone and e-mail (staff
// may quote them in a reply), then every personal-data pattern.
func maskComplainant(c *Complaint, s string) string {
	return MaskPersonal(s, c.Name, c.Phone, c.Email)
}

// fold maps r as NFKC maps it when the result is one character of the
// alphabet personal data is written in (digits, Latin letters, @ . + - _ %
// ( ) and the space), else returns r.
func fold(r rune) rune {
	if r < 0x80 {
		return r
	}
	i := sort.Search(len(foldRanges), func(i int) bool { return foldRanges[i].hi >= r })
	if i < len(foldRanges) && foldRanges[i].lo <= r {
		fr := foldRanges[i]
		if fr.step {
			return fr.to + (r - fr.lo)
		}
		return fr.to
	}
	return r
}

// foldRange maps lo..hi to to (step: to, to+1, …; else all to to).
type foldRange struct {
	lo, hi, to rune
	step       bool
}
