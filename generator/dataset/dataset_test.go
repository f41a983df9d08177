package dataset

import (
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
	assert.Equal(t, `unknown department "市发展改革局" (use an id, full name, short name or alias from data/departments.toml; closest: 市发展改革委 (fgw))`, err.Error())
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
			[]string{`data/departments.toml:2:6: department.id: "FGW" is not allowed: ids are lower-case ASCII letters, digits and -, e.g. "fgw" or "lanshan-gov"`}},
		{"duplicate id and names", "[[department]]\nid = \"a\"\nname = \"甲\"\nshort = \"乙\"\nlevel = \"市\"\ntype = \"其他\"\n[[department]]\nid = \"a\"\nname = \"丙\"\nshort = \"乙\"\nlevel = \"市\"\ntype = \"其他\"\n",
			[]string{
				`data/departments.toml:8:6: department.id: "a" is already used as id of department "a" at data/departments.toml:2 (names, short names and aliases must be unique)`,
				`data/departments.toml:8:6: department.id: duplicate id "a" (first used at data/departments.toml:1)`,
				`data/departments.toml:10:9: department.short: "乙" is already used as short of department "a" at data/departments.toml:4 (names, short names and aliases must be unique)`,
			}},
		{"enums and parent", "[[department]]\nid = \"a\"\nname = \"甲\"\nshort = \"乙\"\nlevel = \"省\"\ntype = \"局\"\nparent = \"fgx\"\nhomepage = \"x\"\n",
			[]string{
				`data/departments.toml:5:9: department.level: "省" is not allowed (use one of: 市 | 县区)`,
				`data/departments.toml:6:8: department.type: "局" is not allowed (use one of: 党委机构 | 政府工作部门 | 政府直属机构 | 事业单位 | 审判机关 | 检察机关 | 纪检监察机关 | 人民团体 | 县区政府 | 其他)`,
				`data/departments.toml:7:10: department.parent: "fgx" is not the id of a department in data/departments.toml`,
				`data/departments.toml:8:1: department.homepage: unknown key; allowed here: id, name, short, aliases, level, parent, type, url`,
			}},
		{"cycle", "[[department]]\nid = \"a\"\nname = \"甲\"\nshort = \"乙\"\nlevel = \"市\"\ntype = \"其他\"\nparent = \"b\"\n[[department]]\nid = \"b\"\nname = \"丙\"\nshort = \"丁\"\nlevel = \"市\"\ntype = \"其他\"\nparent = \"a\"\n",
			[]string{
				`data/departments.toml:1:1: department.parent: department "a" is its own ancestor through parent (the parent chain must end)`,
				`data/departments.toml:8:1: department.parent: department "b" is its own ancestor through parent (the parent chain must end)`,
			}},
		{"syntax", "[[department]]\nid = \"a\nname = \"甲\"\n", []string{`data/departments.toml:2:8: department.id: TOML syntax error: strings cannot contain newlines (dates are written unquoted as YYYY-MM-DD, text in double quotes)`}},
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

const csvHeader = "subject_name,统一社会信用代码,决定文书号,类别,title,date,publicity_until,决定机关,罚款金额\n"

func TestReadCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want []string
		rows int
	}{
		{"good with bom crlf and blank lines", "\ufeff" + strings.ReplaceAll(csvHeader+"某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,2027-03-01,市市场监管局,5000\n\n\n", "\n", "\r\n"), nil, 1},
		{"wrong check character is a warning", csvHeader + "某公司,91350100M000100Y44,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,,市市场监管局,\n",
			[]string{`data/disclosures/x.csv:2:2: 统一社会信用代码: "91350100M000100Y44": the check character is 4, GB 32100-2015 expects 3 (correct it, or keep it if the code was issued so) (warning)`}, 1},
		{"malformed code, bad date, bad category", csvHeader + "某公司,9135,号,处罚,罚款,2024-02-30,,市市场监管局,五千\n",
			[]string{
				`data/disclosures/x.csv:2:2: 统一社会信用代码: "9135" has 4 characters; a 统一社会信用代码 has 18 (digits and capitals except I O Z S V)`,
				`data/disclosures/x.csv:2:4: 类别: "处罚" is not allowed (use one of: 行政许可 | 行政处罚 | 行政强制 | 行政征收 | 行政检查 | 行政确认 | 行政奖励 | 其他)`,
				`data/disclosures/x.csv:2:6: date: "2024-02-30" is not a date (use YYYY-MM-DD)`,
				`data/disclosures/x.csv:2:9: 罚款金额: "五千" is not an amount in 元 (use a number such as 5000 or 1250.50)`,
			}, 1},
		{"published before the decision", "subject_name,doc_number,category,title,date,department,公示日期\n某公司,临市监罚〔2024〕4号,行政处罚,罚款,2024-03-01,市市场监管局,2024-02-28\n",
			[]string{`data/disclosures/x.csv:2:7: 公示日期: 2024-02-28 is before the decision date 2024-03-01 (公示日期 cannot precede 决定日期)`}, 1},
		{"empty required and short row", csvHeader + ",,临市监罚〔2024〕2号,行政处罚,罚款,2024-03-01,,市市场监管局,\n\"a\",b\n",
			[]string{
				`data/disclosures/x.csv:2:1: subject_name: must not be empty`,
				`data/disclosures/x.csv:3:1: this row has 2 columns, the header has 9 (check for a missing or extra comma, or quote values containing commas)`,
			}, 1},
		{"unknown and missing columns", "subject_name,doc_numbr\n",
			[]string{
				`data/disclosures/x.csv:1:1: category: required column is missing (name it category or 类别)`,
				`data/disclosures/x.csv:1:1: date: required column is missing (name it date or 决定日期 or 许可决定日期 or 处罚决定日期)`,
				`data/disclosures/x.csv:1:1: department: required column is missing (name it department or 决定机关 or 许可机关 or 处罚机关)`,
				`data/disclosures/x.csv:1:1: doc_number: required column is missing (name it doc_number or 决定文书号 or 行政许可决定文书号 or 行政处罚决定书文号)`,
				`data/disclosures/x.csv:1:1: title: required column is missing (name it title or 名称 or 项目名称)`,
				`data/disclosures/x.csv:1:2: doc_numbr: unknown column (did you mean doc_number?); allowed: id, subject_name/行政相对人名称, credit_code/统一社会信用代码, doc_number/决定文书号/行政许可决定文书号/行政处罚决定书文号, category/类别, title/名称/项目名称, content/处罚内容/许可内容, date/决定日期/许可决定日期/处罚决定日期, valid_until/有效期至, publicity_until/公示截止期, published/公示日期/上网公示日期, department/决定机关/许可机关/处罚机关, legal_basis/依据/处罚依据/许可依据, fine/罚款金额, withdrawn/已撤销, withdrawn_note/撤销说明, example/示例`,
			}, 0},
		{"bare quote in a chinese row", csvHeader + "某\"公司,,临市监罚〔2024〕3号,行政处罚,罚款,2024-03-01,,市市场监管局,\n",
			[]string{`data/disclosures/x.csv:2:2: CSV: bare " in non-quoted-field (a value containing " must be quoted as a whole and its quotes doubled: "say ""hello""")`}, 0},
		{"empty file", "", []string{`data/disclosures/x.csv:1:1: the file is empty: the first row must name the columns (id, subject_name/行政相对人名称, credit_code/统一社会信用代码, doc_number/决定文书号/行政许可决定文书号/行政处罚决定书文号, category/类别, title/名称/项目名称, content/处罚内容/许可内容, date/决定日期/许可决定日期/处罚决定日期, valid_until/有效期至, publicity_until/公示截止期, published/公示日期/上网公示日期, department/决定机关/许可机关/处罚机关, legal_basis/依据/处罚依据/许可依据, fine/罚款金额, withdrawn/已撤销, withdrawn_note/撤销说明, example/示例)`}, 0},
		{"gbk", csvHeader + "\xb9\xab\xcb\xbe,", []string{`data/disclosures/x.csv:2:1: the file is not UTF-8 text (save it as UTF-8; GBK/GB18030 is not accepted)`}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var dl diag.List
			pages := ReadCSV("data/disclosures/x.csv", []byte(tt.src), cst, &dl)
			assert.Equal(t, tt.want, strs(&dl))
			assert.Len(t, pages, tt.rows)
		})
	}
}

