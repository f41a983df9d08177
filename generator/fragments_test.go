package generator

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/theme"
	"portal/themes"
)

// Fragments rendered once and inserted as template.HTML (a list's filters,
// a scoreboard line's head and tail, an indicator's record lines) give the
// page the layout renders itself when they are missing (a theme that
// fails to render one, or a caller that does not fill them).
func TestFragmentsMatchLayouts(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	pl := &planner{th: th}
	sv := &SiteView{Title: "站点", Footer: "<footer></footer>"}
	page := func(kind string) *theme.Page {
		return &theme.Page{Title: "页 <&>", Path: "/p/", Kind: kind, Section: "栏目", SectionURL: "/s/", Header: "<header></header>"}
	}
	render := func(layout string, data any) string {
		var b bytes.Buffer
		require.NoError(t, th.Render(&b, layout, page(layout), sv, data))
		return b.String()
	}
	groups := []theme.FilterGroup{{Label: "类别", Links: []theme.Link{{Label: "全部", URL: "/d/"}, {Label: "许可 <x>", URL: "/d/c/xk/", Count: 3, HasCount: true, Current: true}}}}
	t.Run("filters", func(t *testing.T) {
		for _, layout := range []string{"list", "table"} {
			d := &ListData{Filters: groups, Pager: pager("/d/", 1, 1, 0)}
			want := render(layout, d)
			d.FiltersHTML = pl.fragment("filters.html", groups)
			require.NotEmpty(t, d.FiltersHTML)
			assert.Equal(t, want, render(layout, d), layout)
		}
	})
	t.Run("scoreboard", func(t *testing.T) {
		cellA := IndicatorCell{Label: "率", Text: "66.7%（2/3）", URL: "/i/a/", Title: "说明 \"a\""}
		cellB := IndicatorCell{Label: "加分", Text: "—", Missing: true, Title: "记录不足"}
		row := IndicatorRow{Rank: "1", Name: "司法局", FullName: "临沂市司法局", DeptURL: "/departments/d03/", URL: "/indicators/2021/departments/d03/",
			Score: "83.3", Grade: "好", GradeNote: "有未整改记录", Trend: Trend{Arrow: "↑", Text: "+3.5", Label: "较上期上升3.5分", Class: "up"},
			Rates: []IndicatorCell{cellA, cellB}, Bonus: cellB, Penalties: []IndicatorCell{{Label: "失信", Text: "1项 扣5分", URL: "/r/"}}}
		bare := row
		bare.URL, bare.GradeNote, bare.Trend, bare.Penalties = "", "", Trend{}, nil
		for name, r := range map[string]IndicatorRow{"full": row, "bare": bare, "extra": func() IndicatorRow { x := row; x.Extra = &cellA; return x }()} {
			d := &IndicatorsData{Heading: "2021年度", Tables: []IndicatorTable{{Level: "市", Label: "市直部门", Rows: []IndicatorRow{r}, Ranked: 1}},
				Rates: []IndicatorColumn{{ID: "a", Name: "率", URL: "/i/a/"}}}
			want := render("indicators", d)
			r := &d.Tables[0].Rows[0]
			r.Head, r.Tail = pl.fragment("ind-row-head.html", r), pl.fragment("ind-row-tail.html", r)
			require.NotEmpty(t, r.Head)
			assert.Equal(t, want, render("indicators", d), name)
			r.Head, r.Tail = rowFragments(r)
			assert.Equal(t, want, render("indicators", d), name)
		}
	})
	t.Run("record lines", func(t *testing.T) {
		refs := []IndicatorRef{{Title: "承诺 <一>", URL: "/commitments/p1/", Note: "期限2021年3月1日", Date: "2021-03-01", OK: true}, {Title: "无链接", Note: ""}}
		d := &IndicatorBodyData{Name: "司法局", Sections: []IndicatorSection{{ID: "a", Name: "率", Refs: refs}}}
		want := render("indicators-body", d)
		for i := range d.Sections[0].Refs {
			d.Sections[0].Refs[i].HTML = pl.refHTML(d.Sections[0].Refs[i])
			require.NotEmpty(t, d.Sections[0].Refs[i].HTML)
		}
		assert.Equal(t, want, render("indicators-body", d))
		// The memo keeps lines apart by every field.
		other := refs[0]
		other.Note = "另一条"
		assert.NotEqual(t, pl.refHTML(refs[0]), pl.refHTML(other))
	})
}
