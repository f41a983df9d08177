// Package diag holds positioned diagnostics: problems found in a site's
// content, data or configuration, each naming the file, line, column and key
// a person must edit, what is wrong and what is allowed.
//
// Contract: diag imports only the standard library. File is a slash path
// relative to the site root; Line and Col are 1-based, and Col counts
// characters (runes), not bytes, so a position in a line of Chinese text
// points where an editor's cursor would. Line or Col 0 means unknown and is
// left out of the formatted text. A Diagnostic formats as
//
//	content/commitments/x.md:7:10: deadline: "2025-13-01" 不是日期，请写作 YYYY-MM-DD ("2025-13-01" is not a date (use YYYY-MM-DD))
//
// and a warning adds " (警告 warning)" at the end. Messages read Chinese
// first, with the English in parentheses: Errorf and Warnf look their format
// up in the table of zh.go, so a new message needs its Chinese there (a test
// in this package fails on any format in the generator without one). A
// diagnostic in a sheet of a workbook names the sheet after the file, its
// line being the sheet's row:
//
//	data/disclosures/2025.xlsx[行政处罚]:12:5: 处罚决定日期: …
//
// A List collects any number of diagnostics and always hands them out
// sorted by file, sheet, line, column, key and message, so output never
// depends on the order in which files were read. A List is not safe for
// concurrent use: give each goroutine its own and Merge.
package diag

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Severity says whether a diagnostic stops a build.
type Severity int

const (
	// Error stops the build.
	Error Severity = iota
	// Warning is listed but does not stop the build (unless the List is Strict).
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// Diagnostic is one problem at one place.
type Diagnostic struct {
	File     string // slash path relative to the site root
	Sheet    string // the workbook sheet (Excel files), or ""
	Line     int    // 1-based; 0 = unknown (the row, in a sheet)
	Col      int    // 1-based, in characters; 0 = unknown
	Key      string // the key, column or field concerned; may be empty
	Message  string // what is wrong and what is allowed
	Severity Severity
}

// Position returns "file:line:col" ("file[sheet]:row:col" in a workbook),
// leaving out unknown parts.
func (d Diagnostic) Position() string {
	var b strings.Builder
	b.WriteString(d.File)
	if d.Sheet != "" {
		b.WriteByte('[')
		b.WriteString(d.Sheet)
		b.WriteByte(']')
	}
	if d.Line > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(d.Line))
		if d.Col > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(d.Col))
		}
	}
	return b.String()
}

// String formats d as "file:line:col: key: message", with " (警告 warning)"
// appended for warnings.
func (d Diagnostic) String() string {
	s := d.Error()
	if d.Severity == Warning {
		s += " (警告 warning)"
	}
	return s
}

// Error formats d as "file:line:col: key: message" so a Diagnostic can be
// used as an error.
func (d Diagnostic) Error() string {
	var b strings.Builder
	if p := d.Position(); p != "" {
		b.WriteString(p)
		b.WriteString(": ")
	}
	if d.Key != "" {
		b.WriteString(d.Key)
		b.WriteString(": ")
	}
	b.WriteString(d.Message)
	return b.String()
}

// compare orders diagnostics by file, sheet, line, column, key, message, severity.
func compare(a, b Diagnostic) int {
	return cmp.Or(
		strings.Compare(a.File, b.File),
		strings.Compare(a.Sheet, b.Sheet),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Col, b.Col),
		strings.Compare(a.Key, b.Key),
		strings.Compare(a.Message, b.Message),
		cmp.Compare(a.Severity, b.Severity),
	)
}

// List collects diagnostics. The zero value is ready to use.
type List struct {
	// Strict turns every warning into an error when the list is read.
	Strict bool
	// Max, when positive, is how many diagnostics the list keeps: later ones
	// are only counted (a file of millions of bad rows must not hold
	// millions of messages), and Err and Summary say how many more there were.
	Max int

	items []Diagnostic
	// more counts the diagnostics past Max, by severity.
	more [2]int
}

