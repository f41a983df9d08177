package generator

import (
	"bytes"
	"html/template"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
	"portal/generator/theme"
	"portal/themes"
)

func TestDefaultIndicatorHTML(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	const hint = ": update its Go writer (indicators_html.go) to match and the sum"
	assert.Equal(t, indicatorsMainSum, th.MainSum("indicators"), "indicators.html or a partial it calls changed"+hint)
	assert.Equal(t, indicatorsBodyMainSum, th.MainSum("indicators-body"), "indicators-body.html or a partial it calls changed"+hint)
	assert.Equal(t, indCellSum, th.PartialSum("ind-cell.html"), "partials/ind-cell.html changed"+hint)
	assert.Equal(t, indRowHeadSum, th.PartialSum("ind-row-head.html"), "partials/ind-row-head.html changed"+hint)
	assert.Equal(t, indRowTailSum, th.PartialSum("ind-row-tail.html"), "partials/ind-row-tail.html changed"+hint)
	assert.Equal(t, indRefSum, th.PartialSum("ind-ref.html"), "partials/ind-ref.html changed"+hint)
	f := indFragmentsOf(th)
	assert.True(t, f.rows && f.refs)
}

var (
	indCellFull = IndicatorCell{Label: "承诺按期兑现率", Text: "66.7%（2/3）", URL: "/indicators/2021/departments/d03/#ind-c1", Title: "3项中2项达标，折合33.3分 \"<&>'+"}
	indCellBare = IndicatorCell{Label: "加分", Text: "—", Missing: true}
)

func indRowFull() IndicatorRow {
	return IndicatorRow{Rank: "1", Name: "司法局", FullName: "临沂市司法局 <&>", DeptURL: "/departments/d03/", URL: "/indicators/2021/departments/d03/",
		Score: "83.3", Grade: "好", GradeNote: "期末有1条政务失信记录尚未整改，等次不高于“中”", Trend: Trend{Arrow: "↑", Text: "+3.5", Label: "较上期上升3.5分", Class: "up"},
		Rates: []IndicatorCell{indCellFull, indCellBare, {Label: "率", Text: "—（2项）", Title: "仅2项"}}, Bonus: IndicatorCell{Label: "典型案例", Text: "1项 加2分", URL: "/x/#ind-b"},
		Penalties: []IndicatorCell{{Label: "政务失信记录", Text: "1项 扣5分", URL: "/r/#ind-p"}, {Label: "撤下", Text: "2条 扣1分", URL: "javascript:x"}}, Penalty: "6"}
}

var indRowVariants = map[string]func(r *IndicatorRow){
	"full":          func(r *IndicatorRow) {},
	"empty":         func(r *IndicatorRow) { *r = IndicatorRow{} },
	"no page":       func(r *IndicatorRow) { r.URL = "" },
	"no note":       func(r *IndicatorRow) { r.GradeNote = "" },
	"no trend":      func(r *IndicatorRow) { r.Trend = Trend{} },
	"no penalties":  func(r *IndicatorRow) { r.Penalties = nil },
	"no rates":      func(r *IndicatorRow) { r.Rates = nil },
	"extra":         func(r *IndicatorRow) { c := indCellFull; r.Extra = &c },
	"extra, bare":   func(r *IndicatorRow) { c := indCellBare; r.Extra = &c },
	"odd text":      func(r *IndicatorRow) { r.Name, r.Score, r.Grade, r.Rank = "a\x00b\xff", "<1>", "'g'", "&" },
	"unsafe urls":   func(r *IndicatorRow) { r.URL, r.DeptURL = "javascript:alert(1)", "/部门 x/?a=<b>" },
	"rendered head": func(r *IndicatorRow) { r.Head, r.Tail = "<td>head</td>", "<td>tail</td>" },
}

