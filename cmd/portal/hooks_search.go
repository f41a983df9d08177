package main

import (
	"context"
	"errors"
	"html/template"
	"io"
	"os"
	"path/filepath"

	"portal/cmd/internal/server"
	"portal/generator"
	"portal/generator/model"
	"portal/search"
)

// searchDir is the search state folder: <site>/<state_dir>/search.
func searchDir(siteDir string, cfg model.Config) string {
	state := cfg.StateDir
	if state == "" {
		state = model.DefaultConfig().StateDir
	}
	if !filepath.IsAbs(state) {
		state = filepath.Join(siteDir, state)
	}
	return filepath.Join(state, "search")
}

// buildIndex writes the search index for the build's record and profile
// pages under the site's state folder, swapping the new index in whole.
// Called by build after the site is written.
func buildIndex(ctx context.Context, siteDir string, site *model.Site, entries ...[]model.Entry) error {
	m := newSearchMapper(site.Departments)
	var docs []search.Document
	for _, list := range entries {
		for _, e := range list {
			docs = append(docs, m.document(e))
		}
	}
	_, err := search.Build(ctx, searchDir(siteDir, site.Config), docs, search.Options{})
	return err
}

// openSearch opens the current index read-only for serve. It succeeds before
// the first build too: search answers 503 until an index appears, and
// follows every rebuild.
func openSearch(siteDir string, cfg model.Config) (server.SearchService, io.Closer, error) {
	dir := searchDir(siteDir, cfg)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nopCloser{}, err
	}
	f := search.Follow(dir)
	return searchService{f}, f, nil
}

// searchService adapts the search package to the server's interface.
type searchService struct {
	s interface {
		Search(context.Context, search.Query) (search.Result, error)
	}
}

func (a searchService) Search(ctx context.Context, q server.SearchQuery) (server.SearchResult, error) {
	res, err := a.s.Search(ctx, search.Query{
		Text: q.Text, Kind: q.Kind, Department: q.Department, Year: q.Year,
		Status: q.Status, Sort: q.Sort, Page: q.Page, Size: q.Size,
	})
	var qe *search.QueryError
	switch {
	case errors.As(err, &qe):
		return server.SearchResult{}, &server.SearchInputError{Field: qe.Field, Msg: qe.Msg, MsgZH: qe.MsgZH}
	case errors.Is(err, search.ErrNoIndex):
		return server.SearchResult{}, server.ErrSearchUnavailable
	case err != nil:
		return server.SearchResult{}, err
	}
	out := server.SearchResult{Total: res.Total, Page: res.Query.Page, Pages: res.Pages(), Took: res.Took}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, server.SearchHit{
			URL: h.URL, Title: h.Title, Kind: h.Kind, KindLabel: h.KindLabel,
			Departments: h.Departments, Date: h.Date,
			// The search package escapes everything but its <mark> tags.
			Snippet: template.HTML(h.Snippet),
		})
	}
	for _, f := range res.Facets {
		sf := server.SearchFacet{Field: f.Field}
		for _, v := range f.Values {
			sf.Values = append(sf.Values, server.SearchFacetValue{Value: v.Value, Label: v.Label, Count: v.Count, Selected: v.Selected})
		}
		out.Facets = append(out.Facets, sf)
	}
	return out, nil
}

// searchPages are the search pages the build renders (the empty search page with tips).
func searchPages() []generator.ExtraPage {
	return []generator.ExtraPage{{Path: "/search/", Template: server.LayoutSearch, Title: "搜索", Data: server.NewSearchPageData()}}
}
