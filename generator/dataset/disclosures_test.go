package dataset

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"portal/generator/dataset/xlsxtest"
	"portal/generator/diag"
	"portal/generator/model"
	"portal/generator/page"
)

const csvHeader = "subject_name,统一社会信用代码,决定文书号,类别,title,date,publicity_until,决定机关,罚款金额\n"

var opts = Options{Location: cst}

// assertDiags checks the diagnostics one by one: each must start with its
// want (position, key and the start of the message).
func assertDiags(t *testing.T, want []string, dl *diag.List) {
	t.Helper()
	got := strs(dl)
	if !assert.Len(t, got, len(want), "got:\n%s", strings.Join(got, "\n")) {
		return
	}
	for i := range want {
		assert.True(t, strings.HasPrefix(got[i], want[i]), "diagnostic %d\nwant prefix: %s\ngot:         %s", i, want[i], got[i])
	}
}

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
			[]string{`data/disclosures/x.csv:2:2: 统一社会信用代码: "91350100M000100Y44" 的校验码是 4，按 GB 32100-2015 应为 3`}, 1},
		{"malformed code, bad date, unknown category, bad amount", csvHeader + "某公司,9135,号,处罚,罚款,2024-02-30,,市市场监管局,五千\n",
			[]string{
				`data/disclosures/x.csv:2:2: 统一社会信用代码: "9135" 有 4 个字符，统一社会信用代码为 18 位`,
				`data/disclosures/x.csv:2:4: 类别: "处罚" 不在已知的类别中（行政许可、行政处罚、`,
				`data/disclosures/x.csv:2:6: date: "2024-02-30" 不是日期，可写作 2024-03-05、2024/3/5、2024年3月5日`,
				`data/disclosures/x.csv:2:9: 罚款金额: "五千" 不是金额，可写作 5000、1250.50、20万元`,
			}, 1},
		{"published before the decision", "subject_name,subject_type,doc_number,category,title,date,department,公示日期\n某公司,法人,临市监罚〔2024〕4号,行政处罚,罚款,2024-03-01,市市场监管局,2024-02-28\n",
			[]string{`data/disclosures/x.csv:2:8: 公示日期: 2024-02-28 早于决定日期 2024-03-01（公示日期不能早于决定日期）`}, 1},
		{"empty required and short row", csvHeader + ",,临市监罚〔2024〕2号,行政处罚,罚款,2024-03-01,,市市场监管局,\n\"a\",b\n",
			[]string{
				`data/disclosures/x.csv:2:1: subject_name: 不能为空 (must not be empty)`,
				`data/disclosures/x.csv:2:1: subject_name: 没有行政相对人类别和统一社会信用代码，按自然人处理`,
				`data/disclosures/x.csv:3:1: 这一行有 2 列，表头有 9 列`,
			}, 1},
		{"unknown and missing columns", "subject_name,doc_numbr\n",
			[]string{
				`data/disclosures/x.csv:1:1: category: 缺少必需的列，列名可写作 category 或 类别 (required column is missing (name it category or 类别))`,
				`data/disclosures/x.csv:1:1: date: 缺少必需的列，列名可写作 date 或 决定日期 或 许可决定日期 或 处罚决定日期`,
				`data/disclosures/x.csv:1:1: department: 缺少必需的列`,
				`data/disclosures/x.csv:1:1: doc_number: 缺少必需的列`,
				`data/disclosures/x.csv:1:2: doc_numbr: 未知的列，是否应为 doc_number？`,
			}, 0},
		{"ignored columns", "序号,subject_name,统一社会信用代码,决定文书号,类别,title,date,publicity_until,决定机关,罚款金额,地方编码\n1,某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,,市市场监管局,,371300\n",
			[]string{`data/disclosures/x.csv:1:11: 地方编码: 未知的列；不需要的列可写入 portal.toml 的 [disclosures] ignore_columns`}, 0},
		{"bare quote in a chinese row", csvHeader + "某\"公司,,临市监罚〔2024〕3号,行政处罚,罚款,2024-03-01,,市市场监管局,\n",
			[]string{`data/disclosures/x.csv:2:2: CSV 格式错误：含英文双引号的值须整体加引号`}, 0},
		{"empty file", "", []string{`data/disclosures/x.csv:1:1: 文件中没有表头行：第一行应写列名`}, 0},
		{"utf-8 mixed with gbk bytes", csvHeader + "\xb9\xab\xcb\xbe,", []string{`data/disclosures/x.csv:1:`}, 0},
		{"title row and trailing empty cells", "2025年行政处罚信息公示表,,,\n" + csvHeader + "某公司,91350100M000100Y43,临市监罚〔2024〕1号,行政处罚,罚款,2024-03-01,2027-03-01,市市场监管局,5000,,\n", nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var dl diag.List
			pages := ReadCSV("data/disclosures/x.csv", []byte(tt.src), opts, &dl)
			assertDiags(t, tt.want, &dl)
			assert.Len(t, pages, tt.rows)
		})
	}
}

