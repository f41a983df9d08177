package main

import (
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
func openSearch(siteDir string, cfg model.Config) (*search.Follower, error) {
	dir := siteindex.Dir(siteDir, cfg)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return search.Follow(dir), nil
}

// searchPages are the search pages the build renders (the empty search page with tips).
func searchPages() []generator.ExtraPage {
	return []generator.ExtraPage{{Path: "/search/", Template: server.LayoutSearch, Title: "搜索", Data: server.NewSearchPageData()}}
}
