package generator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/outputtest"
)

// TestEarlyPages: a kept pipeline's rebuild puts the page of the record
// just edited into the live version before it publishes the rest (a stage
// before StagePublish sees the new page live and the list still as it
// was); a new page waits for the swap. When the build then fails, the live
// version keeps the early page, and its manifest says so: a new pipeline
// (another process) builds exactly what a clean build makes.
func TestEarlyPages(t *testing.T) {
	dir := t.TempDir()
	news := func(title, body string) string {
		return "+++\ntitle = \"" + title + "\"\ndate = 2025-06-01\ndepartment = \"scjg\"\n+++\n" + body + "\n"
	}
	writeFiles(t, dir, map[string]string{
		"portal.toml":           "title = \"测试\"\nbase_url = \"https://xyxx.example.gov.cn/\"\n",
		"data/departments.toml": nationalRegistry,
		"content/news/a.md":     news("第一条", "正文甲一"),
		"content/news/b.md":     news("第二条", "正文乙"),
	})
	live := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, "public", name))
		if errors.Is(err, os.ErrNotExist) {
			return ""
		}
		require.NoError(t, err)
		return string(b)
	}
	type seen struct{ page, list, added string }
	var before seen // what the live version held right before StagePublish
	var fail error
	p := New(Options{SiteDir: dir, Now: date("2025-07-01")}).Before(StagePublish, Stage{Name: "look", Run: func(context.Context, *Result) error {
		before = seen{live("news/a/index.html"), live("news/index.html"), live("news/c/index.html")}
		return fail
	}})
	_, err := p.Run(context.Background())
	require.NoError(t, err)
	assert.Empty(t, before.page+before.list+before.added, "the first build shows nothing early")

	tests := []struct {
		name  string
		files map[string]string
		fail  bool
		// Before the swap: the page of a holds page; the list holds list
		// and not notYet; the new page c is there or not (added).
		page, list, notYet string
		added              bool
		after              string // the list after the run
	}{
		{"an edited title and body", map[string]string{"content/news/a.md": news("改过的标题", "正文甲二")}, false,
			"正文甲二", "第一条", "改过的标题", false, "改过的标题"},
		{"an added page waits for the swap", map[string]string{"content/news/c.md": news("第三条", "正文丙")}, false,
			"正文甲二", "改过的标题", "第三条", false, "第三条"},
		{"a failed build keeps the early page", map[string]string{"content/news/a.md": news("又改的标题", "正文甲三")}, true,
			"正文甲三", "改过的标题", "又改的标题", true, "改过的标题"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFiles(t, dir, tt.files)
			fail = nil
			if tt.fail {
				fail = errors.New("a stage failed")
			}
			_, err := p.Run(context.Background())
			if tt.fail {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			assert.Contains(t, before.page, tt.page, "the edited page is live before the swap")
			assert.Contains(t, before.list, tt.list)
			assert.NotContains(t, before.list, tt.notYet, "the list changes with the swap")
			assert.Equal(t, tt.added, before.added != "")
			assert.Contains(t, live("news/a/index.html"), tt.page)
			assert.Contains(t, live("news/index.html"), tt.after)
		})
	}

	// Another process's build trusts the live version's manifest, which
	// must say what the early page made of the folder: with the edit taken
	// back, the page's inputs are what they were before it, and a manifest
	// that still said so would keep the early page as the page.
	writeFiles(t, dir, map[string]string{"content/news/a.md": news("改过的标题", "正文甲二")})
	res, err := New(Options{SiteDir: dir, Now: date("2025-07-01")}).Run(context.Background())
	require.NoError(t, err)
	assert.Less(t, res.Rendered, res.Pages/2, "the live version's manifest was saved again, not lost")
	assert.Contains(t, live("news/a/index.html"), "正文甲二")
	clean := t.TempDir()
	for _, f := range []string{"portal.toml", "data/departments.toml", "content/news/a.md", "content/news/b.md", "content/news/c.md"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		writeFiles(t, clean, map[string]string{f: string(b)})
	}
	_, err = New(Options{SiteDir: clean, Now: date("2025-07-01")}).Run(context.Background())
	require.NoError(t, err)
	outputtest.Same(t, "after a failed build with an early page, a new pipeline's build against a clean one", filepath.Join(clean, "public"), filepath.Join(dir, "public"))
}
