package generator

import (
	"bytes"
	"html/template"

	"portal/generator/theme"
)

// A list row (partials/item.html) is rendered for every entry of the site
// on a cold build: 10,000 executions of a template whose escapers
// html/template calls through reflection. While the theme's item.html
// parses to the default tree (itemSum), writeItem writes the same bytes in
// Go; TestItemRowMatchesTemplate and FuzzItemRow hold the two together,
// and TestDefaultItemIsFast fails when item.html changes without writeItem
// and itemSum following.

// itemSum is theme.TreeSum of the default partials/item.html.
const itemSum = "d92a5a4eb4a554296a8e68ad4d7ac2af24b1c3946f2038e8d7fb7fc89cfd53be"

// itemRow renders v's list row: in Go for the default item.html, else
// with the theme's partial.
func itemRow(th *theme.Theme, v *Item) (template.HTML, error) {
	if th.PartialSum("item.html") != itemSum {
		return th.Partial("item.html", *v)
	}
	var b bytes.Buffer
	b.Grow(512)
	writeItem(&b, v)
	return template.HTML(b.String()), nil
}

// writeItem writes the default partials/item.html for v, as html/template
// escapes it.
func writeItem(b *bytes.Buffer, v *Item) {
	b.WriteString("<li class=\"item\">\n<a class=\"item-title\" href=\"")
	theme.EscapeURLAttr(b, v.URL)
	b.WriteString("\">")
	theme.EscapeHTML(b, v.Title)
	b.WriteString("</a>")
	if v.Example {
		b.WriteString(" <span class=\"badge badge-example\">示例</span>")
	}
	if v.StatusLabel != "" {
		b.WriteString(" <span class=\"standing\"><span class=\"badge status-")
		theme.EscapeHTML(b, v.StatusClass)
		b.WriteString("\">")
		theme.EscapeHTML(b, v.StatusLabel)
		b.WriteString("</span>")
		if v.Note != "" {
			b.WriteString(" · <strong class=\"")
			if v.NoteClass != "" {
				theme.EscapeHTML(b, v.NoteClass)
			} else {
				b.WriteString("soon")
			}
			b.WriteString("\">")
			theme.EscapeHTML(b, v.Note)
			b.WriteString("</strong>")
		}
		b.WriteString("</span>")
	}
	if v.Kind == "disclosures" {
		b.WriteString("\n<dl class=\"item-fields\">\n<div><dt>行政相对人</dt><dd>")
		theme.EscapeHTML(b, v.Subject)
		b.WriteString("</dd></div>")
		if v.CreditCode != "" {
			b.WriteString("<div><dt>统一社会信用代码</dt><dd>")
			theme.EscapeHTML(b, v.CreditCode)
			b.WriteString("</dd></div>")
		}
		b.WriteString("\n<div><dt>文号</dt><dd>")
		theme.EscapeHTML(b, v.DocNumber)
		b.WriteString("</dd></div>\n</dl>")
	}
	b.WriteString("\n<p class=\"item-meta\">")
	if v.DateISO != "" {
		b.WriteString("<time datetime=\"")
		theme.EscapeHTML(b, v.DateISO)
		b.WriteString("\">")
		theme.EscapeHTML(b, v.DateText)
		b.WriteString("</time>")
	}
	if v.Department != "" {
		b.WriteString(" · ")
		theme.EscapeHTML(b, v.Department)
	}
	if v.Category != "" {
		b.WriteString(" · ")
		theme.EscapeHTML(b, v.Category)
	}
	b.WriteString("\n</p>")
	if v.Summary != "" {
		b.WriteString("\n<p class=\"item-summary\">")
		theme.EscapeHTML(b, v.Summary)
		b.WriteString("</p>")
	}
	b.WriteString("\n</li>\n")
}
