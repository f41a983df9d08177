package main

import (
	"context"
	"errors"
	"html/template"
	"io"
	"os"

	"portal/cmd/internal/server"
	"portal/cmd/internal/siteindex"
	"portal/generator"
	"portal/generator/model"
	"portal/search"
)

// openSearch opens the current index read-only for serve. It succeeds before
// the first build too: search answers 503 until an index appears, and
// follows every rebuild.
func openSearch(siteDir string, cfg model.Config) (server.SearchService, io.Closer, error) {
	dir := siteindex.Dir(siteDir, cfg)
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
