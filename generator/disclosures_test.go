package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/dataset"
	"portal/generator/diag"
)

// writeFiles writes a site folder of name → content.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

const nationalRegistry = `[[department]]
id = "scjg"
name = "临沂市市场监督管理局"
short = "市市场监管局"
level = "市"
type = "政府工作部门"

[[department]]
id = "xzsp"
name = "临沂市行政审批服务局"
short = "市行政审批服务局"
level = "市"
type = "政府工作部门"
`

// nationalSite is a site whose disclosures come as the city 信用平台 exports
// them: the national columns, no 类别, no 公示截止期, fines in 万元.
func nationalSite(t *testing.T) string {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"portal.toml":           "title = \"测试\"\nbase_url = \"https://xyxx.example.gov.cn/\"\n",
		"data/departments.toml": nationalRegistry,
		"data/disclosures/penalties.csv": "行政相对人名称,行政相对人类别,行政相对人代码_1（统一社会信用代码）,法定代表人,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚类别,处罚内容,罚款金额（万元）,处罚决定日期,处罚机关\n" +
			"临沂市兰山区某汽车销售服务有限公司,法人及非法人组织,91371302MA0LY11789,王某某,临市监罚〔2026〕0422号,虚假宣传,发布虚假广告,《中华人民共和国反不正当竞争法》第二十条第一款,罚款,责令停止违法行为，罚款20万元,20,2026-04-22,临沂市市场监督管理局\n" +
			"临沂市河东区某物流有限公司,法人及非法人组织,91371312MA0LY10392,李某某,临市监罚〔2026〕0501号,未按规定公示,未按规定公示年度报告,《企业信息公示暂行条例》,警告,警告,,2026-05-01,临沂市市场监督管理局\n" +
			"沂南县某建筑工程有限公司,法人及非法人组织,91371321MA0LY1047X,赵某某,临市监罚〔2025〕0709号,违法分包,违法分包工程,《建设工程质量管理条例》第六十二条,罚款；吊销许可证件,责令改正，罚款8.6万元,8.6,2025-07-09,临沂市市场监督管理局\n",
		"data/disclosures/licences.csv": "行政相对人名称,行政相对人代码_1（统一社会信用代码）,行政许可决定文书号,许可证书名称,许可编号,许可决定日期,有效期自,有效期至,许可机关\n" +
			"临沂市兰山区某商贸有限公司,91371302MA0LY1012T,临审服食经〔2026〕0108号,食品经营许可证,JY13713020012345,2026-01-08,2026-01-08,2031-01-07,临沂市行政审批服务局\n" +
			"临沂市兰山区某餐饮有限公司,91371302MA0LY1012T,临审服食经〔2026〕0109号,食品经营许可证,JY13713020012346,2026-01-09,2026-01-09,2031-01-08,临沂市行政审批服务局\n",
	})
	return dir
}

