package generator

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

// The package's tests share one -update flag; whichever test file declares
// it first wins, so this file never redeclares it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

var feedZone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func fday(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, feedZone) }

// feedSite is a tiny site: two departments, two commitments (one with
// progress, one past its deadline), a news item whose title and body hold
// characters that must be escaped once, and a disclosure.
func feedSite() (*model.Site, []model.Entry) {
	cfg := model.DefaultConfig()
	cfg.BaseURL = "https://xyxx.example.gov.cn/"
	cfg.Title = "示例市政务诚信公开平台"
	cfg.Description = "示例描述"
	cfg.Location = feedZone
	cfg.Government.Sponsor = "示例市发展和改革委员会"
	site := &model.Site{
		Config: cfg,
		Departments: []*model.Department{
			{ID: "fgw", Name: "示例市发展和改革委员会", Short: "市发展改革委"},
			{ID: "xzsp", Name: "示例市行政审批服务局", Short: "市行政审批局"},
		},
		Commitments: []*model.Commitment{
			{
				Common:     model.Common{ID: "c1", Title: "企业开办1个工作日内办结", Date: fday(2024, 11, 25), Tags: []string{"营商环境"}},
				Department: "xzsp", Partners: []string{"fgw"}, Category: "服务承诺",
				Deadline: fday(2025, 6, 30), Status: model.StatusInProgress, SourceDoc: "临发改信用〔2024〕295号",
				Progress: []model.Progress{
					{Date: fday(2025, 1, 15), Status: model.StatusInProgress, Note: "已完成系统改造，试运行中 <测试> & “引号”", Evidence: "https://example.gov.cn/a?x=1&y=2"},
				},
			},
			{
				Common:     model.Common{ID: "承诺二", Title: "政策兑现“免申即享”", Date: fday(2024, 12, 1)},
				Department: "fgw", Category: "政策兑现", Status: model.StatusPending,
			},
		},
	}
	entries := []model.Entry{
		{Kind: model.KindCommitment, ID: "c1", Path: "/commitments/c1/", Title: "企业开办1个工作日内办结",
			Summary: "1个工作日内办结", HTML: `<p>见<a href="/policies/p1/">政策</a>。</p>`,
			Date: fday(2024, 11, 25), Updated: fday(2025, 1, 15), Departments: []string{"xzsp", "fgw"},
			Status: "in_progress", Category: "服务承诺", Tags: []string{"营商环境"}},
		{Kind: model.KindCommitment, ID: "承诺二", Path: "/commitments/%E6%89%BF%E8%AF%BA%E4%BA%8C/", Title: "政策兑现“免申即享”",
			Summary: "免申即享", HTML: "<p>正文</p>", Date: fday(2024, 12, 1), Updated: fday(2024, 12, 1),
			Departments: []string{"fgw"}, Status: "pending", Category: "政策兑现"},
		{Kind: model.KindNews, ID: "n1", Path: "/news/n1/", Title: `“诚信示例”建设 <试行> & 推进`,
			Summary: `摘要 <b> & “引号”`, HTML: `<p>A &amp; B &lt;C&gt; <a href="../n2/">下一条</a> <img src="chart.svg" alt="图"></p>`,
			Date: fday(2025, 3, 1), Departments: []string{"fgw"}, Tags: []string{"信用动态", "R&D"}},
		{Kind: model.KindDisclosure, ID: "d1", Path: "/disclosures/d1/", Title: "行政许可决定书",
			Summary: "许可", HTML: "<p>许可内容</p>", Date: fday(2025, 2, 1), Departments: []string{"xzsp"}, Category: "行政许可"},
	}
	return site, entries
}

// derive sets the commitments' derived state as Build does.
func derive(site *model.Site, now time.Time) {
	for _, c := range site.Commitments {
		c.Derive(now, site.Config.Commitments.DueSoonDays, site.Config.Commitments.VeryOverdueDays)
	}
}

func buildFeeds(t *testing.T, site *model.Site, entries []model.Entry, now time.Time) map[string][]byte {
	t.Helper()
	derive(site, now)
	files, err := feedFiles(site, entries, now)
	require.NoError(t, err)
	return files
}

