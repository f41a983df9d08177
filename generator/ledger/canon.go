package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"portal/generator/model"
)

// Version is the canonical form of one published version of a record: its
// kind, id and the value of each field of Schema(Kind), in that order. An
// empty value means the field is not set.
type Version struct {
	Kind   model.Kind
	ID     string
	Values []string
}

// Key names a record in the log: kind/id, e.g. commitments/e01.
func Key(kind model.Kind, id string) string { return string(kind) + "/" + id }

// Key returns the record's key.
func (v Version) Key() string { return Key(v.Kind, v.ID) }

// Get returns the value of the field named name ("" when unset or unknown).
func (v Version) Get(name string) string {
	i, ok := fieldIndex[v.Kind][name]
	if !ok || i >= len(v.Values) {
		return ""
	}
	return v.Values[i]
}

// set sets the value of the field named name.
func (v *Version) set(name, value string) {
	if i, ok := fieldIndex[v.Kind][name]; ok {
		v.Values[i] = value
	}
}

// newVersion returns an empty version of kind.
func newVersion(kind model.Kind, id string) Version {
	return Version{Kind: kind, ID: id, Values: make([]string, len(schemas[kind]))}
}

// Bytes is the canonical encoding that Hash covers:
//
//	portal-ledger-version 1
//	kind<TAB>commitments
//	id<TAB>e01
//	<field><TAB><value>        one line per set field, in Schema order
//
// In values a backslash is written \\, a newline \n and a tab \t.
func (v Version) Bytes() []byte {
	var b strings.Builder
	v.write(&b)
	return []byte(b.String())
}

type stringWriter interface {
	WriteString(string) (int, error)
}

func (v Version) write(w stringWriter) {
	w.WriteString("portal-ledger-version 1\nkind\t")
	w.WriteString(string(v.Kind))
	w.WriteString("\nid\t")
	writeEscaped(w, v.ID)
	w.WriteString("\n")
	for i, f := range schemas[v.Kind] {
		if i >= len(v.Values) || v.Values[i] == "" {
			continue
		}
		w.WriteString(f.Name)
		w.WriteString("\t")
		writeEscaped(w, v.Values[i])
		w.WriteString("\n")
	}
}

func writeEscaped(w stringWriter, s string) {
	// The next of each escaped byte, found by IndexByte (vectorised) and
	// looked for again only once passed: bodies are long and have many
	// newlines, few backslashes and tabs.
	next := func(c byte, from int) int {
		if i := strings.IndexByte(s[from:], c); i >= 0 {
			return from + i
		}
		return len(s)
	}
	bs, nl, tab := next('\\', 0), next('\n', 0), next('\t', 0)
	start := 0
	for {
		i := min(bs, nl, tab)
		if i == len(s) {
			break
		}
		w.WriteString(s[start:i])
		switch s[i] {
		case '\\':
			w.WriteString(`\\`)
			bs = next('\\', i+1)
		case '\n':
			w.WriteString(`\n`)
			nl = next('\n', i+1)
		default:
			w.WriteString(`\t`)
			tab = next('\t', i+1)
		}
		start = i + 1
	}
	w.WriteString(s[start:])
}

// hashWriter adapts a hash to WriteString without copying through []byte
// conversions the compiler cannot elide.
type hashWriter struct{ h hash.Hash }

func (w hashWriter) WriteString(s string) (int, error) {
	return w.h.Write(unsafeBytes(s))
}

// Hash is the version's content hash: lower-case hex SHA-256 of Bytes.
func (v Version) Hash() string {
	h := sha256.New()
	v.write(hashWriter{h})
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}

// Equal reports whether two versions have the same fields.
func (v Version) Equal(o Version) bool {
	return v.Kind == o.Kind && v.ID == o.ID && slices.Equal(v.Values, o.Values)
}

// Clone returns a copy that shares no slice with v.
func (v Version) Clone() Version {
	return Version{Kind: v.Kind, ID: v.ID, Values: slices.Clone(v.Values)}
}

// ShortHash is the form pages show: sha256: and the first 12 hex digits.
func ShortHash(h string) string {
	if len(h) > 12 {
		h = h[:12]
	}
	return "sha256:" + h
}

