package generator

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"portal/generator/chart"
	"portal/generator/fingerprint"
	"portal/generator/indicators"
	"portal/generator/model"
	"portal/generator/theme"
)

// job is one HTML page to render: the layout, its page description and its
// data. make builds both lazily so the per-page work runs on the pool.
type job struct {
	file   string // output path relative to the output root
	layout string
	make   func() (*theme.Page, any)
	src    string // what asks for the page (a content file, a tag), for collision errors
	// deps, when set, returns the fingerprint of everything make reads
	// beyond what every page shares (planner.globalDeps), computed without
	// making the page: a page whose deps are the live version's is kept
	// without being made, keyed or rendered. It must change whenever make's
	// result could: a page's own deps are the planner's promise, and
	// TestIncrementalMatchesClean holds it to it.
	deps func() fingerprint.Sum
	// fresh marks the page of a record whose file changed since the
	// pipeline's last run (item.fresh): a candidate for earlyJobs. early
	// is set on those earlyJobs chose.
	fresh, early bool
}

// planner turns the index into page jobs. Every list, count and grouping it
// reads was computed once in prepare; no page walks the whole site.
type planner struct {
	site    *model.Site
	ix      *index
	feeds   map[string]bool // feed files written, by output path
	opts    Options
	today   time.Time             // the build date: every figure is counted as of it
	stats   *model.ComplaintStats // complaint figures, when a stage supplied them
	rep     *indicators.Report    // the 正反向评价, when computed
	jobs    []job
	sitemap []string // URL paths of indexable pages

	pageAlternates map[model.Kind][]theme.Link // see cachePageAlternates
	trendMemo      sync.Map                    // department id → its trend charts, drawn once (trends)
	rowMemo        sync.Map                    // rowKey → a scoreboard line but for its rank and Extra (scoreRow)
	refMemo        sync.Map                    // IndicatorRef (without HTML) → its ind-ref.html (refHTML)
	periodMemo     sync.Map                    // department id → its body pages' period links, none current (bodyPeriods)
	th             *theme.Theme                // renders fragments shared by many pages; nil: the layouts render them
	indFrag        indFragments                // which indicator fragments th has as default, written in Go (set by indicatorPages)
	ledger         *ledgerRun                  // the publication log; nil when the site keeps none
}

// fragment renders the partial name with data for a piece of markup that
// many pages show alike (a list's filters on each of its pages). On a
// template error it returns nothing: the layout then renders the partial
// itself and reports the error with the page.
func (pl *planner) fragment(name string, data any) template.HTML {
	if pl.th == nil {
		return ""
	}
	h, err := pl.th.Partial(name, data)
	if err != nil {
		return ""
	}
	return h
}

// filtersHTML is fragment("filters.html", groups), written in Go
// (theme.WriteFilters) while the theme has the default partial.
func (pl *planner) filtersHTML(groups []theme.FilterGroup) template.HTML {
	if pl.th == nil || pl.th.PartialSum("filters.html") != theme.FiltersSum {
		return pl.fragment("filters.html", groups)
	}
	var b bytes.Buffer
	theme.WriteFilters(&b, groups)
	return template.HTML(b.String())
}

func (pl *planner) add(urlPath, file, layout string, indexable bool, mk func() (*theme.Page, any)) {
	pl.addFrom("", urlPath, file, layout, indexable, mk)
}

// addFrom is add for a page that content asks for: src names it (a file, or
// a tag and the file that uses it) so a collision error can point there.
func (pl *planner) addFrom(src, urlPath, file, layout string, indexable bool, mk func() (*theme.Page, any)) {
	if src == "" {
		src = "the page " + urlPath
	}
	pl.jobs = append(pl.jobs, job{file: file, layout: layout, make: mk, src: src})
	if indexable {
		pl.sitemap = append(pl.sitemap, urlPath)
	}
}

// depend sets the deps of the page added last (see job.deps).
func (pl *planner) depend(deps func() fingerprint.Sum) {
	pl.jobs[len(pl.jobs)-1].deps = deps
}

// globalDeps is what every page's deps share: everything a page's key has
// besides its .Page and .Data (the program and theme, .Site with the build
// date, every section's navigation and header), and what the planner reads
// for any page (which feeds exist, each section's title and feed links, the
// page size, whether the site keeps a publication log).
func (pl *planner) globalDeps(k *keyer, furniture map[string]fingerprint.Sum) fingerprint.Sum {
	h := fingerprint.New()
	h.Add(k.base)
	h.Add(k.site[1])
	h.Add(furniture)
	h.Add(pl.feeds)
	h.Add(pl.pageAlternates)
	for _, kind := range model.Kinds {
		h.WriteString(sectionTitle(pl.site, kind))
	}
	h.Add(pl.site.Config.PageSize)
	h.WriteString(pl.site.Config.BaseURL)
	h.Add(pl.ledger != nil)
	return h.Sum()
}

