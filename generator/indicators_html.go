package generator

import (
	"bytes"
	"html/template"
	"strconv"

	"portal/generator/theme"
)

// The scoreboard (indicators.html, one page per period and sort key) and
// the bodies' pages (indicators-body.html) are 1,132 pages and 38 MB of a
// 10k site, and html/template calls its escapers through reflection for
// every figure of them. While the theme's blocks and the partials they
// call are the default ones (their MainSum, PartialSum), the writers
// below write the same bytes in Go; TestIndicatorHTMLMatchesTemplate and
// FuzzIndicatorHTML hold the two together, and TestDefaultIndicatorHTML
// fails when a template changes without its writer and sum following.

const (
	// indicatorsMainSum and indicatorsBodyMainSum are theme.MainSum of the
	// default indicators.html and indicators-body.html.
	indicatorsMainSum     = "fe07d521b20a2acd6c434848a6339a08d3bd88106ba040e535e439460785857b"
	indicatorsBodyMainSum = "594f8e8c7bc6ec37cfef9f25aa030f0b0ccd90b3c31ce71b69196c8aab4eb5cd"
	// The TreeSums of the default row and record partials, which rowHTML
	// and refHTML write in Go.
	indCellSum    = "c0a1b34689dabe740234c725f7c2f916edeeb1de19696089037a1fd0263b3034"
	indRowHeadSum = "e98ae5d079b6ad02acbd3cff174f96877ec5b6ea26f0fbe3e606df3b630c6ee0"
	indRowTailSum = "c3629c518c858276aa2b8f5456c0e565d64fec222355a4ac2f166b87c7559b24"
	indRefSum     = "145db611d2cf9bf29ce4f9ecbf2f3ae14b5f3fa2deb27b32560a4f1b71a785a6"
)

// WriteMain writes the default indicators.html "main" (theme.MainWriter).
func (d *IndicatorsData) WriteMain(b *bytes.Buffer, layout, sum string, td theme.Data) (bool, error) {
	if d == nil || layout != "indicators" || sum != indicatorsMainSum || td.Page == nil {
		return false, nil
	}
	b.WriteString("\n<h1 class=\"page-title\">")
	theme.EscapeHTML(b, td.Page.Title)
	if d.Landing {
		b.WriteString("：")
		theme.EscapeHTML(b, d.Heading)
	}
	if d.AsOf != "" {
		b.WriteString(" <span class=\"badge\">")
		theme.EscapeHTML(b, d.AsOf)
		b.WriteString("</span>")
	}
	b.WriteString("</h1>\n<p>按照临发改信用〔2024〕295号第12条“对照省正反向政务诚信评价指标，逐项落实监测任务”的要求，本平台根据公开的承诺、双公示、政务失信记录、典型案例和投诉办理记录，对市直部门和县区分别评价、分别排名。每个数字都可以点开，查看它依据的记录；计算方法见<a href=\"")
	theme.EscapeURLAttr(b, d.MethodURL)
	b.WriteString("\">评价说明</a>。")
	writeClosed(b, d.Closed)
	b.WriteString("</p>")
	for _, s := range d.Sources {
		b.WriteString("\n<p class=\"notice\">")
		theme.EscapeHTML(b, s)
		b.WriteString("</p>")
	}
	b.WriteString("\n")
	theme.WriteFilters(b, d.Periods)
	b.WriteString("\n")
	theme.WriteFilters(b, d.Sorts)
	for i := range d.Tables {
		t := &d.Tables[i]
		b.WriteString("\n<section aria-labelledby=\"lv-")
		theme.EscapeHTML(b, t.Level)
		b.WriteString("\">\n<h2 id=\"lv-")
		theme.EscapeHTML(b, t.Level)
		b.WriteString("\">")
		theme.EscapeHTML(b, t.Label)
		b.WriteString("</h2>")
		if len(t.Rows) == 0 {
			b.WriteString("\n<p>本期没有")
			theme.EscapeHTML(b, t.Label)
			b.WriteString("。</p>\n</section>")
			continue
		}
		b.WriteString("\n<div class=\"table-wrap\">\n<table class=\"dept-table ind-table\">\n<caption>")
		theme.EscapeHTML(b, d.Heading)
		theme.EscapeHTML(b, t.Label)
		b.WriteString("政务诚信评价（按")
		theme.EscapeHTML(b, d.SortLabel)
		b.WriteString("排序；")
		b.WriteString(strconv.Itoa(t.Ranked))
		b.WriteString("个单位参与排名，“—”表示记录不足或暂无数据，不参与该项排名）</caption>\n<thead><tr><th scope=\"col\">排名</th><th scope=\"col\">单位</th><th scope=\"col\">综合得分</th><th scope=\"col\">等次</th><th scope=\"col\">较上期</th>")
		for _, c := range d.Rates {
			b.WriteString("<th scope=\"col\"><a href=\"")
			theme.EscapeURLAttr(b, c.URL)
			b.WriteString("\"")
			if c.Current {
				b.WriteString(" aria-current=\"page\"")
			}
			b.WriteString(">")
			theme.EscapeHTML(b, c.Name)
			b.WriteString("</a></th>")
		}
		if d.Extra != nil {
			b.WriteString("<th scope=\"col\">")
			theme.EscapeHTML(b, d.Extra.Name)
			b.WriteString("</th>")
		}
		b.WriteString("\n<th scope=\"col\">加分</th><th scope=\"col\">扣分</th></tr></thead>\n<tbody>")
		for j := range t.Rows {
			r := &t.Rows[j]
			b.WriteString("\n<tr><td>")
			theme.EscapeHTML(b, r.Rank)
			b.WriteString("</td>")
			if r.Head != "" {
				b.WriteString(string(r.Head))
			} else {
				writeIndRowHead(b, r)
			}
			if r.Extra != nil {
				b.WriteString("<td>")
				writeIndCell(b, r.Extra)
				b.WriteString("</td>")
			}
			b.WriteString("\n")
			if r.Tail != "" {
				b.WriteString(string(r.Tail))
			} else {
				writeIndRowTail(b, r)
			}
			b.WriteString("</tr>")
		}
		b.WriteString("\n</tbody>\n</table>\n</div>\n</section>")
	}
	b.WriteString("\n<p class=\"ind-legend\">“*”：期末有政务失信记录尚未整改，等次不高于规定等次。比率后括号内为“达标数/计入数”。列出的比率至少依据")
	b.WriteString(strconv.Itoa(d.MinBase))
	b.WriteString("项（条、件）记录。</p>\n<p>开放数据：<a href=\"/data/indicators.csv\">CSV</a> · <a href=\"/data/indicators.json\">JSON</a>（全部周期、全部单位、每项指标）。</p>\n")
	theme.WriteFeedLinks(b, d.Feeds)
	b.WriteString("\n")
	return true, nil
}

