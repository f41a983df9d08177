package generator

import (
	"bytes"
	"html/template"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
	"portal/generator/theme"
	"portal/themes"
)

// mainSums are the layouts whose main block the generator writes in Go
// (mainrec.go, mainlist.go), with the sum of the default block each
// writer mirrors.
var mainSums = map[string]string{
	"disclosure": disclosureMainSum, "article": articleMainSum, "commitment": commitmentMainSum, "record": recordMainSum, "unpublished": unpublishedMainSum,
	"list": listMainSum, "table": tableMainSum, "subject": subjectMainSum,
}

func TestDefaultMainIsFast(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	for layout, sum := range mainSums {
		assert.Equal(t, sum, th.MainSum(layout), "layouts/%s.html or a partial it calls changed: update its writer (mainrec.go, mainlist.go, mainparts.go) to match and its sum", layout)
	}
}

// checkMain renders page with data through the Go writer and through the
// templates alone (shell and main), requires the same bytes, and reports
// whether the Go writer wrote the block.
func checkMain(t *testing.T, th *theme.Theme, layout string, page *theme.Page, data theme.MainWriter) (wrote bool) {
	t.Helper()
	sv := &SiteView{Title: "站点", Gov: model.GovernmentConfig{SiteName: "站点"}, Footer: "<footer></footer>"}
	goPath, tmpl := renderBoth(t, th, layout, page, sv, data)
	require.Equal(t, tmpl, goPath)
	var b bytes.Buffer
	wrote, err := data.WriteMain(&b, layout, th.MainSum(layout), theme.Data{Site: sv, Page: page, Data: data})
	require.NoError(t, err)
	return wrote
}

func mainPage(layout string) theme.Page {
	return theme.Page{Title: "标题 <b>&'\"+", Path: "/x/p1/", Kind: layout, Section: "栏目", SectionURL: "/x/", Header: "<header></header>", Example: true}
}

var (
	mainTags  = []theme.Link{{Label: "标签<1>", URL: "/tags/a b/"}, {Label: "二", URL: "javascript:x"}}
	mainDepts = []theme.Link{{Name: "市司法局 & <局>", URL: "/departments/d1/"}, {Name: "无页面单位"}}
	mainHist  = &HistoryView{Key: "disclosures/p1", Version: 2, Hash: "ab", Short: "sha256:ab", Entry: 7, State: "current", LogURL: "/log/", GuideURL: "/verify/",
		Revisions: []RevisionView{{Version: 2, Anchor: "v2", Date: time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC), Op: "修改", OpClass: "change", Entry: 7, Current: true,
			Changes: []ChangeView{{Label: "标题", Old: "旧", New: "新"}}}}}
	mainDate = time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
)

