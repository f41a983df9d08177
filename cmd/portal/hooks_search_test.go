package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/server"
	"portal/cmd/internal/siteindex"
	"portal/generator"
	"portal/generator/model"
	"portal/search"
	"portal/search/searchtest"
)

// measuredShipped is what the default analysis scored on the shipped
// judged set (search/testdata/judged_shipped.toml) when it was chosen;
// the test fails if a change lowers it.
var measuredShipped = struct{ P, R, MRR float64 }{P: 0.67, R: 0.98, MRR: 1}

// buildShipped builds a copy of the shipped site, index included.
func buildShipped(t *testing.T) (string, *generator.Result) {
	t.Helper()
	root := filepath.Join("..", "..")
	require.FileExists(t, filepath.Join(root, "portal.toml"), "the shipped site")
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(root, "portal.toml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portal.toml"), b, 0o644))
	copyTree(t, filepath.Join(root, "content"), filepath.Join(dir, "content"))
	copyTree(t, filepath.Join(root, "data"), filepath.Join(dir, "data"))
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	res, err := runPipeline(context.Background(), sitePipeline(generator.Options{SiteDir: dir, OutDir: filepath.Join(dir, "public"), Now: now}, "", nil), io.Discard)
	require.NoError(t, err)
	return dir, res
}

func loadJudged(t *testing.T) []searchtest.Judged {
	t.Helper()
	var f struct {
		Query []struct {
			Q        string
			Relevant []string
			Top      string
		}
	}
	_, err := toml.DecodeFile(filepath.Join("..", "..", "search", "testdata", "judged_shipped.toml"), &f)
	require.NoError(t, err)
	var out []searchtest.Judged
	for _, q := range f.Query {
		out = append(out, searchtest.Judged{Query: q.Q, Relevant: q.Relevant, Top: q.Top})
	}
	return out
}

// TestSearchShippedSite measures the judged queries on the shipped site.
// With PORTAL_SEARCH_DUMP=file it also writes the site's documents and the
// judged set for search/searchtest/gseeval.
func TestSearchShippedSite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole shipped site")
	}
	dir, res := buildShipped(t)
	judged := loadJudged(t)
	cfg := res.Site.Config
	ix, err := search.Open(siteindex.Dir(dir, cfg))
	require.NoError(t, err)
	defer ix.Close()
	assert.Equal(t, len(res.Entries)+len(res.Profiles), ix.Docs(), "every published page is indexed")

	urls := map[string]bool{}
	for _, e := range append(res.Entries, res.Profiles...) {
		urls[e.Path] = true
	}
	for _, j := range judged {
		for _, u := range j.Relevant {
			assert.True(t, urls[u], "judged page %s of %q is published", u, j.Query)
		}
	}

	m, err := searchtest.Evaluate(context.Background(), ix, judged, 10)
	require.NoError(t, err)
	var b strings.Builder
	m.WriteTable(&b)
	t.Logf("shipped site, %d pages:\n%s", ix.Docs(), b.String())
	assert.GreaterOrEqual(t, m.PrecisionK, measuredShipped.P)
	assert.GreaterOrEqual(t, m.RecallK, measuredShipped.R)
	assert.GreaterOrEqual(t, m.MRR, measuredShipped.MRR)
	assert.Equal(t, m.TopAsked, m.TopOK, "identifier lookups come first")

	if out := os.Getenv("PORTAL_SEARCH_DUMP"); out != "" {
		var dump struct {
			Docs   []search.Document
			Judged []searchtest.Judged
		}
		dump.Docs = siteindex.Documents(res)
		dump.Judged = judged
		b, err := json.Marshal(dump)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(out, b, 0o644))
	}
}

