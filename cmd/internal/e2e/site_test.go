package e2e

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// foundingDocNumber is the shipped site's founding document, the one search
// must find by its 文号.
const foundingDocNumber = "临发改信用〔2024〕295号"

// openData fetches /data/<kind>.json from the server: the figures the pages
// must agree with, from the same build.
func openData[T any](t *testing.T, kind string) []T {
	t.Helper()
	resp, err := http.Get(env.base + "/data/" + kind + ".json")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "/data/%s.json", kind)
	var out []T
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out), "/data/%s.json", kind)
	return out
}

type anyRecord map[string]any

var totalRE = regexp.MustCompile(`共找到\s*(\d+)\s*条结果`)

// searchTotal reads N from the search summary "共找到 N 条结果".
func searchTotal(t *testing.T, summary string) int {
	t.Helper()
	m := totalRE.FindStringSubmatch(summary)
	require.NotNil(t, m, "search summary %q", summary)
	n, err := strconv.Atoi(m[1])
	require.NoError(t, err)
	return n
}

func TestScriptsAreDisabled(t *testing.T) {
	// Every other test relies on this: a page script that would rename the
	// page must not run in the test tabs.
	ctx := newTab(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(`data:text/html,<title>off</title><script>document.title="on"</script>`)))
	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "off", title)
}

func TestHome(t *testing.T) {
	ctx := newTab(t)
	resp := open(t, ctx, "/")
	require.Equal(t, int64(http.StatusOK), resp.Status)

	assert.Equal(t, "zh-CN", attr(t, ctx, "html", "lang"))
	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	assert.Equal(t, "临沂市政务诚信公开平台", title)
	assert.Equal(t, "临沂市政务诚信公开平台", text(t, ctx, ".site-title"))
	assert.Len(t, texts(t, ctx, "h1"), 1, "one h1")

	// The key figures agree with the open data of the same build.
	commitments := openData[struct {
		Status  string `json:"status"`
		Overdue bool   `json:"overdue"`
	}](t, "commitments")
	count := func(status string) int {
		n := 0
		for _, c := range commitments {
			if c.Status == status {
				n++
			}
		}
		return n
	}
	overdue := 0
	for _, c := range commitments {
		if c.Overdue {
			overdue++
		}
	}
	want := map[string]int{
		"公开承诺":   len(commitments),
		"已兑现":    count("fulfilled"),
		"推进中":    count("in_progress"),
		"部分兑现":   count("partial"),
		"未兑现":    count("broken"),
		"其中已逾期":  overdue,
		"双公示信息":  len(openData[anyRecord](t, "disclosures")),
		"政务失信记录": len(openData[anyRecord](t, "records")),
		"典型案例":   len(openData[anyRecord](t, "cases")),
		"政策文件":   len(openData[anyRecord](t, "policies")),
	}
	labels := texts(t, ctx, ".figures .figure-label")
	numbers := texts(t, ctx, ".figures .figure-n")
	require.Len(t, numbers, len(labels))
	got := map[string]int{}
	for i, l := range labels {
		n, err := strconv.Atoi(numbers[i])
		require.NoError(t, err, "figure %s: %q", l, numbers[i])
		got[l] = n
	}
	for label, n := range want {
		if assert.Contains(t, got, label, "key figure %s", label) {
			assert.Equal(t, n, got[label], "key figure %s", label)
		}
	}
	assert.Positive(t, got["公开承诺"])

	// The overdue and due-soon sections and the news are there.
	for _, h := range []string{"#overdue-h", "#due-h", "#news-h"} {
		assert.NotEmpty(t, text(t, ctx, h), h)
	}
	home := texts(t, ctx, "section[aria-labelledby=overdue-h] .item")
	if overdue > 0 {
		assert.NotEmpty(t, home, "overdue commitments are listed on the home page")
	}
	assert.LessOrEqual(t, len(home), overdue)
	// Lateness is shown beside each one's official status, never instead of it.
	assert.Len(t, texts(t, ctx, "section[aria-labelledby=overdue-h] .item .standing .badge"), len(home), "every overdue row shows its official status")
	assert.Len(t, texts(t, ctx, "section[aria-labelledby=overdue-h] .item .standing .late"), len(home), "every overdue row says how late it is")
}

