package page

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/unicode/norm"

	"portal/generator/diag"
	"portal/generator/model"
)

// doc is what every Table of one TOML document shares.
type doc struct {
	file  string
	base  int // file line of TOML line 1, minus 1
	text  string
	lines []string // text's lines, split when first needed (linesOf)
	pos   map[string]keyPos
	loc   *time.Location
	dl    *diag.List
}

// Table reads one TOML table with typed accessors that report every problem
// to a diag.List with its file position and key. Each accessor records the
// key as known; Finish reports the keys nobody asked for as unknown.
type Table struct {
	d    *doc
	m    map[string]any
	path string // "" at the root, "progress[0]" for an array element
	line int    // file position of the table's header (root: front matter start)
	col  int
	// asked logs every name an accessor asked for, in order, and hit the
	// keys of m among them: Finish needs the full log (the known keys, the
	// names to suggest) only when some key of m was never asked for, so a
	// page with no unknown key pays for an append per name, not for a map
	// of every alias (a disclosure's accessors ask for some 150 names).
	asked []askedName
	hit   map[string]bool
}

type askedName struct {
	name  string
	first bool // the first of its accessor's names: messages list it
}

// DecodeTOML parses src, a TOML document whose first line is line
// firstLine of file, into a Table. Local dates are read in loc. A syntax
// error is reported at its file line and character column with the key of
// that line, and DecodeTOML returns nil.
func DecodeTOML(file string, src []byte, firstLine int, loc *time.Location, dl *diag.List) *Table {
	return DecodeTOMLDepth(file, src, firstLine, loc, model.DefaultLimits().FrontMatterDepth, dl)
}

// DecodeTOMLDepth is DecodeTOML refusing, before decoding, a document that
// nests deeper than maxDepth (see TOMLDepth): the decoder's memory grows with
// the square of the depth.
func DecodeTOMLDepth(file string, src []byte, firstLine int, loc *time.Location, maxDepth int, dl *diag.List) *Table {
	if line, col, depth := TOMLDepth(src, maxDepth); line > 0 {
		dl.Errorf(file, firstLine+line-1, col, "", "%s", depthError(diag.Text{ZH: "TOML ", EN: "the TOML is"}, depth, maxDepth, "front_matter_depth"))
		return nil
	}
	if loc == nil {
		loc = time.UTC
	}
	text := string(src)
	d := &doc{file: file, base: firstLine - 1, text: text, loc: loc, dl: dl}
	m, pos, fast := fastTOML(text)
	if !fast {
		m = make(map[string]any)
		_, err := toml.Decode(text, &m)
		pos = scanKeys(text)
		if err != nil {
			d.pos = pos
			d.syntaxError(text, err)
			return nil
		}
	}
	d.pos = pos
	open := max(firstLine-1, 1)
	return &Table{d: d, m: m, line: open, col: 1}
}

// linesOf returns the document's lines (most documents need none: only
// messages and the positions of array elements do).
func (d *doc) linesOf() []string {
	if d.lines == nil {
		d.lines = strings.Split(d.text, "\n")
	}
	return d.lines
}

func (d *doc) syntaxError(text string, err error) {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		var ppe *toml.ParseError
		if !errors.As(err, &ppe) {
			d.dl.Errorf(d.file, d.base+1, 1, "", "TOML: %v", err)
			return
		}
		pe = *ppe
	}
	line := max(pe.Position.Line, 1)
	col := 1
	if start := pe.Position.Start; start >= 0 && start <= len(text) {
		// The parser may point at the blank before the offending token.
		for start < len(text) && (text[start] == ' ' || text[start] == '\t') {
			start++
		}
		ls := strings.LastIndexByte(text[:start], '\n') + 1
		col = utf8.RuneCountInString(text[ls:start]) + 1
	} else if pe.Position.Col > 0 {
		col = pe.Position.Col
	}
	key := ""
	for p, kp := range d.pos {
		if kp.line == line && kp.vcol > 0 && (key == "" || p < key) {
			key = p
		}
	}
	if key == "" {
		key = pe.LastKey
	}
	msg := pe.Message
	if msg == "" {
		msg = err.Error()
	}
	hint := diag.Text{ZH: "日期不加引号写作 YYYY-MM-DD，文本写在双引号中", EN: "dates are written unquoted as YYYY-MM-DD, text in double quotes"}
	if lines := d.linesOf(); line <= len(lines) {
		l := strings.TrimLeft(lines[line-1], " \t")
		if r, _ := utf8.DecodeRuneInString(l); r >= utf8.RuneSelf {
			k, _, _ := strings.Cut(l, "=")
			ex := fmt.Sprintf("%q = \"…\"", strings.TrimSpace(k))
			hint = diag.Text{ZH: "中文的键必须加引号：" + ex, EN: "a key in Chinese must be quoted: " + ex}
		}
	}
	d.dl.Errorf(d.file, d.base+line, col, displayKey(key), "TOML syntax error: %s (%s)", msg, hint)
}

