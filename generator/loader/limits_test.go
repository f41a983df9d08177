package loader

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The pathological inputs of issue #16, each refused (or bounded) before the
// expensive parser runs: every case finishes in well under a second here,
// where unbounded they took from 30 s to out of memory.

// nestedList returns n list items, each nested in the previous one.
func nestedList(n int) string {
	var b strings.Builder
	b.WriteString("+++\ntitle = \"嵌套\"\ndate = 2025-01-02\n+++\n")
	for i := 0; i < n; i++ {
		b.WriteString(strings.Repeat("  ", i))
		b.WriteString("- 项\n")
	}
	return b.String()
}

// nestedInlineTables returns front matter whose value nests depth inline
// tables: x = {a = {a = … }}.
func nestedInlineTables(depth int) string {
	return "+++\ntitle = \"深\"\ndate = 2025-01-02\nx = " + strings.Repeat("{a = ", depth) + "1" + strings.Repeat("}", depth) + "\n+++\n"
}

func TestPathologicalInputs(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string // substrings of the error list, in order
	}{
		{name: "2,000 nested list items (4 MB)", files: map[string]string{"content/news/deep.md": nestedList(2000),
			"portal.toml": "title = \"测试\"\n[limits]\nfile_bytes = 8388608\n"},
			want: []string{"content/news/deep.md:37:1: 列表和引用嵌套 33 层，最多读取 32 层", "the lists and block quotes are nested 33 levels deep; at most 32 are read"}},
		{name: "4,000 nested list items (16 MB) are over the file size limit", files: map[string]string{"content/news/deep.md": nestedList(4000)},
			want: []string{"content/news/deep.md: 文件有 16", "the file is 16", "at most 1048576 bytes are read from one file", "[limits] file_bytes"}},
		{name: "nested markers on one line", files: map[string]string{"content/news/deep.md": "+++\ntitle = \"x\"\ndate = 2025-01-02\n+++\n" + strings.Repeat("- ", 40) + "x\n"},
			want: []string{"content/news/deep.md:5:1: 列表和引用嵌套 33 层", "the lists and block quotes are nested 33 levels deep"}},
		{name: "nested block quotes", files: map[string]string{"content/news/deep.md": "+++\ntitle = \"x\"\ndate = 2025-01-02\n+++\n\n" + strings.Repeat(">", 5000) + " x\n"},
			want: []string{"content/news/deep.md:6:1: 列表和引用嵌套 33 层", "the lists and block quotes are nested 33 levels deep"}},
		{name: "inline tables nested 6,000 deep (24 KB)", files: map[string]string{"content/news/deep.md": nestedInlineTables(6000)},
			want: []string{"content/news/deep.md:4:", "the TOML is nested 17 levels deep; at most 16 are read (flatten it, or raise [limits] front_matter_depth in portal.toml)"}},
		{name: "arrays nested 100,000 deep", files: map[string]string{"content/news/deep.md": "+++\ntitle = \"x\"\ndate = 2025-01-02\nx = " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n+++\n"},
			want: []string{"content/news/deep.md:4:", "nested 17 levels deep"}},
		{name: "dotted key 10,000 deep", files: map[string]string{"content/news/deep.md": "+++\ntitle = \"x\"\ndate = 2025-01-02\n" + strings.Repeat("a.", 10000) + "a = 1\n+++\n"},
			want: []string{"content/news/deep.md:4:", "nested 17 levels deep"}},
		{name: "a front matter of 500 KB", files: map[string]string{"content/news/big.md": "+++\ntitle = \"x\"\ndate = 2025-01-02\nsummary = \"\"\"\n" + strings.Repeat("很长的摘要。\n", 26000) + "\"\"\"\n+++\n"},
			want: []string{"content/news/big.md:2:1: 前置设置有 494048 字节", "the front matter is 494048 bytes", "at most 262144 bytes are read"}},
		{name: "a line of 900 KB", files: map[string]string{"content/news/long.md": "+++\ntitle = \"x\"\ndate = 2025-01-02\n+++\n" + strings.Repeat("长", 300000) + "\n"},
			want: []string{"content/news/long.md:5:1: 此行有 900000 字节", "this line is 900000 bytes long; at most 262144 bytes are read in one line"}},
		{name: "a line of 20,000 unclosed links", files: map[string]string{"content/news/links.md": "+++\ntitle = \"x\"\ndate = 2025-01-02\n+++\n\n" + strings.Repeat("[a](", 20000) + "\n"},
			want: []string{"content/news/links.md:6:1: 此行有大量不以空格分隔的链接", "this line holds so many links without spaces between them"}},
		{name: "a deep registry", files: map[string]string{"data/departments.toml": "x = " + strings.Repeat("{a = ", 6000) + "1" + strings.Repeat("}", 6000) + "\n"},
			want: []string{"data/departments.toml:1:", "nested 17 levels deep"}},
		{name: "a deep portal.toml", files: map[string]string{"portal.toml": "x = " + strings.Repeat("[", 6000) + strings.Repeat("]", 6000) + "\n"},
			want: []string{"portal.toml:1:", "nested 17 levels deep"}},
		{name: "a CSV cell of 50 MB", files: map[string]string{"data/disclosures/cell.csv": csvHeader + "x9,某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚," + strings.Repeat("罚", 50<<20/3) + ",2024-03-01,scjg\n"},
			want: []string{"data/disclosures/cell.csv:2:1: 这一行长 52428886 字节", "at most 262144 bytes are read in one line"}},
		{name: "a quoted CSV cell of 2 MB across lines", files: map[string]string{"data/disclosures/cell.csv": csvHeader + "x9,某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,\"" + strings.Repeat("罚款\n", 300000) + "\",2024-03-01,scjg\n"},
			want: []string{"data/disclosures/cell.csv:2:6: title: 这个值长 2100000 字节", "this value is 2100000 bytes long; at most 262144 bytes are read in one cell"}},
		{name: "a JSON value of 1 MB", files: map[string]string{"data/disclosures/v.json": `[{"subject_name": "甲", "doc_number": "临市监罚〔2024〕1号", "category": "行政处罚", "date": "2024-03-01", "department": "scjg", "title": "` + strings.Repeat("罚", 350000) + `"}]`},
			want: []string{"data/disclosures/v.json:1:", "title: 这个值长 1050000 字节", "at most 262144 bytes are read in one cell"}},
		{name: "more rows than rows_per_file", files: map[string]string{
			"portal.toml":               "title = \"测试\"\n[limits]\nrows_per_file = 3\n",
			"data/disclosures/many.csv": csvHeader + strings.Repeat("x9,某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,scjg\n", 10)},
			want: []string{"data/disclosures/many.csv:5:1: 文件超过 3 行，其余各行未读取", "the file has more than 3 rows; the rest is not read"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, dl := Load(site(tt.files), Options{})
			require.Error(t, dl.Err())
			all := dl.Err().Error()
			for _, w := range tt.want {
				assert.True(t, strings.Contains(all, w), "want %q in:\n%.2000s", w, all)
			}
		})
	}
}

