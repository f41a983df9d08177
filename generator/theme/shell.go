package theme

import (
	"bytes"
	"html/template"
	"strings"
)

// The page shell (baseof.html) runs on every page, and html/template calls
// each of its escapers through reflection: about half of the template time
// of a record page went to the shell. When a layout's shell parses to the
// default baseof.html's tree (TreeSum), Render writes it in Go instead and
// executes only the layout's "head" and "main" (and the partials the shell
// falls back to) as templates. writeShell mirrors the default baseof.html
// as html/template escapes it, escaper for escaper; TestShellMatchesTemplate
// and FuzzShell hold the two to the same bytes, and TestDefaultShellIsFast
// fails when baseof.html changes without writeShell and shellSum following.

// shellSum is the SHA-256 of the parse tree of the default
// layouts/baseof.html (TreeSum), which writeShell reproduces.
const shellSum = "91b9fa160f571160dded302a3fcd300d26bcf2239707a110f0f1979e1d2151cd"

// ShellSite is what the default baseof.html reads from .Site.
type ShellSite struct {
	Title                            string
	SiteName, SiteDomain, SiteIDCode string // .Site.Gov's
	Footer                           template.HTML
}

// ShellSiter is implemented by a .Site value that can give its ShellSite
// (ok false: the shell is left to the template).
type ShellSiter interface {
	ShellSite() (s ShellSite, ok bool)
}

// MainWriter is a page's .Data that can write its layout's "main" block
// in Go while the block and the partials it calls are the ones the writer
// mirrors (as the shell itself is written in Go while baseof.html is the
// default one).
type MainWriter interface {
	// WriteMain writes layout's "main" for d into b, exactly as the
	// template would, when sum (Theme.MainSum of layout) is that of the
	// block it mirrors, and reports whether it did. When it did not, it
	// has written nothing and the template runs.
	WriteMain(b *bytes.Buffer, layout, sum string, d Data) (bool, error)
}

// writeShell writes the page shell of the default baseof.html for d into
// b, executing tmpl's "head" and "main" (or the data's MainWriter, given
// layout and its mainSum) and, where the page or site lacks the rendered
// fragment, the partials.
func writeShell(b *bytes.Buffer, tmpl *template.Template, layout, mainSum string, d Data, site ShellSite) error {
	p := d.Page
	b.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
	if p.Title != "" {
		EscapeHTML(b, p.Title) // rcdataescaper: the same table for a string
		b.WriteString(" - ")
	}
	EscapeHTML(b, site.Title)
	b.WriteString("</title>")
	if p.Description != "" {
		b.WriteString("\n<meta name=\"description\" content=\"")
		EscapeHTML(b, p.Description)
		b.WriteString("\">")
	}
	if p.NoIndex {
		b.WriteString("\n<meta name=\"robots\" content=\"noindex\">")
	}
	b.WriteString("\n<meta name=\"SiteName\" content=\"")
	EscapeHTML(b, site.SiteName)
	b.WriteString("\">\n<meta name=\"SiteDomain\" content=\"")
	EscapeHTML(b, site.SiteDomain)
	b.WriteString("\">\n<meta name=\"SiteIDCode\" content=\"")
	EscapeHTML(b, site.SiteIDCode)
	b.WriteString("\">\n<meta name=\"ColumnName\" content=\"")
	if p.Section != "" {
		EscapeHTML(b, p.Section)
	} else {
		b.WriteString("首页")
	}
	b.WriteString("\">")
	for _, m := range p.Meta {
		b.WriteString("\n<meta name=\"")
		EscapeHTML(b, m.Name)
		b.WriteString("\" content=\"")
		EscapeHTML(b, m.Content)
		b.WriteString("\">")
	}
	if p.Canonical != "" {
		b.WriteString("\n<link rel=\"canonical\" href=\"")
		EscapeURLAttr(b, p.Canonical)
		b.WriteString("\">")
	}
	if p.AlternatesHTML != "" {
		b.WriteString(string(p.AlternatesHTML))
	} else if err := tmpl.ExecuteTemplate(b, "alternates.html", p.Alternates); err != nil {
		return err
	}
	b.WriteString("\n<link rel=\"stylesheet\" href=\"/css/style.css\">\n<link rel=\"stylesheet\" href=\"/css/mode.css\">")
	if err := tmpl.ExecuteTemplate(b, "head", d); err != nil {
		return err
	}
	b.WriteString("\n</head>\n<body class=\"kind-")
	EscapeHTML(b, p.Kind)
	b.WriteString("\">\n<a class=\"skip-link\" href=\"#main\">跳到主要内容</a>\n")
	b.WriteString(string(p.Header))
	b.WriteString("\n<main id=\"main\" tabindex=\"-1\">")
	if p.Section != "" {
		b.WriteString("\n<nav class=\"breadcrumb\" aria-label=\"当前位置\"><a href=\"/\">首页</a> <span aria-hidden=\"true\">›</span> ")
		if p.SectionURL != "" && p.SectionURL != p.Path {
			b.WriteString("<a href=\"")
			EscapeURLAttr(b, p.SectionURL)
			b.WriteString("\">")
			EscapeHTML(b, p.Section)
			b.WriteString("</a>")
		} else {
			b.WriteString("<span>")
			EscapeHTML(b, p.Section)
			b.WriteString("</span>")
		}
		b.WriteString("</nav>")
	}
	b.WriteString("\n")
	done := false
	if mw, ok := d.Data.(MainWriter); ok {
		var err error
		if done, err = mw.WriteMain(b, layout, mainSum, d); err != nil {
			return err
		}
	}
	if !done {
		if err := tmpl.ExecuteTemplate(b, "main", d); err != nil {
			return err
		}
	}
	b.WriteString("\n<p class=\"back-top\"><a href=\"#top\">返回顶部</a></p>\n</main>\n")
	if site.Footer != "" {
		b.WriteString(string(site.Footer))
	} else if err := tmpl.ExecuteTemplate(b, "footer.html", d); err != nil {
		return err
	}
	b.WriteString("\n</body>\n</html>\n")
	return nil
}

// EscapeHTML writes s as html/template's htmlescaper, attrescaper and
// rcdataescaper write a string (htmlReplacementTable): NUL becomes U+FFFD
// and " & ' + < > their references; every other byte, valid UTF-8 or not,
// is kept (the table holds only ASCII, which no multi-byte sequence
// contains).
func EscapeHTML(b *bytes.Buffer, s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[written:i])
		b.WriteString(repl)
		written = i + 1
	}
	b.WriteString(s[written:])
}

// EscapeURLAttr writes a string in a URL attribute (href="{{.}}") as
// html/template's urlfilter | urlnormalizer | attrescaper do: a URL with
// a scheme other than http, https or mailto becomes #ZgotmplZ; bytes
// outside RFC 3986's unreserved and reserved sets (and a % not starting a
// valid escape) are percent-encoded, in lower-case hex; then EscapeHTML.
func EscapeURLAttr(b *bytes.Buffer, s string) {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			s = "#ZgotmplZ"
		}
	}
	var n strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			continue
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0:
			continue
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			continue
		}
		if written == 0 {
			n.Grow(len(s) + 16)
		}
		n.WriteString(s[written:i])
		n.WriteByte('%')
		n.WriteByte("0123456789abcdef"[c>>4])
		n.WriteByte("0123456789abcdef"[c&15])
		written = i + 1
	}
	if written == 0 {
		EscapeHTML(b, s)
		return
	}
	n.WriteString(s[written:])
	EscapeHTML(b, n.String())
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
