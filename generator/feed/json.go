package feed

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"

	"github.com/gorilla/feeds"

	"portal/internal/jsonstr"
)

// JSON returns f as a JSON Feed 1.1 document.
//
// It is written in Go (writeJSON), field by field as encoding/json writes
// jsonEncoded's value: a site's hundreds of feeds went through reflection
// for every item. A date encoding/json refuses sends the feed to
// jsonEncoded, which returns the same error. FuzzJSONWriter and
// TestJSONWriter hold the two to the same bytes.
func JSON(f *Feed) ([]byte, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	sc := jsonScratches.Get().(*jsonScratch)
	defer jsonScratches.Put(sc)
	sc.buf.Reset()
	if writeJSON(&sc.buf, sc, f) {
		return bytes.Clone(sc.buf.Bytes()), nil
	}
	return jsonEncoded(f)
}

// jsonEncoded is JSON through gorilla's model and encoding/json.
//
// gorilla's JSONFeed has the 1.1 fields but does not fill them all; we add
// feed_url (the self link), language and item tags, and drop the
// deprecated 1.0 "author" objects gorilla writes beside 1.1 "authors" so each
// author appears once. Dates are gorilla's *time.Time values, already in the
// feed's zone, which encoding/json writes as RFC 3339.
func jsonEncoded(f *Feed) ([]byte, error) {
	if err := f.validate(); err != nil {
		return nil, err
	}
	jf := (&feeds.JSON{Feed: f.gorilla()}).JSONFeed()
	jf.FeedUrl = f.Self.JSON
	jf.Language = f.Language
	jf.Author = nil
	for i, ji := range jf.Items {
		it := &f.Items[i]
		ji.Author = nil
		ji.Tags = it.Categories
	}
	// JSON Feed requires "items" even when empty; gorilla omits it then.
	out := struct {
		*feeds.JSONFeed
		Items []*feeds.JSONItem `json:"items"`
	}{jf, jf.Items}
	if out.Items == nil {
		out.Items = []*feeds.JSONItem{}
	}
	sc := jsonScratches.Get().(*jsonScratch)
	defer jsonScratches.Put(sc)
	sc.buf.Reset()
	if err := sc.enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.Clone(sc.buf.Bytes()), nil
}

// jsonScratch is an encoder with its buffer, reused across feeds: the
// encoder keeps its indentation buffer between calls, so a feed costs one
// allocation of its own size instead of several growing copies.
type jsonScratch struct {
	buf bytes.Buffer
	enc *json.Encoder
	// str and strEnc encode one odd string (see writeJSONString).
	str    bytes.Buffer
	strEnc *json.Encoder
}

var jsonScratches = sync.Pool{New: func() any {
	sc := new(jsonScratch)
	sc.enc = json.NewEncoder(&sc.buf)
	// JSON escapes of <, > and & are valid but make content_html unreadable.
	sc.enc.SetEscapeHTML(false)
	sc.enc.SetIndent("", "  ")
	sc.strEnc = json.NewEncoder(&sc.str)
	sc.strEnc.SetEscapeHTML(false)
	return sc
}}

// writeJSON writes f as jsonEncoded's encoder does (two-space indent, no
// HTML escapes, gorilla's fields and omitempty, "items" last), and
// reports false, having written part of it, on a date encoding/json
// refuses.
func writeJSON(b *bytes.Buffer, sc *jsonScratch, f *Feed) bool {
	b.WriteString("{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n  \"title\": ")
	writeJSONString(b, sc, f.Title)
	field := func(indent, name, v string) {
		if v != "" {
			b.WriteString(",\n" + indent + "\"" + name + "\": ")
			writeJSONString(b, sc, v)
		}
	}
	field("  ", "language", f.Language)
	field("  ", "home_page_url", f.HomeURL)
	field("  ", "feed_url", f.Self.JSON)
	field("  ", "description", f.Description)
	if f.Author != "" {
		writeJSONAuthors(b, sc, "  ", f.Author)
	}
	if len(f.Items) == 0 {
		b.WriteString(",\n  \"items\": []\n}\n")
		return true
	}
	b.WriteString(",\n  \"items\": [")
	for i := range f.Items {
		it := &f.Items[i]
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    {\n      \"id\": ")
		writeJSONString(b, sc, it.ID)
		field("      ", "url", it.Link)
		field("      ", "title", it.Title)
		field("      ", "content_html", it.HTML)
		field("      ", "summary", it.Summary)
		for _, d := range [2]struct {
			name string
			t    time.Time
		}{{"date_published", f.in(it.Published)}, {"date_modified", f.in(it.modified())}} {
			if d.t.IsZero() {
				continue
			}
			text, err := d.t.MarshalJSON()
			if err != nil {
				return false
			}
			b.WriteString(",\n      \"" + d.name + "\": ")
			b.Write(text)
		}
		if it.Author != "" {
			writeJSONAuthors(b, sc, "      ", it.Author)
		}
		if len(it.Categories) > 0 {
			b.WriteString(",\n      \"tags\": [")
			for j, c := range it.Categories {
				if j > 0 {
					b.WriteByte(',')
				}
				b.WriteString("\n        ")
				writeJSONString(b, sc, c)
			}
			b.WriteString("\n      ]")
		}
		b.WriteString("\n    }")
	}
	b.WriteString("\n  ]\n}\n")
	return true
}

// writeJSONAuthors writes the "authors" member of one named author.
func writeJSONAuthors(b *bytes.Buffer, sc *jsonScratch, indent, name string) {
	b.WriteString(",\n" + indent + "\"authors\": [\n" + indent + "  {\n" + indent + "    \"name\": ")
	writeJSONString(b, sc, name)
	b.WriteString("\n" + indent + "  }\n" + indent + "]")
}

// writeJSONString writes s as a JSON string as encoding/json does without
// HTML escapes. It escapes " \\ and newline, return and tab itself and
// hands any other control character, invalid UTF-8 and U+2028/U+2029 to
// encoding/json.
func writeJSONString(b *bytes.Buffer, sc *jsonScratch, s string) {
	if !jsonstr.Append(b, s) {
		writeJSONOdd(b, sc, s)
	}
}

// writeJSONOdd writes s through encoding/json.
func writeJSONOdd(b *bytes.Buffer, sc *jsonScratch, s string) {
	sc.str.Reset()
	sc.strEnc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(sc.str.Bytes(), []byte("\n")))
}
