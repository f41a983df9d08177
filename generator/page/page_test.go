package page

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/diag"
	"portal/generator/model"
)

func TestSplit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		in              string
		front, body     string
		errLine, errCol int
	}{
		{name: "plain", in: "+++\ntitle = \"a\"\n+++\nbody\n", front: "title = \"a\"\n", body: "body\n"},
		{name: "no body", in: "+++\ntitle = \"a\"\n+++", front: "title = \"a\"\n", body: ""},
		{name: "empty front", in: "+++\n+++\n正文", front: "", body: "正文"},
		{name: "trailing spaces on delimiters", in: "+++  \nx = 1\n+++\t\nb", front: "x = 1\n", body: "b"},
		{name: "plus inside value is not a delimiter", in: "+++\nx = \"+++\"\n+++\n", front: "x = \"+++\"\n", body: ""},
		{name: "missing opening", in: "title = \"a\"\n+++\n", errLine: 1, errCol: 1},
		{name: "missing closing", in: "+++\ntitle = \"a\"\n", errLine: 1, errCol: 1},
		{name: "only opening", in: "+++", errLine: 1, errCol: 1},
		{name: "empty file", in: "", errLine: 1, errCol: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			front, body, line, err := Split([]byte(tt.in))
			if tt.errLine > 0 {
				var se *SplitError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tt.errLine, se.Line)
				assert.Equal(t, tt.errCol, se.Col)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.front, string(front))
			assert.Equal(t, tt.body, string(body))
			assert.Equal(t, 2, line)
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		in, want        string
		errLine, errCol int
	}{
		{name: "bom and crlf", in: "\ufeff+++\r\na = 1\r\n+++\r\n", want: "+++\na = 1\n+++\n"},
		{name: "lone cr kept", in: "a\rb", want: "a\rb"},
		{name: "gbk bytes", in: "+++\ntitle = \"中\xd6\xd0\"\n", errLine: 2, errCol: 11},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Normalize([]byte(tt.in))
			if tt.errLine > 0 {
				var se *SplitError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, [2]int{tt.errLine, tt.errCol}, [2]int{se.Line, se.Col})
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{
		"+++\ntitle = \"a\"\n+++\nbody\n",
		"\ufeff+++\r\ndate = 2024-01-01\r\n+++\r\n",
		"+++\n+++",
		"+++",
		"",
		"no front matter",
		"+++\nx = \"\"\"\n+++\n\"\"\"\n+++\n",
		"+++\n[[progress]]\ndate = 2025-01-01\n+++\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		norm, err := Normalize(data)
		if err != nil {
			var se *SplitError
			require.ErrorAs(t, err, &se)
			require.False(t, utf8.Valid(bytes.TrimPrefix(data, bom)))
			return
		}
		require.True(t, utf8.Valid(norm))
		// Line numbers must survive normalization.
		require.Equal(t, bytes.Count(data, []byte("\n")), bytes.Count(norm, []byte("\n")))
		front, body, line, err := Split(norm)
		if err != nil {
			var se *SplitError
			require.ErrorAs(t, err, &se)
			require.Equal(t, 1, se.Line)
			return
		}
		require.Equal(t, 2, line)
		require.True(t, isDelim([]byte(strings.SplitN(string(norm), "\n", 2)[0])))
		require.LessOrEqual(t, len(front)+len(body), len(norm))
		require.True(t, bytes.HasSuffix(norm, body))
		require.True(t, bytes.HasPrefix(norm[bytes.IndexByte(norm, '\n')+1:], front))
		for _, l := range strings.Split(string(front), "\n") {
			require.False(t, isDelim([]byte(l)), "the front matter must not contain a delimiter line")
		}
		// Parsing the same bytes must never panic whatever the front matter holds.
		var dl diag.List
		Parse("content/news/x.md", model.KindNews, data, Options{}, &dl)
	})
}