func parseFeed(t *testing.T, name string, data []byte) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().Parse(bytes.NewReader(data))
	require.NoError(t, err, name)
	return f
}

func TestFeedFilesNames(t *testing.T) {
	site, entries := feedSite()
	files := buildFeeds(t, site, entries, fday(2025, 7, 10))
	var got []string
	for name := range files {
		got = append(got, name)
	}
	sort.Strings(got)
	var want []string
	for _, dir := range []string{"", "commitments/", "disclosures/", "records/", "cases/", "policies/", "news/", "departments/fgw/", "departments/xzsp/"} {
		want = append(want, dir+"feed.xml", dir+"atom.xml", dir+"feed.json")
	}
	want = append(want, "commitments/changes.xml", "commitments/changes.atom.xml", "commitments/changes.json")
	sort.Strings(want)
	assert.Equal(t, want, got)
}

// TestFeedFilesGolden pins every file of the tiny site.
func TestFeedFilesGolden(t *testing.T) {
	site, entries := feedSite()
	files := buildFeeds(t, site, entries, fday(2025, 7, 10))
	for name, data := range files {
		path := filepath.Join("testdata", "feeds", filepath.FromSlash(name))
		if updateGolden() {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, data, 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "run go test -update to create %s", path)
		assert.Equal(t, string(want), string(data), name)
	}
}

// TestFeedFilesParse reads every feed back with a real feed parser and
// checks what a feed reader relies on.
func TestFeedFilesParse(t *testing.T) {
	site, entries := feedSite()
	files := buildFeeds(t, site, entries, fday(2025, 7, 10))
	for name, data := range files {
		t.Run(name, func(t *testing.T) {
			f := parseFeed(t, name, data)
			assert.Equal(t, "zh-CN", f.Language)
			assert.Equal(t, "https://xyxx.example.gov.cn/"+name, f.FeedLink, "self link")
			assert.True(t, strings.HasPrefix(f.Link, "https://xyxx.example.gov.cn/"), "home link %q", f.Link)
			if len(f.Items) == 0 {
				// Only Atom needs a date on an empty feed: a fixed one.
				if strings.Contains(name, "atom") {
					assert.Contains(t, string(data), "<updated>1970-01-01T00:00:00+08:00</updated>")
				}
				return
			}
			require.NotNil(t, f.UpdatedParsed, "feed date")
			seen := map[string]bool{}
			for i, it := range f.Items {
				assert.True(t, strings.HasPrefix(it.GUID, "tag:xyxx.example.gov.cn,20"), "id %q", it.GUID)
				assert.False(t, seen[it.GUID], "duplicate id %q", it.GUID)
				seen[it.GUID] = true
				assert.True(t, strings.HasPrefix(it.Link, "https://xyxx.example.gov.cn/"), "link %q", it.Link)
				require.NotNil(t, it.PublishedParsed, "item date")
				if !strings.HasSuffix(name, ".json") { // JSON Feed has no feed date
					assert.False(t, it.UpdatedParsed != nil && it.UpdatedParsed.After(*f.UpdatedParsed), "feed date is the newest item date")
				}
				if i > 0 {
					assert.False(t, it.PublishedParsed.After(*f.Items[i-1].PublishedParsed), "newest first")
				}
				assert.NotContains(t, it.Content, `href="/`, "no site-relative links")
				assert.NotContains(t, it.Content, `src="/`, "no site-relative links")
				assert.NotContains(t, it.Content, "&amp;lt;", "no double escaping")
				assert.NotEmpty(t, it.Authors, "author")
			}
			assert.NotContains(t, string(data), "&amp;amp;", "no double escaping")
			// Dates are written in the site's zone (gofeed converts to UTC,
			// so check the text).
			if strings.HasSuffix(name, ".json") || strings.Contains(name, "atom") {
				assert.Regexp(t, `\d{4}-\d\d-\d\dT00:00:00\+08:00`, string(data))
			} else {
				assert.Regexp(t, `, \d\d \w{3} \d{4} 00:00:00 \+0800<`, string(data))
			}
			assert.NotRegexp(t, `T\d\d:\d\d:\d\dZ|\+0000<|1970`, string(data), "UTC or epoch dates")
		})
	}
}

