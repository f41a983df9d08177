package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return root
}

func TestStatic(t *testing.T) {
	root := writeTree(t, map[string]string{
		"index.html":                             "home",
		"404.html":                               "custom not found",
		"css/style.css":                          "body{}",
		"commitments/c01/index.html":             "c01",
		"tags/营商环境/index.html":                   "tag page",
		"data/commitments.csv":                   "id\n",
		"subjects/91371302G0XREXCDQ1/index.html": "enterprise",
	})
	outside := writeTree(t, map[string]string{"secret.txt": "secret"})
	require.NoError(t, os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "leak.txt")))
	s := New(Options{PublicDir: root})
	tests := []struct {
		name, method, path string
		status             int
		body, ctype, cache string
		location           string
	}{
		{"home", "GET", "/", 200, "home", "text/html; charset=utf-8", "no-cache", ""},
		{"folder index", "GET", "/commitments/c01/", 200, "c01", "text/html; charset=utf-8", "no-cache", ""},
		{"folder without slash redirects", "GET", "/commitments/c01", 301, "", "", "", "/commitments/c01/"},
		{"percent-encoded chinese path", "GET", "/tags/%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83/", 200, "tag page", "", "", ""},
		{"asset cached", "GET", "/css/style.css", 200, "body{}", "text/css; charset=utf-8", "public, max-age=3600", ""},
		{"csv type", "GET", "/data/commitments.csv", 200, "id\n", "text/csv; charset=utf-8", "no-cache", ""},
		{"unknown path gets the site's 404", "GET", "/nope/", 404, "custom not found", "text/html; charset=utf-8", "no-cache", ""},
		{"cleaned traversal is not found", "GET", "/etc/passwd", 404, "custom not found", "", "", ""},
		{"symlink out of the root refused", "GET", "/leak.txt", 404, "custom not found", "", "", ""},
		{"credit code typed in lower case", "GET", "/subjects/91371302g0xrexcdq1/", 301, "", "", "", "/subjects/91371302G0XREXCDQ1/"},
		{"credit code in lower case, no slash", "GET", "/subjects/91371302g0xrexcdq1", 301, "", "", "", "/subjects/91371302G0XREXCDQ1/"},
		{"credit code in mixed case", "GET", "/subjects/91371302G0xrexCDQ1/index.html", 301, "", "", "", "/subjects/91371302G0XREXCDQ1/index.html"},
		{"an unknown code stays not found", "GET", "/subjects/91371302g0xrexcdq2/", 404, "custom not found", "", "", ""},
		{"not a code", "GET", "/subjects/abc/", 404, "custom not found", "", "", ""},
		{"head", "HEAD", "/", 200, "", "", "", ""},
		{"post refused", "POST", "/", 405, "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			assert.Equal(t, tt.status, rec.Code)
			if tt.body != "" {
				assert.Equal(t, tt.body, rec.Body.String())
			}
			if tt.ctype != "" {
				assert.Equal(t, tt.ctype, rec.Header().Get("Content-Type"))
			}
			if tt.cache != "" {
				assert.Equal(t, tt.cache, rec.Header().Get("Cache-Control"))
			}
			if tt.location != "" {
				assert.Equal(t, tt.location, rec.Header().Get("Location"))
			}
		})
	}
}

func TestStaticTraversal(t *testing.T) {
	root := writeTree(t, map[string]string{"public/404.html": "nf", "secret.txt": "secret"})
	s := New(Options{PublicDir: filepath.Join(root, "public")})
	// The mux would clean the path first; call the handler directly so the
	// handler's own defence is what is tested.
	req := httptest.NewRequest("GET", "/", nil)
	req.URL.Path = "/../secret.txt"
	rec := httptest.NewRecorder()
	s.handleStatic(rec, req)
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.NotContains(t, rec.Body.String(), "secret")
}

func TestStaticWithout404Page(t *testing.T) {
	s := New(Options{PublicDir: writeTree(t, map[string]string{"index.html": "x"})})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/missing", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.Contains(t, rec.Body.String(), "404")
}

// TestStaticRevalidatedWithinTheSecond: a page rebuilt within the second
// its last version was written is not "not modified" to a browser that
// revalidates what it has (Last-Modified has whole seconds).
func TestStaticRevalidatedWithinTheSecond(t *testing.T) {
	root := writeTree(t, map[string]string{"news/n1/index.html": "第一版"})
	p := filepath.Join(root, "news", "n1", "index.html")
	sec := time.Date(2026, 12, 2, 4, 0, 0, 100_000_000, time.UTC)
	require.NoError(t, os.Chtimes(p, sec, sec))
	s := New(Options{PublicDir: root})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/news/n1/", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	etag, lastMod := rec.Header().Get("ETag"), rec.Header().Get("Last-Modified")
	require.NotEmpty(t, lastMod)

	revalidate := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/news/n1/", nil)
		req.Header.Set("If-Modified-Since", lastMod)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	assert.Equal(t, http.StatusNotModified, revalidate().Code, "the same file")

	// The next build writes the page anew (rename) 0.8 s later.
	tmp := p + ".tmp"
	require.NoError(t, os.WriteFile(tmp, []byte("第二版"), 0o644))
	later := sec.Add(800 * time.Millisecond)
	require.NoError(t, os.Chtimes(tmp, later, later))
	require.NoError(t, os.Rename(tmp, p))
	rec = revalidate()
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "第二版", rec.Body.String())
}