// detailDeps is what a record's page is made from besides globalDeps: the
// record (its file's key, or the record itself), what prepare made of it,
// its history in the publication log, and the other records it links to
// (a commitment's source document and measure, a policy's measures).
// Department names come from the registry, which .Site holds.
func (pl *planner) detailDeps(it *item) fingerprint.Sum {
	ix := pl.ix
	h := fingerprint.New()
	h.WriteString(it.url)
	h.Add(it.kind)
	h.Add(it.recordKey())
	h.Add(it.bodyKey)
	h.Add(it.unpublished)
	h.WriteString(it.reason)
	h.WriteString(it.summary)
	h.Add(it.depts)
	if pl.ledger != nil {
		h.Add(pl.history(it))
	}
	if c := it.c; c != nil {
		if pol := ix.policyByDoc[c.SourceDoc]; pol != nil {
			h.WriteString(pol.url)
		}
		if m := ix.measureBy[measureKey(c.SourceDoc, c.Measure)]; m != nil {
			h.WriteString(m.url)
			h.Add(m == it)
		}
	}
	if it.p != nil {
		h.Add(ix.measures(it.p.DocNumber))
	}
	return h.Sum()
}

// alternates returns the feed links for a folder ("" = the site) that the
// feed writer actually produced.
func (pl *planner) alternates(folder string) []theme.Link {
	var out []theme.Link
	for _, f := range []struct{ name, typ, label string }{
		{"feed.xml", "application/rss+xml", "RSS"},
		{"atom.xml", "application/atom+xml", "Atom"},
		{"feed.json", "application/feed+json", "JSON Feed"},
	} {
		key := f.name
		if folder != "" {
			key = folder + "/" + f.name
		}
		if _, ok := pl.feeds[key]; ok {
			out = append(out, theme.Link{Label: feedLabel(pl.site, folder, f.label), URL: "/" + escapeFolder(key), Type: f.typ})
		}
	}
	return out
}

// escapeFolder percent-encodes each segment of a slash-separated file path.
func escapeFolder(p string) string {
	segs := strings.Split(p, "/")
	u := urlOf(segs...)
	return strings.TrimSuffix(strings.TrimPrefix(u, "/"), "/")
}

func (pl *planner) feedURL(folder string) string {
	if a := pl.alternates(folder); len(a) > 0 {
		return a[0].URL
	}
	return ""
}

func (pl *planner) page(title, urlPath string, kind model.Kind, layout string) *theme.Page {
	p := &theme.Page{Title: title, Path: urlPath, Kind: layout, Canonical: absURL(pl.site.Config.BaseURL, urlPath)}
	if kind != "" {
		p.Section = sectionTitle(pl.site, kind)
		p.SectionURL = urlOf(string(kind))
	}
	if a, ok := pl.pageAlternates[kind]; ok {
		p.Alternates = a
	} else {
		p.Alternates = pl.buildPageAlternates(kind)
	}
	return p
}

// buildPageAlternates returns the feed links of a page of kind ("" = no
// section): its section's feeds, the site's, and for commitments the
// change feed.
func (pl *planner) buildPageAlternates(kind model.Kind) []theme.Link {
	if kind == "" {
		return pl.alternates("")
	}
	a := append(pl.alternates(string(kind)), pl.alternates("")...)
	if kind == model.KindCommitment {
		a = append(a, pl.changeAlternates()...)
	}
	return a
}

// cachePageAlternates builds once the feed links of every section's pages
// (and of pages outside a section, kind ""), which page would otherwise
// rebuild for each of thousands of pages. The slices are clipped: a page
// that adds links gets its own copy.
func (pl *planner) cachePageAlternates() {
	pl.pageAlternates = map[model.Kind][]theme.Link{"": slices.Clip(pl.buildPageAlternates(""))}
	for _, k := range model.Kinds {
		pl.pageAlternates[k] = slices.Clip(pl.buildPageAlternates(k))
	}
}

func sectionTitle(site *model.Site, k model.Kind) string {
	if s := site.Sections[k]; s != nil && s.Title != "" {
		return s.Title
	}
	return k.Label()
}

