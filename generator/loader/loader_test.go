package loader

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/diag"
	"portal/generator/model"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

const registry = `[[department]]
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
`

const goodCommitment = `+++
title = "企业开办全流程1个工作日内办结"
department = "市发改委"
partners = ["市市场监管局"]
category = "服务承诺"
date = 2024-11-25
deadline = 2025-06-30
status = "in_progress"
source = "临发改信用〔2024〕295号"
measure = 4

[[progress]]
date = 2025-01-15
status = "in_progress"
note = "已完成系统改造"
evidence = "https://example.gov.cn/a"
+++
正文
`

const csvHeader = "id,subject_name,统一社会信用代码,决定文书号,类别,title,date,department\n"

// site returns a small valid site with extra files added (or, with an empty
// value, removed).
func site(extra map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"portal.toml":                     {Data: []byte("title = \"测试\"\ntime_zone = \"Asia/Shanghai\"\n")},
		"data/departments.toml":           {Data: []byte(registry)},
		"content/commitments/c01.md":      {Data: []byte(goodCommitment)},
		"content/commitments/_index.md":   {Data: []byte("+++\ntitle = \"承诺践诺\"\n+++\n介绍\n")},
		"data/disclosures/2024.csv":       {Data: []byte(csvHeader + "x1,某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,罚款,2024-04-01,scjg\n")},
		"content/news/n1.md":              {Data: []byte("+++\ntitle = \"动态\"\ndate = 2025-01-02\n+++\n")},
		"content/news/n0.md":              {Data: []byte("+++\ntitle = \"更早\"\ndate = 2024-01-02\ndraft = true\n+++\n")},
		"content/policies/p.md":           {Data: []byte("+++\ntitle = \"措施\"\ndate = 2024-11-25\ndepartments = [\"fgw\"]\n+++\n")},
		"content/records/r.md":            {Data: []byte("+++\ntitle = \"记录\"\ndate = 2024-01-01\ndepartment = \"fgw\"\nrecord_type = \"其他\"\nbasis = \"判决\"\nstatus = \"已整改\"\npublicity_until = 2024-12-31\n+++\n")},
		"content/cases/k.md":              {Data: []byte("+++\ntitle = \"案例\"\ndate = 2024-06-01\ncase_type = \"信用修复\"\n+++\n")},
		"content/disclosures/md-1.md":     {Data: []byte("+++\ntitle = \"许可\"\ndate = 2024-05-01\nsubject_name = \"甲\"\ncredit_code = \"91350100M000100Y43\"\ndoc_number = \"临市监许〔2024〕9号\"\ncategory = \"行政许可\"\ndepartment = \"scjg\"\nwithdrawn = true\n+++\n")},
		"content/disclosures/.DS_Store":   {Data: []byte{0xff}},
		"content/commitments/.hidden.md~": {Data: []byte{0xff}},
	}
	for k, v := range extra {
		if v == "" {
			delete(fsys, k)
			continue
		}
		fsys[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return fsys
}

var now = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC) // noon UTC, as the CLI passes -now