func indScoreboard(rows []IndicatorRow) *IndicatorsData {
	return &IndicatorsData{Heading: "2021年度", AsOf: "截至2021年7月1日", Closed: false, Landing: true, SortLabel: "综合得分", MinBase: 3,
		MethodURL: indicatorsMethodURL, DataURL: "/data/indicators.csv",
		Periods: []theme.FilterGroup{{Label: "年度", Links: []theme.Link{{Label: "2021年度", URL: "/indicators/2021/", Current: true}, {Label: "2020年度", URL: "/indicators/2020/"}}},
			{Label: "季度", Links: []theme.Link{{Label: "2021Q2", URL: "/indicators/2021q2/"}}}},
		Sorts:   []theme.FilterGroup{{Label: "排序", Links: []theme.Link{{Label: "综合得分", URL: "/indicators/2021/", Current: true}}}},
		Rates:   []IndicatorColumn{{ID: "c1", Name: "承诺按期兑现率", URL: "/indicators/2021/sort/c1/"}, {ID: "d1", Name: "双公示<按时>率", URL: "/indicators/2021/sort/d1/", Current: true}},
		Sources: []string{"本站尚无投诉办理数据 <x>", "本站尚无发布日志"},
		Feeds:   []theme.Link{{Label: "RSS", URL: "/indicators/feed.xml", Type: "application/rss+xml"}, {Label: "Atom", URL: "/indicators/atom.xml", Type: "application/atom+xml"}},
		Tables: []IndicatorTable{{Level: "市", Label: "市直部门", Rows: rows, Ranked: len(rows)}, {Level: "县区", Label: "县区"},
			{Level: "a\"b", Label: "<其他>", Rows: rows[:min(1, len(rows))]}}}
}

var indScoreboardVariants = map[string]func(d *IndicatorsData){
	"full":   func(d *IndicatorsData) {},
	"empty":  func(d *IndicatorsData) { *d = IndicatorsData{} },
	"closed": func(d *IndicatorsData) { d.Closed, d.AsOf, d.Landing = true, "", false },
	"extra": func(d *IndicatorsData) {
		d.Extra = &IndicatorColumn{ID: "p1", Name: "政务失信<记录>", URL: "/x/", Current: true}
	},
	"no tables":  func(d *IndicatorsData) { d.Tables = nil },
	"no filters": func(d *IndicatorsData) { d.Periods, d.Sorts, d.Feeds, d.Sources, d.Rates = nil, nil, nil, nil, nil },
	"odd text": func(d *IndicatorsData) {
		d.Heading, d.SortLabel, d.MethodURL = "a\x00b\xff", "'排序'+", "javascript:alert(1)"
	},
}

func indBody() *IndicatorBodyData {
	refs := []IndicatorRef{{Title: "承诺 <一>", URL: "/commitments/p1/", Note: "期限2021年3月1日", Date: "2021-03-01", OK: true}, {Title: "无链接 &", Note: ""},
		{Title: "t", URL: "javascript:x", Note: "'n'", HTML: "<b>rendered</b>"}}
	return &IndicatorBodyData{Name: "临沂市司法局", Level: "市直部门", Heading: "2021年度", AsOf: "截至2021年7月1日", DeptURL: "/departments/d03/",
		PeriodURL: "/indicators/2021/", MethodURL: indicatorsMethodURL, Score: "83.3", Grade: "好", GradeNote: "有未整改记录 <1>",
		Rank: "市直部门第1名（共9个参评单位）", Trend: Trend{Arrow: "↓", Text: "−2", Label: "较上期下降2分", Class: "down"},
		Formula: []string{"基础分 = 100 ×（3×66.7%）÷（3）= 66.7", "综合得分 < 100"},
		Sections: []IndicatorSection{
			{ID: "c1", Name: "承诺按期兑现率", Kind: "正向指标", Definition: "定义 & 说明", Rule: "规则", Figure: "66.7%（2/3）", Points: "折合33.3分", Refs: refs,
				More: []theme.Link{{Label: "该单位的全部双公示信息", URL: "/disclosures/department/d03/"}, {Label: "统计", URL: "/complaints/stats/"}}},
			{ID: "p\"1", Name: "失信", Kind: "扣分指标", Figure: "—", Note: "尚无数据 'x'", Missing: true},
		},
		Periods:    []theme.FilterGroup{{Label: "年度", Links: []theme.Link{{Label: "2021年度", URL: "/indicators/2021/departments/d03/", Current: true}}}},
		Charts:     []template.HTML{"<svg>年度</svg>", "<svg>季度</svg>"},
		RolledUp:   []theme.Link{{Label: "下属一", URL: "/a/"}, {Label: "下属<二>", URL: "/b c/"}},
		RolledInto: &theme.Link{Label: "上级 &", URL: "/indicators/2021/departments/d01/"}}
}