func TestReadCSVValues(t *testing.T) {
	t.Parallel()
	var dl diag.List
	src := "id,subject_name,subject_type,doc_number,category,title,date,department,withdrawn,example,公示日期\n" +
		"x1,甲,法人及非法人组织,临市监罚〔2024〕1号,行政处罚,罚款,2024/3/1,scjg,是,true,2024-03-06\n" +
		",乙,法人,临市监罚〔2024〕2号,行政许可,许可,2024-03-02,市市场监管局,,,\n"
	pages := ReadCSV("data/disclosures/y.csv", []byte(src), opts, &dl)
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
	assert.Equal(t, [2]int{2, 8}, [2]int{pages[0].Refs[0].Line, pages[0].Refs[0].Col})
	d2 := pages[1].Disclosure
	assert.Equal(t, model.SubjectOrganization, d2.SubjectType)
	assert.True(t, d2.Published.IsZero())
	assert.Equal(t, DerivedID("临市监罚〔2024〕2号"), d2.ID)
	assert.Regexp(t, `^d-[0-9a-f]{10}$`, d2.ID)
	assert.NotEqual(t, DerivedID("临市监罚〔2024〕1号"), d2.ID)
}

// A licence file and a penalty file as a 信用平台 exports them: the national
// column names with full-width brackets, stray spaces, a title row, no 类别
// column, fines in 万元.
const nationalLicences = "临沂市行政许可信息（2025年第一批）\n" +
	"行政相对人名称,行政相对人类别, 行政相对人代码_1（统一社会信用代码）,行政相对人代码_2(工商注册号),行政相对人代码_3（组织机构代码）,行政相对人代码_4（税务登记号）,行政相对人代码_5（事业单位证书号）,行政相对人代码_6（社会组织登记证号）," +
	"法定代表人,法定代表人证件类型,法定代表人证件号码,证件类型,证件号码,行政许可决定文书名称,行政许可决定文书号,许可类别,许可证书名称,许可编号,许可内容,许可决定日期,有效期自,有效期至,许可机关,许可机关统一社会信用代码,当前状态,数据来源单位,数据来源单位统一社会信用代码,备注\n" +
	"临沂市兰山区某商贸有限公司,法人及非法人组织,91371302MA0LY1012T,371302000012345,MA0LY101-2,91371302MA0LY1012T,,,王某某,身份证,370102199003071238,,,食品经营许可决定书,临审服食经〔2025〕0108号,普通,食品经营许可证,JY13713020012345,预包装食品销售,2025年1月8日,2025.01.08,2030/1/7,临沂市行政审批服务局,11371300MB2854079M,1,临沂市行政审批服务局,11371300MB2854079M,\n"

const nationalPenalties = "行政相对人名称,行政相对人类别,行政相对人代码_1(统一社会信用代码),法定代表人,法定代表人证件类型,法定代表人证件号码,证件类型,证件号码,行政处罚决定书文号,违法行为类型,违法事实,处罚依据,处罚类别,处罚内容," +
	"罚款金额（万元）,没收违法所得、没收非法财物的金额（万元）,暂扣或吊销证照名称及编号,处罚决定日期,处罚有效期,公示截止期,处罚机关,处罚机关统一社会信用代码,数据来源单位,数据来源单位统一社会信用代码,备注\n" +
	"临沂市兰山区某汽车销售服务有限公司,法人及非法人组织,91371302MA0LY11789,李某,身份证,370102199003071238,,,临市监罚〔2025〕0422号,虚假宣传,发布虚假广告,《中华人民共和国反不正当竞争法》第二十条第一款,罚款;没收违法所得,责令停止违法行为，罚款20万元," +
	"20,1.25,,20250422,2025-10-22,,临沂市市场监督管理局,11371300MB2853172E,临沂市市场监督管理局,11371300MB2853172E,\n"

