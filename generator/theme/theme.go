// Package theme loads the site's html/template layouts and static assets from
// an fs.FS: the embedded default theme, overridden file by file by the site's
// own themes/<name>/ folder.
//
// Contract: layouts/baseof.html defines the page shell and calls
// {{block "main" .}}; every other layouts/<name>.html defines "main" (and may
// define "head"); layouts/partials/*.html are shared by all. Every layout is
// parsed once by Load (the base cloned per layout), so a template error is
// reported at start-up with its file and line, never halfway through a build.
// Templates receive Data{Site, Page, Data}. A Theme is safe for concurrent
// use once loaded; SetSite must not race with rendering.
package theme

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/template/parse"
	"time"

	"portal/generator/fingerprint"
)

// Link is a labelled URL: navigation, filters, term lists, department
// names, feed alternates. One type serves every template that shows links,
// built pages and served ones (search) alike.
type Link struct {
	Label    string
	Name     string // the full name, for departments
	URL      string
	Type     string // MIME type for <link rel="alternate">, optional
	Count    int
	HasCount bool
	// Current marks the entry of the page itself (its section in the
	// navigation, the filter or sort in effect).
	Current bool
	Note    string
}

// FilterGroup is one labelled row of links above a list (filters, sorts),
// shown by the filters.html partial.
type FilterGroup struct {
	Label string
	Links []Link
}

// Meta is one <meta name content> tag.
type Meta struct {
	Name    string
	Content string
}

// Page describes the page being rendered (.Page in templates).
type Page struct {
	Title       string
	Path        string // site-relative URL path, percent-encoded
	Kind        string // layout or section name, for CSS hooks
	Description string
	Canonical   string // absolute URL, optional
	Section     string // the column (栏目) name: meta ColumnName and the breadcrumb
	SectionURL  string
	Alternates  []Link // feed links for <link rel="alternate">
	// AlternatesHTML is the rendered alternates.html for Alternates, when
	// the generator has it (one rendering per distinct set, shared by the
	// pages of a section); baseof.html renders the partial when it is empty.
	AlternatesHTML template.HTML `fingerprint:"-"`
	Meta           []Meta        // extra meta tags (ArticleTitle, PubDate, ContentSource …)
	Example        bool          // show the 示例 badge
	NoIndex        bool          // robots noindex (stop-notice and error pages)
	// Header is the rendered header.html for the page's section, shared by
	// every page of the section.
	Header template.HTML
	// Nav is the main navigation with the current section marked. The
	// generator shares one slice per section, so pages do not build their own.
	Nav []Link
}

// Data is the value every template receives.
type Data struct {
	Site any
	Page *Page
	Data any
}

// Theme is a parsed set of layouts plus the static assets to publish.
type Theme struct {
	base    *template.Template // baseof and partials, for Partial
	layouts map[string]*template.Template
	static  fs.FS
	digest  fingerprint.Sum // of every template's name and source

	// shells: the layouts whose baseof.html parses as the default one,
	// which Render writes in Go (shell.go) for a .Site that gives its
	// ShellSite (a layout file could redefine the shell, so each is told).
	shells map[string]bool
	trees  map[string]string // partial name → TreeSum, for PartialSum
	mains  map[string]string // layout → MainSum

	mu   sync.RWMutex
	site any
	navs map[string][]Link
}

