package generator

import (
	"os"

	"portal/generator/loader"
	"portal/generator/model"
)

// Load reads and validates the site folder opts.SiteDir. It returns the
// formatted warnings, and an error listing every diagnostic when there are
// errors (then the site is nil and nothing may be written). The error
// unwraps to each diag.Diagnostic.
func Load(opts Options) (*model.Site, []string, error) {
	dir := opts.SiteDir
	if dir == "" {
		dir = "."
	}
	site, dl := loader.Load(os.DirFS(dir), loader.Options{Now: opts.Now, Strict: opts.Strict})
	var warnings []string
	for _, w := range dl.Warnings() {
		warnings = append(warnings, w.Error())
	}
	if err := dl.Err(); err != nil {
		return nil, warnings, err
	}
	return site, warnings, nil
}
