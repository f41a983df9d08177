package generator

import (
	"net/url"

	"portal/generator/model"
	"portal/generator/theme"
)

// The furniture a government website carries besides its content (政府网站
// 发展指引, 国办发〔2017〕47号, and the yearly 政府网站检查指标): an HTML
// 网站地图, 网站声明, 隐私政策, 联系我们, the accessibility and 长者模式 page,
// and the 我为政府网站找错 link. Each page has its own layout, so a site
// overrides one by putting themes/<name>/layouts/<layout>.html beside its
// content; the values come from portal.toml's [government] and [complaints].

// Furniture page addresses and layouts.
const (
	SitemapPath       = "/sitemap/"
	StatementPath     = "/about/statement/"
	PrivacyPath       = "/about/privacy/"
	ContactPath       = "/about/contact/"
	AccessibilityPath = "/about/accessibility/"
	// LargeModePath and StandardModePath switch 长者模式 (large text) on and
	// off. `portal serve` answers them itself (a cookie, then back to the
	// page); the built pages at the same addresses are the fallback of a
	// purely static deployment, shown in large text, saying how to keep it.
	LargeModePath    = "/mode/large/"
	StandardModePath = "/mode/standard/"
)

// ComplaintsName is the complaint section's one name, everywhere: the
// section takes complaints about government dishonesty and objections to
// published records, as a 12345 投诉 does (it takes no suggestions, so the
// name says no 建议).
const ComplaintsName = "政务失信投诉"

// ErrorReportCategory is the complaint category of 我为政府网站找错.
const ErrorReportCategory = "网站纠错"

// AboutData is .Data of the furniture pages (layouts sitemap, statement,
// privacy, contact, accessibility, mode).
type AboutData struct {
	Gov           model.GovernmentConfig
	Complaints    model.ComplaintConfig
	HasComplaints bool
	HasSearch     bool
	Groups        []SitemapGroup // the 网站地图's sections
	Large         bool           // the mode page: which mode it is about
}

// SitemapGroup is one section of the HTML 网站地图.
type SitemapGroup struct {
	Title string
	URL   string
	Links []theme.Link
}

// errorReportURL is where 我为政府网站找错 leads: portal.toml's
// error_report, else the complaint form with its own category.
func errorReportURL(gov model.GovernmentConfig) string {
	if gov.ErrorReport != "" {
		return gov.ErrorReport
	}
	return "/complaints/?category=" + url.QueryEscape(ErrorReportCategory)
}

// furnitureLinks are the footer's service links, in the order inspections
// look for them.
func furnitureLinks(sv *SiteView) []theme.Link {
	links := []theme.Link{
		{Label: "网站地图", URL: SitemapPath},
		{Label: "网站声明", URL: StatementPath},
		{Label: "隐私政策", URL: PrivacyPath},
		{Label: "联系我们", URL: ContactPath},
	}
	if sv.HasComplaints || sv.Gov.ErrorReport != "" {
		links = append(links, theme.Link{Label: "我为政府网站找错", URL: errorReportURL(sv.Gov)})
	}
	if sv.HasLedger {
		links = append(links,
			theme.Link{Label: "变更记录", URL: "/changes/"},
			theme.Link{Label: "发布记录", URL: "/log/"},
			theme.Link{Label: "如何核验本站记录", URL: "/verify/"})
	}
	links = append(links,
		theme.Link{Label: "无障碍与长者模式", URL: AccessibilityPath},
		theme.Link{Label: "订阅", URL: "/feeds/"},
		theme.Link{Label: "开放数据", URL: "/data/"})
	return links
}

// furniture adds the furniture pages.
func (pl *planner) furniture(sv *SiteView, extra []ExtraPage) {
	cfg := pl.site.Config
	data := func() *AboutData {
		return &AboutData{Gov: cfg.Government, Complaints: cfg.Complaints, HasComplaints: sv.HasComplaints, HasSearch: sv.HasSearch}
	}
	for _, f := range []struct {
		path, layout, title string
		index               bool
		mk                  func() *AboutData
	}{
		{SitemapPath, "sitemap", "网站地图", true, func() *AboutData {
			d := data()
			d.Groups = pl.sitemapGroups(sv, extra)
			return d
		}},
		{StatementPath, "statement", "网站声明", true, data},
		{PrivacyPath, "privacy", "隐私政策", true, data},
		{ContactPath, "contact", "联系我们", true, data},
		{AccessibilityPath, "accessibility", "无障碍与长者模式", true, data},
		{LargeModePath, "mode", "长者模式", false, func() *AboutData { d := data(); d.Large = true; return d }},
		{StandardModePath, "mode", "标准模式", false, data},
	} {
		u, file := f.path, fileOf(f.path)
		pl.add(u, file, f.layout, f.index, func() (*theme.Page, any) {
			p := pl.page(f.title, u, "", f.layout)
			p.Section, p.SectionURL = f.title, u
			p.NoIndex = !f.index
			return p, f.mk()
		})
	}
}

// statusListLabel names a status list: the official status, or for 已逾期
// that it cuts across them.
func statusListLabel(st model.Status) string {
	if st == model.StatusOverdue {
		return "已逾期（各状态中逾期的）"
	}
	return st.Label()
}

// fileOf is the index.html of a folder path such as /about/privacy/.
func fileOf(urlPath string) string {
	return urlPath[1:] + "index.html"
}

// sitemapGroups lists every section with its lists, the departments, the
// pages stages added (complaints, search, indicators …) and the services.
func (pl *planner) sitemapGroups(sv *SiteView, extra []ExtraPage) []SitemapGroup {
	ix := pl.ix
	var out []SitemapGroup
	for _, k := range model.Kinds {
		g := SitemapGroup{Title: sectionTitle(pl.site, k), URL: urlOf(string(k))}
		if k == model.KindCommitment {
			for _, st := range model.ListedStatuses() {
				g.Links = append(g.Links, theme.Link{Label: statusListLabel(st), URL: urlOf("commitments", "status", string(st)), Count: len(ix.byStatus[st]), HasCount: true})
			}
		}
		for _, c := range sortedKeys(ix.byCat[k]) {
			g.Links = append(g.Links, theme.Link{Label: c, URL: urlOf(string(k), catSegment(k), c), Count: len(ix.byCat[k][c]), HasCount: true})
		}
		out = append(out, g)
	}
	depts := SitemapGroup{Title: "单位", URL: "/departments/"}
	for _, d := range pl.site.Departments {
		depts.Links = append(depts.Links, theme.Link{Label: d.Name, URL: urlOf("departments", d.ID)})
	}
	out = append(out, depts)
	if len(extra) > 0 {
		g := SitemapGroup{Title: "互动与服务"}
		for _, ep := range extra {
			g.Links = append(g.Links, theme.Link{Label: ep.Title, URL: ep.Path})
		}
		if pl.stats != nil {
			g.Links = append(g.Links, theme.Link{Label: "投诉办理统计", URL: "/complaints/stats/"})
		}
		out = append(out, g)
	}
	site := SitemapGroup{Title: "本站"}
	site.Links = append(site.Links, theme.Link{Label: "标签", URL: "/tags/"})
	for _, l := range furnitureLinks(sv) {
		if l.URL != SitemapPath {
			site.Links = append(site.Links, l)
		}
	}
	out = append(out, site)
	return out
}
