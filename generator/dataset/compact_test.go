package dataset

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/diag"
	"portal/generator/model"
)

// inside reports whether s's bytes lie within row's.
func inside(s, row string) bool {
	if s == "" || row == "" {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(row)))
	return p >= lo && p < lo+uintptr(len(row))
}

// rowDisclosure returns a disclosure whose every string field is a slice of
// one row string, as a CSV reader's values are: field i holds "v<i>-<n>".
func rowDisclosure(n int) (*model.Disclosure, string) {
	var b strings.Builder
	for i := range disclosureStrings {
		fmt.Fprintf(&b, "v%d-%d,", i, n)
	}
	row := b.String()
	d := &model.Disclosure{}
	v := reflect.ValueOf(d).Elem()
	off := 0
	for i, path := range disclosureStrings {
		s := fmt.Sprintf("v%d-%d", i, n)
		v.FieldByIndex(path).SetString(row[off : off+len(s)])
		off += len(s) + 1
	}
	return d, row
}

func TestCompactorCopiesEveryStringField(t *testing.T) {
	t.Parallel()
	// The reflection finds the nested ones too: Common's, Source's, the
	// Amounts' units.
	names := map[string]bool{}
	for _, path := range disclosureStrings {
		names[reflect.TypeFor[model.Disclosure]().FieldByIndex(path).Name] = true
	}
	for _, n := range []string{"ID", "Title", "File", "Sheet", "Unit", "SubjectName", "PublicityBasis", "Remarks", "UnpublishedReason"} {
		assert.True(t, names[n], "field %s is compacted", n)
	}

	c := NewCompactor()
	d, row := rowDisclosure(1)
	want := *d
	c.Disclosure(d)
	assert.Equal(t, want, *d, "values unchanged")
	v := reflect.ValueOf(d).Elem()
	for _, path := range disclosureStrings {
		s := v.FieldByIndex(path).String()
		assert.False(t, inside(s, row), "%s still points into the row", reflect.TypeFor[model.Disclosure]().FieldByIndex(path).Name)
	}
}

func TestCompactorSharesRepeatedValues(t *testing.T) {
	t.Parallel()
	c := NewCompactor()
	const rows = 3 * compactTableMin
	var dept, name []string
	for i := range rows {
		row := fmt.Sprintf("临沂市市场监督管理局,某某公司%d", i)
		d := &model.Disclosure{Department: row[:len("临沂市市场监督管理局")], SubjectName: row[len("临沂市市场监督管理局")+1:]}
		c.Disclosure(d)
		require.False(t, inside(d.Department, row))
		require.False(t, inside(d.SubjectName, row))
		dept, name = append(dept, d.Department), append(name, d.SubjectName)
	}
	for i := range rows {
		assert.Equal(t, unsafe.StringData(dept[0]), unsafe.StringData(dept[i]), "row %d shares the department's copy", i)
		assert.Equal(t, fmt.Sprintf("某某公司%d", i), name[i])
	}
	// Names all differ: that field stopped keeping a table, the
	// department's did not.
	idx := func(field string) int {
		f, _ := reflect.TypeFor[model.Disclosure]().FieldByName(field)
		for i, p := range disclosureStrings {
			if reflect.DeepEqual(p, f.Index) {
				return i
			}
		}
		t.Fatalf("no field %s", field)
		return -1
	}
	assert.True(t, c.fields[idx("SubjectName")].off)
	assert.Nil(t, c.fields[idx("SubjectName")].seen)
	assert.False(t, c.fields[idx("Department")].off)
	assert.Len(t, c.fields[idx("Department")].seen, 1)
}

// TestRowsKeepNoRow checks that a row's record holds no slice of the row
// the reader gave (a CSV reader's values are slices of one string per
// row): a kept value would keep the whole row, ID numbers included, in
// memory for as long as the site.
func TestRowsKeepNoRow(t *testing.T) {
	t.Parallel()
	vals := []struct{ key, val string }{
		{"subject_name", "张三"}, {"doc_number", "临市监罚〔2024〕1号"}, {"category", "行政处罚"}, {"date", "2024-04-01"},
		{"department", "市场监管局"}, {"id_number", "370102199003071238"}, {"content", "罚款"}, {"legal_rep", "张三"},
	}
	var row strings.Builder
	for _, v := range vals {
		row.WriteString(v.val)
	}
	text := row.String()
	dl := &diag.List{}
	b := &rowBuilder{w: where{file: "p.csv"}, opts: opts, dl: dl}
	b.start(2, 1)
	off := 0
	for i, v := range vals {
		b.set(v.key, cell{name: v.key, val: text[off : off+len(v.val)], line: 2, col: i + 1})
		off += len(v.val)
	}
	p := b.build("")
	require.NotNil(t, p)
	require.NoError(t, dl.Err())
	assert.Equal(t, "张*", p.Disclosure.SubjectName)
	assert.Equal(t, "临市监罚〔2024〕1号", p.Disclosure.DocNumber)
	v := reflect.ValueOf(p.Disclosure).Elem()
	for _, path := range disclosureStrings {
		s := v.FieldByIndex(path).String()
		assert.False(t, inside(s, text), "%q points into the row", s)
	}
	require.Len(t, p.Refs, 1)
	assert.Equal(t, "市场监管局", p.Refs[0].Name)
	assert.False(t, inside(p.Refs[0].Name, text), "the body's name points into the row")
}

// TestReadCSVSharesValues checks that a value repeated down a file is
// kept once.
func TestReadCSVSharesValues(t *testing.T) {
	t.Parallel()
	data := []byte("subject_name,统一社会信用代码,决定文书号,类别,date,决定机关\n" +
		"某甲公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,2024-04-01,市场监管局\n" +
		"某乙公司,91350100M000100Y43,临市监罚〔2024〕2号,行政处罚,2024-04-02,市场监管局\n")
	pages := ReadCSV("p.csv", data, opts, &diag.List{})
	require.Len(t, pages, 2)
	a, b := pages[0].Disclosure, pages[1].Disclosure
	assert.Equal(t, unsafe.StringData(a.Category), unsafe.StringData(b.Category), "the category")
	assert.Equal(t, unsafe.StringData(a.CreditCode), unsafe.StringData(b.CreditCode), "the credit code")
	assert.Equal(t, unsafe.StringData(a.PublicityBasis), unsafe.StringData(b.PublicityBasis), "the 公示期 text")
	assert.Equal(t, unsafe.StringData(pages[0].Refs[0].Name), unsafe.StringData(pages[1].Refs[0].Name), "the body's name")
	assert.NotEqual(t, a.SubjectName, b.SubjectName)
}