func strs(ds []diag.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func TestLoadGoodSite(t *testing.T) {
	t.Parallel()
	s, dl := loadAt(site(nil), Options{}, now)
	require.Empty(t, strs(dl.All()))
	loc := s.Config.Location
	require.NotNil(t, loc)
	assert.Equal(t, "Asia/Shanghai", loc.String())

	require.Len(t, s.Commitments, 1)
	c := s.Commitments[0]
	assert.Equal(t, "c01", c.ID)
	assert.Equal(t, "fgw", c.Department)
	assert.Equal(t, []string{"scjg"}, c.Partners)
	assert.Equal(t, time.Date(2024, 11, 25, 0, 0, 0, 0, loc), c.Date)
	assert.Equal(t, model.CommitmentState{DaysLeft: 121}, c.Derived)
	assert.Equal(t, "content/commitments/c01.md", c.Source.File)
	require.Len(t, c.Progress, 1)
	assert.Equal(t, 12, c.Progress[0].Line)
	assert.Equal(t, "承诺践诺", s.Sections[model.KindCommitment].Title)

	require.Len(t, s.Disclosures, 2)
	assert.Equal(t, "md-1", s.Disclosures[0].ID, "newest first")
	assert.True(t, s.Disclosures[0].Unpublished)
	assert.Equal(t, model.ReasonWithdrawn, s.Disclosures[0].UnpublishedReason)
	assert.Equal(t, "x1", s.Disclosures[1].ID)
	assert.Equal(t, "scjg", s.Disclosures[1].Department)
	assert.False(t, s.Disclosures[1].Unpublished)
	// No 公示截止期 in the file: the default rule for a penalty that names
	// no kind (一般失信信息, one year) gives it one.
	assert.Equal(t, time.Date(2025, 3, 31, 0, 0, 0, 0, loc), s.Disclosures[1].PublicityUntil)
	assert.Contains(t, s.Disclosures[1].PublicityBasis, "行政处罚·一般")

	require.Len(t, s.Records, 1)
	assert.True(t, s.Records[0].Unpublished)
	assert.Equal(t, model.ReasonExpired, s.Records[0].UnpublishedReason)

	require.Len(t, s.News, 2, "drafts stay in the model")
	assert.Equal(t, "n1", s.News[0].ID)
	assert.True(t, s.News[1].Draft)
	assert.Equal(t, []string{"fgw"}, s.Policies[0].Departments)
	require.Len(t, s.Departments, 2)
}

func TestDerivedState(t *testing.T) {
	t.Parallel()
	cm := func(deadline, status string) string {
		// Both the verdict and the latest progress entry get the status.
		return strings.ReplaceAll(strings.Replace(goodCommitment, "2025-06-30", deadline, 1), `status = "in_progress"`, `status = "`+status+`"`)
	}
	tests := []struct {
		name     string
		deadline string
		status   string
		now      time.Time
		want     model.CommitmentState
	}{
		{"due soon", "2025-03-20", "in_progress", now, model.CommitmentState{DueSoon: true, DaysLeft: 19}},
		{"due today", "2025-03-01", "pending", now, model.CommitmentState{DueSoon: true}},
		{"overdue", "2025-02-01", "in_progress", now, model.CommitmentState{Overdue: true, DaysLate: 28,
			OverdueSince: time.Date(2025, 2, 1, 0, 0, 0, 0, shanghai(t))}},
		{"very overdue", "2024-11-26", "partial", now, model.CommitmentState{Overdue: true, VeryOverdue: true, DaysLate: 95,
			OverdueSince: time.Date(2024, 11, 26, 0, 0, 0, 0, shanghai(t))}},
		{"fulfilled is never overdue", "2025-01-01", "fulfilled", now, model.CommitmentState{}},
		{"now is read in the site zone", "2025-03-02", "pending", time.Date(2025, 3, 1, 23, 0, 0, 0, time.UTC), model.CommitmentState{DueSoon: true}},
		{"noon UTC keeps the day", "2025-03-02", "pending", time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), model.CommitmentState{DueSoon: true, DaysLeft: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, dl := loadAt(site(map[string]string{"content/commitments/c01.md": cm(tt.deadline, tt.status)}), Options{}, tt.now)
			require.Empty(t, strs(dl.All()))
			assert.Equal(t, tt.want, s.Commitments[0].Derived)
		})
	}
}

func shanghai(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	return loc
}

