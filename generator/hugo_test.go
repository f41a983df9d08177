package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hugoRegistry names the bodies of the Hugo content below, as the only file
// (with portal.toml) a Hugo site needs to build with portal.
const hugoRegistry = `[[department]]
id = "fgw"
name = "临沂市发展和改革委员会"
short = "市发展改革委"
level = "市"
type = "政府工作部门"

[[department]]
id = "scjg"
name = "临沂市市场监督管理局"
short = "市市场监管局"
level = "市"
type = "政府工作部门"
`

// hugoContent is content as a Hugo site has it: a root _index.md, section
// _index.md files with Hugo's keys, RFC 3339 dates, Hugo's own keys on
// pages, commitments without a category, a case with department instead of
// departments and categories instead of case_type, disclosure categories
// outside portal's list.
var hugoContent = map[string]string{
	"content/_index.md":             "+++\ntitle = \"临沂市政务诚信公开平台\"\ndescription = \"首页\"\n+++\n本平台公开**政务诚信**信息。\n",
	"content/commitments/_index.md": "+++\ntitle = \"政务诚信承诺事项\"\nweight = 1\ndescription = \"承诺\"\n+++\n",
	"content/commitments/p000001.md": "+++\ntitle = \"市发展改革委关于兑现招商引资优惠政策的承诺\"\ndate = 2024-03-05T09:30:00+08:00\ndepartment = \"市发展改革委\"\n" +
		"deadline = 2026-12-31\nstatus = \"in_progress\"\ntags = [\"招商引资\"]\nlastmod = 2025-02-01T10:00:00+08:00\nweight = 3\n" +
		"slug = \"invest-policy\"\naliases = [\"/old/commitments/1/\", \"p1-old\"]\ndescription = \"兑现招商引资优惠政策\"\n+++\n正文。\n",
	"content/commitments/p000002.md": "+++\ntitle = \"尚未发布的承诺\"\ndate = 2024-03-05T09:30:00+08:00\npublishDate = 2030-01-01\ndepartment = \"fgw\"\nstatus = \"pending\"\n+++\n",
	"content/commitments/p000003.md": "+++\ntitle = \"已过期的承诺\"\ndate = 2024-03-05\nexpiryDate = 2025-01-01\ndepartment = \"fgw\"\nstatus = \"pending\"\n+++\n",
	"content/commitments/p000004.md": "+++\ntitle = \"草稿\"\ndate = 2024-03-05\ndraft = true\ndepartment = \"fgw\"\nstatus = \"pending\"\n+++\n",
	"content/cases/p000005.md":       "+++\ntitle = \"信用修复典型案例\"\ndate = \"2025-06-01T08:00:00+08:00\"\ndepartment = \"市市场监管局\"\ncategories = [\"信用修复\", \"市场监管\"]\n+++\n案例正文。\n",
	"content/disclosures/_index.md":  "+++\ntitle = \"信用信息公示\"\n+++\n",
	"content/disclosures/p000006.md": "+++\ntitle = \"某公司失信被执行人信息公示\"\ndate = 2025-07-01T09:00:00+08:00\ndepartment = \"市市场监管局\"\n" +
		"subject_name = \"临沂市兰山区某商贸有限公司\"\ncredit_code = \"91371302MA0LY1012T\"\ndoc_number = \"临沂市市场监管局罚〔2025〕3号\"\ncategory = \"失信被执行人\"\n+++\n正文。\n",
	"content/news/p000007.md": "+++\ntitle = \"召开专题推进会\"\npublishDate = 2025-05-01\ntags = [\"政务诚信\"]\n+++\n消息。\n",
}

func hugoSite(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{"portal.toml": "title = \"测试\"\nbase_url = \"https://xyxx.example.gov.cn/\"\n", "data/departments.toml": hugoRegistry}
	for k, v := range hugoContent {
		files[k] = v
	}
	writeFiles(t, dir, files)
	return dir
}

