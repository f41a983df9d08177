package deploy

import (
	"net/http"
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