func TestNationalColumns(t *testing.T) {
	t.Parallel()
	var dl diag.List
	lic := ReadCSV("data/disclosures/licences.csv", []byte(nationalLicences), opts, &dl)
	pen := ReadCSV("data/disclosures/penalties.csv", []byte(nationalPenalties), opts, &dl)
	require.Empty(t, strs(&dl))
	require.Len(t, lic, 1)
	require.Len(t, pen, 1)

	l := lic[0].Disclosure
	assert.Equal(t, "行政许可", l.Category, "implied by the licence columns")
	assert.Equal(t, model.SubjectOrganization, l.SubjectType)
	assert.Equal(t, "91371302MA0LY1012T", l.CreditCode)
	assert.Equal(t, "371302000012345", l.RegistrationNumber)
	assert.Equal(t, "MA0LY101-2", l.OrgCode)
	assert.Equal(t, "王某某", l.LegalRep, "an organisation's legal representative is public")
	assert.Equal(t, "食品经营许可决定书", l.DocName)
	assert.Equal(t, "临审服食经〔2025〕0108号", l.DocNumber)
	assert.Equal(t, "普通", l.LicenceKind)
	assert.Equal(t, "食品经营许可证", l.LicenceName)
	assert.Equal(t, "JY13713020012345", l.LicenceNumber)
	assert.Equal(t, time.Date(2025, 1, 8, 0, 0, 0, 0, cst), l.Date)
	assert.Equal(t, time.Date(2025, 1, 8, 0, 0, 0, 0, cst), l.ValidFrom)
	assert.Equal(t, time.Date(2030, 1, 7, 0, 0, 0, 0, cst), l.ValidUntil)
	assert.Equal(t, "11371300MB2854079M", l.DepartmentCode)
	assert.Equal(t, "有效", l.Status, "code 1 of the standard")
	assert.Equal(t, "临沂市行政审批服务局", l.DataSource)
	assert.Equal(t, "临沂市兰山区某商贸有限公司行政许可信息（临审服食经〔2025〕0108号）", l.Title, "derived: subject, category, 文号")
	assert.Equal(t, l.ValidUntil, l.PublicityUntil, "a licence is published while valid")
	assert.Contains(t, l.PublicityBasis, "公示至有效期至")
	assert.Equal(t, "临沂市行政审批服务局", lic[0].Refs[0].Name)

	p := pen[0].Disclosure
	assert.Equal(t, "行政处罚", p.Category)
	assert.Equal(t, "虚假宣传", p.ViolationType)
	assert.Equal(t, "发布虚假广告", p.ViolationFacts)
	assert.Equal(t, "《中华人民共和国反不正当竞争法》第二十条第一款", p.LegalBasis)
	assert.Equal(t, "罚款;没收违法所得", p.PenaltyKind)
	assert.Equal(t, model.Amount{Fen: 20_000_000, Unit: "万元"}, p.FineAmount)
	assert.Equal(t, "20万元", p.FineAmount.String())
	assert.Equal(t, 200000.0, p.Fine, "Fine stays in 元")
	assert.Equal(t, "1.25万元", p.Confiscated.String())
	assert.Equal(t, time.Date(2025, 4, 22, 0, 0, 0, 0, cst), p.Date, "20250422")
	assert.Equal(t, time.Date(2025, 10, 22, 0, 0, 0, 0, cst), p.PenaltyUntil)
	assert.Equal(t, "一般", p.Severity, "罚款 and 没收违法所得 are 一般失信信息")
	assert.Equal(t, time.Date(2026, 4, 21, 0, 0, 0, 0, cst), p.PublicityUntil, "one year from the decision day")
	assert.Equal(t, "本条未提供公示截止期，按公示期规则“行政处罚·一般”自决定日期起公示1年（依据：《信用修复管理办法》（国家发展改革委令2025年第36号）：一般失信信息最短公示期为3个月，最长为1年）。按处罚类别“没收违法所得”认定为一般失信信息。", p.PublicityBasis)
}

