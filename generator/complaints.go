package generator

import (
	"fmt"
	"html/template"
	"sort"
	"time"

	"portal/generator/chart"
	"portal/generator/model"
	"portal/generator/theme"
)

// ComplaintStatsPage is the /complaints/stats/ page's .Data (layout
// complaints-stats), made when a stage sets Result.ComplaintStats: the public
// figures, already formatted, and two static SVG charts. It carries no
// personal data: counts, rates, and the replies whose complainants consented
// (masked for phone, ID and e-mail patterns by intake).
type ComplaintStatsPage struct {
	AsOf        time.Time // the build date the figures are counted on
	Total       StatsRow
	Departments []StatsRow // registry order, only bodies with complaints; 不确定 last
	Monthly     []MonthRow // oldest first
	Replies     []ReplyRow // newest first
	DeptChart   template.HTML
	MonthChart  template.HTML
}

// StatsRow is one department's (or the site's) figures.
type StatsRow struct {
	ID, Name, URL     string
	Stats             model.DepartmentComplaintStats
	InTimeRate        string // 按时答复率 over replied
	SatisfactionRate  string // (满意 + 基本满意) / 回访
	MedianDaysToReply string
}

// MonthRow is one month's figures.
type MonthRow struct {
	Month                   string
	Received, Replied       int
	ReplyRate, Satisfaction string
}

// ReplyRow is one consented public reply.
type ReplyRow struct {
	model.PublicReply
	DepartmentName, DepartmentURL string
}

// rate formats a ratio already computed over base items: "—" when there
// were none, never 0.0%.
func rate(r float64, base int) string {
	if base == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*r)
}

// monthLabel writes YYYY-MM as 2025年3月 (the site's one date style).
func monthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return theme.Month(t)
}

// dayLabel writes YYYY-MM-DD as 2025年3月1日.
func dayLabel(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return theme.Date(t)
}

// percent is num/den as a percentage, or "—" when den is 0: a rate with
// nothing to divide is not 0.0% (the page says why in its notes).
func percent(num, den int) string {
	if den == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(num)/float64(den))
}

func statsRow(id, name, url string, s model.DepartmentComplaintStats) StatsRow {
	med := "—"
	if s.Replied > 0 {
		med = fmt.Sprintf("%.1f 个工作日", s.MedianDaysToReply)
	}
	return StatsRow{ID: id, Name: name, URL: url, Stats: s, InTimeRate: percent(s.RepliedInTime, s.Replied),
		SatisfactionRate: percent(s.Satisfied+s.BasicallySatisfied, s.Visited), MedianDaysToReply: med}
}

// statsPage formats the figures for the page.
func statsPage(site *model.Site, st *model.ComplaintStats) ComplaintStatsPage {
	p := ComplaintStatsPage{Total: statsRow("", "全部", "", st.Total)}
	var bars []chart.Bar
	for _, d := range site.Departments {
		s, ok := st.Departments[d.ID]
		if !ok {
			continue
		}
		name := d.Short
		if name == "" {
			name = d.Name
		}
		p.Departments = append(p.Departments, statsRow(d.ID, name, "/departments/"+d.ID+"/", s))
		bars = append(bars, chart.Bar{Label: name, Value: s.Received, Class: "in_progress"})
	}
	// Figures for ids no longer in the registry still count in the total;
	// they are listed by id so nothing silently disappears.
	var stray []string
	for id := range st.Departments {
		if id != "" && site.DepartmentByID(id) == nil {
			stray = append(stray, id)
		}
	}
	sort.Strings(stray)
	for _, id := range stray {
		p.Departments = append(p.Departments, statsRow(id, id, "", st.Departments[id]))
	}
	if s, ok := st.Departments[""]; ok {
		p.Departments = append(p.Departments, statsRow("", "不确定（待转办）", "", s))
		bars = append(bars, chart.Bar{Label: "不确定", Value: s.Received, Class: "pending"})
	}
	if len(bars) > 0 {
		p.DeptChart = chart.HBar("complaints-by-dept", "各单位收到的投诉数", bars)
	}
	var months []chart.Bar
	for _, m := range st.Monthly {
		p.Monthly = append(p.Monthly, MonthRow{Month: monthLabel(m.Month), Received: m.Received, Replied: m.Replied,
			ReplyRate: percent(m.Replied, m.Received), Satisfaction: rate(m.Satisfaction, m.Visited)})
		months = append(months, chart.Bar{Label: m.Month, Value: m.Received, Class: "in_progress"})
	}
	if len(months) > 0 {
		p.MonthChart = chart.HBar("complaints-by-month", "每月收到的投诉数", months)
	}
	for _, r := range st.Replies {
		row := ReplyRow{PublicReply: r, DepartmentName: r.Department}
		row.AcceptedDate, row.RepliedDate = dayLabel(r.AcceptedDate), dayLabel(r.RepliedDate)
		if d := site.DepartmentByID(r.Department); d != nil {
			row.DepartmentName, row.DepartmentURL = d.Name, "/departments/"+d.ID+"/"
		}
		p.Replies = append(p.Replies, row)
	}
	return p
}

// complaintStats adds /complaints/stats/ (投诉办理统计) when the theme has its
// layout.
func (pl *planner) complaintStats(th *theme.Theme) error {
	const layout = "complaints-stats"
	if !th.Has(layout) {
		return fmt.Errorf("complaint figures: the theme has no layout %q (layouts/%s.html)", layout, layout)
	}
	const path = "/complaints/stats/"
	pl.add(path, "complaints/stats/index.html", layout, false, func() (*theme.Page, any) {
		p := pl.page("投诉办理统计", path, "", layout)
		p.Section, p.SectionURL = ComplaintsName, "/complaints/"
		sp := statsPage(pl.site, pl.stats)
		sp.AsOf = pl.today
		return p, sp
	})
	return nil
}