func TestFeedItemContent(t *testing.T) {
	site, entries := feedSite()
	files := buildFeeds(t, site, entries, fday(2025, 7, 10))
	f := parseFeed(t, "news/atom.xml", files["news/atom.xml"])
	require.Len(t, f.Items, 1)
	it := f.Items[0]
	assert.Equal(t, `“诚信示例”建设 <试行> & 推进`, it.Title)
	assert.Equal(t, `摘要 <b> & “引号”`, it.Description)
	assert.Equal(t, `<p>A &amp; B &lt;C&gt; <a href="https://xyxx.example.gov.cn/news/n2/">下一条</a> <img src="https://xyxx.example.gov.cn/news/n1/chart.svg" alt="图"></p>`, it.Content)
	assert.Equal(t, "tag:xyxx.example.gov.cn,2025-03-01:/news/n1", it.GUID)
	assert.Equal(t, []string{"信用动态", "R&D"}, it.Categories)
	assert.Equal(t, "示例市发展和改革委员会", it.Authors[0].Name)

	c := parseFeed(t, "commitments/feed.json", files["commitments/feed.json"])
	require.Len(t, c.Items, 2)
	assert.Equal(t, "tag:xyxx.example.gov.cn,2024-12-01:/commitments/%E6%89%BF%E8%AF%BA%E4%BA%8C", c.Items[0].GUID)
	assert.Equal(t, "https://xyxx.example.gov.cn/commitments/%E6%89%BF%E8%AF%BA%E4%BA%8C/", c.Items[0].Link)
	assert.Equal(t, []string{"承诺践诺", "服务承诺", "推进中", "营商环境"}, c.Items[1].Categories)
}

func TestDepartmentFeeds(t *testing.T) {
	site, entries := feedSite()
	files := buildFeeds(t, site, entries, fday(2025, 7, 10))
	titles := func(name string) []string {
		var out []string
		for _, it := range parseFeed(t, name, files[name]).Items {
			out = append(out, it.Title)
		}
		return out
	}
	// fgw is lead of 承诺二 and the news, partner of c1; xzsp leads c1 and
	// made the disclosure. Both follow c1's progress and its slip.
	assert.Equal(t, []string{"「企业开办1个工作日内办结」已逾期", `“诚信示例”建设 <试行> & 推进`, "「企业开办1个工作日内办结」进展：推进中",
		"政策兑现“免申即享”", "企业开办1个工作日内办结"}, titles("departments/fgw/feed.xml"))
	assert.Equal(t, []string{"「企业开办1个工作日内办结」已逾期", "行政许可决定书", "「企业开办1个工作日内办结」进展：推进中",
		"企业开办1个工作日内办结"}, titles("departments/xzsp/feed.xml"))
	assert.Empty(t, titles("records/feed.xml"))
	f := parseFeed(t, "departments/xzsp/atom.xml", files["departments/xzsp/atom.xml"])
	require.NotEmpty(t, f.Authors)
	assert.Equal(t, "示例市行政审批服务局", f.Authors[0].Name, "a department's feed is authored by the department")
}

func changeIDs(t *testing.T, files map[string][]byte) []string {
	t.Helper()
	var ids []string
	for _, it := range parseFeed(t, "commitments/changes.xml", files["commitments/changes.xml"]).Items {
		ids = append(ids, it.GUID)
	}
	return ids
}

