package generator

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"portal/generator/feed"
	"portal/generator/ledger"
	"portal/generator/model"
	"portal/generator/theme"
)

// The 变更记录 pages:
//
//	/changes/                       the newest changes, filters, months
//	/changes/YYYY-MM/[page/N/]      every change and removal of a month
//	/changes/material/[page/N/]     every material change, counts per body
//	/changes/material/<type>/…      one type of material change
//	/changes/department/<id>/…      one body's material changes
//	/changes/{feed.xml,atom.xml,feed.json}, /changes/material/{…}
//
// New records are not changes: they are in their sections' lists and feeds.
const (
	changesLatest   = 50  // rows on /changes/
	changesPageSize = 100 // rows per page of the other lists
)

// changeList is the log's changes as the lists share them: each row's
// HTML is rendered once, by the first page that shows it.
type changeList struct {
	entries []*changeItem
	th      *theme.Theme
}

type changeItem struct {
	changeEntry
	once sync.Once
	html template.HTML
}

func (cl *changeList) row(ci *changeItem) ChangeRow {
	ci.once.Do(func() {
		h, err := cl.th.Partial("change-row.html", ci.row)
		if err == nil {
			ci.html = h
		} else {
			ci.html = template.HTML(template.HTMLEscapeString(ci.row.Title))
		}
	})
	r := ci.row
	r.Row = ci.html
	return r
}

func (pl *planner) changesPages() {
	lr := pl.ledger
	var all []*changeItem
	for _, ce := range lr.changeEntries(pl) {
		all = append(all, &changeItem{changeEntry: ce})
	}
	cl := &changeList{entries: all, th: lr.th}
	var material []*changeItem
	byType := map[string][]*changeItem{}
	byDept := map[string][]*changeItem{}
	byMonth := map[string][]*changeItem{}
	for _, ci := range all {
		m := ci.row.Date.Format("2006-01")
		byMonth[m] = append(byMonth[m], ci)
		if ci.dept != "" {
			byDept[ci.dept] = append(byDept[ci.dept], ci)
		}
		if len(ci.material) == 0 {
			continue
		}
		material = append(material, ci)
		for _, t := range ci.material {
			byType[t] = append(byType[t], ci)
		}
	}
	months := sortedKeys(byMonth)
	sort.Sort(sort.Reverse(sort.StringSlice(months)))
	filters := func(cur string) []theme.FilterGroup {
		g1 := theme.FilterGroup{Label: "范围", Links: []theme.Link{
			{Label: "全部变更", URL: "/changes/", Count: len(all), HasCount: true, Current: cur == "/changes/"},
			{Label: "实质性变更", URL: "/changes/material/", Count: len(material), HasCount: true, Current: cur == "/changes/material/"},
		}}
		g2 := theme.FilterGroup{Label: "实质性变更类型"}
		for _, t := range ledger.MaterialTypes {
			if n := len(byType[t]); n > 0 {
				u := "/changes/material/" + t + "/"
				g2.Links = append(g2.Links, theme.Link{Label: ledger.MaterialLabels[t], URL: u, Count: n, HasCount: true, Current: cur == u})
			}
		}
		g3 := theme.FilterGroup{Label: "月份"}
		for _, m := range months {
			u := "/changes/" + m + "/"
			g3.Links = append(g3.Links, theme.Link{Label: monthLabel(m), URL: u, Count: len(byMonth[m]), HasCount: true, Current: cur == u})
		}
		out := []theme.FilterGroup{g1}
		if len(g2.Links) > 0 {
			out = append(out, g2)
		}
		if len(g3.Links) > 0 {
			out = append(out, g3)
		}
		return out
	}
	allFeeds := changeFeedLinks("/changes/")
	matFeeds := changeFeedLinks("/changes/material/")
	intro := "本页列出本站已发布记录的每一次修改和删除，依据本站发布记录（/log/）逐条生成；新发布的记录见各栏目。标为“实质性变更”的，是完成时限推迟、状态倒退、承诺内容或牵头单位变更、承诺撤回或删除，以及公示期内修改、撤下或缩短公示期的双公示和失信记录。"
	pl.changesList(cl, "变更记录", "/changes/", intro, all[:min(len(all), changesLatest)], len(all), changesLatest, filters, allFeeds, nil)
	for _, m := range months {
		title := "变更记录（" + monthLabel(m) + "）"
		pl.changesList(cl, title, "/changes/"+m+"/", "", byMonth[m], len(byMonth[m]), changesPageSize, filters, allFeeds, nil)
	}
	pl.changesList(cl, "实质性变更", "/changes/material/", intro, material, len(material), changesPageSize, filters, matFeeds, deptCounts(pl, byDept))
	// Sorted, not map order: the plan's order is the sitemap's, and a build
	// must write the same bytes as any other build of the same site.
	for _, t := range sortedKeys(byType) {
		items := byType[t]
		pl.changesList(cl, "实质性变更："+ledger.MaterialLabels[t], "/changes/material/"+t+"/", "", items, len(items), changesPageSize, filters, matFeeds, nil)
	}
	for _, id := range sortedKeys(byDept) {
		items := byDept[id]
		name := pl.ix.deptName(id)
		pl.changesList(cl, name+"的变更记录", urlOf("changes", "department", id), "", items, len(items), changesPageSize, filters, allFeeds, nil)
	}
	lr.changes, lr.material = all, material
}