// articleMeta adds the government-site article meta tags.
func articleMeta(p *theme.Page, it *item, source string) {
	p.Meta = append(p.Meta,
		theme.Meta{Name: "ArticleTitle", Content: it.common.Title},
		theme.Meta{Name: "PubDate", Content: it.common.Date.Format("2006-01-02 15:04")},
	)
	if source != "" {
		p.Meta = append(p.Meta, theme.Meta{Name: "ContentSource", Content: source})
	}
	p.Example = it.common.Example
	p.Description = it.summary
	if it.common.Description != "" {
		p.Description = it.common.Description // Hugo's description
	}
}

// list adds the paginated pages of items under segs (e.g. commitments,
// status, overdue).
func (pl *planner) list(kind model.Kind, title string, items []*item, filters func(cur string) []theme.FilterGroup, intro bool, segs ...string) {
	pl.paged("list", 1, kind, title, items, filters, intro, segs...)
}

// table adds the table view of a list: the same rows, tableEvery pages'
// worth at a time, under segs + "table".
func (pl *planner) table(kind model.Kind, title string, items []*item, filters func(cur string) []theme.FilterGroup, segs ...string) {
	pl.paged("table", tableEvery, kind, title+"（表格）", items, filters, false, append(append([]string{}, segs...), "table")...)
}

// paged adds the pages of items under segs in layout, pageSizes page sizes
// a page.
func (pl *planner) paged(layout string, pageSizes int, kind model.Kind, title string, items []*item, filters func(cur string) []theme.FilterGroup, intro bool, segs ...string) {
	size := pl.site.Config.PageSize
	if size <= 0 {
		size = 20
	}
	size *= pageSizes
	pages := (len(items) + size - 1) / size
	if pages == 0 {
		pages = 1
	}
	base := urlOf(segs...)
	src := ""
	if len(items) > 0 && len(segs) > 1 {
		src = fmt.Sprintf("the list %s (%q, used by %s)", base, segs[len(segs)-1], items[0].origin())
	}
	// The filters are the same on every page of the list: made once.
	var groups func() []theme.FilterGroup
	var groupsKey func() fingerprint.Sum
	var groupsHTML func() template.HTML
	if filters != nil {
		groups = sync.OnceValue(func() []theme.FilterGroup { return filters(base) })
		groupsKey = sync.OnceValue(func() fingerprint.Sum { return fingerprint.Of(groups()) })
		groupsHTML = sync.OnceValue(func() template.HTML { return pl.filtersHTML(groups()) })
	}
	for n := 1; n <= pages; n++ {
		n := n
		s := segs
		if n > 1 {
			s = append(append([]string{}, segs...), "page", strconv.Itoa(n))
		}
		u, f := pagePath(s...)
		lo, hi := (n-1)*size, min(n*size, len(items))
		pl.addFrom(src, u, f, layout, true, func() (*theme.Page, any) {
			t := title
			if n > 1 {
				t = fmt.Sprintf("%s（第%d页）", title, n)
			}
			p := pl.page(t, u, kind, layout)
			if kind == "" && segs[0] == "tags" {
				p.Section, p.SectionURL = "标签", "/tags/"
			}
			d := &ListData{Items: make([]Item, 0, hi-lo), Pager: pager(base, n, pages, len(items))}
			for _, it := range items[lo:hi] {
				d.Items = append(d.Items, it.view)
			}
			if groups != nil {
				d.Filters, d.FiltersHTML, d.filters = groups(), groupsHTML(), groupsKey()
			}
			if intro && n == 1 {
				d.Intro = pl.ix.intros[kind]
			}
			if len(segs) == 1 {
				d.FeedURL = pl.feedURL(string(kind))
				d.Feeds = pl.alternates(string(kind))
			}
			return p, d
		})
		// What the page shows: its place in the list, its rows (each
		// row's sum), the filters and the section's introduction.
		pl.depend(func() fingerprint.Sum {
			h := fingerprint.New()
			h.WriteString(title)
			h.Add(kind)
			h.Add(segs)
			h.Add([]int{n, pages, len(items), lo, hi})
			h.Add(intro)
			for _, it := range items[lo:hi] {
				h.Add(it.view)
			}
			if groupsKey != nil {
				h.Add(groupsKey())
			}
			if intro && n == 1 {
				h.WriteString(string(pl.ix.intros[kind]))
			}
			return h.Sum()
		})
	}
}

