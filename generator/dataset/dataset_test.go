package dataset

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/diag"
	"portal/generator/model"
)

var cst = time.FixedZone("CST", 8*3600)

func strs(dl *diag.List) []string {
	var out []string
	for _, d := range dl.All() {
		out = append(out, d.String())
	}
	return out
}

func TestCreditCode(t *testing.T) {
	t.Parallel()
	// Real codes of registered enterprises, as published on their licences.
	for _, code := range []string{"91350100M000100Y43", "91110108551385082Q", "91440300708461136T", "91330100716105852F", "91110000100010433L"} {
		bad, warn := CheckCreditCode(code)
		assert.NoError(t, bad, code)
		assert.NoError(t, warn, code)
		c, err := CreditCodeCheckChar(code[:17])
		require.NoError(t, err)
		assert.Equal(t, code[17], c, code)
	}
	tests := []struct {
		name, code string
		bad, warn  string
	}{
		{"too short", "9135010", "has 7 characters", ""},
		{"letter I", "91350100I000100Y43", "character 9 ('I') is not allowed", ""},
		{"lower case", "91350100m000100Y43", "use capital letters", ""},
		{"full width digit", "９1350100M000100Y43", "character 1", ""},
		{"wrong check", "91350100M000100Y44", "", "the check character is 4, GB 32100-2015 expects 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			bad, warn := CheckCreditCode(tt.code)
			if tt.bad != "" {
				require.Error(t, bad)
				assert.Contains(t, bad.Error(), tt.bad)
			} else {
				assert.NoError(t, bad)
			}
			if tt.warn != "" {
				require.Error(t, warn)
				assert.Contains(t, warn.Error(), tt.warn)
			} else {
				assert.NoError(t, warn)
			}
		})
	}
	_, err := CreditCodeCheckChar("short")
	assert.Error(t, err)
}

const registry = `
[[department]]
id = "fgw"
name = "临沂市发展和改革委员会"
short = "市发展改革委"
aliases = ["市发改委"]
level = "市"
type = "政府工作部门"

[[department]]
id = "scjg"
name = "临沂市市场监督管理局"
short = "市市场监管局"
level = "市"
type = "政府工作部门"
parent = "fgw"
`

func TestRegistryResolve(t *testing.T) {
	t.Parallel()
	var dl diag.List
	reg := ParseRegistry(RegistryFile, []byte(registry), &dl)
	require.Empty(t, strs(&dl))
	require.Len(t, reg.Departments, 2)
	for _, name := range []string{"fgw", "临沂市发展和改革委员会", "市发展改革委", "市发改委", " 市发改委 "} {
		id, err := reg.Resolve(name)
		require.NoError(t, err, name)
		assert.Equal(t, "fgw", id)
	}
	_, err := reg.Resolve("市发展改革局")
	require.Error(t, err)
	assert.Equal(t, `未知的单位 "市发展改革局"，请使用 data/departments.toml 中的编号、全称、简称或别称；最接近的：市发展改革委 (fgw) (unknown department "市发展改革局" (use an id, full name, short name or alias from data/departments.toml; closest: 市发展改革委 (fgw)))`, err.Error())
	_, err = (&Registry{}).Resolve("x")
	assert.ErrorContains(t, err, "has no departments")
}

func TestRegistryErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"bad id", "[[department]]\nid = \"FGW\"\nname = \"甲\"\nshort = \"乙\"\nlevel = \"市\"\ntype = \"其他\"\n",
			[]string{`data/departments.toml:2:6: department.id: 不能使用 "FGW"：编号由小写英文字母、数字和 - 组成，例如 "fgw" 或 "lanshan-gov" ("FGW" is not allowed: ids are lower-case ASCII letters, digits and -, e.g. "fgw" or "lanshan-gov")`}},
		{"duplicate id and names", "[[department]]\nid = \"a\"\nname = \"甲\"\nshort = \"乙\"\nlevel = \"市\"\ntype = \"其他\"\n[[department]]\nid = \"a\"\nname = \"丙\"\nshort = \"乙\"\nlevel = \"市\"\ntype = \"其他\"\n",
			[]string{
				`data/departments.toml:8:6: department.id: "a" 已用作 id，属于单位 "a"，见 data/departments.toml:2（全称、简称和别称不能重复） ("a" is already used as id of department "a" at data/departments.toml:2 (names, short names and aliases must be unique))`,
				`data/departments.toml:8:6: department.id: 编号 "a" 重复（首次使用于 data/departments.toml:1） (duplicate id "a" (first used at data/departments.toml:1))`,
				`data/departments.toml:10:9: department.short: "乙" 已用作 short，属于单位 "a"，见 data/departments.toml:4（全称、简称和别称不能重复） ("乙" is already used as short of department "a" at data/departments.toml:4 (names, short names and aliases must be unique))`,
			}},
		{"enums and parent", "[[department]]\nid = \"a\"\nname = \"甲\"\nshort = \"乙\"\nlevel = \"省\"\ntype = \"局\"\nparent = \"fgx\"\nhomepage = \"x\"\n",
			[]string{
				`data/departments.toml:5:9: department.level: 不能取值 "省"，可用的值：市 | 县区 ("省" is not allowed (use one of: 市 | 县区))`,
				`data/departments.toml:6:8: department.type: 不能取值 "局"，可用的值：党委机构 | 政府工作部门 | 政府直属机构 | 事业单位 | 审判机关 | 检察机关 | 纪检监察机关 | 人民团体 | 县区政府 | 其他 ("局" is not allowed (use one of: 党委机构 | 政府工作部门 | 政府直属机构 | 事业单位 | 审判机关 | 检察机关 | 纪检监察机关 | 人民团体 | 县区政府 | 其他))`,
				`data/departments.toml:7:10: department.parent: "fgx" is not the id of a department in data/departments.toml`,
				`data/departments.toml:8:1: department.homepage: 未知的键 (unknown key)；此处可用的键 (allowed here)：id, name, short, aliases, level, parent, type, url`,
			}},
		{"cycle", "[[department]]\nid = \"a\"\nname = \"甲\"\nshort = \"乙\"\nlevel = \"市\"\ntype = \"其他\"\nparent = \"b\"\n[[department]]\nid = \"b\"\nname = \"丙\"\nshort = \"丁\"\nlevel = \"市\"\ntype = \"其他\"\nparent = \"a\"\n",
			[]string{
				`data/departments.toml:1:1: department.parent: 单位 "a" 经 parent 成了自己的上级（上级链必须有终点） (department "a" is its own ancestor through parent (the parent chain must end))`,
				`data/departments.toml:8:1: department.parent: 单位 "b" 经 parent 成了自己的上级（上级链必须有终点） (department "b" is its own ancestor through parent (the parent chain must end))`,
			}},
		{"syntax", "[[department]]\nid = \"a\nname = \"甲\"\n", []string{`data/departments.toml:2:8: department.id: TOML 语法错误：strings cannot contain newlines（日期不加引号写作 YYYY-MM-DD，文本写在双引号中） (TOML syntax error: strings cannot contain newlines (dates are written unquoted as YYYY-MM-DD, text in double quotes))`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var dl diag.List
			ParseRegistry(RegistryFile, []byte(tt.src), &dl)
			assert.Equal(t, tt.want, strs(&dl))
		})
	}
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		csvHeader + "某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,2027-03-01,市市场监管局,5000\n",
		"\ufeff" + csvHeader + "\r\n\r\n",
		"id,title\n\"a\"\"b\",\"c\n",
		csvHeader + "\"unterminated\n",
		",,,\n,,,\n",
		"",
		nationalLicences,
		nationalPenalties,
		"标题\n" + strings.ReplaceAll(nationalPenalties, ",", "\t"),
	} {
		f.Add([]byte(s))
	}
	f.Add(append([]byte{0xB9, 0xAB, 0xCB, 0xBE, ','}, []byte(csvHeader)...)) // GBK text
	f.Fuzz(func(t *testing.T, data []byte) {
		var dl diag.List
		pages := ReadCSV("data/disclosures/f.csv", data, Options{Location: cst}, &dl)
		lines := strings.Count(string(data), "\n") + 1
		for _, p := range pages {
			require.NotNil(t, p.Disclosure)
			require.GreaterOrEqual(t, p.Disclosure.Source.Line, 2, "a record comes after the header")
			require.LessOrEqual(t, p.Disclosure.Source.Line, lines)
		}
		if len(pages) > 0 && len(dl.Errors()) == 0 {
			for _, p := range pages {
				require.NotEmpty(t, p.Disclosure.ID)
				require.NotEmpty(t, p.Disclosure.DocNumber)
			}
		}
		for _, d := range dl.All() {
			require.Equal(t, "data/disclosures/f.csv", d.File)
			require.GreaterOrEqual(t, d.Line, 1)
			require.LessOrEqual(t, d.Line, lines)
			require.GreaterOrEqual(t, d.Col, 1)
		}
	})
}