func TestScanKeys(t *testing.T) {
	t.Parallel()
	src := strings.Join([]string{
		`title = "中文标题"`,
		`partners = [`,
		`  "a = b",`,
		`]`,
		`body = """`,
		`fake = 1`,
		`"""`,
		`"quoted key" = 2`,
		`[[progress]]`,
		`  date = 2025-01-01 # 注释`,
		`[[progress]]`,
		`date = 2025-02-01`,
		`[government]`,
		`site_name = "x"`,
	}, "\n")
	pos := scanKeys(src)
	assert.Equal(t, keyPos{line: 1, col: 1, vcol: 9}, pos["title"])
	assert.Equal(t, keyPos{line: 2, col: 1, vcol: 12}, pos["partners"])
	assert.NotContains(t, pos, "fake")
	assert.NotContains(t, pos, `  "a`)
	assert.Equal(t, 8, pos["quoted key"].line)
	assert.Equal(t, keyPos{line: 9, col: 1}, pos["progress[0]"])
	assert.Equal(t, keyPos{line: 10, col: 3, vcol: 10}, pos["progress[0].date"])
	assert.Equal(t, 12, pos["progress[1].date"].line)
	assert.Equal(t, 14, pos["government.site_name"].line)
}

func TestCheckIDAndSlug(t *testing.T) {
	t.Parallel()
	ids := []struct {
		name, id string
		ok       bool
		msg      string
	}{
		{"ascii", "c01-fgw", true, ""},
		{"chinese", "企业开办承诺", true, ""},
		{"space", "a b", false, "a space"},
		{"question mark", "a?b", false, `'?'`},
		{"percent", "a%20", false, `'%'`},
		{"dot first", ".hidden", false, "dot"},
		{"reserved", "status", false, "reserved"},
		{"full-width comma", "甲，乙", false, `'，'`},
	}
	for _, tt := range ids {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckID(tt.id)
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.msg)
		})
	}
	slugs := map[string]string{
		"企业开办 全流程 1个工作日":    "企业开办-全流程-1个工作日",
		"《关于印发》的通知，2024年":   "关于印发的通知2024年",
		"  Hello   World  ": "Hello-World",
		"？？！！":              "",
		"status":            "",
		"a/b\\c":            "abc",
	}
	for in, want := range slugs {
		assert.Equal(t, want, Slug(in), in)
	}
	assert.Equal(t, 40, utf8.RuneCountInString(Slug(strings.Repeat("很长", 50))))
}

