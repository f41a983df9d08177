package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/siteindex"
	"portal/search"
)

// TestBuildNoIndex: portal build -no-index writes the same site without
// touching the search index, and the next full build is not taken for
// "nothing changed": it builds the index.
func TestBuildNoIndex(t *testing.T) {
	root := filepath.Join("..", "..")
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(root, "portal.toml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portal.toml"), b, 0o644))
	copyTree(t, filepath.Join(root, "content"), filepath.Join(dir, "content"))
	copyTree(t, filepath.Join(root, "data"), filepath.Join(dir, "data"))
	settings, err := loadSettings(dir, os.Stderr)
	require.NoError(t, err)
	indexDir := siteindex.Dir(dir, settings.Config)

	build := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append([]string{"build", "-site", dir, "-now", "2026-06-01"}, args...), &stdout, &stderr)
		require.NoError(t, err, stderr.String())
		return stdout.String()
	}
	const unchanged = "沿用发布版本"

	out := build("-no-index")
	assert.NotContains(t, out, unchanged)
	assert.FileExists(t, filepath.Join(dir, "public", "index.html"))
	assert.FileExists(t, filepath.Join(dir, "public", "search", "index.html"), "the search page is a page like the others")
	_, err = search.Current(indexDir)
	assert.Error(t, err, "no index was built")

	out = build()
	assert.NotContains(t, out, unchanged, "a full build after -no-index builds the index")
	_, err = search.Current(indexDir)
	require.NoError(t, err)

	assert.Contains(t, build(), unchanged, "then nothing changed")
}
