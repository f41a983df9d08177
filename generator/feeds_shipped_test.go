package generator

import (
	"bytes"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShippedSiteFeeds builds the shipped site (the repository root) twice,
// reads every feed file of the output back with a feed parser, and checks
// the two builds wrote identical feeds, and identical files throughout: a
// page planned in map order (the sitemap follows the plan) shows up here as
// two builds of the same site that differ.
func TestShippedSiteFeeds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole shipped site")
	}
	now := fday(2026, 11, 1)
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(t.Context(), Options{SiteDir: "..", OutDir: out, Now: now})
	require.NoError(t, err)
	require.NotEmpty(t, res.Entries)
	checkOutputFeeds(t, out, res)

	again := filepath.Join(t.TempDir(), "public")
	_, err = Build(t.Context(), Options{SiteDir: "..", OutDir: again, Now: now})
	require.NoError(t, err)
	files, err := feedFiles(res.Site, res.Entries, now)
	require.NoError(t, err)
	n := 0
	for name := range files {
		a := mustRead(t, filepath.Join(out, filepath.FromSlash(name)))
		b, err := os.ReadFile(filepath.Join(again, filepath.FromSlash(name)))
		require.NoError(t, err)
		assert.Equal(t, string(a), string(b), "%s differs between two builds", name)
		n++
	}
	assert.Greater(t, n, 20)
	assertSameTree(t, out, again)
}

// assertSameTree requires two output folders to hold the same files with the
// same bytes.
func assertSameTree(t *testing.T, want, got string) {
	t.Helper()
	read := func(dir string) map[string][]byte {
		out := map[string][]byte{}
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			r, err := filepath.Rel(dir, p)
			out[filepath.ToSlash(r)] = b
			return err
		}))
		return out
	}
	live := func(dir string) string {
		d, err := filepath.EvalSymlinks(dir) // public is a link to its version
		require.NoError(t, err)
		return d
	}
	w, g := read(live(want)), read(live(got))
	require.NotEmpty(t, w)
	assert.ElementsMatch(t, slices.Collect(maps.Keys(w)), slices.Collect(maps.Keys(g)), "the same files")
	for name, b := range w {
		if gb, ok := g[name]; ok && !bytes.Equal(b, gb) {
			t.Errorf("%s differs between two builds of the same site", name)
		}
	}
}
