package generator

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