// TestErrorKinds has one case per kind of content error in issue 2 part 3;
// each asserts the exact file:line:col: key: prefix of every diagnostic.
func TestErrorKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		files    map[string]string
		strict   bool
		errors   []string // prefixes, sorted as the list sorts them
		warnings []string
	}{
		{
			name:   "unknown key",
			files:  map[string]string{"content/news/n1.md": "+++\ntitle = \"动态\"\ndate = 2025-01-02\nauthor = \"张三\"\n+++\n"},
			errors: []string{"content/news/n1.md:4:1: author: 未知的键 (unknown key)；此处可用的键 (allowed here)：title, date, summary, tags, draft, example, publishDate, expiryDate, lastmod, description, aliases, weight, categories, departments, source_name, source_url, slug"},
		},
		{
			name:   "missing required key",
			files:  map[string]string{"content/commitments/c01.md": strings.Replace(goodCommitment, "status = \"in_progress\"\nsource", "source", 1)},
			errors: []string{"content/commitments/c01.md:1:1: status: 缺少必填的键，例如 status = \"pending\" (allowed: pending | in_progress | fulfilled | partial | broken | withdrawn)"},
		},
		{
			name:   "bad date",
			files:  map[string]string{"content/commitments/c01.md": strings.Replace(goodCommitment, "deadline = 2025-06-30", `deadline = "2025-13-01"`, 1)},
			errors: []string{`content/commitments/c01.md:7:12: deadline: "2025-13-01" 不是日期，请不加引号写作 YYYY-MM-DD，例如 deadline = 2025-01-31`},
		},
		{
			name:   "quoted date",
			files:  map[string]string{"content/commitments/c01.md": strings.Replace(goodCommitment, "date = 2024-11-25", `date = "2025-01-10"`, 1)},
			errors: []string{`content/commitments/c01.md:6:8: date: "2025-01-10" 是加了引号的文本而不是日期，请去掉引号：date = 2025-01-10`},
		},
		{
			name:   "unknown department",
			files:  map[string]string{"content/commitments/c01.md": strings.Replace(goodCommitment, `["市市场监管局"]`, `["scjg", "市场监管局"]`, 1)},
			errors: []string{`content/commitments/c01.md:4:21: partners: 未知的单位 "市场监管局"，请使用 data/departments.toml 中的编号、全称、简称或别称；最接近的：市市场监管局 (scjg)`},
		},
		{
			name:   "duplicate id across markdown and csv",
			files:  map[string]string{"content/disclosures/x1.md": "+++\ntitle = \"许可\"\ndate = 2024-05-01\nsubject_name = \"甲\"\ncredit_code = \"91350100M000100Y43\"\ndoc_number = \"临市监许〔2024〕9号\"\ncategory = \"行政许可\"\ndepartment = \"scjg\"\n+++\n"},
			errors: []string{`data/disclosures/2024.csv:2:1: id: 双公示编号 "x1" 重复：content/disclosures/x1.md:1 也使用了它（双公示的编号必须各不相同；Markdown 文件名与数据文件中的编号共用同一范围）`},
		},
		{
			name:   "duplicate derived id",
			files:  map[string]string{"data/disclosures/2025.csv": "subject_name,行政相对人类别,决定文书号,类别,title,date,department\n乙,法人,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,scjg\n丙,法人,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-02,scjg\n"},
			errors: []string{`data/disclosures/2025.csv:3:1: id: 双公示编号 "d-4982a1de26" 重复：data/disclosures/2025.csv:2 也使用了它（双公示的编号必须各不相同；Markdown 文件名与数据文件中的编号共用同一范围）`},
		},
		{
			name:   "ids differing only in case",
			files:  map[string]string{"content/news/N1.md": "+++\ntitle = \"动态\"\ndate = 2025-01-02\n+++\n"},
			errors: []string{`content/news/n1.md:1:1: id: 信用动态编号 "n1" 与 content/news/N1.md:1 使用的编号只有大小写不同（页面地址不能只靠大小写区分）`},
		},
		{
			name:     "status disagrees with the latest progress entry",
			files:    map[string]string{"content/commitments/c01.md": strings.Replace(goodCommitment, "status = \"in_progress\"\nsource", "status = \"fulfilled\"\nsource", 1)},
			warnings: []string{`content/commitments/c01.md:8:10: status: 为 "fulfilled"，但最新的进展记录（2025-01-15，第 12 行）为 "in_progress"；请为新状态添加一条进展记录，或更正其中之一`},
		},
		{
			name:     "a body listed twice",
			files:    map[string]string{"content/commitments/c01.md": strings.Replace(goodCommitment, `["市市场监管局"]`, `["市市场监管局", "市发展改革委"]`, 1)},
			warnings: []string{`content/commitments/c01.md:4:23: partners: "市发展改革委" 再次指向 fgw（已写作 "市发改委"，见 department）；每个单位只列一次`},
		},
		{
			name:   "deadline before date",
			files:  map[string]string{"content/commitments/c01.md": strings.Replace(goodCommitment, "deadline = 2025-06-30", "deadline = 2024-06-30", 1)},
			errors: []string{"content/commitments/c01.md:7:12: deadline: 2024-06-30 早于 date 2024-11-25（完成时限不能早于作出承诺的日期）"},
		},
		{
			name:   "unknown status",
			files:  map[string]string{"content/commitments/c01.md": strings.Replace(goodCommitment, "status = \"in_progress\"\nnote", "status = \"done\"\nnote", 1)},
			errors: []string{`content/commitments/c01.md:14:10: progress.status: 不能取值 "done"，可用的值：pending | in_progress | fulfilled | partial | broken | withdrawn`},
		},
		{
			name:   "non-UTF-8 file",
			files:  map[string]string{"content/news/n1.md": "+++\ntitle = \"\xb6\xaf\xcc\xac\"\ndate = 2025-01-02\n+++\n"},
			errors: []string{"content/news/n1.md:2:10: 文件不是 UTF-8 文本，请另存为 UTF-8；不接受 GBK/GB18030"},
		},
		{
			name:   "malformed credit code",
			files:  map[string]string{"data/disclosures/2024.csv": csvHeader + "x1,某公司,91350100M00010OY43,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,scjg\n"},
			errors: []string{`data/disclosures/2024.csv:2:3: 统一社会信用代码: "91350100M00010OY43" 的第 15 个字符 'O' 不允许`},
		},
		{
			name:     "wrong check character is a warning",
			files:    map[string]string{"data/disclosures/2024.csv": csvHeader + "x1,某公司,91350100M000100Y44,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,scjg\n"},
			warnings: []string{`data/disclosures/2024.csv:2:3: 统一社会信用代码: "91350100M000100Y44" 的校验码是 4，按 GB 32100-2015 应为 3`},
		},
		{
			name:   "strict makes the warning an error",
			files:  map[string]string{"data/disclosures/2024.csv": csvHeader + "x1,某公司,91350100M000100Y44,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,scjg\n"},
			strict: true,
			errors: []string{`data/disclosures/2024.csv:2:3: 统一社会信用代码: "91350100M000100Y44" 的校验码是 4`},
		},
		{
			name:  "bom and crlf accepted",
			files: map[string]string{"content/commitments/c01.md": "\ufeff" + strings.ReplaceAll(goodCommitment, "\n", "\r\n")},
		},
		{
			name:   "TOML syntax error after Chinese text",
			files:  map[string]string{"content/news/n1.md": "+++\ntitle = \"政务诚信建设动态\" 多余\ndate = 2025-01-02\n+++\n"},
			errors: []string{"content/news/n1.md:2:20: title: TOML 语法错误：expected a top-level item to end with a newline, comment, or EOF, but got '多' instead（日期不加引号写作 YYYY-MM-DD，文本写在双引号中）"},
		},
		{
			name:   "unknown folder",
			files:  map[string]string{"content/commitment/a.md": "x"},
			errors: []string{`content/commitment: 未知的文件夹 "commitment"（可用的内容类型：cases, commitments, disclosures, news, policies, records）；是否想写 commitments？`},
		},
		{
			name:   "file name not usable in a URL",
			files:  map[string]string{"content/news/a b.md": "+++\ntitle = \"动态\"\ndate = 2025-01-02\n+++\n"},
			errors: []string{`content/news/a b.md:1:1: 文件名 "a b" 含有空格，页面地址中不能有它（请使用字母、汉字、数字和 - _ . ~，例如把空格换成 -）`},
		},
		{
			name:  "config errors",
			files: map[string]string{"portal.toml": "base_url = \"xyxx.linyi.gov.cn\"\ntime_zone = \"Asia/Shangai\"\npage_size = 0\n[feeds]\nitem = 5\n"},
			errors: []string{
				`portal.toml:1:12: base_url: "xyxx.linyi.gov.cn" 不是完整的网址（请写作 https://主机/ 或 https://主机/路径/）`,
				`portal.toml:2:13: time_zone: "Asia/Shangai" 不是时区名称（请使用 IANA 名称，如 Asia/Shanghai）`,
				`portal.toml:3:13: page_size: 0 太小（请使用 1 或更大的值）`,
				`portal.toml:5:1: feeds.item: 未知的键（是否想写 items？）`,
			},
		},
		{
			name:   "verifier link that is not a link",
			files:  map[string]string{"portal.toml": "[ledger]\nverifier_url = \"javascript:alert(1)\"\n"},
			errors: []string{`portal.toml:2:16: ledger.verifier_url: "javascript:alert(1)" 不是链接（请使用以 / 开头的站内路径或 http(s):// 网址）`},
		},
		{
			name: "tags that would leave their folder",
			files: map[string]string{"content/news/n1.md": "+++\ntitle = \"动态\"\ndate = 2025-01-02\n" +
				"tags = [\"营商环境\", \"../../../../tmp/x/tag\", \"../commitments\", \"..\", \"index.html\", \".隐藏\"]\n+++\n"},
			errors: []string{
				`content/news/n1.md:4:17: tags: "../../../../tmp/x/tag" 含有 '/'，会把页面地址分成几层文件夹（请不用斜杠，例如改用 、 或 -）；tags 的每个值用作它自己的页面地址 /tags/<值>/`,
				`content/news/n1.md:4:42: tags: "../commitments" 含有 '/'，会把页面地址分成几层文件夹（请不用斜杠，例如改用 、 或 -）；tags 的每个值用作它自己的页面地址 /tags/<值>/`,
				`content/news/n1.md:4:60: tags: ".." 不能用作页面地址（它表示当前或上一级文件夹）；tags 的每个值用作它自己的页面地址 /tags/<值>/`,
				`content/news/n1.md:4:66: tags: "index.html" 是构建时写出的文件名（请换一种写法）；tags 的每个值用作它自己的页面地址 /tags/<值>/`,
				`content/news/n1.md:4:80: tags: ".隐藏" 不能以点开头（以点开头的文件夹是隐藏的，网站服务器会拒绝访问）；tags 的每个值用作它自己的页面地址 /tags/<值>/`,
			},
		},
		{
			name:   "policy topic that would leave its folder",
			files:  map[string]string{"content/policies/p.md": "+++\ntitle = \"措施\"\ndate = 2024-11-25\ntopic = \"../../content\"\n+++\n"},
			errors: []string{`content/policies/p.md:4:9: topic: "../../content" 含有 '/'，会把页面地址分成几层文件夹（请不用斜杠，例如改用 、 或 -）；主题用作它自己的页面地址 /policies/topic/<主题>/`},
		},
		{
			name:   "registry problems",
			files:  map[string]string{"data/departments.toml": registry + "\n[[department]]\nid = \"x\"\nname = \"临沂市市场监督管理局\"\nshort = \"x局\"\nlevel = \"市\"\ntype = \"其他\"\n"},
			errors: []string{`data/departments.toml:18:8: department.name: "临沂市市场监督管理局" 已用作 name，属于单位 "scjg"，见 data/departments.toml:11（全称、简称和别称不能重复）`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, dl := loadAt(site(tt.files), Options{Strict: tt.strict}, now)
			assertPrefixes(t, tt.errors, strs(dl.Errors()))
			assertPrefixes(t, tt.warnings, strs(dl.Warnings()))
			if len(tt.errors) == 0 {
				assert.NoError(t, dl.Err())
			} else {
				assert.Error(t, dl.Err())
			}
		})
	}
}

