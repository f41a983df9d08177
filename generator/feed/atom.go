package feed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/gorilla/feeds"
)

// atomFeed embeds gorilla's feed and overrides what it gets wrong for us:
//   - Id: gorilla uses the home link; we use Feed.ID (or the self URL).
//   - Link: gorilla writes one link; we write rel="alternate" (the page) and
//     rel="self" (this file), as RFC 4287 and the validator expect.
//   - xml:lang: gorilla has no language.
//   - Entries: see atomEntry.
type atomFeed struct {
	*feeds.AtomFeed
	Lang    string           `xml:"xml:lang,attr,omitempty"`
	Links   []feeds.AtomLink `xml:"link"`
	Entries []*atomEntry     `xml:"entry"`
}

// atomEntry embeds gorilla's entry and fixes:
//   - Category: gorilla writes <category>text</category>, which is not Atom;
//     Atom wants <category term="…"/>, one per category.
//   - Published: gorilla never writes it.
//   - Summary: gorilla marks it type="html"; ours is plain text, so it must
//     be type="text" or a "<" in a summary would be read as markup.
//   - Content: the same type="html" content, but in CDATA (as gorilla does
//     for RSS), so the HTML's own entities are not escaped a second time in
//     the file: a reader sees the same text either way, a human or a grep
//     for "&amp;lt;" sees no double escaping.
type atomEntry struct {
	*feeds.AtomEntry
	Content    *atomHTML      `xml:"content,omitempty"`
	Published  string         `xml:"published,omitempty"`
	Summary    *atomText      `xml:"summary,omitempty"`
	Categories []atomCategory `xml:"category"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomHTML struct {
	Type string `xml:"type,attr"`
	Text string `xml:",cdata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// Atom returns f as an Atom 1.0 document.
//
// It is written in Go (writeAtom), element by element as encoding/xml
// wrote atomEncoded's document; FuzzAtomWriter and TestAtomWriter hold
// the two to the same bytes.
func Atom(f *Feed) ([]byte, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	f = f.xmlSafe()
	if err := atomAuthors(f); err != nil {
		return nil, err
	}
	b := xmlBufs.Get().(*bytes.Buffer)
	defer xmlBufs.Put(b)
	b.Reset()
	writeAtom(b, f)
	return bytes.Clone(b.Bytes()), nil
}

// writeAtom writes f (made xmlSafe) as atomEncoded's encoder does.
func writeAtom(b *bytes.Buffer, f *Feed) {
	element := func(indent, name, text string) {
		b.WriteString(indent + "<" + name + ">")
		escapeXML(b, text)
		b.WriteString("</" + name + ">")
	}
	author := func(indent, name string) {
		b.WriteString(indent + "<author>")
		element(indent+"  ", "name", name)
		b.WriteString(indent + "</author>")
	}
	b.WriteString(xml.Header)
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom"`)
	if f.Language != "" {
		b.WriteString(` xml:lang="`)
		escapeXML(b, f.Language)
		b.WriteString(`"`)
	}
	b.WriteString(">")
	element("\n  ", "title", f.Title)
	element("\n  ", "id", f.atomID())
	element("\n  ", "updated", f.in(f.updated()).Format(time.RFC3339))
	if f.Description != "" {
		element("\n  ", "subtitle", f.Description)
	}
	if f.Author != "" {
		author("\n  ", f.Author)
	}
	b.WriteString("\n  <link href=\"")
	escapeXML(b, f.HomeURL)
	b.WriteString("\" rel=\"alternate\" type=\"text/html\"></link>\n  <link href=\"")
	escapeXML(b, f.Self.Atom)
	b.WriteString("\" rel=\"self\" type=\"application/atom+xml\"></link>")
	for i := range f.Items {
		it := &f.Items[i]
		b.WriteString("\n  <entry>")
		element("\n    ", "title", it.Title)
		element("\n    ", "updated", f.in(it.modified()).Format(time.RFC3339))
		element("\n    ", "id", it.ID)
		b.WriteString("\n    <link href=\"")
		escapeXML(b, it.Link)
		b.WriteString("\" rel=\"alternate\"></link>")
		if it.Author != "" {
			author("\n    ", it.Author)
		}
		if it.HTML != "" {
			b.WriteString("\n    <content type=\"html\">")
			writeCDATA(b, it.HTML)
			b.WriteString("</content>")
		}
		element("\n    ", "published", f.in(it.Published).Format(time.RFC3339))
		if it.Summary != "" {
			b.WriteString("\n    <summary type=\"text\">")
			escapeXML(b, it.Summary)
			b.WriteString("</summary>")
		}
		for _, c := range it.Categories {
			b.WriteString("\n    <category term=\"")
			escapeXML(b, c)
			b.WriteString("\"></category>")
		}
		b.WriteString("\n  </entry>")
	}
	b.WriteString("\n</feed>\n")
}

// atomAuthors refuses a feed whose entries cannot all name an author.
func atomAuthors(f *Feed) error {
	if f.Author == "" {
		// RFC 4287 4.1.1: an entry without an author needs a feed author.
		for i := range f.Items {
			if f.Items[i].Author == "" {
				return fmt.Errorf("feed %q: item %q has no author and the feed has none (Atom requires one)", f.Title, f.Items[i].Title)
			}
		}
	}
	return nil
}

// atomEncoded is Atom through gorilla's model and encoding/xml.
func atomEncoded(f *Feed) ([]byte, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	f = f.xmlSafe()
	if f.Author == "" {
		// RFC 4287 4.1.1: an entry without an author needs a feed author.
		for i := range f.Items {
			if f.Items[i].Author == "" {
				return nil, fmt.Errorf("feed %q: item %q has no author and the feed has none (Atom requires one)", f.Title, f.Items[i].Title)
			}
		}
	}
	g := (&feeds.Atom{Feed: f.gorilla()}).AtomFeed()
	g.Id = f.atomID()
	g.Link = nil
	out := atomFeed{
		AtomFeed: g,
		Lang:     f.Language,
		Links: []feeds.AtomLink{
			{Href: f.HomeURL, Rel: "alternate", Type: "text/html"},
			{Href: f.Self.Atom, Rel: "self", Type: "application/atom+xml"},
		},
	}
	for i, ge := range g.Entries {
		it := &f.Items[i]
		ge.Summary, ge.Content = nil, nil
		ae := &atomEntry{AtomEntry: ge, Published: f.in(it.Published).Format(time.RFC3339)}
		if it.HTML != "" {
			ae.Content = &atomHTML{Type: "html", Text: it.HTML}
		}
		if it.Summary != "" {
			ae.Summary = &atomText{Type: "text", Text: it.Summary}
		}
		for _, c := range it.Categories {
			ae.Categories = append(ae.Categories, atomCategory{Term: c})
		}
		out.Entries = append(out.Entries, ae)
	}
	g.Entries = nil
	return marshalXML(out)
}
