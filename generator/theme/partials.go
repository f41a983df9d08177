package theme

import (
	"bytes"
	"strconv"
)

// Go writers of default partials that layouts written in Go (MainWriter)
// call: each writes exactly what its partial writes under html/template,
// for the default tree named beside it. A MainWriter's sum (MainSum)
// covers the partials its block calls, so a theme that replaces one of
// them sends its pages back to the templates; a caller using one alone
// compares PartialSum with the constant first. TestPartialWriters and
// FuzzPartialWriters hold them to the templates, and TestDefaultPartials
// fails when a partial changes without its writer and sum following.

// FiltersSum is the TreeSum of the default partials/filters.html.
const FiltersSum = "eae217644820af83c683134a124c001b775dccbb8d85de4145c61323c62a522d"

// FeedLinksSum is the TreeSum of the default partials/feed-links.html.
const FeedLinksSum = "0563353995f0488147d94fc56d0e209516616c4518b62b99766de58aca1d309d"

// WriteFilters writes the default partials/filters.html for groups: the
// folded rows of filter and sort links above a list.
func WriteFilters(b *bytes.Buffer, groups []FilterGroup) {
	if len(groups) == 0 {
		b.WriteString("\n")
		return
	}
	b.WriteString("\n<details class=\"filters-fold\">\n<summary>")
	for i, g := range groups {
		if i > 0 {
			b.WriteString("；")
		}
		EscapeHTML(b, g.Label)
		b.WriteString("：")
		cur := ""
		for _, l := range g.Links {
			if l.Current {
				cur = l.Label
			}
		}
		if cur != "" {
			EscapeHTML(b, cur)
		} else {
			b.WriteString("全部")
		}
	}
	b.WriteString("（点击更改）</summary>")
	for _, g := range groups {
		b.WriteString("\n<nav class=\"filters\" aria-label=\"")
		EscapeHTML(b, g.Label)
		b.WriteString("\">\n<span class=\"filters-label\">")
		EscapeHTML(b, g.Label)
		b.WriteString("：</span>\n<ul>")
		for _, l := range g.Links {
			b.WriteString("\n<li><a href=\"")
			EscapeURLAttr(b, l.URL)
			b.WriteString("\"")
			if l.Current {
				b.WriteString(" aria-current=\"page\"")
			}
			b.WriteString(">")
			EscapeHTML(b, l.Label)
			if l.HasCount {
				b.WriteString(" <span class=\"count\">(")
				b.WriteString(strconv.Itoa(l.Count))
				b.WriteString(")</span>")
			}
			b.WriteString("</a></li>")
		}
		b.WriteString("\n</ul>\n</nav>")
	}
	b.WriteString("\n</details>\n")
}

// WriteFeedLinks writes the default partials/feed-links.html for links:
// a section's or department's feeds, one link per format.
func WriteFeedLinks(b *bytes.Buffer, links []Link) {
	if len(links) == 0 {
		b.WriteString("\n")
		return
	}
	b.WriteString("\n<p class=\"feed-link\">订阅本页更新：")
	for i, l := range links {
		if i > 0 {
			b.WriteString(" · ")
		}
		b.WriteString("<a href=\"")
		EscapeURLAttr(b, l.URL)
		b.WriteString("\"")
		if l.Type != "" {
			b.WriteString(" type=\"")
			EscapeHTML(b, l.Type)
			b.WriteString("\"")
		}
		b.WriteString(">")
		switch l.Type {
		case "application/rss+xml":
			b.WriteString("RSS")
		case "application/atom+xml":
			b.WriteString("Atom")
		case "application/feed+json":
			b.WriteString("JSON Feed")
		default:
			EscapeHTML(b, l.Label)
		}
		b.WriteString("</a>")
	}
	b.WriteString("（<a href=\"/feeds/\">全部订阅</a>）</p>\n")
}