// pager builds a list's pager: page 1 is base, page n is base/page/n/.
func pager(base string, cur, pages, total int) *theme.Pager {
	return theme.NewPager(cur, pages, total, func(n int) string {
		if n == 1 {
			return base
		}
		return base + "page/" + strconv.Itoa(n) + "/"
	})
}

// plan adds every page of the site.
func (pl *planner) plan() {
	ix := pl.ix
	pl.cachePageAlternates()
	pl.home()
	for _, k := range model.Kinds {
		pl.section(k)
	}
	for _, it := range ix.items {
		pl.detail(it)
		pl.aliases(it)
	}
	pl.departments()
	pl.tags()
	pl.subjects()
	pl.indicatorPages()
	pl.ledgerPages()
	// 404 is written as /404.html, not a folder.
	pl.jobs = append(pl.jobs, job{file: "404.html", layout: "404", src: "the 404 page", make: func() (*theme.Page, any) {
		p := pl.page("页面未找到", "/404.html", "", "404")
		p.NoIndex, p.Canonical = true, ""
		return p, nil
	}})
}

func (pl *planner) home() {
	ix := pl.ix
	pl.add("/", "index.html", "home", true, func() (*theme.Page, any) {
		p := pl.page("", "/", "", "home")
		p.Description = pl.site.Config.Description
		cs := ix.byKind[model.KindCommitment]
		d := &HomeData{Intro: ix.intros[""], AsOf: pl.today, Figures: []theme.Link{
			{Label: "公开承诺", URL: "/commitments/", Count: len(cs), HasCount: true},
		}}
		for _, st := range model.ListedStatuses() {
			f := theme.Link{Label: st.Label(), URL: urlOf("commitments", "status", string(st)), Count: len(ix.byStatus[st]), HasCount: true}
			if st == model.StatusOverdue {
				f.Label, f.Note = "其中已逾期", "已过完成时限仍未兑现，与上列状态交叉计数"
			}
			d.Figures = append(d.Figures, f)
		}
		d.Figures = append(d.Figures,
			theme.Link{Label: "双公示信息", URL: "/disclosures/", Count: len(ix.byKind[model.KindDisclosure]), HasCount: true},
			theme.Link{Label: "政务失信记录", URL: "/records/", Count: len(ix.byKind[model.KindRecord]), HasCount: true},
			theme.Link{Label: "典型案例", URL: "/cases/", Count: len(ix.byKind[model.KindCase]), HasCount: true},
			theme.Link{Label: "政策文件", URL: "/policies/", Count: len(ix.byKind[model.KindPolicy]), HasCount: true},
		)
		overdue := append([]*item(nil), ix.byStatus[model.StatusOverdue]...)
		sort.SliceStable(overdue, func(i, j int) bool {
			a, b := overdue[i].c.Derived.DaysLate, overdue[j].c.Derived.DaysLate
			if a != b {
				return a > b
			}
			return overdue[i].common.ID < overdue[j].common.ID
		})
		var soon []*item
		for _, it := range cs {
			if it.c.Derived.DueSoon {
				soon = append(soon, it)
			}
		}
		sort.SliceStable(soon, func(i, j int) bool {
			a, b := soon[i].c.Derived.DaysLeft, soon[j].c.Derived.DaysLeft
			if a != b {
				return a < b
			}
			return soon[i].common.ID < soon[j].common.ID
		})
		d.Overdue = views(overdue, 8)
		d.DueSoon = views(soon, 8)
		d.News = views(ix.byKind[model.KindNews], 6)
		if pl.stats != nil {
			t := pl.stats.Total
			d.Complaints = &t
		}
		return p, d
	})
}

func views(items []*item, n int) []Item {
	if n > len(items) {
		n = len(items)
	}
	out := make([]Item, n)
	for i := range out {
		out[i] = items[i].view
	}
	return out
}

