package generator

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"portal/generator/diag"
	"portal/generator/feed"
	"portal/generator/fingerprint"
	"portal/generator/model"
	"portal/generator/theme"
)

// Feed file names. Every feed exists in three formats, side by side in the
// folder of the page it follows. The change feed's Atom twin is
// changes.atom.xml: an .xml name so every web server sends it as XML.
const (
	feedRSSName  = "feed.xml"
	feedAtomName = "atom.xml"
	feedJSONName = "feed.json"

	changesRSSName  = "changes.xml"
	changesAtomName = "changes.atom.xml"
	changesJSONName = "changes.json"
)

// FeedsData is the feeds layout's .Data: the /feeds/ page (订阅).
type FeedsData struct {
	Limit  int // items kept per feed
	Groups []FeedGroup
}

// FeedGroup is one heading of the /feeds/ page.
type FeedGroup struct {
	ID          string // anchor: site, changes, sections, departments
	Title       string
	Description string
	Feeds       []FeedListing
}

// FeedListing describes one feed for the /feeds/ page and for page heads:
// what it carries and its three files as site-relative URLs.
type FeedListing struct {
	Title       string // e.g. 信用动态
	Description string // what it carries, in Chinese
	Page        string // site-relative URL of the page it follows
	RSS         string // site-relative URLs of the three files
	Atom        string
	JSON        string
	Items       int // items currently in the feed
}

// feedSpec is one feed: where it is written, what it says about itself,
// and which entries it holds.
type feedSpec struct {
	FeedListing
	dir     string // output folder relative to the root, "" for the root
	names   [3]string
	group   int        // index into the /feeds/ page's groups
	kind    model.Kind // section feeds: the kind they hold
	dept    string     // department feeds: the registry id they hold
	changes bool       // the commitment change feed
}

const (
	groupSite = iota
	groupChanges
	groupSection
	groupDepartment
)

// feedSpecs lists every feed of the site, in /feeds/ page order.
func feedSpecs(site *model.Site) []feedSpec {
	specs := []feedSpec{
		{FeedListing: listing("全站更新", "本站所有栏目的最新内容：承诺、双公示、政务失信记录、典型案例、政策文件和信用动态。", "", feedNames),
			names: feedNames, group: groupSite},
		{FeedListing: listing("承诺状态变化", "每条承诺推进记录一条；承诺到期仍未兑现时另记一条，日期为承诺期限（不因之后兑现而撤回）。",
			string(model.KindCommitment), changeNames),
			dir: string(model.KindCommitment), names: changeNames, group: groupChanges, changes: true},
	}
	for _, k := range model.Kinds {
		specs = append(specs, feedSpec{FeedListing: listing(sectionTitle(site, k), kindFeedDescriptions[k], string(k), feedNames),
			dir: string(k), names: feedNames, group: groupSection, kind: k})
	}
	for _, d := range site.Departments {
		name := d.Name
		if d.Short != "" {
			name = d.Short
		}
		dir := "departments/" + d.ID
		specs = append(specs, feedSpec{FeedListing: listing(name, "与"+d.Name+"相关的承诺、双公示、政务失信记录、典型案例、政策文件和信用动态，以及其牵头或配合的承诺的推进和逾期情况。", dir, feedNames),
			dir: dir, names: feedNames, group: groupDepartment, dept: d.ID})
	}
	return specs
}

var (
	feedNames   = [3]string{feedRSSName, feedAtomName, feedJSONName}
	changeNames = [3]string{changesRSSName, changesAtomName, changesJSONName}
)

var kindFeedDescriptions = map[model.Kind]string{
	model.KindCommitment: "新发布的政务承诺：承诺事项、牵头单位、完成时限和当前状态。",
	model.KindDisclosure: "新公示的行政许可、行政处罚等双公示信息。",
	model.KindRecord:     "新认定的政务失信记录及其整改状态。",
	model.KindCase:       "新发布的诚信建设典型案例。",
	model.KindPolicy:     "新发布的社会信用和政务诚信政策文件。",
	model.KindNews:       "政务诚信建设的新闻和工作动态。",
}

