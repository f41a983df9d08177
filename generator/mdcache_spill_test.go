//go:build unix

package generator

import (
	"os"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/markdown"
)

// TestSpill: what a spill hands back holds the same bytes as what it was
// given but not the same memory (a mapping of an unlinked file, not the
// heap), batch after batch, and still after the pages are given back.
func TestSpill(t *testing.T) {
	dir := t.TempDir()
	s := newSpill(dir)
	require.NotNil(t, s)
	defer s.close()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "the spill file is unlinked at once")

	for _, tc := range []struct {
		name string
		docs []markdown.Doc
	}{
		{"one document", []markdown.Doc{{HTML: "<p>第一条</p>\n", Text: "第一条"}}},
		{"empty ones among others", []markdown.Doc{{}, {HTML: "<p>a</p>", Text: ""}, {HTML: "", Text: "b"}, {}}},
		{"larger than a page", []markdown.Doc{{HTML: strings.Repeat("<p>公示</p>", 3000), Text: strings.Repeat("公示", 3000)}, {HTML: "x", Text: "y"}}},
		{"nothing at all", []markdown.Doc{{}, {}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := s.put(tc.docs)
			require.Equal(t, tc.docs, got)
			releaseMapped()
			require.Equal(t, tc.docs, got, "pages given back are read again from the file")
			for i, d := range got {
				if d.HTML != "" {
					assert.NotEqual(t, uintptr(unsafe.Pointer(unsafe.StringData(tc.docs[i].HTML))), uintptr(unsafe.Pointer(unsafe.StringData(d.HTML))), "moved out of the heap")
				}
			}
		})
	}
}