// section adds a kind's main list and its filtered lists.
func (pl *planner) section(k model.Kind) {
	ix := pl.ix
	title := sectionTitle(pl.site, k)
	cats := sortedKeys(ix.byCat[k])
	catLabel := map[model.Kind]string{model.KindCommitment: "类别", model.KindDisclosure: "类别", model.KindCase: "案例类型",
		model.KindRecord: "失信类型", model.KindPolicy: "主题分类"}[k]
	var years []string
	var byYear map[string][]*item
	if k == model.KindDisclosure {
		years, byYear = disclosureYears(ix.byKind[k])
	}
	filters := func(cur string) []theme.FilterGroup {
		var groups []theme.FilterGroup
		if k == model.KindCommitment {
			g := theme.FilterGroup{Label: "状态", Links: []theme.Link{{Label: "全部", URL: "/commitments/", Count: len(ix.byKind[k]), HasCount: true, Current: cur == "/commitments/"}}}
			for _, st := range model.ListedStatuses() {
				u := urlOf("commitments", "status", string(st))
				g.Links = append(g.Links, theme.Link{Label: st.Label(), URL: u, Count: len(ix.byStatus[st]), HasCount: true, Current: cur == u})
			}
			groups = append(groups, g)
		}
		if len(cats) > 0 {
			g := theme.FilterGroup{Label: catLabel}
			if k != model.KindCommitment {
				g.Links = append(g.Links, theme.Link{Label: "全部", URL: urlOf(string(k)), Current: cur == urlOf(string(k))})
			}
			for _, c := range cats {
				u := urlOf(string(k), catSegment(k), c)
				g.Links = append(g.Links, theme.Link{Label: c, URL: u, Count: len(ix.byCat[k][c]), HasCount: true, Current: cur == u})
			}
			groups = append(groups, g)
		}
		if k == model.KindDisclosure {
			groups = append(groups, pl.disclosureFilters(cur, years, byYear)...)
		}
		return groups
	}
	lists, deptFilters := filters, (func(string) []theme.FilterGroup)(nil)
	if k == model.KindDisclosure {
		lists = withListView(filters)
		deptFilters = lists
	}
	pl.list(k, title, ix.byKind[k], lists, true, string(k))
	if k == model.KindCommitment {
		for _, st := range model.ListedStatuses() {
			pl.list(k, "承诺："+statusListLabel(st), ix.byStatus[st], filters, false, "commitments", "status", string(st))
		}
	}
	for _, c := range cats {
		pl.list(k, title+"："+c, ix.byCat[k][c], lists, false, string(k), catSegment(k), c)
	}
	// Per-department lists, linked from the department pages.
	for _, d := range pl.site.Departments {
		if items := ix.byDept[d.ID][k]; len(items) > 0 {
			pl.list(k, d.Name+"："+title, items, deptFilters, false, string(k), "department", d.ID)
		}
	}
	if k == model.KindDisclosure {
		for _, y := range years {
			pl.list(k, title+"："+y+"年", byYear[y], lists, false, string(k), "year", y)
		}
		tables := asTable(filters)
		pl.table(k, title, ix.byKind[k], tables, string(k))
		for _, c := range cats {
			pl.table(k, title+"："+c, ix.byCat[k][c], tables, string(k), catSegment(k), c)
		}
		for _, d := range pl.site.Departments {
			if items := ix.byDept[d.ID][k]; len(items) > 0 {
				pl.table(k, d.Name+"："+title, items, tables, string(k), "department", d.ID)
			}
		}
		for _, y := range years {
			pl.table(k, title+"："+y+"年", byYear[y], tables, string(k), "year", y)
		}
	}
}

func catSegment(k model.Kind) string {
	switch k {
	case model.KindCase, model.KindRecord:
		return "type"
	case model.KindPolicy:
		return "topic"
	}
	return "category"
}

func (pl *planner) tagLinks(tags []string) []theme.Link {
	out := make([]theme.Link, 0, len(tags))
	for _, t := range uniqueStrings(tags) {
		out = append(out, theme.Link{Label: t, URL: urlOf("tags", t)})
	}
	return out
}

