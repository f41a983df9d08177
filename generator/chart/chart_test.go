package chart

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestHBar(t *testing.T) {
	tests := []struct {
		name     string
		bars     []Bar
		contains []string
	}{
		{"accessible with figures as text", []Bar{{"已兑现", 3, "fulfilled", false}, {"已逾期", 1, "overdue", false}},
			[]string{`role="img"`, `<title id="c-t">承诺状态</title>`, "共4项：已兑现 3项，已逾期 1项", `>3</text>`, `>1</text>`, `fill="#b3261e"`, `width="190"`}},
		{"a part is not added to the total", []Bar{{"未兑现", 2, "broken", false}, {"其中已逾期", 2, "overdue", true}}, []string{"共2项：未兑现 2项，其中已逾期 2项"}},
		{"all zero draws no bars", []Bar{{"已兑现", 0, "fulfilled", false}}, []string{`width="0"`, "共0项"}},
		{"labels escaped", []Bar{{"<b>", 1, "", false}}, []string{"&lt;b&gt;"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(HBar("c", "承诺状态", tt.bars))
			for _, c := range tt.contains {
				assert.Contains(t, got, c)
			}
			assert.False(t, strings.Contains(got, "<b>"))
		})
	}
}

func TestLine(t *testing.T) {
	pts := []Point{{Label: "Q1\n2025", Name: "2025年第一季度", Missing: true}, {Label: "Q2", Name: "2025年第二季度", Value: 85.3}, {Label: "Q3", Value: 90},
		{Label: "Q4", Missing: true}, {Label: "<q>", Value: 60}}
	got := string(Line("t", "市财政局评价得分", "分", 100, pts, []Guide{{Value: 90, Label: "优"}}))
	for _, want := range []string{`role="img"`, `<title id="t-t">市财政局评价得分</title>`,
		"2025年第一季度 无评价结果，2025年第二季度 85.3分，Q3 90分，Q4 无评价结果，&lt;q&gt; 60分", `>85.3</text>`, `>—</text>`, `stroke-dasharray`, `>优</text>`,
		`>Q1</text>`, `>2025</text>`} {
		assert.Contains(t, got, want)
	}
	assert.Equal(t, 1, strings.Count(got, "<polyline"), "the line breaks at the missing point; a lone point is a dot")
	assert.NotContains(t, got, "<q>")
	for _, m := range regexp.MustCompile(`font-size="(\d+)"`).FindAllStringSubmatch(got, -1) {
		size, _ := strconv.Atoi(m[1])
		assert.GreaterOrEqual(t, size, 14, "text stays legible on a phone")
	}
	w, _ := strconv.Atoi(regexp.MustCompile(`width="(\d+)"`).FindStringSubmatch(got)[1])
	assert.LessOrEqual(t, w*14, 358*15, "drawn at ≥14 px in a 358 px column: %d units wide", w)

	one := string(Line("u", "x", "分", 100, []Point{{Label: "2025年", Value: 50}}, nil))
	assert.Contains(t, one, `<circle`)
	assert.NotContains(t, one, `<polyline`)

	// Eight quarters with two-line labels still fit a phone.
	var q []Point
	for i := range 8 {
		q = append(q, Point{Label: []string{"Q1\n2025", "Q2", "Q3", "Q4", "Q1\n2026", "Q2", "Q3", "Q4"}[i], Value: 100})
	}
	eight := string(Line("v", "x", "分", 100, q, nil))
	w, _ = strconv.Atoi(regexp.MustCompile(`width="(\d+)"`).FindStringSubmatch(eight)[1])
	assert.LessOrEqual(t, w*14, 358*15, "eight quarters: %d units wide", w)
}
