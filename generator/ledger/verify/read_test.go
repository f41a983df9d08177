package verify

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDirRead: a folder's pages are read whole into the worker's buffer,
// whatever it held before; a missing page is ErrNotFound.
func TestDirRead(t *testing.T) {
	dir := t.TempDir()
	big := bytes.Repeat([]byte("企业开办全流程"), 5000)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "index.html"), []byte("small"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "b", "index.html"), big, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a", "empty.html"), nil, 0o644))
	buf := []byte("left over from the last page")
	for _, tc := range []struct {
		path string
		want []byte
	}{{"/a/", []byte("small")}, {"/a/b/", big}, {"/a/", []byte("small")}, {"/a/empty.html", []byte{}}} {
		got, err := Dir(dir).read(tc.path, &buf)
		require.NoError(t, err, tc.path)
		assert.Equal(t, tc.want, got, tc.path)
	}
	_, err := Dir(dir).read("/nothing/", &buf)
	assert.ErrorIs(t, err, ErrNotFound)
	_, err = Dir(dir).read("/a/index.html/x", &buf)
	assert.Error(t, err)
}