// deptCounts counts each body's material changes, most first (bodies with
// none are left out).
func deptCounts(pl *planner, byDept map[string][]*changeItem) []DeptChanges {
	var out []DeptChanges
	for id, items := range byDept {
		d := DeptChanges{Name: pl.ix.deptName(id), URL: urlOf("changes", "department", id)}
		n := map[string]int{}
		for _, ci := range items {
			for _, t := range ci.material {
				n[t]++
			}
			if len(ci.material) > 0 {
				d.Total++
			}
		}
		if d.Total == 0 {
			continue
		}
		for _, t := range ledger.MaterialTypes {
			if n[t] > 0 {
				d.ByType = append(d.ByType, theme.Link{Label: ledger.MaterialLabels[t], Count: n[t], HasCount: true, Name: t})
			}
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return out[i].URL < out[j].URL
	})
	return out
}

func changeFeedLinks(dir string) []theme.Link {
	return []theme.Link{
		{Label: "RSS", URL: dir + "feed.xml", Type: "application/rss+xml"},
		{Label: "Atom", URL: dir + "atom.xml", Type: "application/atom+xml"},
		{Label: "JSON Feed", URL: dir + "feed.json", Type: "application/feed+json"},
	}
}

// changesList plans a list of changes, paginated at size (the first page
// only when total is more than the rows given, as on /changes/).
func (pl *planner) changesList(cl *changeList, title, base, intro string, items []*changeItem, total, size int,
	filters func(string) []theme.FilterGroup, feeds []theme.Link, counts []DeptChanges) {
	pages := (len(items) + size - 1) / size
	if pages == 0 {
		pages = 1
	}
	for n := 1; n <= pages; n++ {
		u := base
		if n > 1 {
			u = base + "page/" + strconv.Itoa(n) + "/"
		}
		file, _ := fileForURL(u)
		lo, hi := (n-1)*size, min(n*size, len(items))
		pl.add(u, file, "changes", n == 1, func() (*theme.Page, any) {
			t := title
			if n > 1 {
				t = fmt.Sprintf("%s（第%d页）", title, n)
			}
			p := pl.page(t, u, "", "changes")
			p.Section, p.SectionURL = "变更记录", "/changes/"
			p.Alternates = append(append([]theme.Link(nil), feeds...), p.Alternates...)
			d := &ChangesData{Intro: intro, Filters: filters(base), Feeds: feeds, Total: total}
			if n == 1 {
				d.Counts = counts
			}
			if pages > 1 {
				d.Pager = pager(base, n, pages, len(items))
			}
			for _, ci := range items[lo:hi] {
				d.Rows = append(d.Rows, cl.row(ci))
			}
			return p, d
		})
	}
}

