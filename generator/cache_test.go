package generator

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/fingerprint"
	"portal/generator/markdown"
	"portal/generator/model"
)

// TestMemo: a value is computed once while runs keep using its string, found
// again in the run after the one that computed it, and forgotten once a
// whole run went by without it.
func TestMemo(t *testing.T) {
	var mu sync.Mutex
	var m memo[int]
	calls := map[string]int{}
	f := func(s string) int { calls[s]++; return len(s) }
	tests := []struct {
		name    string
		runs    []string // strings looked up, one run each ("" = none)
		s       string
		want    int
		compute int // how many times f ran for s in all
	}{
		{"the same run", []string{"甲"}, "甲", 3, 1},
		{"the next run", []string{"甲", ""}, "甲", 3, 1},
		{"used in every run", []string{"甲", "甲", "甲"}, "甲", 3, 1},
		{"a run without it", []string{"甲", "", ""}, "甲", 3, 2},
		{"another string", []string{"甲"}, "乙乙", 6, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, calls = memo[int]{}, map[string]int{}
			for i, s := range tt.runs {
				if i > 0 {
					m.next()
				}
				if s != "" {
					assert.Equal(t, len(s), m.get(&mu, s, f))
				}
			}
			assert.Equal(t, tt.want, m.get(&mu, tt.s, f))
			assert.Equal(t, tt.compute, calls[tt.s])
		})
	}
	// A string is found by where its bytes are, not by reading them: the
	// same bytes elsewhere are computed again (and give the same value).
	m, calls = memo[int]{}, map[string]int{}
	a := strings.Repeat("承诺", 100)
	assert.Equal(t, 600, m.get(&mu, a, f))
	assert.Equal(t, 600, m.get(&mu, a, f))
	assert.Equal(t, 600, m.get(&mu, strings.Clone(a), f))
	assert.Equal(t, 2, calls[a])
	assert.Equal(t, 0, m.get(&mu, "", f), "the empty string is computed, not looked up")
}

// TestSpillAt: a one-shot run spills its Markdown from the start without
// a memory limit, and past an eighth of one.
func TestSpillAt(t *testing.T) {
	for _, tc := range []struct {
		limit, want int64
	}{
		{math.MaxInt64, 0},
		{0, 0},
		{-1, 0},
		{1 << 30, 1 << 27},
		{1288490188, 161061273},
	} {
		assert.Equal(t, tc.want, spillAt(tc.limit), "limit %d", tc.limit)
	}
}

// TestSpillThreshold: a one-shot run's cache spills from the first batch
// when the Markdown it expects would pass the threshold, and otherwise
// only once what it rendered passes it (the estimate may be low).
func TestSpillThreshold(t *testing.T) {
	for _, tc := range []struct {
		name     string
		expect   int64 // bytes of source expected
		rendered []int // bytes rendered per batch
		spillsAt int   // the batch the spill starts at (-1: none)
	}{
		{name: "expected large: from the start", expect: 600, rendered: []int{100, 100}, spillsAt: 0},
		{name: "expected small, stays small", expect: 100, rendered: []int{100, 100, 100}, spillsAt: -1},
		{name: "expected small, renders large", expect: 100, rendered: []int{400, 400, 400}, spillsAt: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(t.TempDir())
			c.startSpill(t.TempDir(), nil, 1000)
			c.expectMarkdown(tc.expect)
			got := -1
			for i, n := range tc.rendered {
				src := strings.Repeat("字", n/3) + strconv.Itoa(i)
				_, key, err := c.render(src)
				require.NoError(t, err)
				it := &item{bodyKey: key, common: &model.Common{Body: src}}
				c.spillBatch([]*item{it})
				if c.spill != nil && got < 0 {
					got = i
				}
			}
			c.endSpill()
			assert.Equal(t, tc.spillsAt, got)
		})
	}
}

// TestRenderLoadedBodies: a run whose records are not the loader's (a
// site given to Generate) has its bodies' UTF-8 checked and mended, as
// markdown.Render does; a run of the loader's renders them unchecked
// (bodiesLoaded), to the same HTML, until endRun.
func TestRenderLoadedBodies(t *testing.T) {
	site := tinySite()
	site.Cases[0].Body = "案例\x80正文。"
	out := filepath.Join(t.TempDir(), "public")
	_, err := Generate(context.Background(), site, Options{SiteDir: t.TempDir(), OutDir: out, Now: date("2025-07-01")})
	require.NoError(t, err)
	page, err := os.ReadFile(filepath.Join(out, "cases", "k1", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "<p>案例\uFFFD正文。</p>")

	c := newCache(t.TempDir())
	c.once = true // no memo of the source's key
	bad, _, err := c.render("正文\x80")
	require.NoError(t, err)
	assert.Equal(t, "<p>正文\uFFFD</p>\n", bad.HTML)
	want, _, err := c.render("## 标题\n\n正文。")
	require.NoError(t, err)
	c.bodiesLoaded()
	c.docs = map[fingerprint.Sum]markdown.Doc{} // render it again
	got, _, err := c.render("## 标题\n\n正文。")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	c.endRun()
	assert.False(t, c.loaded, "endRun forgets that the bodies were the loader's")

	// A build from the site's folder renders the loader's bodies.
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"portal.toml":           "title = \"测试\"\nbase_url = \"https://xyxx.example.gov.cn/\"\n",
		"data/departments.toml": nationalRegistry,
		"content/news/a.md":     "+++\ntitle = \"第一条\"\ndate = 2025-06-01\ndepartment = \"scjg\"\n+++\n正文甲一\n",
	})
	var loaded bool
	p := New(Options{SiteDir: dir, Now: date("2025-07-01")}).Before(StagePublish, Stage{Name: "look", Run: func(_ context.Context, r *Result) error {
		loaded = r.cache.loaded
		return nil
	}})
	_, err = p.Run(context.Background())
	require.NoError(t, err)
	assert.True(t, loaded)
}