// requireSanePositions checks every diagnostic points inside the file.
func requireSanePositions(t *testing.T, file string, data []byte, dl *diag.List) {
	lines := strings.Count(string(data), "\n") + 1
	for _, d := range dl.All() {
		require.Equal(t, file, d.File)
		require.GreaterOrEqual(t, d.Line, 1, d.String())
		require.LessOrEqual(t, d.Line, lines, d.String())
		require.GreaterOrEqual(t, d.Col, 1, d.String())
	}
}

func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		`[{"subject_name": "甲", "doc_number": "n", "category": "行政许可", "title": "t", "date": "2024-01-01", "department": "fgw"}]`,
		`[{"统一社会信用代码": "91350100M000100Y43", "fine": 1.5, "withdrawn": true}, 1, "x", null]`,
		`{"a": 1}`, `[`, `[{"a": [1, {"b": 2}]}`, "", "\ufeff[]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var dl diag.List
		pages := ReadJSON("data/disclosures/f.json", data, Options{Location: cst}, &dl)
		requireSanePositions(t, "data/disclosures/f.json", data, &dl)
		for _, p := range pages {
			require.NotNil(t, p.Disclosure)
			require.Equal(t, model.KindDisclosure, p.Kind)
		}
	})
}

func FuzzXLSX(f *testing.F) {
	f.Add(testWorkbook(&testing.T{}, false, nil))
	f.Add(testWorkbook(&testing.T{}, true, nil))
	if b, err := os.ReadFile("testdata/excelize-v2.11.1.xlsx"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var dl diag.List
		pages := ReadXLSX("data/disclosures/f.xlsx", data, Options{Location: cst}, &dl)
		for _, d := range dl.All() {
			require.Equal(t, "data/disclosures/f.xlsx", d.File)
			require.GreaterOrEqual(t, d.Line, 0, d.String())
		}
		for _, p := range pages {
			require.NotNil(t, p.Disclosure)
			require.GreaterOrEqual(t, p.Disclosure.Source.Line, 1)
		}
	})
}

func FuzzRegistry(f *testing.F) {
	f.Add([]byte(registry))
	f.Add([]byte("[[department]]\nid = \"a\"\nparent = \"a\"\n"))
	f.Add([]byte("department = 1\n"))
	f.Add([]byte("[[department]]\naliases = [\"x\", \"x\"]\n[[department]]\nid = \"b\"\nname = \"x\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var dl diag.List
		reg := ParseRegistry(RegistryFile, data, &dl)
		requireSanePositions(t, RegistryFile, data, &dl)
		if dl.Err() == nil {
			for _, d := range reg.Departments {
				id, err := reg.Resolve(d.Name)
				require.NoError(t, err)
				require.Equal(t, d.ID, id)
			}
		}
	})
}
