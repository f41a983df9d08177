// Package feed writes syndication feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1,
// from one small format-neutral model (Feed, Item).
//
// Contract:
//   - Output is a pure function of the Feed value: no clock, no random ids.
//     Two calls with equal feeds give identical bytes, so a feed file changes
//     only when its items change.
//   - Every item must have a non-empty stable ID, a title, an absolute link and
//     a non-zero Published date; IDs must be unique within a feed. Violations
//     are errors naming the item, never silently filled in.
//   - The feed's own date (RSS lastBuildDate and pubDate, Atom updated) is the
//     newest item date. An empty feed has no RSS dates, and Atom (which needs
//     one) gets Feed.Updated.
//   - Dates are written in Feed.Location: RFC 1123 with numeric zone (the
//     RFC 822 profile RSS uses) for RSS, RFC 3339 for Atom and JSON Feed.
//   - Item.Summary and titles are plain text; Item.HTML is an HTML fragment
//     whose links are already absolute (see AbsoluteHTML). Each writer escapes
//     each value exactly once for its format.
//
// This is the only package that imports github.com/gorilla/feeds. gorilla
// builds the per-item structures; this package supplies what it lacks (see
// the comments in rss.go, atom.go and json.go): self links, the Atom feed id
// and language, RSS language and dc:creator, multiple categories, Atom
// published dates and typed summaries, JSON Feed language, feed_url and tags,
// and the refusal of missing ids and dates.
//
// The documents gorilla's model gives through encoding/xml and
// encoding/json (rssEncoded, atomEncoded, jsonEncoded) define the output;
// RSS, Atom and JSON write the same bytes in Go (writeRSS, writeAtom,
// writeJSON), since reflection over every item of every feed was most of
// the feeds' cost. Tests and fuzz tests compare each with its definition.
package feed

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Feed is one feed, independent of its format.
type Feed struct {
	Title       string
	Description string
	HomeURL     string // absolute URL of the page the feed belongs to
	Self        URLs   // absolute URLs of the feed's three files
	ID          string // Atom feed id; empty = Self.Atom
	Language    string // BCP 47, e.g. zh-CN
	Author      string // publisher named at feed level (Atom requires one)
	// Updated is the Atom feed's date when it has no items. It must be a
	// date that does not move between builds (never the build time).
	Updated  time.Time
	Location *time.Location // zone dates are written in; nil = UTC
	Items    []Item         // written in this order (see Newest)
}

// URLs are the absolute URLs of one feed in each format.
type URLs struct {
	RSS, Atom, JSON string
}

// Item is one entry of a feed.
type Item struct {
	ID         string    // stable id, e.g. a tag: URI (see TagURI); unique in the feed
	Title      string    // plain text
	Link       string    // absolute URL of the item's page
	Summary    string    // plain text
	HTML       string    // full content, HTML with absolute links
	Published  time.Time // first publication; required
	Updated    time.Time // last change; zero = Published
	Categories []string  // kind, category, status, tags; written in this order
	Author     string    // e.g. the department's name
}

// modified returns the item's last-change date.
func (it *Item) modified() time.Time {
	if it.Updated.IsZero() || it.Updated.Before(it.Published) {
		return it.Published
	}
	return it.Updated
}

// Newest sorts items newest first (see Compare) and keeps at most n
// (n <= 0 keeps all).
func Newest(items []Item, n int) []Item {
	out := slices.Clone(items)
	slices.SortStableFunc(out, func(a, b Item) int { return Compare(&a, &b) })
	if n > 0 && len(out) > n {
		out = out[:n]
	}
	return out
}

