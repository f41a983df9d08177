package generator

import (
	"path"
	"strings"

	"portal/generator/model"
	"portal/generator/theme"
)

// Hugo content moves in unchanged: besides the keys the loader reads, a
// page's aliases (Hugo's old addresses) become redirect pages, as Hugo
// writes them.

// AliasData is the alias layout's .Data: where the page moved.
type AliasData struct {
	URL   string // the page's address (site-relative)
	Title string
}

// aliasPath returns the site path and output file of a Hugo alias of a page
// of kind: "/a/b/" is a site path, "b" is relative to the section folder;
// a name ending in .html is that file, anything else a folder.
func aliasPath(kind model.Kind, alias string) (urlPath, file string) {
	var segs []string
	if !strings.HasPrefix(alias, "/") {
		segs = append(segs, string(kind))
	}
	segs = append(segs, strings.Split(strings.Trim(alias, "/"), "/")...)
	if ext := strings.ToLower(path.Ext(segs[len(segs)-1])); (ext == ".html" || ext == ".htm") && !strings.HasSuffix(alias, "/") {
		u, _ := pagePath(segs...)
		return strings.TrimSuffix(u, "/"), strings.Join(segs, "/")
	}
	return pagePath(segs...)
}

// aliases adds a redirect page at each alias of a published page.
func (pl *planner) aliases(it *item) {
	if it.unpublished {
		return
	}
	for _, a := range it.common.Aliases {
		u, f := aliasPath(it.kind, a)
		pl.addFrom(it.origin()+" (aliases: "+a+")", u, f, "alias", false, func() (*theme.Page, any) {
			p := pl.page(it.common.Title, u, it.kind, "alias")
			p.NoIndex = true
			p.Canonical = absURL(pl.site.Config.BaseURL, it.url)
			return p, &AliasData{URL: it.url, Title: it.common.Title}
		})
	}
}