func TestHeaderVariants(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"行政相对人代码_1（统一社会信用代码）", "行政相对人代码_1 (统一社会信用代码)", "行政相对人代码－1（统一社会信用代码）",
		" 统一社会信用代码 ", "统一社会\u3000信用代码", "*统一社会信用代码", "统一社会信用代码：", "CREDIT_CODE", "行政相对人代码_1"} {
		var dl diag.List
		src := "行政相对人名称," + h + ",行政处罚决定书文号,处罚决定日期,处罚机关\n某公司,91350100M000100Y43,临市监罚〔2024〕1号,2024-03-01,scjg\n"
		pages := ReadCSV("x.csv", []byte(src), opts, &dl)
		require.Empty(t, strs(&dl), h)
		require.Len(t, pages, 1, h)
		assert.Equal(t, "91350100M000100Y43", pages[0].Disclosure.CreditCode, h)
	}
	// The 2016 standard's fifth code was the ID card number: never kept.
	var dl diag.List
	src := "行政相对人名称,行政相对人代码_5(居民身份证号),行政处罚决定书文号,处罚决定日期,处罚机关\n张三,370102199003071238,临市监罚〔2024〕1号,2024-03-01,scjg\n"
	pages := ReadCSV("x.csv", []byte(src), opts, &dl)
	require.Empty(t, strs(&dl))
	d := pages[0].Disclosure
	assert.Equal(t, model.SubjectPerson, d.SubjectType, "an ID number and no credit code: a natural person")
	assert.Equal(t, "张*", d.SubjectName)
	assert.Empty(t, d.InstitutionCode)
}

func TestDates(t *testing.T) {
	t.Parallel()
	want := time.Date(2024, 3, 5, 0, 0, 0, 0, cst)
	for _, v := range []string{"2024-03-05", "2024-3-5", "2024/3/5", "2024/03/05", "2024.03.05", "2024年3月5日", "2024年03月05日", "20240305",
		"２０２４－０３－０５", "2024-03-05 00:00:00", "2024/3/5 9:30", "2024-03-05T10:00:00+08:00", "45356", "45356.375"} {
		var dl diag.List
		src := "行政相对人名称,行政相对人类别,行政处罚决定书文号,处罚决定日期,处罚机关\n某公司,法人,临市监罚〔2024〕1号," + v + ",scjg\n"
		pages := ReadCSV("x.csv", []byte(src), opts, &dl)
		require.Empty(t, strs(&dl), v)
		require.Len(t, pages, 1)
		assert.Equal(t, want, pages[0].Disclosure.Date, v)
	}
	for _, v := range []string{"2024-02-30", "2024-13-01", "05/03/2024", "去年", "12", "2024年3月"} {
		var dl diag.List
		src := "行政相对人名称,行政相对人类别,行政处罚决定书文号,处罚决定日期,处罚机关\n某公司,法人,临市监罚〔2024〕1号," + v + ",scjg\n"
		ReadCSV("x.csv", []byte(src), opts, &dl)
		assertDiags(t, []string{`x.csv:2:4: 处罚决定日期: "` + v + `" 不是日期`}, &dl)
	}
}

func gbk(t *testing.T, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	require.NoError(t, err)
	return b
}

func TestEncodings(t *testing.T) {
	t.Parallel()
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(strings.ReplaceAll(nationalPenalties, ",", "\t")))
	require.NoError(t, err)
	tests := []struct {
		name string
		data []byte
		opts Options
		want []string
	}{
		{"gbk detected", gbk(t, nationalPenalties), opts, nil},
		{"gb18030 declared", gbk(t, nationalPenalties), Options{Location: cst, Config: model.DisclosureConfig{Encodings: map[string]string{"p.csv": "gb18030"}}}, nil},
		{"utf-8 with bom", append([]byte("\ufeff"), nationalPenalties...), opts, nil},
		{"excel unicode text (utf-16, tabs)", utf16, opts, nil},
		{"declared utf-8 but gbk", gbk(t, nationalPenalties), Options{Location: cst, Config: model.DisclosureConfig{Encodings: map[string]string{"p.csv": "utf-8"}}},
			[]string{"data/p.csv:1:1: 文件不是 UTF-8 文本：请另存为 UTF-8，或在 portal.toml 的 [disclosures] encodings 中声明其编码"}},
		{"-encoding overrides the declaration", gbk(t, nationalPenalties), Options{Location: cst, Encoding: "gbk", Config: model.DisclosureConfig{Encodings: map[string]string{"p.csv": "utf-8"}}}, nil},
		{"binary", []byte("行政相对人名称,类别\n\xff\xfe\xfd\x80,x\n"), opts, []string{"data/p.csv:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var dl diag.List
			pages := ReadCSV("data/p.csv", tt.data, tt.opts, &dl)
			assertDiags(t, tt.want, &dl)
			if tt.want == nil {
				require.Len(t, pages, 1)
				d := pages[0].Disclosure
				assert.Equal(t, "临沂市兰山区某汽车销售服务有限公司", d.SubjectName)
				assert.Equal(t, "20万元", d.FineAmount.String())
			}
		})
	}
}

func TestAmounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		col, val, shown string
		yuan            float64
	}{
		{"罚款金额", "200000", "20万元", 200000},
		{"罚款金额", "86000", "8.6万元", 86000},
		{"罚款金额", "1250.50", "1250.5元", 1250.5},
		{"罚款金额", "200,000元", "20万元", 200000},
		{"罚款金额", "20万元", "20万元", 200000},
		{"罚款金额", "￥5,000.00", "5000元", 5000},
		{"罚款金额（万元）", "20", "20万元", 200000},
		{"罚款金额（万元）", "0.5", "0.5万元", 5000},
		{"罚款金额(万元)", "0.012345", "0.012345万元", 123.45},
		{"fine", "1e4", "1万元", 10000},
	}
	for _, tt := range tests {
		var dl diag.List
		src := "行政相对人名称,行政相对人类别,行政处罚决定书文号,处罚决定日期,处罚机关," + tt.col + "\n某公司,法人,临市监罚〔2024〕1号,2024-03-01,scjg,\"" + tt.val + "\"\n"
		pages := ReadCSV("x.csv", []byte(src), opts, &dl)
		require.Empty(t, strs(&dl), tt.val)
		d := pages[0].Disclosure
		assert.Equal(t, tt.shown, d.FineAmount.String(), tt.col+" "+tt.val)
		assert.InDelta(t, tt.yuan, d.Fine, 0.001, tt.val)
	}
	for _, v := range []string{"-5", "五千", "0x10", "1/2", "20万元整"} {
		var dl diag.List
		src := "行政相对人名称,行政相对人类别,行政处罚决定书文号,处罚决定日期,处罚机关,罚款金额\n某公司,法人,临市监罚〔2024〕1号,2024-03-01,scjg," + v + "\n"
		ReadCSV("x.csv", []byte(src), opts, &dl)
		assertDiags(t, []string{`x.csv:2:6: 罚款金额: "` + v + `" 不是金额`}, &dl)
	}
}

