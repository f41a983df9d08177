package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"portal/generator/model"
)

// The operations an entry records.
const (
	OpAdd    = "add"    // a record published (first, or again after a removal)
	OpChange = "change" // a published record changed
	OpRemove = "remove" // a published record taken off the site (tombstone)
)

// Entry is one line of the log. Its JSON encoding (Encode) is the leaf the
// Merkle tree commits to, so the field order and spelling are fixed:
//
//	{"n":12,"date":"2025-07-01","op":"change","kind":"commitments","id":"e01","v":3,
//	 "hash":"…","set":{"deadline":"2025-12-31"},"edit":{"body":["=120","-3","+新文字"]},
//	 "unset":["summary"],"note":"…"}
//
// Set carries fields with their whole new value; Edit carries text fields as
// edits of the previous value: "=N" keeps N characters, "-N" deletes N, "+s"
// inserts s (characters are Unicode code points). Unset lists fields that
// became empty. An add sets every field; a remove carries no fields and no
// hash. Hash is the new version's Version.Hash.
//
// In the published log an entry of a record that is no longer published
// (a disclosure or dishonesty record past its 公示截止期, withdrawn or removed)
// is replaced by a stub that keeps only n, kind, id, v and "redacted" (the
// reason); the tree's level-0 tile still holds its leaf hash.
type Entry struct {
	N        int64               `json:"n"`
	Date     string              `json:"date,omitempty"`
	Op       string              `json:"op,omitempty"`
	Kind     model.Kind          `json:"kind"`
	ID       string              `json:"id"`
	V        int                 `json:"v"`
	Hash     string              `json:"hash,omitempty"`
	Set      map[string]string   `json:"set,omitempty"`
	Edit     map[string][]string `json:"edit,omitempty"`
	Unset    []string            `json:"unset,omitempty"`
	Note     string              `json:"note,omitempty"`
	Redacted string              `json:"redacted,omitempty"`
}

// Key returns the entry's record key.
func (e *Entry) Key() string { return Key(e.Kind, e.ID) }