func TestHugoContentBuilds(t *testing.T) {
	t.Parallel()
	dir := hugoSite(t)
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(context.Background(), Options{SiteDir: dir, OutDir: out, Now: date("2026-06-01")})
	require.NoError(t, err)
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		require.NoError(t, err, p)
		return string(b)
	}
	// Open vocabulary: categories outside the list are warnings naming the known ones.
	assert.Contains(t, strings.Join(res.Warnings, "\n"), `content/disclosures/p000006.md:8:12: category: "失信被执行人" 不在已知的值中（行政许可 | 行政处罚`)
	assert.Equal(t, map[string]int{"草稿": 1, "未到发布日期": 1, "已过期": 1}, res.Omitted)

	// The root _index.md introduces the home page.
	assert.Contains(t, read("index.html"), "<p>本平台公开<strong>政务诚信</strong>信息。</p>")
	// slug names the page; description is its meta description; aliases redirect to it.
	page := read("commitments/invest-policy/index.html")
	assert.Contains(t, page, `<meta name="description" content="兑现招商引资优惠政策">`)
	for _, a := range []string{"old/commitments/1/index.html", "commitments/p1-old/index.html"} {
		alias := read(a)
		assert.Contains(t, alias, `<meta http-equiv="refresh" content="0; url=/commitments/invest-policy/">`, a)
		assert.Contains(t, alias, `<link rel="canonical" href="https://xyxx.example.gov.cn/commitments/invest-policy/">`, a)
		assert.Contains(t, alias, `<meta name="robots" content="noindex">`, a)
	}
	assert.NotContains(t, read("sitemap.xml"), "old/commitments", "redirects are not in the sitemap")
	// lastmod is the feed's updated date.
	assert.Contains(t, read("commitments/atom.xml"), "<updated>2025-02-01T")
	// publishDate in the future, expiryDate past: not published at all.
	for _, p := range []string{"commitments/p000002/index.html", "commitments/p000003/index.html", "commitments/p000004/index.html"} {
		_, err := os.Stat(filepath.Join(out, filepath.FromSlash(p)))
		assert.True(t, os.IsNotExist(err), p)
	}
	// department where departments is meant; categories stand in for case_type and are tags.
	c := read("cases/p000005/index.html")
	assert.Contains(t, c, `href="/departments/scjg/"`)
	assert.Contains(t, c, `href="/cases/type/%E4%BF%A1%E7%94%A8%E4%BF%AE%E5%A4%8D/"`)
	assert.Contains(t, c, `href="/tags/%E5%B8%82%E5%9C%BA%E7%9B%91%E7%AE%A1/"`)
	// A news item dated by publishDate alone.
	assert.Contains(t, read("news/index.html"), `<time datetime="2025-05-01">`)

	// With -strict the vocabulary warnings are errors.
	_, err = Build(context.Background(), Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "public"), Now: date("2026-06-01"), Strict: true})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `category: "失信被执行人" 不在已知的值中`)
}

func TestHugoKeysStillCatchTypos(t *testing.T) {
	t.Parallel()
	dir := hugoSite(t)
	writeFiles(t, dir, map[string]string{
		"content/news/p000008.md": "+++\ntitle = \"x\"\ndate = 2025-01-01\npublishdat = 2025-01-02\naliases = [\"../escape\"]\nslug = \"a b\"\n+++\n",
	})
	_, err := Build(context.Background(), Options{SiteDir: dir, OutDir: filepath.Join(t.TempDir(), "public"), Now: date("2026-06-01")})
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "content/news/p000008.md:4:1: publishdat: 未知的键（是否想写 publishdate？） (unknown key (did you mean publishdate?))")
	assert.Contains(t, msg, `content/news/p000008.md:5:12: aliases: "../escape" 不是站内路径`)
	assert.Contains(t, msg, `content/news/p000008.md:6:8: slug: slug "a b" 含有空格`)
}
