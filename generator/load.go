package generator

import (
	"errors"

	"portal/generator/model"
)

// load reads and validates the site folder. It returns the formatted
// warnings, and an error listing every diagnostic when there are errors.
func load(opts Options) (*model.Site, []string, error) {
	return nil, nil, errors.New("the content loader (generator/loader) is not available yet")
}
