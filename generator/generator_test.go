package generator

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// generate builds site into a fresh folder and returns it.
func generate(t *testing.T, site *model.Site, opts Options) (string, *Result) {
	t.Helper()
	if opts.OutDir == "" {
		opts.OutDir = filepath.Join(t.TempDir(), "public")
	}
	if opts.SiteDir == "" {
		opts.SiteDir = t.TempDir()
	}
	if opts.Now.IsZero() {
		opts.Now = date("2025-07-01")
	}
	res, err := Generate(context.Background(), site, opts)
	require.NoError(t, err)
	return opts.OutDir, res
}

func readOut(t *testing.T, out, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
	require.NoError(t, err, name)
	return string(b)
}

// TestGolden compares selected pages of the tiny site with testdata/*.golden.
// Run `go test ./generator/ -run TestGolden -update` after an intended change.
func TestGolden(t *testing.T) {
	out, _ := generate(t, tinySite(), Options{})
	tests := []struct{ name, file string }{
		{"home", "index.html"},
		{"commitment detail", "commitments/c01/index.html"},
		{"commitment list page 2", "commitments/page/2/index.html"},
		{"overdue list", "commitments/status/overdue/index.html"},
		{"department", "departments/fgw/index.html"},
		{"departments sorted by overdue", "departments/sort/overdue/index.html"},
		{"disclosure", "disclosures/d01/index.html"},
		{"stop notice", "disclosures/d02/index.html"},
		{"repealed policy", "policies/old/index.html"},
		{"subject", "subjects/91371300MA3C8XXX1X/index.html"},
		{"chinese tag", "tags/营商环境/index.html"},
		{"open data json", "data/commitments.json"},
		{"open data csv", "data/disclosures.csv"},
		{"sitemap", "sitemap.xml"},
		{"robots", "robots.txt"},
		{"404", "404.html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readOut(t, out, tt.file)
			golden := filepath.Join("testdata", "golden", strings.NewReplacer("/", "_").Replace(tt.file)+".golden")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run with -update to create %s", golden)
			assert.Equal(t, string(want), got)
		})
	}
}

// TestPages checks the facts each page must state, independent of markup.
func TestPages(t *testing.T) {
	out, res := generate(t, tinySite(), Options{})
	tests := []struct {
		name, file string
		contains   []string
		absent     []string
	}{
		{"commitment: overdue state, bodies linked, evidence", "commitments/c01/index.html", []string{
			"推进中</span> · <strong class=\"late\">逾期 1 天</strong>", `href="/departments/xzsp/"`, `href="/departments/sj/"`, "市直有关部门单位配合", "临发改信用〔2024〕295号",
			`<a href="https://www.example.gov.cn/a?x=1&amp;y=2"`, "佐证：临审批发〔2025〕3号", `badge-example`, `<h2 id="承诺内容">`,
			`<meta name="ArticleTitle" content="企业开办全流程1个工作日内办结">`, `<meta name="PubDate"`, `<meta name="ContentSource" content="临发改信用〔2024〕295号">`}, nil},
		{"commitment: due soon, chinese id", "commitments/兑现惠企政策/index.html", []string{"剩余 19 天", "惠企政策&lt;兑现&gt;"}, nil},
		{"government meta and footer", "index.html", []string{`<meta name="SiteName"`, `<meta name="SiteDomain" content="xyxx.example.gov.cn">`,
			`<meta name="SiteIDCode" content="3713000001">`, `<meta name="ColumnName" content="首页">`, "主办单位", "联系方式", "网站标识码", "鲁ICP备00000000号",
			`href="/feeds/"`, `action="/search/"`, `lang="zh-CN"`}, nil},
		{"home lists overdue and due soon", "index.html", []string{"/commitments/c01/", "/commitments/%E5%85%91%E7%8E%B0%E6%83%A0%E4%BC%81%E6%94%BF%E7%AD%96/"}, nil},
		{"draft never published", "commitments/index.html", nil, []string{"草稿"}},
		{"stop notice has no content", "disclosures/d02/index.html", []string{"已停止公示", "公示期满"}, []string{"某公司", "临市监罚", "罚款"}},
		{"withdrawn record notice", "disclosures/d03/index.html", []string{"已停止公示", "信用修复"}, []string{"另一公司"}},
		{"unpublished leave lists", "disclosures/index.html", []string{"/disclosures/d01/"}, []string{"/disclosures/d02/", "/disclosures/d03/"}},
		{"unpublished leave open data", "data/disclosures.json", []string{"d01"}, []string{"d02", "d03", "某公司"}},
		{"disclosure objection link", "disclosures/d01/index.html", []string{`/complaints/?category=%E5%BC%82%E8%AE%AE%E7%94%B3%E8%AF%89&amp;disclosure=d01&amp;department=xzsp`, `href="/subjects/91371300MA3C8XXX1X/"`}, nil},
		{"repealed banner", "policies/old/index.html", []string{"本文件已废止", "被新办法废止"}, nil},
		{"policy metadata block", "policies/295/index.html", []string{"索引号", "11371300MB-2024-00295", "发布机构", "成文日期", "2024年11月20日", "发布日期", "文号", "主题分类", "有效性"}, []string{"本文件已"}},
		{"raw html dropped", "news/n1/index.html", []string{"动态 &amp; 正文"}, []string{"<script>"}},
		{"department chart accessible", "departments/fgw/index.html", []string{`role="img"`, "<title id=\"chart-fgw-t\">", "共3项"}, nil},
		{"departments sorted", "departments/sort/overdue/index.html", []string{`aria-current="page">按已逾期`}, nil},
		{"open data derived status", "data/commitments.csv", []string{"c01,企业开办全流程1个工作日内办结,xzsp,sj,服务承诺,2024-11-25,2025-06-30,in_progress,推进中 · 逾期 1 天,true,false,1"}, nil},
		{"robots names the sitemap", "robots.txt", []string{"Sitemap: https://xyxx.example.gov.cn/sitemap.xml"}, nil},
		{"sitemap encodes chinese once", "sitemap.xml", []string{"https://xyxx.example.gov.cn/tags/%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83/"}, []string{"%25E8", "/404.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readOut(t, out, tt.file)
			for _, c := range tt.contains {
				assert.Contains(t, got, c)
			}
			for _, c := range tt.absent {
				assert.NotContains(t, got, c)
			}
		})
	}
	assert.Equal(t, map[string]int{"草稿": 1, model.ReasonExpired: 1, model.ReasonWithdrawn: 1}, res.Omitted)
	var kinds []string
	for _, e := range res.Entries {
		kinds = append(kinds, string(e.Kind)+"/"+e.ID)
		assert.NotEqual(t, "d02", e.ID, "unpublished records have no entry")
	}
	assert.Contains(t, kinds, "commitments/兑现惠企政策")
	assert.NotContains(t, kinds, "commitments/draft")
}

