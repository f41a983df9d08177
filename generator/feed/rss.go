package feed

import (
	"bytes"
	"encoding/xml"
	"html"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/feeds"
)

// rssDoc is our own envelope around gorilla's channel fields. gorilla's
// RssFeedXml has no atom namespace, so it cannot carry atom:link rel="self"
// (which the W3C validator asks for), and no dc namespace for item authors.
type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	ContentNS string     `xml:"xmlns:content,attr"`
	AtomNS    string     `xml:"xmlns:atom,attr"`
	DCNS      string     `xml:"xmlns:dc,attr"`
	Channel   rssChannel `xml:"channel"`
}

// rssChannel writes the channel in the order RSS readers expect, reusing
// gorilla's values for title, link and description.
type rssChannel struct {
	Title         string     `xml:"title"`
	Link          string     `xml:"link"`
	Description   string     `xml:"description"`
	Language      string     `xml:"language,omitempty"`
	PubDate       string     `xml:"pubDate,omitempty"`
	LastBuildDate string     `xml:"lastBuildDate,omitempty"`
	Self          rssSelf    `xml:"atom:link"`
	Items         []*rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

// rssItem embeds gorilla's item and overrides what it gets wrong for us:
//   - Description: gorilla writes the text as is, but RSS readers read
//     description as HTML, so plain text with "<" or "&" would be misread. We
//     write the HTML-escaped summary in CDATA: escaped once for HTML, and
//     readable in the file.
//   - Category: gorilla has one; RSS allows many.
//   - Author: RSS <author> must be an e-mail address, which a department
//     does not publish; we write dc:creator instead and drop gorilla's.
type rssItem struct {
	*feeds.RssItem
	Description cdata    `xml:"description"`
	Author      string   `xml:"author,omitempty"` // always empty: shadows gorilla's
	Creator     string   `xml:"dc:creator,omitempty"`
	Categories  []string `xml:"category"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

// RSS returns f as an RSS 2.0 document.
//
// It is written in Go (writeRSS), element by element as encoding/xml
// wrote rssEncoded's document: a site's feeds went through reflection
// for every item. FuzzRSSWriter and TestRSSWriter hold the two to the
// same bytes.
func RSS(f *Feed) ([]byte, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	b := xmlBufs.Get().(*bytes.Buffer)
	defer xmlBufs.Put(b)
	b.Reset()
	writeRSS(b, f.xmlSafe())
	return bytes.Clone(b.Bytes()), nil
}

// writeRSS writes f (made xmlSafe) as rssEncoded's encoder does: two-space
// indent, empty elements as start and end tag, omitempty members left out.
func writeRSS(b *bytes.Buffer, f *Feed) {
	b.WriteString(xml.Header)
	b.WriteString(`<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">` + "\n  <channel>")
	element := func(indent, name, text string) {
		b.WriteString(indent + "<" + name + ">")
		escapeXML(b, text)
		b.WriteString("</" + name + ">")
	}
	element("\n    ", "title", f.Title)
	element("\n    ", "link", f.HomeURL)
	element("\n    ", "description", f.Description)
	if f.Language != "" {
		element("\n    ", "language", f.Language)
	}
	if len(f.Items) > 0 {
		updated := f.in(f.updated()).Format(time.RFC1123Z)
		element("\n    ", "pubDate", updated)
		element("\n    ", "lastBuildDate", updated)
	}
	b.WriteString("\n    <atom:link href=\"")
	escapeXML(b, f.Self.RSS)
	b.WriteString(`" rel="self" type="application/rss+xml"></atom:link>`)
	for i := range f.Items {
		it := &f.Items[i]
		b.WriteString("\n    <item>")
		element("\n      ", "title", it.Title)
		element("\n      ", "link", it.Link)
		if it.HTML != "" {
			b.WriteString("\n      <content:encoded>")
			writeCDATA(b, it.HTML)
			b.WriteString("</content:encoded>")
		}
		b.WriteString("\n      <guid isPermaLink=\"false\">")
		escapeXML(b, it.ID)
		b.WriteString("</guid>")
		element("\n      ", "pubDate", f.in(it.Published).Format(time.RFC1123Z))
		b.WriteString("\n      <description>")
		writeCDATA(b, html.EscapeString(it.Summary))
		b.WriteString("</description>")
		if it.Author != "" {
			element("\n      ", "dc:creator", it.Author)
		}
		for _, c := range it.Categories {
			element("\n      ", "category", c)
		}
		b.WriteString("\n    </item>")
	}
	b.WriteString("\n  </channel>\n</rss>\n")
}

// escapeXML writes s as encoding/xml escapes text and attribute values:
// " ' & < > tab, newline and return as references, invalid UTF-8 and
// characters outside XML's Char production as U+FFFD.
func escapeXML(b *bytes.Buffer, s string) {
	written := 0
	for i := 0; i < len(s); {
		c := s[i]
		var esc string
		width := 1
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\n':
				esc = "&#xA;"
			case '\r':
				esc = "&#xD;"
			default:
				if c >= 0x20 {
					i++
					continue
				}
				esc = "\uFFFD"
			}
		} else {
			var r rune
			r, width = utf8.DecodeRuneInString(s[i:])
			if isXMLChar(r) && !(r == utf8.RuneError && width == 1) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		b.WriteString(s[written:i])
		b.WriteString(esc)
		i += width
		written = i
	}
	b.WriteString(s[written:])
}

