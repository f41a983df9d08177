package generator

import (
	"bytes"
	"strconv"
	"time"

	"portal/generator/theme"
)

// The partials the record and list layouts call (title.html,
// record-title.html, tags.html, depts.html, items.html, pager.html),
// written in Go for the layouts' main blocks (mainrec.go, mainlist.go).
// Each writes exactly what html/template writes for the default partial;
// the layouts' main sums cover the partials, so a theme that changes one
// gets the templates, and TestMainMatchesTemplate holds the bytes equal.

// writeTitle writes partials/title.html for p.
func writeTitle(b *bytes.Buffer, p *theme.Page) {
	b.WriteString("<h1 class=\"page-title\">")
	theme.EscapeHTML(b, p.Title)
	writeExampleBadge(b, p)
	b.WriteString("</h1>\n")
}

// writeRecordTitle writes partials/record-title.html for p.
func writeRecordTitle(b *bytes.Buffer, p *theme.Page) {
	b.WriteString("<h1 class=\"page-title\"><span data-ledger=\"title\">")
	theme.EscapeHTML(b, p.Title)
	b.WriteString("</span>")
	writeExampleBadge(b, p)
	b.WriteString("</h1>\n")
}

func writeExampleBadge(b *bytes.Buffer, p *theme.Page) {
	if p.Example {
		b.WriteString(" <span class=\"badge badge-example\" title=\"示例内容，非真实记录\">示例</span>")
	}
}

// writeTags writes partials/tags.html for tags.
func writeTags(b *bytes.Buffer, tags []theme.Link) {
	if len(tags) > 0 {
		b.WriteString("\n<p class=\"tags\"><span>标签：</span>")
		for _, t := range tags {
			b.WriteString("<a class=\"tag\" href=\"")
			theme.EscapeURLAttr(b, t.URL)
			b.WriteString("\" data-ledger=\"tags\">")
			theme.EscapeHTML(b, t.Label)
			b.WriteString("</a> ")
		}
		b.WriteString("</p>")
	}
	b.WriteString("\n")
}

// writeDepts writes partials/depts.html for depts: their full names,
// linked where they have a page.
func writeDepts(b *bytes.Buffer, depts []theme.Link) {
	for i, d := range depts {
		if i > 0 {
			b.WriteString("、")
		}
		if d.URL != "" {
			b.WriteString("<a href=\"")
			theme.EscapeURLAttr(b, d.URL)
			b.WriteString("\">")
			theme.EscapeHTML(b, d.Name)
			b.WriteString("</a>")
		} else {
			theme.EscapeHTML(b, d.Name)
		}
	}
}

// writeItems writes partials/items.html for items: their rendered rows.
func writeItems(b *bytes.Buffer, items []Item) {
	if len(items) > 0 {
		b.WriteString("\n<ul class=\"items\">")
		for i := range items {
			b.WriteString("\n")
			b.WriteString(string(items[i].Row))
		}
		b.WriteString("\n</ul>")
	}
	b.WriteString("\n")
}

// writePager writes partials/pager.html for p (nil: no pager).
func writePager(b *bytes.Buffer, p *theme.Pager) {
	if p != nil && p.Pages > 1 {
		b.WriteString("\n<nav class=\"pager\" aria-label=\"分页\">\n<ul>")
		if p.Prev != "" {
			b.WriteString("<li><a href=\"")
			theme.EscapeURLAttr(b, p.Prev)
			b.WriteString("\" rel=\"prev\">上一页</a></li>")
		}
		for _, l := range p.Links {
			switch {
			case l.Gap:
				b.WriteString("<li class=\"gap\" aria-hidden=\"true\">…</li>")
			case l.Current:
				b.WriteString("<li><a href=\"")
				theme.EscapeURLAttr(b, l.URL)
				b.WriteString("\" aria-current=\"page\">")
				b.WriteString(strconv.Itoa(l.N))
				b.WriteString("</a></li>")
			default:
				b.WriteString("<li><a href=\"")
				theme.EscapeURLAttr(b, l.URL)
				b.WriteString("\">")
				b.WriteString(strconv.Itoa(l.N))
				b.WriteString("</a></li>")
			}
		}
		if p.Next != "" {
			b.WriteString("<li><a href=\"")
			theme.EscapeURLAttr(b, p.Next)
			b.WriteString("\" rel=\"next\">下一页</a></li>")
		}
		b.WriteString("\n</ul>\n<p class=\"pager-info\">第 ")
		b.WriteString(strconv.Itoa(p.Page))
		b.WriteString(" 页，共 ")
		b.WriteString(strconv.Itoa(p.Pages))
		b.WriteString(" 页，")
		b.WriteString(strconv.Itoa(p.Total))
		b.WriteString(" 条</p>\n</nav>")
	}
	b.WriteString("\n")
}

// writeTime writes <time datetime="2024-11-25">2024年11月25日</time>, as
// the layouts write {{isodate .}} and {{date .}} (extra: attributes after
// datetime, already escaped).
func writeTime(b *bytes.Buffer, t time.Time, extra string) {
	b.WriteString("<time datetime=\"")
	theme.EscapeHTML(b, day(t))
	b.WriteString("\"")
	b.WriteString(extra)
	b.WriteString(">")
	theme.EscapeHTML(b, theme.Date(t))
	b.WriteString("</time>")
}
