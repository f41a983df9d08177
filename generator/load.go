package generator

import (
	"errors"

	"portal/generator/model"
)

// Load reads and validates the site folder opts.SiteDir. It returns the
// formatted warnings, and an error listing every diagnostic when there are
// errors (then the site is nil and nothing may be written).
func Load(opts Options) (*model.Site, []string, error) {
	return nil, nil, errors.New("the content loader (generator/loader) is not available yet")
}
