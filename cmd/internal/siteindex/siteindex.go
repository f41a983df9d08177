// Package siteindex keeps the search index in step with the built site: it
// maps every published page (model.Entry) to a search.Document and is the
// pipeline stage that writes the index. It is the one package that knows
// both the generator's model and the search package (the generator may not
// import search, and search knows nothing of the generator).
//
// Contract: what the index learns from each record is decided field by field
// in searchdoc.go. Stage runs after generator.StagePublish, so a page is in the
// index only once it is served; the index lives in <state_dir>/search
// (Dir), never in the output. Department names come from the registry the
// build loaded, not from a second reading of the site.
package siteindex

import (
	"context"
	"fmt"

	"portal/generator"
	"portal/generator/model"
	"portal/search"
)

// StageName is the index stage's name in the pipeline and the summary.
const StageName = "索引 index"

// Dir is the site's search state folder: <state_dir>/search.
func Dir(siteDir string, cfg model.Config) string { return cfg.StatePath(siteDir, "search") }

// Stage returns the pipeline stage that indexes the build's record and
// profile pages; add it after generator.StagePublish.
func Stage(opts search.Options) generator.Stage {
	return generator.Stage{Name: StageName, Run: func(ctx context.Context, r *generator.Result) error {
		if _, err := search.Build(ctx, Dir(r.Options.SiteDir, r.Site.Config), Documents(r), opts); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		return nil
	}}
}

// Documents maps every page of a build the index holds (record pages and
// the department and subject profiles) to a search document.
func Documents(r *generator.Result) []search.Document {
	m := newSearchMapper(r.Site.Departments)
	docs := make([]search.Document, 0, len(r.Entries)+len(r.Profiles))
	for _, list := range [][]model.Entry{r.Entries, r.Profiles} {
		for _, e := range list {
			docs = append(docs, m.document(e))
		}
	}
	return docs
}