// listing describes the feed in folder dir (slash path of raw segments).
func listing(title, desc, dir string, n [3]string) FeedListing {
	page := "/"
	if dir != "" {
		page = urlOf(strings.Split(dir, "/")...)
	}
	return FeedListing{Title: title, Description: desc, Page: page,
		RSS: page + n[0], Atom: page + n[1], JSON: page + n[2]}
}

func joinPath(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// feedFiles returns every feed file of the site, keyed by output path
// relative to the output root (e.g. "feed.xml", "news/atom.xml").
//
// The output depends only on the site and on now (which decides whether a
// commitment is overdue yet), never on the clock: two builds with the same
// inputs give identical bytes.
func feedFiles(site *model.Site, entries []model.Entry, now time.Time) (map[string][]byte, error) {
	out := make(map[string][]byte)
	var mu sync.Mutex
	err := writeFeeds(context.Background(), site, entries, now, func(name string, _ fingerprint.Sum, data []byte) error {
		mu.Lock()
		out[name] = data
		mu.Unlock()
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// feedHolders maps an entry to the (non-change) feeds that carry it, so
// sorting entries into feeds is one pass over the entries whatever the
// number of departments.
type feedHolders struct {
	site   int
	byKind map[model.Kind][]int
	byDept map[string][]int
}

func newFeedHolders(specs []feedSpec) *feedHolders {
	h := &feedHolders{site: -1, byKind: map[model.Kind][]int{}, byDept: map[string][]int{}}
	for j := range specs {
		switch s := &specs[j]; s.group {
		case groupSite:
			h.site = j
		case groupSection:
			h.byKind[s.kind] = append(h.byKind[s.kind], j)
		case groupDepartment:
			h.byDept[s.dept] = append(h.byDept[s.dept], j)
		}
	}
	return h
}

// each calls fn once for every (non-change) feed that carries e: the site
// feed, its section's feed, and the feed of each department it names (a
// department listed twice counting once).
func (h *feedHolders) each(e *model.Entry, fn func(spec int)) {
	if h.site >= 0 {
		fn(h.site)
	}
	for _, j := range h.byKind[e.Kind] {
		fn(j)
	}
	for i, d := range e.Departments {
		if slices.Contains(e.Departments[:i], d) {
			continue
		}
		for _, j := range h.byDept[d] {
			fn(j)
		}
	}
}

// writeFeeds builds every feed file of the site and hands each to emit,
// named by its output path relative to the output root, as soon as it is
// encoded: no feed waits in memory for the others. Each file comes with its
// key: the fingerprint of everything it is made from (the site's feed
// settings, the feed, and the entries and changes it carries). When reuse
// is set and says the published file has that key already (and keeps it),
// the feed is neither converted nor encoded: an edit re-encodes only the
// feeds that carry the edited record. emit and reuse are called from
// several goroutines at once. On error some files may have been emitted.
func writeFeeds(ctx context.Context, site *model.Site, entries []model.Entry, now time.Time,
	emit func(name string, key fingerprint.Sum, data []byte) error, reuse func(name string, key fingerprint.Sum) (bool, error)) error {
	c, err := newFeedContext(site)
	if err != nil {
		return err
	}
	var errs []error
	// Only the newest items of each feed are written, so entries are
	// ordered once by their cheap sort keys and converted (links made
	// absolute) only when a feed takes them: at city scale most never are.
	keys := make([]feed.Item, len(entries)) // ID and dates only
	order := make([]int, 0, len(entries))
	for i := range entries {
		e := &entries[i]
		if e.Date.IsZero() {
			errs = append(errs, fmt.Errorf("feeds: %s/%s (%s): the page has no date; a feed item needs its real publication date", e.Kind, e.ID, e.Title))
			continue
		}
		keys[i] = c.entryKey(e)
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int { return feed.Compare(&keys[a], &keys[b]) })
	changes, err := c.changeItems(publishedCommitments(entries), now)
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	limit := feedLimit(site)
	specs := feedSpecs(site)
	holders := newFeedHolders(specs)

	// One pass, newest first: each feed takes entries until it is full.
	picked := make([][]int, len(specs))
	needed := make([]bool, len(entries))
	for _, i := range order {
		holders.each(&entries[i], func(j int) {
			if len(picked[j]) < limit {
				picked[j] = append(picked[j], i)
				needed[i] = true
			}
		})
	}
	// A department's feed also follows its promises: every progress entry
	// and slip of a commitment it leads or supports. Changes are ordered
	// once, so each feed needs only its newest few (ids are unique, so
	// trimming before feed.Newest keeps the same items in the same order).
	slices.SortStableFunc(changes, func(a, b change) int { return feed.Compare(&a.Item, &b.Item) })
	deptChanges := map[string][]int{}
	for n := range changes {
		for i, d := range changes[n].depts {
			if !slices.Contains(changes[n].depts[:i], d) && len(deptChanges[d]) < limit {
				deptChanges[d] = append(deptChanges[d], n)
			}
		}
	}

	// Complete the changes some feed shows, on every core: a feed's key
	// holds its change items whole.
	var fills []int
	shown := make([]bool, len(changes))
	for n := range changes[:min(len(changes), limit)] {
		shown[n] = true
	}
	for _, ns := range deptChanges {
		for _, n := range ns {
			shown[n] = true
		}
	}
	for n, ok := range shown {
		if ok {
			fills = append(fills, n)
		}
	}
	if err := parallel(ctx, len(fills), func(n int) error {
		c.fill(&changes[fills[n]])
		return nil
	}); err != nil {
		return err
	}
	// Each feed's key, and whether the published files have it.
	base := c.key(limit)
	entryKeys := make([]fingerprint.Sum, len(entries))
	var keyed []int
	for _, i := range order {
		if needed[i] {
			keyed = append(keyed, i)
		}
	}
	if err := parallel(ctx, len(keyed), func(n int) error {
		entryKeys[keyed[n]] = entryFeedKey(&entries[keyed[n]])
		return nil
	}); err != nil {
		return err
	}
	specKeys := make([][3]fingerprint.Sum, len(specs))
	encode := make([][3]bool, len(specs))
	if err := parallel(ctx, len(specs), func(j int) error {
		s := &specs[j]
		h := fingerprint.New()
		h.Add(base)
		h.Add(s)
		if s.changes {
			for _, ch := range changes[:min(len(changes), limit)] {
				h.Add(ch.Item)
			}
		} else {
			for _, i := range picked[j] {
				h.Add(entryKeys[i])
			}
			h.WriteString("changes")
			if s.group == groupDepartment {
				for _, n := range deptChanges[s.dept] {
					h.Add(changes[n].Item)
				}
			}
		}
		key := h.Sum()
		for f := range 3 {
			specKeys[j][f] = fingerprint.Of(key, f)
			encode[j][f] = true
			if reuse != nil {
				kept, err := reuse(joinPath(s.dir, s.names[f]), specKeys[j][f])
				if err != nil {
					return err
				}
				encode[j][f] = !kept
			}
		}
		return nil
	}); err != nil {
		return err
	}

	// Convert the entries the feeds to encode show (links made absolute),
	// then encode those feeds, on every core.
	convert := make([]bool, len(entries))
	for j := range specs {
		if encode[j] == [3]bool{} || specs[j].changes {
			continue
		}
		for _, i := range picked[j] {
			convert[i] = true
		}
	}
	var conv []int
	for _, i := range order {
		if convert[i] {
			conv = append(conv, i)
		}
	}
	items := make([]feed.Item, len(entries))
	convErrs := make([]error, len(conv))
	if err := parallel(ctx, len(conv), func(n int) error {
		items[conv[n]], convErrs[n] = c.entryItem(&entries[conv[n]])
		return nil
	}); err != nil {
		return err
	}
	if err := errors.Join(convErrs...); err != nil {
		return err
	}
	specErrs := make([]error, len(specs))
	if err := parallel(ctx, len(specs), func(j int) error {
		s := &specs[j]
		if encode[j] == [3]bool{} {
			return nil
		}
		var its []feed.Item
		if s.changes {
			its = make([]feed.Item, 0, min(len(changes), limit))
			for _, ch := range changes[:min(len(changes), limit)] {
				its = append(its, ch.Item)
			}
		} else {
			its = make([]feed.Item, 0, len(picked[j]))
			for _, i := range picked[j] {
				its = append(its, items[i])
			}
			if s.group == groupDepartment {
				for _, n := range deptChanges[s.dept] {
					its = append(its, changes[n].Item)
				}
			}
		}
		f := c.feed(s, feed.Newest(its, limit))
		// RSS, Atom and JSON, in the order of s.names; checked once.
		docs, err := feed.Encode(f, encode[j])
		for i, data := range docs {
			if data == nil {
				continue
			}
			if err := emit(joinPath(s.dir, s.names[i]), specKeys[j][i], data); err != nil {
				return err
			}
		}
		specErrs[j] = err
		return nil
	}); err != nil {
		return err
	}
	return errors.Join(specErrs...)
}

// key is the fingerprint of what every feed of the site is made with
// besides its items: the program (which encodes them), the addresses, the
// zone, the settings feed.Feed reads and the departments' names.
func (c *feedContext) key(limit int) fingerprint.Sum {
	cfg := &c.site.Config
	h := fingerprint.New()
	h.Add(program())
	h.WriteString(c.base)
	h.WriteString(c.authority)
	h.WriteString(c.loc.String())
	h.Add(limit)
	h.WriteString(cfg.Title)
	h.WriteString(cfg.Description)
	h.WriteString(cfg.Language)
	h.WriteString(cfg.Government.Sponsor)
	for _, d := range c.site.Departments {
		h.WriteString(d.ID)
		h.WriteString(d.Name)
	}
	return h.Sum()
}

// entryFeedKey is the fingerprint of everything entryItem and entryKey read
// from an entry (keep the two in step).
func entryFeedKey(e *model.Entry) fingerprint.Sum {
	return fingerprint.Of(e.Kind, e.ID, e.Path, e.Title, e.Summary, e.HTML, e.Date, e.Updated,
		e.Departments, e.Status, e.Category, e.Tags, e.Example)
}

// feedNamesOf returns the output paths of every feed file writeFeeds
// writes for the site.
func feedNamesOf(site *model.Site) map[string]bool {
	out := map[string]bool{}
	for _, s := range feedSpecs(site) {
		for _, n := range s.names {
			out[joinPath(s.dir, n)] = true
		}
	}
	return out
}

// feedDirectory returns every feed of the site grouped for the /feeds/
// page, with how many items each carries now. Its links are site-relative,
// so it needs no base URL.
func feedDirectory(site *model.Site, entries []model.Entry, now time.Time) []FeedGroup {
	groups := []FeedGroup{
		{ID: "site", Title: "全站", Description: "本站所有栏目的最新内容。"},
		{ID: "changes", Title: "承诺状态变化", Description: "跟踪承诺是否按期兑现：每条推进记录和每次逾期都是一条新内容，即使没有人另写新闻。"},
		{ID: "sections", Title: "栏目", Description: "按栏目订阅。"},
		{ID: "departments", Title: "部门（单位）", Description: "按部门订阅与该单位相关的全部内容，包括其承诺的推进和逾期情况。"},
	}
	limit := feedLimit(site)
	changes, byDept := countChanges(site, publishedCommitments(entries), now)
	specs := feedSpecs(site)
	holders := newFeedHolders(specs)
	counts := make([]int, len(specs))
	for i := range entries {
		holders.each(&entries[i], func(j int) { counts[j]++ })
	}
	for j, s := range specs {
		n := changes
		if !s.changes {
			n = counts[j]
			if s.group == groupDepartment {
				n += byDept[s.dept]
			}
		}
		l := s.FeedListing
		l.Items = min(n, limit)
		groups[s.group].Feeds = append(groups[s.group].Feeds, l)
	}
	return groups
}

func publishedCommitments(entries []model.Entry) map[string]bool {
	out := map[string]bool{}
	for i := range entries {
		if entries[i].Kind == model.KindCommitment {
			out[entries[i].ID] = true
		}
	}
	return out
}

// countChanges counts the change feed's items without building them, in
// all and by department (lead and partners).
func countChanges(site *model.Site, published map[string]bool, now time.Time) (int, map[string]int) {
	n, byDept := 0, map[string]int{}
	for _, cm := range site.Commitments {
		if cm.Draft || !published[cm.ID] {
			continue
		}
		k := len(cm.Progress)
		if _, ok := becameOverdue(cm, now); ok {
			k++
		}
		n += k
		for _, d := range append([]string{cm.Department}, cm.Partners...) {
			byDept[d] += k
		}
	}
	return n, byDept
}

func feedLimit(site *model.Site) int {
	if site.Config.Feeds.Items > 0 {
		return site.Config.Feeds.Items
	}
	return model.DefaultConfig().Feeds.Items
}

func siteLocation(site *model.Site) *time.Location {
	if site.Config.Location != nil {
		return site.Config.Location
	}
	if site.Config.TimeZone != "" {
		if loc, err := time.LoadLocation(site.Config.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

// feedContext carries what every item needs: the site, its zone, the
// absolute base URL and the tag: authority for item ids.
type feedContext struct {
	site      *model.Site
	loc       *time.Location
	base      string // absolute, ends with "/"
	authority string
	depts     map[string]*model.Department // by id; the first wins, as in Site.DepartmentByID
}

func newFeedContext(site *model.Site) (*feedContext, error) {
	base := strings.TrimSpace(site.Config.BaseURL)
	// Generate turns an unset base_url into "/" for page links; for feeds
	// that is still unset.
	if base == "" || base == "/" {
		return nil, diag.Diagnostic{File: "portal.toml", Key: "base_url",
			Message: `未设置：订阅源需要网站的完整地址，例如 base_url = "https://xyxx.example.gov.cn/" (is not set; feeds need the site's absolute address (e.g. base_url = "https://xyxx.example.gov.cn/"))`}
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, diag.Diagnostic{File: "portal.toml", Key: "base_url",
			Message: fmt.Sprintf("%q is not an absolute http(s) URL; feeds need the site's absolute address (e.g. https://xyxx.example.gov.cn/)", base)}
	}
	auth, err := feed.Authority(base)
	if err != nil {
		return nil, diag.Diagnostic{File: "portal.toml", Key: "base_url", Message: err.Error()}
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	depts := make(map[string]*model.Department, len(site.Departments))
	for _, d := range site.Departments {
		if _, ok := depts[d.ID]; !ok {
			depts[d.ID] = d
		}
	}
	return &feedContext{site: site, loc: siteLocation(site), base: base, authority: auth, depts: depts}, nil
}

// abs returns the absolute URL of a site-relative path ("/news/n1/").
func (c *feedContext) abs(p string) string {
	return c.base + strings.TrimPrefix(p, "/")
}

// day returns t's calendar day at midnight in the site's zone: content dates
// are days, and a day must not shift when a date was parsed in another zone.
func (c *feedContext) day(t time.Time) time.Time {
	y, m, d := t.In(c.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc)
}

func (c *feedContext) deptName(id string) string {
	if d := c.depts[id]; d != nil {
		return d.Name
	}
	return ""
}

// feed turns a spec and its items (newest first, already trimmed) into a
// feed.Feed.
func (c *feedContext) feed(s *feedSpec, items []feed.Item) *feed.Feed {
	cfg := &c.site.Config
	author := cfg.Government.Sponsor
	if s.group == groupDepartment {
		author = c.deptName(s.dept)
	}
	if author == "" {
		author = cfg.Title
	}
	lang := cfg.Language
	if lang == "" {
		lang = model.DefaultConfig().Language
	}
	title, desc := cfg.Title, cfg.Description
	if s.group != groupSite || desc == "" {
		title, desc = cfg.Title+" · "+s.Title, s.Description
	}
	return &feed.Feed{
		Title:       title,
		Description: desc,
		HomeURL:     c.abs(s.Page),
		Self:        feed.URLs{RSS: c.abs(s.RSS), Atom: c.abs(s.Atom), JSON: c.abs(s.JSON)},
		Language:    lang,
		Author:      author,
		// An empty feed has no item date; a fixed date keeps its bytes
		// stable until its first item appears (never the build time).
		Updated:  time.Date(1970, 1, 1, 0, 0, 0, 0, c.loc),
		Location: c.loc,
		Items:    items,
	}
}

// entryKey is the part of entryItem that orders items: id and dates.
func (c *feedContext) entryKey(e *model.Entry) feed.Item {
	published := c.day(e.Date)
	it := feed.Item{ID: feed.TagURI(c.authority, published, string(e.Kind), e.ID), Published: published}
	if !e.Updated.IsZero() {
		it.Updated = c.day(e.Updated)
	}
	return it
}

// entryItem maps a published page to a feed item.
func (c *feedContext) entryItem(e *model.Entry) (feed.Item, error) {
	if e.Date.IsZero() {
		return feed.Item{}, fmt.Errorf("feeds: %s/%s (%s): the page has no date; a feed item needs its real publication date", e.Kind, e.ID, e.Title)
	}
	link := c.abs(e.Path)
	content, err := feed.AbsoluteHTML(e.HTML, link, c.base)
	if err != nil {
		return feed.Item{}, fmt.Errorf("feeds: %s/%s: %w", e.Kind, e.ID, err)
	}
	it := c.entryKey(e)
	it.Title, it.Link, it.Summary, it.HTML = e.Title, link, e.Summary, content
	it.Categories = categories(e.Kind.Label(), e.Category, statusLabel(e.Kind, e.Status), e.Tags)
	if len(e.Departments) > 0 {
		it.Author = c.deptName(e.Departments[0])
	}
	if e.Example {
		markExample(&it)
	}
	return it, nil
}

// markExample labels shipped illustrative content as the pages do with
// their 示例 badge: a reader sees only the feed, so the title says it too
// (unless the title already does).
func markExample(it *feed.Item) {
	if !strings.Contains(it.Title, "示例") {
		it.Title = "【示例】" + it.Title
	}
	it.HTML = "<p><strong>示例内容，非真实记录。</strong></p>\n" + it.HTML
	it.Categories = append(it.Categories, "示例")
}

// statusLabel shows a commitment's status in Chinese; other kinds already
// use Chinese statuses.
func statusLabel(k model.Kind, s string) string {
	if k == model.KindCommitment {
		if l := model.Status(s).Label(); l != "" {
			return l
		}
	}
	return s
}

// categories joins non-empty, distinct labels in order.
func categories(first, category, status string, tags []string) []string {
	var out []string
	for _, s := range append([]string{first, category, status}, tags...) {
		s = strings.TrimSpace(s)
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// change is an item of the change feed and the departments (lead and
// partners) whose feeds carry it too. changeItems sets only what orders it
// (ID and date); fill adds the rest for the few items a feed shows.
type change struct {
	feed.Item
	depts    []string
	cm       *model.Commitment
	progress int // index into cm.Progress; -1 for the overdue item
}

// changeItems returns the change feed's items: one per progress entry of a
// published commitment, and one per commitment that slipped past its
// deadline, dated at the deadline. No text depends on now: now only decides
// whether the overdue item exists yet.
func (c *feedContext) changeItems(published map[string]bool, now time.Time) ([]change, error) {
	var items []change
	var errs []error
	for _, cm := range c.site.Commitments {
		if cm.Draft || !published[cm.ID] {
			continue
		}
		if cm.Date.IsZero() {
			errs = append(errs, fmt.Errorf("feeds: commitments/%s: the commitment has no date", cm.ID))
			continue
		}
		first := c.day(cm.Date)
		depts := append([]string{cm.Department}, cm.Partners...)
		for n, p := range cm.Progress {
			if p.Date.IsZero() {
				errs = append(errs, fmt.Errorf("%s:%d: progress: entry %d has no date; a feed item needs its real date", cm.Source.File, p.Line, n+1))
				continue
			}
			items = append(items, change{depts: depts, cm: cm, progress: n, Item: feed.Item{
				ID:        feed.TagURI(c.authority, first, string(model.KindCommitment), cm.ID, "progress", strconv.Itoa(n+1)),
				Published: c.day(p.Date),
			}})
		}
		if since, ok := becameOverdue(cm, now); ok {
			items = append(items, change{depts: depts, cm: cm, progress: -1, Item: feed.Item{
				ID:        feed.TagURI(c.authority, first, string(model.KindCommitment), cm.ID, "overdue"),
				Published: c.day(since),
			}})
		}
	}
	return items, errors.Join(errs...)
}

// fill completes a change item: title, link, text and categories.
func (c *feedContext) fill(ch *change) {
	cm := ch.cm
	path, _ := pagePath(string(model.KindCommitment), cm.ID)
	link := c.abs(path)
	lead := c.deptName(cm.Department)
	it := &ch.Item
	if ch.progress >= 0 {
		p := cm.Progress[ch.progress]
		label := p.Status.Label()
		it.Title = "「" + cm.Title + "」进展：" + label
		it.Summary = label + "：" + p.Note
		it.HTML = progressHTML(cm, p, link, lead, c.abs(urlOf("departments", cm.Department)))
		it.Categories = categories(model.KindCommitment.Label(), cm.Category, label, cm.Tags)
	} else {
		label := model.StatusOverdue.Label()
		deadline := it.Published
		it.Title = "「" + cm.Title + "」" + label
		it.Summary = "承诺期限" + chineseDate(deadline) + "届满时尚未兑现。"
		it.HTML = overdueHTML(cm, deadline, link, lead, c.abs(urlOf("departments", cm.Department)))
		it.Categories = categories(model.KindCommitment.Label(), cm.Category, label, cm.Tags)
	}
	it.Link, it.Author = link, lead
	if cm.Example {
		markExample(it)
	}
}

// becameOverdue reports whether cm slipped past its deadline as of now, and
// the deadline. It is true for every commitment Derive calls overdue, and
// also stays true once such a commitment is closed later (its closing
// progress entry is after the deadline): the slip remains news. A closed
// commitment with no dated closing entry is given the benefit of the doubt.
func becameOverdue(cm *model.Commitment, now time.Time) (time.Time, bool) {
	if cm.Deadline.IsZero() || model.DaysBetween(now, cm.Deadline) >= 0 {
		return time.Time{}, false
	}
	if !cm.Closed() {
		return cm.Deadline, true
	}
	for _, p := range cm.Progress {
		if p.Status == model.StatusFulfilled || p.Status == model.StatusWithdrawn {
			return cm.Deadline, model.DaysBetween(cm.Deadline, p.Date) > 0
		}
	}
	return time.Time{}, false
}

func chineseDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// progressHTML is a progress entry's content: status, note, evidence and
// the commitment it belongs to. Every value is escaped here, once.
func progressHTML(cm *model.Commitment, p model.Progress, link, lead, leadURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>推进状态：<strong>%s</strong></p>\n", html.EscapeString(p.Status.Label()))
	fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p.Note))
	if ev := strings.TrimSpace(p.Evidence); ev != "" {
		if u, err := url.Parse(ev); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			fmt.Fprintf(&b, "<p>佐证：<a href=\"%s\">%s</a></p>\n", html.EscapeString(u.String()), html.EscapeString(ev))
		} else {
			fmt.Fprintf(&b, "<p>佐证：%s</p>\n", html.EscapeString(ev))
		}
	}
	commitmentFooter(&b, cm, link, lead, leadURL)
	return b.String()
}

// overdueHTML is an overdue item's content. It names the deadline, never
// how many days have passed, so it reads the same on every build.
func overdueHTML(cm *model.Commitment, deadline time.Time, link, lead, leadURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>承诺期限<time datetime=\"%s\">%s</time>届满时，该承诺尚未兑现，已转为<strong>已逾期</strong>。</p>\n",
		deadline.Format(time.DateOnly), chineseDate(deadline))
	commitmentFooter(&b, cm, link, lead, leadURL)
	return b.String()
}

func commitmentFooter(b *strings.Builder, cm *model.Commitment, link, lead, leadURL string) {
	fmt.Fprintf(b, "<p>承诺事项：<a href=\"%s\">%s</a></p>\n", html.EscapeString(link), html.EscapeString(cm.Title))
	if lead != "" {
		fmt.Fprintf(b, "<p>牵头单位：<a href=\"%s\">%s</a></p>\n", html.EscapeString(leadURL), html.EscapeString(lead))
	}
	if !cm.Deadline.IsZero() {
		fmt.Fprintf(b, "<p>完成时限：%s</p>\n", chineseDate(cm.Deadline))
	}
	if cm.SourceDoc != "" {
		fmt.Fprintf(b, "<p>来源文件：%s</p>\n", html.EscapeString(cm.SourceDoc))
	}
}

// feedsPage adds the /feeds/ page (订阅): every feed, what it carries, and
// its three formats.
func (pl *planner) feedsPage(groups []FeedGroup) {
	pl.add("/feeds/", "feeds/index.html", "feeds", true, func() (*theme.Page, any) {
		p := pl.page("订阅", "/feeds/", "", "feeds")
		p.Section, p.SectionURL = "订阅", "/feeds/"
		p.Description = "订阅本站更新：全站、各栏目、各部门和承诺状态变化，提供 RSS、Atom 和 JSON Feed 三种格式。"
		p.Alternates = append(p.Alternates, pl.changeAlternates()...)
		return p, &FeedsData{Limit: feedLimit(pl.site), Groups: groups}
	})
}

// changeAlternates returns the change feed's links, for commitment pages.
func (pl *planner) changeAlternates() []theme.Link {
	var out []theme.Link
	l := listing("承诺状态变化", "", string(model.KindCommitment), changeNames)
	for _, f := range []struct{ url, typ, format string }{
		{l.RSS, "application/rss+xml", "RSS"},
		{l.Atom, "application/atom+xml", "Atom"},
		{l.JSON, "application/feed+json", "JSON Feed"},
	} {
		if _, ok := pl.feeds[strings.TrimPrefix(f.url, "/")]; ok {
			out = append(out, theme.Link{Label: "承诺状态变化（" + f.format + "）", URL: f.url, Type: f.typ})
		}
	}
	return out
}

// feedLabel names the feed in folder ("" = the site) for the title of a
// <link rel="alternate">, so a reader's subscribe menu tells feeds apart.
func feedLabel(site *model.Site, folder, format string) string {
	name := site.Config.Title
	switch {
	case folder == "":
	case strings.HasPrefix(folder, "departments/"):
		if d := site.DepartmentByID(strings.TrimPrefix(folder, "departments/")); d != nil {
			name = d.Name
		}
	default:
		if k := model.Kind(folder); k.Label() != "" {
			name = sectionTitle(site, k)
		}
	}
	return name + "（" + format + "）"
}
