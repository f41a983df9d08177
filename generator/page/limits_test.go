package page

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/stretchr/testify/assert"
)

func TestTOMLDepth(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
	}{
		{"flat", "a = 1\nb = \"x\"\n", 0, 0},
		{"progress tables", "[[progress]]\ndate = 2025-01-01\n[[progress]]\nnote = \"a.b.c.d\"\n", 0, 0},
		{"brackets inside strings do not count", "a = \"[[[[[{{{{\"\nb = '[[[[['\nc = \"\"\"\n[[[[\n\"\"\"\n# [[[[[[\n", 0, 0},
		{"inline tables", "x = {a = {a = {a = {a = 1}}}}\n", 1, 20},
		{"arrays", "x = [[[[1]]]]\n", 1, 8},
		{"dotted key", "a.b.c.d = 1\n", 1, 6},
		{"header", "[a.b.c.d]\nx = 1\n", 1, 7},
		{"multi-line array", "x = [\n  [\n    [\n      [1]\n    ]\n  ]\n]\n", 4, 7},
		{"depth after a string with a bracket", "x = [\"]\", [[[1]]]]\n", 1, 13},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, col, _ := TOMLDepth([]byte(tt.src), 3)
			assert.Equal(t, tt.line, line)
			assert.Equal(t, tt.col, col)
		})
	}
}

func TestMarkdownDepth(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int
	}{
		{"plain", "正文\n\n第二段\n", 0},
		{"three levels", "- a\n  - b\n    - c\n", 0},
		{"four levels", "- a\n  - b\n    - c\n      - d\n", 4},
		{"siblings do not nest", "- a\n- b\n- c\n- d\n- e\n", 0},
		{"outdent closes", "- a\n  - b\n    - c\n- d\n  - e\n    - f\n", 0},
		{"markers on one line", "- - - - x\n", 1},
		{"ordered", "1. a\n   1. b\n      1. c\n         1. d\n", 4},
		{"block quotes", "> > > > x\n", 1},
		{"deep indentation without markers", strings.Repeat(" ", 200) + "x\n", 0},
		{"thematic break of three", "- - -\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, _ := MarkdownDepth([]byte(tt.src), 3)
			assert.Equal(t, tt.line, line)
		})
	}
}

// decodedDepth is the nesting depth of a decoded TOML value.
func decodedDepth(v any) int {
	d := 0
	switch v := v.(type) {
	case map[string]any:
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return d + 1
	case []map[string]any:
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return d + 1
	case []any:
		for _, e := range v {
			d = max(d, decodedDepth(e))
		}
		return d + 1
	}
	return 0
}

// FuzzTOMLDepth checks the scanner never under-counts: whatever TOMLDepth
// lets through decodes to a value nested no deeper than the limit (plus the
// document's own table).
func FuzzTOMLDepth(f *testing.F) {
	for _, s := range []string{"a = 1", "x = {a = {b = 1}}", "a.b.c = 1", "[a.b]\nc = [[1], [2]]", "x = [\"]]\", {a = [1]}]",
		"a = '''\n[[\n'''\nb = [[[1]]]", "\"a.b\".c = {d = 1}", "x = [\n[\n1]]", "[[a.b]]\nc.d = 1"} {
		f.Add(s)
	}
	const limit = 4
	f.Fuzz(func(t *testing.T, src string) {
		if line, _, _ := TOMLDepth([]byte(src), limit); line > 0 {
			return
		}
		var m map[string]any
		if _, err := toml.Decode(src, &m); err != nil {
			return
		}
		if d := decodedDepth(m); d > limit+1 {
			t.Fatalf("TOMLDepth let through a document nested %d deep (limit %d): %q", d, limit, src)
		}
	})
}