func TestSearch(t *testing.T) {
	ctx := newTab(t)
	var founding struct {
		Title     string `json:"title"`
		DocNumber string `json:"doc_number"`
		URL       string `json:"url"`
	}
	for _, p := range openData[struct {
		Title     string `json:"title"`
		DocNumber string `json:"doc_number"`
		URL       string `json:"url"`
	}](t, "policies") {
		if p.DocNumber == foundingDocNumber {
			founding = p
		}
	}
	require.NotEmpty(t, founding.URL, "the founding document %s is in /data/policies.json", foundingDocNumber)

	// The home page's search box submits with Enter, no script needed.
	open(t, ctx, "/")
	follow(t, ctx, "search with Enter", chromedp.SendKeys(chromedp.CSS("#q"), foundingDocNumber+"\n"))
	assert.True(t, strings.HasPrefix(location(t, ctx), "/search/?q="), location(t, ctx))
	assert.Equal(t, foundingDocNumber, value(t, ctx, "#search-q"), "the query stays in the box")
	summary := text(t, ctx, ".search-summary")
	assert.Positive(t, searchTotal(t, summary))
	titles := texts(t, ctx, ".search-results .item-title")
	require.NotEmpty(t, titles)
	assert.Equal(t, founding.Title, titles[0], "the document itself ranks first for its 文号")
	assert.Equal(t, founding.URL, attr(t, ctx, ".search-results .item-title", "href"))
	assert.Contains(t, text(t, ctx, ".search-results .item-summary mark"), "295号", "the match is highlighted")

	// A keyword typed into the results page's box, submitted with the button.
	require.NoError(t, chromedp.Do(ctx, chromedp.Clear(chromedp.CSS("#search-q"))))
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("#search-q"), "政务诚信")))
	follow(t, ctx, "search with the button", chromedp.Click(chromedp.CSS("form.search-box button[type=submit]")))
	all := searchTotal(t, text(t, ctx, ".search-summary"))
	require.Positive(t, all)
	assert.Contains(t, text(t, ctx, ".search-summary"), "政务诚信")

	// A kind filter narrows the results to that kind, and says it is current.
	// The filters are folded under the summary so the first result shows on
	// a phone's first screen: open them as a person would.
	_, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(".filters-fold > summary")))
	require.NoError(t, err)
	link := `nav.filters a[href*="kind=policies"]`
	linkText := text(t, ctx, link)
	follow(t, ctx, "filter by kind", chromedp.Click(chromedp.CSS(link)))
	assert.Contains(t, location(t, ctx), "kind=policies")
	narrowed := searchTotal(t, text(t, ctx, ".search-summary"))
	assert.Positive(t, narrowed)
	assert.Less(t, narrowed, all, "the filter narrows the results")
	assert.Contains(t, linkText, "("+strconv.Itoa(narrowed)+")", "the filter link's count is the filtered total")
	assert.Equal(t, "page", attr(t, ctx, link, "aria-current"))
	for _, kind := range texts(t, ctx, ".search-results .item-meta > span:first-child") {
		assert.Equal(t, "政策文件", kind)
	}
	assert.Contains(t, texts(t, ctx, ".search-results .item-title"), founding.Title)
}

