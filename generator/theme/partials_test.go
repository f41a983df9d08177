package theme

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/themes"
)

func TestDefaultPartials(t *testing.T) {
	th, err := Load(themes.Default())
	require.NoError(t, err)
	assert.Equal(t, FiltersSum, th.PartialSum("filters.html"), "partials/filters.html changed: update WriteFilters (partials.go) to match and FiltersSum")
	assert.Equal(t, FeedLinksSum, th.PartialSum("feed-links.html"), "partials/feed-links.html changed: update WriteFeedLinks (partials.go) to match and FeedLinksSum")
}

// checkPartials compares the Go writers with the default partials for one
// set of groups and links.
func checkPartials(t *testing.T, th *Theme, groups []FilterGroup, links []Link) {
	t.Helper()
	want, err := th.Partial("filters.html", groups)
	require.NoError(t, err)
	var got bytes.Buffer
	WriteFilters(&got, groups)
	require.Equal(t, string(want), got.String(), "filters.html")
	want, err = th.Partial("feed-links.html", links)
	require.NoError(t, err)
	got.Reset()
	WriteFeedLinks(&got, links)
	require.Equal(t, string(want), got.String(), "feed-links.html")
}

// The Go partials write the default templates' bytes on every branch.
func TestPartialWriters(t *testing.T) {
	th, err := Load(themes.Default())
	require.NoError(t, err)
	links := []Link{
		{Label: "2025年度（截至2025年7月1日）", URL: "/indicators/2025/", Current: true},
		{Label: "<全部> & '引号' \"+", URL: "/list/?a=<b>&c='d' e", Count: 12, HasCount: true},
		{Label: "a\x00b\xff", URL: "javascript:alert(1)", Count: 0, HasCount: true, Current: true},
		{Label: "", URL: ""},
	}
	feeds := []Link{
		{Label: "RSS", URL: "/indicators/feed.xml", Type: "application/rss+xml"},
		{Label: "Atom", URL: "/indicators/atom.xml", Type: "application/atom+xml"},
		{Label: "JSON", URL: "/indicators/feed.json", Type: "application/feed+json"},
		{Label: "其他 <x>", URL: "/x y/", Type: "text/\"html\""},
		{Label: "无类型", URL: "mailto:a@b"},
	}
	cases := map[string]struct {
		groups []FilterGroup
		links  []Link
	}{
		"nil":               {},
		"empty":             {groups: []FilterGroup{}, links: []Link{}},
		"one group":         {groups: []FilterGroup{{Label: "年度", Links: links[:1]}}, links: feeds[:1]},
		"no current":        {groups: []FilterGroup{{Label: "排序", Links: links[1:2]}}, links: feeds[3:]},
		"two current":       {groups: []FilterGroup{{Label: "状态<", Links: links}}, links: feeds},
		"empty group":       {groups: []FilterGroup{{Label: "年度"}, {Label: "季度", Links: links}}, links: feeds[4:]},
		"several, all kind": {groups: []FilterGroup{{Label: "年度", Links: links[:2]}, {Label: "季度", Links: links[2:]}, {Label: "'", Links: links}}, links: feeds[1:3]},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) { checkPartials(t, th, c.groups, c.links) })
	}
}

func FuzzPartialWriters(f *testing.F) {
	f.Add("年度", "2025年度", "/indicators/2025/", "application/rss+xml", 3, true, false)
	f.Add("<&>'\"+", "\x00\xff", "javascript:x", "text/x", 0, false, true)
	th, err := Load(themes.Default())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, group, label, url, typ string, count int, current, hasCount bool) {
		l := Link{Label: label, URL: url, Type: typ, Count: count, HasCount: hasCount, Current: current}
		m := Link{Label: group, URL: label, Type: url, Current: !current}
		checkPartials(t, th, []FilterGroup{{Label: group, Links: []Link{l, m}}, {Label: label, Links: []Link{m}}}, []Link{l, m})
	})
}
