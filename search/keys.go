package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Identifiers are matched as exact keys, but people type them loosely: a
// 文号 with any bracket or none, with spaces, with or without leading zeros,
// with 号文 for 号, without its city prefix; a credit code from part of it.
// idKeys derives, at index time, the keys each loose form will look up; at
// query time queryKeys derives the keys of what was typed, each with a
// strength, so the record whose prefix, year and number all match ranks
// above near misses.

// Key prefixes of derived keys (the canonical identifier itself has none).
const (
	keyDocNumber = "dn:" // dn:<prefix suffix>|<year>|<number>
	keyDocNo     = "dn#" // dn#<number>: the number alone (295号文)
	keyCredit    = "cc:" // cc:<8 characters of a credit code>
)

// ccWindow is the shortest part of a credit code that finds it.
const ccWindow = 8

// docNumber is a parsed 文号: 临发改信用〔2024〕295号 is {临发改信用, 2024, 295}.
type docNumber struct {
	prefix, year, num string
}

// parseDocNumber reads a canonical identifier (canonicalID: brackets
// folded to 〔〕, no spaces) as a 文号. Without brackets the first four
// digits are the year when they look like one (临发改信用2024295号).
func parseDocNumber(c string) (docNumber, bool) {
	c = strings.TrimSuffix(c, "文") // 295号文
	if !strings.HasSuffix(c, "号") {
		return docNumber{}, false
	}
	body := strings.TrimSuffix(c, "号")
	var d docNumber
	if open := strings.Index(body, "〔"); open >= 0 {
		rest := body[open+len("〔"):]
		y, n, ok := strings.Cut(rest, "〕")
		if !ok || !allDigits(y) || len(y) != 4 {
			return docNumber{}, false
		}
		d.prefix, d.year, d.num = body[:open], y, strings.TrimPrefix(n, "第")
	} else {
		i := len(body)
		for i > 0 && body[i-1] >= '0' && body[i-1] <= '9' {
			i--
		}
		d.prefix, d.num = body[:i], body[i:]
		if len(d.num) > 4 && (strings.HasPrefix(d.num, "19") || strings.HasPrefix(d.num, "20")) {
			d.year, d.num = d.num[:4], d.num[4:]
		}
		d.prefix = strings.TrimSuffix(d.prefix, "第")
	}
	if !allDigits(d.num) || d.num == "" {
		return docNumber{}, false
	}
	d.num = strings.TrimLeft(d.num, "0")
	if d.num == "" {
		d.num = "0"
	}
	for _, r := range d.prefix {
		if !isHan(r) && !unicode.IsLetter(r) {
			return docNumber{}, false
		}
	}
	return d, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// suffixes returns s and every shorter ending of it, down to "", longest
// first.
func suffixes(s string) []string {
	out := []string{s}
	for i := range s {
		if i > 0 {
			out = append(out, s[i:])
		}
	}
	return append(out, "")
}

// isCreditCode reports whether c (canonical, lower case) has the shape of
// a 统一社会信用代码: 18 digits and letters.
func isCreditCode(c string) bool {
	if len(c) != 18 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if !(c[i] >= '0' && c[i] <= '9' || c[i] >= 'a' && c[i] <= 'z') {
			return false
		}
	}
	return true
}

// idKeys returns the keys an identifier is indexed under: its canonical
// form, and for a 文号 every prefix ending with the year and number (down
// to none) and the number alone, for a credit code its 8-character windows.
func idKeys(id string) []string {
	c := canonicalID(id)
	if c == "" {
		return nil
	}
	keys := []string{c}
	if d, ok := parseDocNumber(c); ok && d.year != "" {
		for _, p := range suffixes(d.prefix) {
			keys = append(keys, keyDocNumber+p+"|"+d.year+"|"+d.num)
		}
		keys = append(keys, keyDocNo+d.num)
	}
	if isCreditCode(c) {
		for i := 0; i+ccWindow <= len(c); i++ {
			keys = append(keys, keyCredit+c[i:i+ccWindow])
		}
	}
	return keys
}

// keyGroup is what one typed identifier looks up: a page matches when it
// holds every key of the group, and ranks by the group's strength.
type keyGroup struct {
	keys     []string
	strength float64
	// prefix is the typed 文号's prefix, where a department's name may be
	// (教育局罚〔2022〕18号).
	prefix string
}

// Strengths of identifier matches.
const (
	strengthExact  = 100 // the identifier as the page has it
	strengthNumber = 0.5 // only the number of a 文号 (295号文)
)

// queryKeys returns the key groups of one typed string, strongest first.
func queryKeys(text string) []keyGroup {
	c := canonicalID(text)
	if utf8.RuneCountInString(c) < 2 {
		return nil
	}
	groups := []keyGroup{{keys: []string{c}, strength: strengthExact}}
	if d, ok := parseDocNumber(c); ok {
		if d.year != "" {
			// The longer the prefix that matches, the closer the record.
			for _, p := range suffixes(d.prefix) {
				groups = append(groups, keyGroup{keys: []string{keyDocNumber + p + "|" + d.year + "|" + d.num},
					strength: 1 + float64(utf8.RuneCountInString(p)), prefix: d.prefix})
			}
		} else if d.prefix == "" {
			groups = append(groups, keyGroup{keys: []string{keyDocNo + d.num}, strength: strengthNumber})
		}
	}
	if n := len(c); n >= ccWindow && n < 18 && isAlnumLower(c) {
		g := keyGroup{strength: float64(n)}
		for i := 0; i+ccWindow <= n; i++ {
			g.keys = append(g.keys, keyCredit+c[i:i+ccWindow])
		}
		groups = append(groups, g)
	}
	return groups
}

func isAlnumLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'z') {
			return false
		}
	}
	return true
}