// displayKey drops array indexes: the line already says which element.
func displayKey(path string) string {
	if !strings.Contains(path, "[") {
		return path
	}
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (t *Table) full(key string) string {
	if t.path == "" {
		return key
	}
	return t.path + "." + key
}

// KeyPos returns the file line and column of key, or of the table when the
// key is absent.
func (t *Table) KeyPos(key string) (line, col int) {
	if p, ok := t.d.pos[t.full(key)]; ok {
		return t.d.base + p.line, p.col
	}
	return t.line, t.col
}

// Pos returns the file line and column of key's value (of the key when the
// value's column is unknown, of the table when the key is absent).
func (t *Table) Pos(key string) (line, col int) {
	if p, ok := t.d.pos[t.full(key)]; ok {
		if p.vcol > 0 {
			return t.d.base + p.line, p.vcol
		}
		return t.d.base + p.line, p.col
	}
	return t.line, t.col
}

// ElemPos returns the position of the string element s inside key's array
// value, searching from the value's start; the value's position otherwise.
func (t *Table) ElemPos(key, s string) (line, col int) {
	line, col = t.Pos(key)
	p, ok := t.d.pos[t.full(key)]
	if !ok {
		return line, col
	}
	quoted := strconv.Quote(s)
	lines := t.d.linesOf()
	for i := p.line - 1; i < len(lines) && i < p.line+200; i++ {
		l := lines[i]
		from := 0
		if i == p.line-1 {
			from = runeByteOffset(l, p.vcol-1)
		}
		if j := strings.Index(l[from:], quoted); j >= 0 {
			return t.d.base + i + 1, utf8.RuneCountInString(l[:from+j]) + 1
		}
		if j := strings.Index(l[from:], "'"+s+"'"); j >= 0 {
			return t.d.base + i + 1, utf8.RuneCountInString(l[:from+j]) + 1
		}
	}
	return line, col
}

func runeByteOffset(s string, runes int) int {
	for i := range s {
		if runes <= 0 {
			return i
		}
		runes--
	}
	return len(s)
}

// Keys returns the table's keys, sorted.
func (t *Table) Keys() []string {
	keys := make([]string, 0, len(t.m))
	for k := range t.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// File returns the file the table comes from.
func (t *Table) File() string { return t.d.file }

// Line returns the file line of the table's header (or front matter start).
func (t *Table) Line() int { return t.line }

// Location is the zone local dates are read in.
func (t *Table) Location() *time.Location { return t.d.loc }

// Errorf reports an error at key's value.
func (t *Table) Errorf(key, format string, args ...any) {
	line, col := t.Pos(key)
	t.d.dl.Errorf(t.d.file, line, col, displayKey(t.full(key)), format, args...)
}

// Warnf reports a warning at key's value.
func (t *Table) Warnf(key, format string, args ...any) {
	line, col := t.Pos(key)
	t.d.dl.Warnf(t.d.file, line, col, displayKey(t.full(key)), format, args...)
}

// ErrorAt reports an error for key at an explicit file position.
func (t *Table) ErrorAt(line, col int, key, format string, args ...any) {
	t.d.dl.Errorf(t.d.file, line, col, displayKey(t.full(key)), format, args...)
}

// lookup marks names as known and returns the first one present. When
// several aliases of one key are present it reports the duplicate.
func (t *Table) lookup(names ...string) (name string, v any, ok bool) {
	if t.asked == nil {
		t.asked = make([]askedName, 0, 64)
	}
	for i, n := range names {
		// Messages list a key by its first name; the other names
		// (Hugo's spellings, national column names) are still
		// suggested for typos.
		t.asked = append(t.asked, askedName{name: n, first: i == 0})
		if val, present := t.m[n]; present {
			if t.hit == nil {
				t.hit = make(map[string]bool, len(t.m))
			}
			t.hit[n] = true
			if ok {
				t.Errorf(n, "duplicates %s (give only one of %s)", name, strings.Join(names, ", "))
				continue
			}
			name, v, ok = n, val, true
		}
	}
	return name, v, ok
}

// Has reports whether any of names is present, marking them known.
func (t *Table) Has(names ...string) bool {
	_, _, ok := t.lookup(names...)
	return ok
}

func (t *Table) missing(names []string, example string) {
	key := displayKey(t.full(names[0]))
	either := strings.Join(names, " or ")
	switch {
	case len(names) > 1 && example != "":
		t.d.dl.Errorf(t.d.file, t.line, t.col, key, "required key is missing (write %s); e.g. %s", either, example)
	case len(names) > 1:
		t.d.dl.Errorf(t.d.file, t.line, t.col, key, "required key is missing (write %s)", either)
	case example != "":
		t.d.dl.Errorf(t.d.file, t.line, t.col, key, "required key is missing; e.g. %s", example)
	default:
		t.d.dl.Errorf(t.d.file, t.line, t.col, key, "required key is missing")
	}
}

// typeName describes a decoded TOML value for messages.
func typeName(v any) diag.Text {
	switch v := v.(type) {
	case string:
		q := strconv.Quote(v)
		return diag.Text{ZH: "文本 " + q, EN: "text " + q}
	case int64:
		n := strconv.FormatInt(v, 10)
		return diag.Text{ZH: "整数 " + n, EN: "the integer " + n}
	case float64:
		n := strconv.FormatFloat(v, 'g', -1, 64)
		return diag.Text{ZH: "数字 " + n, EN: "the number " + n}
	case bool:
		b := strconv.FormatBool(v)
		return diag.Text{ZH: "布尔值 " + b, EN: "the boolean " + b}
	case time.Time:
		return diag.Text{ZH: "日期时间", EN: "a date/time"}
	case []map[string]any:
		return diag.Text{ZH: "表数组", EN: "an array of tables"}
	case []any:
		return diag.Text{ZH: "数组", EN: "an array"}
	case map[string]any:
		return diag.Text{ZH: "表", EN: "a table"}
	}
	t := fmt.Sprintf("%T", v)
	return diag.Text{ZH: t, EN: t}
}

// Str returns a string value; names are aliases of one key (the first is its
// name). An empty or blank required value is an error.
func (t *Table) Str(required bool, names ...string) string {
	_, s := t.str(required, names, func() string { return names[0] + ` = "…"` })
	return s
}

// str is Str with the example the message of a missing key gives (made
// only then: the accessors are called some 40 times a page).
func (t *Table) str(required bool, names []string, example func() string) (name, s string) {
	name, v, ok := t.lookup(names...)
	if !ok {
		if required {
			t.missing(names, example())
		}
		return "", ""
	}
	s, isStr := v.(string)
	if !isStr {
		t.Errorf(name, "must be text in double quotes, not %s", typeName(v))
		return name, ""
	}
	if required && strings.TrimSpace(s) == "" {
		t.Errorf(name, "must not be empty")
	}
	return name, strings.TrimSpace(s)
}

// Enum returns a string that must be one of allowed.
func (t *Table) Enum(required bool, allowed []string, names ...string) string {
	name, s := t.str(required, names, func() string {
		return fmt.Sprintf("%s = %q (allowed: %s)", names[0], allowed[0], strings.Join(allowed, " | "))
	})
	if s == "" {
		return s
	}
	if !slices.Contains(allowed, s) {
		t.Errorf(name, "%q is not allowed (use one of: %s)", s, strings.Join(allowed, " | "))
		return ""
	}
	return s
}

// Strs returns an array of strings (nil when absent). Blank elements are
// errors.
func (t *Table) Strs(names ...string) []string {
	name, v, ok := t.lookup(names...)
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		t.Errorf(name, "must be an array of text, e.g. %s = [\"…\", \"…\"], not %s", name, typeName(v))
		return nil
	}
	out := make([]string, 0, len(arr))
	for i, e := range arr {
		s, isStr := e.(string)
		if !isStr {
			t.Errorf(name, "element %d must be text in double quotes, not %s", i+1, typeName(e))
			continue
		}
		if strings.TrimSpace(s) == "" {
			t.Errorf(name, "element %d is empty", i+1)
			continue
		}
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// Bool returns a boolean (false when absent).
func (t *Table) Bool(names ...string) bool {
	name, v, ok := t.lookup(names...)
	if !ok {
		return false
	}
	b, isBool := v.(bool)
	if !isBool {
		t.Errorf(name, "must be true or false (unquoted), not %s", typeName(v))
	}
	return b
}

// Int returns an integer; ok is false when absent or wrong.
func (t *Table) Int(names ...string) (n int, ok bool) {
	name, v, present := t.lookup(names...)
	if !present {
		return 0, false
	}
	i, isInt := v.(int64)
	if !isInt {
		t.Errorf(name, "must be a whole number (unquoted), not %s", typeName(v))
		return 0, false
	}
	return int(i), true
}

// Float returns a number; ok is false when absent or wrong.
func (t *Table) Float(names ...string) (f float64, ok bool) {
	name, v, present := t.lookup(names...)
	if !present {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case string:
		if f, err := strconv.ParseFloat(strings.TrimSpace(n), 64); err == nil {
			return f, true
		}
	}
	t.Errorf(name, "must be a number such as 5000 or 1250.5 (unquoted), not %s", typeName(v))
	return 0, false
}

// Date returns a calendar date at midnight in the table's zone. TOML local
// dates (unquoted YYYY-MM-DD) are the form; date-times keep their date in
// the site's zone. A date in quotes is text, and text is not a date: the
// error says how to write it, so a wrong type never passes silently. The one
// exception is the quoted RFC 3339 date-time Hugo's archetypes write
// ('2024-03-05T09:30:00+08:00'), read as its date in the site's zone.
func (t *Table) Date(required bool, names ...string) time.Time {
	name, v, ok := t.lookup(names...)
	if !ok {
		if required {
			t.missing(names, names[0]+" = 2025-01-31")
		}
		return time.Time{}
	}
	switch v := v.(type) {
	case time.Time:
		switch v.Location().String() {
		case "date-local", "datetime-local":
			return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, t.d.loc)
		case "time-local":
			t.Errorf(name, "is a time of day, not a date (use YYYY-MM-DD)")
			return time.Time{}
		}
		v = v.In(t.d.loc)
		return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, t.d.loc)
	case string:
		// Hugo's archetypes write the page's date-time in quotes
		// (date = '2024-03-05T09:30:00+08:00'): that machine-written form
		// is read as the date, so Hugo content moves in unchanged.
		if ts, err := time.Parse(time.RFC3339, strings.TrimSpace(v)); err == nil {
			ts = ts.In(t.d.loc)
			return time.Date(ts.Year(), ts.Month(), ts.Day(), 0, 0, 0, 0, t.d.loc)
		}
		if d, err := ParseDate(v, t.d.loc); err == nil {
			t.Errorf(name, "%q is text in quotes, not a date: write it without quotes, %s = %s", v, name, d.Format(time.DateOnly))
			return time.Time{}
		}
		t.Errorf(name, "%q is not a date (write it without quotes as YYYY-MM-DD, e.g. %s = 2025-01-31)", v, name)
		return time.Time{}
	}
	t.Errorf(name, "must be a date written YYYY-MM-DD (unquoted), not %s", typeName(v))
	return time.Time{}
}

// ParseDate reads a calendar date as offices write it, as midnight in loc:
// 2024-03-05, 2024-3-5, 2024/3/5, 2024.03.05, 2024年3月5日 and 20240305,
// full-width digits too, optionally followed by a time of day (ignored), or
// an RFC 3339 date-time (its date in loc). Impossible dates (2024-02-30)
// are errors.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, ok := isoDate(s, loc); ok {
		return t, nil
	}
	s = norm.NFKC.String(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		t = t.In(loc)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc), nil
	}
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		m = compactDateRE.FindStringSubmatch(s)
	}
	if m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
		if t.Year() == y && int(t.Month()) == mo && t.Day() == d {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date (use YYYY-MM-DD)", s)
}