func assertPrefixes(t *testing.T, want, got []string) {
	t.Helper()
	if !assert.Len(t, got, len(want), "got:\n%s", strings.Join(got, "\n")) {
		return
	}
	for i := range want {
		assert.True(t, strings.HasPrefix(got[i], want[i]), "diagnostic %d\nwant prefix: %s\ngot:         %s", i, want[i], got[i])
	}
}

// TestAllProblemsAtOnce loads a site with many problems in many files and
// compares every diagnostic with a golden file: nothing stops at the first.
func TestAllProblemsAtOnce(t *testing.T) {
	t.Parallel()
	fsys := site(map[string]string{
		"portal.toml":                 "base_url = \"ftp://x\"\nunknown = 1\n",
		"content/commitments/c01.md":  strings.Replace(goodCommitment, "category = \"服务承诺\"", "category = \"承诺\"\nowner = \"x\"", 1),
		"content/commitments/c02.md":  "+++\ntitle = \"没有结束\"\n",
		"content/commitments/c03.md":  "+++\ntitle = \"c\"\ndate = 2025-01-01\ndepartment = \"市发改局\"\ncategory = \"其他\"\nstatus = \"overdue\"\nmeasure = 19\n[[progress]]\ndate = 2025-01-02\nstatus = \"pending\"\nnote = \"n\"\nevidence = \"某文件\"\n+++\n",
		"content/news/n1.md":          "+++\ntitle = 1\ndate = 2025-01-02\ntags = \"a\"\nsource_url = \"x\"\n+++\n",
		"content/other/x.md":          "+++\n+++\n",
		"content/policies/p.md":       "+++\ntitle = \"措施\"\ndate = 2024-11-25\nvalidity = \"作废\"\n+++\n",
		"data/disclosures/bad.csv":    "subject_name,doc_number,category,title,date,department,colour\n",
		"data/disclosures/b.json":     `[{"subject_name": "甲", "subject_type": "法人及非法人组织", "doc_number": "n", "category": "行政许可", "title": "t", "date": "2024-01-01", "department": "nobody"}]`,
		"data/disclosures/readme.txt": "notes",
	})
	_, dl := loadAt(fsys, Options{}, now)
	got := strings.Join(strs(dl.All()), "\n") + "\n" + dl.Summary() + "\n"
	golden := filepath.Join("testdata", "all-problems.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./generator/loader -run TestAllProblemsAtOnce -update")
	assert.Equal(t, string(want), got)
}

