package e2e

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLinksPeopleLookFor follows the links issue 10 (item 6) asks for, as a
// person would: a commitment's 来源文件 opens its policy, 对应措施 opens the
// page tracking that measure, 我要投诉 opens the form filled in for it; the
// policy has a table of contents and links every measure to its tracking
// page; long pages end with 返回顶部.
func TestLinksPeopleLookFor(t *testing.T) {
	ctx := newTab(t)
	var policyURL string
	for _, p := range openData[struct {
		DocNumber string `json:"doc_number"`
		URL       string `json:"url"`
	}](t, "policies") {
		if p.DocNumber == foundingDocNumber {
			policyURL = p.URL
		}
	}
	require.NotEmpty(t, policyURL)
	var commitment struct {
		ID, URL, Status string
	}
	for _, c := range openData[struct {
		ID     string `json:"id"`
		URL    string `json:"url"`
		Source string `json:"source"`
		Status string `json:"status"`
	}](t, "commitments") {
		if c.Source == foundingDocNumber && c.Status == "broken" {
			commitment.ID, commitment.URL, commitment.Status = c.ID, c.URL, c.Status
			break
		}
	}
	require.NotEmpty(t, commitment.URL, "a broken commitment under %s", foundingDocNumber)

	// 来源文件 → the policy.
	open(t, ctx, commitment.URL)
	follow(t, ctx, "来源文件", chromedp.Click(chromedp.CSS(`dd[data-ledger=source] a`)))
	assert.Equal(t, policyURL, location(t, ctx))

	// 对应措施 → the commitment tracking that measure.
	open(t, ctx, commitment.URL)
	measure := text(t, ctx, `dd[data-ledger=measure] a`)
	require.Regexp(t, `^第\d+条$`, measure)
	follow(t, ctx, "对应措施", chromedp.Click(chromedp.CSS(`dd[data-ledger=measure] a`)))
	tracking := location(t, ctx)
	assert.True(t, strings.HasPrefix(tracking, "/commitments/"), tracking)
	assert.NotEqual(t, commitment.URL, tracking)
	assert.Equal(t, measure, text(t, ctx, `dd[data-ledger=measure]`), "the tracking page is about the same measure")

	// 我要投诉 → the form, filled in for this commitment.
	open(t, ctx, commitment.URL)
	follow(t, ctx, "我要投诉", chromedp.Click(chromedp.CSS(`p.objection a`)))
	assert.True(t, strings.HasPrefix(location(t, ctx), "/complaints/?"), location(t, ctx))
	assert.Equal(t, "承诺未兑现", value(t, ctx, "#f-category"))
	assert.Equal(t, commitment.ID, value(t, ctx, "#f-related_id"))

	// The policy: a table of contents that leads into the text, and every
	// measure linked to its tracking page, the one 对应措施 led to among them.
	open(t, ctx, policyURL)
	toc := texts(t, ctx, "nav.toc li a")
	require.GreaterOrEqual(t, len(toc), 3, "a table of contents")
	href := attr(t, ctx, "nav.toc li:nth-child(2) a", "href")
	// A jump within the page: no new response to wait for.
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("nav.toc li:nth-child(2) a"))))
	assert.True(t, strings.HasSuffix(location(t, ctx), href), "%s after clicking %s", location(t, ctx), href)
	frag, err := url.PathUnescape(strings.TrimPrefix(href, "#"))
	require.NoError(t, err)
	assert.Equal(t, toc[1], text(t, ctx, `[id="`+frag+`"]`), "the entry leads to its heading")
	measures := texts(t, ctx, "section[aria-labelledby=measures-h] ol.measures > li > a")
	assert.Len(t, measures, 18, "the founding document's 18 measures")
	links := map[string]bool{}
	for i := range measures {
		links[attr(t, ctx, "section[aria-labelledby=measures-h] ol.measures > li:nth-child("+strconv.Itoa(i+1)+") > a", "href")] = true
	}
	assert.True(t, links[tracking], "the measure's tracking page is linked from the policy")
	assert.Equal(t, "#top", attr(t, ctx, "main .back-top a", "href"), "返回顶部")
}

// TestLargeTextMode switches 长者模式 on and off from the header, without
// scripts: the page comes back in large text, and every page after it, until
// 标准模式.
func TestLargeTextMode(t *testing.T) {
	ctx := newTab(t)
	// The browser profile is shared: leave it in the standard mode.
	defer open(t, ctx, "/mode/standard/")
	rootSize := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.documentElement).fontSize`))
		require.NoError(t, err)
		return s
	}
	open(t, ctx, "/commitments/")
	standard := rootSize()
	follow(t, ctx, "长者模式", chromedp.Click(chromedp.CSS(".mode-switch .to-large")))
	assert.Equal(t, "/commitments/", location(t, ctx), "back on the same page")
	assert.Equal(t, "20px", rootSize(), "large text (125%%), was %s", standard)
	open(t, ctx, "/disclosures/")
	assert.Equal(t, "20px", rootSize(), "the next page too")
	follow(t, ctx, "标准模式", chromedp.Click(chromedp.CSS(".mode-switch .to-standard")))
	assert.Equal(t, "/disclosures/", location(t, ctx))
	assert.Equal(t, standard, rootSize(), "standard text again")
}

// TestGovernmentSiteFurniture: the footer carries what a 政府网站 inspection
// looks for, each leading to a real page (an HTML 网站地图, not the XML),
// 我为政府网站找错 opens the complaint form with its own category, and the
// header's search has its own accessible name.
func TestGovernmentSiteFurniture(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "/")
	links := texts(t, ctx, "footer.site-footer nav a")
	for _, want := range []string{"网站地图", "网站声明", "隐私政策", "联系我们", "我为政府网站找错", "无障碍与长者模式"} {
		assert.Contains(t, links, want, "footer link %s", want)
	}
	for _, p := range []struct{ link, h1 string }{
		{"网站地图", "网站地图"}, {"网站声明", "网站声明"}, {"隐私政策", "隐私政策"}, {"联系我们", "联系我们"},
	} {
		open(t, ctx, "/")
		sel := `footer.site-footer nav a[href="` + attr(t, ctx, "footer.site-footer nav li:nth-child("+strconv.Itoa(indexOf(links, p.link)+1)+") a", "href") + `"]`
		follow(t, ctx, p.link, chromedp.Click(chromedp.CSS(sel)))
		assert.Contains(t, text(t, ctx, "h1"), p.h1, "%s opens its page (%s)", p.link, location(t, ctx))
	}
	// The HTML 网站地图 links every section.
	open(t, ctx, "/sitemap/")
	for _, section := range []string{"/commitments/", "/disclosures/", "/records/", "/policies/", "/complaints/"} {
		present(t, ctx, `main a[href="`+section+`"]`)
	}
	open(t, ctx, "/")
	follow(t, ctx, "我为政府网站找错", chromedp.Click(chromedp.CSS(`footer.site-footer nav a[href^="/complaints/?category="]`)))
	assert.Equal(t, "网站纠错", value(t, ctx, "#f-category"), "its own category")
	assert.Equal(t, "站内搜索", attr(t, ctx, "header form[role=search]", "aria-label"), "the header search's own name")
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
