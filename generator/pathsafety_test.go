package generator

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

func TestOutputPath(t *testing.T) {
	for _, tt := range []struct {
		rel string
		ok  bool
	}{
		{"index.html", true},
		{"tags/营商环境/index.html", true},
		{"tags/a b/index.html", true},
		{"", false},
		{".", false},
		{"..", false},
		{"../x/index.html", false},
		{"tags/../../x/index.html", false},
		{"tags/../commitments/index.html", false},
		{"tags//index.html", false},
		{"tags/./index.html", false},
		{"/etc/passwd", false},
		{"tags/a\\..\\..\\x/index.html", false},
		{"tags/a\x00/index.html", false},
		{"tags/index.html/", false},
	} {
		t.Run(tt.rel, func(t *testing.T) {
			err := outputPath(tt.rel)
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, "not a path inside the output folder")
			}
		})
	}
}

// TestPagePathKeepsDotDot: a ".." value is never cleaned away into another
// folder's name; it stays in the file path for outputPath to refuse.
func TestPagePathKeepsDotDot(t *testing.T) {
	_, f := pagePath("tags", "../commitments")
	assert.Equal(t, "tags/../commitments/index.html", f)
	assert.Error(t, outputPath(f))
}

// TestHostileValuesNeverEscape generates a site whose tags, policy topics
// and ids are hostile paths, built in Go so the loader's checks are
// bypassed: the writer alone must refuse, and nothing may appear outside the
// output folder.
func TestHostileValuesNeverEscape(t *testing.T) {
	for _, v := range []string{"../../../../tmp/x/tag", "../commitments", "..", "a/../../b", "/abs", "a\\..\\b"} {
		t.Run(v, func(t *testing.T) {
			writtenOnlyInside(t, hostileSite(v, v, "ok"))
			writtenOnlyInside(t, hostileSite("ok", "ok", v))
		})
	}
}

// TestCollisionNamesBothSources: a tag whose page falls on another page's
// file (here through letter case) names both the tag's source and the other.
func TestCollisionNamesBothSources(t *testing.T) {
	site := tinySite()
	site.Commitments[0].Source = model.Source{File: "content/commitments/c01.md", Line: 1}
	site.Commitments[2].Source = model.Source{File: "content/commitments/c03.md", Line: 1}
	site.Commitments[0].Tags = []string{"Abc"}
	site.Commitments[2].Tags = []string{"abc"}
	_, err := Generate(context.Background(), site, Options{SiteDir: t.TempDir(), OutDir: filepath.Join(t.TempDir(), "public"), Now: date("2025-07-01")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "tags/")
	assert.Contains(t, err.Error(), "content/commitments/c01.md:1")
	assert.Contains(t, err.Error(), "content/commitments/c03.md:1")
}

// TestThemeStaticCollision: a theme asset with a page's name is refused,
// naming the theme file and the page.
func TestThemeStaticCollision(t *testing.T) {
	siteDir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(siteDir, "themes/default/static/commitments"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(siteDir, "themes/default/static/commitments/index.html"), []byte("x"), 0o644))
	_, err := Generate(context.Background(), tinySite(), Options{SiteDir: siteDir, OutDir: filepath.Join(t.TempDir(), "public"), Now: date("2025-07-01")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "commitments/index.html")
	assert.Contains(t, err.Error(), "themes/default/static/commitments/index.html")
	assert.Contains(t, err.Error(), "the page /commitments/")
}

func hostileSite(tag, topic, id string) *model.Site {
	site := tinySite()
	site.Commitments[0].Tags = []string{tag}
	site.Policies[0].Topic = topic
	site.News[0].ID = id
	return site
}

// writtenOnlyInside generates site into dir/out/public (with the site folder
// dir/site) and fails if any file appears outside the output: the link
// dir/out/public and its versions folder dir/out/.public.versions.
func writtenOnlyInside(t *testing.T, site *model.Site) {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "out", "public")
	siteDir := filepath.Join(dir, "site")
	require.NoError(t, os.MkdirAll(siteDir, 0o755))
	_, err := Generate(context.Background(), site, Options{SiteDir: siteDir, OutDir: out, Now: date("2025-07-01")})
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if p != out && !strings.HasPrefix(p, versionsDir(out)+string(filepath.Separator)) {
			t.Errorf("written outside the output folder: %s (build error: %v)", p, err)
		}
		return nil
	}))
	if _, statErr := os.Stat("/tmp/x/tag"); statErr == nil {
		t.Errorf("/tmp/x/tag exists")
	}
	_ = err
}

// FuzzWritePaths generates a site whose tag, policy topic and news id are
// the fuzzer's strings and asserts that every file written lies inside the
// output folder, whether the build succeeds or refuses.
func FuzzWritePaths(f *testing.F) {
	for _, s := range [][3]string{
		{"营商环境", "综合政务", "n1"},
		{"../../../../tmp/x/tag", "../x", "n1"},
		{"../commitments", "..", "."},
		{"a/b", "/abs", "c\\d"},
		{"index.html", "feed.xml", "404.html"},
		{"Abc", "abc", "ABC"},
		{"x\x00y", "..\\..", "~"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, tag, topic, id string) {
		writtenOnlyInside(t, hostileSite(tag, topic, id))
	})
}

// TestThemeSymlinkOutside: a theme asset that links outside the site is
// refused with the link named, unless portal.toml allows such links.
func TestThemeSymlinkOutside(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "id_rsa")
	require.NoError(t, os.WriteFile(secret, []byte("SECRET"), 0o600))
	siteDir := t.TempDir()
	static := filepath.Join(siteDir, "themes/default/static")
	require.NoError(t, os.MkdirAll(static, 0o755))
	require.NoError(t, os.Symlink(secret, filepath.Join(static, "key.txt")))

	out := filepath.Join(t.TempDir(), "public")
	_, err := Generate(context.Background(), tinySite(), Options{SiteDir: siteDir, OutDir: out, Now: date("2025-07-01")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the symbolic link themes/default/static/key.txt points to "+secret+", outside the site folder")
	assert.NoDirExists(t, out)

	site := tinySite()
	site.Config.AllowOutsideSymlinks = true
	out, _ = generate(t, site, Options{SiteDir: siteDir})
	assert.Equal(t, "SECRET", readOut(t, out, "key.txt"))
}