// TestShippedSiteLoads loads the site shipped in this repository: it must
// have no errors (warnings are listed in the test log).
func TestShippedSiteLoads(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	require.DirExists(t, filepath.Join(root, "content"), "the shipped site")
	s, dl := Load(os.DirFS(root), Options{})
	for _, w := range dl.Warnings() {
		t.Log(w)
	}
	require.NoError(t, dl.Err())
	assert.NotEmpty(t, s.Departments)
	assert.NotEmpty(t, s.Commitments)
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	fsys := genSite(t, 300)
	a, dla := loadAt(fsys, Options{}, now)
	b, dlb := loadAt(fsys, Options{}, now)
	require.NoError(t, dla.Err())
	assert.Equal(t, strs(dla.All()), strs(dlb.All()))
	assert.Equal(t, a, b)
	for i := 1; i < len(a.Commitments); i++ {
		p, c := a.Commitments[i-1], a.Commitments[i]
		assert.True(t, p.Date.After(c.Date) || (p.Date.Equal(c.Date) && p.ID < c.ID), "sorted by date desc, then id")
	}
}

func TestDefaultsWithoutConfig(t *testing.T) {
	t.Parallel()
	s, dl := loadAt(site(map[string]string{"portal.toml": ""}), Options{}, now)
	require.NoError(t, dl.Err())
	want := model.DefaultConfig()
	want.Location = s.Config.Location
	assert.Equal(t, want, s.Config)
	assert.Equal(t, "Asia/Shanghai", s.Config.Location.String())
}