// logPage plans /log/, the human face of the published log.
func (pl *planner) logPage() {
	lr := pl.ledger
	pl.add("/log/", "log/index.html", "log", true, func() (*theme.Page, any) {
		p := pl.page("发布记录", "/log/", "", "log")
		p.Section, p.SectionURL = "发布记录", "/log/"
		d := &LogData{Origin: lr.cp.Origin, Size: lr.cp.N, RootHash: lr.cp.Hash.String(), PublicKey: lr.key,
			PreviousKeys: lr.previous, Rotations: lr.rotationLinks(),
			Checkpoint: string(lr.log.Checkpoint), GuideURL: "/verify/", ChangesURL: "/changes/", TileHeight: ledger.TileHeight,
			DataTiles: int((lr.cp.N + ledger.SegmentSize - 1) / ledger.SegmentSize), Records: len(lr.log.Records()),
			Unsigned: lr.log.Size() - lr.cp.N, HasLog: lr.cp.N > 0}
		if lr.log.Size() > 0 {
			d.FirstDate, _ = time.Parse(time.DateOnly, lr.log.Entries[0].Date)
			d.LastDate, _ = time.Parse(time.DateOnly, lr.log.Entries[lr.log.Size()-1].Date)
		}
		for _, rec := range lr.log.Records() {
			if lr.withheld(rec) != "" {
				d.Redacted++
			}
		}
		d.Files = []theme.Link{
			{Label: "检查点（已签名）", URL: "/log/" + ledger.PublishedCheckpoint},
			{Label: "公钥", URL: "/log/" + ledger.PublishedKey},
		}
		if lr.cp.N > 0 {
			d.Files = append(d.Files,
				theme.Link{Label: "第一个数据瓦片（条目原文）", URL: "/log/tile/8/data/000" + partial(lr.cp.N)},
				theme.Link{Label: "第一个哈希瓦片", URL: "/log/tile/8/0/000" + partial(lr.cp.N)})
		}
		d.Files = append(d.Files, d.Rotations...)
		base := strings.TrimSuffix(pl.site.Config.BaseURL, "/")
		d.ExampleCmds = []string{
			"portal verify -key '" + lr.key + "' -follow ~/.portal-verify.json " + base + "/",
			"portal verify -sample 200 " + base + "/",
		}
		for _, ci := range lr.changes[:min(10, len(lr.changes))] {
			d.Latest = append(d.Latest, ci.row)
		}
		return p, d
	})
}

// rotationLinks links the log's key rotations under /log/.
func (lr *ledgerRun) rotationLinks() []theme.Link {
	var out []theme.Link
	for i := range lr.log.Rotations {
		out = append(out, theme.Link{Label: "换钥记录 " + strconv.Itoa(i+1), URL: "/log/" + ledger.RotationName(i)})
	}
	return out
}

// partial is the .p/W suffix of the first tile of a log of n entries.
func partial(n int64) string {
	if n >= ledger.SegmentSize {
		return ""
	}
	return ".p/" + strconv.FormatInt(n, 10)
}

// guidePage plans 「如何核验本站记录」.
func (pl *planner) guidePage() {
	lr := pl.ledger
	pl.add("/verify/", "verify/index.html", "verify-guide", true, func() (*theme.Page, any) {
		p := pl.page("如何核验本站记录", "/verify/", "", "verify-guide")
		p.Section, p.SectionURL = "发布记录", "/log/"
		base := strings.TrimSuffix(pl.site.Config.BaseURL, "/")
		return p, &LogData{Origin: lr.cp.Origin, Size: lr.cp.N, RootHash: lr.cp.Hash.String(), PublicKey: lr.key,
			PreviousKeys: lr.previous, Rotations: lr.rotationLinks(),
			GuideURL: "/verify/", ChangesURL: "/changes/", HasLog: lr.cp.N > 0,
			VerifierURL: pl.site.Config.Ledger.VerifierURL, ContactURL: ContactPath,
			ExampleCmds: []string{
				"portal verify -key '" + lr.key + "' -follow ~/.portal-verify.json " + base + "/",
				"portal verify -sample 200 " + base + "/",
				"portal verify -site 站点文件夹",
			}}
	})
}

