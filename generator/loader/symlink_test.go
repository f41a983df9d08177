package loader

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeSite writes the small test site to a real folder, so links can be made.
func writeSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	for name, f := range site(nil) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, f.Data, 0o644))
	}
	return dir
}

func TestSymlinks(t *testing.T) {
	secretDir := t.TempDir()
	secret := filepath.Join(secretDir, "secret.md")
	require.NoError(t, os.WriteFile(secret, []byte("+++\ntitle = \"外部文件\"\ndate = 2025-01-02\n+++\n机密\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(secretDir, "rows.csv"), []byte(csvHeader), 0o644))
	tests := []struct {
		name   string
		link   string // path inside the site
		target func(site string) string
		config string // appended to portal.toml
		err    string // "" = loads cleanly
	}{
		{name: "absolute link to a file outside", link: "content/news/leak.md", target: func(string) string { return secret },
			err: "content/news/leak.md: 符号链接 content/news/leak.md 指向网站文件夹之外的 " + secret + "；"},
		{name: "relative link climbing out", link: "content/news/leak.md", target: func(site string) string {
			rel, _ := filepath.Rel(filepath.Join(site, "content/news"), secret)
			return rel
		}, err: "the symbolic link content/news/leak.md points to ../../../"},
		{name: "linked data file outside", link: "data/disclosures/rows.csv", target: func(string) string { return filepath.Join(secretDir, "rows.csv") },
			err: "data/disclosures/rows.csv: 符号链接 data/disclosures/rows.csv 指向网站文件夹之外的"},
		{name: "linked kind folder outside", link: "content/cases", target: func(string) string { return secretDir },
			err: "content/cases: 符号链接 content/cases 指向网站文件夹之外的"},
		{name: "link through a linked folder inside that climbs out", link: "content/news/via.md", target: func(site string) string {
			// Cleaned as text, content/news/../../up/../X is the harmless X;
			// resolved as the system does, up is the site root and .. leaves it.
			require.NoError(t, os.Symlink(".", filepath.Join(site, "up")))
			rel, err := filepath.Rel(filepath.Dir(site), secret)
			require.NoError(t, err)
			return "../../up/../" + rel
		}, err: "content/news/via.md: 符号链接 content/news/via.md 指向网站文件夹之外的 ../../up/../"},
		{name: "relative link inside the site is followed", link: "content/news/copy.md", target: func(string) string { return "n1.md" },
			err: `content/news/copy.md:1:1: id: duplicate news id "copy"`},
		{name: "outside links allowed by portal.toml", link: "content/news/leak.md", target: func(string) string { return secret },
			config: "allow_outside_symlinks = true\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeSite(t)
			require.NoError(t, os.RemoveAll(filepath.Join(dir, filepath.FromSlash(tt.link))))
			require.NoError(t, os.Symlink(tt.target(dir), filepath.Join(dir, filepath.FromSlash(tt.link))))
			if tt.config != "" {
				f, err := os.OpenFile(filepath.Join(dir, "portal.toml"), os.O_APPEND|os.O_WRONLY, 0)
				require.NoError(t, err)
				f.WriteString(tt.config)
				f.Close()
			}
			site, dl := loadAt(os.DirFS(dir), Options{}, now)
			all := strings.Join(strs(dl.Errors()), "\n")
			if tt.err == "" {
				require.NoError(t, dl.Err())
				titles := []string{}
				for _, n := range site.News {
					titles = append(titles, n.Title)
				}
				assert.Contains(t, titles, "外部文件")
				return
			}
			if strings.HasPrefix(tt.name, "relative link inside") {
				// followed: the copy is read, and only its id clashes with nothing
				assert.NotContains(t, all, "symbolic link", all)
				return
			}
			assert.Contains(t, all, tt.err)
			assert.Contains(t, all, "allow_outside_symlinks = true")
		})
	}
}

func TestGuardChains(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "a/b"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a/b/f"), []byte("x"), 0o644))
	require.NoError(t, os.Symlink("b", filepath.Join(dir, "a/lb")))    // inside
	require.NoError(t, os.Symlink("lb/f", filepath.Join(dir, "a/lf"))) // inside, through a link
	require.NoError(t, os.Symlink("loop2", filepath.Join(dir, "loop1")))
	require.NoError(t, os.Symlink("loop1", filepath.Join(dir, "loop2")))
	g := Guard(os.DirFS(dir))
	b, err := fs.ReadFile(g, "a/lf")
	require.NoError(t, err)
	assert.Equal(t, "x", string(b))
	_, err = fs.ReadFile(g, "loop1")
	var le *OutsideLinkError
	require.True(t, errors.As(err, &le), "%v", err)
	_, err = fs.ReadFile(g, "a/missing")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// TestGuardStat: the guard's Stat says what the system's does, whether the
// name is a plain file (answered from the check's own Lstat), a folder, a
// link inside the root, a file reached through a linked folder, or missing;
// a link leaving the root is refused.
func TestGuardStat(t *testing.T) {
	dir := t.TempDir()
	out := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "a/b"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a/b/f"), []byte("xyz"), 0o644))
	require.NoError(t, os.Symlink("b", filepath.Join(dir, "a/lb")))
	require.NoError(t, os.Symlink("b/f", filepath.Join(dir, "a/lf")))
	require.NoError(t, os.WriteFile(filepath.Join(out, "secret"), []byte("no"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(out, "secret"), filepath.Join(dir, "a/out")))
	g := Guard(os.DirFS(dir))
	for _, name := range []string{"a/b/f", "a/b", "a", "a/lf", "a/lb/f", "a/lb", "a/missing"} {
		t.Run(name, func(t *testing.T) {
			want, werr := fs.Stat(os.DirFS(dir), name)
			got, err := fs.Stat(g, name)
			if werr != nil {
				assert.ErrorIs(t, err, fs.ErrNotExist)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, want.Name(), got.Name())
			assert.Equal(t, want.Size(), got.Size())
			assert.Equal(t, want.Mode(), got.Mode())
			assert.Equal(t, want.ModTime(), got.ModTime())
			assert.True(t, os.SameFile(want, got))
		})
	}
	_, err := fs.Stat(g, "a/out")
	var le *OutsideLinkError
	assert.True(t, errors.As(err, &le), "%v", err)
}