// loadAt loads fsys and derives its state as of now, as the pipeline's
// load and derive stages do.
func loadAt(fsys fs.FS, opts Options, now time.Time) (*model.Site, *diag.List) {
	s, dl := Load(fsys, opts)
	if s != nil {
		s.Derive(model.Today(now, s.Config.Location))
	}
	return s, dl
}

func TestToday(t *testing.T) {
	t.Parallel()
	loc := shanghai(t)
	assert.Equal(t, time.Date(2025, 3, 2, 0, 0, 0, 0, loc), model.Today(time.Date(2025, 3, 1, 22, 0, 0, 0, time.UTC), loc))
	assert.Equal(t, time.Date(2025, 3, 1, 0, 0, 0, 0, loc), model.Today(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC), loc))
	got := model.Today(time.Time{}, loc)
	assert.Equal(t, loc, got.Location())
	assert.Zero(t, got.Hour())
}

func TestLoadSettings(t *testing.T) {
	t.Parallel()
	s, dl := LoadSettings(site(map[string]string{"portal.toml": "time_zone = \"Asia/Urumqi\"\n"}), Options{})
	require.NoError(t, dl.Err())
	assert.Equal(t, "Asia/Urumqi", s.Config.Location.String())
	assert.Len(t, s.Departments, 2)
	assert.Empty(t, s.Commitments, "settings only: no content is read")

	_, dl = LoadSettings(site(map[string]string{"portal.toml": "time_zone = \"Mars/Olympus\"\n"}), Options{})
	require.Error(t, dl.Err(), "a wrong zone is an error, never a silent fallback")
	assert.Contains(t, dl.Err().Error(), "portal.toml:1")
}

func TestLoadShell(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		extra   map[string]string
		titles  map[model.Kind]string
		wantErr string
	}{
		{name: "the sections' titles, no record", titles: map[model.Kind]string{model.KindCommitment: "承诺践诺"}},
		{name: "a section page in each kind that has one",
			extra:  map[string]string{"content/news/_index.md": "+++\ntitle = \"工作动态\"\n+++\n"},
			titles: map[model.Kind]string{model.KindCommitment: "承诺践诺", model.KindNews: "工作动态"}},
		{name: "a broken record is not read",
			extra:  map[string]string{"content/news/n1.md": "+++\ntitle = \n+++\n"},
			titles: map[model.Kind]string{model.KindCommitment: "承诺践诺"}},
		{name: "a broken section page is an error with its file",
			extra:   map[string]string{"content/news/_index.md": "+++\ntitle = \n+++\n"},
			wantErr: "content/news/_index.md:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, dl := LoadShell(site(tc.extra), Options{})
			if tc.wantErr != "" {
				require.Error(t, dl.Err())
				assert.Contains(t, dl.Err().Error(), tc.wantErr)
				return
			}
			require.NoError(t, dl.Err())
			assert.Len(t, s.Departments, 2, "the registry")
			assert.Empty(t, s.Commitments, "no record is read")
			assert.Empty(t, s.Disclosures, "no data file is read")
			got := map[model.Kind]string{}
			for k, sec := range s.Sections {
				got[k] = sec.Title
			}
			assert.Equal(t, tc.titles, got)
		})
	}
}