// The main blocks written in Go are the default layouts' output, byte
// for byte, on every branch.
func TestMainMatchesTemplate(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)

	t.Run("disclosure", func(t *testing.T) {
		full := DisclosureData{Body: "<p>正文</p>", ObjectionURL: "/complaints/?category=%E5%BC%82&disclosure=p1&x=<y>", Tags: mainTags,
			Fields: []FieldRow{
				{Name: "category", Label: "类别", Value: "行政许可", URL: "/disclosures/category/行政许可/"},
				{Name: "date", Label: "决定日期", Date: mainDate},
				{Name: "publicity_until", Label: "公示截止期", Value: "长期公示", Note: "按规则 <长期> & '公示'"},
				{Label: "无名字段", Value: "值 \x00 \xff"},
				{Label: "链接", Value: "v", URL: "javascript:alert(1)"},
			}}
		variants := map[string]func(v *DisclosureData){
			"full":      func(v *DisclosureData) {},
			"empty":     func(v *DisclosureData) { *v = DisclosureData{} },
			"no body":   func(v *DisclosureData) { v.Body = "" },
			"no tags":   func(v *DisclosureData) { v.Tags = nil },
			"no fields": func(v *DisclosureData) { v.Fields = nil },
		}
		for name, f := range variants {
			t.Run(name, func(t *testing.T) {
				v := full
				f(&v)
				p := mainPage("disclosure")
				assert.True(t, checkMain(t, th, "disclosure", &p, &v))
				p.Example = false
				assert.True(t, checkMain(t, th, "disclosure", &p, &v))
				v.History = mainHist
				assert.True(t, checkMain(t, th, "disclosure", &p, &v))
			})
		}
	})

	t.Run("revisions", func(t *testing.T) {
		rev := func(f func(r *RevisionView)) RevisionView {
			r := RevisionView{Version: 3, Anchor: "v3<", Date: mainDate, Op: "修改&", OpClass: "change", Entry: 12, Short: "sha256:ab<", Note: "说明 <n>",
				URL: "/disclosures/p1/v3/?a=<b>", Material: []theme.Link{{Label: "决定机关变更", URL: "/changes/?t=lead&x=1"}, {Label: "撤销", URL: "javascript:x"}},
				Changes: []ChangeView{
					{Label: "标题 <t>", Old: "旧 & 'o'", New: "新 \"n\""},
					{Label: "正文", Diff: "<del>甲</del><ins>乙</ins>", Old: "ignored"},
					{Label: "推进情况", Added: []string{"加 <1>", "加2"}, Removed: []string{"删 &"}},
					{Label: "只加", Added: []string{"a"}},
					{Label: "只删", Removed: []string{"r"}},
					{Label: "停止公示", Withheld: true, Old: "x", Diff: "<b>y</b>"},
					{},
				}}
			f(&r)
			return r
		}
		full := HistoryView{Key: "disclosures/p1<", Version: 3, Hash: "abcdef&", Short: "sha256:abc<", Entry: 12, State: "current", StateNote: "说明 <状态>",
			Withheld: true, LogURL: "/log/?a=1&b=<2>", GuideURL: "/verify/",
			Revisions: []RevisionView{
				rev(func(r *RevisionView) { r.Current, r.URL = true, "" }),
				rev(func(r *RevisionView) { r.This = true }),
				rev(func(r *RevisionView) { r.Material, r.Note, r.Changes, r.Short, r.Date = nil, "", nil, "", time.Time{} }),
				rev(func(r *RevisionView) { r.URL, r.OpClass = "", "remove" }),
			}}
		variants := map[string]func(h *HistoryView){
			"full":             func(h *HistoryView) {},
			"bare":             func(h *HistoryView) { *h = HistoryView{} },
			"old":              func(h *HistoryView) { h.State = "old" },
			"old, no version":  func(h *HistoryView) { h.State, h.Version = "old", 0 },
			"current, unsaved": func(h *HistoryView) { h.Version = 0 },
			"unpublished":      func(h *HistoryView) { h.State, h.Hash = "unpublished", "" },
			"no note":          func(h *HistoryView) { h.StateNote, h.Withheld = "", false },
			"no revisions":     func(h *HistoryView) { h.Revisions = nil },
		}
		for name, f := range variants {
			t.Run(name, func(t *testing.T) {
				h := full
				f(&h)
				v := ArticleData{Date: mainDate, Body: "<p>正文</p>", History: &h}
				p := mainPage("article")
				assert.True(t, checkMain(t, th, "article", &p, &v))
			})
		}
	})

	t.Run("article", func(t *testing.T) {
		full := ArticleData{Date: mainDate, Body: "<p>正文</p>", TypeLabel: "典型<案例>", TypeURL: "/cases/type/典型/", Source: "来源 & 文件",
			SourceURL: "https://example.invalid/a?b=1&c=2", Depts: mainDepts, Tags: mainTags}
		variants := map[string]func(v *ArticleData){
			"full":             func(v *ArticleData) {},
			"empty":            func(v *ArticleData) { *v = ArticleData{} },
			"no type url":      func(v *ArticleData) { v.TypeURL = "" },
			"no type":          func(v *ArticleData) { v.TypeLabel = "" },
			"no source url":    func(v *ArticleData) { v.SourceURL = "" },
			"no source":        func(v *ArticleData) { v.Source = "" },
			"one dept":         func(v *ArticleData) { v.Depts = v.Depts[:1] },
			"no depts":         func(v *ArticleData) { v.Depts = nil },
			"unsafe url":       func(v *ArticleData) { v.SourceURL = "vbscript:x" },
			"no tags, no date": func(v *ArticleData) { v.Tags, v.Date = nil, time.Time{} },
		}
		for name, f := range variants {
			t.Run(name, func(t *testing.T) {
				v := full
				f(&v)
				p := mainPage("article")
				assert.True(t, checkMain(t, th, "article", &p, &v))
				v.History = mainHist
				assert.True(t, checkMain(t, th, "article", &p, &v))
			})
		}
	})

	t.Run("record", func(t *testing.T) {
		r := model.Record{RecordType: "拖欠<账款>", Basis: "判决 & '书'", DocNumber: "（2021）鲁13民初1号", Status: "整改中<>",
			RectifiedDate: mainDate, PublicityUntil: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
		r.Date = mainDate
		full := RecordData{R: &r, Body: "<p>正文</p>", Dept: mainDepts[:1], TypeURL: "/records/type/拖欠/", ObjectionURL: "/complaints/?category=%E5%BC%82&record=r1", Tags: mainTags, History: mainHist}
		variants := map[string]func(v *RecordData){
			"full":            func(v *RecordData) {},
			"bare":            func(v *RecordData) { *v = RecordData{R: &model.Record{}} },
			"no doc number":   func(v *RecordData) { v.R.DocNumber = "" },
			"not rectified":   func(v *RecordData) { v.R.RectifiedDate = time.Time{} },
			"no publicity":    func(v *RecordData) { v.R.PublicityUntil = time.Time{} },
			"no body, no log": func(v *RecordData) { v.Body, v.History = "", nil },
			"two depts":       func(v *RecordData) { v.Dept = mainDepts },
			"unsafe url":      func(v *RecordData) { v.TypeURL = "javascript:x" },
		}
		for name, f := range variants {
			t.Run(name, func(t *testing.T) {
				v := full
				rr := r
				v.R = &rr
				f(&v)
				p := mainPage("record")
				assert.True(t, checkMain(t, th, "record", &p, &v))
			})
		}
	})

	t.Run("unpublished", func(t *testing.T) {
		full := UnpublishedData{KindLabel: "信用信息<公示>", Reason: "公示期满 & '到期'", Since: mainDate, ListURL: "/disclosures/?a=<b>", History: mainHist}
		variants := map[string]func(v *UnpublishedData){
			"full":     func(v *UnpublishedData) {},
			"bare":     func(v *UnpublishedData) { *v = UnpublishedData{} },
			"no since": func(v *UnpublishedData) { v.Since = time.Time{} },
			"no log":   func(v *UnpublishedData) { v.History = nil },
		}
		for name, f := range variants {
			t.Run(name, func(t *testing.T) {
				v := full
				f(&v)
				p := mainPage("unpublished")
				assert.True(t, checkMain(t, th, "unpublished", &p, &v))
			})
		}
	})

	t.Run("commitment", func(t *testing.T) {
		c := model.Commitment{PartnersNote: "市直有关部门 <配合>", Category: "营商环境&", Deadline: time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC), SourceDoc: "临政发〔2021〕1号", Measure: 3}
		c.Title = "承诺 <事项> & '引号'"
		c.Date = mainDate
		full := CommitmentData{C: &c, Body: "<p>正文</p>", StatusLabel: "推进中", StatusClass: "in_progress", State: model.CommitmentState{DaysLeft: 12},
			Lateness: "剩余 12 天", Lead: mainDepts[:1], Partners: mainDepts, CategoryURL: "/commitments/category/营商环境/", Tags: mainTags,
			SourceURL: "/policies/p1/", MeasureURL: "/commitments/c2/", ComplaintURL: "/complaints/?category=%E6%89%BF&commitment=c1",
			Progress: []ProgressView{
				{Date: mainDate, StatusLabel: "推进中", StatusClass: "in_progress", Note: "进展 <1>", Evidence: "https://example.invalid/e?a=1&b", EvidenceURL: "https://example.invalid/e?a=1&b"},
				{Date: mainDate, StatusLabel: "已兑现", StatusClass: "fulfilled", Note: "", Evidence: "文件 & 照片"},
				{StatusLabel: "待办", Note: "无佐证"},
			}}
		variants := map[string]func(v *CommitmentData){
			"full":               func(v *CommitmentData) {},
			"overdue":            func(v *CommitmentData) { v.Standing.Overdue, v.Lateness = true, "逾期 3 天" },
			"no lateness":        func(v *CommitmentData) { v.Lateness = "" },
			"no lateness, open":  func(v *CommitmentData) { v.Lateness, v.C.Deadline = "", time.Time{} },
			"no lateness, kept":  func(v *CommitmentData) { v.Lateness, v.C.Status = "", model.StatusFulfilled },
			"no partners":        func(v *CommitmentData) { v.Partners = nil },
			"no partners note":   func(v *CommitmentData) { v.C.PartnersNote = "" },
			"no partners at all": func(v *CommitmentData) { v.Partners, v.C.PartnersNote = nil, "" },
			"no source url":      func(v *CommitmentData) { v.SourceURL = "" },
			"no source":          func(v *CommitmentData) { v.C.SourceDoc = "" },
			"no measure url":     func(v *CommitmentData) { v.MeasureURL = "" },
			"no measure":         func(v *CommitmentData) { v.C.Measure = 0 },
			"no complaint url":   func(v *CommitmentData) { v.ComplaintURL = "" },
			"no body":            func(v *CommitmentData) { v.Body = "" },
			"no progress":        func(v *CommitmentData) { v.Progress = nil },
			"no tags, no lead":   func(v *CommitmentData) { v.Tags, v.Lead = nil, nil },
			"bare":               func(v *CommitmentData) { *v = CommitmentData{C: &model.Commitment{}} },
		}
		for name, f := range variants {
			t.Run(name, func(t *testing.T) {
				v := full
				cc := c
				v.C = &cc
				f(&v)
				p := mainPage("commitment")
				assert.True(t, checkMain(t, th, "commitment", &p, &v))
				v.History = mainHist
				assert.True(t, checkMain(t, th, "commitment", &p, &v))
			})
		}
	})

	items := []Item{
		{Kind: "disclosures", Title: "标题", URL: "/disclosures/p1/", DateISO: "2021-03-01", DateText: "2021年3月1日", Department: "单位 & <局>", Category: "许可",
			Subject: "某公司 <A>", CreditCode: "913713266CQ3XWMXW6", DocNumber: "临〔2021〕18号", Example: true, Row: "<li>行一</li>"},
		{Kind: "disclosures", Title: "二", URL: "javascript:x", Row: "<li>行二</li>"},
	}
	pg := theme.NewPager(3, 9, 170, func(n int) string { return "/x/page/" + string(rune('0'+n)) + "/?a=<b>" })

	t.Run("list and table", func(t *testing.T) {
		full := ListData{Intro: "<p>说明</p>", Filters: []theme.FilterGroup{{Label: "类别", Links: []theme.Link{{Label: "全部", URL: "/x/"}, {Label: "甲&", URL: "/x/a/", Current: true, HasCount: true, Count: 4}}}},
			FiltersHTML: "<details>过滤</details>", Feeds: []theme.Link{{Label: "RSS", URL: "/x/feed.xml", Type: "application/rss+xml"}, {Label: "其他 <f>", URL: "/x/f"}},
			Items: items, Pager: pg}
		variants := map[string]func(v *ListData){
			"full":              func(v *ListData) {},
			"empty":             func(v *ListData) { *v = ListData{} },
			"no intro":          func(v *ListData) { v.Intro = "" },
			"filters to render": func(v *ListData) { v.FiltersHTML = "" },
			"no filters":        func(v *ListData) { v.FiltersHTML, v.Filters = "", nil },
			"no feeds":          func(v *ListData) { v.Feeds = nil },
			"no items":          func(v *ListData) { v.Items = nil },
			"one page":          func(v *ListData) { v.Pager = theme.NewPager(1, 1, 2, func(int) string { return "/x/" }) },
			"first page":        func(v *ListData) { v.Pager = theme.NewPager(1, 4, 70, func(int) string { return "/x/" }) },
			"no pager":          func(v *ListData) { v.Pager = nil },
		}
		for name, f := range variants {
			for _, layout := range []string{"list", "table"} {
				t.Run(name+"/"+layout, func(t *testing.T) {
					v := full
					f(&v)
					p := mainPage(layout)
					if layout == "table" && v.Pager == nil && len(v.Items) > 0 {
						// The template fails on .Pager.Total; the Go writer
						// leaves the page to it.
						var b bytes.Buffer
						wrote, err := v.WriteMain(&b, layout, th.MainSum(layout), theme.Data{Page: &p, Data: &v})
						require.NoError(t, err)
						assert.False(t, wrote)
						assert.Error(t, th.Render(&b, layout, &p, &SiteView{}, &v))
						return
					}
					assert.True(t, checkMain(t, th, layout, &p, &v))
				})
			}
		}
	})

	t.Run("subject", func(t *testing.T) {
		for name, v := range map[string]SubjectData{"full": {Code: "9137<13>", Items: items}, "empty": {}} {
			t.Run(name, func(t *testing.T) {
				p := mainPage("subject")
				assert.True(t, checkMain(t, th, "subject", &p, &v))
			})
		}
	})
}