func TestPersonalData(t *testing.T) {
	t.Parallel()
	const id, id2 = "370102199003071238", "11010519491231002X"
	src := "行政相对人名称,行政相对人类别,统一社会信用代码,法定代表人,法定代表人证件号码,证件类型,证件号码,行政处罚决定书文号,违法事实,处罚决定日期,处罚机关,税务登记号,备注\n" +
		// A natural person: the name is masked wherever it appears, the ID
		// number column is dropped and the one written into the facts hidden.
		"张三,自然人,,,,身份证," + id + ",临公罚〔2025〕1号,张三（身份证号" + id + "）无证经营,2025-01-02,scjg,,\n" +
		// A sole trader: the business name stays, the operator is masked,
		// an old tax number that is the operator's ID number is dropped.
		"临沂市兰山区李四食品店,个体工商户,92371302MA0LY116X6,李四," + id2 + ",,,临公罚〔2025〕2号,经营者李四未按规定公示,2025-01-03,scjg," + id2 + "01,\n" +
		// An organisation: its legal representative is public, the ID
		// number of the legal representative is not.
		"某公司,法人及非法人组织,91350100M000100Y43,欧阳娜娜," + id + ",,,临公罚〔2025〕3号,违法,2025-01-04,scjg,,联系人身份证" + id2 + "\n"
	check := func(rule string, want [3][2]string) {
		var dl diag.List
		o := Options{Location: cst, Config: model.DisclosureConfig{PersonNames: rule}}
		pages := ReadCSV("data/disclosures/p.csv", []byte(src), o, &dl)
		require.Len(t, pages, 3)
		var all bytes.Buffer
		for i, p := range pages {
			d := p.Disclosure
			assert.Equal(t, want[i][0], d.SubjectName, rule)
			assert.Equal(t, want[i][1], d.LegalRep, rule)
			all.WriteString(strings.Join([]string{d.SubjectName, d.LegalRep, d.Title, d.ViolationFacts, d.Remarks, d.TaxNumber}, "|"))
		}
		assert.NotContains(t, all.String(), id)
		assert.NotContains(t, all.String(), id2)
		assert.NotContains(t, all.String(), "37010219900307")
		if rule != "full" {
			assert.NotContains(t, all.String(), "张三")
			assert.NotContains(t, all.String(), "李四")
		}
		assertDiags(t, []string{
			"data/disclosures/p.csv:2:9: 违法事实: 含有居民身份证号码，已在所有页面和数据中隐去",
			"data/disclosures/p.csv:3:12: 税务登记号: 含有居民身份证号码，不予公示",
			"data/disclosures/p.csv:4:13: 备注: 含有居民身份证号码，已在所有页面和数据中隐去",
		}, &dl)
	}
	check("", [3][2]string{{"张*", ""}, {"临沂市兰山区李*食品店", "李*"}, {"某公司", "欧阳娜娜"}})
	check("mask", [3][2]string{{"张*", ""}, {"临沂市兰山区李*食品店", "李*"}, {"某公司", "欧阳娜娜"}})
	check("hide", [3][2]string{{"某某", ""}, {"临沂市兰山区某某食品店", "某某"}, {"某公司", "欧阳娜娜"}})
	check("full", [3][2]string{{"张三", ""}, {"临沂市兰山区李四食品店", "李四"}, {"某公司", "欧阳娜娜"}})
}

func TestPublicityRules(t *testing.T) {
	t.Parallel()
	src := "行政相对人名称,行政相对人类别,行政处罚决定书文号,处罚类别,罚款金额,处罚决定日期,公示截止期,失信严重程度,处罚机关\n" +
		"甲,法人,临罚〔2025〕1号,警告,,2025-01-31,,,scjg\n" +
		"乙,法人,临罚〔2025〕2号,罚款,5000,2025-01-31,,,scjg\n" +
		"丙,法人,临罚〔2025〕3号,罚款；吊销许可证件,5000,2024-02-29,,,scjg\n" +
		"丁,法人,临罚〔2025〕4号,其他,,2025-03-01,,,scjg\n" +
		"戊,法人,临罚〔2025〕5号,警告,,2025-03-01,2025-12-31,,scjg\n" +
		"己,法人,临罚〔2025〕6号,罚款,,2025-03-01,,严重,scjg\n"
	var dl diag.List
	pages := ReadCSV("x.csv", []byte(src), opts, &dl)
	require.Empty(t, strs(&dl))
	day := func(s string) time.Time {
		d, err := page.ParseDate(s, cst)
		require.NoError(t, err)
		return d
	}
	want := []struct {
		until    time.Time
		severity string
		withheld bool
		basis    string
	}{
		{time.Time{}, "轻微", true, "按公示期规则“行政处罚·轻微”不予公示"},
		{day("2026-01-30"), "一般", false, "按处罚类别“罚款”认定为一般失信信息"},
		{day("2027-02-27"), "严重", false, "自决定日期起公示3年"},
		{day("2026-02-28"), "一般", false, "未填失信严重程度和可识别的处罚类别，按一般失信信息计"},
		{day("2025-12-31"), "", false, ""},
		{day("2028-02-29"), "严重", false, "按所填失信严重程度"},
	}
	require.Len(t, pages, len(want))
	for i, w := range want {
		d := pages[i].Disclosure
		assert.Equal(t, w.until, d.PublicityUntil, d.SubjectName)
		assert.Equal(t, w.severity, d.Severity, d.SubjectName)
		assert.Equal(t, w.withheld, d.Withheld, d.SubjectName)
		if w.basis == "" {
			assert.Empty(t, d.PublicityBasis, d.SubjectName)
		} else {
			assert.Contains(t, d.PublicityBasis, w.basis, d.SubjectName)
		}
	}
	// A site's own rules replace the defaults.
	o := Options{Location: cst, Config: model.DisclosureConfig{Publicity: []model.PublicityRule{{Category: "行政处罚", Months: 6, Basis: "本市规定"}}}}
	dl = diag.List{}
	pages = ReadCSV("x.csv", []byte(src), o, &dl)
	require.Empty(t, strs(&dl))
	assert.Equal(t, day("2025-07-30"), pages[0].Disclosure.PublicityUntil)
	assert.False(t, pages[0].Disclosure.Withheld)
	assert.Contains(t, pages[0].Disclosure.PublicityBasis, "自决定日期起公示6个月（依据：本市规定）")
}

