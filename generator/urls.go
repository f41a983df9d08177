package generator

import (
	"fmt"
	"io/fs"
	"net/url"
	"strings"
)

// pagePath returns the site-relative URL of the folder made of segs (each
// segment a raw, unescaped name such as a Chinese id) and the output file
// that serves it. Each segment is percent-encoded exactly once here; nothing
// downstream encodes again (html/template keeps valid %XX escapes as they are).
func pagePath(segs ...string) (urlPath, file string) {
	if len(segs) == 0 {
		return "/", "index.html"
	}
	// Joined, not cleaned: a segment such as ".." must stay visible so that
	// outputPath refuses it instead of it silently naming another folder.
	return urlOf(segs...), strings.Join(segs, "/") + "/index.html"
}

// urlOf is pagePath's URL only: every page's links are made with it, most
// of them of segments that need no escaping, which it copies as they are.
func urlOf(segs ...string) string {
	if len(segs) == 0 {
		return "/"
	}
	n := 1
	for _, s := range segs {
		n += len(s) + 1
	}
	var u strings.Builder
	u.Grow(n)
	for _, s := range segs {
		u.WriteByte('/')
		if plainSegment(s) {
			u.WriteString(s)
		} else {
			u.WriteString(url.PathEscape(s))
		}
	}
	u.WriteByte('/')
	return u.String()
}

// plainSegment reports whether s is made of RFC 3986's unreserved
// characters only, which url.PathEscape leaves as they are.
func plainSegment(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

// outputPath is the one check every file the build writes passes: rel must
// be a slash-separated path that stays inside the output folder (no "..",
// ".", empty, absolute or backslash element, no NUL). The writer refuses
// anything else, so no content value can make the build write outside it.
func outputPath(rel string) error {
	if !fs.ValidPath(rel) || rel == "." || strings.ContainsAny(rel, "\\\x00") {
		return fmt.Errorf("refusing to write %q: not a path inside the output folder", rel)
	}
	return nil
}

// checkSegment rejects ids that cannot be one URL segment and one folder.
func checkSegment(kind, id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/\\\x00") {
		return fmt.Errorf("%s: id %q cannot be used in a URL (no slashes, not empty, not . or ..)", kind, id)
	}
	return nil
}

// fileForURL maps a site-relative folder URL back to its output file.
func fileForURL(u string) (string, error) {
	p, err := url.PathUnescape(u)
	if err != nil {
		return "", err
	}
	p = strings.TrimPrefix(p, "/")
	if p == "" || strings.HasSuffix(p, "/") {
		return p + "index.html", nil
	}
	return p, nil
}

// absURL joins the base URL and a site-relative path.
func absURL(base, p string) string {
	return strings.TrimSuffix(base, "/") + p
}