func FuzzMain(f *testing.F) {
	f.Add("标题", "/x/", "值", "说明", "2021-03-01", "单位", true)
	f.Add("<&>'\"+", "javascript:x", "\x00\xff", "", "", "", false)
	f.Add("标题", "/x/?a=1&b=2", "current", "说明", "", "单位", false)
	f.Add("", "https://e/%zz", "old", "", "", "", true)
	th, err := theme.Load(themes.Default())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, title, url, value, note, date, dept string, example bool) {
		p := theme.Page{Title: title, Path: url, Kind: "x", Header: "<header></header>", Example: example}
		links := []theme.Link{{Label: value, Name: dept, URL: url}, {Label: note, Name: note}}
		items := []Item{{URL: url, Subject: title, CreditCode: value, DocNumber: note, Category: dept, DateISO: date, DateText: date, Department: dept, Example: example, Row: "<li></li>"}}
		pager := theme.NewPager(2, 3, 50, func(int) string { return url })
		hist := &HistoryView{Key: title, State: value, StateNote: note, Version: len(note), Entry: int64(len(dept)), Hash: dept, Short: value, LogURL: url, GuideURL: url,
			Withheld: example, Revisions: []RevisionView{{Anchor: title, OpClass: value, Op: note, URL: url, Note: note, Short: dept, Material: links, This: example, Current: !example,
				Changes: []ChangeView{{Label: title, Old: value, New: note}, {Label: value, Added: []string{note}, Removed: []string{title}}, {Label: dept, Withheld: example}}}}}
		c := &model.Commitment{PartnersNote: note, Category: value, SourceDoc: dept, Measure: len(title)}
		c.Title = title
		datas := map[string]theme.MainWriter{
			"disclosure": &DisclosureData{ObjectionURL: url, Tags: links, Fields: []FieldRow{{Name: note, Label: title, Value: value, URL: url, Note: note}, {Name: value, Label: dept, Value: value}}, History: hist},
			"article":    &ArticleData{TypeLabel: value, TypeURL: url, Source: note, SourceURL: url, Depts: links, Tags: links, History: hist},
			"commitment": &CommitmentData{C: c, StatusLabel: value, StatusClass: note, Lateness: note, Lead: links, Partners: links, CategoryURL: url, ComplaintURL: url, SourceURL: url,
				Progress: []ProgressView{{StatusLabel: title, StatusClass: value, Note: note, Evidence: dept, EvidenceURL: url}, {Note: note, Evidence: dept}}},
			"list":        &ListData{Filters: []theme.FilterGroup{{Label: title, Links: links}}, Feeds: []theme.Link{{Label: title, URL: url, Type: value}}, Items: items, Pager: pager},
			"table":       &ListData{Items: items, Pager: pager},
			"subject":     &SubjectData{Code: value, Items: items},
			"unpublished": &UnpublishedData{KindLabel: title, Reason: note, ListURL: url, History: hist},
			"record":      &RecordData{R: &model.Record{RecordType: value, Basis: note, DocNumber: dept, Status: title}, Dept: links, TypeURL: url, ObjectionURL: url, Tags: links, History: hist},
		}
		sv := &SiteView{Title: "站点", Footer: "<footer></footer>"}
		for layout, data := range datas {
			pp := p
			goPath, tmpl := renderBoth(t, th, layout, &pp, sv, data)
			require.Equal(t, tmpl, goPath, layout)
		}
	})
}