// detail adds one record's page (or its stop notice).
func (pl *planner) detail(it *item) {
	ix := pl.ix
	if it.unpublished {
		pl.addFrom(it.origin(), it.url, it.file, "unpublished", false, func() (*theme.Page, any) {
			p := pl.page("已停止公示", it.url, it.kind, "unpublished")
			p.NoIndex = true
			d := &UnpublishedData{KindLabel: it.kind.Label(), Reason: it.reason, ListURL: urlOf(string(it.kind)), History: pl.history(it)}
			if it.d != nil && !it.d.PublicityUntil.IsZero() && it.reason == model.ReasonExpired {
				d.Since = it.d.PublicityUntil
			}
			if it.r != nil && !it.r.PublicityUntil.IsZero() && it.reason == model.ReasonExpired {
				d.Since = it.r.PublicityUntil
			}
			return p, d
		})
		pl.depend(func() fingerprint.Sum { return pl.detailDeps(it) })
		pl.jobs[len(pl.jobs)-1].fresh = it.fresh
		return
	}
	layout := map[model.Kind]string{model.KindCommitment: "commitment", model.KindDisclosure: "disclosure", model.KindPolicy: "policy",
		model.KindCase: "article", model.KindNews: "article", model.KindRecord: "record"}[it.kind]
	pl.addFrom(it.origin(), it.url, it.file, layout, true, func() (*theme.Page, any) {
		p := pl.page(it.common.Title, it.url, it.kind, layout)
		tags := pl.tagLinks(it.common.Tags)
		switch {
		case it.c != nil:
			c := it.c
			articleMeta(p, it, c.SourceDoc)
			st := c.Standing()
			d := &CommitmentData{C: c, rec: it.recordKey(), Body: it.html, StatusLabel: st.StatusLabel(), StatusClass: string(st.Status), State: c.Derived,
				Standing: st, Lateness: st.Lateness(),
				Lead: ix.deptLinks([]string{c.Department}), Partners: ix.deptLinks(c.Partners),
				CategoryURL: urlOf("commitments", "category", c.Category), Tags: tags, History: pl.history(it),
				ComplaintURL: "/complaints/?category=" + url.QueryEscape("承诺未兑现") + "&commitment=" + url.QueryEscape(c.ID) + "&department=" + url.QueryEscape(c.Department)}
			if pol := ix.policyByDoc[c.SourceDoc]; pol != nil {
				d.SourceURL = pol.url
			}
			if m := ix.measureBy[measureKey(c.SourceDoc, c.Measure)]; m != nil && c.Measure > 0 {
				d.MeasureURL = m.url
				if m == it {
					d.MeasureURL = d.SourceURL
				}
			}
			for _, pr := range c.Progress {
				v := ProgressView{Date: pr.Date, StatusLabel: pr.Status.Label(), StatusClass: string(pr.Status), Note: pr.Note, Evidence: pr.Evidence}
				if strings.HasPrefix(pr.Evidence, "https://") || strings.HasPrefix(pr.Evidence, "http://") {
					v.EvidenceURL = pr.Evidence
				}
				d.Progress = append(d.Progress, v)
			}
			return p, d
		case it.d != nil:
			dd := it.d
			articleMeta(p, it, ix.deptName(dd.Department))
			d := &DisclosureData{D: dd, rec: it.recordKey(), Body: it.html, Dept: ix.deptLinks([]string{dd.Department}), Tags: tags, History: pl.history(it),
				CategoryURL: urlOf("disclosures", "category", dd.Category),
				// The 决定机关 handles the objection: the form opens with it chosen.
				ObjectionURL: "/complaints/?category=" + url.QueryEscape("异议申诉") + "&disclosure=" + url.QueryEscape(dd.ID) + "&department=" + url.QueryEscape(dd.Department)}
			if dd.Fine > 0 {
				d.Fine = strconv.FormatFloat(dd.Fine, 'f', -1, 64)
			}
			if dd.CreditCode != "" {
				d.SubjectURL = urlOf("subjects", dd.CreditCode)
			}
			d.Fields = ix.disclosureFields(dd, d.SubjectURL, d.CategoryURL)
			return p, d
		case it.p != nil:
			pp := it.p
			articleMeta(p, it, pp.Publisher)
			v := pp.Validity
			if v == "" {
				v = "有效"
			}
			return p, &PolicyData{P: pp, rec: it.recordKey(), Body: it.html, Depts: ix.deptLinks(pp.Departments), Validity: v,
				Banner: v == "废止" || v == "失效", Tags: tags, History: pl.history(it),
				TOC: headings(it.html), Measures: ix.measures(pp.DocNumber)}
		case it.cs != nil:
			articleMeta(p, it, it.cs.SourceDoc)
			return p, &ArticleData{Date: it.common.Date, Body: it.html, bodyKey: it.bodyKey, TypeLabel: it.cs.CaseType, TypeURL: urlOf("cases", "type", it.cs.CaseType),
				Source: it.cs.SourceDoc, Depts: ix.deptLinks(it.cs.Departments), Tags: tags, History: pl.history(it)}
		case it.n != nil:
			articleMeta(p, it, it.n.SourceName)
			return p, &ArticleData{Date: it.common.Date, Body: it.html, bodyKey: it.bodyKey, Source: it.n.SourceName, SourceURL: safeLink(it.n.SourceURL),
				Depts: ix.deptLinks(it.n.Departments), Tags: tags, History: pl.history(it)}
		default:
			r := it.r
			articleMeta(p, it, ix.deptName(r.Department))
			return p, &RecordData{R: r, rec: it.recordKey(), Body: it.html, Dept: ix.deptLinks([]string{r.Department}), TypeURL: urlOf("records", "type", r.RecordType),
				ObjectionURL: "/complaints/?category=" + url.QueryEscape("异议申诉") + "&record=" + url.QueryEscape(r.ID), Tags: tags, History: pl.history(it)}
		}
	})
	pl.depend(func() fingerprint.Sum { return pl.detailDeps(it) })
	pl.jobs[len(pl.jobs)-1].fresh = it.fresh
}