// WriteMain writes the default indicators-body.html "main"
// (theme.MainWriter).
func (d *IndicatorBodyData) WriteMain(b *bytes.Buffer, layout, sum string, td theme.Data) (bool, error) {
	if d == nil || layout != "indicators-body" || sum != indicatorsBodyMainSum || td.Page == nil {
		return false, nil
	}
	b.WriteString("\n<h1 class=\"page-title\">")
	theme.EscapeHTML(b, td.Page.Title)
	if d.AsOf != "" {
		b.WriteString(" <span class=\"badge\">")
		theme.EscapeHTML(b, d.AsOf)
		b.WriteString("</span>")
	}
	b.WriteString("</h1>\n<p><a href=\"")
	theme.EscapeURLAttr(b, d.DeptURL)
	b.WriteString("\">")
	theme.EscapeHTML(b, d.Name)
	b.WriteString("</a>（")
	theme.EscapeHTML(b, d.Level)
	b.WriteString("）在")
	theme.EscapeHTML(b, d.Heading)
	b.WriteString("的政务诚信评价。")
	writeClosed(b, d.Closed)
	b.WriteString("各项指标的定义见<a href=\"")
	theme.EscapeURLAttr(b, d.MethodURL)
	b.WriteString("\">评价说明</a>；全部单位的排名见<a href=\"")
	theme.EscapeURLAttr(b, d.PeriodURL)
	b.WriteString("\">")
	theme.EscapeHTML(b, d.Heading)
	b.WriteString("评价结果</a>。</p>\n")
	theme.WriteFilters(b, d.Periods)
	if l := d.RolledInto; l != nil {
		b.WriteString("<p class=\"notice\">本单位的记录计入<a href=\"")
		theme.EscapeURLAttr(b, l.URL)
		b.WriteString("\">")
		theme.EscapeHTML(b, l.Label)
		b.WriteString("</a>，本单位不单独排名。</p>")
	}
	if len(d.RolledUp) > 0 {
		b.WriteString("<p class=\"notice\">本页数字包含下属单位的记录：")
		for i, l := range d.RolledUp {
			if i > 0 {
				b.WriteString("、")
			}
			b.WriteString("<a href=\"")
			theme.EscapeURLAttr(b, l.URL)
			b.WriteString("\">")
			theme.EscapeHTML(b, l.Label)
			b.WriteString("</a>")
		}
		b.WriteString("。</p>")
	}
	b.WriteString("\n<dl class=\"meta-table\">\n<div><dt>综合得分</dt><dd>")
	theme.EscapeHTML(b, d.Score)
	b.WriteString("</dd></div>\n<div><dt>等次</dt><dd>")
	if d.Grade != "" {
		theme.EscapeHTML(b, d.Grade)
	} else {
		b.WriteString("—")
	}
	if d.GradeNote != "" {
		b.WriteString("（")
		theme.EscapeHTML(b, d.GradeNote)
		b.WriteString("）")
	}
	b.WriteString("</dd></div>")
	if d.Rank != "" {
		b.WriteString("<div><dt>排名</dt><dd>")
		theme.EscapeHTML(b, d.Rank)
		b.WriteString("</dd></div>")
	}
	b.WriteString("\n<div><dt>较上期</dt><dd>")
	if d.Trend.Label != "" {
		theme.EscapeHTML(b, d.Trend.Arrow)
		b.WriteString(" ")
		theme.EscapeHTML(b, d.Trend.Label)
	} else {
		b.WriteString("—（上期或本期无综合得分）")
	}
	b.WriteString("</dd></div>\n</dl>\n<section aria-labelledby=\"f-h\">\n<h2 id=\"f-h\">计算过程</h2>")
	for _, f := range d.Formula {
		b.WriteString("\n<p>")
		theme.EscapeHTML(b, f)
		b.WriteString("</p>")
	}
	b.WriteString("\n</section>\n<section aria-labelledby=\"t-h\">\n<h2 id=\"t-h\">历次得分</h2>")
	for _, c := range d.Charts {
		b.WriteString("\n<figure class=\"chart ind-chart\">")
		b.WriteString(string(c))
		b.WriteString("</figure>")
	}
	b.WriteString("\n</section>")
	for i := range d.Sections {
		s := &d.Sections[i]
		b.WriteString("\n<section id=\"ind-")
		theme.EscapeHTML(b, s.ID)
		b.WriteString("\" aria-labelledby=\"ind-")
		theme.EscapeHTML(b, s.ID)
		b.WriteString("-h\">\n<h2 id=\"ind-")
		theme.EscapeHTML(b, s.ID)
		b.WriteString("-h\">")
		theme.EscapeHTML(b, s.Name)
		b.WriteString("：")
		theme.EscapeHTML(b, s.Figure)
		if s.Points != "" {
			b.WriteString("，")
			theme.EscapeHTML(b, s.Points)
		}
		b.WriteString("</h2>\n<p class=\"ind-kind\">")
		theme.EscapeHTML(b, s.Kind)
		b.WriteString("。")
		theme.EscapeHTML(b, s.Rule)
		b.WriteString("。</p>\n<p>")
		theme.EscapeHTML(b, s.Definition)
		b.WriteString("</p>")
		if s.Note != "" {
			b.WriteString("<p class=\"notice\">")
			theme.EscapeHTML(b, s.Note)
			b.WriteString("</p>")
		}
		if len(s.Refs) > 0 {
			b.WriteString("\n<ul class=\"ind-refs\">")
			for j := range s.Refs {
				r := &s.Refs[j]
				b.WriteString("\n<li>")
				if r.HTML != "" {
					b.WriteString(string(r.HTML))
				} else {
					writeIndRef(b, r)
				}
				b.WriteString("</li>")
			}
			b.WriteString("\n</ul>")
		}
		for _, l := range s.More {
			b.WriteString("<p class=\"more\"><a href=\"")
			theme.EscapeURLAttr(b, l.URL)
			b.WriteString("\">")
			theme.EscapeHTML(b, l.Label)
			b.WriteString("</a></p>")
		}
		b.WriteString("\n</section>")
	}
	b.WriteString("\n")
	return true, nil
}

