package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func writeMiniSite(t *testing.T, title string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"portal.toml":           "base_url = \"https://example.gov.cn/\"\ntitle = \"测试站\"\n",
		"data/departments.toml": "[[department]]\nid = \"fgw\"\nname = \"临沂市发展和改革委员会\"\nshort = \"市发展改革委\"\nlevel = \"市\"\ntype = \"政府工作部门\"\n",
		"content/news/n1.md":    "+++\ntitle = \"" + title + "\"\ndate = 2025-01-02\n+++\n正文。\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

// eventually polls cond until it holds or a generous limit passes; the limit
// only stops a broken test from hanging, nothing asserts how fast it was.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 600; i++ {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("gave up waiting: %s", what)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestServe(t *testing.T) {
	site := writeMiniSite(t, "第一条动态")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "-site", site, "-addr", "127.0.0.1:0"}, &stdout, &stderr) }()

	addrRe := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	eventually(t, "the server to print its address", func() bool { return addrRe.MatchString(stdout.String()) })
	base := addrRe.FindString(stdout.String())

	code, body := get(t, base)
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "第一条动态")
	assert.Contains(t, body, `<link rel="canonical" href="`+base+`">`, "the base URL is the server's own address")

	code, body = get(t, base+"no/such/page/")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, body, "页面未找到")

	// An edit is picked up by the watcher and rebuilt.
	require.NoError(t, os.WriteFile(filepath.Join(site, "content", "news", "n1.md"),
		[]byte("+++\ntitle = \"修改后的动态\"\ndate = 2025-01-02\n+++\n正文。\n"), 0o644))
	eventually(t, "the rebuilt page", func() bool { _, b := get(t, base+"news/n1/"); return strings.Contains(b, "修改后的动态") })

	// A broken edit keeps the old site and reports the error.
	require.NoError(t, os.WriteFile(filepath.Join(site, "content", "news", "n1.md"),
		[]byte("+++\ntitle = \"坏\"\ndate = 2025-13-40\n+++\n"), 0o644))
	eventually(t, "the rebuild error", func() bool { return strings.Contains(stderr.String(), "content/news/n1.md:") })
	_, body = get(t, base+"news/n1/")
	assert.Contains(t, body, "修改后的动态")

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func TestBuildCommand(t *testing.T) {
	t.Run("writes the site and a summary", func(t *testing.T) {
		site := writeMiniSite(t, "动态")
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"build", "-site", site, "-now", "2025-07-01"}, &stdout, &stderr)
		require.NoError(t, err, stderr.String())
		assert.Contains(t, stdout.String(), "个页面")
		_, err = os.Stat(filepath.Join(site, "public", "news", "n1", "index.html"))
		assert.NoError(t, err)
	})
	t.Run("content errors write nothing and exit 1", func(t *testing.T) {
		site := writeMiniSite(t, "动态")
		require.NoError(t, os.WriteFile(filepath.Join(site, "content", "news", "n2.md"), []byte("+++\ntitle = \"x\"\ndate = 2025-02-30\n+++\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(site, "content", "news", "n3.md"), []byte("+++\ntitle = \"x\"\ndate = 2025-02-01\nbogus = 1\n+++\n"), 0o644))
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"build", "-site", site}, &stdout, &stderr)
		require.Error(t, err)
		assert.Equal(t, 1, exitCode(err, &stderr))
		assert.Contains(t, stderr.String(), "content/news/n2.md:3")
		assert.Contains(t, stderr.String(), "content/news/n3.md:4", "every error is listed, not only the first")
		assert.Contains(t, stderr.String(), "bogus")
		_, err = os.Stat(filepath.Join(site, "public"))
		assert.True(t, os.IsNotExist(err), "nothing may be written")
	})
	t.Run("bad -now is a usage error", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"build", "-now", "2025-7-1"}, &stdout, &stderr)
		assert.Equal(t, 2, exitCode(err, &stderr))
	})
}