// Compare orders items newest first: by Published, then by last change,
// then by ID, so items with equal dates keep one order on every build.
func Compare(a, b *Item) int {
	if c := b.Published.Compare(a.Published); c != 0 {
		return c
	}
	if c := b.modified().Compare(a.modified()); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// validate checks what every writer relies on and returns every problem.
func (f *Feed) validate() error {
	var errs []error
	if strings.TrimSpace(f.Title) == "" {
		errs = append(errs, errors.New("feed: title is empty"))
	}
	if !isAbsURL(f.HomeURL) {
		errs = append(errs, fmt.Errorf("feed %q: home URL %q is not an absolute http(s) URL", f.Title, f.HomeURL))
	}
	if len(f.Items) == 0 && f.Updated.IsZero() {
		errs = append(errs, fmt.Errorf("feed %q: no items and no Updated date (a feed needs a date that does not change between builds)", f.Title))
	}
	seen := make(map[string]int, len(f.Items))
	for i := range f.Items {
		it := &f.Items[i]
		// Named only in an error: formatting the name for every item of
		// every feed was most of validate's time.
		name := func() string { return fmt.Sprintf("feed %q: item %d (%q)", f.Title, i+1, it.Title) }
		if strings.TrimSpace(it.ID) == "" {
			errs = append(errs, fmt.Errorf("%s: id is empty (every item needs a stable id)", name()))
		} else if j, dup := seen[it.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: id %q is already used by item %d (ids must be unique in a feed)", name(), it.ID, j+1))
		} else {
			seen[it.ID] = i
		}
		if strings.TrimSpace(it.Title) == "" {
			errs = append(errs, fmt.Errorf("%s: title is empty", name()))
		}
		if !isAbsURL(it.Link) {
			errs = append(errs, fmt.Errorf("%s: link %q is not an absolute http(s) URL", name(), it.Link))
		}
		if it.Published.IsZero() {
			errs = append(errs, fmt.Errorf("%s: published date is missing (a feed item needs its real date)", name()))
		}
	}
	return errors.Join(errs...)
}

// updated is the feed's own date: the newest item date, else f.Updated.
func (f *Feed) updated() time.Time {
	var newest time.Time
	for i := range f.Items {
		if m := f.Items[i].modified(); m.After(newest) {
			newest = m
		}
	}
	if newest.IsZero() {
		return f.Updated
	}
	return newest
}

// in converts t to the feed's zone.
func (f *Feed) in(t time.Time) time.Time {
	if f.Location == nil {
		return t.UTC()
	}
	return t.In(f.Location)
}

// atomID is the Atom feed id.
func (f *Feed) atomID() string {
	if f.ID != "" {
		return f.ID
	}
	return f.Self.Atom
}

func isAbsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Authority returns the tagging authority of a tag: URI (RFC 4151) for a
// site: the host name of its absolute base URL, without port, lower case
// and in ASCII (an internationalised name such as 信用.中国 becomes its
// xn-- form, as RFC 4151 asks for a DNS name). An IPv6 address, which a
// tag cannot carry, gives "localhost": only local previews use one.
func Authority(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil || !u.IsAbs() || u.Hostname() == "" {
		return "", fmt.Errorf("base_url %q is not an absolute URL (use e.g. https://xyxx.example.gov.cn/)", baseURL)
	}
	host := u.Hostname()
	if strings.Contains(host, ":") {
		return "localhost", nil
	}
	ascii, err := idna.Lookup.ToASCII(host)
	if err != nil {
		return "", fmt.Errorf("base_url %q: host %q is not a valid domain name: %v", baseURL, host, err)
	}
	return strings.ToLower(ascii), nil
}

// TagURI returns the RFC 4151 tag URI tag:<authority>,<YYYY-MM-DD>:/<segments…>
// with each segment percent-encoded (ids may be Chinese). date is the day the
// thing was first published, so the id never changes when its URL does.
func TagURI(authority string, date time.Time, segments ...string) string {
	var b strings.Builder
	b.WriteString("tag:")
	b.WriteString(authority)
	b.WriteByte(',')
	b.WriteString(date.Format(time.DateOnly))
	b.WriteByte(':')
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// xmlSafe returns a copy of f whose text holds only characters XML 1.0
// allows. encoding/xml replaces the others with U+FFFD in escaped text but
// not in CDATA (which we use for HTML), so we do it once for every field.
func (f *Feed) xmlSafe() *Feed {
	c := *f
	c.Title, c.Description, c.Author = xmlText(f.Title), xmlText(f.Description), xmlText(f.Author)
	c.Items = make([]Item, len(f.Items))
	for i, it := range f.Items {
		it.ID, it.Title, it.Summary, it.HTML, it.Author = xmlText(it.ID), xmlText(it.Title), xmlText(it.Summary), xmlText(it.HTML), xmlText(it.Author)
		it.Categories = slices.Clone(it.Categories)
		for j := range it.Categories {
			it.Categories[j] = xmlText(it.Categories[j])
		}
		c.Items[i] = it
	}
	return &c
}

// xmlText replaces invalid UTF-8 and characters outside the XML 1.0 Char
// production with U+FFFD. Text that has none (nearly all) is returned as
// it is after one pass that decodes only its non-ASCII runes.
func xmlText(s string) string {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D {
				return xmlFix(s)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 || !isXMLChar(r) {
			return xmlFix(s)
		}
		i += n
	}
	return s
}

// xmlFix is xmlText for text that needs a replacement.
func xmlFix(s string) string {
	return strings.Map(func(r rune) rune {
		if !isXMLChar(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
