package dataset

import (
	"reflect"
	"strings"

	"portal/generator/model"
)

// Compactor keeps a data file's disclosures small in memory: every string
// field of a disclosure gets its own copy of its bytes (a CSV reader's
// values are slices of one string per row, so keeping any value kept the
// whole row, ignored columns and ID numbers included), and the values a
// file repeats row after row (the deciding body, the category, the legal
// basis, the source file, the 公示期 text…) share one copy. A 100,000-row
// file's strings shrink from about 55 MB to a fifth of that.
//
// Each field keeps its own table of values seen; a field whose values
// turn out to be nearly all different (names, codes, 文号) stops being
// tabled, so the tables stay small. One Compactor serves one file (or one
// cached file's records); it is not safe for concurrent use.
type Compactor struct {
	fields []fieldTable // by index into disclosureStrings
}

// fieldTable is one string field's table of values seen.
type fieldTable struct {
	seen    map[string]string
	lookups int
	hits    int
	off     bool // values are nearly all different: copy, do not table
}

// Tabling stops for a field once it holds compactTableMin values and fewer
// than half of its lookups found a value already seen.
const compactTableMin = 2048

// disclosureStrings are the index paths of every exported string field of
// model.Disclosure, nested structs (Common, Source, the Amounts) included.
var disclosureStrings = stringFields(reflect.TypeFor[model.Disclosure](), nil)

func stringFields(t reflect.Type, prefix []int) [][]int {
	var out [][]int
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		path := append(append([]int(nil), prefix...), i)
		switch f.Type.Kind() {
		case reflect.String:
			out = append(out, path)
		case reflect.Struct:
			out = append(out, stringFields(f.Type, path)...)
		}
	}
	return out
}

// NewCompactor returns a Compactor for one file's disclosures.
func NewCompactor() *Compactor {
	return &Compactor{fields: make([]fieldTable, len(disclosureStrings))}
}

// Disclosure rewrites every string field of d to a compact copy.
func (c *Compactor) Disclosure(d *model.Disclosure) {
	v := reflect.ValueOf(d).Elem()
	for i, path := range disclosureStrings {
		f := v.FieldByIndex(path)
		if s := f.String(); s != "" {
			f.SetString(c.fields[i].keep(s))
		}
	}
}

// keep returns the table's copy of s, or a new copy of s (tabled unless
// the field is off).
func (t *fieldTable) keep(s string) string {
	if t.off {
		return strings.Clone(s)
	}
	t.lookups++
	if c, ok := t.seen[s]; ok {
		t.hits++
		return c
	}
	c := strings.Clone(s)
	if t.seen == nil {
		t.seen = map[string]string{}
	}
	t.seen[c] = c
	if len(t.seen) >= compactTableMin && t.hits*2 < t.lookups {
		t.seen, t.off = nil, true
	}
	return c
}