// isoDate is ParseDate's fast path for the common YYYY-MM-DD.
func isoDate(s string, loc *time.Location) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	n := func(from, to int) int {
		v := 0
		for i := from; i < to; i++ {
			if s[i] < '0' || s[i] > '9' {
				return -1
			}
			v = v*10 + int(s[i]-'0')
		}
		return v
	}
	y, m, d := n(0, 4), n(5, 7), n(8, 10)
	if y < 0 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

var (
	dateRE        = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$`)
	compactDateRE = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
)

// Table returns the sub-table key (nil when absent or not a table).
func (t *Table) Table(key string) *Table {
	_, v, ok := t.lookup(key)
	if !ok {
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		t.Errorf(key, "must be a table ([%s] followed by its keys), not %s", key, typeName(v))
		return nil
	}
	line, col := t.KeyPos(key)
	return &Table{d: t.d, m: m, path: t.full(key), line: line, col: col}
}

// Tables returns the elements of the array of tables key ([[key]]).
func (t *Table) Tables(key string) []*Table {
	_, v, ok := t.lookup(key)
	if !ok {
		return nil
	}
	var ms []map[string]any
	switch v := v.(type) {
	case []map[string]any:
		ms = v
	case []any:
		for _, e := range v {
			m, isMap := e.(map[string]any)
			if !isMap {
				t.Errorf(key, "must be an array of tables written [[%s]], not %s", key, typeName(v))
				return nil
			}
			ms = append(ms, m)
		}
	default:
		t.Errorf(key, "must be an array of tables written [[%s]], not %s", key, typeName(v))
		return nil
	}
	out := make([]*Table, len(ms))
	for i, m := range ms {
		path := t.full(key) + "[" + strconv.Itoa(i) + "]"
		line, col := t.KeyPos(key)
		if p, ok := t.d.pos[path]; ok {
			line, col = t.d.base+p.line, p.col
		}
		out[i] = &Table{d: t.d, m: m, path: path, line: line, col: col}
	}
	return out
}

// Finish reports every key of the table that no accessor asked for, naming
// the closest known key and listing the allowed ones.
func (t *Table) Finish() {
	var unknown []string
	for k := range t.m {
		if !t.hit[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return
	}
	sort.Strings(unknown)
	// Replay the log: every name asked for, and the first names in the
	// order they were first asked for (as the messages list them).
	used := make(map[string]bool, len(t.asked))
	var known []string
	for _, a := range t.asked {
		if !used[a.name] {
			used[a.name] = true
			if a.first {
				known = append(known, a.name)
			}
		}
	}
	candidates := slices.Sorted(maps.Keys(used))
	for _, k := range unknown {
		line, col := t.KeyPos(k)
		// The list of allowed keys is long: it is given once, after both
		// languages' words.
		msg := diag.Bilingual("unknown key")
		if c := Closest(k, candidates, 1); len(c) > 0 {
			msg = diag.Bilingual("unknown key (did you mean %s?)", c[0])
		}
		msg += "；此处可用的键 (allowed here)：" + strings.Join(known, ", ")
		t.d.dl.Errorf(t.d.file, line, col, displayKey(t.full(k)), "%s", msg)
	}
}

// Closest returns up to n candidates nearest to name by edit distance over
// characters, nearest first, leaving out those too far to be a typo.
func Closest(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	rn := []rune(name)
	var out []scored
	for _, c := range candidates {
		rc := []rune(c)
		d := editDistance(rn, rc)
		limit := max(len(rn), len(rc))/2 + 1
		if strings.Contains(c, name) || strings.Contains(name, c) {
			d = min(d, limit-1)
		}
		if d < limit {
			out = append(out, scored{c, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].d != out[j].d {
			return out[i].d < out[j].d
		}
		return out[i].s < out[j].s
	})
	res := make([]string, 0, n)
	for i := 0; i < len(out) && i < n; i++ {
		if !slices.Contains(res, out[i].s) {
			res = append(res, out[i].s)
		}
	}
	return res
}

func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Dates returns an array of dates (TOML dates or quoted YYYY-MM-DD), nil
// when absent.
func (t *Table) Dates(names ...string) []time.Time {
	name, v, ok := t.lookup(names...)
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		t.Errorf(name, "must be an array of dates, e.g. %s = [2025-01-01, 2025-05-01], not %s", name, typeName(v))
		return nil
	}
	out := make([]time.Time, 0, len(arr))
	for i, e := range arr {
		switch e := e.(type) {
		case time.Time:
			if e.Location().String() == "time-local" {
				t.Errorf(name, "element %d is a time of day, not a date (use YYYY-MM-DD)", i+1)
				continue
			}
			if n := e.Location().String(); n != "date-local" && n != "datetime-local" {
				e = e.In(t.d.loc)
			}
			out = append(out, time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, t.d.loc))
		case string:
			d, err := ParseDate(e, t.d.loc)
			if err != nil {
				t.Errorf(name, "element %d: %q is not a date (use YYYY-MM-DD)", i+1, e)
				continue
			}
			out = append(out, d)
		default:
			t.Errorf(name, "element %d must be a date (YYYY-MM-DD), not %s", i+1, typeName(e))
		}
	}
	return out
}