func TestCommitmentsByStatus(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "/commitments/")
	assert.Equal(t, "承诺践诺", text(t, ctx, ".site-nav a[aria-current=page]"))

	// The filters are folded so the first result shows on a phone's first
	// screen: open them as a person would (a folded link has no rendered
	// text and cannot be clicked).
	_, err := chromedp.Run(ctx, chromedp.Click(chromedp.CSS(".filters-fold > summary")))
	require.NoError(t, err)
	overdueLink := `nav.filters a[href="/commitments/status/overdue/"]`
	m := regexp.MustCompile(`\((\d+)\)`).FindStringSubmatch(text(t, ctx, overdueLink))
	require.NotNil(t, m, "the overdue filter shows a count")
	n, _ := strconv.Atoi(m[1])
	require.Positive(t, n, "the shipped site has overdue commitments")
	follow(t, ctx, "status link", chromedp.Click(chromedp.CSS(overdueLink)))
	assert.Equal(t, "/commitments/status/overdue/", location(t, ctx))
	assert.Contains(t, text(t, ctx, "h1"), "已逾期")
	items := texts(t, ctx, ".items > .item")
	assert.Len(t, items, min(n, 20), "one row per overdue commitment (page size 20)")
	assert.Len(t, texts(t, ctx, ".items > .item .standing .late"), len(items), "every row says how late it is beside its status")

	// Open the first one: the badge, the days late and the progress timeline.
	title := text(t, ctx, ".items > .item .item-title")
	follow(t, ctx, "open a commitment", chromedp.Click(chromedp.CSS(".items > .item .item-title")))
	assert.True(t, strings.HasPrefix(location(t, ctx), "/commitments/"), location(t, ctx))
	assert.Contains(t, text(t, ctx, "h1"), strings.TrimSpace(strings.TrimSuffix(title, "示例")))
	// The official status is shown, the lateness beside it, never instead.
	assert.Contains(t, []string{"未启动", "推进中", "部分兑现", "未兑现"}, text(t, ctx, ".status-line .badge"))
	assert.Regexp(t, `^(严重)?逾期 \d+ 天$`, text(t, ctx, ".status-line .late"))
	assert.Equal(t, "推进情况", text(t, ctx, "#progress-h"))
	steps := texts(t, ctx, "section[aria-labelledby=progress-h] .timeline > li")
	require.NotEmpty(t, steps, "the progress timeline")
	dates := texts(t, ctx, "section[aria-labelledby=progress-h] .timeline > li > time")
	assert.Len(t, dates, len(steps), "every step is dated")
	assert.Len(t, texts(t, ctx, "section[aria-labelledby=progress-h] .timeline > li > .badge"), len(steps), "every step has a status")
}

func TestObjectionLinkPrefillsForm(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "/disclosures/")
	follow(t, ctx, "open a disclosure", chromedp.Click(chromedp.CSS(".items > .item .item-title")))
	page := location(t, ctx)
	id := strings.Trim(strings.TrimPrefix(page, "/disclosures/"), "/")
	require.NotEmpty(t, id, page)

	follow(t, ctx, "异议 link", chromedp.Click(chromedp.CSS("p.objection a")))
	assert.True(t, strings.HasPrefix(location(t, ctx), "/complaints/?"), location(t, ctx))
	assert.Equal(t, "异议申诉", value(t, ctx, "#f-category"))
	assert.Equal(t, id, value(t, ctx, "#f-related_id"), "the disclosure's id is filled in")
	assert.Empty(t, value(t, ctx, "#f-title"), "the rest is left to the user")
}

func TestNotFoundPage(t *testing.T) {
	ctx := newTab(t)
	resp := open(t, ctx, "/no-such-page/")
	assert.Equal(t, int64(http.StatusNotFound), resp.Status)
	assert.Equal(t, "zh-CN", attr(t, ctx, "html", "lang"))
	assert.Equal(t, "页面未找到", text(t, ctx, "h1"))
	assert.Equal(t, "临沂市政务诚信公开平台", text(t, ctx, ".site-title"), "the site's own 404 page, in the site's shell")
	assert.Equal(t, "/search/", attr(t, ctx, "form[role=search]", "action"), "it offers search")
}
