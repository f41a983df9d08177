package generator

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/fingerprint"
	"portal/generator/outputtest"
)

// TestNoText: a run with Options.NoText writes what a run without it
// writes (summaries included) with entries that carry no text, having
// joined only the beginning of each long body's text; a run after it in
// the same folder (which finds those documents in the Markdown store)
// gives every entry its whole text again.
func TestNoText(t *testing.T) {
	long := strings.Repeat("推进政务诚信建设，完善守信激励和失信惩戒机制。\n", 40)
	news := func(title, body string) string {
		return "+++\ntitle = \"" + title + "\"\ndate = 2025-06-01\ndepartment = \"scjg\"\n+++\n" + body + "\n"
	}
	files := map[string]string{
		"portal.toml":           "title = \"测试\"\nbase_url = \"https://xyxx.example.gov.cn/\"\n",
		"data/departments.toml": nationalRegistry,
		"content/news/a.md":     news("第一条", long),
		"content/news/b.md":     news("第二条", "## 标题\n\n短正文。"),
		"content/news/c.md":     news("第三条", "## 一、总体要求\n\n"+long+"\n- 甲\n- 乙\n"),
		"content/news/d.md":     news("第四条", ""),
	}
	now := date("2025-07-01")
	clean := t.TempDir()
	writeFiles(t, clean, files)
	want := filepath.Join(t.TempDir(), "public")
	full, err := Build(t.Context(), Options{SiteDir: clean, OutDir: want, Now: now})
	require.NoError(t, err)
	require.Len(t, full.Entries, 4)

	dir := t.TempDir()
	writeFiles(t, dir, files)
	got := filepath.Join(t.TempDir(), "public")
	p := New(Options{SiteDir: dir, OutDir: got, Now: now, NoText: true})
	res, err := p.Run(t.Context())
	require.NoError(t, err)
	outputtest.Same(t, "a run with NoText against one without", want, got)
	require.Len(t, res.Entries, len(full.Entries))
	for i, e := range res.Entries {
		assert.Empty(t, e.Text, e.Path)
		assert.Equal(t, full.Entries[i].Summary, e.Summary, e.Path)
		if !strings.HasSuffix(e.Path, "/d/") {
			assert.NotEmpty(t, full.Entries[i].Text, e.Path)
		}
	}
	body := long + "\n" // as the file's body
	lead, ok := p.cache.prev[leadKey(fingerprint.String(body))]
	require.True(t, ok, "a's document is kept under its lead key")
	assert.Less(t, len(lead.Text), len(full.Entries[0].Text)/4, "only the beginning of a's text was joined")
	_, ok = p.cache.prev[fingerprint.String(body)]
	assert.False(t, ok, "no document with a beginning only under the source's key")

	// A new pipeline (another process) in the same folder, without NoText.
	again := filepath.Join(t.TempDir(), "public")
	res, err = New(Options{SiteDir: dir, OutDir: again, Now: now}).Run(t.Context())
	require.NoError(t, err)
	outputtest.Same(t, "a run after a NoText one against a clean one", want, again)
	require.Len(t, res.Entries, len(full.Entries))
	for i, e := range res.Entries {
		assert.Equal(t, full.Entries[i].Text, e.Text, e.Path)
	}
	// And a NoText run after it finds the whole documents.
	res, err = New(Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "public"), Now: now, NoText: true}).Run(t.Context())
	require.NoError(t, err)
	for i, e := range res.Entries {
		assert.Empty(t, e.Text)
		assert.Equal(t, full.Entries[i].Summary, e.Summary, e.Path)
	}
}
