package search

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFastPathMatchesBleve answers the same queries through the fast path
// (postings walked directly) and through bleve's searchers, over enough
// pages (1,200) that common terms become unscored filters, and requires the
// same totals, facets, hits and order, and scores in proportion.
func TestFastPathMatchesBleve(t *testing.T) {
	sentences := []string{
		"加强政务诚信建设，推进企业信用修复。",
		"健全防范和化解政府拖欠中小企业账款长效机制。",
		"落实免申即享政策兑现，优化营商环境。",
		"依法纳税，税费减免政策直达企业。",
		"新官不理旧账问题专项治理。",
		"ABC 公司 2024 年 Report。",
	}
	kinds := []string{"news", "cases", "records", "policies"}
	depts := []string{"fgw", "czj", "sfj"}
	var docs []Document
	for i := range 1200 {
		var b strings.Builder
		b.WriteString(sentences[0]) // in every page
		for j, s := range sentences[1:] {
			if i%(j+2) == 0 || (j == 3 && i%97 == 0) {
				b.WriteString(s)
			}
		}
		for range i % 5 {
			b.WriteString("企业")
		}
		docs = append(docs, Document{
			URL: fmt.Sprintf("/%s/p%04d/", kinds[i%4], i), Title: fmt.Sprintf("第%d号", i),
			Text: b.String(), Kind: kinds[i%4], Departments: []string{depts[i%3]},
			Status: []string{"", "done"}[i%2],
			Date:   time.Date(2020+i%5, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC),
		})
	}
	dir := t.TempDir()
	_, err := Build(context.Background(), dir, docs, Options{Shards: 2})
	require.NoError(t, err)
	ix, err := Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { ix.Close() })

	queries := []Query{
		{Text: "政务诚信"},
		{Text: "企业"},
		{Text: "信"},
		{Text: "拖欠中小企业账款"},
		{Text: "免申即享 营商环境"},
		{Text: "\"新官不理旧账\"", Page: 2},
		{Text: "税", Sort: SortDate},
		{Text: "企业", Kind: "cases", Department: "fgw"},
		{Text: "政务诚信", Year: 2023, Status: "done"},
		{Text: "report 2024"},
		{Kind: "records", Sort: SortDate, Page: 3},
		{},
		{Text: "不存在的词"},
		{Text: "企业", Page: 7, Size: 50},
	}
	for _, q := range queries {
		t.Run(fmt.Sprintf("%+v", q), func(t *testing.T) {
			slowPathOnly = false
			fast, err := ix.Search(context.Background(), q)
			require.NoError(t, err)
			slowPathOnly = true
			slow, err := ix.Search(context.Background(), q)
			slowPathOnly = false
			require.NoError(t, err)
			assert.Equal(t, slow.Total, fast.Total)
			assert.Equal(t, slow.Facets, fast.Facets)
			require.Equal(t, len(slow.Hits), len(fast.Hits))
			// bleve's query norm also counts the unscored terms, so its
			// scores are the fast path's times one factor per query.
			for i := range slow.Hits {
				assert.Equal(t, slow.Hits[i].URL, fast.Hits[i].URL, "hit %d", i)
				if fast.Hits[0].Score != 0 {
					assert.InDelta(t, slow.Hits[0].Score/fast.Hits[0].Score, slow.Hits[i].Score/fast.Hits[i].Score, 1e-9, "hit %d", i)
				} else {
					assert.Zero(t, slow.Hits[i].Score, "hit %d", i)
				}
			}
		})
	}
}