// writeFiles writes /log/ (the checkpoint, the key and the tiles of the
// signed tree, records off the site withheld) and the 变更记录 feeds.
func (lr *ledgerRun) writeFiles(ctx context.Context, pl *planner, write func(name string, data []byte) error) error {
	if lr.log.Checkpoint != nil {
		redact := lr.withheld
		if err := lr.log.PublishFiles(lr.log.Checkpoint, lr.cp, lr.key, redact, func(name string, b []byte) error {
			return write("log/"+name, b)
		}); err != nil {
			return err
		}
	}
	c, err := newFeedContext(pl.site)
	if err != nil {
		return err
	}
	limit := feedLimit(pl.site)
	for _, f := range []struct {
		dir, title, desc string
		material         bool
	}{
		{"changes/", "变更记录", "已发布记录的每一次修改和删除", false},
		{"changes/material/", "实质性变更", "完成时限推迟、状态倒退、承诺内容或牵头单位变更、承诺撤回或删除，公示期内修改或撤下", true},
	} {
		src := lr.changes
		if f.material {
			src = lr.material
		}
		var items []feed.Item
		for _, ci := range src[:min(len(src), limit)] {
			items = append(items, changeFeedItem(c, ci))
		}
		cfg := &pl.site.Config
		author := cfg.Government.Sponsor
		if author == "" {
			author = cfg.Title
		}
		fd := &feed.Feed{Title: cfg.Title + " · " + f.title, Description: f.desc, HomeURL: c.abs("/" + f.dir),
			Self:     feed.URLs{RSS: c.abs("/" + f.dir + "feed.xml"), Atom: c.abs("/" + f.dir + "atom.xml"), JSON: c.abs("/" + f.dir + "feed.json")},
			Language: cfg.Language, Author: author, Updated: time.Date(1970, 1, 1, 0, 0, 0, 0, c.loc), Location: c.loc, Items: feed.Newest(items, limit)}
		for name, enc := range map[string]func(*feed.Feed) ([]byte, error){"feed.xml": feed.RSS, "atom.xml": feed.Atom, "feed.json": feed.JSON} {
			b, err := enc(fd)
			if err != nil {
				return fmt.Errorf("变更记录 feed: %w", err)
			}
			if err := write(f.dir+name, b); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// changeFeedItem is one change as a feed item: its id names the log entry,
// so it never changes once published.
func changeFeedItem(c *feedContext, ci *changeItem) feed.Item {
	r := ci.row
	day := time.Date(r.Date.Year(), r.Date.Month(), r.Date.Day(), 0, 0, 0, 0, c.loc)
	title := r.Op + "：" + r.Title
	if len(r.Material) > 0 {
		var ls []string
		for _, m := range r.Material {
			ls = append(ls, m.Label)
		}
		title = "【" + strings.Join(ls, "、") + "】" + title
	}
	var b bytes.Buffer
	b.WriteString("<p>" + template.HTMLEscapeString(r.Kind+"，第"+strconv.Itoa(r.Version)+"版"))
	if r.Fields != "" {
		b.WriteString("，修改了：" + template.HTMLEscapeString(r.Fields))
	}
	b.WriteString("。</p>")
	if r.Note != "" {
		b.WriteString("<p>说明：" + template.HTMLEscapeString(r.Note) + "</p>")
	}
	b.WriteString(`<p><a href="` + template.HTMLEscapeString(c.abs(r.URL)) + `">查看修订记录</a></p>`)
	summary := r.Kind + "，第" + strconv.Itoa(r.Version) + "版"
	if r.Fields != "" {
		summary += "，修改了：" + r.Fields
	}
	return feed.Item{ID: feed.TagURI(c.authority, day, "changes", r.URL), Title: title, Link: c.abs(r.URL), Summary: summary,
		HTML: b.String(), Published: day, Author: r.Dept, Categories: []string{"变更记录", r.Kind}}
}

// feedGroup lists the 变更记录 feeds on the /feeds/ page.
func (lr *ledgerRun) feedGroup(site *model.Site) FeedGroup {
	limit := feedLimit(site)
	return FeedGroup{ID: "ledger", Title: "变更记录", Description: "已发布记录的每一次修改和删除，依据本站发布记录逐条生成。",
		Feeds: []FeedListing{
			{Title: "变更记录", Description: "每一次修改和删除：哪条记录、第几版、改了哪些项目、发布说明。", Page: "/changes/",
				RSS: "/changes/feed.xml", Atom: "/changes/atom.xml", JSON: "/changes/feed.json", Items: min(len(lr.changes), limit)},
			{Title: "实质性变更", Description: "完成时限推迟、状态倒退、承诺内容或牵头单位变更、承诺撤回或删除，双公示和失信记录在公示期内修改、撤下或缩短公示期。",
				Page: "/changes/material/", RSS: "/changes/material/feed.xml", Atom: "/changes/material/atom.xml", JSON: "/changes/material/feed.json",
				Items: min(len(lr.material), limit)},
		}}
}
