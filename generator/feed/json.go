package feed

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/gorilla/feeds"
)

// JSON returns f as a JSON Feed 1.1 document.
//
// gorilla's JSONFeed has the 1.1 fields but does not fill them all; we add
// feed_url (the self link), language and item tags, and drop the
// deprecated 1.0 "author" objects gorilla writes beside 1.1 "authors" so each
// author appears once. Dates are gorilla's *time.Time values, already in the
// feed's zone, which encoding/json writes as RFC 3339.
func JSON(f *Feed) ([]byte, error) {
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
}

var jsonScratches = sync.Pool{New: func() any {
	sc := new(jsonScratch)
	sc.enc = json.NewEncoder(&sc.buf)
	// JSON escapes of <, > and & are valid but make content_html unreadable.
	sc.enc.SetEscapeHTML(false)
	sc.enc.SetIndent("", "  ")
	return sc
}}