// testWorkbook builds an .xlsx file the way offices' systems export one: a
// licence sheet and a penalty sheet, each under a title row, real Excel
// dates and numbers, an instructions sheet and a hidden list sheet.
func testWorkbook(t *testing.T, date1904 bool, mutate func(sheets []xlsxtest.Sheet)) []byte {
	t.Helper()
	sheets := []xlsxtest.Sheet{
		{Name: "填表说明", Rows: [][]any{{"请按国家双公示数据标准填写"}, {"日期请填写为日期格式"}}},
		{Name: "行政许可", Rows: [][]any{
			{"2025年行政许可信息"},
			{"行政相对人名称", "行政相对人类别", "行政相对人代码_1（统一社会信用代码）", "行政许可决定文书号", "许可证书名称", "许可决定日期", "有效期至", "许可机关"},
			{"临沂市兰山区某商贸有限公司", "法人及非法人组织", "91371302MA0LY1012T", "临审服食经〔2025〕0108号", "食品经营许可证", time.Date(2025, 1, 8, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 7, 0, 0, 0, 0, time.UTC), "临沂市行政审批服务局"},
			{},
			{"沂南县某建筑工程有限公司", "法人及非法人组织", "91371321MA0LY1047X", "临住建资〔2025〕0327号", "建筑业企业资质证书", "2025/3/27", "2030年3月26日", "临沂市行政审批服务局"},
		}},
		{Name: "行政处罚", Rows: [][]any{
			{"行政相对人名称", "行政相对人类别", "证件号码", "行政处罚决定书文号", "处罚类别", "罚款金额（万元）", "处罚决定日期", "处罚机关"},
			{"张三", "自然人", "370102199003071238", "临市监罚〔2025〕0312号", "罚款", 0.2, time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), "临沂市市场监督管理局"},
		}},
		{Name: "选项", Hidden: true, Rows: [][]any{{"法人及非法人组织"}, {"自然人"}, {"个体工商户"}}},
	}
	if mutate != nil {
		mutate(sheets)
	}
	var buf bytes.Buffer
	require.NoError(t, xlsxtest.Write(&buf, sheets, date1904))
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	t.Parallel()
	excelize, err := os.ReadFile("testdata/excelize-v2.11.1.xlsx")
	require.NoError(t, err)
	for name, data := range map[string][]byte{
		"1900 date system":    testWorkbook(t, false, nil),
		"1904 date system":    testWorkbook(t, true, nil),
		"written by excelize": excelize,
	} {
		var dl diag.List
		pages := ReadXLSX("data/disclosures/2025.xlsx", data, opts, &dl)
		require.Empty(t, strs(&dl), "%s: the instructions sheet and the hidden list are skipped", name)
		require.Len(t, pages, 3, name)
		l := pages[0].Disclosure
		assert.Equal(t, "行政许可", l.Category, name)
		assert.Equal(t, time.Date(2025, 1, 8, 0, 0, 0, 0, cst), l.Date, "an Excel date: %s", name)
		assert.Equal(t, time.Date(2030, 1, 7, 0, 0, 0, 0, cst), l.ValidUntil, name)
		assert.Equal(t, 3, l.Source.Line, "the sheet row")
		assert.Equal(t, time.Date(2030, 3, 26, 0, 0, 0, 0, cst), pages[1].Disclosure.ValidUntil, "a date typed as text: %s", name)
		assert.Equal(t, 5, pages[1].Disclosure.Source.Line, "blank rows keep the numbering")
		p := pages[2].Disclosure
		assert.Equal(t, "行政处罚", p.Category, name)
		assert.Equal(t, "张*", p.SubjectName, name)
		assert.Equal(t, "0.2万元", p.FineAmount.String(), name)
		assert.Equal(t, "行政处罚", pages[2].Refs[0].Sheet, name)
	}
	// Errors name the sheet, the row and the column, all at once.
	data := testWorkbook(t, false, func(sheets []xlsxtest.Sheet) {
		sheets[2].Rows[1][6] = "2025-02-30"
		sheets[2].Rows[1][5] = "很多"
		sheets[1].Rows[2][3] = nil
		sheets[0].Rows[1] = []any{"日期请填写为日期格式", "另一列"}
	})
	var dl diag.List
	ReadXLSX("data/disclosures/2025.xlsx", data, opts, &dl)
	assertDiags(t, []string{
		"data/disclosures/2025.xlsx[填表说明]:2:1: 这个工作表没有可识别的列名，已跳过",
		"data/disclosures/2025.xlsx[行政处罚]:2:6: 罚款金额（万元）: \"很多\" 不是金额",
		"data/disclosures/2025.xlsx[行政处罚]:2:7: 处罚决定日期: \"2025-02-30\" 不是日期",
		"data/disclosures/2025.xlsx[行政许可]:3:4: 行政许可决定文书号: 不能为空",
	}, &dl)

	for name, bad := range map[string][]byte{
		"not a zip":         []byte("not a zip"),
		"xls (OLE)":         append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...),
		"truncated":         data[:len(data)/2],
		"zip without parts": emptyZip(t),
	} {
		dl = diag.List{}
		assert.Empty(t, ReadXLSX("data/disclosures/bad.xlsx", bad, opts, &dl), name)
		assertDiags(t, []string{"data/disclosures/bad.xlsx: 无法读取 Excel 文件（须为未加密的 .xlsx 文件"}, &dl)
	}
}