// TestSearchServed runs the real index behind the real handler and theme.
func TestSearchServed(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole shipped site")
	}
	dir, res := buildShipped(t)
	svc, err := openSearch(dir, res.Site.Config)
	require.NoError(t, err)
	defer svc.Close()
	require.NotNil(t, res.Theme, "the build returns its theme with the site set")
	srv := server.New(server.Options{Search: svc, Pages: res.Theme})

	get := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		return rec
	}
	rec := get("/api/search?q=" + url.QueryEscape("临发改信用（2024）295号"))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var body struct {
		Total  int
		Hits   []struct{ URL, Title, Kind, Department, Date, Snippet string }
		Facets map[string][]struct {
			Value, Label string
			Count        int
		}
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	require.NotEmpty(t, body.Hits)
	assert.Equal(t, "/policies/lfgxy-2024-295/", body.Hits[0].URL)
	assert.Equal(t, "policies", body.Hits[0].Kind)
	assert.Equal(t, "市发展改革委", body.Hits[0].Department)
	assert.NotEmpty(t, body.Facets["kind"])

	rec = get("/api/search?q=" + url.QueryEscape("拖欠中小企业账款") + "&kind=records")
	require.Equal(t, http.StatusOK, rec.Code)
	body.Hits = nil
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
	require.NotEmpty(t, body.Hits)
	for _, h := range body.Hits {
		assert.Equal(t, "records", h.Kind)
		assert.Contains(t, h.Snippet, "<mark>")
	}

	rec = get("/api/search?q=" + url.QueryEscape(strings.Repeat("税", 201)))
	assert.Equal(t, http.StatusBadRequest, rec.Code)

	// The HTML page, in the site's theme, filtered by a facet link.
	rec = get("/search/?q=" + url.QueryEscape("政策兑现") + "&kind=" + string(model.KindCommitment))
	require.Equal(t, http.StatusOK, rec.Code)
	page := rec.Body.String()
	assert.Contains(t, page, res.Site.Config.Title)
	assert.Contains(t, page, "<mark>兑现</mark>")
	assert.Contains(t, page, `href="/commitments/m08-policy-fulfilment/"`)
	assert.NotContains(t, page, `href="/records/pingyi-policy-unfulfilled/"`, "the kind filter holds")
	assert.NotContains(t, page, "&amp;lt;")

	rec = get("/search/?q=" + url.QueryEscape(strings.Repeat("税", 201)))
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), "搜索词过长")

	// Filters the index does not hold are errors naming what is allowed; a
	// department or status given by name is understood.
	for _, tc := range []struct{ target, field, allowed string }{
		{"/api/search?q=a&kind=laws", "kind", "承诺践诺（commitments）"},
		{"/api/search?q=a&department=nosuch", "department", "市发展改革委（fgw）"},
		{"/api/search?q=a&status=lost", "status", "已兑现（fulfilled）"},
		{"/api/search?q=a&year=1990", "year", "2025"},
	} {
		rec = get(tc.target)
		assert.Equal(t, http.StatusBadRequest, rec.Code, tc.target)
		var e struct {
			Error  string
			Errors map[string]string
		}
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &e))
		assert.Contains(t, e.Errors[tc.field], tc.allowed, tc.target)
	}
	for _, target := range []string{"/api/search?q=" + url.QueryEscape("承诺") + "&department=" + url.QueryEscape("市发改委"),
		"/api/search?status=" + url.QueryEscape("已兑现")} {
		rec = get(target)
		require.Equal(t, http.StatusOK, rec.Code, target)
		body.Total = 0
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
		assert.Positive(t, body.Total, target)
	}
	rec = get("/search/?q=a&kind=laws")
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, rec.Body.String(), "筛选条件有误")

	// A question about a complaint offers the form with its category.
	rec = get("/api/search?q=" + url.QueryEscape("政府拖欠企业工程款怎么投诉"))
	require.Equal(t, http.StatusOK, rec.Code)
	var explained struct {
		Total   int
		Intent  struct{ URL string }
		Ignored []string
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &explained))
	assert.Equal(t, "/complaints/?category="+url.QueryEscape("拖欠账款"), explained.Intent.URL)
	assert.Contains(t, explained.Ignored, "怎么")
	assert.Positive(t, explained.Total)
}

// BenchmarkSearchHTTP measures queries per second through the real handler
// (JSON API) on a loopback listener, with concurrent clients. With
// PORTAL_BENCH_INDEX (a search state folder built by the search package's
// BenchmarkBuild) it uses that index; otherwise 2,000 generated pages.
//
//	PORTAL_BENCH_INDEX=/tmp/idx100k go test ./cmd/portal -run '^$' -bench SearchHTTP -benchtime 1x
func BenchmarkSearchHTTP(b *testing.B) {
	dir := os.Getenv("PORTAL_BENCH_INDEX")
	if dir == "" {
		dir = b.TempDir()
		if _, err := search.Build(context.Background(), dir, searchtest.Documents(searchtest.Corpus(2000, 1)), search.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	f := search.Follow(dir)
	defer f.Close()
	srv := httptest.NewServer(server.New(server.Options{Search: f}))
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	conc := 16
	if n, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_CLIENTS")); err == nil && n > 0 {
		conc = n
	}
	// Warm up, then measure for a fixed time per iteration.
	searchtest.Load(context.Background(), client, srv.URL+"/api/search", conc, time.Second)
	b.ResetTimer()
	for range b.N {
		r := searchtest.Load(context.Background(), client, srv.URL+"/api/search", conc, 10*time.Second)
		if r.Errors > 0 {
			b.Fatalf("%d errors: %v", r.Errors, r.Statuses)
		}
		b.ReportMetric(float64(r.Requests)/r.Elapsed.Seconds(), "queries/s")
		b.ReportMetric(float64(r.Median.Microseconds())/1000, "ms-median")
		b.ReportMetric(float64(r.P99.Microseconds())/1000, "ms-p99")
	}
}