func TestChangeFeed(t *testing.T) {
	site, entries := feedSite()
	files := buildFeeds(t, site, entries, fday(2025, 7, 10))
	f := parseFeed(t, "commitments/changes.atom.xml", files["commitments/changes.atom.xml"])
	require.Len(t, f.Items, 2)
	overdue, progress := f.Items[0], f.Items[1]
	assert.Equal(t, "tag:xyxx.example.gov.cn,2024-11-25:/commitments/c1/overdue", overdue.GUID)
	assert.True(t, overdue.PublishedParsed.Equal(fday(2025, 6, 30)), "dated at the deadline")
	assert.Equal(t, "「企业开办1个工作日内办结」已逾期", overdue.Title)
	assert.Equal(t, "tag:xyxx.example.gov.cn,2024-11-25:/commitments/c1/progress/1", progress.GUID)
	assert.True(t, progress.PublishedParsed.Equal(fday(2025, 1, 15)))
	assert.Equal(t, "https://xyxx.example.gov.cn/commitments/c1/", progress.Link)
	assert.Contains(t, progress.Content, "已完成系统改造，试运行中 &lt;测试&gt; &amp; “引号”")
	assert.Contains(t, progress.Content, `<a href="https://example.gov.cn/a?x=1&amp;y=2">`)
	assert.Equal(t, "示例市行政审批服务局", progress.Authors[0].Name)
}

func TestChangeFeedGainsOneItemPerProgressEntry(t *testing.T) {
	now := fday(2025, 7, 10)
	site, entries := feedSite()
	before := changeIDs(t, buildFeeds(t, site, entries, now))

	site, entries = feedSite()
	c := site.Commitments[0]
	c.Progress = append(c.Progress, model.Progress{Date: fday(2025, 7, 5), Status: model.StatusFulfilled, Note: "已全面实施"})
	c.Status = model.StatusFulfilled
	after := changeIDs(t, buildFeeds(t, site, entries, now))

	require.Len(t, after, len(before)+1)
	assert.Equal(t, "tag:xyxx.example.gov.cn,2024-11-25:/commitments/c1/progress/2", after[0])
	assert.Equal(t, before, after[1:], "earlier items keep their ids; the slip stays news after a late fulfilment")
}

func TestChangeFeedGainsOneItemWhenDeadlinePasses(t *testing.T) {
	site, entries := feedSite()
	onDeadline := buildFeeds(t, site, entries, fday(2025, 6, 30))
	site, entries = feedSite()
	dayAfter := buildFeeds(t, site, entries, fday(2025, 7, 1))
	site, entries = feedSite()
	monthAfter := buildFeeds(t, site, entries, fday(2025, 8, 1))

	a, b := changeIDs(t, onDeadline), changeIDs(t, dayAfter)
	require.Len(t, b, len(a)+1)
	assert.Equal(t, "tag:xyxx.example.gov.cn,2024-11-25:/commitments/c1/overdue", b[0])
	assert.Equal(t, a, b[1:])

	// Once overdue, later builds change nothing: no "N days late".
	for name, data := range dayAfter {
		assert.Equal(t, string(data), string(monthAfter[name]), name)
	}
}

func TestFeedFilesIdenticalAcrossRuns(t *testing.T) {
	site, entries := feedSite()
	a := buildFeeds(t, site, entries, fday(2025, 7, 10))
	site, entries = feedSite()
	b := buildFeeds(t, site, entries, fday(2025, 7, 10))
	require.Equal(t, len(a), len(b))
	for name := range a {
		assert.True(t, bytes.Equal(a[name], b[name]), name)
	}
}

func TestFeedLimit(t *testing.T) {
	site, entries := feedSite()
	site.Config.Feeds.Items = 2
	files := buildFeeds(t, site, entries, fday(2025, 7, 10))
	f := parseFeed(t, "feed.json", files["feed.json"])
	require.Len(t, f.Items, 2)
	assert.Equal(t, "tag:xyxx.example.gov.cn,2025-03-01:/news/n1", f.Items[0].GUID)
	assert.Equal(t, "tag:xyxx.example.gov.cn,2025-02-01:/disclosures/d1", f.Items[1].GUID)
}

func TestFeedFilesErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*model.Site, []model.Entry)
		want   string
	}{
		{"no base url", func(s *model.Site, _ []model.Entry) { s.Config.BaseURL = "" }, "portal.toml: base_url: 未设置"},
		{"root-only base url", func(s *model.Site, _ []model.Entry) { s.Config.BaseURL = "/" }, "portal.toml: base_url: 未设置"},
		{"relative base url", func(s *model.Site, _ []model.Entry) { s.Config.BaseURL = "/site/" }, `portal.toml: base_url: "/site/" is not an absolute http(s) URL`},
		{"zero entry date", func(_ *model.Site, e []model.Entry) { e[2].Date = time.Time{} }, "feeds: news/n1"},
		{"zero progress date", func(s *model.Site, _ []model.Entry) {
			s.Commitments[0].Source = model.Source{File: "content/commitments/c1.md"}
			s.Commitments[0].Progress[0].Date = time.Time{}
			s.Commitments[0].Progress[0].Line = 12
		}, "content/commitments/c1.md:12: progress: entry 1 has no date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site, entries := feedSite()
			tt.change(site, entries)
			_, err := feedFiles(site, entries, fday(2025, 7, 10))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestExampleContentIsMarked(t *testing.T) {
	site, entries := feedSite()
	entries[3].Example = true // 行政许可决定书
	entries[2].Example = true // “诚信示例”建设…: the title already says 示例
	site.Commitments[0].Example = true
	files := buildFeeds(t, site, entries, fday(2025, 7, 10))

	d := parseFeed(t, "disclosures/feed.xml", files["disclosures/feed.xml"]).Items[0]
	assert.Equal(t, "【示例】行政许可决定书", d.Title)
	assert.Contains(t, d.Categories, "示例")
	assert.True(t, strings.HasPrefix(d.Content, "<p><strong>示例内容，非真实记录。</strong></p>"))

	news := parseFeed(t, "news/feed.xml", files["news/feed.xml"]).Items[0]
	assert.Equal(t, `“诚信示例”建设 <试行> & 推进`, news.Title, "a title that says 示例 is not marked twice")
	assert.Contains(t, news.Categories, "示例")

	for _, it := range parseFeed(t, "commitments/changes.json", files["commitments/changes.json"]).Items {
		assert.True(t, strings.HasPrefix(it.Title, "【示例】「企业开办"), it.Title)
	}
	real := parseFeed(t, "commitments/feed.xml", files["commitments/feed.xml"]).Items[0]
	assert.False(t, strings.HasPrefix(real.Title, "【示例】"), "only example content is marked")
}

func TestBecameOverdue(t *testing.T) {
	deadline := fday(2025, 6, 30)
	tests := []struct {
		name     string
		status   model.Status
		progress []model.Progress
		deadline time.Time
		now      time.Time
		want     bool
	}{
		{"open, before deadline", model.StatusInProgress, nil, deadline, fday(2025, 6, 29), false},
		{"open, on deadline", model.StatusInProgress, nil, deadline, deadline, false},
		{"open, day after", model.StatusInProgress, nil, deadline, fday(2025, 7, 1), true},
		{"broken", model.StatusBroken, nil, deadline, fday(2025, 7, 1), true},
		{"no deadline", model.StatusInProgress, nil, time.Time{}, fday(2030, 1, 1), false},
		{"fulfilled in time", model.StatusFulfilled, []model.Progress{{Date: deadline, Status: model.StatusFulfilled}}, deadline, fday(2025, 7, 1), false},
		{"fulfilled late", model.StatusFulfilled, []model.Progress{{Date: fday(2025, 7, 2), Status: model.StatusFulfilled}}, deadline, fday(2025, 8, 1), true},
		{"withdrawn late", model.StatusWithdrawn, []model.Progress{{Date: fday(2025, 7, 2), Status: model.StatusWithdrawn}}, deadline, fday(2025, 8, 1), true},
		{"fulfilled, date unknown", model.StatusFulfilled, nil, deadline, fday(2025, 8, 1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &model.Commitment{Status: tt.status, Progress: tt.progress, Deadline: tt.deadline}
			since, got := becameOverdue(c, tt.now)
			assert.Equal(t, tt.want, got)
			if got {
				assert.True(t, since.Equal(tt.deadline))
			}
			// Every commitment the model calls overdue is news here too.
			c.Derive(tt.now, 30, 90)
			if c.Derived.Overdue {
				assert.True(t, got, "Derive says overdue")
			}
		})
	}
}

func TestFeedDirectory(t *testing.T) {
	site, entries := feedSite()
	now := fday(2025, 7, 10)
	derive(site, now)
	groups := feedDirectory(site, entries, now)
	require.Len(t, groups, 4)
	files, err := feedFiles(site, entries, now)
	require.NoError(t, err)

	var listed []string
	for _, g := range groups {
		assert.NotEmpty(t, g.Title)
		for _, l := range g.Feeds {
			assert.NotEmpty(t, l.Title)
			assert.NotEmpty(t, l.Description)
			for _, u := range []string{l.RSS, l.Atom, l.JSON} {
				name := strings.TrimPrefix(u, "/")
				listed = append(listed, name)
				require.Contains(t, files, name, "listed feed exists")
			}
			f := parseFeed(t, l.RSS, files[strings.TrimPrefix(l.RSS, "/")])
			assert.Equal(t, len(f.Items), l.Items, "%s: item count", l.Title)
		}
	}
	var all []string
	for name := range files {
		all = append(all, name)
	}
	slices.Sort(all)
	slices.Sort(listed)
	assert.Equal(t, all, listed, "every feed is listed once")
	assert.Equal(t, "承诺状态变化", groups[1].Feeds[0].Title)
	assert.Equal(t, "/commitments/changes.xml", groups[1].Feeds[0].RSS)
	assert.Equal(t, "/departments/fgw/feed.xml", groups[3].Feeds[0].RSS)
}

// benchFeedSite is a city-sized site: n entries over 100 departments, and
// 500 commitments with three progress entries each.
func benchFeedSite(n int) (*model.Site, []model.Entry) {
	site, _ := feedSite()
	site.Departments = nil
	for d := range 100 {
		site.Departments = append(site.Departments, &model.Department{ID: fmt.Sprintf("d%03d", d), Name: fmt.Sprintf("示例市第%d局", d)})
	}
	site.Commitments = nil
	var entries []model.Entry
	for i := range n {
		kind := model.Kinds[i%len(model.Kinds)]
		id := fmt.Sprintf("e%06d", i)
		date := fday(2020, 1, 1).AddDate(0, 0, i%2000)
		dept := site.Departments[i%100].ID
		entries = append(entries, model.Entry{Kind: kind, ID: id, Path: "/" + string(kind) + "/" + id + "/",
			Title: "标题 " + id, Summary: "摘要", Date: date, Updated: date, Departments: []string{dept},
			HTML: `<p>正文 <a href="/policies/p1/">政策</a> 与 <a href="../x/">相关</a>。</p><p>第二段 &amp; 更多文字。</p>`})
		if kind == model.KindCommitment && len(site.Commitments) < 500 {
			c := &model.Commitment{Common: model.Common{ID: id, Title: "承诺 " + id, Date: date}, Department: dept,
				Category: "服务承诺", Deadline: date.AddDate(0, 6, 0), Status: model.StatusInProgress}
			for p := range 3 {
				c.Progress = append(c.Progress, model.Progress{Date: date.AddDate(0, p+1, 0), Status: model.StatusInProgress, Note: "进展"})
			}
			site.Commitments = append(site.Commitments, c)
		}
	}
	return site, entries
}

func BenchmarkFeedFiles(b *testing.B) {
	site, entries := benchFeedSite(20000)
	now := fday(2025, 7, 1)
	derive(site, now)
	b.ResetTimer()
	var size int
	for b.Loop() {
		files, err := feedFiles(site, entries, now)
		if err != nil {
			b.Fatal(err)
		}
		size = 0
		for _, f := range files {
			size += len(f)
		}
	}
	b.ReportMetric(float64(size)/1e6, "MB/build")
}

// TestGenerateWritesFeeds runs the whole pipeline on the tiny site and
// checks the feed files, the /feeds/ page and the links pages carry.
func TestGenerateWritesFeeds(t *testing.T) {
	site, _ := feedSite()
	out := filepath.Join(t.TempDir(), "public")
	res, err := Generate(t.Context(), site, Options{SiteDir: t.TempDir(), OutDir: out, Now: fday(2025, 7, 10)})
	require.NoError(t, err)
	checkOutputFeeds(t, out, res)
}

// checkOutputFeeds parses every feed file in a build's output and checks
// the discovery links of the /feeds/ page and the commitments list.
func checkOutputFeeds(t *testing.T, out string, res *Result) {
	t.Helper()
	out = live(t, out)
	var names []string
	require.NoError(t, filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(out, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		base := filepath.Base(rel)
		if base == "feed.xml" || base == "atom.xml" || base == "feed.json" || strings.HasPrefix(rel, "commitments/changes.") {
			names = append(names, rel)
		}
		return nil
	}))
	for _, want := range []string{"feed.xml", "atom.xml", "feed.json", "commitments/changes.xml", "commitments/changes.atom.xml", "commitments/changes.json"} {
		require.Contains(t, names, want)
	}
	for _, d := range res.Site.Departments {
		require.Contains(t, names, "departments/"+d.ID+"/feed.xml")
	}
	base := res.Site.Config.BaseURL
	page := string(mustRead(t, filepath.Join(out, "feeds", "index.html")))
	for _, name := range names {
		data := mustRead(t, filepath.Join(out, filepath.FromSlash(name)))
		f := parseFeed(t, name, data)
		assert.Equal(t, base+name, f.FeedLink, "%s: self link", name)
		assert.LessOrEqual(t, len(f.Items), feedLimit(res.Site), name)
		seen := map[string]bool{}
		for _, it := range f.Items {
			assert.True(t, strings.HasPrefix(it.GUID, "tag:"), "%s: id %q", name, it.GUID)
			assert.False(t, seen[it.GUID], "%s: duplicate id %q", name, it.GUID)
			seen[it.GUID] = true
			assert.True(t, strings.HasPrefix(it.Link, base), "%s: link %q", name, it.Link)
			require.NotNil(t, it.PublishedParsed, "%s: %s has no date", name, it.Title)
			assert.NotContains(t, it.Content, `href="/`, name)
			assert.NotContains(t, it.Content, `src="/`, name)
		}
		assert.NotContains(t, string(data), "&amp;lt;", name)
		assert.NotContains(t, string(data), "&amp;amp;", name)
		assert.Contains(t, page, `href="/`+name+`"`, "the /feeds/ page lists %s", name)
	}
	site := parseFeed(t, "feed.xml", mustRead(t, filepath.Join(out, "feed.xml")))
	assert.Len(t, site.Items, min(len(res.Entries), feedLimit(res.Site)), "the site feed holds the newest entries")

	list := string(mustRead(t, filepath.Join(out, "commitments", "index.html")))
	assert.Contains(t, list, `<link rel="alternate" type="application/rss&#43;xml" title="`)
	assert.Contains(t, list, `href="/commitments/changes.xml"`)
	assert.Contains(t, list, `<a href="/commitments/atom.xml"`)
	footer := string(mustRead(t, filepath.Join(out, "index.html")))
	assert.Contains(t, footer, `<a href="/feeds/">订阅</a>`)
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}

// TestFeedDepartmentListedTwice checks that an entry naming a department
// twice is carried once by that department's feed, and counted once on the
// /feeds/ page.
func TestFeedDepartmentListedTwice(t *testing.T) {
	site, entries := feedSite()
	entries[2].Departments = []string{"fgw", "fgw"}
	now := fday(2025, 7, 10)
	files := buildFeeds(t, site, entries, now)
	f := parseFeed(t, "departments/fgw/feed.json", files["departments/fgw/feed.json"])
	n := 0
	for _, it := range f.Items {
		if strings.HasSuffix(it.Link, "/news/n1/") {
			n++
		}
	}
	assert.Equal(t, 1, n)
	groups := feedDirectory(site, entries, now)
	var listed int
	for _, l := range groups[groupDepartment].Feeds {
		if l.Page == "/departments/fgw/" {
			listed = l.Items
		}
	}
	assert.Equal(t, len(f.Items), listed)
}