var hrefRe = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// checkSite asserts every internal link in out resolves to a file and no
// text is escaped twice.
func checkSite(t *testing.T, out string) {
	t.Helper()
	out = live(t, out)
	pages := 0
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		for _, bad := range []string{"&amp;lt;", "&amp;gt;", "&amp;amp;", "&amp;#", "&amp;quot;", "%25"} {
			assert.NotContains(t, string(b), bad, "%s is escaped twice", rel)
		}
		for _, m := range hrefRe.FindAllSubmatch(b, -1) {
			link := strings.ReplaceAll(string(m[1]), "&amp;", "&")
			if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") {
				continue
			}
			u, err := url.Parse(link)
			if !assert.NoError(t, err, "%s: %s", rel, link) {
				continue
			}
			if u.Path == "/complaints/" || u.Path == "/search/" {
				continue // served by portal serve when the hooks add no page
			}
			file, err := fileForURL(u.EscapedPath())
			if !assert.NoError(t, err) {
				continue
			}
			_, err = os.Stat(filepath.Join(out, filepath.FromSlash(file)))
			assert.NoError(t, err, "%s links to %s, which is not in the output", rel, link)
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, pages, 0)
}

func TestLinksResolve(t *testing.T) {
	out, _ := generate(t, tinySite(), Options{})
	checkSite(t, out)
}

// TestShippedSite builds the shipped site (content/ and data/ at the module
// root) with zero errors and checks its links and escaping.
func TestShippedSite(t *testing.T) {
	root := filepath.Join("..")
	entries, err := os.ReadDir(filepath.Join(root, "content"))
	require.NoError(t, err, "the shipped site")
	require.NotEmpty(t, entries, "the shipped site")
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(context.Background(), Options{SiteDir: root, OutDir: out, Now: date("2025-07-01").Add(12 * 3600e9)})
	require.NoError(t, err)
	require.Greater(t, res.Pages, 50)
	checkSite(t, out)
	// Every example record shows its badge.
	for _, e := range res.Entries {
		if e.Example {
			file, err := fileForURL(e.Path)
			require.NoError(t, err)
			assert.Contains(t, readOut(t, out, file), "badge-example", e.Path)
		}
	}
}

// TestDeterministic builds twice and requires identical bytes everywhere.
func TestDeterministic(t *testing.T) {
	a, _ := generate(t, tinySite(), Options{})
	b, _ := generate(t, tinySite(), Options{})
	big1, _ := generate(t, genSite(300), Options{})
	big2, _ := generate(t, genSite(300), Options{})
	for _, pair := range [][2]string{{live(t, a), live(t, b)}, {live(t, big1), live(t, big2)}} {
		files := 0
		err := filepath.WalkDir(pair[0], func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(pair[0], p)
			x, err := os.ReadFile(p)
			require.NoError(t, err)
			y, err := os.ReadFile(filepath.Join(pair[1], rel))
			require.NoError(t, err, rel)
			if !bytes.Equal(x, y) {
				t.Errorf("%s differs between two builds", rel)
			}
			files++
			return nil
		})
		require.NoError(t, err)
		require.Greater(t, files, 50)
	}
}