// withPartial is the default theme with one file replaced.
func withPartial(t *testing.T, name, src string) *theme.Theme {
	t.Helper()
	th, err := theme.Load(theme.Overlay(fstest.MapFS{name: {Data: []byte(src)}}, themes.Default()))
	require.NoError(t, err)
	return th
}

// A theme that changes a partial a main block calls gets its own
// partial: the block is left to the template.
func TestMainFallsBackToTheTheme(t *testing.T) {
	th := withPartial(t, "layouts/partials/tags.html", `{{range .}}<i>{{.Label}}</i>{{end}}`)
	v := &ArticleData{Date: mainDate, Body: "<p>正文</p>", Tags: mainTags}
	p := mainPage("article")
	assert.False(t, checkMain(t, th, "article", &p, v))
	var b bytes.Buffer
	require.NoError(t, th.Render(&b, "article", &p, &SiteView{}, v))
	assert.Contains(t, b.String(), "<i>标签&lt;1&gt;</i><i>二</i>")
}

// A list's filters rendered once for all its pages are the partial's
// output, written in Go for the default filters.html.
func TestFiltersHTML(t *testing.T) {
	groups := []theme.FilterGroup{{Label: "类别 <c>", Links: []theme.Link{{Label: "全部", URL: "/x/"}, {Label: "甲&", URL: "/x/a/?b=<c>", Current: true, HasCount: true, Count: 4}}}}
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	pl := &planner{th: th}
	for _, g := range [][]theme.FilterGroup{groups, nil} {
		want, err := th.Partial("filters.html", g)
		require.NoError(t, err)
		assert.Equal(t, want, pl.filtersHTML(g))
	}
	pl.th = withPartial(t, "layouts/partials/filters.html", `{{range .}}<b>{{.Label}}</b>{{end}}`)
	assert.Equal(t, template.HTML("<b>类别 &lt;c&gt;</b>"), pl.filtersHTML(groups))
}
