package page

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// fastTOML decodes src when it keeps to the TOML that front matter is made
// of, and gives then exactly what toml.Decode gives into a map[string]any,
// and the key positions scanKeys gives; ok is false for anything else, and
// for every error, so the caller decodes with BurntSushi/toml (the
// reference), whose diagnostics stay as they are, and scans with scanKeys.
// BurntSushi's general lexer and parser cost more than a third of a page's
// parse; the subset costs a fraction of that.
//
// The subset, one item per line: blank lines; comments; key = value with
// a bare key (A-Za-z0-9_-) or a quoted key without escapes or dots; [name]
// and [[name]] headers with a bare name (tables of the root only); and
// values that are a basic string (escapes \" \\ \n \t only), a literal
// string, an integer or a decimal (no underscores, exponents or leading
// zeros), true or false, a date (YYYY-MM-DD), a date-time
// (YYYY-MM-DDTHH:MM:SS, with Z or ±HH:MM or none), or an array of those on
// one line or several (no comments inside). FuzzFastTOML checks the
// equality with BurntSushi and scanKeys on any input.
func fastTOML(src string) (m map[string]any, pos map[string]keyPos, ok bool) {
	if !utf8.ValidString(src) {
		return nil, nil, false
	}
	// No size hint: a hint above 8 allocates (and clears) a table of
	// groups, costlier than the growth of a page's few keys.
	root := make(map[string]any)
	pos = make(map[string]keyPos)
	cur := root
	prefix := "" // the path of cur: "" at the root, "progress[1]", "menu"
	s := src
	i := 0
	// line is the TOML line of byte ls, the start of the line being read.
	line, ls := 1, 0
	for {
		i = skipBlank(s, i)
		if i >= len(s) {
			return root, pos, true
		}
		switch s[i] {
		case '\n':
			i++
			line, ls = line+1, i
			continue
		case '#':
		case '[':
			aot := strings.HasPrefix(s[i:], "[[")
			j := i + 1
			if aot {
				j++
			}
			k := j
			for k < len(s) && isBare(s[k]) {
				k++
			}
			name := s[j:k]
			if name == "" {
				return nil, nil, false
			}
			at := keyPos{line: line, col: i - ls + 1}
			if aot {
				if !strings.HasPrefix(s[k:], "]]") {
					return nil, nil, false
				}
				var arr []map[string]any
				if prev, exists := root[name]; exists {
					if arr, ok = prev.([]map[string]any); !ok {
						return nil, nil, false
					}
				}
				cur = make(map[string]any)
				root[name] = append(arr, cur)
				prefix = name + "[" + strconv.Itoa(len(arr)) + "]"
				i = k + 2
			} else {
				if k >= len(s) || s[k] != ']' {
					return nil, nil, false
				}
				if _, exists := root[name]; exists {
					return nil, nil, false
				}
				cur = make(map[string]any)
				root[name] = cur
				prefix = name
				i = k + 1
			}
			pos[prefix] = at
		default:
			key, j, ok := fastKey(s, i)
			if !ok {
				return nil, nil, false
			}
			j = skipBlank(s, j)
			if j >= len(s) || s[j] != '=' {
				return nil, nil, false
			}
			vs := skipBlank(s, j+1)
			v, end, ok := fastValue(s, vs, true)
			if !ok {
				return nil, nil, false
			}
			if _, dup := cur[key]; dup {
				return nil, nil, false
			}
			cur[key] = v
			if key != "" { // scanKeys gives an empty key no position
				path := key
				if prefix != "" {
					path = prefix + "." + key
				}
				pos[path] = keyPos{line: line, col: i - ls + 1, vcol: utf8.RuneCountInString(s[ls:vs]) + 1}
			}
			// A multi-line array's line ends are in the value.
			for k := vs; k < end; k++ {
				if s[k] == '\n' {
					line, ls = line+1, k+1
				}
			}
			i = end
		}
		// The rest of the line: blanks, a comment, the line's end.
		i = skipBlank(s, i)
		if i < len(s) && s[i] == '#' {
			for i++; i < len(s) && s[i] != '\n'; i++ {
				if isCtl(s[i]) {
					return nil, nil, false
				}
			}
		}
		if i < len(s) {
			if s[i] != '\n' {
				return nil, nil, false
			}
			i++
			line, ls = line+1, i
		}
	}
}