// live returns the live version folder the output link points at.
func live(t *testing.T, out string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(out)
	require.NoError(t, err)
	return dir
}

// TestSwap checks the output is replaced whole: it is a link to a complete
// version; old files vanish, a failed build leaves the live site untouched,
// and at most the live version and the one before stay.
func TestSwap(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "public")
	require.NoError(t, os.MkdirAll(out, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(out, "stale.html"), []byte("old"), 0o644))

	generate(t, tinySite(), Options{OutDir: out})
	st, err := os.Lstat(out)
	require.NoError(t, err)
	assert.Equal(t, fs.ModeSymlink, st.Mode()&fs.ModeSymlink, "a plain output folder becomes a link to a version")
	_, err = os.Stat(filepath.Join(out, "stale.html"))
	assert.True(t, errors.Is(err, fs.ErrNotExist), "a file of the old site survived the swap")
	before := readOut(t, out, "index.html")

	bad := tinySite()
	bad.Commitments[0].ID = "../escape"
	_, err = Generate(context.Background(), bad, Options{SiteDir: t.TempDir(), OutDir: out, Now: date("2025-07-01")})
	require.Error(t, err)
	assert.Equal(t, before, readOut(t, out, "index.html"), "a failed build touched the published site")

	broken := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(broken, "themes", "default", "layouts"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(broken, "themes", "default", "layouts", "list.html"), []byte(`{{define "main"}}{{.Data.Nope}}{{end}}`), 0o644))
	_, err = Generate(context.Background(), tinySite(), Options{SiteDir: broken, OutDir: out, Now: date("2025-07-01")})
	require.Error(t, err, "a template failing mid-build must fail the build")
	assert.Contains(t, err.Error(), "list")
	assert.Equal(t, before, readOut(t, out, "index.html"))

	for range 3 {
		site := tinySite()
		site.News[0].Title += "（更新）"
		_, err = Generate(context.Background(), site, Options{SiteDir: t.TempDir(), OutDir: out, Now: date("2025-07-01")})
		require.NoError(t, err)
	}
	left, err := os.ReadDir(parent)
	require.NoError(t, err)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"public", ".public.versions"}, names, "nothing else is left beside the output")
	versions, err := os.ReadDir(versionsDir(out))
	require.NoError(t, err)
	var dirs []string
	for _, e := range versions {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	assert.Len(t, dirs, 2, "the live version and the one before: %v", dirs)
	assert.Contains(t, readOut(t, out, "news/index.html"), "（更新）")
}

func TestThemeOverride(t *testing.T) {
	siteDir := t.TempDir()
	p := filepath.Join(siteDir, "themes", "default", "layouts", "partials", "footer.html")
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(`<footer>自定义页脚 {{.Site.Gov.Sponsor}}</footer>`), 0o644))
	out, _ := generate(t, tinySite(), Options{SiteDir: siteDir})
	home := readOut(t, out, "index.html")
	assert.Contains(t, home, "自定义页脚 临沂市发展和改革委员会")
	assert.Contains(t, home, `class="site-header"`, "files the site does not override come from the default theme")

	site := tinySite()
	site.Config.Theme = "missing"
	_, err := Generate(context.Background(), site, Options{SiteDir: t.TempDir(), OutDir: filepath.Join(t.TempDir(), "o")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "theme")
}

func TestExtraPages(t *testing.T) {
	out, res := generate(t, tinySite(), Options{ExtraPages: []ExtraPage{{Path: "/complaints/", Template: "list", Title: "投诉建议", Data: &ListData{}}}})
	page := readOut(t, out, "complaints/index.html")
	assert.Contains(t, page, "<title>投诉建议 - ")
	assert.Contains(t, readOut(t, out, "index.html"), `href="/complaints/"`, "the nav links the complaint form once it exists")
	require.NotNil(t, res.Theme)

	_, err := Generate(context.Background(), tinySite(), Options{SiteDir: t.TempDir(), OutDir: filepath.Join(t.TempDir(), "o"),
		ExtraPages: []ExtraPage{{Path: "/x/", Template: "nope"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nope")
}

func TestPager(t *testing.T) {
	tests := []struct {
		name       string
		cur, pages int
		want       []int // 0 = gap
		prev, next string
	}{
		{"single", 1, 1, []int{1}, "", ""},
		{"first of many", 1, 50, []int{1, 2, 3, 0, 50}, "", "/x/page/2/"},
		{"middle", 25, 50, []int{1, 0, 23, 24, 25, 26, 27, 0, 50}, "/x/page/24/", "/x/page/26/"},
		{"last", 50, 50, []int{1, 0, 48, 49, 50}, "/x/page/49/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pager("/x/", tt.cur, tt.pages, tt.pages*20)
			var got []int
			for _, l := range p.Links {
				got = append(got, l.N)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.prev, p.Prev)
			assert.Equal(t, tt.next, p.Next)
		})
	}
}