// TestMalformedCSVDiagnosticsBounded: a 50 MB CSV of malformed rows keeps
// the first [limits] diagnostics (1,000) and counts the rest, instead of
// holding millions of messages (7.4 GiB before); reading stops at
// rows_per_file (1,000,000).
func TestMalformedCSVDiagnosticsBounded(t *testing.T) {
	row := "x1,某公司,多了,一列,的,行,坏,的,数据\n" // 9 columns against a header of 8
	var b strings.Builder
	b.WriteString(csvHeader)
	for b.Len() < 50<<20 {
		b.WriteString(row)
	}
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	_, dl := Load(site(map[string]string{"data/disclosures/bad.csv": b.String()}), Options{})
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	errs := dl.Errors()
	require.Len(t, errs, 1000)
	assert.Equal(t, "data/disclosures/bad.csv:2:1: 这一行有 9 列，表头有 8 列（检查是否多了或少了逗号，含逗号的值要加英文双引号） (this row has 9 columns, the header has 8 (check for a missing or extra comma, or quote values containing commas))", errs[0].Error())
	more, _ := dl.More()
	// 1,000,000 rows read: 999,000 bad rows unlisted, plus the rows limit.
	assert.Equal(t, 999_001, more)
	text := dl.Err().Error()
	assert.True(t, strings.HasSuffix(text, "… and 999001 more errors not listed: only the first 1000 diagnostics are kept (fix these first, or raise [limits] diagnostics in portal.toml)"), "%.300s", text[max(0, len(text)-300):])
	assert.Contains(t, dl.Summary(), "1000001 个错误")
	t.Logf("%d MiB allocated in all", (after.TotalAlloc-before.TotalAlloc)>>20)
}
