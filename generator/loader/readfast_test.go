package loader

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readBoth reads name through readBoundedStat (fast path first) and through
// readSlow on fsys, and requires the same bytes, stamp and error. It
// returns whether the fast path read it.
func readBoth(t *testing.T, fsys fs.FS, name string, limit int) bool {
	t.Helper()
	data, st, err := readBoundedStat(fsys, name, limit, "file_bytes")
	wantData, wantSt, wantErr := readSlow(fsys, name, limit, "file_bytes")
	if wantErr != nil {
		require.Error(t, err, name)
		assert.Equal(t, wantErr.Error(), err.Error(), name)
		assert.Equal(t, readError(wantErr), readError(err), name)
	} else {
		require.NoError(t, err, name)
	}
	assert.Equal(t, string(wantData), string(data), name)
	assert.Equal(t, wantSt, st, name)
	_, _, fast := readFast(fsys, name, limit)
	return fast
}

func TestReadFastMatchesSlow(t *testing.T) {
	root := t.TempDir()
	site := filepath.Join(root, "site")
	outside := filepath.Join(root, "outside.md")
	write := func(name, s string) {
		p := filepath.Join(site, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
	}
	link := func(name, target string) {
		p := filepath.Join(site, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.Symlink(target, p))
	}
	require.NoError(t, os.WriteFile(outside, []byte("机密"), 0o644))
	write("content/news/a.md", "+++\ntitle = \"标题\"\n+++\n正文\n")
	write("content/news/empty.md", "")
	write("content/news/ten.md", "0123456789")
	write("content/news/big.md", strings.Repeat("大", 3000))
	write("real/b.md", "b")
	link("content/news/inside2.md", "ten.md")
	require.NoError(t, os.MkdirAll(filepath.Join(site, "content/news/folder.md"), 0o755))
	link("content/news/inside.md", "a.md")
	link("content/news/outside.md", outside)
	link("content/news/climb.md", "../../../outside.md")
	link("content/news/dangling.md", "nowhere.md")
	link("content/linked", "../real")
	link("content/out", root)

	limit := 10
	tests := []struct {
		name      string
		fastGuard bool // the fast path reads it through the guard
		fastPlain bool // and without it (allow_outside_symlinks)
	}{
		{"content/news/a.md", false, false}, // over limit 10: the slow path reports it
		{"content/news/empty.md", true, true},
		{"content/news/ten.md", true, true}, // exactly the limit
		{"content/news/big.md", false, false},
		{"content/news/folder.md", false, false},
		{"content/news/missing.md", false, false},
		{"content/news/inside.md", false, false}, // a.md: over the limit
		{"content/news/outside.md", false, true},
		{"content/news/climb.md", false, true},
		{"content/news/inside2.md", false, true},
		{"content/news/dangling.md", false, false},
		{"content/linked/b.md", false, true},
		{"content/out/outside.md", false, true},
		{"content/news/../news/a.md", false, false},
		{"/etc/passwd", false, false},
		{".", false, false},
		{"content/news/a\x00.md", false, false},
	}
	fast := runtime.GOOS == "linux"
	for _, guarded := range []bool{true, false} {
		fsys := DirFS(site)
		if guarded {
			fsys = Guard(fsys)
		}
		for _, tt := range tests {
			got := readBoth(t, fsys, tt.name, limit)
			want := tt.fastPlain
			if guarded {
				want = tt.fastGuard
			}
			assert.Equal(t, want && fast, got, "%s guarded=%v: read by the fast path", tt.name, guarded)
		}
		// With a larger limit.
		for _, name := range []string{"content/news/a.md", "content/news/inside.md", "content/news/outside.md", "content/linked/b.md", "content/news/big.md"} {
			readBoth(t, fsys, name, 1<<20)
		}
	}
	// A guarded link leaving the site is refused, fast path or not.
	_, _, err := readBoundedStat(Guard(DirFS(site)), "content/news/outside.md", 1<<20, "file_bytes")
	var le *OutsideLinkError
	require.ErrorAs(t, err, &le)
	_, _, err = readBoundedStat(Guard(DirFS(site)), "content/out/outside.md", 1<<20, "file_bytes")
	require.ErrorAs(t, err, &le)
	// Not a DirFS: never the fast path.
	_, _, ok := readFast(os.DirFS(site), "content/news/empty.md", limit)
	assert.False(t, ok)
	_, _, ok = readFast(Guard(os.DirFS(site)), "content/news/empty.md", limit)
	assert.False(t, ok)
}

// TestReadFastSlashRoot: a root ending in a separator is joined as os.DirFS
// joins it.
func TestReadFastSlashRoot(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.md"), []byte("x"), 0o644))
	readBoth(t, DirFS(dir+string(os.PathSeparator)), "x.md", 10)
	_, _, ok := readFast(DirFS(""), "x.md", 10)
	assert.False(t, ok)
}

// FuzzReadFast: any file's bytes and any limit read the same by both paths.
func FuzzReadFast(f *testing.F) {
	f.Add([]byte(""), uint16(0))
	f.Add([]byte("+++\ntitle = \"标题\"\n+++\n正文\n"), uint16(100))
	f.Add([]byte("0123456789"), uint16(10))
	f.Add([]byte("0123456789"), uint16(9))
	f.Add([]byte(strings.Repeat("长", 400)), uint16(1200))
	f.Add([]byte(strings.Repeat("长", 400)), uint16(1199))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "content", "news"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "content", "news", "f.md"), data, 0o644))
		for _, fsys := range []fs.FS{DirFS(dir), Guard(DirFS(dir))} {
			readBoth(t, fsys, "content/news/f.md", int(limit))
		}
	})
}
