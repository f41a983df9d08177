package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestModeSwitch(t *testing.T) {
	root := writeTree(t, map[string]string{
		"index.html":    "home",
		"css/mode.css":  "/* standard */",
		"css/large.css": "html{font-size:125%}",
	})
	s := New(Options{PublicDir: root})

	tests := []struct {
		name, path, referer string
		location            string
	}{
		{"back to the page named", "/mode/large/?back=/commitments/c01/", "", "/commitments/c01/"},
		{"back with its query", "/mode/large/?back=/search/%3Fq%3D%E6%89%BF%E8%AF%BA", "", "/search/?q=%e6%89%bf%e8%af%ba"},
		{"chinese path stays a valid header", "/mode/large/?back=/tags/%E8%90%A5%E5%95%86/", "", "/tags/%E8%90%A5%E5%95%86/"},
		{"back to the referring page of this site", "/mode/large/", "http://example.com/departments/fgw/", "/departments/fgw/"},
		{"another site's referer is ignored", "/mode/large/", "http://evil.example/x/", "/"},
		{"no open redirect: scheme", "/mode/large/?back=https://evil.example/", "", "/"},
		{"no open redirect: //host", "/mode/large/?back=//evil.example/", "", "/"},
		{"no open redirect: backslash", "/mode/large/?back=/%5Cevil.example/", "", "/"},
		{"not back to the switch", "/mode/large/?back=/mode/standard/", "", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", tt.path, nil)
			if tt.referer != "" {
				req.Header.Set("Referer", tt.referer)
			}
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			assert.Equal(t, http.StatusSeeOther, rec.Code)
			assert.Equal(t, tt.location, rec.Header().Get("Location"))
		})
	}

	// The switch sets the cookie, the other clears it; mode.css follows it.
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/mode/large/", nil))
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	on := cookies[0]
	assert.Equal(t, ModeCookie, on.Name)
	assert.Equal(t, "large", on.Value)
	assert.Equal(t, "/", on.Path)
	assert.True(t, on.HttpOnly)
	assert.Positive(t, on.MaxAge)

	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/mode/standard/", nil))
	require.Len(t, rec.Result().Cookies(), 1)
	assert.Negative(t, rec.Result().Cookies()[0].MaxAge, "standard mode deletes the cookie")

	css := func(c *http.Cookie, etag string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/css/mode.css", nil)
		if c != nil {
			req.AddCookie(c)
		}
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		return rec
	}
	std := css(nil, "")
	assert.Equal(t, "/* standard */", std.Body.String())
	assert.Equal(t, "text/css; charset=utf-8", std.Header().Get("Content-Type"))
	assert.Contains(t, std.Header().Get("Vary"), "Cookie")
	assert.Contains(t, std.Header().Get("Cache-Control"), "no-cache")
	large := css(on, "")
	assert.Equal(t, "html{font-size:125%}", large.Body.String())
	// A browser revalidating the standard file after switching gets the
	// large one, not a 304 (the two share a build time).
	switched := css(on, std.Header().Get("ETag"))
	assert.Equal(t, http.StatusOK, switched.Code)
	assert.Equal(t, "html{font-size:125%}", switched.Body.String())
	assert.Equal(t, http.StatusNotModified, css(on, large.Header().Get("ETag")).Code)
}

// TestModeCookieSecureFollowsTheConnection: the 长者模式 cookie is Secure
// over TLS, directly or through a trusted proxy, and not over plain http,
// even when the site's base_url is https (HSTS): a browser drops a Secure
// cookie set over http, and the switch would do nothing.
func TestModeCookieSecureFollowsTheConnection(t *testing.T) {
	root := writeTree(t, map[string]string{"index.html": "home", "css/mode.css": "", "css/large.css": "html{font-size:125%}"})
	s := New(Options{PublicDir: root, HSTS: true, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}})
	tests := []struct {
		name   string
		req    func() *http.Request
		secure bool
	}{
		{"plain http on the office network", func() *http.Request {
			r := httptest.NewRequest("GET", "http://192.168.1.20:1313/mode/large/", nil)
			r.RemoteAddr = "192.168.1.33:50000"
			return r
		}, false},
		{"TLS", func() *http.Request { return httptest.NewRequest("GET", "https://example.gov.cn/mode/large/", nil) }, true},
		{"https through the trusted proxy", func() *http.Request {
			r := httptest.NewRequest("GET", "/mode/large/", nil)
			r.RemoteAddr = "10.0.0.1:40000"
			r.Header.Set("X-Forwarded-Proto", "https")
			return r
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, tt.req())
			cookies := rec.Result().Cookies()
			require.Len(t, cookies, 1)
			assert.Equal(t, tt.secure, cookies[0].Secure)
		})
	}
}
