package generator

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPagePath(t *testing.T) {
	tests := []struct {
		segs      []string
		url, file string
	}{
		{nil, "/", "index.html"},
		{[]string{"commitments", "c01"}, "/commitments/c01/", "commitments/c01/index.html"},
		{[]string{"tags", "营商环境"}, "/tags/%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83/", "tags/营商环境/index.html"},
		{[]string{"tags", "a b%c"}, "/tags/a%20b%25c/", "tags/a b%c/index.html"},
		{[]string{"records", "临发〔2024〕1号"}, "/records/%E4%B8%B4%E5%8F%91%E3%80%942024%E3%80%951%E5%8F%B7/", "records/临发〔2024〕1号/index.html"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			u, f := pagePath(tt.segs...)
			assert.Equal(t, tt.url, u)
			assert.Equal(t, tt.file, f)
			back, err := fileForURL(u)
			assert.NoError(t, err)
			assert.Equal(t, tt.file, back)
		})
	}
}

// FuzzPagePath checks that every id accepted by checkSegment maps to a URL
// that decodes back to its own file, so links and files always agree and
// nothing is encoded twice.
func FuzzPagePath(f *testing.F) {
	for _, s := range []string{"c01", "营商环境", "a b", "100%", "x?y#z", "〔2024〕", "..", "a/b", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if checkSegment("k", id) != nil {
			return
		}
		u, file := pagePath("k", id)
		if strings.ContainsAny(u, "?# ") {
			t.Fatalf("unescaped character in %q", u)
		}
		back, err := fileForURL(u)
		if err != nil || back != file {
			t.Fatalf("%q: url %q decodes to %q, want %q (%v)", id, u, back, file, err)
		}
	})
}

// urlOf copies plain segments as they are: the URL is url.PathEscape's of
// every segment, as it was before the shortcut.
func FuzzURLOf(f *testing.F) {
	for _, s := range []string{"c01", "d-1_x.y~z", "营商环境", "a b", "100%", "x?y#z", "〔2024〕", "..", "a/b", "", "A+B", "a:b", "a@b"} {
		f.Add(s, "v1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		want := "/" + url.PathEscape(a) + "/" + url.PathEscape(b) + "/"
		assert.Equal(t, want, urlOf(a, b))
		u, _ := pagePath(a, b)
		assert.Equal(t, want, u)
		assert.Equal(t, "/"+url.PathEscape(a)+"/", urlOf(a))
	})
}
