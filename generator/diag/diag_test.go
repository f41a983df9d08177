package diag

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiagnosticString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		d    Diagnostic
		want string
	}{
		{"full", Diagnostic{File: "content/commitments/x.md", Line: 7, Col: 10, Key: "deadline", Message: `"2025-13-01" is not a date (use YYYY-MM-DD)`},
			`content/commitments/x.md:7:10: deadline: "2025-13-01" is not a date (use YYYY-MM-DD)`},
		{"no key", Diagnostic{File: "a.md", Line: 1, Col: 1, Message: "m"}, "a.md:1:1: m"},
		{"no col", Diagnostic{File: "a.md", Line: 3, Key: "k", Message: "m"}, "a.md:3: k: m"},
		{"no line", Diagnostic{File: "a.md", Col: 4, Key: "k", Message: "m"}, "a.md: k: m"},
		{"warning", Diagnostic{File: "a.csv", Line: 2, Col: 3, Key: "统一社会信用代码", Message: "m", Severity: Warning}, "a.csv:2:3: 统一社会信用代码: m (警告 warning)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.d.String())
		})
	}
}

func TestListSortsAndCounts(t *testing.T) {
	t.Parallel()
	var l List
	require.NoError(t, l.Err())
	l.Errorf("b.md", 1, 1, "k", "second file")
	l.Warnf("a.md", 9, 1, "w", "a warning")
	l.Errorf("a.md", 10, 2, "k", "later line")
	l.Errorf("a.md", 10, 1, "k", "earlier column")
	l.Errorf("a.md", 10, 1, "k", "earlier column") // duplicates collapse

	var got []string
	for _, d := range l.All() {
		got = append(got, d.String())
	}
	assert.Equal(t, []string{
		"a.md:9:1: w: a warning (警告 warning)",
		"a.md:10:1: k: earlier column",
		"a.md:10:2: k: later line",
		"b.md:1:1: k: second file",
	}, got)
	assert.Len(t, l.Errors(), 3)
	assert.Len(t, l.Warnings(), 1)
	assert.Equal(t, "3 个错误，1 个警告 (3 errors, 1 warning)", l.Summary())

	err := l.Err()
	require.Error(t, err)
	var d Diagnostic
	require.True(t, errors.As(err, &d))
	assert.Equal(t, "a.md:10:1: k: earlier column\na.md:10:2: k: later line\nb.md:1:1: k: second file", err.Error())
}

func TestStrictPromotesWarnings(t *testing.T) {
	t.Parallel()
	l := List{Strict: true}
	l.Warnf("a.csv", 2, 3, "credit_code", "check character")
	assert.Empty(t, l.Warnings())
	require.Len(t, l.Errors(), 1)
	assert.Equal(t, "a.csv:2:3: credit_code: check character", l.Errors()[0].String())
	require.Error(t, l.Err())

	l.Strict = false
	assert.NoError(t, l.Err())
	assert.Equal(t, "0 个错误，1 个警告 (0 errors, 1 warning)", l.Summary())
}

func TestMergeNil(t *testing.T) {
	t.Parallel()
	var l List
	l.Merge(nil)
	other := &List{}
	other.Errorf("x", 1, 1, "", "m")
	l.Merge(other)
	assert.Equal(t, 1, l.Len())
	var nl *List
	assert.Equal(t, 0, nl.Len())
	assert.Nil(t, nl.All())
}