func skipBlank(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

func isBare(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// isCtl reports a control character TOML refuses in strings and comments.
func isCtl(c byte) bool { return c < 0x20 && c != '\t' || c == 0x7f }

// fastKey reads a bare key or a quoted one without escapes or dots at s[i].
func fastKey(s string, i int) (key string, end int, ok bool) {
	if q := s[i]; q == '"' || q == '\'' {
		for j := i + 1; j < len(s); j++ {
			switch c := s[j]; {
			case c == q:
				return s[i+1 : j], j + 1, true
			case c == '\\' || c == '.' || isCtl(c):
				// scanKeys reads a dot in quotes as a dotted key's.
				return "", 0, false
			}
		}
		return "", 0, false
	}
	j := i
	for j < len(s) && isBare(s[j]) {
		j++
	}
	return s[i:j], j, j > i
}

// fastValue reads a value at s[i]; arrays only at the top (top is true).
func fastValue(s string, i int, top bool) (v any, end int, ok bool) {
	if i >= len(s) {
		return nil, 0, false
	}
	switch c := s[i]; {
	case c == '"':
		return fastBasic(s, i)
	case c == '\'':
		if strings.HasPrefix(s[i:], "'''") {
			return nil, 0, false
		}
		for j := i + 1; j < len(s); j++ {
			switch c := s[j]; {
			case c == '\'':
				return s[i+1 : j], j + 1, true
			case isCtl(c):
				return nil, 0, false
			}
		}
		return nil, 0, false
	case c == '[':
		if !top {
			return nil, 0, false
		}
		return fastArray(s, i+1)
	case c == 't' || c == 'f':
		if strings.HasPrefix(s[i:], "true") {
			return true, i + 4, true
		}
		if strings.HasPrefix(s[i:], "false") {
			return false, i + 5, true
		}
		return nil, 0, false
	case c >= '0' && c <= '9' || c == '+' || c == '-':
		j := i
		for j < len(s) && (isBare(s[j]) || s[j] == ':' || s[j] == '.' || s[j] == '+') {
			j++
		}
		v, ok := fastScalar(s[i:j])
		return v, j, ok
	}
	return nil, 0, false
}

// fastBasic reads a basic string at s[i] (its opening quote).
func fastBasic(s string, i int) (v any, end int, ok bool) {
	if strings.HasPrefix(s[i:], `"""`) {
		return nil, 0, false
	}
	j := i + 1
	for ; j < len(s); j++ {
		c := s[j]
		if c == '"' {
			return s[i+1 : j], j + 1, true
		}
		if c == '\\' {
			break
		}
		if isCtl(c) {
			return nil, 0, false
		}
	}
	var b strings.Builder
	b.Grow(j - i)
	b.WriteString(s[i+1 : j])
	for ; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '"':
			return b.String(), j + 1, true
		case c == '\\':
			if j+1 >= len(s) {
				return nil, 0, false
			}
			j++
			switch s[j] {
			case '"', '\\':
				b.WriteByte(s[j])
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			default:
				return nil, 0, false
			}
		case isCtl(c):
			return nil, 0, false
		default:
			b.WriteByte(c)
		}
	}
	return nil, 0, false
}

// fastArray reads the elements of an array whose '[' is before s[i].
func fastArray(s string, i int) (v any, end int, ok bool) {
	arr := make([]any, 0, 2) // non-nil, as BurntSushi's
	for {
		i = skipSpace(s, i)
		if i >= len(s) {
			return nil, 0, false
		}
		if s[i] == ']' {
			return arr, i + 1, true
		}
		e, j, ok := fastValue(s, i, false)
		if !ok {
			return nil, 0, false
		}
		arr = append(arr, e)
		i = skipSpace(s, j)
		if i >= len(s) {
			return nil, 0, false
		}
		switch s[i] {
		case ',':
			i++
		case ']':
			return arr, i + 1, true
		default:
			return nil, 0, false
		}
	}
}

// skipSpace skips blanks and line ends (between an array's elements).
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
		i++
	}
	return i
}

// BurntSushi's zones of local dates and date-times, taken from BurntSushi
// itself so that the fast path's times are equal to its own.
var localDate, localDatetime = func() (*time.Location, *time.Location) {
	var m map[string]any
	if _, err := toml.Decode("d = 2000-01-02\nt = 2000-01-02T03:04:05", &m); err != nil {
		panic(err) // a constant document
	}
	return m["d"].(time.Time).Location(), m["t"].(time.Time).Location()
}()

// fastScalar reads a number, a date or a date-time token (the bytes up to a
// blank, comma, bracket, comment or line end).
func fastScalar(tok string) (any, bool) {
	if isDateAt(tok, 0) {
		switch {
		case len(tok) == 10:
			t, err := time.ParseInLocation("2006-01-02", tok, localDate)
			return t, err == nil
		case len(tok) >= 19 && tok[10] == 'T' && isTimeAt(tok, 11):
			switch zone := tok[19:]; {
			case zone == "":
				t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", tok, localDatetime)
				return t, err == nil
			case zone == "Z" || len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && digits(zone[1:3]) && zone[3] == ':' && digits(zone[4:6]):
				t, err := time.ParseInLocation(time.RFC3339Nano, tok, time.Local)
				return t, err == nil
			}
		}
		return nil, false
	}
	num := tok
	if num != "" && (num[0] == '+' || num[0] == '-') {
		num = num[1:]
	}
	whole, frac, isFloat := strings.Cut(num, ".")
	if whole == "" || !digits(whole) || len(whole) > 1 && whole[0] == '0' {
		return nil, false
	}
	if !isFloat {
		n, err := strconv.ParseInt(tok, 0, 64)
		return n, err == nil
	}
	if frac == "" || !digits(frac) {
		return nil, false
	}
	f, err := strconv.ParseFloat(tok, 64)
	return f, err == nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isDateAt reports YYYY-MM-DD at s[i:].
func isDateAt(s string, i int) bool {
	return len(s) >= i+10 && digits(s[i:i+4]) && s[i+4] == '-' && digits(s[i+5:i+7]) && s[i+7] == '-' && digits(s[i+8:i+10])
}

// isTimeAt reports HH:MM:SS at s[i:].
func isTimeAt(s string, i int) bool {
	return len(s) >= i+8 && digits(s[i:i+2]) && s[i+2] == ':' && digits(s[i+3:i+5]) && s[i+5] == ':' && digits(s[i+6:i+8])
}