func TestParseKinds(t *testing.T) {
	t.Parallel()
	loc := time.FixedZone("CST", 8*3600)
	tests := []struct {
		name    string
		kind    model.Kind
		file    string
		src     string
		diags   []string
		nilPage bool
		check   func(t *testing.T, p *Page)
	}{
		{
			name: "disclosure with national names",
			kind: model.KindDisclosure, file: "content/disclosures/d1.md",
			src: "+++\n\"名称\" = \"食品经营许可\"\n\"决定日期\" = 2024-05-06\n\"行政相对人名称\" = \"某公司\"\n\"行政相对人类别\" = \"法人及非法人组织\"\n\"决定文书号\" = \"临市监许〔2024〕1号\"\n\"类别\" = \"行政许可\"\n\"决定机关\" = \"市市场监管局\"\n\"罚款金额\" = 500\n+++\n",
			check: func(t *testing.T, p *Page) {
				d := p.Disclosure
				assert.Equal(t, "食品经营许可", d.Title)
				assert.Equal(t, "某公司", d.SubjectName)
				assert.Equal(t, 500.0, d.Fine)
				assert.Equal(t, time.Date(2024, 5, 6, 0, 0, 0, 0, loc), d.Date)
				require.Len(t, p.Refs, 1)
				assert.Equal(t, "决定机关", p.Refs[0].Key)
				assert.Equal(t, [2]int{8, 10}, [2]int{p.Refs[0].Line, p.Refs[0].Col})
			},
		},
		{
			name: "publication date",
			kind: model.KindDisclosure, file: "content/disclosures/d4.md",
			src: "+++\ntitle = \"x\"\ndate = 2024-05-06\npublished = 2024-05-08\nsubject_name = \"s\"\nsubject_type = \"法人\"\ndoc_number = \"n\"\ncategory = \"其他\"\ndepartment = \"d\"\n+++\n",
			check: func(t *testing.T, p *Page) {
				assert.Equal(t, time.Date(2024, 5, 8, 0, 0, 0, 0, loc), p.Disclosure.Published)
			},
		},
		{
			name: "published before the decision",
			kind: model.KindDisclosure, file: "content/disclosures/d5.md",
			src:   "+++\ntitle = \"x\"\ndate = 2024-05-06\n\"公示日期\" = 2024-05-01\nsubject_name = \"s\"\nsubject_type = \"法人\"\ndoc_number = \"n\"\ncategory = \"其他\"\ndepartment = \"d\"\n+++\n",
			diags: []string{`content/disclosures/d5.md:4:10: 公示日期: 2024-05-01 早于决定日期 2024-05-06（公示日期不能早于决定日期） (2024-05-01 is before the decision date 2024-05-06 (公示日期 cannot precede 决定日期))`},
		},
		{
			name: "both alias and key",
			kind: model.KindDisclosure, file: "content/disclosures/d2.md",
			src:   "+++\ntitle = \"x\"\n\"名称\" = \"y\"\ndate = 2024-05-06\nsubject_name = \"s\"\nsubject_type = \"法人\"\ndoc_number = \"n\"\ncategory = \"其他\"\ndepartment = \"d\"\n+++\n",
			diags: []string{`content/disclosures/d2.md:3:8: 名称: 与 title 重复，title, 名称, 项目名称, 处罚名称, 案件名称 只能写一个 (duplicates title (give only one of title, 名称, 项目名称, 处罚名称, 案件名称))`},
		},
		{
			name: "bare chinese key gets a hint",
			kind: model.KindDisclosure, file: "content/disclosures/d3.md",
			src:     "+++\n名称 = \"y\"\n+++\n",
			diags:   []string{`content/disclosures/d3.md:2:1: 名称: TOML 语法错误：expected '.' or '=', but got '名' instead（中文的键必须加引号："名称" = "…"） (TOML syntax error: expected '.' or '=', but got '名' instead (a key in Chinese must be quoted: "名称" = "…"))`},
			nilPage: true,
		},
		{
			name: "policy defaults validity",
			kind: model.KindPolicy, file: "content/policies/p.md",
			src:   "+++\ntitle = \"p\"\ndate = 2024-05-06\nwritten_date = 2024-05-07\n+++\n",
			diags: []string{`content/policies/p.md:3:8: date: 发布日期 2024-05-06 早于成文日期 2024-05-07 (the publication date 2024-05-06 is before written_date 2024-05-07)`},
			check: func(t *testing.T, p *Page) { assert.Equal(t, "有效", p.Policy.Validity) },
		},
		{
			name: "case type enum",
			kind: model.KindCase, file: "content/cases/c.md",
			src:   "+++\ntitle = \"c\"\ndate = 2024-05-06\ncase_type = \"其它\"\n+++\n",
			diags: []string{`content/cases/c.md:4:13: case_type: "其它" 不在已知的值中（守信激励 | 失信惩戒 | 信用修复 | 政务失信治理 | 承诺践诺）；如是新的值，请加入 portal.toml 的 [vocabulary] case_types ("其它" is not one of the known values (守信激励 | 失信惩戒 | 信用修复 | 政务失信治理 | 承诺践诺); if it is a new one, add it to portal.toml [vocabulary] case_types) (警告 warning)`},
		},
		{
			name: "news source url",
			kind: model.KindNews, file: "content/news/n.md",
			src:   "+++\ntitle = \"n\"\ndate = 2024-05-06\nsource_url = \"linyi.gov.cn\"\nexample = true\n+++\n",
			diags: []string{`content/news/n.md:4:14: source_url: "linyi.gov.cn" 不是网址（请以 http:// 或 https:// 开头） ("linyi.gov.cn" is not a web address (use http:// or https://))`},
			check: func(t *testing.T, p *Page) { assert.True(t, p.News.Example) },
		},
		{
			name: "record required keys",
			kind: model.KindRecord, file: "content/records/r.md",
			src: "+++\ntitle = \"r\"\ndate = 2024-05-06\n+++\n",
			diags: []string{
				`content/records/r.md:1:1: basis: 缺少必填的键，例如 basis = "…" (required key is missing; e.g. basis = "…")`,
				`content/records/r.md:1:1: department: 缺少必填的键，例如 department = "…" (required key is missing; e.g. department = "…")`,
				`content/records/r.md:1:1: record_type: 缺少必填的键，例如 record_type = "违约毁约" (allowed: 违约毁约 | 拖欠账款 | 政策不兑现 | 败诉未履行 | 失信被执行 | 新官不理旧账 | 其他) (required key is missing; e.g. record_type = "违约毁约" (allowed: 违约毁约 | 拖欠账款 | 政策不兑现 | 败诉未履行 | 失信被执行 | 新官不理旧账 | 其他))`,
				`content/records/r.md:1:1: status: 缺少必填的键，例如 status = "整改中" (allowed: 整改中 | 已整改 | 已修复 | 异议处理中) (required key is missing; e.g. status = "整改中" (allowed: 整改中 | 已整改 | 已修复 | 异议处理中))`,
			},
		},
		{
			name: "section",
			kind: model.KindNews, file: "content/news/_index.md",
			src:   "+++\ntitle = \"信用动态\"\ndate = 2024-01-01\nweight = 2\nauthor = \"x\"\n+++\n介绍\n",
			diags: []string{`content/news/_index.md:5:1: author: 未知的键 (unknown key)；此处可用的键 (allowed here)：title, description, date, draft, weight, lastmod, publishDate, expiryDate, slug, aliases, summary, tags, categories, type, layout, linkTitle, keywords, cascade, menu, sitemap, outputs, build`},
			check: func(t *testing.T, p *Page) {
				assert.Equal(t, "信用动态", p.Section.Title)
				assert.Equal(t, "介绍\n", p.Section.Body)
			},
		},
		{
			name: "status written as the site shows it",
			kind: model.KindCommitment, file: "content/commitments/c.md",
			src:   "+++\ntitle = \"c\"\ndate = 2024-05-06\ndepartment = \"d\"\nstatus = \"已兑现\"\n+++\n",
			diags: []string{`content/commitments/c.md:5:10: status: "已兑现" 是网站上显示的状态名称，此处请写它的代码 "fulfilled"（可用的值：pending（未启动） | in_progress（推进中） | fulfilled（已兑现） | partial（部分兑现） | broken（未兑现） | withdrawn（依法变更/撤回）） ("已兑现" is how the site shows the status; write its code "fulfilled" here (use one of: pending（未启动） | in_progress（推进中） | fulfilled（已兑现） | partial（部分兑现） | broken（未兑现） | withdrawn（依法变更/撤回）))`},
		},
		{
			name: "offset datetime keeps the site date",
			kind: model.KindNews, file: "content/news/t.md",
			src: "+++\ntitle = \"n\"\ndate = 2024-05-06T20:00:00Z\n+++\n",
			check: func(t *testing.T, p *Page) {
				assert.Equal(t, time.Date(2024, 5, 7, 0, 0, 0, 0, loc), p.News.Date)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var dl diag.List
			p := Parse(tt.file, tt.kind, []byte(tt.src), Options{Location: loc}, &dl)
			var got []string
			for _, d := range dl.All() {
				got = append(got, d.String())
			}
			assert.Equal(t, tt.diags, got)
			if tt.nilPage {
				assert.Nil(t, p)
				return
			}
			require.NotNil(t, p)
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	names := []string{"市发展改革委", "市市场监管局", "市财政局", "deadline", "department"}
	assert.Equal(t, []string{"市发展改革委"}, Closest("市发改革委", names, 1))
	assert.Equal(t, []string{"deadline"}, Closest("dedline", names, 1))
	assert.Empty(t, Closest("完全无关的名字很长很长", names, 3))
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"title = \"企业开办\"\ndate = 2024-11-25\ndepartment = \"fgw\"\npartners = [\"a\",\n \"b\"]\ncategory = \"服务承诺\"\nstatus = \"pending\"\n[[progress]]\ndate = 2025-01-01\nstatus = \"pending\"\nnote = \"n\"\nevidence = \"临发改信用〔2024〕295号\"\n",
		"title = \"政务诚信建设动态\" 多余\n",
		"\"名称\" = \"x\"\n\"决定日期\" = 2024-01-01\n",
		"x = \"\"\"\na = 1\n\"\"\"\n[t]\ny.z = 2\n",
		"date = 2024-13-01\n",
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, front string, k uint8) {
		kind := model.Kinds[int(k)%len(model.Kinds)]
		data := []byte("+++\n" + front + "\n+++\nbody\n")
		var dl diag.List
		p := Parse("content/"+string(kind)+"/x.md", kind, data, Options{Location: time.UTC}, &dl)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, d := range dl.All() {
			require.GreaterOrEqual(t, d.Line, 1, d.String())
			require.LessOrEqual(t, d.Line, lines, d.String())
			require.GreaterOrEqual(t, d.Col, 1, d.String())
		}
		if p != nil {
			require.Equal(t, kind, p.Kind)
			require.NotNil(t, p.Common())
			for _, r := range p.Refs {
				require.NotEmpty(t, r.Name)
				require.GreaterOrEqual(t, r.Line, 2)
			}
		}
	})
}