// genSite makes a site of n Markdown pages of realistic Chinese content
// (~1,700 characters each): commitments, news and disclosures.
func genSite(tb testing.TB, n int) fstest.MapFS {
	tb.Helper()
	fsys := site(nil)
	para := strings.Repeat("为深入贯彻落实党中央、国务院关于加快推进社会信用体系建设的决策部署，进一步加强政务诚信建设，提升政府公信力，", 8)
	for i := range n {
		body := fmt.Sprintf("## 第%d项\n\n%s\n\n%s\n", i, para, para)
		var name, front string
		switch i % 3 {
		case 0:
			name = fmt.Sprintf("content/commitments/c%05d.md", i)
			front = fmt.Sprintf("title = \"承诺事项第%d号\"\ndepartment = \"市发改委\"\npartners = [\"scjg\"]\ncategory = \"服务承诺\"\ndate = 2024-%02d-%02d\ndeadline = 2025-12-31\nstatus = \"in_progress\"\n[[progress]]\ndate = 2025-01-15\nstatus = \"in_progress\"\nnote = \"推进中\"\nevidence = \"临发改信用〔2024〕295号\"\n", i, i%12+1, i%28+1)
		case 1:
			name = fmt.Sprintf("content/news/信用动态%05d.md", i)
			front = fmt.Sprintf("title = \"信用动态第%d期\"\ndate = 2024-%02d-%02d\ndepartments = [\"fgw\", \"临沂市市场监督管理局\"]\ntags = [\"政务诚信\"]\n", i, i%12+1, i%28+1)
		default:
			name = fmt.Sprintf("content/disclosures/d%05d.md", i)
			front = fmt.Sprintf("title = \"行政许可\"\ndate = 2024-%02d-%02d\nsubject_name = \"临沂某某有限公司\"\ncredit_code = \"91350100M000100Y43\"\ndoc_number = \"临市监许〔2024〕%d号\"\ncategory = \"行政许可\"\ndepartment = \"scjg\"\npublicity_until = 2027-01-01\n", i%12+1, i%28+1, i)
		}
		fsys[name] = &fstest.MapFile{Data: []byte("+++\n" + front + "+++\n" + body)}
	}
	return fsys
}

// BenchmarkLoad loads generated sites from disk (os.DirFS), as a build
// does, and from memory (fstest.MapFS) to separate parsing from file I/O.
// Run: go test ./generator/loader -run XXX -bench Load -benchtime 3x -benchmem
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		files := genSite(b, n)
		b.Run(fmt.Sprintf("disk/files=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			for name, f := range files {
				p := filepath.Join(dir, filepath.FromSlash(name))
				require.NoError(b, os.MkdirAll(filepath.Dir(p), 0o755))
				require.NoError(b, os.WriteFile(p, f.Data, 0o644))
			}
			benchLoad(b, os.DirFS(dir), n)
		})
		b.Run(fmt.Sprintf("mem/files=%d", n), func(b *testing.B) { benchLoad(b, files, n) })
	}
}