// Changed lists the fields the entry sets, edits or unsets, in schema order.
func (e *Entry) Changed() []string {
	var out []string
	for _, f := range schemas[e.Kind] {
		_, s := e.Set[f.Name]
		_, ed := e.Edit[f.Name]
		if s || ed || slices.Contains(e.Unset, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// Day returns the entry's date in loc.
func (e *Entry) Day(loc *time.Location) time.Time {
	t, _ := time.ParseInLocation(time.DateOnly, e.Date, loc)
	return t
}

// Encode returns the entry's line (without the newline). Encoding never
// escapes <, > or &, so Chinese text and links stay readable in the file.
func (e *Entry) Encode() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e); err != nil {
		panic(err) // strings, ints and maps of strings always encode
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// Leaf returns the record text the tree commits to: the line and "\n".
func (e *Entry) Leaf() []byte { return append(e.Encode(), '\n') }

// MaxLine bounds one entry's line (a whole record, long bodies included).
const MaxLine = 4 << 20

// The forms of an entry's id, hash and date, checked for each of the
// log's entries without regular expressions (FuzzEntryForms holds them to
// the expressions they were first written as).

// isID: 1 to 200 characters (an invalid UTF-8 byte counting as one), none
// a slash, a backslash or white space (tab, newline, form feed, return,
// space).
func isID(s string) bool {
	if s == "" || strings.ContainsAny(s, "/\\\t\n\f\r ") {
		return false
	}
	return len(s) <= 200 || utf8.RuneCountInString(s) <= 200
}

// isHash: a SHA-256 in lower-case hex.
func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isDateForm: YYYY-MM-DD in ASCII digits (not necessarily a real day).
func isDateForm(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ErrNotCanonical means a line decodes but is not written the one way
// Encode writes it (keys reordered, spaces, escapes): it was edited by hand.
var ErrNotCanonical = errors.New("not in canonical form")

// ParseEntry reads one line of the log strictly: unknown keys, a wrong type,
// a malformed field or a line that Encode would not write are errors, so a
// hand edit cannot hide in a log that still parses. public allows redacted
// stubs (the published log); the site's own log never has them.
func ParseEntry(line []byte, public bool) (*Entry, error) {
	if len(line) > MaxLine {
		return nil, fmt.Errorf("line of %d bytes (at most %d)", len(line), MaxLine)
	}
	if e, ok := decodeLine(line); ok {
		// Encode's own encoding of e (and so valid UTF-8): only the
		// fields remain to be checked.
		if err := e.check(public); err != nil {
			return nil, err
		}
		return e, nil
	}
	return parseEntryJSON(line, public)
}

// parseEntryJSON is ParseEntry by encoding/json, for any line.
func parseEntryJSON(line []byte, public bool) (*Entry, error) {
	if !utf8.Valid(line) {
		return nil, errors.New("not valid UTF-8")
	}
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("not an entry: %v", err)
	}
	if dec.More() {
		return nil, errors.New("text after the entry")
	}
	if err := e.check(public); err != nil {
		return nil, err
	}
	if !bytes.Equal(e.Encode(), line) {
		return nil, ErrNotCanonical
	}
	return &e, nil
}

// check validates the entry's fields on their own (Replay checks them
// against the history).
func (e *Entry) check(public bool) error {
	if e.N < 0 {
		return fmt.Errorf("n: %d is negative", e.N)
	}
	if schemas[e.Kind] == nil {
		return fmt.Errorf("kind: %q is not a record kind", e.Kind)
	}
	if !isID(e.ID) {
		return fmt.Errorf("id: %q is not a record id", e.ID)
	}
	if e.V < 1 {
		return fmt.Errorf("v: %d (versions count from 1)", e.V)
	}
	if e.Redacted != "" {
		if !public {
			return errors.New("redacted: only the published log has redacted entries")
		}
		if e.Date != "" || e.Op != "" || e.Hash != "" || e.Set != nil || e.Edit != nil || e.Unset != nil || e.Note != "" {
			return errors.New("redacted entry carries fields")
		}
		return nil
	}
	if !isDateForm(e.Date) {
		return fmt.Errorf("date: %q is not YYYY-MM-DD", e.Date)
	}
	if _, _, _, ok := isoDate(e.Date); !ok {
		if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
			return fmt.Errorf("date: %q is not a date", e.Date)
		}
	}
	switch e.Op {
	case OpRemove:
		if e.Hash != "" || e.Set != nil || e.Edit != nil || e.Unset != nil {
			return errors.New("a remove carries no hash and no fields")
		}
		return nil
	case OpAdd, OpChange:
	default:
		return fmt.Errorf("op: %q (use add, change or remove)", e.Op)
	}
	if !isHash(e.Hash) {
		return fmt.Errorf("hash: %q is not a SHA-256 in hex", e.Hash)
	}
	seen := map[string]bool{}
	for name, v := range e.Set {
		if _, ok := fieldIndex[e.Kind][name]; !ok {
			return fmt.Errorf("set: %q is not a field of %s", name, e.Kind)
		}
		if v == "" {
			return fmt.Errorf("set: %s is empty (use unset)", name)
		}
		seen[name] = true
	}
	for name, ops := range e.Edit {
		f, ok := FieldOf(e.Kind, name)
		if !ok || !f.edited() {
			return fmt.Errorf("edit: %q is not a text field of %s", name, e.Kind)
		}
		if seen[name] {
			return fmt.Errorf("edit: %s is also set", name)
		}
		if err := checkOps(ops); err != nil {
			return fmt.Errorf("edit: %s: %v", name, err)
		}
		seen[name] = true
	}
	for i, name := range e.Unset {
		if _, ok := fieldIndex[e.Kind][name]; !ok {
			return fmt.Errorf("unset: %q is not a field of %s", name, e.Kind)
		}
		if seen[name] || (i > 0 && fieldIndex[e.Kind][e.Unset[i-1]] >= fieldIndex[e.Kind][name]) {
			return fmt.Errorf("unset: %s is repeated, out of schema order or also set", name)
		}
		seen[name] = true
	}
	if e.Op == OpChange && len(seen) == 0 {
		return errors.New("a change changes no field")
	}
	if e.Op == OpAdd && (e.Edit != nil || e.Unset != nil) {
		return errors.New("an add only sets fields")
	}
	return nil
}

// checkOps validates edit operations without the text they apply to.
func checkOps(ops []string) error {
	if len(ops) == 0 {
		return errors.New("no operations")
	}
	for _, op := range ops {
		if len(op) < 2 {
			return fmt.Errorf("operation %q", op)
		}
		switch op[0] {
		case '=', '-':
			n, err := strconv.Atoi(op[1:])
			if err != nil || n <= 0 || strconv.Itoa(n) != op[1:] {
				return fmt.Errorf("operation %q: not a positive count", op)
			}
		case '+':
		default:
			return fmt.Errorf("operation %q (use =N, -N or +text)", op)
		}
	}
	return nil
}

// ApplyOps applies edit operations to old and returns the new text. The
// operations must account for every character of old.
func ApplyOps(old string, ops []string) (string, error) {
	var b strings.Builder
	rest := old
	for _, op := range ops {
		if len(op) < 2 {
			return "", fmt.Errorf("operation %q", op)
		}
		switch op[0] {
		case '+':
			b.WriteString(op[1:])
			continue
		case '=', '-':
		default:
			return "", fmt.Errorf("operation %q", op)
		}
		n, err := strconv.Atoi(op[1:])
		if err != nil || n <= 0 {
			return "", fmt.Errorf("operation %q", op)
		}
		cut, ok := runePrefix(rest, n)
		if !ok {
			return "", fmt.Errorf("operation %q goes past the end of the previous text", op)
		}
		if op[0] == '=' {
			b.WriteString(rest[:cut])
		}
		rest = rest[cut:]
	}
	if rest != "" {
		return "", fmt.Errorf("the operations leave %d characters of the previous text unaccounted for", utf8.RuneCountInString(rest))
	}
	return b.String(), nil
}

// runePrefix returns the byte length of the first n runes of s.
func runePrefix(s string, n int) (int, bool) {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= 0xe4 && c != 0xed && c < 0xf0 && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
			i += 3 // a valid three-byte character (most of Chinese), without decoding it
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i, n == 0
}
