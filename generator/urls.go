package generator

import (
	"fmt"
	"net/url"
	"path"
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
	var u strings.Builder
	for _, s := range segs {
		u.WriteByte('/')
		u.WriteString(url.PathEscape(s))
	}
	u.WriteByte('/')
	return u.String(), path.Join(path.Join(segs...), "index.html")
}

// urlOf is pagePath's URL only.
func urlOf(segs ...string) string {
	u, _ := pagePath(segs...)
	return u
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