func TestReadCSVValues(t *testing.T) {
	t.Parallel()
	var dl diag.List
	src := "id,subject_name,doc_number,category,title,date,department,withdrawn,example,公示日期\n" +
		"x1,甲,临市监罚〔2024〕1号,行政处罚,罚款,2024/3/1,scjg,是,true,2024-03-06\n" +
		",乙,临市监罚〔2024〕2号,行政许可,许可,2024-03-02,市市场监管局,,,\n"
	pages := ReadCSV("data/disclosures/y.csv", []byte(src), cst, &dl)
	require.Empty(t, strs(&dl))
	require.Len(t, pages, 2)
	d := pages[0].Disclosure
	assert.Equal(t, "x1", d.ID)
	assert.True(t, d.Withdrawn)
	assert.True(t, d.Example)
	assert.Equal(t, time.Date(2024, 3, 1, 0, 0, 0, 0, cst), d.Date)
	assert.Equal(t, time.Date(2024, 3, 6, 0, 0, 0, 0, cst), d.Published)
	assert.Equal(t, 2, d.Source.Line)
	require.Len(t, pages[0].Refs, 1)
	assert.Equal(t, "scjg", pages[0].Refs[0].Name)
	assert.Equal(t, [2]int{2, 7}, [2]int{pages[0].Refs[0].Line, pages[0].Refs[0].Col})
	d2 := pages[1].Disclosure
	assert.True(t, d2.Published.IsZero())
	assert.Equal(t, DerivedID("临市监罚〔2024〕2号"), d2.ID)
	assert.Regexp(t, `^d-[0-9a-f]{10}$`, d2.ID)
	assert.NotEqual(t, DerivedID("临市监罚〔2024〕1号"), d2.ID)
}

func TestReadJSON(t *testing.T) {
	t.Parallel()
	src := `[
  {"subject_name": "甲", "doc_number": "临市监罚〔2024〕1号", "category": "行政处罚",
   "title": "罚款", "date": "2024-03-01", "department": "scjg", "fine": 500, "withdrawn": true},
  {"subject_name": "乙", "doc_number": "临市监罚〔2024〕2号", "category": "行政处罚",
   "title": "罚款", "date": "2024-13-01", "决定机关": "scjg", "credit_code": "91350100M000100Y44"},
  {"subject_name": "丙", "doc_number": "n", "category": "行政处罚", "title": "t", "date": "2024-03-01"},
  {"subject_name": ["x"], "doc_number": "n2", "category": "行政处罚", "title": "t", "date": "2024-03-01", "department": "scjg"}
]`
	var dl diag.List
	pages := ReadJSON("data/disclosures/z.json", []byte(src), cst, &dl)
	assert.Equal(t, []string{
		`data/disclosures/z.json:5:19: date: "2024-13-01" is not a date (use YYYY-MM-DD)`,
		`data/disclosures/z.json:5:57: credit_code: "91350100M000100Y44": the check character is 4, GB 32100-2015 expects 3 (correct it, or keep it if the code was issued so) (warning)`,
		`data/disclosures/z.json:6:3: department: required column is missing (name it department or 决定机关 or 许可机关 or 处罚机关)`,
		`data/disclosures/z.json:7:4: subject_name: must be text, a number or true/false, not an array or object`,
	}, strs(&dl))
	require.Len(t, pages, 3)
	assert.Equal(t, 500.0, pages[0].Disclosure.Fine)
	assert.True(t, pages[0].Disclosure.Withdrawn)
	assert.Equal(t, 2, pages[0].Disclosure.Source.Line)

	dl = diag.List{}
	assert.Empty(t, ReadJSON("data/disclosures/o.json", []byte(`{"a": 1}`), cst, &dl))
	assert.Equal(t, []string{`data/disclosures/o.json:1:1: JSON: the file must be an array of objects: [{"doc_number": "…", …}, …]`}, strs(&dl))
	dl = diag.List{}
	ReadJSON("data/disclosures/t.json", []byte("[\n {\"title\": \"中文\" \"x\"}]"), cst, &dl)
	require.Len(t, dl.Errors(), 1)
	assert.Contains(t, dl.Errors()[0].String(), "data/disclosures/t.json:2:")
}

func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		csvHeader + "某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,2027-03-01,市市场监管局,5000\n",
		"\ufeff" + csvHeader + "\r\n\r\n",
		"id,title\n\"a\"\"b\",\"c\n",
		csvHeader + "\"unterminated\n",
		",,,\n,,,\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var dl diag.List
		pages := ReadCSV("data/disclosures/f.csv", data, cst, &dl)
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
		pages := ReadJSON("data/disclosures/f.json", data, cst, &dl)
		requireSanePositions(t, "data/disclosures/f.json", data, &dl)
		for _, p := range pages {
			require.NotNil(t, p.Disclosure)
			require.Equal(t, model.KindDisclosure, p.Kind)
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
