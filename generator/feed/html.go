package feed

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"
)

// AbsoluteHTML returns the HTML fragment s with every href and src made
// absolute, so the fragment works in a feed reader far from the site.
// A path starting with "/" is site-relative: it is resolved against root
// (the site's base URL, which may have a path of its own); any other relative
// reference is resolved against page (the URL of the page s belongs to).
// Absolute URLs and other schemes (mailto:, tel:) are kept.
//
// Everything except rewritten tags is copied byte for byte, so the
// renderer's escaping is kept exactly: nothing is escaped twice.
func AbsoluteHTML(s, page, root string) (string, error) {
	pageURL, err := url.Parse(page)
	if err != nil || !pageURL.IsAbs() {
		return "", fmt.Errorf("page URL %q is not absolute", page)
	}
	rootURL, err := url.Parse(root)
	if err != nil || !rootURL.IsAbs() {
		return "", fmt.Errorf("base URL %q is not absolute", root)
	}
	if !strings.Contains(s, "href") && !strings.Contains(s, "src") &&
		!strings.Contains(s, "HREF") && !strings.Contains(s, "SRC") {
		return s, nil
	}
	var b bytes.Buffer
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() == io.EOF {
				return b.String(), nil
			}
			return "", z.Err()
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			b.Write(z.Raw())
			continue
		}
		raw := string(z.Raw())
		t := z.Token()
		changed := false
		for i, a := range t.Attr {
			if a.Namespace != "" || (a.Key != "href" && a.Key != "src") {
				continue
			}
			if abs, ok := absolute(a.Val, pageURL, rootURL); ok && abs != a.Val {
				t.Attr[i].Val = abs
				changed = true
			}
		}
		if changed {
			b.WriteString(t.String())
		} else {
			b.WriteString(raw)
		}
	}
}

// absolute resolves ref; ok is false when ref is not a URL reference.
func absolute(ref string, page, root *url.URL) (string, bool) {
	ref = strings.TrimSpace(ref)
	u, err := url.Parse(ref)
	if err != nil {
		return "", false
	}
	if u.IsAbs() {
		return ref, true
	}
	if u.Host == "" && strings.HasPrefix(u.Path, "/") {
		// Site-relative: keep the base URL's own path prefix.
		base := *root
		base.Path = strings.TrimSuffix(base.Path, "/") + "/"
		base.RawPath = ""
		rel := *u
		rel.Path = strings.TrimPrefix(u.Path, "/")
		rel.RawPath = ""
		if rel.Path == "" {
			rel.Path = "./"
		}
		return base.ResolveReference(&rel).String(), true
	}
	return page.ResolveReference(u).String(), true
}
