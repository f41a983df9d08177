package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFacetsPagingAndSnippets(t *testing.T) {
	t.Parallel()
	ix := buildSmall(t, Options{Shards: 2})
	ctx := context.Background()

	r, err := ix.Search(ctx, Query{Department: "fgw"})
	require.NoError(t, err)
	facets := map[string]map[string]FacetValue{}
	for _, f := range r.Facets {
		facets[f.Field] = map[string]FacetValue{}
		for _, v := range f.Values {
			facets[f.Field][v.Value] = v
		}
	}
	assert.Equal(t, FacetValue{Value: "commitments", Label: "承诺践诺", Count: 1}, facets["kind"]["commitments"])
	assert.Equal(t, FacetValue{Value: "fgw", Label: "市发展改革委", Count: 2, Selected: true}, facets["department"]["fgw"])
	assert.Equal(t, FacetValue{Value: "czj", Label: "市财政局", Count: 1}, facets["department"]["czj"])
	assert.Equal(t, 2, facets["year"]["2024"].Count)

	t.Run("pages cover every hit once", func(t *testing.T) {
		var all []string
		for page := 1; page <= 3; page++ {
			r, err := ix.Search(ctx, Query{Sort: SortDate, Size: 2, Page: page})
			require.NoError(t, err)
			assert.Equal(t, 6, r.Total)
			assert.Equal(t, 3, r.Pages())
			all = append(all, urls(r)...)
		}
		assert.Equal(t, []string{"/records/r1/", "/disclosures/d1/", "/cases/k1/", "/commitments/c01/", "/policies/p1/", "/news/n1/"}, all)
	})

	t.Run("hit fields and snippet", func(t *testing.T) {
		r, err := ix.Search(ctx, Query{Text: "alert 纳税人"})
		require.NoError(t, err)
		require.Len(t, r.Hits, 1)
		h := r.Hits[0]
		assert.Equal(t, Hit{URL: "/news/n1/", Title: "个人所得税专项附加扣除政策宣讲", Kind: "news", KindLabel: "信用动态",
			Departments: []string{"市税务局"}, Date: "2024-06-01", Snippet: h.Snippet, Score: h.Score}, h)
		assert.Contains(t, h.Snippet, "<mark>纳税人</mark>")
		assert.Contains(t, h.Snippet, "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;")
	})

	t.Run("full-width text is highlighted as written", func(t *testing.T) {
		r, err := ix.Search(ctx, Query{Text: "1个工作日 abc"})
		require.NoError(t, err)
		require.Len(t, r.Hits, 1)
		assert.Contains(t, r.Hits[0].Snippet, "<mark>１个工作日</mark>")
		assert.Contains(t, r.Hits[0].Snippet, "<mark>ＡＢＣ</mark>")
	})
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	ix := buildSmall(t, Options{Shards: 1})
	tests := []struct {
		name  string
		q     Query
		field string
	}{
		{"too long", Query{Text: strings.Repeat("税", MaxQueryRunes+1)}, "q"},
		{"invalid utf-8", Query{Text: "\xff\xfe"}, "q"},
		{"page too deep", Query{Text: "税", Page: MaxPage + 1}, "page"},
		{"negative page", Query{Text: "税", Page: -1}, "page"},
		{"size too large", Query{Text: "税", Size: MaxPageSize + 1}, "size"},
		{"bad sort", Query{Text: "税", Sort: "random"}, "sort"},
		{"bad year", Query{Year: 99999}, "year"},
		{"control character in a filter", Query{Kind: "news\x00"}, "kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Search(context.Background(), tt.q)
			var qe *QueryError
			require.ErrorAs(t, err, &qe)
			assert.Equal(t, tt.field, qe.Field)
			assert.NotEmpty(t, qe.MsgZH)
		})
	}
	t.Run("exactly the limit is fine", func(t *testing.T) {
		_, err := ix.Search(context.Background(), Query{Text: strings.Repeat("税", MaxQueryRunes)})
		require.NoError(t, err)
	})
}

