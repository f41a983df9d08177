package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/theme"
	"portal/search/searchapi"
	"portal/themes"
)

// fakeSearch answers every query with res (or err) and records the queries.
type fakeSearch struct {
	mu  sync.Mutex
	qs  []searchapi.Query
	res searchapi.Result
	err error
}

func (f *fakeSearch) Search(ctx context.Context, q searchapi.Query) (searchapi.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.qs = append(f.qs, q)
	return f.res, f.err
}

func (f *fakeSearch) last(t *testing.T) searchapi.Query {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.qs, "the service was asked")
	return f.qs[len(f.qs)-1]
}

// defaultTheme loads the shipped theme with a minimal site, so the search
// layout is rendered for real (escaping, partials, links).
func defaultTheme(t *testing.T) *theme.Theme {
	t.Helper()
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	th.SetSite(map[string]any{
		"Title": "测试站", "Description": "", "BuildDate": time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), "HasComplaints": false, "Nav": []any{},
		"Gov": map[string]any{"SiteName": "", "SiteDomain": "", "SiteIDCode": "", "Sponsor": "", "Organizer": "",
			"Contact": "", "Address": "", "ICP": "", "PoliceRecord": ""},
	})
	return th
}

var cannedResult = searchapi.Result{
	Query: searchapi.Query{Page: 2, Size: 10}, Total: 23, // 3 pages
	Hits: []searchapi.Hit{{
		URL: "/commitments/c01/", Title: "惠企政策<兑现>", Kind: "commitments", KindLabel: "承诺践诺",
		Departments: []string{"市发展改革委", "市财政局"}, Date: "2024-11-25",
		Snippet: template.HTML("推动<mark>政策兑现</mark>&lt;b&gt;"),
	}},
	Facets: []searchapi.Facet{
		{Field: "kind", Values: []searchapi.FacetValue{{Value: "commitments", Label: "承诺践诺", Count: 20, Selected: true}, {Value: "news", Label: "信用动态", Count: 3}}},
		{Field: "year", Values: []searchapi.FacetValue{{Value: "2024", Label: "2024", Count: 23}}},
	},
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func TestSearchAPI(t *testing.T) {
	t.Parallel()
	fs := &fakeSearch{res: cannedResult}
	srv := New(Options{Search: fs})
	rec := get(t, srv, "/api/search?q=%E6%94%BF%E7%AD%96&kind=commitments&department=fgw&year=2024&status=in_progress&sort=date&page=2&size=5")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, searchapi.Query{Text: "政策", Kind: "commitments", Department: "fgw", Year: 2024, Status: "in_progress", Sort: "date", Page: 2, Size: 5}, fs.last(t))
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	body := decode[map[string]any](t, rec)
	assert.EqualValues(t, 23, body["total"])
	hits := body["hits"].([]any)
	require.Len(t, hits, 1)
	hit := hits[0].(map[string]any)
	assert.Equal(t, map[string]any{
		"url": "/commitments/c01/", "title": "惠企政策<兑现>", "kind": "commitments",
		"department": "市发展改革委", "date": "2024-11-25", "snippet": "推动<mark>政策兑现</mark>&lt;b&gt;",
	}, hit)
	facets := body["facets"].(map[string]any)
	assert.Equal(t, []any{
		map[string]any{"value": "commitments", "label": "承诺践诺", "count": 20.0},
		map[string]any{"value": "news", "label": "信用动态", "count": 3.0},
	}, facets["kind"])
}

func TestSearchAPIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		svc    SearchService
		status int
		field  string // the field named in "errors", if any
		text   string // part of the message
	}{
		{"no query", "/api/search", &fakeSearch{}, 400, "q", "请输入搜索词"},
		{"page not a number", "/api/search?q=a&page=x", &fakeSearch{}, 400, "page", "页码"},
		{"page zero", "/api/search?q=a&page=0", &fakeSearch{}, 400, "page", "页码"},
		{"year not a number", "/api/search?q=a&year=二〇二四", &fakeSearch{}, 400, "year", "年份"},
		{"size too large", "/api/search?q=a&size=100000", &fakeSearch{}, 400, "size", "每页条数"},
		{"service refuses", "/api/search?q=a", &fakeSearch{err: &searchapi.QueryError{Field: "q", Msg: "is 201 characters long", MsgZH: "搜索词过长"}}, 400, "q", "搜索词过长"},
		{"no service", "/api/search?q=a", nil, 503, "", "暂不可用"},
		{"no index", "/api/search?q=a", &fakeSearch{err: searchapi.ErrNoIndex}, 503, "", "暂不可用"},
		{"timeout", "/api/search?q=a", &fakeSearch{err: context.DeadlineExceeded}, 503, "", "超时"},
		{"internal", "/api/search?q=a", &fakeSearch{err: errors.New("disk on fire at /var/x")}, 500, "", "参考编号"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			opts := Options{Logger: newTestLogger(&logs)}
			if tt.svc != nil {
				opts.Search = tt.svc
			}
			rec := get(t, New(opts), tt.target)
			require.Equal(t, tt.status, rec.Code, rec.Body.String())
			body := decode[apiErrorBody](t, rec)
			assert.Contains(t, body.Error, tt.text)
			assert.NotContains(t, body.Error, "disk on fire", "internals stay in the log")
			if tt.field != "" {
				assert.Contains(t, body.Errors, tt.field)
			}
			if tt.status == 500 {
				assert.Contains(t, logs.String(), "disk on fire")
			}
		})
	}
}

func TestSearchPage(t *testing.T) {
	t.Parallel()
	th := defaultTheme(t)
	tests := []struct {
		name    string
		target  string
		svc     *fakeSearch
		status  int
		want    []string // substrings of the page
		notWant []string
	}{
		{
			name: "empty query shows tips without asking the index", target: "/search/", svc: nil, status: 200,
			want: []string{"搜索提示", `name="q"`, "单个字也能搜索"}, notWant: []string{"共找到"},
		},
		{
			name: "results with facets, sorts and pages as links", target: "/search/?q=%E6%94%BF%E7%AD%96&kind=commitments&page=2",
			svc: &fakeSearch{res: cannedResult}, status: 200,
			want: []string{
				"共找到 23 条结果",
				`<a class="item-title" href="/commitments/c01/">惠企政策&lt;兑现&gt;</a>`,
				"推动<mark>政策兑现</mark>&lt;b&gt;",
				"市发展改革委、市财政局",
				`href="/search/?q=%E6%94%BF%E7%AD%96">全部`, // drops the kind filter and the page
				`href="/search/?kind=news&amp;q=%E6%94%BF%E7%AD%96"`,
				`aria-current="page">承诺践诺`,
				`href="/search/?kind=commitments&amp;q=%E6%94%BF%E7%AD%96&amp;sort=date"`,
				`href="/search/?kind=commitments&amp;page=3&amp;q=%E6%94%BF%E7%AD%96" rel="next"`,
				`<input type="hidden" name="kind" value="commitments">`,
			},
			notWant: []string{"搜索提示"},
		},
		{
			name: "no results", target: "/search/?q=zzz", svc: &fakeSearch{res: searchapi.Result{Query: searchapi.Query{Page: 1, Size: 10}}}, status: 200,
			want: []string{"没有找到相关内容"},
		},
		{
			name: "query is escaped", target: "/search/?q=%3Cscript%3Ealert(1)%3C/script%3E", svc: &fakeSearch{res: searchapi.Result{Query: searchapi.Query{Page: 1, Size: 10}}}, status: 200,
			want: []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, notWant: []string{"<script>alert"},
		},
		{
			name: "bad parameter", target: "/search/?q=a&page=-1", svc: &fakeSearch{}, status: 400,
			want: []string{"页码须为 1 至", `role="alert"`},
		},
		{
			name: "no index", target: "/search/?q=a", svc: &fakeSearch{err: searchapi.ErrNoIndex}, status: 503,
			want: []string{"搜索服务暂不可用"},
		},
		{
			name: "no slash", target: "/search?q=a", svc: &fakeSearch{res: searchapi.Result{Query: searchapi.Query{Page: 1, Size: 10}}}, status: 200,
			want: []string{"共找到 0 条结果"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			opts := Options{Pages: th, Logger: newTestLogger(&logs)}
			if tt.svc != nil {
				opts.Search = tt.svc
			}
			rec := get(t, New(opts), tt.target)
			require.Equal(t, tt.status, rec.Code, logs.String())
			assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))
			page := rec.Body.String()
			for _, w := range tt.want {
				assert.Contains(t, page, w)
			}
			for _, w := range tt.notWant {
				assert.NotContains(t, page, w)
			}
			assert.NotContains(t, page, "&amp;lt;", "nothing is escaped twice")
		})
	}
}

func TestSearchURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    searchapi.Query
		want string
	}{
		{"empty", searchapi.Query{}, "/search/"},
		{"relevance is the default", searchapi.Query{Text: "税", Sort: "relevance", Page: 1}, "/search/?q=%E7%A8%8E"},
		{"everything", searchapi.Query{Text: "a b", Kind: "news", Department: "fgw", Year: 2025, Status: "整改中", Sort: "date", Page: 3, Size: 20},
			"/search/?department=fgw&kind=news&page=3&q=a+b&size=20&sort=date&status=%E6%95%B4%E6%94%B9%E4%B8%AD&year=2025"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, searchURL(tt.q))
			if tt.q.Text != "" {
				assert.True(t, strings.HasPrefix(tt.want, "/search/?"))
			}
		})
	}
}

func TestComplaintIntent(t *testing.T) {
	t.Parallel()
	tests := []struct{ q, category string }{
		{"政府拖欠企业工程款怎么投诉", "拖欠账款"},
		{"投诉", "其他"},
		{"举报新官不理旧账", "新官不理旧账"},
		{"行政处罚信用修复", "异议申诉"},
		{"对公示信息有异议", "异议申诉"},
		{"政务诚信", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			link := complaintIntent(tt.q)
			if tt.category == "" {
				assert.Nil(t, link)
				return
			}
			require.NotNil(t, link)
			assert.Equal(t, "/complaints/?category="+url.QueryEscape(tt.category), link.URL)
			assert.Contains(t, link.Label, tt.category)
		})
	}
}

// TestSearchExplains: the JSON answer and the page say how the query was
// read (relaxed words, folded spelling, question words) and offer the
// complaint form for a query about a complaint.
func TestSearchExplains(t *testing.T) {
	t.Parallel()
	res := cannedResult
	res.Relaxed = &searchapi.Relaxation{Query: "政府 拖欠 工程", Dropped: []string{"投诉"}}
	res.Folded = "政府拖欠工程款"
	res.Ignored = []string{"怎么"}
	fs := &fakeSearch{res: res}
	rec := get(t, New(Options{Search: fs}), "/api/search?q="+url.QueryEscape("政府拖欠工程款怎么投诉"))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var body apiSearchBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	require.NotNil(t, body.Relaxed)
	assert.Equal(t, []string{"投诉"}, body.Relaxed.Dropped)
	assert.Equal(t, []string{"怎么"}, body.Ignored)
	require.NotNil(t, body.Intent)
	assert.Equal(t, "/complaints/?category="+url.QueryEscape("拖欠账款"), body.Intent.URL)
	assert.Len(t, body.Notes, 3)

	page := get(t, New(Options{Search: fs, Pages: defaultTheme(t)}), "/search/?q="+url.QueryEscape("政府拖欠工程款怎么投诉"))
	html := page.Body.String()
	assert.Contains(t, html, `class="search-intent"`)
	assert.Contains(t, html, "/complaints/?category="+url.QueryEscape("拖欠账款"))
	assert.Contains(t, html, "未要求包含：投诉")
	// Not "疑问词": the words set aside are also 的, 我要, 需要 and particles.
	assert.Contains(t, html, "不要求出现在结果中：怎么")
	assert.NotContains(t, html, "疑问词")
}

// TestSearchFilterErrorBesideFilters: a filter the index refuses is a 400
// page with the message beside the filters and a link without it.
func TestSearchFilterErrorBesideFilters(t *testing.T) {
	t.Parallel()
	fs := &fakeSearch{err: &searchapi.QueryError{Field: "kind", Msg: `"x" is not a known kind; allowed: news`, MsgZH: "栏目“x”不存在，可选：信用动态（news）"}}
	rec := get(t, New(Options{Search: fs, Pages: defaultTheme(t)}), "/search/?q=a&kind=x")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	html := rec.Body.String()
	assert.Contains(t, html, "筛选条件有误")
	assert.Contains(t, html, "栏目“x”不存在，可选：信用动态（news）")
	assert.Contains(t, html, `href="/search/?q=a"`)
}
