package page

import (
	"bytes"
	"unicode/utf8"

	"portal/generator/diag"
	"portal/generator/model"
)

// The checks here run before the expensive parsers and bound the work one
// file can cause: BurntSushi/toml allocates quadratically in the nesting
// depth of inline tables (depth 4,000: 1.85 GB), and goldmark's time grows
// with the square of list nesting (4,000 nested items: 331 s). Each check
// is one linear pass over the bytes.

// limitsOrDefault fills unset limits with the defaults.
func limitsOrDefault(l model.Limits) model.Limits {
	d := model.DefaultLimits()
	if l.FileBytes <= 0 {
		l.FileBytes = d.FileBytes
	}
	if l.DataFileBytes <= 0 {
		l.DataFileBytes = d.DataFileBytes
	}
	if l.FrontMatterBytes <= 0 {
		l.FrontMatterBytes = d.FrontMatterBytes
	}
	if l.FrontMatterDepth <= 0 {
		l.FrontMatterDepth = d.FrontMatterDepth
	}
	if l.MarkdownDepth <= 0 {
		l.MarkdownDepth = d.MarkdownDepth
	}
	if l.LineBytes <= 0 {
		l.LineBytes = d.LineBytes
	}
	if l.RowsPerFile <= 0 {
		l.RowsPerFile = d.RowsPerFile
	}
	if l.Diagnostics <= 0 {
		l.Diagnostics = d.Diagnostics
	}
	return l
}

// LimitsOrDefault returns l with every unset (zero) limit at its default.
func LimitsOrDefault(l model.Limits) model.Limits { return limitsOrDefault(l) }

// LongLine returns the 1-based number and byte length of the first line of
// data longer than max bytes, or 0.
func LongLine(data []byte, max int) (line, length int) {
	n := 1
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		l := data
		if i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(l) > max {
			return n, len(l)
		}
		n++
	}
	return 0, 0
}

// CheckLines reports the first line of data longer than max bytes as an
// error of file and returns false; true when every line fits.
func CheckLines(file string, data []byte, max int, dl *diag.List) bool {
	if line, n := LongLine(data, max); line > 0 {
		dl.Errorf(file, line, 1, "", "this line is %d bytes long; at most %d bytes are read in one line (break it into shorter lines or paragraphs, or raise [limits] line_bytes in portal.toml)", n, max)
		return false
	}
	return true
}

// TOMLDepth scans a TOML document and returns the 1-based line and
// character column where it first nests deeper than max (arrays, inline
// tables, table headers and dotted keys inside each other each count one
// level), and that depth; line 0 when it never does. Strings and comments
// are skipped, so brackets inside them do not count.
func TOMLDepth(src []byte, max int) (line, col, depth int) {
	type frame byte // '[' or '{'
	var stack []frame
	line, lineStart := 1, 0
	keyPos := true // reading a key: dots nest
	header := false
	dots := 0
	at := func(i int) (int, int) { return line, utf8.RuneCount(src[lineStart:i]) + 1 }
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch c {
		case '\n':
			line, lineStart = line+1, i+1
			if len(stack) == 0 || header {
				keyPos, header, dots = true, false, 0
				stack = stack[:0]
			}
		case '#':
			for i+1 < len(src) && src[i+1] != '\n' {
				i++
			}
		case '"', '\'':
			triple := i+2 < len(src) && src[i+1] == c && src[i+2] == c
			if triple {
				end := []byte{c, c, c}
				j := i + 3
				for j < len(src) {
					if c == '"' && src[j] == '\\' {
						j += 2
						continue
					}
					if bytes.HasPrefix(src[j:], end) {
						break
					}
					if src[j] == '\n' {
						line, lineStart = line+1, j+1
					}
					j++
				}
				i = min(j+2, len(src)-1)
				for i+1 < len(src) && src[i+1] == c { // """a"""" ends with the last quote
					i++
				}
				continue
			}
			j := i + 1
			for j < len(src) && src[j] != c && src[j] != '\n' {
				if c == '"' && src[j] == '\\' {
					j++
				}
				j++
			}
			if j < len(src) && src[j] == '\n' {
				j-- // let the newline be seen above
			}
			i = j
		case '.':
			if keyPos || header {
				dots++
				d := len(stack) + dots + 1
				if header {
					d = dots + 1 // the header's brackets do not nest tables
				}
				if d > max {
					l, cc := at(i)
					return l, cc, d
				}
			}
		case '=':
			keyPos, dots = false, 0
		case ',':
			if len(stack) > 0 && stack[len(stack)-1] == '{' {
				keyPos, dots = true, 0
			}
		case '[', '{':
			if c == '[' && keyPos && len(stack) == 0 {
				header = true
			}
			stack = append(stack, frame(c))
			if c == '{' {
				keyPos, dots = true, 0
			}
			if d := len(stack) + dots; d > max {
				l, cc := at(i)
				return l, cc, d
			}
		case ']', '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			if header && len(stack) == 0 {
				keyPos = false
			}
		}
	}
	return 0, 0, 0
}

