package generator

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/theme"
	"portal/themes"
)

// The feed links rendered once per set and inserted as .Page.AlternatesHTML
// give the bytes the page would have had with baseof rendering the partial
// itself, and two different sets never share a rendering.
func TestAlternatesSharedRendering(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	sv := &SiteView{Title: "测试站"}
	sets := map[string][]theme.Link{
		"none":    nil,
		"section": {{Label: "信用信息公示（RSS）", URL: "/disclosures/feed.xml", Type: "application/rss+xml"}, {Label: "全站（Atom）", URL: "/atom.xml", Type: "application/atom+xml"}},
		"escaped": {{Label: `"<b>&'`, URL: "/a b/?q=<x>", Type: "text/x+y"}},
		"label":   {{Label: "全站（Atom）", URL: "/atom.xml", Type: "application/atom+xml"}},
		"url":     {{Label: "全站（Atom）", URL: "/atom2.xml", Type: "application/atom+xml"}},
		"type":    {{Label: "全站（Atom）", URL: "/atom.xml", Type: "application/rss+xml"}},
		// The same fields split differently must not collide.
		"split1": {{Label: "ab", URL: "c"}},
		"split2": {{Label: "a", URL: "bc"}},
	}
	alts := &alternates{th: th}
	seen := map[string]string{}
	for name, links := range sets {
		t.Run(name, func(t *testing.T) {
			var want, got bytes.Buffer
			page := &theme.Page{Title: "页", Path: "/x/", Kind: "article", Alternates: links}
			require.NoError(t, th.Render(&want, "article", page, sv, nil))
			h, err := alts.html(links)
			require.NoError(t, err)
			again, err := alts.html(append([]theme.Link(nil), links...))
			require.NoError(t, err)
			assert.Equal(t, h, again, "the same set, another slice")
			shared := *page
			shared.AlternatesHTML = h
			require.NoError(t, th.Render(&got, "article", &shared, sv, nil))
			assert.Equal(t, want.String(), got.String())
			if len(links) > 0 {
				assert.Contains(t, got.String(), `<link rel="alternate"`)
			}
			seen[name] = string(h)
		})
	}
	assert.NotEqual(t, seen["split1"], seen["split2"])
	assert.NotEqual(t, seen["label"], seen["url"])
	assert.NotEqual(t, seen["label"], seen["type"])
}