// Load parses every layout in fsys (a theme root with layouts/ and static/).
func Load(fsys fs.FS) (*Theme, error) {
	base := template.New("").Funcs(Funcs())
	digest := fingerprint.New()
	baseSrc, err := fs.ReadFile(fsys, "layouts/baseof.html")
	if err != nil {
		return nil, fmt.Errorf("theme: layouts/baseof.html: %w", err)
	}
	digest.WriteString("layouts/baseof.html")
	digest.WriteString(string(baseSrc))
	if _, err := base.New("layouts/baseof.html").Parse(string(baseSrc)); err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	partials, err := fs.Glob(fsys, "layouts/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	for _, p := range partials {
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("theme: %s: %w", p, err)
		}
		digest.WriteString(p)
		digest.WriteString(string(src))
		// Partials are called by their file name: {{template "pager.html" .}}.
		if _, err := base.New(path.Base(p)).Parse(string(src)); err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
	}
	names, err := fs.Glob(fsys, "layouts/*.html")
	if err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	t := &Theme{layouts: map[string]*template.Template{}, shells: map[string]bool{}, trees: map[string]string{}, mains: map[string]string{}}
	defer func() { t.digest = digest.Sum() }()
	var errs []error
	for _, p := range names {
		name := strings.TrimSuffix(path.Base(p), ".html")
		if name == "baseof" {
			continue
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("theme: %s: %w", p, err))
			continue
		}
		digest.WriteString(p)
		digest.WriteString(string(src))
		clone, err := base.Clone()
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		if _, err := clone.New(p).Parse(string(src)); err != nil {
			errs = append(errs, fmt.Errorf("theme: %w", err))
			continue
		}
		tmpl := clone.Lookup("layouts/baseof.html")
		// The shell's {{block "main"}} defines an empty "main"; a layout
		// that does not replace it would render pages with no content.
		if !definesMain(string(src)) {
			errs = append(errs, fmt.Errorf("theme: %s: does not define \"main\"", p))
			continue
		}
		t.layouts[name] = tmpl
		t.shells[name] = TreeSum(tmpl) == shellSum
		t.mains[name] = closureSum(tmpl, "main")
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Clone before any execution: html/template forbids cloning afterwards.
	if t.base, err = base.Clone(); err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	for _, p := range partials {
		t.trees[path.Base(p)] = TreeSum(t.base.Lookup(path.Base(p)))
	}
	if sub, err := fs.Sub(fsys, "static"); err == nil {
		t.static = sub
	}
	return t, nil
}

// TreeSum is the SHA-256 (hex) of a template's parse tree as parsed,
// after every file of the theme (a later file may redefine a template),
// with comments and trimmed space gone: "" for a missing template. Two
// templates with the same sum write the same bytes for the same data.
func TreeSum(tmpl *template.Template) string {
	if tmpl == nil || tmpl.Tree == nil || tmpl.Tree.Root == nil {
		return ""
	}
	sum := sha256.Sum256([]byte(tmpl.Tree.Root.String()))
	return hex.EncodeToString(sum[:])
}

