package main

import (
	"context"
	"errors"
	"html/template"
	"io"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"

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

// buildIndex writes the search index for entries under the site's state
// folder, swapping the new index in whole. Called by build after the site is
// written.
func buildIndex(ctx context.Context, siteDir string, cfg model.Config, entries []model.Entry) error {
	names := departmentNames(siteDir)
	docs := make([]search.Document, 0, len(entries))
	for _, e := range entries {
		docs = append(docs, toSearchDocument(e, names))
	}
	_, err := search.Build(ctx, searchDir(siteDir, cfg), docs, search.Options{})
	return err
}

// toSearchDocument maps a published entry to what the index needs.
func toSearchDocument(e model.Entry, names map[string]string) search.Document {
	d := search.Document{
		URL: e.Path, Title: e.Title, Summary: e.Summary, Text: e.Text,
		Kind: string(e.Kind), KindLabel: e.Kind.Label(),
		Departments: e.Departments, Status: e.Status, Category: e.Category,
		Tags: e.Tags, Identifiers: e.Identifiers, Date: e.Date,
	}
	if e.Kind == model.KindCommitment {
		// A commitment has no number of its own: its identifiers other than
		// its id are the source document it cites, which must not rank with
		// the document itself.
		d.Identifiers, d.References = nil, nil
		for _, id := range e.Identifiers {
			if id == e.ID {
				d.Identifiers = append(d.Identifiers, id)
			} else {
				d.References = append(d.References, id)
			}
		}
	}
	for _, id := range e.Departments {
		n := names[id]
		if n == "" {
			n = id
		}
		d.DepartmentNames = append(d.DepartmentNames, n)
	}
	d.StatusLabel = e.Status
	if e.Kind == model.KindCommitment {
		if l := model.Status(e.Status).Label(); l != "" {
			d.StatusLabel = l
		}
	}
	return d
}

// departmentNames reads the short names of the registry for hits and
// facets. The registry was validated by the build; if it cannot be read
// here, hits show registry ids instead.
func departmentNames(siteDir string) map[string]string {
	var reg struct {
		Department []struct{ ID, Name, Short string } `toml:"department"`
	}
	names := map[string]string{}
	if _, err := toml.DecodeFile(filepath.Join(siteDir, "data", "departments.toml"), &reg); err != nil {
		return names
	}
	for _, d := range reg.Department {
		names[d.ID] = d.Short
		if d.Short == "" {
			names[d.ID] = d.Name
		}
	}
	return names
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