func benchLoad(b *testing.B, fsys fs.FS, n int) {
	b.ResetTimer()
	for b.Loop() {
		s, dl := loadAt(fsys, Options{}, now)
		if dl.Err() != nil || len(s.Commitments) == 0 {
			b.Fatal(dl.Err())
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// TestCache loads through a cache (kept on disk), and checks that a second
// load, from a new cache object reading the disk, and loads after edits,
// give exactly what a load without a cache gives.
func TestCache(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	for name, f := range site(nil) {
		write(name, string(f.Data))
	}
	// A data file of more rows than a cache chunk holds.
	var big strings.Builder
	big.WriteString(csvHeader)
	for i := range 2*shardChunk + 10 {
		fmt.Fprintf(&big, "b%d,某公司%d,91350100M000100Y43,临市监罚〔2024〕%d号,行政处罚,罚款,2024-04-01,市场监管局\n", i, i%7, 100+i)
	}
	write("data/disclosures/big.csv", big.String())
	cacheDir := filepath.Join(t.TempDir(), "cache")
	newCache := func() *Cache { return &Cache{Dir: func(model.Config) string { return cacheDir }} }
	check := func(what string, c *Cache) {
		t.Helper()
		want, wdl := loadAt(os.DirFS(dir), Options{}, now)
		got, gdl := loadAt(os.DirFS(dir), Options{Cache: c}, now)
		require.NoError(t, c.Save())
		assert.Equal(t, strs(wdl.All()), strs(gdl.All()), what)
		assert.Equal(t, want.Config, got.Config, what)
		assert.Equal(t, want.Departments, got.Departments, what)
		assert.Equal(t, want.Sections, got.Sections, what)
		assert.Equal(t, want.Policies, got.Policies, what)
		assert.Equal(t, want.Cases, got.Cases, what)
		assert.Equal(t, want.Records, got.Records, what)
		assert.Equal(t, want.Commitments, got.Commitments, what)
		assert.Equal(t, want.Disclosures, got.Disclosures, what)
		assert.Equal(t, want.News, got.News, what)
	}
	kept := newCache()
	check("first load", kept)
	check("second load, same cache", kept)
	check("a new process, the cache on disk", newCache())
	write("content/news/n1.md", "+++\ntitle = \"改了\"\ndate = 2025-01-02\ndepartments = [\"fgw\"]\n+++\n正文改了。\n")
	check("an edit", kept)
	check("an edit, a new process", newCache())
	require.NoError(t, os.Remove(filepath.Join(dir, "content/news/n1.md")))
	check("a deletion", kept)
	check("a deletion, a new process", newCache())
	write("data/departments.toml", string(site(nil)["data/departments.toml"].Data)+"\n[[department]]\nid = \"new\"\nname = \"临沂市新设局\"\nshort = \"新设局\"\nlevel = \"市\"\ntype = \"其他\"\n")
	check("a registry change", kept)
	check("a registry change, a new process", newCache())

	// A damaged shard (cut short, or not a cache at all) reads as empty:
	// its files are parsed again.
	shards, err := filepath.Glob(filepath.Join(cacheDir, "shard-*"))
	require.NoError(t, err)
	require.NotEmpty(t, shards)
	for i, sh := range shards {
		b, err := os.ReadFile(sh)
		require.NoError(t, err)
		if i%2 == 0 {
			b = b[:len(b)/2]
		} else {
			b = append(b[:40:40], "not gob"...)
		}
		require.NoError(t, os.WriteFile(sh, b, 0o600))
	}
	check("damaged shards, a new process", newCache())
	check("after damaged shards, a new process", newCache())
}

// TestCacheSameSizeEdits: an edit that keeps the file's size and its
// modification time is still read, whether the time is that of a second
// save within the file system's clock tick or one set back by an editor
// or a copy that keeps times.
func TestCacheSameSizeEdits(t *testing.T) {
	t.Parallel()
	const before = "+++\ntitle = \"动态甲\"\ndate = 2025-01-02\n+++\n"
	const after = "+++\ntitle = \"动态乙\"\ndate = 2025-01-02\n+++\n" // 甲 and 乙: 3 bytes each
	require.Len(t, after, len(before))
	title := func(s *model.Site) string { // n1's (n0 is 更早)
		for _, n := range s.News {
			if n.Title != "更早" {
				return n.Title
			}
		}
		return ""
	}
	t.Run("a second save within the clock tick", func(t *testing.T) {
		t.Parallel()
		// An in-memory file: its modification time is all its stat says.
		fsys := site(nil)
		tick := time.Now()
		fsys["content/news/n1.md"] = &fstest.MapFile{Data: []byte(before), ModTime: tick}
		c := &Cache{}
		for i := range 2 { // parsed, then found unchanged by its bytes
			s, _ := loadAt(fsys, Options{Cache: c}, now)
			require.Equal(t, "动态甲", title(s), "load %d", i)
		}
		fsys["content/news/n1.md"] = &fstest.MapFile{Data: []byte(after), ModTime: tick}
		s, _ := loadAt(fsys, Options{Cache: c}, now)
		assert.Equal(t, "动态乙", title(s))
	})
	t.Run("a modification time set back", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		for name, f := range site(nil) {
			p := filepath.Join(dir, filepath.FromSlash(name))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, f.Data, 0o644))
		}
		p := filepath.Join(dir, "content", "news", "n1.md")
		old := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
		require.NoError(t, os.WriteFile(p, []byte(before), 0o644))
		require.NoError(t, os.Chtimes(p, old, old))
		c := &Cache{}
		s, _ := loadAt(os.DirFS(dir), Options{Cache: c}, now)
		require.Equal(t, "动态甲", title(s))
		require.NoError(t, os.WriteFile(p, []byte(after), 0o644))
		require.NoError(t, os.Chtimes(p, old, old))
		s, _ = loadAt(os.DirFS(dir), Options{Cache: c}, now)
		assert.Equal(t, "动态乙", title(s))
	})
}
