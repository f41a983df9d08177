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

// writeRevisions writes partials/revisions.html for h: a record's 修订记录
// and the ledger block portal verify reads (nil: the site keeps no log).
func writeRevisions(b *bytes.Buffer, h *HistoryView) {
	if h == nil {
		b.WriteString("\n")
		return
	}
	b.WriteString("\n<section class=\"revisions\" id=\"revisions\" aria-labelledby=\"revisions-h\" data-ledger-record=\"")
	theme.EscapeHTML(b, h.Key)
	b.WriteString("\" data-ledger-state=\"")
	theme.EscapeHTML(b, h.State)
	b.WriteString("\"")
	if h.Version != 0 {
		b.WriteString(" data-ledger-version=\"")
		b.WriteString(strconv.Itoa(h.Version))
		b.WriteString("\" data-ledger-entry=\"")
		b.WriteString(strconv.FormatInt(h.Entry, 10))
		b.WriteString("\"")
	}
	if h.Hash != "" {
		b.WriteString(" data-ledger-hash=\"")
		theme.EscapeHTML(b, h.Hash)
		b.WriteString("\"")
	}
	b.WriteString(">\n<h2 id=\"revisions-h\">修订记录</h2>")
	if h.StateNote != "" {
		b.WriteString("\n<p class=\"ledger-note\" role=\"note\">")
		theme.EscapeHTML(b, h.StateNote)
		b.WriteString("</p>")
	}
	b.WriteString("\n<p class=\"ledger-entry\">")
	switch {
	case h.Version != 0 && h.State == "current":
		b.WriteString("本页为第 ")
		writeLedgerEntry(b, h, " 版，登记于")
	case h.State == "old":
		b.WriteString("本页为第 ")
		writeLedgerEntry(b, h, " 版的存档，登记于")
	}
	b.WriteString("\n<a href=\"")
	theme.EscapeURLAttr(b, h.GuideURL)
	b.WriteString("\">如何核验本站记录</a></p>")
	if h.Withheld {
		b.WriteString("\n<p class=\"ledger-withheld\">该记录已停止公示，修订记录只列出日期和修改的项目，不再显示内容。</p>")
	}
	if len(h.Revisions) > 0 {
		b.WriteString("\n<ol class=\"revision-list\">")
		for i := range h.Revisions {
			writeRevision(b, &h.Revisions[i])
		}
		b.WriteString("\n</ol>")
	}
	b.WriteString("\n</section>\n")
}

// writeLedgerEntry writes the version, then mid, then the log entry and
// the content hash of the ledger block's 本页为第 … sentence.
func writeLedgerEntry(b *bytes.Buffer, h *HistoryView, mid string) {
	b.WriteString(strconv.Itoa(h.Version))
	b.WriteString(mid)
	b.WriteString("<a href=\"")
	theme.EscapeURLAttr(b, h.LogURL)
	b.WriteString("\">本站发布记录</a>第 ")
	b.WriteString(strconv.FormatInt(h.Entry, 10))
	b.WriteString(" 条，内容哈希 <code>")
	theme.EscapeHTML(b, h.Short)
	b.WriteString("</code>。")
}

// writeRevision writes one version's row of revisions.html.
func writeRevision(b *bytes.Buffer, r *RevisionView) {
	b.WriteString("\n<li id=\"")
	theme.EscapeHTML(b, r.Anchor)
	b.WriteString("\" class=\"revision revision-")
	theme.EscapeHTML(b, r.OpClass)
	if len(r.Material) > 0 {
		b.WriteString(" revision-material")
	}
	b.WriteString("\">\n<p class=\"revision-head\"><strong>第 ")
	b.WriteString(strconv.Itoa(r.Version))
	b.WriteString(" 版</strong> ")
	writeTime(b, r.Date, "")
	b.WriteString(" ")
	theme.EscapeHTML(b, r.Op)
	for _, m := range r.Material {
		b.WriteString(" <a class=\"badge badge-material\" href=\"")
		theme.EscapeURLAttr(b, m.URL)
		b.WriteString("\">")
		theme.EscapeHTML(b, m.Label)
		b.WriteString("</a>")
	}
	switch {
	case r.This:
		b.WriteString(" · <strong class=\"current\">本页所示版本</strong>")
	case r.URL != "":
		b.WriteString(" · <a href=\"")
		theme.EscapeURLAttr(b, r.URL)
		b.WriteString("\">查看第 ")
		b.WriteString(strconv.Itoa(r.Version))
		b.WriteString(" 版全文</a>")
	}
	if r.Current {
		b.WriteString(" · <span class=\"current\">现行版本</span>")
	}
	b.WriteString("</p>")
	if r.Note != "" {
		b.WriteString("\n<p class=\"revision-note\">说明：")
		theme.EscapeHTML(b, r.Note)
		b.WriteString("</p>")
	}
	if len(r.Changes) > 0 {
		b.WriteString("\n<ul class=\"changes\">")
		for i := range r.Changes {
			c := &r.Changes[i]
			b.WriteString("\n<li><span class=\"field\">")
			theme.EscapeHTML(b, c.Label)
			b.WriteString("</span>：")
			switch {
			case c.Withheld:
				b.WriteString("已修改（内容已停止公示）")
			case c.Diff != "":
				b.WriteString("<span class=\"diff\">")
				b.WriteString(string(c.Diff))
				b.WriteString("</span>")
			case len(c.Added) > 0 || len(c.Removed) > 0:
				for _, s := range c.Removed {
					b.WriteString("<del>")
					theme.EscapeHTML(b, s)
					b.WriteString("</del> ")
				}
				for _, s := range c.Added {
					b.WriteString("<ins>")
					theme.EscapeHTML(b, s)
					b.WriteString("</ins> ")
				}
			default:
				b.WriteString("<del>")
				theme.EscapeHTML(b, c.Old)
				b.WriteString("</del> → <ins>")
				theme.EscapeHTML(b, c.New)
				b.WriteString("</ins>")
			}
			b.WriteString("</li>")
		}
		b.WriteString("\n</ul>")
	}
	b.WriteString("\n<p class=\"revision-meta\">发布记录第 ")
	b.WriteString(strconv.FormatInt(r.Entry, 10))
	b.WriteString(" 条")
	if r.Short != "" {
		b.WriteString(" · 内容哈希 <code>")
		theme.EscapeHTML(b, r.Short)
		b.WriteString("</code>")
	}
	b.WriteString("</p>\n</li>")
}