// closureSum is the SHA-256 (hex) of the parse tree of the template name
// in tmpl's set and of every template it calls, directly or through
// others, each with its name, in the order first called: "" when name is
// missing. Two templates with the same closure sum write the same bytes
// for the same data, whatever partial of theirs a theme replaces.
func closureSum(tmpl *template.Template, name string) string {
	h := sha256.New()
	seen := map[string]bool{}
	missing := false
	var walk func(n parse.Node)
	add := func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		x := tmpl.Lookup(name)
		if x == nil || x.Tree == nil || x.Tree.Root == nil {
			missing = true
			return
		}
		h.Write([]byte(name + "\x00" + x.Tree.Root.String() + "\x00"))
		walk(x.Tree.Root)
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			if n != nil {
				for _, c := range n.Nodes {
					walk(c)
				}
			}
		case *parse.IfNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			add(n.Name)
		}
	}
	add(name)
	if missing {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// MainSum is the sum of layout's "main" block and of every partial it
// calls, as loaded ("" for an unknown layout): what a MainWriter is told,
// so it writes a main in Go only while the theme has the one it mirrors.
func (t *Theme) MainSum(layout string) string { return t.mains[layout] }

// WritesMain reports whether Render hands layout's "main" to a MainWriter
// that mirrors sum, for a .Site that gives its ShellSite: the layout's
// shell is the default one (written in Go) and its MainSum is sum. A
// caller can then leave out of the data what only the templates need.
func (t *Theme) WritesMain(layout, sum string) bool {
	return t.shells[layout] && sum != "" && t.mains[layout] == sum
}

// PartialSum returns the TreeSum of the partial name as loaded ("" when
// the theme has none), so a caller that writes a partial's output in Go
// can tell that the theme has not changed it.
func (t *Theme) PartialSum(name string) string { return t.trees[name] }

// definesMain reports whether a layout's source defines "main" itself.
func definesMain(src string) bool {
	t, err := template.New("").Funcs(Funcs()).Parse(src)
	return err == nil && t.Lookup("main") != nil
}

// Digest is the fingerprint of every template (names and sources): pages
// rendered with the same data and an equal Digest are equal.
func (t *Theme) Digest() fingerprint.Sum { return t.digest }

// Mentions reports whether rendering layout may read a field or key named
// word: some template it can reach (the layout, the shell, the partials it
// calls) names it in a field chain, a variable chain or a string constant
// (as index does). The incremental build asks it about .Site.BuildDate: a
// page whose layout never shows the build date does not change with it.
func (t *Theme) Mentions(layout, word string) bool {
	tmpl, ok := t.layouts[layout]
	if !ok {
		return true // unknown: assume the worst
	}
	seen := map[string]bool{}
	var node func(n parse.Node) bool
	named := func(name string) bool {
		if seen[name] {
			return false
		}
		seen[name] = true
		x := tmpl.Lookup(name)
		return x != nil && x.Tree != nil && node(x.Tree.Root)
	}
	node = func(n parse.Node) bool {
		switch n := n.(type) {
		case nil:
			return false
		case *parse.ListNode:
			if n == nil {
				return false
			}
			return slices.ContainsFunc(n.Nodes, node)
		case *parse.ActionNode:
			return node(n.Pipe)
		case *parse.PipeNode:
			if n == nil {
				return false
			}
			for _, c := range n.Cmds {
				if node(c) {
					return true
				}
			}
			return false
		case *parse.CommandNode:
			return slices.ContainsFunc(n.Args, node)
		case *parse.FieldNode:
			return slices.Contains(n.Ident, word)
		case *parse.VariableNode:
			return slices.Contains(n.Ident, word)
		case *parse.ChainNode:
			return slices.Contains(n.Field, word) || node(n.Node)
		case *parse.StringNode:
			return n.Text == word
		case *parse.IfNode:
			return node(n.Pipe) || node(n.List) || node(n.ElseList)
		case *parse.RangeNode:
			return node(n.Pipe) || node(n.List) || node(n.ElseList)
		case *parse.WithNode:
			return node(n.Pipe) || node(n.List) || node(n.ElseList)
		case *parse.TemplateNode:
			return node(n.Pipe) || named(n.Name)
		}
		return false
	}
	return named(tmpl.Name())
}

// Has reports whether the theme has layout name.
func (t *Theme) Has(name string) bool { _, ok := t.layouts[name]; return ok }

// Layouts returns the layout names, sorted.
func (t *Theme) Layouts() []string {
	out := make([]string, 0, len(t.layouts))
	for n := range t.layouts {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Static returns the theme's static assets (copied to the output root), or
// nil when the theme has none.
func (t *Theme) Static() fs.FS { return t.static }

// SetSite sets the .Site value that RenderPage uses.
func (t *Theme) SetSite(site any) {
	t.mu.Lock()
	t.site = site
	t.mu.Unlock()
}

// SetNav sets the main navigation variants RenderPage chooses from, keyed by
// the URL of the current section ("" for none), so dynamic pages carry the
// same navigation as built ones.
func (t *Theme) SetNav(navs map[string][]Link) {
	t.mu.Lock()
	t.navs = navs
	t.mu.Unlock()
}

// navFor returns the navigation for urlPath: the variant of the longest
// section URL that contains it.
func (t *Theme) navFor(urlPath string) []Link {
	t.mu.RLock()
	defer t.mu.RUnlock()
	best := ""
	for key := range t.navs {
		if key != "" && key != "/" && strings.HasPrefix(urlPath, key) && len(key) > len(best) {
			best = key
		}
	}
	return t.navs[best]
}

// Site returns the value set by SetSite.
func (t *Theme) Site() any {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.site
}

// Render executes layout name with page and data into w. The page is
// rendered into a buffer first so a template error never leaves half a page
// in w.
func (t *Theme) Render(w io.Writer, name string, page *Page, site, data any) error {
	tmpl, ok := t.layouts[name]
	if !ok {
		return fmt.Errorf("theme: no layout %q (have %s)", name, strings.Join(t.Layouts(), ", "))
	}
	if page.Header == "" {
		h, err := t.Partial("header.html", Data{Site: site, Page: page})
		if err != nil {
			return err
		}
		page.Header = h
	}
	if t.shells[name] {
		if ss, ok := site.(ShellSiter); ok {
			if sf, ok := ss.ShellSite(); ok {
				b, ok := w.(*bytes.Buffer)
				if !ok {
					b = new(bytes.Buffer)
					b.Grow(16 << 10)
				}
				n := b.Len()
				if err := writeShell(b, tmpl, name, t.mains[name], Data{Site: site, Page: page, Data: data}, sf); err != nil {
					b.Truncate(n)
					return fmt.Errorf("theme: %s: %w", name, err)
				}
				if b != w {
					_, err := w.Write(b.Bytes())
					return err
				}
				return nil
			}
		}
	}
	if b, ok := w.(*bytes.Buffer); ok {
		// The caller's buffer already keeps a failed page away from its
		// destination; render straight into it.
		if err := tmpl.Execute(b, Data{Site: site, Page: page, Data: data}); err != nil {
			return fmt.Errorf("theme: %s: %w", name, err)
		}
		return nil
	}
	var buf bytes.Buffer
	buf.Grow(16 << 10)
	if err := tmpl.Execute(&buf, Data{Site: site, Page: page, Data: data}); err != nil {
		return fmt.Errorf("theme: %s: %w", name, err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Partial executes the partial name (a file under layouts/partials/) with
// data and returns its HTML. The generator uses it for fragments that are
// the same on many pages (a list row, the header of a section, the footer),
// rendering each once instead of once per page.
func (t *Theme) Partial(name string, data any) (template.HTML, error) {
	tmpl := t.base.Lookup(name)
	if tmpl == nil {
		return "", fmt.Errorf("theme: no partial %q (layouts/partials/%s)", name, name)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		return "", fmt.Errorf("theme: %w", err)
	}
	return template.HTML(b.String()), nil // produced by html/template, already escaped
}

// RenderPage renders a dynamic page (search, complaints) with the site set
// by SetSite. It satisfies the server's PageRenderer.
func (t *Theme) RenderPage(w io.Writer, name, title, urlPath string, data any) error {
	page := &Page{Title: title, Path: urlPath, Kind: name, Section: title, SectionURL: urlPath, NoIndex: true, Nav: t.navFor(urlPath)}
	return t.Render(w, name, page, t.Site(), data)
}

// Funcs are the template functions every layout may use.
func Funcs() template.FuncMap {
	return template.FuncMap{
		"date":     Date,
		"datetime": DateTime,
		"isodate":  isoDate,
		"isotime":  isoTime,
		"textdate": TextDate,
		"add":      func(a, b int) int { return a + b },
		"sub":      func(a, b int) int { return a - b },
	}
}

// The site's one date style (年月日, with the time where it matters):
// built pages, served pages (search, complaints), receipts and the back
// office all format dates with these, so a reader never meets 2025-06-30
// on one page and 2025年6月30日 on the next. Machine-readable values
// (<time datetime>, open data, APIs) stay ISO 8601.

// Date writes a date as 2024年11月25日; a zero date is empty.
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// DateTime writes an instant as 2024年11月25日 14:05 in t's zone; a zero
// time is empty.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(t) + t.Format(" 15:04")
}

// Month writes a month as 2024年11月.
func Month(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}

// TextDate rewrites a date or time that came as ISO text (the complaint
// service's and the search index's "2006-01-02" and "2006-01-02 15:04") in
// the site's one style; text in another form is returned as it is.
func TextDate(s string) string {
	for _, layout := range []string{time.DateOnly, "2006-01-02 15:04", "2006-01-02T15:04", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			if layout == time.DateOnly {
				return Date(t)
			}
			return DateTime(t)
		}
	}
	return s
}

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02T15:04")
}

func isoDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// Overlay returns a file system that serves files from top when it has
// them and from bottom otherwise, so a site theme overrides the default
// file by file. Directory listings (Glob) merge both.
func Overlay(top, bottom fs.FS) fs.FS {
	if top == nil {
		return bottom
	}
	return overlay{top: top, bottom: bottom}
}

type overlay struct{ top, bottom fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err == nil {
		st, serr := f.Stat()
		if serr == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	} else if !errors.Is(err, fs.ErrNotExist) {
		// A site file that exists but cannot be read (or is refused, such
		// as a link leaving the site) is an error, never silently replaced
		// by the default.
		return nil, err
	}
	return o.bottom.Open(name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	be, berr := fs.ReadDir(o.bottom, name)
	for _, e := range be {
		seen[e.Name()] = e
	}
	te, terr := fs.ReadDir(o.top, name)
	for _, e := range te {
		seen[e.Name()] = e
	}
	if berr != nil && terr != nil {
		return nil, berr
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
