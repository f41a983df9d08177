package generator

import (
	"errors"

	"portal/generator/theme"
)

// PageTheme returns the site's theme set up for pages rendered on request
// (search results, complaint pages) from a run that went at least through
// StageDerive, as StageRender leaves it in Result.Theme, but without
// rendering or writing anything: a server that serves an output another
// process built (portal serve -no-build) renders its dynamic pages with it.
// The extra pages of the run (Options.ExtraPages, Result.AddPage) decide,
// as in a build, which sections the navigation shows.
func PageTheme(r *Result) (*theme.Theme, error) {
	if r == nil || r.Site == nil || r.Today.IsZero() {
		return nil, errors.New("generator: PageTheme needs a run through StageDerive")
	}
	th, err := LoadTheme(r.Options.SiteDir, &r.Site.Config)
	if err != nil {
		return nil, err
	}
	sv := siteView(r.Site, r.Today, r.extra)
	th.SetSite(sv)
	th.SetNav(navVariants(sv.Nav))
	if sv.Footer, err = th.Partial("footer.html", theme.Data{Site: sv, Page: &theme.Page{}}); err != nil {
		return nil, err
	}
	return th, nil
}
