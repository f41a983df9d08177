package deploy

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// securityHeaders are the headers every response of the site carries
// (cmd/internal/server/headers.go), whoever answers it.
var securityHeaders = []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options",
	"Referrer-Policy", "Cross-Origin-Opener-Policy", "Strict-Transport-Security"}

// TestStaticShapeBehindNginx is the first shape of DEPLOY.md: nginx serves
// the built files itself (docs/deploy/nginx-static.conf) and passes search
// and complaints to one portal serve. Pages nginx answers carry the same
// security headers as those serve answers (#16.4): the policy does not
// depend on who serves a page.
func TestStaticShapeBehindNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("starts portal serve and nginx")
	}
	nginxPath(t)
	bin := buildPortal(t)
	dir := copySite(t, func(cfg string) string {
		require.NotContains(t, cfg, "\n[server]", "the shipped portal.toml has a [server] table: update the test's edit")
		return cfg + "\n[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n"
	})
	serve, err := startReplica(t, bin, "serve", dir, nil, "-refresh", "0")
	require.NoError(t, err)
	px := startNginx(t, "nginx-static.conf", map[string]string{
		"/srv/portal/site":       dir,
		"server 127.0.0.1:1313;": "server " + serve.base[len("http://"):] + ";",
	})
	c := px.client("127.0.0.1")

	css, err := filepath.Glob(filepath.Join(dir, "public", "css", "*.css"))
	require.NoError(t, err)
	require.NotEmpty(t, css)
	asset := "/css/" + filepath.Base(css[0])

	fetch := func(path string) *http.Response {
		t.Helper()
		resp, err := c.Get(site + path)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	// The reference: a page serve answers through the proxy.
	dynamic := fetch("/search/?q=" + "%E6%89%BF%E8%AF%BA")
	require.Equal(t, http.StatusOK, dynamic.StatusCode)
	for _, h := range securityHeaders {
		require.NotEmpty(t, dynamic.Header.Get(h), "serve sends %s", h)
	}
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/", http.StatusOK},
		{"/commitments/", http.StatusOK},
		{"/feed.xml", http.StatusOK},
		{asset, http.StatusOK},
		{"/no/such/page/", http.StatusNotFound},
	} {
		resp := fetch(tc.path)
		assert.Equal(t, tc.status, resp.StatusCode, tc.path)
		for _, h := range securityHeaders {
			assert.Equal(t, dynamic.Header.Values(h), resp.Header.Values(h), "%s: %s as serve sends it, once", tc.path, h)
		}
	}
	// What nginx answers itself is the site's page too: a body over its
	// bound (413), and search and complaints while serve is down (502).
	big := bytes.NewReader(make([]byte, 40<<20))
	req, _ := http.NewRequest("POST", site+"/complaints/", big)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=X")
	resp, err := c.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Contains(t, string(body), "提交的内容超过 32 MB")
	assert.Contains(t, string(body), "临沂", "in the site's theme")
	for _, h := range securityHeaders {
		assert.Equal(t, dynamic.Header.Values(h), resp.Header.Values(h), "413: %s", h)
	}
	// An enterprise's page with its credit code typed in lower case: nginx
	// has no such file, serve sends it to the page.
	subjects, err := os.ReadDir(filepath.Join(dir, "public", "subjects"))
	require.NoError(t, err)
	require.NotEmpty(t, subjects)
	creditCode := subjects[0].Name()
	lower := fetch("/subjects/" + strings.ToLower(creditCode) + "/")
	assert.Equal(t, http.StatusMovedPermanently, lower.StatusCode)
	assert.Equal(t, "/subjects/"+creditCode+"/", lower.Header.Get("Location"), "sent to the page")

	serve.stop(t)
	for _, path := range []string{"/search/?q=x", "/complaints/"} {
		resp := fetchBody(t, c, site+path)
		assert.Equal(t, http.StatusBadGateway, resp.status, path)
		assert.Contains(t, resp.body, "站内搜索和投诉受理暂时无法使用", path)
		assert.Contains(t, resp.body, "临沂", path)
	}
	code, _ := getBody(t, c, site+"/commitments/")
	assert.Equal(t, http.StatusOK, code, "the static pages do not need serve")

	// Who answered what (nginx writes its log once the response is sent).
	var log string
	for range 100 {
		if log = px.accessLog(t); strings.Contains(log, "GET /no/such/page/ ") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, line := range strings.Split(log, "\n") {
		switch {
		case strings.Contains(line, "GET /search/"):
			assert.Contains(t, line, "upstream="+serve.base[len("http://"):], "serve answered the search")
		case strings.Contains(line, "GET /commitments/ "):
			assert.Contains(t, line, "upstream=-", "nginx served the page itself")
		}
	}
}

type answer struct {
	status int
	body   string
}

func fetchBody(t *testing.T, c *http.Client, url string) answer {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp.StatusCode, string(b)}
}
