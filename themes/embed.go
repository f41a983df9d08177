// Package themes embeds the default theme (themes/default: layouts and
// static assets) into the binary, so a site needs no theme folder of its own.
// A site overrides it file by file with themes/<name>/ in the site folder.
package themes

import (
	"embed"
	"io/fs"
)

//go:embed all:default
var embedded embed.FS

// Default returns the default theme rooted at its folder (layouts/, static/).
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		// fs.Sub fails only on an invalid path name, and "default" is valid.
		panic(err)
	}
	return sub
}