// safeLink keeps only http(s) links.
func safeLink(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// deptSorts are the pre-rendered sort orders of the departments index.
var deptSorts = []struct{ key, label string }{
	{"", "默认顺序"}, {"kept", "按已兑现"}, {"in_progress", "按推进中"}, {"partial", "按部分兑现"}, {"broken", "按未兑现"}, {"overdue", "按已逾期"}, {"total", "按承诺总数"},
}

func (pl *planner) departments() {
	ix := pl.ix
	rows := make([]DeptRow, 0, len(pl.site.Departments))
	for i, d := range pl.site.Departments {
		r := DeptRow{ID: d.ID, Name: d.Name, URL: urlOf("departments", d.ID), Type: d.Type, order: i}
		for _, it := range ix.byDept[d.ID][model.KindCommitment] {
			r.Total++
			for _, st := range it.c.Standing().Lists() {
				switch st {
				case model.StatusPending:
					r.Pending++
				case model.StatusInProgress:
					r.InProgress++
				case model.StatusFulfilled:
					r.Kept++
				case model.StatusPartial:
					r.Partial++
				case model.StatusBroken:
					r.Broken++
				case model.StatusWithdrawn:
					r.Withdrawn++
				case model.StatusOverdue:
					r.Overdue++
				}
			}
		}
		rows = append(rows, r)
	}
	for _, s := range deptSorts {
		s := s
		segs := []string{"departments"}
		if s.key != "" {
			segs = append(segs, "sort", s.key)
		}
		u, f := pagePath(segs...)
		pl.add(u, f, "departments", s.key == "", func() (*theme.Page, any) {
			p := pl.page("单位履约情况", u, "", "departments")
			p.Section, p.SectionURL = "单位", "/departments/"
			sorted := append([]DeptRow(nil), rows...)
			val := func(r DeptRow) int {
				switch s.key {
				case "kept":
					return r.Kept
				case "in_progress":
					return r.InProgress
				case "partial":
					return r.Partial
				case "overdue":
					return r.Overdue
				case "broken":
					return r.Broken
				case "total":
					return r.Total
				}
				return 0
			}
			sort.SliceStable(sorted, func(i, j int) bool {
				if a, b := val(sorted[i]), val(sorted[j]); a != b {
					return a > b
				}
				return sorted[i].order < sorted[j].order
			})
			g := theme.FilterGroup{Label: "排序"}
			for _, o := range deptSorts {
				ou := "/departments/"
				if o.key != "" {
					ou = urlOf("departments", "sort", o.key)
				}
				g.Links = append(g.Links, theme.Link{Label: o.label, URL: ou, Current: o.key == s.key})
			}
			return p, &DepartmentsData{AsOf: pl.today, Rows: sorted, Sorts: []theme.FilterGroup{g}, SortLabel: s.label}
		})
	}
	const groupSize = 10
	for _, d := range pl.site.Departments {
		d := d
		u, f := pagePath("departments", d.ID)
		pl.add(u, f, "department", true, func() (*theme.Page, any) {
			p := pl.page(d.Name, u, "", "department")
			p.Section, p.SectionURL = "单位", "/departments/"
			p.Alternates = append(pl.alternates("departments/"+d.ID), p.Alternates...)
			byKind := ix.byDept[d.ID]
			cs := byKind[model.KindCommitment]
			data := &DepartmentData{D: d, Total: len(cs), FeedURL: pl.feedURL("departments/" + d.ID), Feeds: pl.alternates("departments/" + d.ID)}
			if par := ix.deptByID[d.Parent]; par != nil {
				data.Parent = &theme.Link{Name: par.Name, URL: urlOf("departments", par.ID)}
			}
			byStatus := map[model.Status][]*item{}
			for _, it := range cs {
				for _, st := range it.c.Standing().Lists() {
					byStatus[st] = append(byStatus[st], it)
				}
			}
			var bars []chart.Bar
			for _, st := range model.ListedStatuses() {
				items := byStatus[st]
				label := st.Label()
				if st == model.StatusOverdue {
					label = "其中已逾期"
				}
				bars = append(bars, chart.Bar{Label: label, Value: len(items), Class: string(st), Part: st == model.StatusOverdue})
				if len(items) == 0 || st == model.StatusOverdue {
					continue // the late ones are shown in their status's group, marked
				}
				g := Group{Label: st.Label(), Class: string(st), Total: len(items), Items: views(items, groupSize)}
				if len(items) > groupSize {
					g.More = urlOf("commitments", "department", d.ID)
				}
				data.Groups = append(data.Groups, g)
			}
			data.Overdue = len(byStatus[model.StatusOverdue])
			if len(cs) > 0 {
				data.Chart = chart.HBar("chart-"+d.ID, d.Name+"承诺履行情况", bars)
			}
			for _, k := range []model.Kind{model.KindDisclosure, model.KindRecord, model.KindCase, model.KindNews, model.KindPolicy} {
				items := byKind[k]
				if len(items) == 0 {
					continue
				}
				g := Group{Label: sectionTitle(pl.site, k), Total: len(items), Items: views(items, groupSize)}
				if len(items) > groupSize {
					g.More = urlOf(string(k), "department", d.ID)
				}
				data.Sections = append(data.Sections, g)
			}
			if cstats := pl.stats; cstats != nil {
				if s, ok := cstats.Departments[d.ID]; ok {
					data.Complaints = &s
				}
			}
			data.Indicators = pl.card(d)
			return p, data
		})
	}
}

func (pl *planner) tags() {
	ix := pl.ix
	tags := sortedKeys(ix.byTag)
	pl.add("/tags/", "tags/index.html", "terms", true, func() (*theme.Page, any) {
		p := pl.page("标签", "/tags/", "", "terms")
		p.Section, p.SectionURL = "标签", "/tags/"
		g := theme.FilterGroup{}
		for _, t := range tags {
			g.Links = append(g.Links, theme.Link{Label: t, URL: urlOf("tags", t), Count: len(ix.byTag[t]), HasCount: true})
		}
		return p, &TermsData{Groups: []theme.FilterGroup{g}}
	})
	for _, t := range tags {
		pl.list("", "标签："+t, ix.byTag[t], nil, false, "tags", t)
	}
}

func (pl *planner) subjects() {
	ix := pl.ix
	for _, code := range sortedKeys(ix.bySubject) {
		code := code
		items := ix.bySubject[code]
		u, f := pagePath("subjects", code)
		pl.add(u, f, "subject", true, func() (*theme.Page, any) {
			p := pl.page(items[0].d.SubjectName, u, model.KindDisclosure, "subject")
			return p, &SubjectData{Code: code, Items: views(items, len(items))}
		})
		// A subject's page shows its name and its disclosures' rows.
		pl.depend(func() fingerprint.Sum {
			h := fingerprint.New()
			h.WriteString(code)
			h.WriteString(items[0].d.SubjectName)
			for _, it := range items {
				h.Add(it.view)
			}
			return h.Sum()
		})
	}
}

// headingRE finds the h2 and h3 headings (with their ids) of a rendered body.
var headingRE = regexp.MustCompile(`(?s)<h([23]) id="([^"]+)">(.*?)</h[23]>`)

// headings lists a body's h2 and h3 headings for a table of contents.
func headings(body template.HTML) []TOCEntry {
	var out []TOCEntry
	for _, m := range headingRE.FindAllStringSubmatch(string(body), -1) {
		level := 2
		if m[1] == "3" {
			level = 3
		}
		text := strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(m[3], "")))
		out = append(out, TOCEntry{Level: level, ID: html.UnescapeString(m[2]), Text: text})
	}
	return out
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// measures lists the commitments that track the measures of the document
// doc, by measure number.
func (ix *index) measures(doc string) []MeasureRow {
	if doc == "" {
		return nil
	}
	var out []MeasureRow
	for key, it := range ix.measureBy {
		if it.c.SourceDoc != doc || key != measureKey(doc, it.c.Measure) {
			continue
		}
		st := it.c.Standing()
		out = append(out, MeasureRow{N: it.c.Measure, Title: it.common.Title, URL: it.url, StatusLabel: st.StatusLabel(), StatusClass: string(st.Status)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N })
	return out
}