func TestSnippet(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("前文内容。", 60) + "关键的政策兑现在这里" + strings.Repeat("后文内容。", 60)
	tests := []struct {
		name    string
		text    string
		summary string
		needles [][]string
		want    string
	}{
		{"no match shows the summary", "正文", "摘要<b>", [][]string{{"无关"}}, "摘要&lt;b&gt;"},
		{"no text uses the summary", "", "摘要", [][]string{{"摘要"}}, "<mark>摘要</mark>"},
		{"whole clause first", "甲乙丙丁", "", [][]string{{"乙丙", "乙丙"}}, "甲<mark>乙丙</mark>丁"},
		{"terms when the clause is not contiguous", "政策 兑现", "", [][]string{{"政策兑现", "政策", "兑现"}}, "<mark>政策</mark> <mark>兑现</mark>"},
		{"adjacent marks merge", "abab", "", [][]string{{"ab"}}, "<mark>abab</mark>"},
		{"escapes around marks", "<i>税</i>", "", [][]string{{"税"}}, "&lt;i&gt;<mark>税</mark>&lt;/i&gt;"},
		{"window around a late match", long, "", [][]string{{"政策兑现"}}, "…" + strings.Repeat("前文内容。", 4) + "关键的<mark>政策兑现</mark>在这里" + strings.Repeat("后文内容。", 18) + "…"},
		{"full-width matched through NFKC", "编号２０２４号", "", [][]string{{"2024"}}, "编号<mark>２０２４</mark>号"},
		{"brackets of any style", "依据临发改信用〔2024〕295号", "", [][]string{{"临发改信用[2024]295号"}}, "依据<mark>临发改信用〔2024〕295号</mark>"},
		{"white space collapsed", "甲\n\n  乙", "", nil, "甲 乙"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := snippet(tt.text, tt.summary, tt.needles, snippetRunes)
			assert.Equal(t, tt.want, got)
			assert.True(t, utf8.ValidString(got))
		})
	}
}

func TestParseQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []clause
	}{
		{"words", "政策  兑现\u3000企业", []clause{{text: "政策"}, {text: "兑现"}, {text: "企业"}}},
		{"quoted phrase", `"免申 即享" 税`, []clause{{text: "免申 即享", phrase: true}, {text: "税"}}},
		{"chinese quotes", "“政策兑现”「企业」", []clause{{text: "政策兑现", phrase: true}, {text: "企业", phrase: true}}},
		{"unclosed quote runs to the end (账 folds to 帐)", `"拖欠 账款`, []clause{{text: "拖欠 帐款", phrase: true}}},
		{"empty quotes dropped", `"" 税`, []clause{{text: "税"}}},
		{"full-width folded", "ＡＢＣ１２３", []clause{{text: "abc123"}}},
		{"clause limit", strings.Repeat("a ", 40), func() []clause {
			var c []clause
			for range maxClauses {
				c = append(c, clause{text: "a"})
			}
			return c
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, parseQuery(tt.in))
		})
	}
}

func TestCanonicalID(t *testing.T) {
	t.Parallel()
	want := canonicalID("临发改信用〔2024〕295号")
	for _, in := range []string{"临发改信用[2024]295号", "临发改信用［２０２４］２９５号", "临发改信用(2024)295号", "临发改信用（2024）295号", "临发改信用【2024】295号", " 临发改信用 〔2024〕 295号 "} {
		assert.Equal(t, want, canonicalID(in), in)
	}
	assert.Equal(t, canonicalID("91371300MA3C8XYZ1K"), canonicalID("91371300ma3c8xyz1k"))
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"政策兑现", `"免申即享" 税`, "临发改信用［２０２４］２９５号", "“", `"`, "a\u3000b", "\xff", strings.Repeat("税 ", 120)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs := parseQuery(s)
		require.LessOrEqual(t, len(cs), maxClauses)
		for _, c := range cs {
			require.NotEmpty(t, c.text)
			require.Equal(t, strings.TrimSpace(c.text), c.text)
		}
		q := Query{Text: s}
		if q.Validate() == nil {
			require.LessOrEqual(t, utf8.RuneCountInString(s), MaxQueryRunes)
		}
		id := canonicalID(s)
		require.Equal(t, id, canonicalID(id), "canonical ids are stable")
		var needles [][]string
		for _, c := range cs {
			needles = append(needles, []string{c.text})
		}
		sn := snippet(s+" 文本", "", needles, 20)
		require.True(t, utf8.ValidString(sn) || !utf8.ValidString(s))
		require.NotContains(t, strings.ReplaceAll(strings.ReplaceAll(sn, "<mark>", ""), "</mark>", ""), "<")
	})
}

// FuzzSearch runs arbitrary queries against a real index: none may fail
// with anything but a QueryError.
func FuzzSearch(f *testing.F) {
	dir := f.TempDir()
	_, err := Build(context.Background(), dir, smallDocs(), Options{Shards: 2})
	require.NoError(f, err)
	ix, err := Open(dir)
	require.NoError(f, err)
	f.Cleanup(func() { ix.Close() })
	for _, s := range []string{"政策兑现", `"拖欠中小企业账款"`, "税", "91371300MA3C8XYZ1K", "临发改信用[2024]295号", "*", "a OR b", "-税", "\x00", "「」"} {
		f.Add(s, "", 0)
	}
	f.Fuzz(func(t *testing.T, text, kind string, page int) {
		r, err := ix.Search(context.Background(), Query{Text: text, Kind: kind, Page: page})
		var qe *QueryError
		if err != nil {
			require.ErrorAs(t, err, &qe)
			return
		}
		require.LessOrEqual(t, len(r.Hits), r.Query.Size)
		for _, h := range r.Hits {
			require.True(t, utf8.ValidString(string(h.Snippet)))
		}
	})
}

