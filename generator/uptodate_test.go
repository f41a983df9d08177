package generator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

// TestSkipUnchanged: a run with Options.SkipUnchanged does nothing when no
// input changed since the last run that published, and builds after any
// change of a file, the date, an option, an added stage's inputs or the
// output.
func TestSkipUnchanged(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"portal.toml":           "title = \"测试\"\nbase_url = \"https://xyxx.example.gov.cn/\"\n",
		"data/departments.toml": nationalRegistry,
		"content/news/a.md":     "+++\ntitle = \"第一条\"\ndate = 2025-06-01\ndepartment = \"scjg\"\n+++\n正文A\n",
	})
	now := date("2025-07-01")
	external := "1"
	pipeline := func(extra ...Stage) *Pipeline {
		p := New(Options{SiteDir: dir, Now: now, SkipUnchanged: true})
		for _, s := range extra {
			p.After(StageDerive, s)
		}
		return p
	}
	store := Stage{Name: "store", Run: func(context.Context, *Result) error { return nil },
		Inputs: func(context.Context, string, model.Config) ([]byte, error) { return []byte(external), nil }}
	run := func(extra ...Stage) *Result {
		t.Helper()
		r, err := pipeline(extra...).Run(context.Background())
		require.NoError(t, err)
		return r
	}

	first := run(store)
	require.False(t, first.Unchanged)
	again := run(store)
	require.True(t, again.Unchanged, "nothing changed")
	assert.Equal(t, first.Version, again.Version, "the same version stays published")
	assert.Equal(t, first.Pages, again.Pages)
	assert.Equal(t, []string{StageUnchanged}, []string{again.Stages[0].Name})

	changes := []struct {
		name   string
		change func()
	}{
		{"a file's bytes, same size and time", func() {
			p := filepath.Join(dir, "content/news/a.md")
			st, err := os.Stat(p)
			require.NoError(t, err)
			b, _ := os.ReadFile(p)
			b[len(b)-2] = 'B'
			require.NoError(t, os.WriteFile(p, b, 0o644))
			require.NoError(t, os.Chtimes(p, st.ModTime(), st.ModTime()))
		}},
		{"a new file", func() {
			writeFiles(t, dir, map[string]string{"content/news/b.md": "+++\ntitle = \"第二条\"\ndate = 2025-06-02\ndepartment = \"scjg\"\n+++\n正文。\n"})
		}},
		{"a removed file", func() { require.NoError(t, os.Remove(filepath.Join(dir, "content/news/b.md"))) }},
		{"a touched file", func() {
			later := time.Now().Add(time.Hour)
			require.NoError(t, os.Chtimes(filepath.Join(dir, "portal.toml"), later, later))
		}},
		{"a theme override", func() {
			writeFiles(t, dir, map[string]string{"themes/default/layouts/partials/footer.html": "<footer>页脚</footer>"})
		}},
		{"the next day", func() { now = now.AddDate(0, 0, 1) }},
		{"a stage's inputs", func() { external = "2" }},
		{"the output removed", func() {
			require.NoError(t, os.Remove(filepath.Join(dir, "public")))
		}},
	}
	for _, c := range changes {
		c.change()
		r := run(store)
		assert.False(t, r.Unchanged, "%s: must build", c.name)
		assert.True(t, run(store).Unchanged, "%s: then nothing changed", c.name)
	}
	assert.Contains(t, readOut(t, filepath.Join(dir, "public"), "news/a/index.html"), "正文B")

	t.Run("never skipped", func(t *testing.T) {
		opaque := Stage{Name: "opaque", Run: func(context.Context, *Result) error { return nil }}
		run(opaque)
		assert.False(t, run(opaque).Unchanged, "an added stage that cannot say what it reads")

		failing := store
		failing.Inputs = func(context.Context, string, model.Config) ([]byte, error) { return nil, errors.New("unknown") }
		run(failing)
		assert.False(t, run(failing).Unchanged, "a stage whose inputs cannot be read")

		run(store)
		require.True(t, run(store).Unchanged)
		require.NoError(t, os.Symlink(filepath.Join(dir, "content/news/a.md"), filepath.Join(dir, "content/news/link.md")))
		defer os.Remove(filepath.Join(dir, "content/news/link.md"))
		r, err := pipeline(store).Run(context.Background())
		if err == nil {
			assert.False(t, r.Unchanged, "a site with a symbolic link")
		}
	})

	t.Run("a failed run forgets the record", func(t *testing.T) {
		run(store)
		require.True(t, run(store).Unchanged)
		writeFiles(t, dir, map[string]string{"content/news/c.md": "+++\ntitle = \"第三条\"\n+++\n"}) // no date: an error
		_, err := pipeline(store).Run(context.Background())
		require.Error(t, err)
		require.NoError(t, os.Remove(filepath.Join(dir, "content/news/c.md")))
		// The files are as the recorded run had them, but the record is
		// gone: this run builds (and publishes the same site).
		assert.False(t, run(store).Unchanged)
	})
}