// writeClosed writes the sentence on whether the period's results still
// change.
func writeClosed(b *bytes.Buffer, closed bool) {
	if closed {
		b.WriteString("本期已结束，结果不再变化。")
	} else {
		b.WriteString("本期尚未结束，结果随新记录更新。")
	}
}

// writeIndCell writes the default partials/ind-cell.html for c.
func writeIndCell(b *bytes.Buffer, c *IndicatorCell) {
	if c.URL != "" {
		b.WriteString("<a href=\"")
		theme.EscapeURLAttr(b, c.URL)
		b.WriteString("\"")
	} else {
		b.WriteString("<span")
	}
	if c.Title != "" {
		b.WriteString(" title=\"")
		theme.EscapeHTML(b, c.Title)
		b.WriteString("\"")
	}
	b.WriteString(">")
	theme.EscapeHTML(b, c.Text)
	if c.URL != "" {
		b.WriteString("</a>")
	} else {
		b.WriteString("</span>")
	}
}

// writeIndRowHead writes the default partials/ind-row-head.html for r.
func writeIndRowHead(b *bytes.Buffer, r *IndicatorRow) {
	b.WriteString("<th scope=\"row\"><a href=\"")
	if r.URL != "" {
		theme.EscapeURLAttr(b, r.URL)
	} else {
		theme.EscapeURLAttr(b, r.DeptURL)
	}
	b.WriteString("\" title=\"")
	theme.EscapeHTML(b, r.FullName)
	b.WriteString("\">")
	theme.EscapeHTML(b, r.Name)
	b.WriteString("</a></th><td>")
	if r.URL != "" {
		b.WriteString("<a href=\"")
		theme.EscapeURLAttr(b, r.URL)
		b.WriteString("\">")
		theme.EscapeHTML(b, r.Score)
		b.WriteString("</a>")
	} else {
		theme.EscapeHTML(b, r.Score)
	}
	b.WriteString("</td><td>")
	theme.EscapeHTML(b, r.Grade)
	if r.GradeNote != "" {
		b.WriteString("<span class=\"ind-note\" title=\"")
		theme.EscapeHTML(b, r.GradeNote)
		b.WriteString("\">*</span><span class=\"visually-hidden\">（")
		theme.EscapeHTML(b, r.GradeNote)
		b.WriteString("）</span>")
	}
	b.WriteString("</td>\n<td>")
	if r.Trend.Arrow != "" {
		b.WriteString("<span class=\"trend trend-")
		theme.EscapeHTML(b, r.Trend.Class)
		b.WriteString("\" title=\"")
		theme.EscapeHTML(b, r.Trend.Label)
		b.WriteString("\"><span aria-hidden=\"true\">")
		theme.EscapeHTML(b, r.Trend.Arrow)
		b.WriteString(" ")
		theme.EscapeHTML(b, r.Trend.Text)
		b.WriteString("</span><span class=\"visually-hidden\">")
		theme.EscapeHTML(b, r.Trend.Label)
		b.WriteString("</span></span>")
	} else {
		b.WriteString("—")
	}
	b.WriteString("</td>")
	for i := range r.Rates {
		b.WriteString("<td>")
		writeIndCell(b, &r.Rates[i])
		b.WriteString("</td>")
	}
}

