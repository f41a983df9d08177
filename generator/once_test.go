package generator

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
	"portal/generator/outputtest"
)

// TestOnce: a pipeline that runs once writes the same site as one that
// runs again, then holds no rendered HTML and no Markdown source for the
// stages after publish (the entries keep their text), and refuses a
// second run.
func TestOnce(t *testing.T) {
	now := fday(2026, 11, 1)
	want := filepath.Join(t.TempDir(), "public")
	kept, err := Build(t.Context(), Options{SiteDir: "..", OutDir: want, Now: now})
	require.NoError(t, err)

	got := filepath.Join(t.TempDir(), "public")
	var atIndex []model.Entry // what a stage after publish sees
	p := New(Options{SiteDir: "..", OutDir: got, Now: now, Once: true}).After(StagePublish, Stage{Name: "look", Run: func(_ context.Context, r *Result) error {
		atIndex = r.Entries
		return nil
	}})
	res, err := p.Run(t.Context())
	require.NoError(t, err)
	outputtest.Same(t, "a build with Once against one without", want, got)

	require.Len(t, atIndex, len(kept.Entries))
	for i, e := range atIndex {
		assert.Empty(t, e.HTML, e.Path)
		assert.Equal(t, kept.Entries[i].Text, e.Text, "the index reads the text: %s", e.Path)
	}
	require.NotEmpty(t, kept.Site.News)
	assert.NotEmpty(t, kept.Site.News[0].Body, "without Once the model is whole")
	for _, n := range res.Site.News {
		assert.Empty(t, n.Body, n.ID)
	}
	assert.NotEmpty(t, kept.Entries[0].HTML)

	_, err = p.Run(t.Context())
	assert.Error(t, err, "a pipeline with Once runs once")
}

// TestOnceBatches: a pipeline's only run renders the Markdown in batches
// and moves each batch out of the heap (cache.spillBatch), dropping the
// records' sources as it goes unless a later reader may want them (a
// site's own theme); the Markdown moves once what was rendered passes an
// eighth of the soft memory limit (from the start without one), the
// sources go either way. The site it writes and
// the text the index reads do not depend on the batch size, on whether
// the state folder held the rendered Markdown already, on when the spill
// starts, or on the sources being dropped.
func TestOnceBatches(t *testing.T) {
	now := fday(2026, 11, 1)
	site := t.TempDir() // the shipped site without its themes/ folder
	for _, name := range []string{"content", "data"} {
		require.NoError(t, os.CopyFS(filepath.Join(site, name), os.DirFS(filepath.Join("..", name))))
	}
	toml, err := os.ReadFile(filepath.Join("..", "portal.toml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(site, "portal.toml"), toml, 0o644))
	want := filepath.Join(t.TempDir(), "public")
	kept, err := Build(t.Context(), Options{SiteDir: site, OutDir: want, Now: now})
	require.NoError(t, err)
	require.Greater(t, len(kept.Entries), 10, "enough records for several batches")

	for _, tc := range []struct {
		name       string
		batch      int
		ownTheme   bool  // a themes/default folder: sources are kept
		freshState bool  // no rendered Markdown on disk yet
		limit      int64 // the soft memory limit (0: none)
	}{
		{name: "one batch", batch: 2048, freshState: true},
		{name: "batches of 3", batch: 3, freshState: true},
		{name: "batches of 3, Markdown already on disk", batch: 3},
		{name: "a site's own theme keeps the sources", batch: 3, ownTheme: true, freshState: true},
		{name: "under an eighth of the memory limit the heap keeps the Markdown", batch: 3, freshState: true, limit: 1 << 40},
		{name: "Markdown that would pass an eighth of the memory limit is spilled from the start", batch: 3, freshState: true, limit: 8 * 40000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(b int) { prepareBatch = b }(prepareBatch)
			prepareBatch = tc.batch
			if tc.limit != 0 {
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(tc.limit))
			} else {
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
			}
			dir := filepath.Join(t.TempDir(), "site")
			require.NoError(t, os.CopyFS(dir, os.DirFS(site)))
			if tc.freshState {
				require.NoError(t, os.RemoveAll(filepath.Join(dir, ".portal")))
			}
			if tc.ownTheme {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, "themes", "default"), 0o755))
			}
			got := filepath.Join(t.TempDir(), "public")
			var sources, published int // records with a source after render, of the published
			var atIndex []model.Entry
			p := New(Options{SiteDir: dir, OutDir: got, Now: now, Once: true}).
				After(StageRender, Stage{Name: "sources", Run: func(_ context.Context, r *Result) error {
					for _, n := range r.Site.News {
						published++
						if n.Body != "" {
							sources++
						}
					}
					return nil
				}}).
				After(StagePublish, Stage{Name: "look", Run: func(_ context.Context, r *Result) error {
					atIndex = r.Entries
					return nil
				}})
			_, err := p.Run(t.Context())
			require.NoError(t, err)
			outputtest.Same(t, "a build with Once against one without", want, got)
			require.Len(t, atIndex, len(kept.Entries))
			for i, e := range atIndex {
				assert.Equal(t, kept.Entries[i].Text, e.Text, "the index reads the text: %s", e.Path)
			}
			require.NotZero(t, published)
			if tc.ownTheme {
				assert.Equal(t, published, sources, "a site's own theme may show a source")
			} else {
				assert.Zero(t, sources, "the sources are dropped once rendered")
			}
		})
	}
}
