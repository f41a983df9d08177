// Package generator is portal's build pipeline: load the site
// (generator/loader), derive state as of a date (model.Site.Derive), render
// every page, feed, chart and open-data file, and publish the output folder
// whole. Pipeline is the one API that `portal build`, `portal serve` and the
// tests run; stages that need packages the generator may not import (the
// search index, the complaint store) are added to it by cmd.
//
// Contract: a Pipeline run never leaves a half-written output folder: it
// writes to a temporary folder beside Options.OutDir and swaps it in only
// when every file is written. Two runs on the same site with the same
// Options.Now produce byte-identical output. The site's settings (portal.toml,
// the registry, the time zone) are read once per run, by the load stage, and
// reach every later stage through Result.Site. generator never imports
// search, net/http, database/sql or cmd/internal/….
package generator

import (
	"io"
	"time"

	"portal/generator/model"
)

// Options controls a pipeline.
type Options struct {
	SiteDir  string    // site root (portal.toml, content/, data/, themes/)
	OutDir   string    // output folder; default <SiteDir>/public
	Now      time.Time // the build date for derived state; zero = today in the site's zone
	Strict   bool      // warnings are errors
	BaseURL  string    // overrides portal.toml's base_url (serve uses its own address)
	Progress io.Writer // a terminal for the progress line, or nil for silence

	// Site, when set, is the site to build instead of reading SiteDir's
	// content (tests and benchmarks build a model in Go). Its Config must
	// come from model.DefaultConfig or the loader (Location set).
	Site *model.Site

	// Publish, when set, makes the run append every change since the last
	// entry to the publication log and sign it (portal publish); a run
	// without it never appends.
	Publish *PublishOptions

	// SkipUnchanged makes a run that finds nothing changed since the last
	// one that published (no file of the site, no option, not the build
	// date, no stage's inputs; see uptodate.go) do nothing and return that
	// run's summary (Result.Unchanged). portal build sets it; serve does
	// not, as it needs each run's Site.
	SkipUnchanged bool

	// Once says the pipeline runs once (portal build; serve's worker runs
	// its pipeline again after every change). Once the output is published
	// such a run drops what no later stage reads and no later run will
	// reuse: each record's rendered HTML (Entry.HTML is then empty) and
	// Markdown source (the records' Body), so the stages added after
	// publish (the search index) run beside a heap that holds each body's
	// text once, not three times. Run refuses to run such a pipeline twice.
	Once bool

	// NoText says nothing reads Result.Entries' Text (portal build
	// -no-index: no search index is made), which is then empty: the plain
	// text of a body is worked out only as far as its summary needs
	// (markdown.RenderLead), and the Markdown store keeps such documents
	// under a key of their own, so a run that needs the text renders the
	// body again.
	NoText bool

	// ExtraPages are pages whose data comes from outside the generator (the
	// search page, the complaint form), rendered in the site theme. Stages
	// may add more with Result.AddPage.
	ExtraPages []ExtraPage
}

// ExtraPage is one page rendered with a theme layout and caller-supplied data.
type ExtraPage struct {
	Path     string // URL path of a folder, e.g. /complaints/ → complaints/index.html
	Template string // layout name under themes/<name>/layouts, e.g. "complaints"
	Title    string
	Data     any // the template's .Data
}

// StageTime is how long one stage of a run took, for the closing summary.
type StageTime struct {
	Name     string
	Duration time.Duration
}