// writeIndRowTail writes the default partials/ind-row-tail.html for r.
func writeIndRowTail(b *bytes.Buffer, r *IndicatorRow) {
	b.WriteString("<td>")
	writeIndCell(b, &r.Bonus)
	b.WriteString("</td>\n<td>")
	if len(r.Penalties) == 0 {
		b.WriteString("0</td>")
		return
	}
	b.WriteString("<ul class=\"ind-penalties\">")
	for _, c := range r.Penalties {
		b.WriteString("<li><a href=\"")
		theme.EscapeURLAttr(b, c.URL)
		b.WriteString("\">")
		theme.EscapeHTML(b, c.Label)
		b.WriteString(" ")
		theme.EscapeHTML(b, c.Text)
		b.WriteString("</a></li>")
	}
	b.WriteString("</ul></td>")
}

// writeIndRef writes the default partials/ind-ref.html for r.
func writeIndRef(b *bytes.Buffer, r *IndicatorRef) {
	if r.URL != "" {
		b.WriteString("<a href=\"")
		theme.EscapeURLAttr(b, r.URL)
		b.WriteString("\">")
		theme.EscapeHTML(b, r.Title)
		b.WriteString("</a>")
	} else {
		theme.EscapeHTML(b, r.Title)
	}
	if r.Note != "" {
		b.WriteString("：")
		theme.EscapeHTML(b, r.Note)
	}
}

// indFragments tells which of the scoreboard's row partials and the
// record line partial the theme has as default, so scoreRow and refHTML
// write them in Go, and whether the body pages are written in Go, which
// then need no rendered record lines at all.
type indFragments struct{ rows, refs, bodyGo bool }

func indFragmentsOf(th *theme.Theme) indFragments {
	if th == nil {
		return indFragments{}
	}
	cell := th.PartialSum("ind-cell.html") == indCellSum
	return indFragments{
		rows:   cell && th.PartialSum("ind-row-head.html") == indRowHeadSum && th.PartialSum("ind-row-tail.html") == indRowTailSum,
		refs:   th.PartialSum("ind-ref.html") == indRefSum,
		bodyGo: th.WritesMain("indicators-body", indicatorsBodyMainSum),
	}
}

// rowFragments renders r's head and tail in Go.
func rowFragments(r *IndicatorRow) (head, tail template.HTML) {
	var b bytes.Buffer
	b.Grow(1024)
	writeIndRowHead(&b, r)
	n := b.Len()
	writeIndRowTail(&b, r)
	s := b.String()
	return template.HTML(s[:n]), template.HTML(s[n:])
}

// refFragment renders r's record line in Go.
func refFragment(r *IndicatorRef) template.HTML {
	var b bytes.Buffer
	b.Grow(64 + len(r.Title) + len(r.URL) + len(r.Note))
	writeIndRef(&b, r)
	return template.HTML(b.String())
}
