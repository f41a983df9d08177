package main

import (
	"context"
	"io"

	"portal/cmd/internal/server"
	"portal/generator"
	"portal/generator/model"
)

// buildIndex writes the search index for entries under the site's state
// folder, swapping the new index in whole. Called by build after the site is
// written.
func buildIndex(ctx context.Context, siteDir string, cfg model.Config, entries []model.Entry) error {
	return nil
}

// openSearch opens the current index read-only for serve.
func openSearch(siteDir string, cfg model.Config) (server.SearchService, io.Closer, error) {
	return nil, nopCloser{}, nil
}

// searchPages are the search pages the build renders (the empty search page with tips).
func searchPages() []generator.ExtraPage { return nil }
