package generator

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"portal/generator/ledger"
	"portal/generator/loader"
	"portal/generator/model"
	"portal/generator/theme"
)

// PageTheme returns the site's theme set up for pages rendered on request
// (search results, complaint pages) from a run that went at least through
// StageDerive, as StageRender leaves it in Result.Theme, but without
// rendering or writing anything. The extra pages of the run
// (Options.ExtraPages, Result.AddPage) decide, as in a build, which
// sections the navigation shows.
func PageTheme(r *Result) (*theme.Theme, error) {
	if r == nil || r.Site == nil || r.Today.IsZero() {
		return nil, errors.New("generator: PageTheme needs a run through StageDerive")
	}
	return pageTheme(r.Options.SiteDir, r.Site, r.Today, r.extra, r.Site.Log != nil)
}

// ServingTheme is PageTheme for a server that renders its dynamic pages
// beside an output a build (its build worker, or another process with
// portal serve -no-build) wrote: it reads only what the theme shows of the
// site — portal.toml, the registry, each section's _index.md and whether
// the site keeps a publication log — never the records, so the server's
// memory does not grow with the site. opts.ExtraPages decide which
// sections the navigation shows; opts.BaseURL overrides portal.toml's as
// in a build. A content error in what it reads is returned as the
// loader's diagnostics (a diag error).
func ServingTheme(opts Options) (*theme.Theme, error) {
	site, dl := loader.LoadShell(os.DirFS(opts.SiteDir), loader.Options{Strict: opts.Strict})
	if err := dl.Err(); err != nil {
		return nil, err
	}
	site.Config.BaseURL = baseURL(site.Config.BaseURL, opts.BaseURL)
	_, err := os.Stat(filepath.Join(opts.SiteDir, ledger.Dir))
	hasLedger := !errors.Is(err, fs.ErrNotExist)
	return pageTheme(opts.SiteDir, site, model.Today(opts.Now, site.Config.Location), opts.ExtraPages, hasLedger)
}

func pageTheme(siteDir string, site *model.Site, today time.Time, extra []ExtraPage, hasLedger bool) (*theme.Theme, error) {
	th, err := LoadTheme(siteDir, &site.Config)
	if err != nil {
		return nil, err
	}
	sv := siteView(site, today, extra)
	if sv.HasLedger != hasLedger { // a site read without its log (ServingTheme)
		sv.HasLedger = hasLedger
		sv.Furniture = furnitureLinks(sv)
	}
	th.SetSite(sv)
	th.SetNav(navVariants(sv.Nav))
	if sv.Footer, err = th.Partial("footer.html", theme.Data{Site: sv, Page: &theme.Page{}}); err != nil {
		return nil, err
	}
	return th, nil
}

// baseURL is the address a run's links use: override (Options.BaseURL)
// over portal.toml's, "/" when neither is set, always ending in a slash.
func baseURL(configured, override string) string {
	if override != "" {
		configured = override
	}
	if configured == "" {
		return "/"
	}
	if !strings.HasSuffix(configured, "/") {
		configured += "/"
	}
	return configured
}
