package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"portal/generator/dataset/xlsxtest"
)

const importRegistry = `[[department]]
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

const penaltyHeader = "行政相对人名称,行政相对人类别,行政相对人代码_1（统一社会信用代码）,行政处罚决定书文号,处罚类别,处罚内容,罚款金额（万元）,处罚决定日期,处罚机关\n"

// The site publishes three penalties from data/disclosures/2026-penalties.csv.
var publishedPenalties = penaltyHeader +
	"甲公司,法人,91371302MA0LY11789,临市监罚〔2026〕1号,罚款,罚款2万元,2,2026-03-01,scjg\n" +
	"乙公司,法人,91371302MA0LY11789,临市监罚〔2026〕2号,罚款,罚款3万元,3,2026-03-02,scjg\n" +
	"丙公司,法人,91371302MA0LY11789,临市监罚〔2026〕3号,罚款,罚款4万元,4,2026-03-03,scjg\n"

func importSite(t *testing.T) string {
	return writeCheckSite(t, map[string]string{
		"portal.toml":                         "title = \"测试\"\n",
		"data/departments.toml":               importRegistry,
		"data/disclosures/2026-penalties.csv": publishedPenalties,
	})
}

// The office's new export of the same file: one row changed, one unchanged,
// one gone, one new, one with errors, one past its 公示期, one 警告 only
// (withheld by the default rule).
var newExport = "临沂市2026年行政处罚信息\n" + penaltyHeader +
	"甲公司,法人,91371302MA0LY11789,临市监罚〔2026〕1号,罚款,罚款2万元,2,2026-03-01,scjg\n" +
	"乙公司,法人,91371302MA0LY11789,临市监罚〔2026〕2号,罚款,罚款3.5万元,3.5,2026-03-02,scjg\n" +
	"丁公司,法人,91371302MA0LY11789,临市监罚〔2026〕4号,罚款,罚款1万元,1,2026-03-04,临沂市市场监督管理局\n" +
	"戊公司,法人,91371302MA0LY11789,临市监罚〔2026〕5号,罚款,罚款,很多,2026-03-05,市市场监管局\n" +
	"己公司,法人,91371302MA0LY11789,临市监罚〔2024〕6号,罚款,罚款1万元,1,2024-03-06,scjg\n" +
	"庚公司,法人,91371302MA0LY11789,临市监罚〔2026〕7号,警告,警告,,2026-03-07,scjg\n"

func TestImportReport(t *testing.T) {
	t.Parallel()
	site := importSite(t)
	file := filepath.Join(t.TempDir(), "2026-penalties.csv")
	require.NoError(t, os.WriteFile(file, []byte(newExport), 0o644))
	code, out, _ := runExit(t, "import", "-site", site, "-now", "2026-06-01", file)
	assert.Equal(t, 1, code, "a row with an error fails the import:\n%s", out)
	assert.Contains(t, out, `2026-penalties.csv:6:7: 罚款金额（万元）: "很多" 不是金额`)
	assert.Contains(t, out, "→ data/disclosures/2026-penalties.csv（替换现有文件")
	assert.Contains(t, out, "共 6 行：新增 1，变更 1，未变 1，有误 1，已过公示期 1，不予公示 1，已撤销 0，将删除 1")
	assert.Contains(t, out, "变更 第 4 行 临市监罚〔2026〕2号：内容、罚款金额")
	assert.Regexp(t, `临沂市市场监督管理局\s+1\s+1\s+1\s+1\s+1\s+1\s+0`, out, "per deciding body")
	assert.Contains(t, out, "有错误，未写入任何文件")
	got, err := os.ReadFile(filepath.Join(site, "data/disclosures/2026-penalties.csv"))
	require.NoError(t, err)
	assert.Equal(t, publishedPenalties, string(got), "nothing is written on errors")

	// Corrected, the file applies, and the site builds with it.
	fixed := strings.Replace(newExport, "罚款,很多,", "罚款,5,", 1)
	require.NoError(t, os.WriteFile(file, []byte(fixed), 0o644))
	code, out, _ = runExit(t, "import", "-site", site, "-now", "2026-06-01", file)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "预检完成，未写入任何文件")
	got, _ = os.ReadFile(filepath.Join(site, "data/disclosures/2026-penalties.csv"))
	assert.Equal(t, publishedPenalties, string(got), "a dry run writes nothing")
	code, out, _ = runExit(t, "import", "-site", site, "-now", "2026-06-01", "-apply", file)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "已替换 (replaced) data/disclosures/2026-penalties.csv")
	got, _ = os.ReadFile(filepath.Join(site, "data/disclosures/2026-penalties.csv"))
	assert.Equal(t, fixed, string(got))
	code, out, _ = runExit(t, "check", "-site", site, "-now", "2026-06-01")
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "双公示 6")
}

func TestImportFormats(t *testing.T) {
	t.Parallel()
	site := importSite(t)
	dir := t.TempDir()
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(strings.ReplaceAll(newExport, "很多", "5")))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gbk.csv"), gbk, 0o644))
	var xlsx bytes.Buffer
	require.NoError(t, xlsxtest.Write(&xlsx, []xlsxtest.Sheet{{Name: "行政许可", Rows: [][]any{
		{"行政相对人名称", "行政相对人代码_1（统一社会信用代码）", "行政许可决定文书号", "许可证书名称", "许可决定日期", "有效期至", "许可机关"},
		{"辛公司", "91371302MA0LY1012T", "临审服食经〔2026〕0108号", "食品经营许可证", "2026-01-08", "2031-01-07", "xzsp"},
		{"壬公司", "91371302MA0LY1012T", "临审服食经〔2026〕0109号", "食品经营许可证", "2026-01-09", "2026-13-01", "xzsp"},
	}}}, false))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "licences.xlsx"), xlsx.Bytes(), 0o644))
	code, out, _ := runExit(t, "check", "-site", site, "-now", "2026-06-01", filepath.Join(dir, "gbk.csv"), filepath.Join(dir, "licences.xlsx"))
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "licences.xlsx[行政许可]:3:6: 有效期至: \"2026-13-01\" 不是日期")
	assert.Contains(t, out, "gbk.csv → data/disclosures/gbk.csv（新文件")
	assert.Contains(t, out, "licences.xlsx → data/disclosures/licences.xlsx（新文件")
	assert.Contains(t, out, "共 2 行：新增 1，变更 0，未变 0，有误 1")
	// The GBK file repeats the site's published 文号 from another file.
	assert.Contains(t, out, "文号 临市监罚〔2026〕1号 已由 data/disclosures/2026-penalties.csv:2 公示")

	code, _, errOut := runExit(t, "import", "-site", site, filepath.Join(dir, "notes.txt"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "is not a data file portal reads")
	code, _, errOut = runExit(t, "import", "-site", site, "-encoding", "big5", filepath.Join(dir, "gbk.csv"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `-encoding "big5" is not one of`)
}