// writeCDATA writes s as encoding/xml writes a ",cdata" field: nothing
// for "", else one CDATA section, split where s holds "]]>".
func writeCDATA(b *bytes.Buffer, s string) {
	if s == "" {
		return
	}
	b.WriteString("<![CDATA[")
	for {
		before, after, ok := strings.Cut(s, "]]>")
		if !ok {
			break
		}
		b.WriteString(before)
		b.WriteString("]]]]><![CDATA[>")
		s = after
	}
	b.WriteString(s)
	b.WriteString("]]>")
}

// rssEncoded is RSS through gorilla's model and encoding/xml.
func rssEncoded(f *Feed) ([]byte, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	f = f.xmlSafe()
	g := f.gorilla()
	ch := (&feeds.Rss{Feed: g}).RssFeed()
	updated := f.in(f.updated()).Format(time.RFC1123Z)
	doc := rssDoc{
		Version:   "2.0",
		ContentNS: "http://purl.org/rss/1.0/modules/content/",
		AtomNS:    "http://www.w3.org/2005/Atom",
		DCNS:      "http://purl.org/dc/elements/1.1/",
		Channel: rssChannel{
			Title:         ch.Title,
			Link:          ch.Link,
			Description:   ch.Description,
			Language:      f.Language,
			PubDate:       updated,
			LastBuildDate: updated,
			Self:          rssSelf{Href: f.Self.RSS, Rel: "self", Type: "application/rss+xml"},
		},
	}
	if len(f.Items) == 0 {
		// RSS dates are optional: an empty feed claims none.
		doc.Channel.PubDate, doc.Channel.LastBuildDate = "", ""
	}
	for i, gi := range ch.Items {
		it := &f.Items[i]
		// gorilla leaves isPermaLink empty unless asked; our ids are tag:
		// URIs, which must be marked as not being links.
		gi.Guid.IsPermaLink = "false"
		ri := &rssItem{RssItem: gi, Creator: it.Author, Categories: it.Categories}
		if it.Summary != "" {
			ri.Description.Text = html.EscapeString(it.Summary)
		}
		doc.Channel.Items = append(doc.Channel.Items, ri)
	}
	return marshalXML(doc)
}

// marshalXML writes an XML document with a header and a final newline.
func marshalXML(v any) ([]byte, error) {
	b := xmlBufs.Get().(*bytes.Buffer)
	defer xmlBufs.Put(b)
	b.Reset()
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return bytes.Clone(b.Bytes()), nil
}

// xmlBufs are reused across feeds, so a feed costs one allocation of its
// own size instead of a buffer grown by doubling.
var xmlBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// gorilla converts f to gorilla's model with every date in f's zone, so its
// formatters (which use each time's own zone) write the site's offset.
func (f *Feed) gorilla() *feeds.Feed {
	g := &feeds.Feed{
		Title:       f.Title,
		Link:        &feeds.Link{Href: f.HomeURL},
		Description: f.Description,
		Updated:     f.in(f.updated()),
		Id:          f.atomID(),
	}
	if f.Author != "" {
		g.Author = &feeds.Author{Name: f.Author}
	}
	for i := range f.Items {
		it := &f.Items[i]
		gi := &feeds.Item{
			Title:       it.Title,
			Link:        &feeds.Link{Href: it.Link},
			Description: it.Summary,
			Id:          it.ID,
			Created:     f.in(it.Published),
			Updated:     f.in(it.modified()),
			Content:     it.HTML,
		}
		if it.Author != "" {
			gi.Author = &feeds.Author{Name: it.Author}
		}
		g.Items = append(g.Items, gi)
	}
	return g
}
