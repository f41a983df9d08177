package feed

import (
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
func Atom(f *Feed) ([]byte, error) {
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
