package generator

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/outputtest"
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
	outputtest.Same(t, "two builds of the same site", out, again)
}