func TestBuildSwitchesAtomically(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()

	_, err := Open(dir)
	require.ErrorIs(t, err, ErrNoIndex)
	f := Follow(dir)
	defer f.Close()
	_, err = f.Search(ctx, Query{Text: "税"})
	require.ErrorIs(t, err, ErrNoIndex)

	gen := func(n int) []Document {
		docs := smallDocs()
		for i := range docs {
			docs[i].Title = fmt.Sprintf("第%d版 %s", n, docs[i].Title)
		}
		return docs
	}
	_, err = Build(ctx, dir, gen(1), Options{Shards: 2})
	require.NoError(t, err)
	f.lastCheck.Store(0) // do not wait for the reload interval
	r, err := f.Search(ctx, Query{Text: "第1版"})
	require.NoError(t, err)
	assert.Equal(t, 6, r.Total)

	// Queries keep answering while the index is rebuilt several times.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var errs []error
	var mu sync.Mutex
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				f.lastCheck.Store(0)
				if _, err := f.Search(ctx, Query{Text: "税"}); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for n := 2; n <= 5; n++ {
		_, err := Build(ctx, dir, gen(n), Options{Shards: 2})
		require.NoError(t, err)
	}
	close(stop)
	wg.Wait()
	assert.Empty(t, errs)

	f.lastCheck.Store(0)
	r, err = f.Search(ctx, Query{Text: "第5版"})
	require.NoError(t, err)
	assert.Equal(t, 6, r.Total, "the follower switched to the newest index")

	// The follower has let go of every older index (it closes the one it
	// leaves once its queries return), and the last reader removes it.
	require.Eventually(t, func() bool { return slices.Equal(indexDirs(dir), []string{"index-5"}) }, 5*time.Second, 10*time.Millisecond,
		"only the current index is kept once no one reads the others: %v", indexDirs(dir))
	cur, err := readPointer(dir)
	require.NoError(t, err)
	assert.Equal(t, "index-5", cur)

	// A second reader opens the same index read-only while the follower has it.
	ix, err := Open(dir)
	require.NoError(t, err)
	defer ix.Close()
	r, err = ix.Search(ctx, Query{Text: "第5版"})
	require.NoError(t, err)
	assert.Equal(t, 6, r.Total)
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	_, err := Build(ctx, dir, []Document{{URL: "/a/"}, {URL: "/a/"}}, Options{})
	require.ErrorContains(t, err, "/a/")
	_, err = Build(ctx, dir, []Document{{Title: "无地址"}}, Options{})
	require.ErrorContains(t, err, "no URL")
	assert.Empty(t, indexDirs(dir), "a failed build leaves nothing behind")

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Build(cctx, dir, smallDocs(), Options{})
	require.True(t, errors.Is(err, context.Canceled), err)
	_, err = os.Stat(filepath.Join(dir, pointerName))
	require.ErrorIs(t, err, os.ErrNotExist)

	t.Run("empty site", func(t *testing.T) {
		dir := t.TempDir()
		_, err := Build(ctx, dir, nil, Options{})
		require.NoError(t, err)
		ix, err := Open(dir)
		require.NoError(t, err)
		defer ix.Close()
		r, err := ix.Search(ctx, Query{Text: "税"})
		require.NoError(t, err)
		assert.Zero(t, r.Total)
	})
}

// TestPagingWithTies pages through hits that share their sort value (the
// same date, the same score) across two shards: every hit appears exactly
// once, and the same request gives the same page.
func TestPagingWithTies(t *testing.T) {
	t.Parallel()
	var docs []Document
	for i := range 61 {
		docs = append(docs, Document{URL: fmt.Sprintf("/news/n%02d/", i), Title: "同日信用动态", Kind: "news", Date: day("2025-05-01"), Text: "同样的正文。"})
	}
	dir := t.TempDir()
	_, err := Build(context.Background(), dir, docs, Options{Shards: 2})
	require.NoError(t, err)
	ix, err := Open(dir)
	require.NoError(t, err)
	defer ix.Close()
	for _, sort := range []string{SortDate, SortRelevance} {
		t.Run(sort, func(t *testing.T) {
			seen := map[string]int{}
			for page := 1; page <= 9; page++ {
				q := Query{Text: "信用动态", Sort: sort, Size: 7, Page: page}
				r, err := ix.Search(context.Background(), q)
				require.NoError(t, err)
				again, err := ix.Search(context.Background(), q)
				require.NoError(t, err)
				assert.Equal(t, urls(r), urls(again), "page %d is stable", page)
				for _, u := range urls(r) {
					seen[u]++
				}
			}
			assert.Len(t, seen, 61)
			for u, n := range seen {
				assert.Equal(t, 1, n, u)
			}
		})
	}
}