// full reports whether the list keeps no more diagnostics.
func (l *List) full() bool { return l.Max > 0 && len(l.items) >= l.Max }

// Add appends d (or only counts it once the list is full).
func (l *List) Add(d Diagnostic) {
	if l.full() {
		l.more[d.Severity]++
		return
	}
	l.items = append(l.items, d)
}

// Errorf adds an error at file:line:col for key.
func (l *List) Errorf(file string, line, col int, key, format string, args ...any) {
	if l.full() {
		l.more[Error]++
		return
	}
	l.Add(Diagnostic{File: file, Line: line, Col: col, Key: key, Message: message(format, args), Severity: Error})
}

// Warnf adds a warning at file:line:col for key.
func (l *List) Warnf(file string, line, col int, key, format string, args ...any) {
	if l.full() {
		l.more[Warning]++
		return
	}
	l.Add(Diagnostic{File: file, Line: line, Col: col, Key: key, Message: message(format, args), Severity: Warning})
}

// Merge appends every diagnostic of o (nil is allowed), and o's count of
// those it did not keep.
func (l *List) Merge(o *List) {
	if o == nil {
		return
	}
	for _, d := range o.items {
		l.Add(d)
	}
	l.more[Error] += o.more[Error]
	l.more[Warning] += o.more[Warning]
}

// Len returns the number of diagnostics of either severity that the list
// holds (not those only counted past Max).
func (l *List) Len() int {
	if l == nil {
		return 0
	}
	return len(l.items)
}

// More returns how many errors and warnings were counted but not kept
// because the list was full (warnings count as errors when Strict).
func (l *List) More() (errors, warnings int) {
	if l == nil {
		return 0, 0
	}
	if l.Strict {
		return l.more[Error] + l.more[Warning], 0
	}
	return l.more[Error], l.more[Warning]
}

// All returns every diagnostic sorted, with warnings promoted to errors when
// the list is Strict. The result is a copy.
func (l *List) All() []Diagnostic {
	if l == nil {
		return nil
	}
	out := slices.Clone(l.items)
	if l.Strict {
		for i := range out {
			out[i].Severity = Error
		}
	}
	slices.SortStableFunc(out, compare)
	return slices.CompactFunc(out, func(a, b Diagnostic) bool { return a == b })
}

func (l *List) filter(s Severity) []Diagnostic {
	var out []Diagnostic
	for _, d := range l.All() {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

// Errors returns the errors, sorted (warnings too when Strict).
func (l *List) Errors() []Diagnostic { return l.filter(Error) }

// Warnings returns the warnings, sorted (none when Strict).
func (l *List) Warnings() []Diagnostic { return l.filter(Warning) }

// Err returns nil when there is no error, else one error whose text lists
// every error, one per line, and which unwraps to each Diagnostic.
func (l *List) Err() error {
	errs := l.Errors()
	moreErrs, _ := l.More()
	if len(errs) == 0 && moreErrs == 0 {
		return nil
	}
	joined := make([]error, len(errs), len(errs)+1)
	for i, d := range errs {
		joined[i] = d
	}
	if moreErrs > 0 {
		joined = append(joined, fmt.Errorf("… and %d more errors not listed: only the first %d diagnostics are kept (fix these first, or raise [limits] diagnostics in portal.toml)", moreErrs, l.Max))
	}
	return errors.Join(joined...)
}

// Summary returns a count line in Chinese and English, such as
// "3 个错误，1 个警告 (3 errors, 1 warning)", counting those past Max too.
func (l *List) Summary() string {
	moreErrs, moreWarns := l.More()
	e, w := len(l.Errors())+moreErrs, len(l.Warnings())+moreWarns
	return fmt.Sprintf("%d 个错误，%d 个警告 (%s, %s)", e, w, plural(e, "error"), plural(w, "warning"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}
