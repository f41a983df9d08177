package generator

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
	"portal/generator/theme"
	"portal/themes"
)

// templateSite is a SiteView without its ShellSite method: the theme
// renders the page shell with the baseof.html template for it.
type templateSite SiteView

func renderBoth(t *testing.T, th *theme.Theme, layout string, page *theme.Page, sv *SiteView, data any) (shell, tmpl string) {
	t.Helper()
	var a, b bytes.Buffer
	pa, pb := *page, *page
	errA := th.Render(&a, layout, &pa, sv, data)
	errB := th.Render(&b, layout, &pb, (*templateSite)(sv), data)
	require.Equal(t, errB == nil, errA == nil, "shell: %v, template: %v", errA, errB)
	return a.String(), b.String()
}

// The page shell written in Go (theme/shell.go) is the default
// baseof.html's output, byte for byte, for every branch of the template.
func TestShellMatchesTemplate(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	gov := model.GovernmentConfig{SiteName: "临沂市政务诚信公开平台", SiteDomain: "xy.example.gov.cn", SiteIDCode: "3713000001", Sponsor: "临沂市发展和改革委员会", ICP: "鲁ICP备00000000号"}
	alts := &alternates{th: th}
	links := []theme.Link{{Label: "信用信息公示（RSS）", URL: "/disclosures/feed.xml", Type: "application/rss+xml"}}
	ah, err := alts.html(links)
	require.NoError(t, err)
	full := theme.Page{Title: "标题 <b>&'\"+", Path: "/disclosures/p1/", Kind: "disclosure", Description: "说明 \"引号\" & <标签>",
		Canonical: "https://example.invalid/disclosures/p1/?a=1&b=<2>", Section: "信用信息公示", SectionURL: "/disclosures/",
		Meta:       []theme.Meta{{Name: "ArticleTitle", Content: "标题+1"}, {Name: "PubDate", Content: "2021-02-05 00:00"}},
		Alternates: links, AlternatesHTML: ah, Header: "<header>页头</header>", Example: true}
	variants := map[string]func(p *theme.Page){
		"full":                  func(p *theme.Page) {},
		"bare":                  func(p *theme.Page) { *p = theme.Page{Header: "<header></header>"} },
		"no title":              func(p *theme.Page) { p.Title = "" },
		"noindex":               func(p *theme.Page) { p.NoIndex = true },
		"section page":          func(p *theme.Page) { p.Path = p.SectionURL },
		"section, no url":       func(p *theme.Page) { p.SectionURL = "" },
		"no section":            func(p *theme.Page) { p.Section = "" },
		"unsafe canonical":      func(p *theme.Page) { p.Canonical = "javascript:alert(1)" },
		"odd urls":              func(p *theme.Page) { p.Canonical, p.SectionURL = "/a b/%zz%41'()", "/节/?q=\x00" },
		"alternates unrendered": func(p *theme.Page) { p.AlternatesHTML = "" },
		"no alternates":         func(p *theme.Page) { p.AlternatesHTML, p.Alternates = "", nil },
		"nul and bad utf-8":     func(p *theme.Page) { p.Title, p.Kind = "a\x00b\xff", "k\"ind" },
	}
	sites := map[string]*SiteView{
		"footer":    {Title: "站点 & <名>", Gov: gov, Footer: "<footer>页脚</footer>"},
		"no footer": {Title: "站点", Gov: gov},
		"empty":     {},
	}
	for sname, sv := range sites {
		for vname, v := range variants {
			for _, layout := range []string{"article", "list", "search", "404"} {
				t.Run(sname+"/"+vname+"/"+layout, func(t *testing.T) {
					p := full
					v(&p)
					shell, tmpl := renderBoth(t, th, layout, &p, sv, nil)
					assert.Equal(t, tmpl, shell)
				})
			}
		}
	}
}

func FuzzShell(f *testing.F) {
	f.Add("标题", "/x/", "说明", "https://e/x/", "栏目", "/x/", "站点", "n", "c", false)
	f.Add("<&>'\"+", "/s/", "", "javascript:x", "", "", "", "", "", true)
	th, err := theme.Load(themes.Default())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, title, path, desc, canonical, section, sectionURL, siteTitle, metaName, metaContent string, noIndex bool) {
		p := &theme.Page{Title: title, Path: path, Kind: "article", Description: desc, Canonical: canonical, Section: section, SectionURL: sectionURL,
			NoIndex: noIndex, Meta: []theme.Meta{{Name: metaName, Content: metaContent}}, Header: "<header></header>",
			Alternates: []theme.Link{{Label: title, URL: sectionURL, Type: metaName}}}
		sv := &SiteView{Title: siteTitle, Gov: model.GovernmentConfig{SiteName: siteTitle, SiteDomain: metaName, SiteIDCode: metaContent}, Footer: "<footer></footer>"}
		shell, tmpl := renderBoth(t, th, "article", p, sv, nil)
		require.Equal(t, tmpl, shell)
	})
}
