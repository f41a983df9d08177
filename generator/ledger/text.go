package ledger

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// isBlock reports whether the element a ends a line of visible text:
// paragraphs, list items, table cells and headings never run together.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Dl, atom.Dt, atom.Dd,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Table, atom.Thead, atom.Tbody, atom.Tfoot, atom.Tr, atom.Td, atom.Th, atom.Caption,
		atom.Blockquote, atom.Pre, atom.Br, atom.Hr, atom.Section, atom.Article,
		atom.Figure, atom.Figcaption, atom.Header, atom.Footer, atom.Aside, atom.Nav,
		atom.Details, atom.Summary:
		return true
	}
	return false
}

// skipTags hold no visible text.
var skipTags = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true}

// VisibleText returns the text a reader sees in an HTML fragment, normalised
// by NormText, one line per block. With links, a link whose target is not
// its own text is followed by " <target>" (in-page #anchors excepted), so a
// changed link target is a changed text; an image shows as [图片：alt].
// The canonical form of a body is VisibleText of its rendered HTML, and
// verify applies the same function to the page, so both sides agree by
// construction.
func VisibleText(fragment string, links bool) string {
	if fragment == "" {
		return ""
	}
	if !strings.ContainsAny(fragment, "<&") {
		return NormText(fragment)
	}
	if s, ok := visibleTextSimple(fragment, links); ok {
		return s
	}
	return visibleTextTokenized(fragment, links)
}

// visibleTextTokenized is VisibleText by the HTML tokenizer, for any
// fragment.
func visibleTextTokenized(fragment string, links bool) string {
	z := html.NewTokenizerFragment(strings.NewReader(fragment), "div")
	var b strings.Builder
	b.Grow(len(fragment))
	skip := 0
	type open struct {
		href  string
		start int
	}
	var anchors []open
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return NormText(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch {
			case skipTags[a]:
				if tt == html.StartTagToken {
					skip++
				}
			case isBlock(a):
				b.WriteByte('\n')
			case a == atom.A && links && tt == html.StartTagToken:
				anchors = append(anchors, open{href: attr(z, hasAttr, "href"), start: b.Len()})
			case a == atom.Img:
				if alt := attr(z, hasAttr, "alt"); alt != "" {
					b.WriteString("[图片：" + alt + "]")
				} else {
					b.WriteString("[图片]")
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case skipTags[a]:
				if skip > 0 {
					skip--
				}
			case isBlock(a):
				b.WriteByte('\n')
			case a == atom.A && links && len(anchors) > 0:
				o := anchors[len(anchors)-1]
				anchors = anchors[:len(anchors)-1]
				if o.href != "" && !strings.HasPrefix(o.href, "#") {
					text := strings.TrimSpace(b.String()[o.start:])
					if text != o.href && "mailto:"+text != o.href {
						b.WriteString(" <" + o.href + ">")
					}
				}
			}
		}
	}
}

// attr returns the value of the attribute key of the current tag.
func attr(z *html.Tokenizer, more bool, key string) string {
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		if string(k) == key {
			return string(v)
		}
	}
	return ""
}
