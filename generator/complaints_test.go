package generator

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
	"portal/generator/theme"
	"portal/themes"
)

func TestComplaintStatsPage(t *testing.T) {
	site := &model.Site{Departments: []*model.Department{{ID: "fgw", Name: "临沂市发展和改革委员会", Short: "市发展改革委"}, {ID: "sj", Name: "临沂市审计局", Short: "市审计局"}}}
	st := &model.ComplaintStats{
		Departments: map[string]model.DepartmentComplaintStats{
			"fgw":  {Received: 4, Accepted: 3, Replied: 2, RepliedInTime: 1, MedianDaysToReply: 4.5, Visited: 2, Satisfied: 1, Unsatisfied: 1},
			"":     {Received: 1},
			"gone": {Received: 2},
		},
		Monthly: []model.MonthlyComplaintStats{{Month: "2025-01", Received: 7, Replied: 2, ReplyRate: 2.0 / 7, Satisfaction: 0.5}},
		Replies: []model.PublicReply{{Receipt: "TS-20250115-000001", Department: "fgw", AcceptedDate: "2025-01-16", RepliedDate: "2025-01-20", Title: "拖欠<工程款>", Reply: "已支付。"}},
		Total:   model.DepartmentComplaintStats{Received: 7, Accepted: 3, Replied: 2, RepliedInTime: 1, MedianDaysToReply: 4.5, Visited: 2, Satisfied: 1, Unsatisfied: 1},
	}
	p := statsPage(site, st)
	require.Len(t, p.Departments, 3)
	assert.Equal(t, []string{"市发展改革委", "gone", "不确定（待转办）"}, []string{p.Departments[0].Name, p.Departments[1].Name, p.Departments[2].Name})
	assert.Equal(t, "50.0%", p.Departments[0].InTimeRate)
	assert.Equal(t, "50.0%", p.Departments[0].SatisfactionRate)
	assert.Equal(t, "4.5 个工作日", p.Departments[0].MedianDaysToReply)
	assert.Equal(t, "—", p.Departments[2].InTimeRate, "no replies: no rate")
	assert.Equal(t, "28.6%", p.Monthly[0].ReplyRate)

	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, th.Render(&b, "complaints-stats", &theme.Page{Title: "投诉办理统计", Path: "/complaints/stats/"}, &SiteView{Title: "测试"}, p))
	html := b.String()
	for _, want := range []string{"<svg", `aria-labelledby="complaints-by-dept-t`, "complaints-by-month", "市发展改革委", "4.5 个工作日", "2025-01", "28.6%",
		"拖欠&lt;工程款&gt;", "已支付。", `<a href="/departments/fgw/">临沂市发展和改革委员会</a>`} {
		assert.Contains(t, html, want)
	}
	assert.NotContains(t, html, "&amp;lt;")
}