var indBodyVariants = map[string]func(d *IndicatorBodyData){
	"full":        func(d *IndicatorBodyData) {},
	"empty":       func(d *IndicatorBodyData) { *d = IndicatorBodyData{} },
	"closed":      func(d *IndicatorBodyData) { d.Closed, d.AsOf = true, "" },
	"no grade":    func(d *IndicatorBodyData) { d.Grade, d.GradeNote, d.Rank = "", "", "" },
	"no trend":    func(d *IndicatorBodyData) { d.Trend = Trend{} },
	"arrow only":  func(d *IndicatorBodyData) { d.Trend.Label = "" },
	"not rolled":  func(d *IndicatorBodyData) { d.RolledInto, d.RolledUp, d.Periods = nil, nil, nil },
	"one rolled":  func(d *IndicatorBodyData) { d.RolledUp = d.RolledUp[:1] },
	"no sections": func(d *IndicatorBodyData) { d.Sections, d.Charts, d.Formula = nil, nil, nil },
	"odd text": func(d *IndicatorBodyData) {
		d.Name, d.Heading, d.DeptURL, d.Score = "a\x00b\xff", "'h'+", "javascript:alert(1)", "<s>"
	},
}

// indPage is the page the planner gives the scoreboard and body pages.
func indPage(layout string) *theme.Page {
	return &theme.Page{Title: "2021年度政务诚信评价 <&>", Path: "/indicators/2021/", Kind: layout, Section: indicatorsSection, SectionURL: "/indicators/",
		Header: "<header></header>", Alternates: []theme.Link{{Label: "RSS", URL: "/indicators/feed.xml", Type: "application/rss+xml"}}}
}

var indSite = &SiteView{Title: "站点", Gov: model.GovernmentConfig{SiteName: "临沂"}, Footer: "<footer></footer>"}

// The scoreboard and body pages written in Go are the default layouts'
// output, byte for byte, on every branch; so are the row and record line
// fragments.
func TestIndicatorHTMLMatchesTemplate(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	for rname, rv := range indRowVariants {
		r := indRowFull()
		rv(&r)
		t.Run("row/"+rname, func(t *testing.T) {
			if r.Head == "" {
				head, tail := rowFragments(&r)
				want, err := th.Partial("ind-row-head.html", r)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(head))
				want, err = th.Partial("ind-row-tail.html", r)
				require.NoError(t, err)
				assert.Equal(t, string(want), string(tail))
			}
			for dname, dv := range indScoreboardVariants {
				d := indScoreboard([]IndicatorRow{r, indRowFull()})
				dv(d)
				shell, tmpl := renderBoth(t, th, "indicators", indPage("indicators"), indSite, d)
				require.Equal(t, tmpl, shell, dname)
			}
		})
	}
	for _, c := range []IndicatorCell{indCellFull, indCellBare, {}, {URL: "/x/"}, {Title: "t"}} {
		want, err := th.Partial("ind-cell.html", c)
		require.NoError(t, err)
		var b bytes.Buffer
		writeIndCell(&b, &c)
		assert.Equal(t, string(want), b.String())
	}
	for name, v := range indBodyVariants {
		t.Run("body/"+name, func(t *testing.T) {
			d := indBody()
			v(d)
			shell, tmpl := renderBoth(t, th, "indicators-body", indPage("indicators-body"), indSite, d)
			require.Equal(t, tmpl, shell)
			for _, s := range d.Sections {
				for _, r := range s.Refs {
					r.HTML = ""
					want, err := th.Partial("ind-ref.html", r)
					require.NoError(t, err)
					assert.Equal(t, string(want), string(refFragment(&r)))
				}
			}
		})
	}
}

