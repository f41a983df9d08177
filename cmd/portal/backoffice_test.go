package main

import (
	"os"
	"path/filepath"
	"testing"

	"portal/cmd/internal/backoffice"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackOfficeAddr(t *testing.T) {
	for _, tt := range []struct{ flag, public, want string }{
		{"", "127.0.0.1:1313", "127.0.0.1:1314"},
		{"", "0.0.0.0:8080", "127.0.0.1:8081"}, // loopback even when the public side is not
		{"", "127.0.0.1:0", "127.0.0.1:0"},
		{"10.0.0.5:9000", "127.0.0.1:1313", "10.0.0.5:9000"},
		{"off", "127.0.0.1:1313", ""},
	} {
		got, err := backOfficeAddr(tt.flag, tt.public)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%q beside %q", tt.flag, tt.public)
	}
	_, err := backOfficeAddr("", "nonsense")
	assert.Error(t, err)
}

func TestRelatedPages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	write("commitments/c1/index.html", `<!doctype html><html><head><title>承诺一 - 信用临沂</title><meta name="ArticleTitle" content="承诺一"></head><body><h1>承诺一</h1></body></html>`)
	write("disclosures/d1/index.html", `<html><head><title>行政许可 - 信用临沂</title></head><body><title>not this</title></body></html>`)
	write("records/r1/index.html", `<html><head></head><body>no title</body></html>`)
	write("secret/index.html", `<title>outside the kinds</title>`)
	p := &relatedPages{dir: dir, base: "https://xyxx.example.gov.cn/"}
	for _, tt := range []struct {
		id   string
		want backoffice.Related
		ok   bool
	}{
		{id: "c1", want: backoffice.Related{Kind: "承诺", Title: "承诺一", URL: "https://xyxx.example.gov.cn/commitments/c1/"}, ok: true},
		{id: "d1", want: backoffice.Related{Kind: "公示信息", Title: "行政许可 - 信用临沂", URL: "https://xyxx.example.gov.cn/disclosures/d1/"}, ok: true},
		{id: "r1", want: backoffice.Related{Kind: "政务失信记录", Title: "r1", URL: "https://xyxx.example.gov.cn/records/r1/"}, ok: true},
		{id: "nope"},
		{id: ""},
		{id: ".."},
		{id: "../secret"},
		{id: "c1/../../secret"},
		{id: "c1\\x"},
	} {
		got, ok := p.find(tt.id)
		assert.Equal(t, tt.ok, ok, "%q", tt.id)
		assert.Equal(t, tt.want, got, "%q", tt.id)
	}
	missing := &relatedPages{dir: filepath.Join(dir, "none"), base: "/"}
	_, ok := missing.find("c1")
	assert.False(t, ok, "no output yet")
}