// Of returns the canonical form of one record: rec is a *model.Commitment,
// *model.Disclosure, *model.Record, *model.Policy, *model.Case or
// *model.News, and bodyHTML its body as the site renders it (the form keeps
// the text a reader sees, so Markdown that renders the same is the same).
func Of(rec any, bodyHTML string) (Version, error) {
	var v Version
	var c *model.Common
	switch r := rec.(type) {
	case *model.Commitment:
		c = &r.Common
		v = newVersion(model.KindCommitment, c.ID)
		v.set("department", r.Department)
		v.set("partners", refs(r.Partners))
		v.set("partners_note", NormText(r.PartnersNote))
		v.set("category", NormText(r.Category))
		v.set("deadline", day(r.Deadline))
		v.set("status", string(r.Status))
		v.set("source", NormText(r.SourceDoc))
		if r.Measure != 0 {
			v.set("measure", strconv.Itoa(r.Measure))
		}
		v.set("progress", progress(r.Progress))
	case *model.Disclosure:
		c = &r.Common
		v = newVersion(model.KindDisclosure, c.ID)
		for name, val := range map[string]string{
			"subject_name": r.SubjectName, "subject_type": r.SubjectType, "credit_code": r.CreditCode,
			"registration_number": r.RegistrationNumber, "org_code": r.OrgCode, "tax_number": r.TaxNumber,
			"institution_code": r.InstitutionCode, "social_org_code": r.SocialOrgCode, "legal_rep": r.LegalRep,
			"doc_name": r.DocName, "doc_number": r.DocNumber, "category": r.Category, "licence_kind": r.LicenceKind,
			"licence_name": r.LicenceName, "licence_number": r.LicenceNumber, "content": r.Content,
			"violation_type": r.ViolationType, "violation_facts": r.ViolationFacts, "legal_basis": r.LegalBasis,
			"penalty_kind": r.PenaltyKind, "fine": r.FineAmount.String(), "confiscated": r.Confiscated.String(),
			"suspended_licence": r.SuspendedLicence, "department_code": r.DepartmentCode, "status": r.Status,
			"data_source": r.DataSource, "data_source_code": r.DataSourceCode, "severity": r.Severity,
			"remarks": r.Remarks, "withdrawn_note": r.WithdrawnNote,
		} {
			v.set(name, NormText(val))
		}
		v.set("valid_from", day(r.ValidFrom))
		v.set("valid_until", day(r.ValidUntil))
		v.set("penalty_until", day(r.PenaltyUntil))
		v.set("published", day(r.Published))
		v.set("publicity_until", day(r.PublicityUntil))
		v.set("department", r.Department)
		v.set("withdrawn", boolean(r.Withdrawn))
	case *model.Record:
		c = &r.Common
		v = newVersion(model.KindRecord, c.ID)
		v.set("department", r.Department)
		v.set("record_type", NormText(r.RecordType))
		v.set("basis", NormText(r.Basis))
		v.set("doc_number", NormText(r.DocNumber))
		v.set("status", NormText(r.Status))
		v.set("rectified_date", day(r.RectifiedDate))
		v.set("publicity_until", day(r.PublicityUntil))
		v.set("withdrawn", boolean(r.Withdrawn))
		v.set("withdrawn_note", NormText(r.WithdrawnNote))
	case *model.Policy:
		c = &r.Common
		v = newVersion(model.KindPolicy, c.ID)
		v.set("index_number", NormText(r.IndexNumber))
		v.set("publisher", NormText(r.Publisher))
		v.set("departments", refs(r.Departments))
		v.set("written_date", day(r.WrittenDate))
		v.set("doc_number", NormText(r.DocNumber))
		v.set("topic", NormText(r.Topic))
		v.set("validity", NormText(r.Validity))
		v.set("validity_note", NormText(r.ValidityNote))
	case *model.Case:
		c = &r.Common
		v = newVersion(model.KindCase, c.ID)
		v.set("case_type", NormText(r.CaseType))
		v.set("source", NormText(r.SourceDoc))
		v.set("departments", refs(r.Departments))
	case *model.News:
		c = &r.Common
		v = newVersion(model.KindNews, c.ID)
		v.set("source_name", NormText(r.SourceName))
		v.set("source_url", strings.TrimSpace(r.SourceURL))
		v.set("departments", refs(r.Departments))
	default:
		return Version{}, fmt.Errorf("ledger: %T is not a record kind", rec)
	}
	if c.ID == "" {
		return Version{}, fmt.Errorf("ledger: %s record without id", v.Kind)
	}
	v.set("title", NormText(c.Title))
	v.set("date", day(c.Date))
	v.set("summary", NormText(c.Summary))
	v.set("body", VisibleText(bodyHTML, true))
	v.set("tags", tags(c.Tags))
	v.set("example", boolean(c.Example))
	return v, nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func boolean(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// refs keeps the order of ids (lead and partners are listed as the document
// lists them) and drops repeats and blanks.
func refs(ids []string) string {
	var out []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return strings.Join(out, "\n")
}

// tags are a set: their order is presentation, not content.
func tags(ts []string) string {
	var out []string
	for _, t := range ts {
		t = oneLine(t)
		if t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), "\n")
}

func progress(ps []model.Progress) string {
	lines := make([]string, 0, len(ps))
	for _, p := range ps {
		lines = append(lines, day(p.Date)+"\t"+string(p.Status)+"\t"+oneLine(p.Note)+"\t"+oneLine(p.Evidence))
	}
	return strings.Join(lines, "\n")
}

// oneLine is NormText with its lines joined by a space.
func oneLine(s string) string { return strings.ReplaceAll(NormText(s), "\n", " ") }

// NormText normalises text so that only what a reader sees counts: invalid
// UTF-8 becomes U+FFFD, every run of white space (ideographic spaces and
// line breaks in a line included) becomes one space, lines are trimmed and
// empty lines dropped. The result has no tab, no \r and no blank line.
func NormText(s string) string {
	if s == "" {
		return ""
	}
	if isNormal(s) {
		return s
	}
	b, ok := normAppend(make([]byte, 0, len(s)), s)
	if !ok {
		// Invalid UTF-8 (rare): each run of bad bytes is one U+FFFD, a
		// visible character.
		b, _ = normAppend(nil, strings.ToValidUTF8(s, "\uFFFD"))
	}
	return unsafeString(b) // b is not used again
}

// normInPlace is NormText of b written over b, which it spoils: the result
// is never longer (each run of white space becomes at most one byte), so
// each byte is written at or before where it was read. ok is false when b
// is not valid UTF-8.
func normInPlace(b []byte) (string, bool) {
	out, ok := normAppend(b[:0], unsafeString(b))
	return unsafeString(out), ok
}

// normAppend appends NormText of s to dst; ok is false, and dst partly
// written, when s is not valid UTF-8.
func normAppend(dst []byte, s string) ([]byte, bool) {
	b := dst
	start := len(b)
	pendingSpace, pendingLine := false, false
	for i := 0; i < len(s); {
		// A run of visible characters is copied whole.
		j := i
		for j < len(s) {
			size := visibleAt(s, j)
			if size == 0 {
				break
			}
			j += size
		}
		if j > i {
			if pendingLine {
				b = append(b, '\n')
			} else if pendingSpace {
				b = append(b, ' ')
			}
			pendingSpace, pendingLine = false, false
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return b, false
		}
		switch {
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			if len(b) > start {
				pendingLine = true
			}
			pendingSpace = false
		default: // a space or a control character
			if len(b) > start && !pendingLine {
				pendingSpace = true
			}
		}
		i += size
	}
	return b, true
}

// visibleAt returns the length of the character at s[i] when it is valid
// UTF-8 and visible — neither a space, a line break nor a control
// character — and 0 when it is not.
func visibleAt(s string, i int) int {
	c := s[i]
	switch {
	case c < utf8.RuneSelf:
		if c > ' ' && c != 0x7f {
			return 1
		}
		return 0
	case c >= 0xe4 && c != 0xed && c < 0xf0:
		// Most of Chinese text (U+4000–U+FFFF but the surrogates' lead
		// byte): valid when both continuation bytes are, never a space.
		if i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
			return 3
		}
		return 0
	}
	r, size := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && size == 1:
		return 0
	case c == 0xc2 || c == 0xe1 || c == 0xe2 || c == 0xe3:
		// The only lead bytes of spaces and controls beyond ASCII
		// (U+0080–U+00BF, U+1680, U+2000–U+206F, U+3000).
		if unicode.IsSpace(r) || unicode.Is(unicode.Cc, r) || r == 0x2028 || r == 0x2029 {
			return 0
		}
	}
	return size
}

// isNormal reports whether s is already what NormText returns, so the
// common case (a value already normal) costs no copy.
func isNormal(s string) bool {
	if s == "" {
		return true
	}
	boundary := true // at the start, or after a space or a line break
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			size := visibleAt(s, i) // invalid, a space or a control: 0
			if size == 0 {
				return false
			}
			i += size
			boundary = false
			continue
		}
		i++
		switch {
		case c == '\n' || c == ' ':
			if boundary {
				return false
			}
			boundary = true
		case c < 0x20 || c == 0x7f:
			return false
		default:
			boundary = false
		}
	}
	return !boundary
}

// unsafeBytes views s as bytes for a hash, which only reads them.
func unsafeBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// unsafeString views b as a string without copying; b must never change
// afterwards.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
