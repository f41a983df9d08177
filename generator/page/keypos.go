package page

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// keyPos is where a key and its value start (1-based TOML line, character
// columns). BurntSushi/toml reports no positions for keys, so we find them.
type keyPos struct {
	line, col int // the key
	vcol      int // the value on the same line; 0 for table headers
}

// scanKeys maps every key path of a TOML document to its position. Paths
// are dotted; array-of-tables elements are indexed: "progress[0].date".
// It understands enough TOML to skip multi-line strings and arrays, and it
// never fails: unknown shapes just get no position.
func scanKeys(src string) map[string]keyPos {
	pos := make(map[string]keyPos)
	counts := make(map[string]int) // array-of-tables path → elements so far
	prefix := ""
	inML := "" // closing delimiter of an open multi-line string
	depth := 0 // open brackets of a multi-line array or inline table
	for i, line := range strings.Split(src, "\n") {
		lineNo := i + 1
		if inML != "" {
			if strings.Contains(line, inML) {
				inML = ""
			}
			continue
		}
		if depth > 0 {
			depth, inML = scanValue(line, depth)
			continue
		}
		t := strings.TrimLeft(line, " \t")
		indent := len(line) - len(t)
		if t == "" || t[0] == '#' {
			continue
		}
		col := utf8.RuneCountInString(line[:indent]) + 1
		switch {
		case strings.HasPrefix(t, "[["):
			name, _, _ := strings.Cut(t[2:], "]]")
			base := resolve(normKey(name), counts)
			prefix = base + "[" + strconv.Itoa(counts[base]) + "]"
			counts[base]++
			pos[prefix] = keyPos{line: lineNo, col: col}
		case t[0] == '[':
			name, _, _ := strings.Cut(t[1:], "]")
			prefix = resolve(normKey(name), counts)
			pos[prefix] = keyPos{line: lineNo, col: col}
		default:
			eq := keyEnd(t)
			if eq < 0 {
				break
			}
			key := normKey(t[:eq])
			if key == "" {
				break
			}
			path := key
			if prefix != "" {
				path = prefix + "." + key
			}
			v := t[eq+1:]
			vt := strings.TrimLeft(v, " \t")
			vByte := indent + eq + 1 + (len(v) - len(vt))
			pos[path] = keyPos{line: lineNo, col: col, vcol: utf8.RuneCountInString(line[:vByte]) + 1}
			depth, inML = scanValue(vt, 0)
		}
	}
	return pos
}

// resolve turns a dotted header name into a path, indexing every prefix that
// is an array of tables with its latest element.
func resolve(name string, counts map[string]int) string {
	parts := strings.Split(name, ".")
	path := ""
	for _, p := range parts {
		if path != "" {
			path += "."
		}
		path += p
		if n := counts[path]; n > 0 && path != name {
			path += "[" + strconv.Itoa(n-1) + "]"
		}
	}
	return path
}

// keyEnd returns the byte index of the '=' ending a key, or -1.
func keyEnd(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		case c == '#':
			return -1
		}
	}
	return -1
}

// normKey removes quotes and spaces around the dots of a (dotted) key.
func normKey(k string) string {
	parts := strings.Split(strings.TrimSpace(k), ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && (p[0] == '"' || p[0] == '\'') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}

// scanValue follows brackets and strings through one line of a value and
// returns the bracket depth at its end and the delimiter of a multi-line
// string left open.
func scanValue(s string, depth int) (int, string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '#':
			return depth, ""
		case '[', '{':
			depth++
		case ']', '}':
			if depth > 0 {
				depth--
			}
		case '"', '\'':
			delim := string(c)
			if strings.HasPrefix(s[i:], strings.Repeat(delim, 3)) {
				delim = strings.Repeat(delim, 3)
			}
			j := i + len(delim)
			for j < len(s) {
				if s[j] == '\\' && c == '"' {
					j += 2
					continue
				}
				if strings.HasPrefix(s[j:], delim) {
					break
				}
				j++
			}
			if j >= len(s) {
				if len(delim) == 3 {
					return depth, delim
				}
				return depth, ""
			}
			i = j + len(delim) - 1
		}
	}
	return depth, ""
}
