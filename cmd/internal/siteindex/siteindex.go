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
	"portal/generator/fingerprint"
	"portal/generator/model"
	"portal/search"
)

// StageName is the index stage's name in the pipeline and the summary.
const StageName = "索引 index"

// Dir is the site's search state folder: <state_dir>/search.
func Dir(siteDir string, cfg model.Config) string { return cfg.StatePath(siteDir, "search") }

// Stage returns the pipeline stage that brings the index in step with the
// build's record and profile pages, updating it in place (search.Sync:
// only documents that changed are written); add it after
// generator.StagePublish. swapped, when set, is called after a new index
// became current (serve reloads its follower at once).
//
// The stage keeps each record page's document from run to run (serve runs
// the pipeline again on every change), by the entry's key
// (generator.Result.EntryKeys) and the registry: a rebuild maps only the
// entries that changed.
func Stage(opts search.Options, swapped func()) generator.Stage {
	var memo documentMemo
	return generator.Stage{Name: StageName, Run: func(ctx context.Context, r *generator.Result) error {
		st, err := search.Sync(ctx, Dir(r.Options.SiteDir, r.Site.Config), memo.documents(r), opts)
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		r.Indexed, r.Unindexed = st.Added, st.Deleted
		if st.Dir != "" && swapped != nil {
			swapped()
		}
		return nil
	}, State: func(_ context.Context, siteDir string, cfg model.Config) ([]byte, error) {
		// The index is written only by this stage, each version into a
		// new folder: its name says which one a build left.
		name, err := search.Current(Dir(siteDir, cfg))
		return []byte(name), err
	}}
}

// documentMemo keeps the documents of the last run by entry key.
type documentMemo struct {
	depts fingerprint.Sum // the registry the documents were made with
	docs  map[fingerprint.Sum]search.Document
}

// documents is Documents, reusing the last run's document of every entry
// whose key is known and unchanged (and the registry too).
func (dm *documentMemo) documents(r *generator.Result) []search.Document {
	depts := fingerprint.Of(r.Site.Departments)
	if depts != dm.depts || len(r.EntryKeys) != len(r.Entries) {
		dm.docs = nil
	}
	m := newSearchMapper(r.Site.Departments)
	docs := make([]search.Document, 0, len(r.Entries)+len(r.Profiles))
	next := make(map[fingerprint.Sum]search.Document, len(r.Entries))
	for i, e := range r.Entries {
		var key fingerprint.Sum
		if len(r.EntryKeys) == len(r.Entries) {
			key = r.EntryKeys[i]
		}
		d, ok := dm.docs[key]
		if !ok || key.IsZero() {
			d = m.document(e)
		}
		if !key.IsZero() {
			next[key] = d
		}
		docs = append(docs, d)
	}
	for _, e := range r.Profiles {
		docs = append(docs, m.document(e))
	}
	dm.depts, dm.docs = depts, next
	return docs
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
