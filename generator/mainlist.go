package generator

import (
	"bytes"
	"strconv"

	"portal/generator/theme"
)

// The list layouts' main blocks (list.html, table.html, subject.html) in
// Go, as mainrec.go does for the record pages: each writer follows its
// layout line by line and runs only while theme.MainSum is the default
// block's sum below.

// The theme.MainSum of the default layouts the writers mirror.
const (
	listMainSum    = "a36aa493df646c41650edb3fd5a5fb36d949c70a0130408e1dbd3b9efdddf8b4"
	tableMainSum   = "0936749b2a2f0be139e7dd6481693c1cb44a8385a820811a66b886101d263b4c"
	subjectMainSum = "76ea2615c7162dbf61f46130fd38d500b9b0e46a3be3cef030dfe63d495889e4"
)

// WriteMain writes the default list.html's or table.html's main block
// (both show a ListData).
func (v *ListData) WriteMain(b *bytes.Buffer, layout, sum string, d theme.Data) (bool, error) {
	if v == nil {
		return false, nil
	}
	switch {
	case layout == "list" && sum == listMainSum:
		writeList(b, d.Page, v)
	case layout == "table" && sum == tableMainSum && (v.Pager != nil || len(v.Items) == 0):
		// (A table without its pager is the template's error to report.)
		writeTable(b, d.Page, v)
	default:
		return false, nil
	}
	return true, nil
}

// writeListFilters writes {{with .FiltersHTML}}{{.}}{{else}}{{template
// "filters.html" .Filters}}{{end}}.
func writeListFilters(b *bytes.Buffer, v *ListData) {
	if v.FiltersHTML != "" {
		b.WriteString(string(v.FiltersHTML))
	} else {
		theme.WriteFilters(b, v.Filters)
	}
}

func writeList(b *bytes.Buffer, p *theme.Page, v *ListData) {
	b.WriteString("\n")
	writeTitle(b, p)
	if v.Intro != "" {
		b.WriteString("<details class=\"intro-fold\"><summary>栏目说明</summary><div class=\"intro prose\">")
		b.WriteString(string(v.Intro))
		b.WriteString("</div></details>")
	}
	b.WriteString("\n")
	writeListFilters(b, v)
	b.WriteString("\n")
	theme.WriteFeedLinks(b, v.Feeds)
	if len(v.Items) > 0 {
		b.WriteString("\n")
		writeItems(b, v.Items)
	} else {
		b.WriteString("\n<p class=\"empty\">暂无内容。</p>")
	}
	b.WriteString("\n")
	writePager(b, v.Pager)
	b.WriteString("\n")
}

func writeTable(b *bytes.Buffer, p *theme.Page, v *ListData) {
	b.WriteString("\n")
	writeTitle(b, p)
	b.WriteString("\n")
	writeListFilters(b, v)
	if len(v.Items) > 0 {
		b.WriteString("\n<div class=\"table-wrap\" role=\"region\" aria-label=\"")
		theme.EscapeHTML(b, p.Title)
		b.WriteString("\" tabindex=\"0\">\n<table class=\"data-table\">\n<caption>")
		theme.EscapeHTML(b, p.Title)
		b.WriteString("，共 ")
		b.WriteString(strconv.Itoa(v.Pager.Total))
		b.WriteString(" 条</caption>\n<thead>\n<tr><th scope=\"col\">行政相对人名称</th><th scope=\"col\">统一社会信用代码</th><th scope=\"col\">文号</th><th scope=\"col\">类别</th><th scope=\"col\">决定日期</th><th scope=\"col\">决定机关</th></tr>\n</thead>\n<tbody>")
		for i := range v.Items {
			it := &v.Items[i]
			b.WriteString("\n<tr><th scope=\"row\"><a href=\"")
			theme.EscapeURLAttr(b, it.URL)
			b.WriteString("\">")
			theme.EscapeHTML(b, it.Subject)
			b.WriteString("</a>")
			if it.Example {
				b.WriteString(" <span class=\"badge badge-example\">示例</span>")
			}
			b.WriteString("</th><td>")
			theme.EscapeHTML(b, it.CreditCode)
			b.WriteString("</td><td>")
			theme.EscapeHTML(b, it.DocNumber)
			b.WriteString("</td><td>")
			theme.EscapeHTML(b, it.Category)
			b.WriteString("</td><td><time datetime=\"")
			theme.EscapeHTML(b, it.DateISO)
			b.WriteString("\">")
			theme.EscapeHTML(b, it.DateText)
			b.WriteString("</time></td><td>")
			theme.EscapeHTML(b, it.Department)
			b.WriteString("</td></tr>")
		}
		b.WriteString("\n</tbody>\n</table>\n</div>")
	} else {
		b.WriteString("\n<p class=\"empty\">暂无内容。</p>")
	}
	b.WriteString("\n")
	writePager(b, v.Pager)
	b.WriteString("\n")
}

// WriteMain writes the default subject.html's main block.
func (v *SubjectData) WriteMain(b *bytes.Buffer, layout, sum string, d theme.Data) (bool, error) {
	if v == nil || layout != "subject" || sum != subjectMainSum {
		return false, nil
	}
	b.WriteString("\n")
	writeTitle(b, d.Page)
	b.WriteString("\n<dl class=\"meta-table\">\n<div><dt>统一社会信用代码</dt><dd>")
	theme.EscapeHTML(b, v.Code)
	b.WriteString("</dd></div>\n<div><dt>公示信息</dt><dd>")
	b.WriteString(strconv.Itoa(len(v.Items)))
	b.WriteString(" 条</dd></div>\n</dl>\n")
	writeItems(b, v.Items)
	b.WriteString("\n")
	return true, nil
}