func emptyZip(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestReadJSON(t *testing.T) {
	t.Parallel()
	src := `[
  {"subject_name": "甲", "subject_type": "法人", "doc_number": "临市监罚〔2024〕1号", "category": "行政处罚",
   "title": "罚款", "date": "2024-03-01", "department": "scjg", "fine": 500, "withdrawn": true},
  {"subject_name": "乙", "doc_number": "临市监罚〔2024〕2号", "category": "行政处罚",
   "title": "罚款", "date": "2024-13-01", "决定机关": "scjg", "credit_code": "91350100M000100Y44"},
  {"subject_name": "丙", "subject_type": "法人", "doc_number": "n", "category": "行政处罚", "title": "t", "date": "2024-03-01"},
  {"subject_name": ["x"], "subject_type": "法人", "doc_number": "n2", "category": "行政处罚", "title": "t", "date": "2024-03-01", "department": "scjg"},
  {"行政相对人名称": "丁", "行政相对人类别": "法人", "行政处罚决定书文号": "n3", "罚款金额（万元）": 1.5, "处罚决定日期": "2024/3/1", "处罚机关": "scjg"}
]`
	var dl diag.List
	pages := ReadJSON("data/disclosures/z.json", []byte(src), opts, &dl)
	assertDiags(t, []string{
		`data/disclosures/z.json:5:19: date: "2024-13-01" 不是日期`,
		`data/disclosures/z.json:5:57: credit_code: "91350100M000100Y44" 的校验码是 4`,
		`data/disclosures/z.json:6:3: department: 缺少必需的列，列名可写作 department 或 决定机关`,
		`data/disclosures/z.json:7:4: subject_name: 应为文字、数字或 true/false，不能是数组或对象`,
	}, &dl)
	require.Len(t, pages, 4)
	assert.Equal(t, 500.0, pages[0].Disclosure.Fine)
	assert.True(t, pages[0].Disclosure.Withdrawn)
	assert.Equal(t, 2, pages[0].Disclosure.Source.Line)
	assert.Equal(t, "行政处罚", pages[3].Disclosure.Category, "implied by the keys")
	assert.Equal(t, "1.5万元", pages[3].Disclosure.FineAmount.String())

	dl = diag.List{}
	assert.Empty(t, ReadJSON("data/disclosures/o.json", []byte(`{"a": 1}`), opts, &dl))
	assertDiags(t, []string{`data/disclosures/o.json:1:1: 文件应为对象数组`}, &dl)
	dl = diag.List{}
	ReadJSON("data/disclosures/t.json", []byte("[\n {\"title\": \"中文\" \"x\"}]"), opts, &dl)
	require.Len(t, dl.Errors(), 1)
	assert.Contains(t, dl.Errors()[0].String(), "data/disclosures/t.json:2:")
}