// MarkdownDepth returns the first line where src's lists and block quotes
// nest deeper than max, and that depth (0, 0 when they never do). It
// follows CommonMark's rule that a nested item starts at or beyond its
// parent's content column, so it counts the nesting goldmark will build;
// several markers on one line ("- - - x" or "> > x") count one each.
func MarkdownDepth(src []byte, max int) (line, depth int) {
	var open []int // content columns of the open list items
	n := 0
	for len(src) > 0 {
		n++
		l := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			l, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		col, i := 0, 0
		quotes := 0
		// Leading indentation decides which open items this line is inside.
		for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
			if l[i] == '\t' {
				col += 4 - col%4
			} else {
				col++
			}
			i++
		}
		if i == len(l) {
			continue // a blank line closes nothing by itself
		}
		for len(open) > 0 && open[len(open)-1] > col {
			open = open[:len(open)-1]
		}
		for i < len(l) {
			switch w := listMarker(l[i:]); {
			case l[i] == '>':
				quotes++
				i++
				col++
			case w > 0:
				i += w
				col += w
				open = append(open, col)
			default:
				i = len(l)
				continue
			}
			if d := len(open) + quotes; d > max {
				return n, d
			}
			for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
				i++
				col++
			}
		}
	}
	return 0, 0
}

// listMarker returns the width of a list marker and the blank after it at
// the start of b ("- ", "* ", "+ ", "1. ", "12) "), or 0.
func listMarker(b []byte) int {
	i := 0
	switch {
	case len(b) > 0 && (b[0] == '-' || b[0] == '*' || b[0] == '+'):
		i = 1
	default:
		for i < len(b) && i < 9 && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == 0 || i >= len(b) || (b[i] != '.' && b[i] != ')') {
			return 0
		}
		i++
	}
	if i == len(b) {
		return i // an empty item
	}
	if b[i] != ' ' && b[i] != '\t' {
		return 0
	}
	return i + 1
}

// depthError words a nesting refusal.
func depthError(what diag.Text, depth, max int, key string) string {
	return diag.Bilingual("%s nested %d levels deep; at most %d are read (flatten it, or raise [limits] %s in portal.toml)", what, depth, max, key)
}

// maxLinkScan bounds the bytes goldmark scans for link destinations in one
// file. For every "](" it reads the destination up to the next blank (or the
// next ">" after "<") on that line, so a line of thousands of unclosed links
// without spaces costs the square of its length (40 KB of "[a](": 6 s). Real
// pages scan a few bytes per link; this allows 16 MiB.
const maxLinkScan = 16 << 20

// LinkScan returns the first line at which the link destinations goldmark
// will scan add up to more than maxLinkScan bytes, or 0.
func LinkScan(src []byte) int {
	total := 0
	n := 0
	for len(src) > 0 {
		n++
		l := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			l, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		if !bytes.Contains(l, []byte("](")) {
			continue
		}
		// Walk backwards remembering the next blank and the next '>'.
		nextBlank, nextGT := len(l), len(l)
		for i := len(l) - 1; i >= 0; i-- {
			switch l[i] {
			case ' ', '\t':
				nextBlank = i
			case '>':
				nextGT = i
			case ']':
				if i+1 < len(l) && l[i+1] == '(' {
					start := i + 2
					total += nextBlank - min(start, nextBlank)
					if start < len(l) && l[start] == '<' {
						total += nextGT - min(start, nextGT)
					}
					if total > maxLinkScan {
						return n
					}
				}
			}
		}
	}
	return 0
}
