package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/dataset/xlsxtest"
	"portal/generator/model"
	"portal/search"
)

// Planted personal data: ID card numbers with correct check characters,
// natural persons' names and a sole trader's operator.
const (
	idFront   = "370102199003071238" // front matter 证件号码 and the Markdown body
	idCSV     = "11010519491231002X" // CSV 证件号码, and written into 违法事实
	idXLSX    = "440305198806150013" // xlsx 证件号码
	idLegal   = "320102197512300037" // xlsx 法定代表人证件号码 of an organisation
	idJSON    = "510104200102280013" // JSON id_number, and written into 备注
	idTax     = "330106196803120020" // a sole trader's old 税务登记号 (ID number + 01)
	nameFront = "张三丰"
	nameCSV   = "欧阳娜娜"
	nameXLSX  = "司马相如"
	nameJSON  = "王小二"
	operator  = "李四海"
)

// TestDisclosurePersonalDataNeverPublished plants ID numbers and natural
// persons' names in every input form — front matter, CSV, Excel, JSON — and
// checks that no file of the built site (pages, feeds, open data, sitemap)
// and no search answer carries any of them, while the records themselves
// are published with the names masked.
func TestDisclosurePersonalDataNeverPublished(t *testing.T) {
	t.Parallel()
	var xlsx bytes.Buffer
	require.NoError(t, xlsxtest.Write(&xlsx, []xlsxtest.Sheet{{Name: "行政处罚", Rows: [][]any{
		{"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "法定代表人", "法定代表人证件类型", "法定代表人证件号码", "证件类型", "证件号码", "行政处罚决定书文号", "处罚类别", "处罚内容", "处罚决定日期", "公示截止期", "处罚机关"},
		{nameXLSX, "自然人", nil, nil, nil, nil, "身份证", idXLSX, "临市监罚〔2026〕21号", "罚款", nameXLSX + "无照经营，罚款2000元", "2026-03-01", "2027-03-01", "scjg"},
		{"临沂市兰山区某商贸有限公司", "法人及非法人组织", "91371302MA0LY1012T", "赵某", "身份证", idLegal, nil, nil, "临市监罚〔2026〕22号", "罚款", "罚款5万元", "2026-03-02", "2027-03-02", "scjg"},
	}}}, false))
	dir := writeCheckSite(t, map[string]string{
		"portal.toml":           "title = \"测试\"\nbase_url = \"https://xyxx.example.gov.cn/\"\n",
		"data/departments.toml": importRegistry,
		"content/disclosures/person.md": "+++\ntitle = \"" + nameFront + "行政处罚\"\ndate = 2026-03-01\nsubject_name = \"" + nameFront + "\"\nsubject_type = \"自然人\"\n" +
			"\"证件类型\" = \"身份证\"\n\"证件号码\" = \"" + idFront + "\"\ndoc_number = \"临市监罚〔2026〕11号\"\ncategory = \"行政处罚\"\n" +
			"content = \"" + nameFront + "占道经营，罚款500元\"\ndepartment = \"scjg\"\npublicity_until = 2027-03-01\n+++\n当事人" + nameFront + "（身份证号码" + idFront + "）占道经营。\n",
		"data/disclosures/persons.csv": "行政相对人名称,行政相对人类别,统一社会信用代码,法定代表人,证件类型,证件号码,税务登记号,行政处罚决定书文号,违法事实,处罚类别,处罚决定日期,公示截止期,处罚机关\n" +
			nameCSV + ",自然人,,,身份证," + idCSV + ",,临市监罚〔2026〕31号,当事人" + nameCSV + "（" + idCSV + "）无证经营,罚款,2026-03-03,2027-03-03,scjg\n" +
			"临沂市兰山区" + operator + "食品店,个体工商户,92371302MA0LY116X6," + operator + ",,," + idTax + "01,临市监罚〔2026〕32号,经营者" + operator + "销售过期食品,罚款,2026-03-04,2027-03-04,scjg\n",
		"data/disclosures/persons.json": `[{"行政相对人名称": "` + nameJSON + `", "行政相对人类别": "自然人", "id_number": "` + idJSON + `", "行政处罚决定书文号": "临市监罚〔2026〕41号",` +
			` "处罚决定日期": "2026-03-05", "公示截止期": "2027-03-05", "处罚机关": "scjg", "备注": "联系人` + nameJSON + `，身份证` + idJSON + `"}]`,
	})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data/disclosures/persons.xlsx"), xlsx.Bytes(), 0o644))

	code, out, errOut := runExit(t, "build", "-site", dir, "-now", "2026-06-01")
	require.Equal(t, 0, code, out+errOut)
	public := filepath.Join(dir, "public")

	planted := []string{idFront, idCSV, idXLSX, idLegal, idJSON, idTax, nameFront, nameCSV, nameXLSX, nameJSON, operator}
	files := 0
	// public is a symlink to the current versioned output: walk what it points at.
	published, err := filepath.EvalSymlinks(public)
	require.NoError(t, err)
	require.NoError(t, filepath.WalkDir(published, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		files++
		for _, s := range planted {
			assert.NotContains(t, string(b), s, "%s carries planted personal data", p)
		}
		return nil
	}))
	require.Greater(t, files, 20)

	// The records are published, the names shown masked.
	list, err := os.ReadFile(filepath.Join(public, "disclosures/table/index.html"))
	require.NoError(t, err)
	for _, shown := range []string{"张**", "欧阳**", "司马**", "王**", "临沂市兰山区李**食品店", "临沂市兰山区某商贸有限公司"} {
		assert.Contains(t, string(list), shown)
	}
	for _, data := range []string{"data/disclosures.csv", "data/disclosures.json", "data/disclosures-penalties.csv", "feed.xml", "disclosures/feed.json"} {
		b, err := os.ReadFile(filepath.Join(public, data))
		require.NoError(t, err, data)
		assert.Contains(t, string(b), "临市监罚〔2026〕31号", "%s lists the records", data)
	}

	// Nor does the search index answer with them.
	f := search.Follow(filepath.Join(dir, model.DefaultConfig().StateDir, "search"))
	defer f.Close()
	for _, s := range planted {
		res, err := f.Search(context.Background(), search.Query{Text: s})
		require.NoError(t, err, s)
		for _, h := range res.Hits {
			assert.NotContains(t, h.Title+string(h.Snippet)+h.URL, s, "a search for %s", s)
		}
		if res.Relaxed == nil {
			assert.Zero(t, res.Total, "a search for %s finds %d pages", s, res.Total)
		}
	}
	res, err := f.Search(context.Background(), search.Query{Text: "临市监罚〔2026〕31号"})
	require.NoError(t, err)
	require.NotZero(t, res.Total, "the index holds the records")
	assert.False(t, strings.Contains(res.Hits[0].Title+string(res.Hits[0].Snippet), nameCSV))
}
