package generator

import (
	"time"

	"portal/generator/model"
)

// feedFiles returns every feed file of the site, keyed by output path
// relative to the output root (e.g. "feed.xml", "news/atom.xml").
func feedFiles(site *model.Site, entries []model.Entry, now time.Time) (map[string][]byte, error) {
	return nil, nil
}
