// Package generator is portal's build pipeline: load the site (generator/loader),
// derive state as of a date, render every page, feed, chart and open-data file,
// and publish the output folder whole.
//
// Contract: Build never leaves a half-written output folder: it writes to a
// temporary folder beside Options.OutDir and swaps it in only when every file
// is written. Two builds of the same site with the same Options.Now produce
// byte-identical output. generator never imports search, net/http,
// database/sql or cmd/internal/….
package generator

import (
	"io"
	"time"

	"portal/generator/model"
	"portal/generator/theme"
)

// Options controls one build.
type Options struct {
	SiteDir  string    // site root (portal.toml, content/, data/, themes/)
	OutDir   string    // output folder; default <SiteDir>/public
	Now      time.Time // the build date for derived state; zero = today in the site's zone
	Strict   bool      // warnings are errors
	BaseURL  string    // overrides portal.toml's base_url (serve uses its own address)
	Progress io.Writer // a terminal for the progress line, or nil for silence

	// ExtraPages are pages whose data comes from outside the generator (the
	// search page, the complaint form), rendered in the site theme.
	ExtraPages []ExtraPage
	// DeferCleanup leaves the removal of the previous output folder (moved
	// aside by the swap) to the caller through Result.Cleanup.
	DeferCleanup bool
	// ComplaintStats, when set, adds complaint figures to department pages and
	// the home page.
	ComplaintStats *model.ComplaintStats
}

// ExtraPage is one page rendered with a theme layout and caller-supplied data.
type ExtraPage struct {
	Path     string // URL path of a folder, e.g. /complaints/ → complaints/index.html
	Template string // layout name under themes/<name>/layouts, e.g. "complaints"
	Title    string
	Data     any // the template's .Data
}

// Result reports what a build did.
type Result struct {
	Site    *model.Site
	Entries []model.Entry // every published record page, for search indexing and feeds
	// Profiles are the department and subject pages, for search indexing
	// only (they are not publications, so no feed carries them).
	Profiles []model.Entry
	Pages    int            // HTML pages written
	Files    int            // all files written
	Omitted  map[string]int // records left out, by reason (公示期满, 信用修复, 草稿 …)
	Warnings []string       // formatted warnings (file:line:col: key: …)
	Duration time.Duration
	Stages   []Stage // where the time went, in order (filled by the caller that runs the stages)
	// Theme is the build's theme with .Site set, for pages rendered on
	// request (search, complaints); it satisfies server.PageRenderer.
	Theme *theme.Theme
	// Cleanup removes the previous output folder when Options.DeferCleanup
	// was set and there was one; nil otherwise. Call it once.
	Cleanup func() error
}

// Stage is one timed step of a build, for the closing summary.
type Stage struct {
	Name     string
	Duration time.Duration
}
