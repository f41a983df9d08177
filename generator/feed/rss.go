package feed

import (
	"bytes"
	"encoding/xml"
	"html"
	"sync"
	"time"

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
func RSS(f *Feed) ([]byte, error) {
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
