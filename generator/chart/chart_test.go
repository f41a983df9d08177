package chart

import (
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
	pts := []Point{{Label: "2025Q1", Missing: true}, {Label: "2025Q2", Value: 85.3}, {Label: "2025Q3", Value: 90}, {Label: "2025Q4", Missing: true}, {Label: "<q>", Value: 60}}
	got := string(Line("t", "市财政局评价得分", "分", 100, pts, []Guide{{Value: 90, Label: "优"}}))
	for _, want := range []string{`role="img"`, `<title id="t-t">市财政局评价得分</title>`,
		"2025Q1 无评价结果，2025Q2 85.3分，2025Q3 90分，2025Q4 无评价结果，&lt;q&gt; 60分", `>85.3</text>`, `>—</text>`, `stroke-dasharray`, `>优</text>`} {
		assert.Contains(t, got, want)
	}
	assert.Equal(t, 1, strings.Count(got, "<polyline"), "the line breaks at the missing point; a lone point is a dot")
	assert.NotContains(t, got, "<q>")
	one := string(Line("u", "x", "分", 100, []Point{{Label: "2025", Value: 50}}, nil))
	assert.Contains(t, one, `<circle`)
	assert.NotContains(t, one, `<polyline`)
}