func TestDisclosurePages(t *testing.T) {
	t.Parallel()
	dir := nationalSite(t)
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(context.Background(), Options{SiteDir: dir, OutDir: out, Now: date("2026-06-01")})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Omitted["不予公示"], "the 警告 alone is 轻微: withheld by the default rule")
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		require.NoError(t, err, p)
		return string(b)
	}

	// Every row of the list names its subject, credit code, 文号, 类别 and date.
	list := read("disclosures/index.html")
	for _, want := range []string{"临沂市兰山区某汽车销售服务有限公司", "91371302MA0LY11789", "临市监罚〔2026〕0422号", "行政处罚",
		`<time datetime="2026-04-22">2026年4月22日</time>`, "临审服食经〔2026〕0109号"} {
		assert.Contains(t, list, want)
	}
	assert.NotContains(t, list, "临市监罚〔2026〕0501号", "a withheld record is in no list")
	// Filters by category, deciding body and year, and the table view.
	for _, want := range []string{`href="/disclosures/category/%E8%A1%8C%E6%94%BF%E5%A4%84%E7%BD%9A/"`, `href="/disclosures/department/scjg/"`,
		`href="/disclosures/year/2026/"`, `href="/disclosures/year/2025/"`, `href="/disclosures/table/"`} {
		assert.Contains(t, list, want)
	}
	year := read("disclosures/year/2025/index.html")
	assert.Contains(t, year, "沂南县某建筑工程有限公司")
	assert.NotContains(t, year, "临市监罚〔2026〕0422号")
	table := read("disclosures/table/index.html")
	assert.Contains(t, table, `<table class="data-table">`)
	assert.Contains(t, table, `<th scope="col">统一社会信用代码</th>`)
	assert.Contains(t, table, `<td>临市监罚〔2026〕0422号</td>`)
	assert.Contains(t, table, `aria-current="page">表格`)
	assert.Contains(t, read("disclosures/department/scjg/table/index.html"), "沂南县某建筑工程有限公司")
	assert.Contains(t, read("disclosures/year/2026/table/index.html"), "临沂市兰山区某餐饮有限公司")

	// The detail page shows every national field that has a value.
	var detail string
	for _, e := range res.Entries {
		if strings.Contains(e.Title, "临市监罚〔2026〕0422号") {
			detail = read(strings.TrimPrefix(e.Path, "/") + "index.html")
		}
	}
	require.NotEmpty(t, detail)
	// (Each value is marked with its field in the publication log, which
	// portal verify reads.)
	for _, want := range []string{"<dt>行政处罚决定书文号</dt>", `<dt>违法行为类型</dt><dd><span data-ledger="violation_type">虚假宣传</span></dd>`,
		`<dt>违法事实</dt><dd><span data-ledger="violation_facts">发布虚假广告</span></dd>`,
		"<dt>处罚依据</dt>", `<dt>处罚类别</dt><dd><span data-ledger="penalty_kind">罚款</span></dd>`, `<dt>罚款金额</dt><dd><span data-ledger="fine">20万元</span></dd>`,
		`<dt>法定代表人</dt><dd><span data-ledger="legal_rep">王某某</span></dd>`,
		`<dt>处罚机关</dt><dd><span data-ledger="department"><a href="/departments/scjg/">临沂市市场监督管理局</a></span></dd>`,
		`<dt>公示截止期</dt><dd><span data-ledger="publicity_until"><time datetime="2027-04-21">2027年4月21日</time></span><p class="field-note">本条未提供公示截止期，按公示期规则“行政处罚·一般”自决定日期起公示1年`,
		`<dt>失信严重程度</dt><dd><span data-ledger="severity">一般</span></dd>`} {
		assert.Contains(t, detail, want)
	}

	// Open data in the national form reads back as the same records.
	pen := read("data/disclosures-penalties.csv")
	assert.True(t, strings.HasPrefix(pen, "\uFEFF行政相对人名称,行政相对人类别,行政相对人代码_1（统一社会信用代码）"), pen[:80])
	assert.Contains(t, pen, ",20,", "罚款金额（万元）")
	var dl diag.List
	back := dataset.ReadCSV("data/disclosures/penalties.csv", []byte(pen), dataset.Options{Location: shanghai}, &dl)
	require.Empty(t, dl.All())
	require.Len(t, back, 2, "the withheld one is not published")
	assert.Equal(t, "临市监罚〔2026〕0422号", back[0].Disclosure.DocNumber)
	assert.Equal(t, "20万元", back[0].Disclosure.FineAmount.String())
	assert.Equal(t, date("2027-04-21"), back[0].Disclosure.PublicityUntil)
	lic := read("data/disclosures-licences.csv")
	assert.Contains(t, lic, "临审服食经〔2026〕0108号")
	assert.Contains(t, read("data/index.html"), `href="/data/disclosures-penalties.csv"`)
	assert.Contains(t, read("data/disclosures.json"), `"fine_shown": "20万元"`)
}