// A theme that replaces a partial the indicator pages call gets it: the
// pages go back to the templates, and the planner renders the fragments
// with the theme's partials.
func TestIndicatorHTMLFollowsTheme(t *testing.T) {
	over := fstest.MapFS{"layouts/partials/ind-cell.html": {Data: []byte(`<i>{{.Text}}</i>`)}, "layouts/partials/ind-ref.html": {Data: []byte(`<i>{{.Title}}</i>`)}}
	th, err := theme.Load(theme.Overlay(over, themes.Default()))
	require.NoError(t, err)
	f := indFragmentsOf(th)
	assert.False(t, f.rows)
	assert.False(t, f.refs)
	r := indRowFull()
	d := indScoreboard([]IndicatorRow{r})
	shell, tmpl := renderBoth(t, th, "indicators", indPage("indicators"), indSite, d)
	assert.Equal(t, tmpl, shell)
	assert.Contains(t, shell, "<i>66.7%（2/3）</i>")
	b := indBody()
	b.Sections[0].Refs[0].HTML = ""
	shell, tmpl = renderBoth(t, th, "indicators-body", indPage("indicators-body"), indSite, b)
	assert.Equal(t, tmpl, shell)
	assert.Contains(t, shell, "<i>承诺 &lt;一&gt;</i>")
}

func FuzzIndicatorHTML(f *testing.F) {
	f.Add("司法局", "/indicators/2021/departments/d03/", "83.3", "好", "↑", "66.7%（2/3）", "说明", true)
	f.Add("<&>'\"+", "javascript:x", "\x00", "\xff", "", "", "", false)
	th, err := theme.Load(themes.Default())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, name, url, score, grade, arrow, text, title string, closed bool) {
		c := IndicatorCell{Label: name, Text: text, URL: url, Title: title}
		r := IndicatorRow{Rank: score, Name: name, FullName: title, DeptURL: url, URL: url, Score: score, Grade: grade, GradeNote: title,
			Trend: Trend{Arrow: arrow, Text: text, Label: title, Class: grade}, Rates: []IndicatorCell{c, c}, Bonus: c, Penalties: []IndicatorCell{c}, Extra: &c}
		d := &IndicatorsData{Heading: name, AsOf: title, Closed: closed, Landing: closed, SortLabel: grade, MethodURL: url,
			Rates: []IndicatorColumn{{Name: name, URL: url, Current: closed}}, Extra: &IndicatorColumn{Name: text},
			Periods: []theme.FilterGroup{{Label: name, Links: []theme.Link{{Label: text, URL: url, Current: closed}}}},
			Sources: []string{text}, Tables: []IndicatorTable{{Level: grade, Label: name, Rows: []IndicatorRow{r}}, {Level: arrow, Label: text}}}
		shell, tmpl := renderBoth(t, th, "indicators", indPage("indicators"), indSite, d)
		require.Equal(t, tmpl, shell)
		body := &IndicatorBodyData{Name: name, Level: grade, Heading: text, AsOf: title, Closed: closed, DeptURL: url, PeriodURL: url, MethodURL: url,
			Score: score, Grade: grade, GradeNote: title, Rank: score, Trend: r.Trend, Formula: []string{text},
			Sections: []IndicatorSection{{ID: name, Name: name, Kind: grade, Definition: text, Rule: title, Figure: score, Points: arrow, Note: title,
				Refs: []IndicatorRef{{Title: name, URL: url, Note: text}}, More: []theme.Link{{Label: text, URL: url}}}},
			RolledUp: []theme.Link{{Label: name, URL: url}, {Label: text, URL: title}}, RolledInto: &theme.Link{Label: title, URL: url}}
		shell, tmpl = renderBoth(t, th, "indicators-body", indPage("indicators-body"), indSite, body)
		require.Equal(t, tmpl, shell)
	})
}
